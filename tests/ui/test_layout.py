"""Every page, in the states the screenshots show, at 1280x800 and 1024x700: no text cut where it should
not be, no spin box or button clipped (``tests/ui/layout_check.py``; new pages are walked automatically)."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QApplication
from sqlalchemy import select

from tests.ui.helpers import add_content_dataset, train_model
from tests.ui.layout_check import assert_no_clipped_widgets, clipped_widgets

SIZES = ((1280, 800), (1024, 700))
LONG_TITLE = "The Extraordinary Adventures of a Very Long Film Title: Director's Cut (Remastered, 2004)"


@pytest.fixture(autouse=True)
def app_style(qapp):
    """The look users get (style sheet paddings change what fits); put back afterwards."""
    from workbench.ui.app import apply_style

    sheet, style = qapp.styleSheet(), qapp.style().name()
    apply_style(qapp)
    yield
    qapp.setStyleSheet(sheet)
    qapp.setStyle(style)


def _settle(qtbot, ctx) -> None:
    qtbot.waitUntil(lambda: not ctx.jobs.active_jobs(include_quiet=True), timeout=30_000)
    for _ in range(4):
        QApplication.processEvents()


@pytest.fixture
def trained_window(qtbot, app_context):
    from workbench.store.schema import ItemRow
    from workbench.ui.main_window import MainWindow

    dataset_id = add_content_dataset(app_context.db)
    with app_context.db.session() as session:
        session.scalars(select(ItemRow).where(ItemRow.dataset_id == dataset_id)).first().title = LONG_TITLE
    train_model(app_context.db, dataset_id, "mf", {"epochs": 2, "objective": "rating"})
    train_model(app_context.db, dataset_id, "hybrid", {"epochs": 1})
    window = MainWindow(app_context)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    app_context.select_dataset(dataset_id)
    _settle(qtbot, app_context)
    return window


def test_every_page_fits_at_both_sizes(qtbot, trained_window, app_context):
    from workbench.ui.main_window import PAGES

    problems: list[str] = []
    for width, height in SIZES:
        trained_window.resize(width, height)
        _settle(qtbot, app_context)
        # no page may ask for more than the screen: a minimum size above it forces a bigger window
        needed = trained_window.minimumSizeHint()
        if needed.width() > width or needed.height() > height:
            problems.append(f"{width}x{height}: the window needs at least {needed.width()}x{needed.height()}")
        for spec in PAGES:
            page = trained_window.show_page(spec.title)
            _settle(qtbot, app_context)
            for suffix, action in getattr(page, "screenshot_steps", lambda: [("", None)])():
                if action is not None:
                    action()
                    _settle(qtbot, app_context)
                problems += [f"{width}x{height} {spec.title} {suffix}: {p}"
                             for p in clipped_widgets(trained_window)]
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("size", SIZES)
def test_the_import_wizard_fits(qtbot, app_context, tiny_csv, size):
    from workbench.ui.import_wizard import ImportWizard

    wizard = ImportWizard(app_context, path=str(tiny_csv))
    qtbot.addWidget(wizard)
    wizard.show()
    qtbot.waitExposed(wizard)
    # as the wizard sizes itself on a screen of this size
    wizard.resize(min(980, size[0] - 40), min(720, size[1] - 60))
    QApplication.processEvents()
    assert wizard.minimumSizeHint().height() <= size[1] - 60 and wizard.height() <= size[1] - 60
    assert_no_clipped_widgets(wizard, f"import wizard at {size}")


def test_the_check_notices_a_clipped_spin_box_and_a_cut_label(qtbot):
    from PySide6.QtWidgets import QHBoxLayout, QLabel, QScrollArea, QSpinBox, QWidget

    inner = QWidget()
    row = QHBoxLayout(inner)
    label = QLabel("A label that needs far more room than it gets")
    spin = QSpinBox()
    spin.setRange(0, 1_000_000)
    row.addWidget(label)
    row.addWidget(spin)
    inner.setMinimumWidth(500)
    area = QScrollArea()
    area.setWidget(inner)
    qtbot.addWidget(area)
    area.resize(300, 120)
    area.show()
    qtbot.waitExposed(area)
    label.setFixedWidth(60)
    QApplication.processEvents()
    problems = clipped_widgets(area)
    assert any("QLabel" in p for p in problems)
    assert any("QSpinBox" in p for p in problems)  # half of it lies beyond the scroll area's edge
    label.setProperty("elides", True)
    assert not any("QLabel" in p for p in clipped_widgets(area))
