"""Live training plots: loss per epoch and per batch, validation loss and metric, several runs overlaid.

Curves are created once per run and updated with ``setData`` (pyqtgraph's fast path); per-batch points
are smoothed with an exponential moving average and downsampled by pyqtgraph when they grow long.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QHBoxLayout, QWidget

from workbench.ui.plots import make_plot

#: distinguishable colours (Okabe-Ito plus a few), one per run in order
RUN_COLOURS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#7F3C8D", "#444444")
LOWER_IS_BETTER = ("rmse", "mae", "loss", "mse")
BATCH_SMOOTHING = 0.9  # EMA weight of the previous value


def lower_is_better(metric_name: str | None) -> bool:
    """Whether a smaller value of this metric is better (errors and losses)."""
    return bool(metric_name) and any(metric_name.lower().startswith(p) for p in LOWER_IS_BETTER)


def metric_axis_label(metric_name: str | None) -> str:
    """Axis text with units for a validation metric name."""
    if not metric_name:
        return "validation metric"
    name = metric_name.lower()
    if name.startswith(("rmse", "mae")):
        return f"validation {metric_name.upper()} (rating points, lower is better)"
    return f"validation {metric_name} (0–1, higher is better)"


@dataclass
class RunSeries:
    """The plotted data of one run and its curve items."""

    run_id: int
    label: str
    colour: str
    epochs: list[float] = field(default_factory=list)
    train_loss: list[float] = field(default_factory=list)
    valid_loss: list[float] = field(default_factory=list)
    valid_metric: list[float] = field(default_factory=list)
    batch_x: list[float] = field(default_factory=list)
    batch_loss: list[float] = field(default_factory=list)
    metric_name: str | None = None
    loss_label: str | None = None
    best_epoch: int | None = None
    visible: bool = True
    items: dict[str, Any] = field(default_factory=dict)


def _loss_unit(loss_label: str) -> str:
    """The part in parentheses of a loss axis label ("MSE, rating points²"), for legend entries."""
    start, end = loss_label.find("("), loss_label.rfind(")")
    return loss_label[start + 1:end] if 0 <= start < end else loss_label


def _finite(values: list[float]) -> np.ndarray:
    return np.array([math.nan if v is None else v for v in values], dtype=float)


class TrainingCurves(QWidget):
    """Two plots side by side: losses (left) and the validation metric (right), one colour per run."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        # short titles: pyqtgraph clips a plot whose title is wider than the widget instead of shrinking it
        self.loss_plot = self._make_plot("Loss (thin: per batch)", "loss")
        self.metric_plot = self._make_plot("Validation (★ best epoch)", metric_axis_label(None))
        self.loss_legend = self.loss_plot.addLegend(offset=(-10, 10), labelTextSize="9pt",
                                                    brush=pg.mkBrush("#ffffffd0"))
        self.metric_legend = self.metric_plot.addLegend(offset=(-10, 10), labelTextSize="9pt",
                                                        brush=pg.mkBrush("#ffffffd0"))
        layout.addWidget(self.loss_plot, 1)
        layout.addWidget(self.metric_plot, 1)
        self._runs: dict[int, RunSeries] = {}

    @staticmethod
    def _make_plot(title: str, y_label: str) -> pg.PlotWidget:
        plot = make_plot(title, x_label="epoch", x_units="passes over the training data", y_label=y_label,
                         zoomable=True)
        plot.setClipToView(True)
        plot.setDownsampling(auto=True, mode="peak")
        plot.setMinimumHeight(220)
        return plot

    # --- runs ------------------------------------------------------------------------------------
    def run_ids(self) -> list[int]:
        return list(self._runs)

    def series(self, run_id: int) -> RunSeries:
        return self._runs[run_id]

    def has_run(self, run_id: int) -> bool:
        return run_id in self._runs

    def next_colour(self) -> str:
        used = {s.colour for s in self._runs.values()}
        for colour in RUN_COLOURS:
            if colour not in used:
                return colour
        return RUN_COLOURS[len(self._runs) % len(RUN_COLOURS)]

    def add_run(self, run_id: int, label: str, colour: str | None = None,
                loss_label: str | None = None) -> RunSeries:
        """Create the curves of a run (no-op returning the existing series if already there).

        ``loss_label`` is the loss axis text with units for this run; the axis shows it while every shown
        run shares it (runs of different objectives have losses in different units).
        """
        if run_id in self._runs:
            return self._runs[run_id]
        colour = colour or self.next_colour()
        series = RunSeries(run_id, label, colour, loss_label=loss_label)
        qc = QColor(colour)
        faint = QColor(qc)
        faint.setAlpha(110)
        items = series.items
        items["batch"] = self.loss_plot.plot([], [], pen=pg.mkPen(faint, width=1))
        items["train"] = self.loss_plot.plot([], [], pen=pg.mkPen(qc, width=2), symbol="o", symbolSize=5,
                                             symbolBrush=qc, symbolPen=None, name=f"{label} train")
        dashed = pg.mkPen(qc, width=2, style=Qt.PenStyle.DashLine)
        items["valid_loss"] = self.loss_plot.plot([], [], pen=dashed, name=f"{label} validation")
        items["metric"] = self.metric_plot.plot([], [], pen=pg.mkPen(qc, width=2), symbol="o", symbolSize=5,
                                                symbolBrush=qc, symbolPen=None, name=label)
        items["best"] = pg.ScatterPlotItem(size=16, symbol="star", brush=pg.mkBrush(qc),
                                           pen=pg.mkPen("#222", width=1))
        self.metric_plot.addItem(items["best"])
        items["best_line"] = pg.InfiniteLine(angle=90, movable=False,
                                             pen=pg.mkPen(faint, width=1, style=Qt.PenStyle.DotLine))
        items["best_line"].setVisible(False)
        self.metric_plot.addItem(items["best_line"])
        self._runs[run_id] = series
        self._relabel_loss()
        return series

    def remove_run(self, run_id: int) -> None:
        series = self._runs.pop(run_id, None)
        if series is None:
            return
        for key, item in series.items.items():
            plot = self.metric_plot if key in ("metric", "best", "best_line") else self.loss_plot
            plot.removeItem(item)
        self._relabel_loss()

    def clear(self) -> None:
        for run_id in list(self._runs):
            self.remove_run(run_id)

    def set_run_visible(self, run_id: int, visible: bool) -> None:
        series = self._runs.get(run_id)
        if series is None:
            return
        series.visible = visible
        for key, item in series.items.items():
            item.setVisible(visible and (key != "best_line" or series.best_epoch is not None))
        self._relabel_loss()

    def set_loss_label(self, text: str) -> None:
        self.loss_plot.setLabel("left", text, color="#333333", **{"font-size": "9pt"})

    def _relabel_loss(self) -> None:
        """One unit on the loss axis when the shown runs share it; otherwise say that they differ."""
        labels = {s.loss_label for s in self._runs.values() if s.visible and s.loss_label}
        if len(labels) == 1:
            text = labels.pop()
        elif labels:
            text = "training loss (units differ by objective: see legend)"
        else:
            text = "loss"
        self.set_loss_label(text)
        for series in self._runs.values():
            train = self.loss_legend.getLabel(series.items["train"])
            if train is not None:
                unit = f" [{_loss_unit(series.loss_label)}]" if len(labels) > 1 and series.loss_label else ""
                train.setText(f"{series.label} train{unit}")

    # --- data ------------------------------------------------------------------------------------
    def add_epoch(self, run_id: int, epoch: int, train_loss: float | None, valid_loss: float | None = None,
                  valid_metric: float | None = None, metric_name: str | None = None,
                  is_best: bool | None = None) -> None:
        """Append one epoch's point (epochs are numbered from 1); ``is_best`` None means work it out."""
        series = self._runs[run_id]
        series.epochs.append(float(epoch))
        series.train_loss.append(math.nan if train_loss is None else float(train_loss))
        series.valid_loss.append(math.nan if valid_loss is None else float(valid_loss))
        series.valid_metric.append(math.nan if valid_metric is None else float(valid_metric))
        if metric_name and metric_name != series.metric_name:
            series.metric_name = metric_name
            self._relabel_metric(series)
        if is_best is None:
            is_best = self._is_new_best(series)
        if is_best and valid_metric is not None:
            series.best_epoch = epoch
        self._refresh_epochs(series)

    @staticmethod
    def _is_new_best(series: RunSeries) -> bool:
        values = _finite(series.valid_metric)
        if not np.isfinite(values[-1]):
            return False
        previous = values[:-1][np.isfinite(values[:-1])]
        if previous.size == 0:
            return True
        if lower_is_better(series.metric_name):
            return bool(values[-1] < previous.min())
        return bool(values[-1] > previous.max())

    def add_batch(self, run_id: int, epoch: int, batch: int, n_batches: int, loss: float) -> None:
        """Append one (throttled) batch loss, smoothed, at fractional epoch position."""
        series = self._runs[run_id]
        x = (epoch - 1) + batch / max(1, n_batches)  # batches count from 1
        if not math.isfinite(loss):
            return
        smoothed = loss if not series.batch_loss else (
            BATCH_SMOOTHING * series.batch_loss[-1] + (1 - BATCH_SMOOTHING) * loss)
        series.batch_x.append(x)
        series.batch_loss.append(smoothed)
        series.items["batch"].setData(np.asarray(series.batch_x), np.asarray(series.batch_loss))

    def set_history(self, run_id: int, epochs: list[dict[str, Any]]) -> None:
        """Replace a run's epoch points with stored ones (dicts with epoch, train_loss, valid_loss, ...)."""
        series = self._runs[run_id]
        series.epochs.clear()
        series.train_loss.clear()
        series.valid_loss.clear()
        series.valid_metric.clear()
        series.best_epoch = None
        for row in epochs:
            flagged = row.get("is_best")
            self.add_epoch(run_id, int(row["epoch"]), row.get("train_loss"), row.get("valid_loss"),
                           row.get("valid_metric"), row.get("metric_name"),
                           None if flagged is None else bool(flagged))
        self._refresh_epochs(series)

    def _relabel_metric(self, series: RunSeries) -> None:
        """Name the metric in the run's legend entry; the axis names it when every run shares it."""
        label = self.metric_legend.getLabel(series.items["metric"])
        if label is not None:
            label.setText(f"{series.label} ({series.metric_name})")
        names = {s.metric_name for s in self._runs.values() if s.metric_name}
        text = metric_axis_label(series.metric_name) if len(names) == 1 else "validation metric (see legend)"
        self.metric_plot.setLabel("left", text, color="#333333", **{"font-size": "9pt"})

    def _refresh_epochs(self, series: RunSeries) -> None:
        x = np.asarray(series.epochs)
        items = series.items
        for key, values in (("train", series.train_loss), ("valid_loss", series.valid_loss),
                            ("metric", series.valid_metric)):
            y = _finite(values)
            keep = np.isfinite(y)  # all-NaN data would make pyqtgraph warn; gaps are simply skipped
            items[key].setData(x[keep], y[keep])
        if series.best_epoch is not None and series.best_epoch in series.epochs:
            i = series.epochs.index(series.best_epoch)
            items["best"].setData([series.best_epoch], [series.valid_metric[i]])
            items["best_line"].setValue(series.best_epoch)
            items["best_line"].setVisible(series.visible)
        else:
            items["best"].setData([], [])
            items["best_line"].setVisible(False)
