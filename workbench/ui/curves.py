"""Live training plots: loss per epoch and per batch, validation loss and metric, several runs overlaid.

Curves are created once per run and updated with ``setData`` (pyqtgraph's fast path); per-batch points
are smoothed with an exponential moving average and downsampled by pyqtgraph when they grow long.

Pages use the public methods only: ``add_run`` / ``rekey_run`` / ``remove_run`` / ``clear``,
``add_epoch`` / ``add_batch`` / ``set_history`` for data, ``set_run_visible`` for overlays, and
``epochs`` / ``best_epoch`` / ``curve_data`` / ``run_colour`` to read what is drawn.
"""

from __future__ import annotations

import html
import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QGridLayout, QLabel, QVBoxLayout, QWidget

from workbench.ui.i18n import translate
from workbench.ui.plots import make_plot

#: distinguishable colours (Okabe-Ito plus a few), one per run in order
RUN_COLOURS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#7F3C8D", "#444444")
LOWER_IS_BETTER = ("rmse", "mae", "loss", "mse")
BATCH_SMOOTHING = 0.9  # EMA weight of the previous value


def lower_is_better(metric_name: str | None) -> bool:
    """Whether a smaller value of this metric is better (errors and losses)."""
    return bool(metric_name) and any(metric_name.lower().startswith(p) for p in LOWER_IS_BETTER)


def metric_axis_label(metric_name: str | None, short: bool = False) -> str:
    """Axis text with units for a validation metric name; ``short`` fits a half-height plot (the plot's
    title then says which way is better)."""
    if not metric_name:
        return translate("TrainingCurves", "validation metric")
    name = metric_name.lower()
    if name.startswith(("rmse", "mae")):
        text = translate("TrainingCurves", "{metric} (rating points)") if short else \
            translate("TrainingCurves", "validation {metric} (rating points, lower is better)")
        return text.format(metric=metric_name.upper())
    text = translate("TrainingCurves", "{metric} (0–1)") if short else \
        translate("TrainingCurves", "validation {metric} (0–1, higher is better)")
    return text.format(metric=metric_name)


def objective_name(objective: str) -> str:
    """A training objective ("rating", "ranking") as shown."""
    names = {
        "rating": translate("TrainingCurves", "rating"),
        "ranking": translate("TrainingCurves", "ranking"),
    }
    return names.get(objective, objective)


@dataclass
class _RunSeries:
    """The plotted data of one run and its curve items."""

    run_id: int
    label: str
    colour: str
    epochs: list[float] = field(default_factory=list)
    train_loss: list[float] = field(default_factory=list)
    valid_loss: list[float] = field(default_factory=list)
    valid_metric: list[float] = field(default_factory=list)
    refit: list[bool] = field(default_factory=list)  # epochs of the refit on training + validation
    batch_x: list[float] = field(default_factory=list)
    batch_loss: list[float] = field(default_factory=list)
    metric_name: str | None = None
    loss_label: str | None = None
    best_epoch: int | None = None
    visible: bool = True
    items: dict[str, Any] = field(default_factory=dict)


def _finite(values: list[float]) -> np.ndarray:
    return np.array([math.nan if v is None else v for v in values], dtype=float)


OBJECTIVES = ("ranking", "rating")
#: the curves drawn per run, as ``curve_data`` names them
CURVES = ("train", "refit", "valid_loss", "metric", "batch", "best")


def line_key() -> str:
    """The legend's explanation of line styles and marks."""
    return (
        "<span style='color:#666'>"
        + translate(
            "TrainingCurves",
            "solid with dots: training loss · dotted with open dots: training again on training + "
            "validation data · dashed: validation loss · faint: per batch (smoothed) · ★ best epoch · "
            "↑ higher is better, ↓ lower is better",
        )
        + "</span>"
    )


@dataclass
class _Row:
    """The loss and validation plots of runs of one objective."""

    objective: str
    loss_plot: pg.PlotWidget
    metric_plot: pg.PlotWidget


class TrainingCurves(QWidget):
    """Losses (left) and the validation metric (right), one colour per run, one row of plots per objective.

    Runs of a rating objective (MSE loss, RMSE) and of a ranking one (ranking loss, NDCG) never share an
    axis: each objective gets its own row, shown while one of its runs is. The legend sits under the
    plots, so it never hides a curve, and lists the shown runs only.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(2)
        grid = QGridLayout()
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setSpacing(4)
        self._rows: dict[str, _Row] = {}
        for r, objective in enumerate(OBJECTIVES):
            row = _Row(
                objective,
                self._make_plot(
                    translate("TrainingCurves", "Loss (thin: per batch)"), translate("TrainingCurves", "loss")
                ),
                self._make_plot(
                    translate("TrainingCurves", "Validation (★ best epoch)"), metric_axis_label(None)
                ),
            )
            grid.addWidget(row.loss_plot, r, 0)
            grid.addWidget(row.metric_plot, r, 1)
            self._rows[objective] = row
        outer.addLayout(grid, 1)
        self.legend_label = QLabel()
        self.legend_label.setObjectName("CurvesLegend")
        self.legend_label.setWordWrap(True)
        self.legend_label.setTextFormat(Qt.TextFormat.RichText)
        outer.addWidget(self.legend_label)
        self._runs: dict[int, _RunSeries] = {}
        self._objectives: dict[int, str] = {}
        self._refresh_layout()

    @staticmethod
    def _make_plot(title: str, y_label: str) -> pg.PlotWidget:
        plot = make_plot(
            title,
            x_label=translate("TrainingCurves", "epoch"),
            x_units=translate("TrainingCurves", "passes over the data"),
            y_label=y_label,
            zoomable=True,
        )
        plot.setClipToView(True)
        plot.setDownsampling(auto=True, mode="peak")
        plot.setMinimumHeight(145)  # two objective rows and the run list still fit a 700-pixel screen
        return plot

    # --- rows --------------------------------------------------------------------------------------
    def shown_objectives(self) -> list[str]:
        """The objectives whose plots are on screen (one when no run is shown)."""
        shown = [
            o
            for o in OBJECTIVES
            if any(s.visible and self._objectives[s.run_id] == o for s in self._runs.values())
        ]
        return shown or [OBJECTIVES[0]]

    def plots(self, objective: str) -> tuple[pg.PlotWidget, pg.PlotWidget]:
        """(loss plot, validation plot) of ``objective`` ("rating" or "ranking")."""
        row = self._rows[objective]
        return row.loss_plot, row.metric_plot

    @property
    def loss_plot(self) -> pg.PlotWidget:
        """The loss plot on top (the only one unless runs of both objectives are shown)."""
        return self._rows[self.shown_objectives()[0]].loss_plot

    @property
    def metric_plot(self) -> pg.PlotWidget:
        return self._rows[self.shown_objectives()[0]].metric_plot

    def _refresh_layout(self) -> None:
        """Show the rows in use, title them, label their axes, rescale them, and rewrite the legend."""
        shown = self.shown_objectives()
        both = len(shown) > 1
        for objective, row in self._rows.items():
            visible = objective in shown
            row.loss_plot.setVisible(visible)
            row.metric_plot.setVisible(visible)
            if not visible:
                continue
            runs = [s for s in self._runs.values() if s.visible and self._objectives[s.run_id] == objective]
            # two rows halve the plots' height: short axis texts, the direction goes into the title
            better = "↓" if objective == "rating" else "↑"
            shown_name = objective_name(objective)
            loss_title = (
                translate("TrainingCurves", "Loss · {objective}").format(objective=shown_name)
                if both
                else translate("TrainingCurves", "Loss (thin: per batch)")
            )
            metric_title = (
                translate("TrainingCurves", "Validation · {objective} {better}").format(
                    objective=shown_name, better=better
                )
                if both
                else translate("TrainingCurves", "Validation (★ best epoch)")
            )
            row.loss_plot.getPlotItem().setTitle(loss_title, color="#222222", size="11pt")
            row.metric_plot.getPlotItem().setTitle(metric_title, color="#222222", size="11pt")
            labels = {s.loss_label for s in runs if s.loss_label}
            loss_text = labels.pop() if len(labels) == 1 else translate("TrainingCurves", "loss")
            if both:  # half-height plots: the short form of the same unit
                loss_text = (
                    translate("TrainingCurves", "MSE (rating points²)")
                    if objective == "rating"
                    else translate("TrainingCurves", "per-sample loss")
                )
            row.loss_plot.setLabel("left", loss_text, color="#333333", **{"font-size": "9pt"})
            names = {s.metric_name for s in runs if s.metric_name}
            metric_text = (
                metric_axis_label(names.pop(), short=both)
                if len(names) == 1
                else (
                    translate("TrainingCurves", "validation metric (see legend)")
                    if names
                    else metric_axis_label(None)
                )
            )
            row.metric_plot.setLabel("left", metric_text, color="#333333", **{"font-size": "9pt"})
            for plot in (row.loss_plot, row.metric_plot):
                plot.reset_zoom()  # a run ticked off or on: the axes fit what is shown
        entries = []
        for series in self._runs.values():
            if not series.visible:
                continue
            details = ", ".join(
                t for t in (objective_name(self._objectives[series.run_id]), series.metric_name) if t
            )
            entries.append(
                f"<span style='color:{series.colour}; font-size:12pt'>━━</span>&nbsp;"
                f"{html.escape(series.label)} ({html.escape(details)})"
            )
        runs = "&nbsp;&nbsp;&nbsp; ".join(entries)
        self.legend_label.setText(translate("TrainingCurves", "{runs}<br>{value}").format(runs=runs, value=line_key()) if runs else line_key())  # noqa: E501

    def legend_entries(self) -> list[str]:
        """The runs the legend lists (their labels), in the order they were added."""
        return [s.label for s in self._runs.values() if s.visible]

    # --- runs ------------------------------------------------------------------------------------
    def run_ids(self) -> list[int]:
        """The runs drawn (shown or hidden), in the order they were added."""
        return list(self._runs)

    def has_run(self, run_id: int) -> bool:
        return run_id in self._runs

    def is_run_visible(self, run_id: int) -> bool:
        """Whether a run is drawn and shown (False for an unknown run)."""
        return run_id in self._runs and self._runs[run_id].visible

    def run_colour(self, run_id: int) -> str:
        """The colour of a run's curves ("#rrggbb")."""
        return self._runs[run_id].colour

    def run_label(self, run_id: int) -> str:
        """The run's name in the legend."""
        return self._runs[run_id].label

    def metric_name(self, run_id: int) -> str | None:
        """The validation metric a run reports ("rmse", "ndcg@10"), once its first epoch is drawn."""
        return self._runs[run_id].metric_name

    def run_objective(self, run_id: int) -> str:
        """The objective row ("rating" or "ranking") a run is drawn in."""
        return self._objectives[run_id]

    def epochs(self, run_id: int) -> list[int]:
        """The epochs drawn for a run, in order."""
        return [int(e) for e in self._runs[run_id].epochs]

    def last_epoch(self, run_id: int) -> int:
        """The last epoch drawn for a run (0 when none is)."""
        epochs = self._runs[run_id].epochs
        return int(epochs[-1]) if epochs else 0

    def best_epoch(self, run_id: int) -> int | None:
        """The epoch the ★ marks (the best validation metric so far, or the stored best), if any."""
        return self._runs[run_id].best_epoch

    def curve_data(self, run_id: int, curve: str) -> tuple[np.ndarray, np.ndarray]:
        """(x, y) drawn for one of a run's curves: "train", "valid_loss", "metric", "batch" or "best"."""
        if curve not in CURVES:
            raise ValueError(f"unknown curve {curve!r} (known: {', '.join(CURVES)})")
        x, y = self._runs[run_id].items[curve].getData()
        empty = np.zeros(0)
        return (empty if x is None else np.asarray(x)), (empty if y is None else np.asarray(y))

    def next_colour(self) -> str:
        used = {s.colour for s in self._runs.values()}
        for colour in RUN_COLOURS:
            if colour not in used:
                return colour
        return RUN_COLOURS[len(self._runs) % len(RUN_COLOURS)]

    def add_run(
        self,
        run_id: int,
        label: str,
        objective: str = OBJECTIVES[0],
        loss_label: str | None = None,
        colour: str | None = None,
    ) -> None:
        """Create the curves of a run (no-op when it is there already).

        ``objective`` ("rating" or "ranking") picks the row of plots the run is drawn in; ``loss_label``
        is the loss axis text with units for this run.
        """
        if run_id in self._runs:
            return
        if objective not in self._rows:
            raise ValueError(f"unknown objective {objective!r} (known: {', '.join(OBJECTIVES)})")
        colour = colour or self.next_colour()
        series = _RunSeries(run_id, label, colour, loss_label=loss_label)
        loss_plot, metric_plot = self.plots(objective)
        qc = QColor(colour)
        faint = QColor(qc)
        faint.setAlpha(110)
        items = series.items
        items["batch"] = loss_plot.plot([], [], pen=pg.mkPen(faint, width=1))
        items["train"] = loss_plot.plot(
            [], [], pen=pg.mkPen(qc, width=2), symbol="o", symbolSize=5, symbolBrush=qc, symbolPen=None
        )
        items["refit"] = loss_plot.plot(
            [], [], pen=pg.mkPen(qc, width=2, style=Qt.PenStyle.DotLine), symbol="o", symbolSize=6,
            symbolBrush=None, symbolPen=pg.mkPen(qc, width=1.5)
        )
        dashed = pg.mkPen(qc, width=2, style=Qt.PenStyle.DashLine)
        items["valid_loss"] = loss_plot.plot([], [], pen=dashed)
        items["metric"] = metric_plot.plot(
            [], [], pen=pg.mkPen(qc, width=2), symbol="o", symbolSize=5, symbolBrush=qc, symbolPen=None
        )
        items["best"] = pg.ScatterPlotItem(
            size=16, symbol="star", brush=pg.mkBrush(qc), pen=pg.mkPen("#222", width=1)
        )
        metric_plot.addItem(items["best"])
        items["best_line"] = pg.InfiniteLine(
            angle=90, movable=False, pen=pg.mkPen(faint, width=1, style=Qt.PenStyle.DotLine)
        )
        items["best_line"].setVisible(False)
        metric_plot.addItem(items["best_line"])
        self._runs[run_id] = series
        self._objectives[run_id] = objective
        self._refresh_layout()

    def rekey_run(self, run_id: int, new_id: int, label: str) -> None:
        """Give a run drawn under a provisional key (before its stored id was known) its real id and label;
        its points and colour stay."""
        if new_id == run_id:
            return
        if new_id in self._runs:
            raise ValueError(f"run {new_id} is drawn already")
        series = self._runs.pop(run_id)
        self._objectives[new_id] = self._objectives.pop(run_id)
        series.run_id = new_id
        series.label = label
        self._runs[new_id] = series
        self._refresh_layout()

    def remove_run(self, run_id: int) -> None:
        """Take a run's curves off the plots (no-op for an unknown run)."""
        series = self._runs.pop(run_id, None)
        objective = self._objectives.pop(run_id, OBJECTIVES[0])
        if series is None:
            return
        loss_plot, metric_plot = self.plots(objective)
        for key, item in series.items.items():
            plot = metric_plot if key in ("metric", "best", "best_line") else loss_plot
            plot.removeItem(item)
        self._refresh_layout()

    def clear(self) -> None:
        """Remove every run."""
        for run_id in list(self._runs):
            self.remove_run(run_id)

    def set_run_visible(self, run_id: int, visible: bool) -> None:
        """Show or hide a run's curves (and its legend entry); its rows of plots follow."""
        series = self._runs.get(run_id)
        if series is None:
            return
        series.visible = visible
        for key, item in series.items.items():
            item.setVisible(visible and (key != "best_line" or series.best_epoch is not None))
        self._refresh_layout()

    # --- data ------------------------------------------------------------------------------------
    def add_epoch(
        self,
        run_id: int,
        epoch: int,
        train_loss: float | None,
        valid_loss: float | None = None,
        valid_metric: float | None = None,
        metric_name: str | None = None,
        is_best: bool | None = None,
        refit: bool = False,
    ) -> None:
        """Append one epoch's point (epochs are numbered from 1); ``is_best`` None means work it out;
        ``refit``: an epoch of training again on training + validation (drawn apart from the others)."""
        series = self._runs[run_id]
        series.epochs.append(float(epoch))
        series.refit.append(bool(refit))
        series.train_loss.append(math.nan if train_loss is None else float(train_loss))
        series.valid_loss.append(math.nan if valid_loss is None else float(valid_loss))
        series.valid_metric.append(math.nan if valid_metric is None else float(valid_metric))
        if metric_name and metric_name != series.metric_name:
            series.metric_name = metric_name
            self._refresh_layout()
        if is_best is None:
            is_best = self._is_new_best(series)
        if is_best and valid_metric is not None:
            series.best_epoch = epoch
        self._refresh_epochs(series)

    @staticmethod
    def _is_new_best(series: _RunSeries) -> bool:
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
        smoothed = (
            loss
            if not series.batch_loss
            else (BATCH_SMOOTHING * series.batch_loss[-1] + (1 - BATCH_SMOOTHING) * loss)
        )
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
        series.refit.clear()
        series.best_epoch = None
        for row in epochs:
            flagged = row.get("is_best")
            self.add_epoch(
                run_id,
                int(row["epoch"]),
                row.get("train_loss"),
                row.get("valid_loss"),
                row.get("valid_metric"),
                row.get("metric_name"),
                None if flagged is None else bool(flagged),
                bool(row.get("refit")),
            )
        self._refresh_epochs(series)

    def _refresh_epochs(self, series: _RunSeries) -> None:
        x = np.asarray(series.epochs)
        refit = np.asarray(series.refit, dtype=bool)
        items = series.items
        for key, values, part in (
            ("train", series.train_loss, ~refit),
            ("refit", series.train_loss, refit),
            ("valid_loss", series.valid_loss, ~refit),
            ("metric", series.valid_metric, ~refit),
        ):
            y = _finite(values)
            keep = np.isfinite(y) & part  # all-NaN data would make pyqtgraph warn; gaps are simply skipped
            items[key].setData(x[keep], y[keep])
        if series.best_epoch is not None and series.best_epoch in series.epochs:
            i = series.epochs.index(series.best_epoch)
            items["best"].setData([series.best_epoch], [series.valid_metric[i]])
            items["best_line"].setValue(series.best_epoch)
            items["best_line"].setVisible(series.visible)
        else:
            items["best"].setData([], [])
            items["best_line"].setVisible(False)
