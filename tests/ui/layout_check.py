"""A layout check for any window or page: text that is cut where it should not be, and controls that are
clipped. Import ``assert_no_clipped_widgets`` (or ``clipped_widgets`` for the list) in a GUI test:

    window.resize(1024, 700)
    window.show_page("Train")
    assert_no_clipped_widgets(window)

Each visible widget's size hint (what it needs) is compared with its geometry (what it got) and with the
part of it its parents let show. A widget that cuts its text on purpose (a long path in the status bar
with the whole text in its tool tip) opts out with ``widget.setProperty("elides", True)``.
"""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtCore import QPoint, QRect
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractScrollArea,
    QAbstractSpinBox,
    QCheckBox,
    QComboBox,
    QGroupBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QTabBar,
    QWidget,
)

SLACK = 2  # pixels of rounding between a hint and a geometry


def _name(widget: QWidget) -> str:
    text = ""
    for getter in ("text", "title", "placeholderText"):
        if hasattr(widget, getter):
            value = getattr(widget, getter)()
            if isinstance(value, str) and value:
                text = value
                break
    path = []
    parent: QWidget | None = widget
    while parent is not None and len(path) < 4:
        path.append(parent.objectName() or type(parent).__name__)
        parent = parent.parentWidget()
    return f"{type(widget).__name__} {text[:50]!r} in {'/'.join(reversed(path[1:]))}"


def _shown(widget: QWidget) -> bool:
    """Visible and at least partly on screen (not scrolled away, not on a hidden tab)."""
    return widget.isVisible() and not _shown_rect(widget).isEmpty()


def _shown_rect(widget: QWidget) -> QRect:
    """The part of the widget its parents leave on screen (each parent clips its children), in window
    coordinates."""
    window = widget.window()
    rect = QRect(widget.mapTo(window, QPoint(0, 0)), widget.size())
    parent = widget.parentWidget()
    while parent is not None:
        rect = rect.intersected(QRect(parent.mapTo(window, QPoint(0, 0)), parent.size()))
        if parent is window:
            break
        parent = parent.parentWidget()
    return rect


def _shown_width(widget: QWidget) -> int:
    return max(0, _shown_rect(widget).width())


def _cut_by_parents(widget: QWidget) -> bool:
    """Part of the widget's width is hidden by a parent (a scroll area scrolling sideways, a page wider
    than the window)."""
    shown = _shown_width(widget)
    return shown > 0 and shown + SLACK < widget.width()


def _plot_problem(plot: pg.PlotWidget) -> str | None:
    """A pyqtgraph plot does not shrink its title or axis titles: a longer one is cut (or pushes the
    plot's right part out of view)."""
    item = plot.getPlotItem()
    title = item.titleLabel
    if title.isVisible() and title.text:
        needed = title.item.boundingRect().width()
        if needed > plot.width():
            return f"plot title {title.text!r} needs {needed:.0f}px, has {plot.width()}px"
    for side in ("left", "bottom"):
        axis = item.getAxis(side)
        if not axis.isVisible() or not axis.label.isVisible() or not axis.labelText:
            continue
        needed = axis.label.boundingRect().width()
        # an axis title may reach past its axis into the plot's margins, not past the plot; the left
        # one runs upwards
        room = (plot.height() if side == "left" else plot.width()) - 8
        if needed > room:
            return f"{side} axis title {axis.labelText!r} needs {needed:.0f}px, has {room:.0f}px"
    return None


def _problem(widget: QWidget) -> str | None:
    width, height = widget.width(), widget.height()
    if isinstance(widget, pg.PlotWidget):
        return _plot_problem(widget)
    if isinstance(widget, QLabel):
        if not widget.text() or (widget.pixmap() is not None and not widget.pixmap().isNull()):
            return None
        if widget.wordWrap():
            needed = widget.heightForWidth(width)
            if needed > height + SLACK:
                return f"wrapped text needs {needed}px of height, has {height}px"
        elif widget.sizeHint().width() > width + SLACK:
            return f"text needs {widget.sizeHint().width()}px, has {width}px"
    elif isinstance(widget, QCheckBox | QRadioButton):
        if widget.sizeHint().width() > width + SLACK:
            return f"text needs {widget.sizeHint().width()}px, has {width}px"
    elif isinstance(widget, QPushButton):
        text = widget.text().replace("&&", "\0").replace("&", "").replace("\0", "&")
        needed = widget.fontMetrics().horizontalAdvance(text) + (widget.iconSize().width() + 4
                                                                 if not widget.icon().isNull() else 0) + 12
        if text and needed > width:
            return f"text needs {needed}px, has {width}px"
    elif isinstance(widget, QAbstractSpinBox):
        hint = widget.minimumSizeHint()
        if hint.width() > width + SLACK or hint.height() > height + SLACK:
            return f"needs {hint.width()}x{hint.height()}px, has {width}x{height}px"
    elif isinstance(widget, QLineEdit):
        if not widget.text() and widget.placeholderText():
            needed = widget.fontMetrics().horizontalAdvance(widget.placeholderText()) + 14
            if widget.isClearButtonEnabled():
                needed += 20
            if needed > width:
                return f"placeholder needs {needed}px, has {width}px"
    elif isinstance(widget, QComboBox):
        text = widget.currentText()
        metrics = widget.fontMetrics()
        widest = max((metrics.horizontalAdvance(widget.itemText(i)) for i in range(widget.count())),
                     default=0)
        frame_and_arrow = max(0, widget.sizeHint().width() - widest)  # the combo's own hint: widest + that
        needed = metrics.horizontalAdvance(text) + frame_and_arrow
        if text and needed > width + SLACK:
            return f"current text needs {needed}px, has {width}px"
    elif isinstance(widget, QGroupBox):
        needed = widget.fontMetrics().horizontalAdvance(widget.title()) + 20
        if widget.title() and needed > width:
            return f"title needs {needed}px, has {width}px"
    elif isinstance(widget, QHeaderView) and widget.orientation().name == "Horizontal":
        for section in range(widget.count()):
            if widget.isSectionHidden(section):
                continue
            size = widget.sectionSize(section)
            needed = widget.sectionSizeFromContents(section).width()
            if size > 0 and needed > size + SLACK:
                label = widget.model().headerData(section, widget.orientation()) if widget.model() else ""
                return f"column {label!r} needs {needed}px, has {size}px"
    elif isinstance(widget, QTabBar):
        for tab in range(widget.count()):
            if widget.tabRect(tab).width() + SLACK < widget.tabSizeHint(tab).width():
                return f"tab {widget.tabText(tab)!r} is cut"
    controls = QAbstractButton | QAbstractSpinBox | QComboBox | QLineEdit
    # a control must show whole even in a scroll area; anything else may scroll, but outside a scroll
    # area a part cut off (a page wider than the window, a plot past the edge) cannot be reached at all
    if (isinstance(widget, controls) or not _in_scroll_area(widget)) and _cut_by_parents(widget):
        return f"only {_shown_width(widget)}px of its {width}px show"
    return None


def _in_scroll_area(widget: QWidget) -> bool:
    parent = widget.parentWidget()
    while parent is not None:
        if isinstance(parent, QAbstractScrollArea):
            return True
        parent = parent.parentWidget()
    return False


def clipped_widgets(root: QWidget) -> list[str]:
    """Descriptions of the visible widgets under ``root`` whose text or controls are cut."""
    problems = []
    for widget in [root, *root.findChildren(QWidget)]:
        if not _shown(widget) or widget.property("elides"):
            continue
        # cells of item views may elide long values by design (their tool tips carry them)
        parent = widget.parentWidget()
        if isinstance(parent, QAbstractItemView) and widget is parent.viewport():
            continue
        problem = _problem(widget)
        if problem:
            problems.append(f"{_name(widget)}: {problem}")
    return problems


def assert_no_clipped_widgets(root: QWidget, context: str = "") -> None:
    """Fail with the list of cut texts and clipped controls under ``root`` (none: passes)."""
    problems = clipped_widgets(root)
    where = f" ({context})" if context else ""
    assert not problems, f"clipped widgets{where}:\n" + "\n".join(problems)
