"""The Simplified Chinese interface: the catalogue is current, every visible text of every page is translated
(names such as model families, metrics, ids and file names excepted), nothing is clipped at 1280x800."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pyqtgraph as pg
import pytest
from PySide6.QtCore import QLocale
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QComboBox,
    QGroupBox,
    QLabel,
    QLineEdit,
    QMenu,
    QTableView,
    QTabWidget,
    QWidget,
)

from tests.ui.helpers import add_content_dataset, train_model
from tests.ui.layout_check import clipped_widgets
from workbench.bundled import resources_dir
from workbench.models.registry import FAMILIES

TS = resources_dir() / "i18n" / "workbench_zh_CN.ts"
QM = resources_dir() / "i18n" / "workbench_zh_CN.qm"

# Words that are names or notation, the same in both languages.
NAMES = {name.lower() for name in FAMILIES} | {
    "rec workbench", "english", "mf", "bpr", "als", "ease", "neumf", "autorec", "knn", "item-knn", "ndcg",
    "rmse", "mae", "auc", "mrr", "hr", "map", "recall", "precision", "pytorch", "qt", "pyside6", "pyqtgraph",
    "python", "csv", "parquet", "tsv", "json", "sqlite", "postgresql", "cpu", "cuda", "gpu", "mps", "id",
    "ids", "tpe", "optuna", "log", "sasrec", "gru4rec", "movielens", "demo", "ctrl", "l2", "top", "n", "ml",
    "k", "x", "y",
}


def _is_english_source(text: str) -> bool:
    """True when ``text`` still reads as an untranslated English phrase."""
    text = re.sub(r"<[^>]+>", " ", text).replace("&", "")  # rich text and mnemonics
    if re.search(r"[\u4e00-\u9fff]", text):
        return False  # translated (names inside Chinese sentences are fine)
    words = [w for w in re.findall(r"[A-Za-z][A-Za-z'\-]*", text)]
    # file names, paths, ids, metric names (NDCG@10), numbers, all-caps abbreviations, single letters
    text_no_names = re.sub(r"\S*[/\\.@_:=]\S*", " ", text)
    words = [w for w in re.findall(r"[A-Za-z][A-Za-z'\-]*", text_no_names)]
    words = [w for w in words if len(w) > 1 and not w.isupper() and w.lower() not in NAMES]
    return bool(words)


def _texts(widget: QWidget) -> Iterator[tuple[str, str]]:
    """(what, text) pairs a user can read on ``widget``."""
    if widget.toolTip():
        yield "tooltip", widget.toolTip()
    if isinstance(widget, QLabel | QAbstractButton):
        yield "text", widget.text()
    if isinstance(widget, QGroupBox):
        yield "title", widget.title()
    if isinstance(widget, QLineEdit) and widget.placeholderText():
        yield "placeholder", widget.placeholderText()
    if isinstance(widget, QTabWidget):
        for i in range(widget.count()):
            yield "tab", widget.tabText(i)
    if isinstance(widget, QTableView) and widget.model() is not None:
        model = widget.model()
        for column in range(model.columnCount()):
            if not widget.isColumnHidden(column):
                yield "header", str(model.headerData(column, pg.QtCore.Qt.Orientation.Horizontal) or "")
    if isinstance(widget, QMenu):
        for action in widget.actions():
            if action.isVisible() and action.text():
                yield "menu", action.text()
    if isinstance(widget, pg.PlotWidget):
        item = widget.getPlotItem()
        yield "plot title", item.titleLabel.text
        for side in ("left", "bottom"):
            axis = item.getAxis(side)
            if axis.isVisible():
                yield f"{side} axis", axis.labelText
        if item.legend is not None:
            for _sample, label in item.legend.items:
                yield "legend", label.text


def untranslated(root: QWidget, data: frozenset[str] = frozenset()) -> list[str]:
    """Every visible text under ``root`` (menus included, shown or not) that is still English; ``data``
    holds texts that are the user's data (dataset names, file paths, item titles), never translated."""
    problems = []
    for widget in [root, *root.findChildren(QWidget)]:
        if not (widget.isVisibleTo(root) or isinstance(widget, QMenu)):
            continue
        if isinstance(widget, QComboBox):
            continue  # combo entries are mostly data: dataset names, families, metrics
        if widget.objectName() == "InlineError":
            continue  # failures reported by the Qt-free core keep its (English) wording
        for what, text in _texts(widget):
            if text and text not in data and _is_english_source(text):
                problems.append(f"{type(widget).__name__} {widget.objectName()!r} {what}: {text!r}")
    return problems


def _data_texts(db) -> set[str]:
    from sqlalchemy import select

    from workbench.store.schema import DatasetRow, ItemRow

    with db.session() as session:
        texts = {t for row in session.scalars(select(DatasetRow)) for t in (row.name, row.source) if t}
        texts |= {t for t in session.scalars(select(ItemRow.title)) if t}
    return texts


@pytest.fixture
def chinese(qapp):
    """The zh_CN catalogue, the users' style sheet and a CJK font for the test; all put back after it."""
    from workbench.ui.app import apply_style
    from workbench.ui.i18n import apply_cjk_font, install_language

    font, sheet, style = QFont(qapp.font()), qapp.styleSheet(), qapp.style().name()
    assert install_language("zh_CN", qapp), f"{QM} did not load"
    apply_style(qapp)  # the style sheet's paddings change what fits
    apply_cjk_font(qapp)
    yield
    install_language("en", qapp)
    qapp.setFont(font)
    qapp.setStyleSheet(sheet)
    qapp.setStyle(style)


def test_the_compiled_catalogue_matches_its_source(tmp_path: Path) -> None:
    """The committed .qm is what lrelease makes of the committed .ts (run `make translations`)."""
    lrelease = shutil.which("pyside6-lrelease", path=str(Path(sys.executable).parent)) \
        or shutil.which("pyside6-lrelease")
    if lrelease is None:
        pytest.skip("pyside6-lrelease is not installed")
    fresh = tmp_path / "fresh.qm"
    subprocess.run([lrelease, "-silent", str(TS), "-qm", str(fresh)], check=True, timeout=60)
    assert fresh.read_bytes() == QM.read_bytes(), "resources/i18n/*.qm is stale: run `make translations`"
    ts = TS.read_text(encoding="utf-8")
    assert 'type="unfinished"' not in ts, "some strings have no finished Chinese translation"


def test_the_model_texts_list_is_current() -> None:
    """The families' texts copied for lupdate match them (run `python -m workbench.ui.model_texts`)."""
    from workbench.ui.model_texts import TEXTS, current_texts

    assert current_texts() == TEXTS


def test_the_language_choice_is_remembered_and_system_decides_first(qapp) -> None:
    from workbench.ui.i18n import resolve_language, save_language, saved_language

    assert saved_language() == "system"
    assert resolve_language("system", QLocale(QLocale.Language.Chinese, QLocale.Country.China)) == "zh_CN"
    assert resolve_language("system", QLocale(QLocale.Language.German, QLocale.Country.Germany)) == "en"
    save_language("zh_CN")
    assert saved_language() == "zh_CN"
    assert resolve_language(saved_language()) == "zh_CN"


def test_numbers_follow_the_locale_and_a_cjk_font_is_found(qapp, chinese) -> None:
    from workbench.ui.i18n import cjk_font_family

    assert QLocale().name() == "zh_CN"
    if cjk_font_family() is None:
        pytest.skip("no CJK font installed (.ci/system-deps.sh installs fonts-wqy-microhei)")
    assert cjk_font_family()


def test_the_view_menu_offers_the_languages(qtbot, app_context, monkeypatch) -> None:
    from PySide6.QtWidgets import QMessageBox

    from workbench.ui.i18n import saved_language
    from workbench.ui.main_window import MainWindow

    told = []
    monkeypatch.setattr(QMessageBox, "information", lambda *args: told.append(args[2]))
    window = MainWindow(app_context)
    qtbot.addWidget(window)
    assert [a.text() for a in window.language_menu.actions()] == ["System", "English", "简体中文"]
    assert window.language_actions["system"].isChecked()
    window.language_actions["zh_CN"].trigger()
    assert saved_language() == "zh_CN" and len(told) == 1 and "next time" in told[0]


def test_every_page_is_chinese_and_nothing_is_clipped(qtbot, qapp, chinese, app_context) -> None:
    from workbench.ui.main_window import PAGES, MainWindow

    dataset_id = add_content_dataset(app_context.db)
    data = frozenset(_data_texts(app_context.db))
    train_model(app_context.db, dataset_id, "mf", {"epochs": 2, "objective": "rating"})
    window = MainWindow(app_context)
    qtbot.addWidget(window)
    window.resize(1280, 800)
    window.show()
    qtbot.waitExposed(window)
    app_context.select_dataset(dataset_id)

    def settle() -> None:
        qtbot.waitUntil(lambda: not app_context.jobs.active_jobs(include_quiet=True), timeout=30_000)
        for _ in range(4):
            QApplication.processEvents()

    settle()
    problems = [f"menu bar: {p}" for p in untranslated(window.menuBar())]
    problems += [f"status bar: {p}" for p in untranslated(window.statusBar())]
    problems += [f"jobs: {p}" for p in untranslated(window.jobs_dock)]
    for spec in PAGES:
        page = window.show_page(spec.title)
        settle()
        for suffix, action in getattr(page, "screenshot_steps", lambda: [("", None)])():
            if action is not None:
                action()
                settle()
            problems += [f"{spec.title} {suffix}: {p}" for p in untranslated(page, data)]
            # combo boxes list data (datasets, families, metrics) in both languages: their fit is the
            # layout test's concern; here, what Chinese text changes
            problems += [f"{spec.title} {suffix} clipped: {p}" for p in clipped_widgets(window)
                         if not p.startswith("QComboBox")]
    window.close()
    assert not problems, "\n".join(problems)


def test_the_import_wizard_and_export_dialog_are_chinese(qtbot, chinese, app_context, tiny_csv) -> None:
    from workbench.ui.import_wizard import ImportWizard

    wizard = ImportWizard(app_context, path=str(tiny_csv))
    qtbot.addWidget(wizard)
    wizard.resize(1280, 800)
    wizard.show()
    qtbot.waitExposed(wizard)
    qtbot.waitUntil(lambda: not app_context.jobs.active_jobs(include_quiet=True), timeout=30_000)
    header = tiny_csv.read_text(encoding="utf-8").splitlines()[0].split(",")  # the file's own column names
    problems = untranslated(wizard, frozenset({str(tiny_csv), tiny_csv.stem, *header}))
    wizard.close()
    assert not problems, "\n".join(problems)
