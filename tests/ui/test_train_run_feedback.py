"""What the Train page and the jobs panel tell a user about a run: its status in the list while it runs
and after a crash, the progress bar, the Start button and the epochs a user chose."""

from __future__ import annotations

import subprocess
import sys
import threading

import pytest
from PySide6.QtCore import Qt

from tests.ui.helpers import add_small_dataset


@pytest.fixture
def tiny_ctx(app_context):
    app_context.tiny_dataset_id = add_small_dataset(app_context.db)
    app_context.datasets_changed.emit()
    return app_context


def _row_text(page, run_id: int) -> str:
    for row in range(page.run_list.runs_list.count()):
        item = page.run_list.runs_list.item(row)
        if item.data(Qt.ItemDataRole.UserRole) == run_id:
            return item.text()
    raise KeyError(run_id)


def test_a_running_run_shows_its_epoch_and_time_and_the_jobs_bar_its_percent(qtbot, tiny_ctx):
    from workbench.ui.app import STYLE_SHEET
    from workbench.ui.jobs_panel import JobsPanel
    from workbench.ui.pages.train import TrainPage

    page = TrainPage(tiny_ctx)
    qtbot.addWidget(page)
    page.setStyleSheet(STYLE_SHEET.read_text(encoding="utf-8"))  # the disabled look is part of the test
    panel = JobsPanel(tiny_ctx.jobs)
    qtbot.addWidget(panel)
    page.resize(1100, 700)
    page.show()
    page.set_family("mf")
    page.settings.epochs_spin.setValue(400)
    page.settings.config_form.editor("patience").setValue(0)
    page.settings.config_form.editor("batch_size").setValue(16)
    enabled_look = page.start_button.grab().toImage().pixelColor(6, page.start_button.height() // 2)
    plotted: list[int] = []
    page.epoch_plotted.connect(lambda _run, epoch: plotted.append(epoch))
    page.start_training()
    qtbot.waitUntil(lambda: len(plotted) >= 2, timeout=30_000)
    run_id = page._live.run_id
    text = _row_text(page, run_id)
    assert f"running · epoch {plotted[-1]}/400 · " in text  # not "running · 0s" throughout
    # Start is disabled and looks it (the primary style used to paint it blue all the same)
    assert not page.start_button.isEnabled() and page.start_button.text() == "Training…"
    disabled_look = page.start_button.grab().toImage().pixelColor(6, page.start_button.height() // 2)
    assert disabled_look != enabled_look
    row = panel.row_for(page._live.job)
    qtbot.waitUntil(lambda: row.bar.maximum() == 1000 and row.bar.value() > 0, timeout=10_000)
    qtbot.waitUntil(lambda: "%" in row.status.text() and "epoch" in row.status.text(), timeout=10_000)
    with qtbot.waitSignal(page.training_cancelled, timeout=30_000):
        page.cancel_training()
    row.refresh()
    assert row.bar.maximum() == 1000 and row.status.text() == "cancelled"
    assert page.start_button.isEnabled() and page.start_button.text() == "Start training"
    assert "cancelled" in _row_text(page, run_id)


def test_a_cancelled_job_without_a_known_total_stops_its_busy_bar(qtbot, app_context):
    from workbench.ui.jobs_panel import JobsPanel

    panel = JobsPanel(app_context.jobs)
    qtbot.addWidget(panel)
    started = threading.Event()

    def work(cancel, progress, emit):
        started.set()
        while not cancel.cancelled:
            cancel.raise_if_cancelled()
            threading.Event().wait(0.01)
        cancel.raise_if_cancelled()

    job = app_context.jobs.submit("Unknown length", work)
    qtbot.waitSignal(job.started, timeout=5_000)
    qtbot.waitUntil(started.is_set, timeout=5_000)
    row = panel.row_for(job)
    qtbot.waitUntil(lambda: job.started_at is not None, timeout=5_000)
    row.refresh()
    assert row.bar.maximum() == 0  # busy while it runs
    with qtbot.waitSignal(job.cancelled, timeout=5_000):
        job.cancel()
    assert row.bar.maximum() == 1000 and "cancelled" in row.status.text()


def test_runs_a_crash_left_running_are_listed_as_interrupted_after_start_up(qtbot, tiny_ctx):
    from workbench.store.schema import TrainingRunRow
    from workbench.ui.app import prepare
    from workbench.ui.main_window import MainWindow

    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True,
                          text=True, check=True)
    with tiny_ctx.db.session() as session:
        row = TrainingRunRow(dataset_id=tiny_ctx.tiny_dataset_id, family="mf", status="running",
                             pid=int(dead.stdout), config={}, split={})
        session.add(row)
        session.flush()
        run_id = row.id
    window = MainWindow(tiny_ctx)  # built first, as in app.run: its Train page lists the run as running
    qtbot.addWidget(window)
    page = window.pages["Train"]
    assert "running" in _row_text(page, run_id)
    prepare(tiny_ctx, load_demo=False)
    assert "interrupted" in _row_text(page, run_id)


def test_changing_the_model_keeps_the_epochs_a_user_chose(qtbot, tiny_ctx):
    from workbench.ui.pages.train import TrainPage

    page = TrainPage(tiny_ctx)
    qtbot.addWidget(page)
    page.set_family("mf")
    assert page.settings.epochs_spin.value() == 60  # untouched: the family's default
    page.set_family("neumf")
    assert page.settings.epochs_spin.value() == 30  # still untouched: follows the family
    page.settings.epochs_spin.setValue(15)
    page.set_family("mf")
    assert page.settings.epochs_spin.value() == 15
    page.set_family("ease")  # a closed-form family: epochs do not apply, the value waits
    page.set_family("bpr")
    assert page.settings.epochs_spin.value() == 15
    page.settings.reset_button.click()
    assert page.settings.epochs_spin.value() == 60  # Reset to defaults also resets epochs


def test_runs_of_different_objectives_get_their_own_axes_and_the_legend_follows_the_ticks(qtbot):
    from workbench.ui.curves import TrainingCurves
    from workbench.ui.pages.train import loss_axis_label, run_objective

    curves = TrainingCurves()
    qtbot.addWidget(curves)
    curves.resize(900, 600)
    curves.show()
    rating = run_objective("mf", {"objective": "rating"})
    curves.add_run(1, "run 1 · mf", rating, loss_axis_label(rating))
    curves.set_history(1, [{"epoch": e, "train_loss": 2.0 / e, "valid_metric": 1.2 - 0.05 * e,
                            "metric_name": "rmse"} for e in range(1, 6)])
    ranking = run_objective("hybrid", {})
    curves.add_run(2, "run 2 · hybrid", ranking, loss_axis_label(ranking))
    curves.set_history(2, [{"epoch": e, "train_loss": 6.0 - 0.2 * e, "valid_metric": 0.1 + 0.02 * e,
                            "metric_name": "ndcg@10"} for e in range(1, 6)])
    assert curves.shown_objectives() == ["ranking", "rating"]
    rating_loss, rating_metric = curves.plots("rating")
    ranking_loss, ranking_metric = curves.plots("ranking")
    assert rating_loss.isVisible() and ranking_loss.isVisible()
    assert "MSE" in rating_loss.getPlotItem().getAxis("left").labelText
    assert "ranking" in ranking_loss.getPlotItem().titleLabel.text
    assert "rating" in rating_loss.getPlotItem().titleLabel.text
    assert "RMSE" in rating_metric.getPlotItem().getAxis("left").labelText
    assert "ndcg@10" in ranking_metric.getPlotItem().getAxis("left").labelText
    # the legend is a label under the plots (no legend item inside a plot can hide a curve)
    assert curves.legend_entries() == ["run 1 · mf", "run 2 · hybrid"]
    assert all(plot.getPlotItem().legend is None for plot in (rating_loss, ranking_loss))
    curves.set_run_visible(1, False)
    assert curves.legend_entries() == ["run 2 · hybrid"] and "run 1" not in curves.legend_label.text()
    assert not rating_loss.isVisible() and curves.shown_objectives() == ["ranking"]
    _, (low, high) = ranking_loss.getPlotItem().vb.viewRange()
    assert low > 4.0 and high < 6.5  # rescaled to the hybrid's losses alone
