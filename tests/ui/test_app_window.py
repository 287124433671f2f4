"""The main window: pages, shortcuts, status bar, recent databases, closing with running jobs, first start."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox

from workbench.store.datasets import dataset_count
from workbench.ui.app import prepare
from workbench.ui.context import AppContext, app_settings
from workbench.ui.jobs import CANCELLED
from workbench.ui.main_window import PAGES, MainWindow, about_text


@pytest.fixture
def window(qtbot, app_context: AppContext) -> MainWindow:
    win = MainWindow(app_context)
    qtbot.addWidget(win)
    return win


def test_pages_shortcuts_and_status_bar(window: MainWindow, app_context: AppContext) -> None:
    assert [window.sidebar.item(i).text() for i in range(window.sidebar.count())] == [p.title for p in PAGES]
    assert window.current_page_title() == "Datasets"
    window.page_actions[1].trigger()
    assert window.current_page_title() == "Train"
    assert window.page_actions[1].shortcut().toString() == "Ctrl+2"
    assert window.open_action.shortcut().toString() == "Ctrl+O"
    assert window.import_action.shortcut().toString() == "Ctrl+I"
    assert window.quit_action.shortcut().toString() == "Ctrl+Q"
    assert str(app_context.db.sqlite_path) in window.db_label.text()
    assert window.device_label.text().startswith("Device: ")
    text = about_text(app_context)
    assert "Python" in text and "PyTorch" in text and "Qt" in text and app_context.device_label in text


def test_switch_database_remembers_recent(window: MainWindow, tmp_path: Path) -> None:
    other = tmp_path / "other.db"
    assert window.switch_database(str(other))
    assert window.recent_databases()[0] == str(other.resolve())
    assert str(other.resolve()) in [a.text() for a in window.recent_menu.actions()]
    assert "other.db" in window.db_label.text()


def _blocking_job(ctx: AppContext):
    started = threading.Event()

    def work(cancel, progress, emit):
        started.set()
        while not cancel.cancelled:
            cancel._event.wait(0.01)
        cancel.raise_if_cancelled()

    return ctx.jobs.submit("long job", work, kind="training"), started


def test_close_with_running_job_asks_then_cancels(qtbot, window: MainWindow, app_context: AppContext,
                                                  monkeypatch) -> None:
    job, started = _blocking_job(app_context)
    qtbot.waitUntil(started.is_set, timeout=5000)
    asked: list[str] = []

    def answer(button):
        def question(parent, title, text, *args, **kwargs):
            asked.append(text)
            return button
        return question

    window.show()
    monkeypatch.setattr(QMessageBox, "question", answer(QMessageBox.StandardButton.No))
    assert not window.close()
    assert job.is_active and "long job" in asked[0]

    monkeypatch.setattr(QMessageBox, "question", answer(QMessageBox.StandardButton.Yes))
    assert window.close()
    assert len(asked) == 2
    assert app_context.jobs.pool.activeThreadCount() == 0  # waited for the worker
    qtbot.waitUntil(lambda: job.state == CANCELLED, timeout=5000)
    assert app_settings().value("main_window/geometry") is not None


def test_first_start_on_empty_database_loads_demo(qtbot, window: MainWindow, app_context: AppContext) -> None:
    job = prepare(app_context)
    assert job is not None
    with qtbot.waitSignal(app_context.dataset_selected, timeout=60_000) as selected:
        pass
    assert dataset_count(app_context.db) == 1
    page = window.pages["Datasets"]
    assert page.current_dataset_id() == selected.args[0] == app_context.current_dataset_id
    assert page.view.tiles["users"].value_label.text() != "–"


def test_closing_the_window_stops_quiet_look_ups_at_once(qtbot, window: MainWindow,
                                                        app_context: AppContext) -> None:
    started = threading.Event()

    def look_up(cancel, progress, emit):  # e.g. a page loading a model: not listed, not asked about
        started.set()
        while not cancel.cancelled:
            cancel._event.wait(0.01)
        cancel.raise_if_cancelled()

    job = app_context.jobs.submit("load a model", look_up, kind="inspect", quiet=True)
    qtbot.waitUntil(started.is_set, timeout=5000)
    window.show()
    assert window.close()  # nothing to ask: no visible job runs
    assert job.token.cancelled
    assert app_context.jobs.wait(2000)  # the worker is free well before the app tears down
