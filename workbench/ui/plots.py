"""Shared pyqtgraph helpers: one look for every plot (white background, antialiasing, labelled axes).

    plot = make_plot("Ratings", x_label="Rating", y_label="Interactions", y_units="count")
    bar_chart(plot, ["1", "2", "3"], [10, 40, 25])
    histogram(plot, values, bins=30)
    line(plot, x, y, name="train loss", color=0)
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QMouseEvent, QWheelEvent
from PySide6.QtWidgets import QAbstractScrollArea, QApplication, QWidget

from workbench.ui.i18n import translate

pg.setConfigOptions(antialias=True, background="w", foreground="#333333")

# A colour-blind friendly palette (Okabe-Ito), in the order curves are added.
PALETTE: tuple[str, ...] = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442",
                            "#000000")
AXIS_COLOR = "#555555"


def color(index_or_name: int | str) -> QColor:
    """The palette colour ``i`` (wrapping), or any Qt colour name."""
    if isinstance(index_or_name, int):
        return QColor(PALETTE[index_or_name % len(PALETTE)])
    return QColor(index_or_name)


def set_label_ticks(axis: pg.AxisItem, ticks: Sequence[tuple[float, str]], width: int) -> None:
    """Text ticks on a vertical axis ``width`` pixels wide, elided to fit (pyqtgraph silently drops any
    label wider than its axis)."""
    font = axis.style.get("tickFont") or QFont()
    metrics = QFontMetrics(font)
    room = max(20, width - 18)  # tick length and text offset
    elide = Qt.TextElideMode.ElideRight
    axis.setTicks([[(pos, metrics.elidedText(text, elide, room)) for pos, text in ticks]])


class Chart(pg.PlotWidget):
    """A ``PlotWidget`` that zooms only when asked to.

    A chart that is not ``zoomable`` neither pans nor zooms: the mouse wheel scrolls the panel around it
    (a bar chart in a scrolling column must not swallow the wheel). A zoomable one (maps, long curves)
    zooms on the wheel, pans on a drag and goes back to showing everything on a double-click.
    """

    def __init__(self, parent: QWidget | None = None, zoomable: bool = False, **kwargs: object) -> None:
        super().__init__(parent, **kwargs)
        self.zoomable = zoomable
        self.getPlotItem().setMouseEnabled(x=zoomable, y=zoomable)
        if zoomable:
            self.setToolTip(translate("Chart", "Wheel to zoom, drag to pan, double-click to show everything"))

    def wheelEvent(self, ev: QWheelEvent) -> None:
        if self.zoomable:
            super().wheelEvent(ev)
            return
        area = self._scrolling_ancestor()
        if area is None:
            ev.ignore()
            return
        viewport = area.viewport()
        where = ev.globalPosition()
        QApplication.sendEvent(viewport, QWheelEvent(
            viewport.mapFromGlobal(where), where, ev.pixelDelta(), ev.angleDelta(), ev.buttons(),
            ev.modifiers(), ev.phase(), ev.inverted()))
        ev.accept()

    def _scrolling_ancestor(self) -> QAbstractScrollArea | None:
        """The nearest scroll area around the chart that can scroll (the one the wheel should move)."""
        parent = self.parentWidget()
        while parent is not None:
            if isinstance(parent, QAbstractScrollArea) and (parent.verticalScrollBar().maximum() > 0
                                                            or parent.horizontalScrollBar().maximum() > 0):
                return parent
            parent = parent.parentWidget()
        return None

    def mouseDoubleClickEvent(self, ev: QMouseEvent) -> None:
        if self.zoomable and ev.button() == Qt.MouseButton.LeftButton:
            self.reset_zoom()
            ev.accept()
            return
        super().mouseDoubleClickEvent(ev)

    def reset_zoom(self) -> None:
        """Show all the data again and follow it as it grows (the state before any zoom)."""
        item = self.getPlotItem()
        item.enableAutoRange()
        item.vb.updateAutoRange()  # now, not at the next paint


def _axis_label(label: str, units: str | None) -> str:
    return f"{label} ({units})" if units else label


def make_plot(title: str | None = None, *, x_label: str = "", y_label: str = "", x_units: str | None = None,
              y_units: str | None = None, log_y: bool = False, legend: bool = False, date_axis: bool = False,
              zoomable: bool = False, parent: QWidget | None = None) -> Chart:
    """A styled ``Chart``: title, axis labels with units in brackets, light grid, no SI rescaling.

    Units are written literally ("rating (stars)") rather than through pyqtgraph's SI prefixes, which
    would turn counts into "k interactions" and confuse people. ``date_axis`` shows x (unix seconds) as
    dates. Only ``zoomable`` charts take the mouse wheel (see ``Chart``).
    """
    axis_items = {"bottom": pg.DateAxisItem()} if date_axis else None
    plot = Chart(parent=parent, zoomable=zoomable, axisItems=axis_items)
    plot.setBackground("w")
    item = plot.getPlotItem()
    if title:
        item.setTitle(title, color="#222222", size="11pt")
    font = QFont()
    font.setPointSize(9)
    for side, text, units in (("bottom", x_label, x_units), ("left", y_label, y_units)):
        axis = item.getAxis(side)
        axis.enableAutoSIPrefix(False)
        axis.setPen(pg.mkPen(AXIS_COLOR))
        axis.setTextPen(pg.mkPen(AXIS_COLOR))
        axis.setTickFont(font)
        if text:
            axis.setLabel(_axis_label(text, units), color="#333333", **{"font-size": "9pt"})
    item.showGrid(x=True, y=True, alpha=0.15)
    item.setMenuEnabled(False)
    if log_y:
        item.setLogMode(y=True)
    if legend:
        item.addLegend(offset=(-10, 10), labelTextColor="#333333")
    plot.setMinimumHeight(180)
    return plot


def clear(plot: pg.PlotWidget) -> None:
    """Remove every item (curves, bars) but keep the axes and legend."""
    plot.getPlotItem().clear()


def bar_chart(plot: pg.PlotWidget, labels: Sequence[str], values: Sequence[float], *, color_index: int = 0,
              width: float = 0.7, name: str | None = None, offset: float = 0.0) -> pg.BarGraphItem:
    """Vertical bars at x = 0..n-1 (plus ``offset``) with ``labels`` as ticks; returns the bar item.

    Several series side by side: call once per series with a smaller ``width`` and shifted ``offset``.
    """
    x = np.arange(len(values), dtype=float) + offset
    bars = pg.BarGraphItem(x=x, height=np.asarray(values, dtype=float), width=width,
                           brush=color(color_index), pen=pg.mkPen("w", width=0.5), name=name)
    plot.addItem(bars)
    ticks = [(float(i), str(label)) for i, label in enumerate(labels)]
    plot.getPlotItem().getAxis("bottom").setTicks([ticks])
    plot.getPlotItem().setXRange(-0.6, len(values) - 0.4, padding=0)
    return bars


def histogram(plot: pg.PlotWidget, values: np.ndarray, *, bins: int | Sequence[float] = 30,
              color_index: int = 0, weights: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """A step-filled histogram of ``values``; returns (counts, edges)."""
    values = np.asarray(values, dtype=float)
    values = values[np.isfinite(values)]
    counts, edges = np.histogram(values, bins=bins, weights=weights)
    brush = color(color_index)
    brush.setAlpha(170)
    plot.plot(edges, counts, stepMode="center", fillLevel=0, brush=brush, pen=pg.mkPen(color(color_index)))
    return counts, edges


def line(plot: pg.PlotWidget, x: Sequence[float] | np.ndarray, y: Sequence[float] | np.ndarray, *,
         name: str | None = None, color_index: int = 0, width: float = 2.0, dashed: bool = False,
         symbol: str | None = None) -> pg.PlotDataItem:
    """A curve; keep the returned item and call ``setData`` on it to update (cheaper than re-adding)."""
    pen = pg.mkPen(color(color_index), width=width)
    if dashed:
        pen.setStyle(pg.QtCore.Qt.PenStyle.DashLine)
    kwargs: dict[str, object] = {}
    if symbol:
        kwargs.update(symbol=symbol, symbolSize=6, symbolBrush=color(color_index), symbolPen=None)
    curve = plot.plot(np.asarray(x, dtype=float), np.asarray(y, dtype=float), pen=pen, name=name, **kwargs)
    curve.setDownsampling(auto=True, method="peak")
    curve.setClipToView(True)
    return curve


def marker_line(plot: pg.PlotWidget, x: float, label: str = "", color_index: int = 3) -> pg.InfiniteLine:
    """A dashed vertical line (e.g. the best epoch) with an optional label."""
    pen = pg.mkPen(color(color_index), width=1.5, style=pg.QtCore.Qt.PenStyle.DashLine)
    item = pg.InfiniteLine(pos=x, angle=90, pen=pen, label=label or None,
                           labelOpts={"position": 0.9, "color": color(color_index), "fill": "#ffffffcc"})
    plot.addItem(item)
    return item


def set_log_ticks(plot: pg.PlotWidget, low: float, high: float, axis: str = "left") -> None:
    """Readable ticks on a log axis: 1, 2, 5 x 10^k within [low, high] as plain numbers (no crowding)."""
    low, high = max(low, 1e-12), max(high, low)
    values: list[float] = []
    for exponent in range(int(np.floor(np.log10(low))), int(np.ceil(np.log10(high))) + 1):
        values.extend(m * 10.0 ** exponent for m in (1, 2, 5))
    inside = [v for v in values if low / 1.5 <= v <= high * 1.5]
    major = [(float(np.log10(v)), f"{v:,.0f}" if v >= 1 else f"{v:g}") for v in inside]
    plot.getPlotItem().getAxis(axis).setTicks([major, []])
