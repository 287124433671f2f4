"""Runs trained by other processes or machines on the same database, watched live from the Train page.

A timer polls the runs table every few seconds on a quiet worker job (one cheap query, plus the new
epoch rows of runs that advanced); the page draws the new epochs on its curves. Cancel records a request
in the database; the training process, wherever it runs, honours it at its next check.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal, Slot
from PySide6.QtWidgets import (
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
)

from workbench.store.db import STORE_ERRORS
from workbench.store.runs import EpochInfo, RunProgress, active_runs, epochs_after, request_cancel, this_host
from workbench.ui.context import AppContext
from workbench.ui.i18n import translate
from workbench.ui.job_slots import JobSlots

POLL_INTERVAL_MS = 3000
RUN_ID_ROLE = Qt.ItemDataRole.UserRole


@dataclass
class PollResult:
    """What one poll found: the runs (running, or just ended) and the epochs each added since last time."""

    runs: list[RunProgress]
    new_epochs: dict[int, list[EpochInfo]] = field(default_factory=dict)


def poll_runs(db: Any, known: dict[int, int], own: tuple[str, int]) -> PollResult:
    """Active runs not trained by this process, plus ``known`` runs (to see them end), and their new
    epochs after the last epoch already drawn (``known[run_id]``)."""
    runs = [r for r in active_runs(db, tuple(known)) if (r.host, r.pid) != own]
    new: dict[int, list[EpochInfo]] = {}
    for run in runs:
        drawn = known.get(run.id, 0)
        if run.last_epoch is not None and run.last_epoch > drawn:
            new[run.id] = epochs_after(db, run.id, drawn)
    return PollResult(runs=runs, new_epochs=new)


class RemoteRunsPanel(QGroupBox):
    """Runs in progress elsewhere: host, epoch, cancel.

    Signals: ``epochs_received(object RunProgress, object list[EpochInfo])`` (new epochs of a watched
    run, in order), ``run_ended(int run_id, str status)``, ``polled(int n_runs)`` after each poll.
    """

    epochs_received = Signal(object, object)
    run_ended = Signal(int, str)
    polled = Signal(int)

    def __init__(self, ctx: AppContext, is_own_run: Callable[[int], bool] | None = None,
                 interval_ms: int = POLL_INTERVAL_MS) -> None:
        # a short title: a long one would widen the Train page beyond a 1024-pixel screen
        super().__init__(translate("RemoteRunsPanel", "Runs elsewhere"))
        self.setToolTip(translate(
            "RemoteRunsPanel", "Runs in progress elsewhere (other processes or machines on this database)"))
        self.ctx = ctx
        self._is_own_run = is_own_run or (lambda _run_id: False)
        self._known: dict[int, int] = {}  # run id -> last epoch drawn
        self._runs: dict[int, RunProgress] = {}
        self.jobs = JobSlots(ctx.jobs, kind="poll", quiet=True, parent=self)
        layout = QVBoxLayout(self)
        self.runs_list = QListWidget()
        self.runs_list.setMaximumHeight(80)
        self.runs_list.currentItemChanged.connect(self._update_button)
        layout.addWidget(self.runs_list)
        row = QHBoxLayout()
        self.hint = QLabel(
            translate(
                "RemoteRunsPanel",
                "None: runs started with `python -m workbench train` on this database, here or on "
                "another machine, appear here and on the curves while they train.",
            )
        )
        self.hint.setObjectName("Hint")
        self.hint.setWordWrap(True)
        row.addWidget(self.hint, 1)
        self.cancel_button = QPushButton(translate("RemoteRunsPanel", "Cancel run"))
        self.cancel_button.setToolTip(
            translate(
                "RemoteRunsPanel",
                "Ask the selected run to stop; its process honours the request at its "
                "next check (within seconds) and records the run as cancelled",
            )
        )
        self.cancel_button.setEnabled(False)
        self.cancel_button.clicked.connect(self.cancel_selected)
        row.addWidget(self.cancel_button)
        layout.addLayout(row)
        self.runs_list.setVisible(False)
        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self.poll_now)
        ctx.database_changed.connect(lambda _text: self.reset())

    # --- polling ---------------------------------------------------------------------------------
    def set_active(self, active: bool) -> None:
        """Poll while the page is shown; a first poll at once."""
        if active and not self.timer.isActive():
            self.timer.start()
            self.poll_now()
        elif not active:
            self.timer.stop()

    def reset(self) -> None:
        """Forget every watched run (another database was opened)."""
        self.jobs.forget("poll")  # a poll of the old database reports nothing
        self._known.clear()
        self._runs.clear()
        self._show_runs()

    @Slot()
    def poll_now(self) -> Any:
        """Start one poll on a quiet worker job unless one is still running; returns the job."""
        running = self.jobs.job("poll")
        if running is not None and running.is_active:
            return running  # one poll at a time: the next tick asks again
        db = self.ctx.db
        known = dict(self._known)
        own = (this_host(), os.getpid())

        def work(_cancel: Any, _progress: Any, _emit: Any) -> PollResult:
            return poll_runs(db, known, own)

        title = translate("RemoteRunsPanel", "Watch training runs")
        return self.jobs.submit("poll", title, work, self._apply)

    @Slot(object)
    def _apply(self, result: PollResult) -> None:
        for run in result.runs:
            if self._is_own_run(run.id):
                continue
            epochs = result.new_epochs.get(run.id, [])
            fresh = [e for e in epochs if e.epoch > self._known.get(run.id, 0)]
            self._known.setdefault(run.id, 0)
            if fresh:
                self._known[run.id] = fresh[-1].epoch
                self.epochs_received.emit(run, fresh)
            if run.status == "running":
                self._runs[run.id] = run
            else:
                self._runs.pop(run.id, None)
                self._known.pop(run.id, None)
                self.run_ended.emit(run.id, run.status)
        self._show_runs()
        self.polled.emit(len(self._runs))

    # --- list and cancel -------------------------------------------------------------------------
    def _show_runs(self) -> None:
        selected = self.selected_run_id()
        self.runs_list.clear()
        for run in self._runs.values():
            epoch = translate("RemoteRunsPanel", "epoch {n}").format(n=run.last_epoch) if run.last_epoch \
                else translate("RemoteRunsPanel", "starting")
            cancel = " · " + translate("RemoteRunsPanel", "cancel requested") if run.cancel_requested else ""
            where = translate("RemoteRunsPanel", "on {host} (process {pid}, {device})").format(
                host=run.host or translate("RemoteRunsPanel", "unknown host"), pid=run.pid, device=run.device)
            item = QListWidgetItem(
                translate("RemoteRunsPanel", "run {id} · {family} on {dataset}").format(
                    id=run.id, family=run.family, dataset=run.dataset_name) + f" · {epoch} · {where}{cancel}"
            )
            item.setData(RUN_ID_ROLE, run.id)
            self.runs_list.addItem(item)
            if run.id == selected:
                self.runs_list.setCurrentItem(item)
        self.runs_list.setVisible(bool(self._runs))
        self.hint.setVisible(not self._runs)
        self._update_button()

    def run_ids(self) -> list[int]:
        """Ids of the runs listed (being trained elsewhere)."""
        return list(self._runs)

    def run_text(self, run_id: int) -> str:
        """The list line of a run (tests, accessibility)."""
        for row in range(self.runs_list.count()):
            item = self.runs_list.item(row)
            if item.data(RUN_ID_ROLE) == run_id:
                return item.text()
        raise KeyError(run_id)

    def selected_run_id(self) -> int | None:
        item = self.runs_list.currentItem()
        return None if item is None else int(item.data(RUN_ID_ROLE))

    def select_run(self, run_id: int) -> None:
        for row in range(self.runs_list.count()):
            if self.runs_list.item(row).data(RUN_ID_ROLE) == run_id:
                self.runs_list.setCurrentRow(row)
                return
        raise KeyError(run_id)

    @Slot()
    def _update_button(self) -> None:
        run_id = self.selected_run_id()
        self.cancel_button.setEnabled(
            run_id is not None and not self._runs[run_id].cancel_requested if run_id in self._runs else False
        )

    @Slot()
    def cancel_selected(self) -> bool:
        """Record a cancel request for the selected run; True when it was still running."""
        run_id = self.selected_run_id()
        if run_id is None:
            return False
        try:
            accepted = request_cancel(self.ctx.db, run_id)
        except STORE_ERRORS as exc:
            self.hint.setText(
                translate("RemoteRunsPanel", "Cannot cancel run {run_id}: {exc}").format(
                    run_id=run_id, exc=exc
                )
            )
            self.hint.setVisible(True)
            return False
        if accepted and run_id in self._runs:
            self._runs[run_id] = RunProgress(**{**self._runs[run_id].__dict__, "cancel_requested": True})
        self._show_runs()
        self.poll_now()
        return accepted
