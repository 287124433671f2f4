"""The Train page's list of stored training runs: tick a run to overlay its curves, select a cancelled or
interrupted one to resume it."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Any

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
)

from workbench.models.torch_base import REFIT
from workbench.store.runs import RunInfo
from workbench.ui.i18n import translate
from workbench.ui.train_job import LiveRun
from workbench.ui.widgets import format_duration

RUN_ID_ROLE = Qt.ItemDataRole.UserRole
RESUMABLE_ROLE = Qt.ItemDataRole.UserRole + 1
RUN_ROLE = Qt.ItemDataRole.UserRole + 2  # the RunInfo a list row shows


def run_status(status: str) -> str:
    """A run's stored status as shown."""
    names = {"running": translate("TrainPage", "running"), "completed": translate("TrainPage", "completed"),
             "cancelled": translate("TrainPage", "cancelled"), "failed": translate("TrainPage", "failed"),
             "interrupted": translate("TrainPage", "interrupted")}
    return names.get(status, status)


def epoch_rows(epochs: list[Any]) -> list[dict[str, Any]]:
    """Stored ``EpochInfo``s as dicts for ``TrainingCurves.set_history`` (best flags kept)."""
    flagged = any(e.extra.get("is_best") for e in epochs)
    return [{"epoch": e.epoch, "train_loss": e.train_loss, "valid_loss": e.valid_loss,
             "valid_metric": e.valid_metric, "metric_name": e.metric_name,
             "is_best": bool(e.extra.get("is_best")) if flagged else None,
             "refit": bool(e.extra.get(REFIT))} for e in epochs]


def _elapsed_since(started: datetime | None) -> float | None:
    if started is None:
        return None
    aware = started.replace(tzinfo=UTC) if started.tzinfo is None else started  # stored as naive UTC
    return max(0.0, (datetime.now(UTC) - aware).total_seconds())


def run_text(run: RunInfo, live: LiveRun | None = None) -> str:
    """One list row: what, where, how it stands (the run this window trains: its epoch and time so far)."""
    when = run.started_at.strftime("%Y-%m-%d %H:%M") if run.started_at else ""
    running = translate("TrainPage", "running")
    if live is not None and live.run_id == run.id:
        total = f"/{live.epochs}" if live.epochs else ""
        epoch = " · " + (
            translate("TrainPage", "epoch {n}").format(n=f"{live.last_epoch}{total}")
            if live.last_epoch
            else translate("TrainPage", "starting")
        )
        state = f"{running}{epoch} · {format_duration(time.monotonic() - live.started)}"
    elif run.status == "running":  # another process (a CLI job, a second window) is training it
        state = translate("TrainPage", "running · {time} so far").format(
            time=format_duration(_elapsed_since(run.started_at))
        )
    else:
        resumable = translate("TrainPage", " (resumable)") if run.resumable else ""
        n_epochs = (
            " · " + translate("TrainPage", "epoch {n}").format(n=run.checkpoint_epoch)
            if run.checkpoint_epoch
            else ""
        )
        state = f"{run_status(run.status)}{resumable}{n_epochs} · {format_duration(run.elapsed_s)}"
    return translate("TrainPage", "run {id} · {family} on {dataset} · {state} · {when}").format(
        id=run.id, family=run.family, dataset=run.dataset_name, state=state, when=when
    )


class RunListPanel(QGroupBox):
    """Stored runs with a tick box each and a Resume button.

    Signals: ``run_toggled(int run_id, bool ticked)`` when the user ticks or unticks a run,
    ``resume_requested(int run_id)`` when Resume is pressed on a resumable run.
    """

    run_toggled = Signal(int, bool)
    resume_requested = Signal(int)

    def __init__(self, parent: Any = None) -> None:
        super().__init__(translate("TrainPage", "Runs: tick to overlay"), parent)
        self.setToolTip(translate("TrainPage", "Finished, cancelled and interrupted runs keep their curves"))
        self._filling = False
        self._resume_allowed = True
        layout = QVBoxLayout(self)
        self.runs_list = QListWidget()
        self.runs_list.setMinimumHeight(64)
        self.runs_list.itemChanged.connect(self._on_item_changed)
        self.runs_list.currentItemChanged.connect(self._update_resume_button)
        layout.addWidget(self.runs_list)
        self.runs_empty = QLabel(
            translate("TrainPage", "No training runs yet: choose a model and press Start training.")
        )
        self.runs_empty.setObjectName("Hint")
        layout.addWidget(self.runs_empty)
        resume_row = QHBoxLayout()
        resume_hint = QLabel(
            translate(
                "TrainPage", "Select a cancelled or interrupted run to continue it from its last checkpoint."
            )
        )
        resume_hint.setObjectName("Hint")
        resume_hint.setWordWrap(True)
        resume_row.addWidget(resume_hint, 1)
        self.resume_button = QPushButton(translate("TrainPage", "Resume run"))
        self.resume_button.setEnabled(False)
        self.resume_button.setToolTip(
            translate("TrainPage", "Continue the selected run from its checkpoint; its curves continue")
        )
        self.resume_button.clicked.connect(self._on_resume_clicked)
        resume_row.addWidget(self.resume_button)
        layout.addLayout(resume_row)
        self.setMaximumHeight(220)

    # --- rows ------------------------------------------------------------------------------------
    def set_runs(self, runs: list[RunInfo], texts: list[str], ticked: set[int],
                 colours: dict[int, str]) -> None:
        """Replace the rows (the selection is kept); ``ticked`` runs get a tick, ``colours`` their colour."""
        selected = self.selected_run_id()
        self._filling = True
        try:
            self.runs_list.clear()
            for run, text in zip(runs, texts, strict=True):
                item = QListWidgetItem(text)
                item.setData(RUN_ID_ROLE, run.id)
                item.setData(RUN_ROLE, run)
                item.setData(RESUMABLE_ROLE, run.resumable)
                item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                item.setCheckState(Qt.CheckState.Checked if run.id in ticked else Qt.CheckState.Unchecked)
                if run.id in colours:
                    item.setForeground(QColor(colours[run.id]))
                if run.error and run.status != "completed":
                    item.setToolTip(run.error)
                self.runs_list.addItem(item)
                if run.id == selected:
                    self.runs_list.setCurrentItem(item)
        finally:
            self._filling = False
        self.runs_empty.setVisible(not runs)
        self.runs_list.setVisible(bool(runs))
        self._update_resume_button()

    def _item(self, run_id: int) -> QListWidgetItem | None:
        for row in range(self.runs_list.count()):
            item = self.runs_list.item(row)
            if int(item.data(RUN_ID_ROLE)) == run_id:
                return item
        return None

    def run_ids(self) -> list[int]:
        """The listed runs, newest first."""
        return [int(self.runs_list.item(row).data(RUN_ID_ROLE)) for row in range(self.runs_list.count())]

    def run_info(self, run_id: int) -> RunInfo | None:
        """The stored run a row shows (None when it is not listed)."""
        item = self._item(run_id)
        return None if item is None else item.data(RUN_ROLE)

    def set_row_text(self, run_id: int, text: str) -> None:
        """Rewrite one row (a live run's epoch and time), leaving its tick alone."""
        item = self._item(run_id)
        if item is not None:
            self._filling = True
            item.setText(text)
            self._filling = False

    def set_row_colour(self, run_id: int, colour: str) -> None:
        item = self._item(run_id)
        if item is not None:
            self._filling = True
            item.setForeground(QColor(colour))
            self._filling = False

    def set_ticked(self, run_id: int, ticked: bool) -> None:
        """Tick or untick a run as the user would (``run_toggled`` fires)."""
        item = self._item(run_id)
        if item is None:
            raise KeyError(run_id)
        item.setCheckState(Qt.CheckState.Checked if ticked else Qt.CheckState.Unchecked)

    def is_ticked(self, run_id: int) -> bool:
        item = self._item(run_id)
        return item is not None and item.checkState() == Qt.CheckState.Checked

    def selected_run_id(self) -> int | None:
        """The run selected in the list (None when none is)."""
        item = self.runs_list.currentItem()
        return None if item is None else int(item.data(RUN_ID_ROLE))

    def select_run(self, run_id: int) -> None:
        """Select a run by id (raises ``KeyError`` when it is not listed)."""
        item = self._item(run_id)
        if item is None:
            raise KeyError(run_id)
        self.runs_list.setCurrentItem(item)

    # --- resume ----------------------------------------------------------------------------------
    def set_resume_allowed(self, allowed: bool) -> None:
        """Whether Resume may be offered at all (not while a training runs in this window)."""
        self._resume_allowed = allowed
        self._update_resume_button()

    @Slot()
    def _update_resume_button(self) -> None:
        item = self.runs_list.currentItem()
        resumable = item is not None and bool(item.data(RESUMABLE_ROLE))
        self.resume_button.setEnabled(resumable and self._resume_allowed)

    @Slot()
    def _on_resume_clicked(self) -> None:
        run_id = self.selected_run_id()
        if run_id is not None:
            self.resume_requested.emit(run_id)

    @Slot(QListWidgetItem)
    def _on_item_changed(self, item: QListWidgetItem) -> None:
        if not self._filling:
            self.run_toggled.emit(int(item.data(RUN_ID_ROLE)), item.checkState() == Qt.CheckState.Checked)
