"""Keeps the Train page's run list and curves in step: ticked runs are drawn from the store, unticked
ones hidden, and runs trained elsewhere grow epoch by epoch."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Signal, Slot

from workbench.store.db import STORE_ERRORS
from workbench.store.runs import RunInfo, get_run, list_runs
from workbench.ui.curves import TrainingCurves
from workbench.ui.i18n import translate
from workbench.ui.run_list import RunListPanel, epoch_rows, run_text
from workbench.ui.train_job import LiveRun, loss_axis_label, run_objective

RUNS_SHOWN = 100


class RunOverlay(QObject):
    """The stored runs of ``db()`` listed in ``run_list`` and drawn in ``curves`` as ticked.

    Signals: ``epoch_drawn(int run_id, int epoch)`` after a stored or remote epoch is on the curves,
    ``failed(str message)`` when the store cannot be read.
    """

    epoch_drawn = Signal(int, int)
    failed = Signal(str)

    def __init__(self, db: Callable[[], Any], run_list: RunListPanel, curves: TrainingCurves,
                 live: Callable[[], LiveRun | None], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._db = db
        self._run_list = run_list
        self._curves = curves
        self._live = live
        run_list.run_toggled.connect(self._on_run_toggled)

    @Slot()
    def refresh(self) -> None:
        """List stored runs; ticked ones are drawn (the newest is ticked on first show)."""
        runs: list[RunInfo] = []
        try:
            runs = list_runs(self._db())[:RUNS_SHOWN]
        except STORE_ERRORS as exc:  # a broken database is reported on the page, not as a crash
            self.failed.emit(translate("TrainPage", "Cannot list training runs: {exc}").format(exc=exc))
        first_fill = not self._run_list.run_ids() and not self._curves.run_ids()
        drawn = [run.id for run in runs if self._curves.has_run(run.id)]
        live = self._live()
        self._run_list.set_runs(runs, [run_text(run, live) for run in runs],
                                {i for i in drawn if self._curves.is_run_visible(i)},
                                {i: self._curves.run_colour(i) for i in drawn})
        if first_fill and runs:
            self._run_list.set_ticked(runs[0].id, True)

    @Slot(int, bool)
    def _on_run_toggled(self, run_id: int, ticked: bool) -> None:
        if ticked and not self._curves.has_run(run_id):
            self.show_stored_run(run_id)
            if self._curves.has_run(run_id):
                self._run_list.set_row_colour(run_id, self._curves.run_colour(run_id))
        else:
            self._curves.set_run_visible(run_id, ticked)

    def show_stored_run(self, run_id: int) -> None:
        """Draw a stored run's epochs (after a restart, or to compare with the live one)."""
        try:
            run = get_run(self._db(), run_id)
        except STORE_ERRORS as exc:  # a vanished run or a broken database is said on the page
            self.failed.emit(
                translate("TrainPage", "Cannot open run {run_id}: {exc}").format(run_id=run_id, exc=exc)
            )
            return
        self.draw_stored_run(run, run.epochs)
        for epoch in run.epochs[-1:]:
            self.epoch_drawn.emit(run_id, epoch.epoch)

    def _add_run_curves(self, run: Any, label: str) -> None:
        objective = run_objective(run.family, run.config)
        self._curves.add_run(run.id, label, objective, loss_axis_label(objective))

    def draw_stored_run(self, run: RunInfo, epochs: list[Any]) -> None:
        """Show ``epochs`` of a stored run (all of them, or those up to a checkpoint being resumed)."""
        if not self._curves.has_run(run.id):
            self._add_run_curves(run, translate("TrainPage", "run {id} · {family}").format(id=run.id,
                                                                                       family=run.family))
        self._curves.set_run_visible(run.id, True)
        self._curves.set_history(run.id, epoch_rows(epochs))

    @Slot(object, object)
    def draw_remote_epochs(self, run: Any, epochs: list[Any]) -> None:
        """Grow a remote run's curves by its new epochs (the run is added and ticked when first seen)."""
        if not self._curves.has_run(run.id):
            self._add_run_curves(run, f"run {run.id} · {run.family} · {run.host or 'remote'}")
            self.refresh()
        last = self._curves.last_epoch(run.id)  # ticked in the run list before it was watched
        for row in epoch_rows([e for e in epochs if e.epoch > last]):
            self._curves.add_epoch(run.id, row["epoch"], row["train_loss"], row["valid_loss"],
                                   row["valid_metric"], row["metric_name"], row["is_best"], row["refit"])
            self.epoch_drawn.emit(run.id, row["epoch"])
