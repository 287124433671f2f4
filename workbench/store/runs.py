"""Training runs as they happen: the run row, one metrics row per epoch, a checkpoint per epoch.

A run is written by the process that trains it (its pid is stored). When a database is opened,
``mark_interrupted_runs`` turns runs left "running" by a process that no longer exists into
"interrupted"; such a run keeps its last checkpoint and can be resumed.

On a shared server database (PostgreSQL) a pid says nothing about runs trained on another machine, so
there the training process holds a session-level advisory lock per run for as long as it trains, and a
run counts as interrupted once nobody holds its lock (the server drops it when the process dies).

Runs are watched from anywhere: every run row names the host training it, ``active_runs`` and
``epochs_after`` are the cheap queries a workstation polls, and ``request_cancel`` records a cancel that
the training process (wherever it runs) honours through ``RunCancelWatch`` at its next check.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import socket
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import psutil
from sqlalchemy import Connection, delete, func, select
from sqlalchemy.exc import DBAPIError, SQLAlchemyError
from sqlalchemy.orm import Session

from workbench.core.progress import Cancelled, CancelToken
from workbench.core.training import EpochReport
from workbench.errors import NotFoundError, WorkbenchError
from workbench.store import blobs
from workbench.store.db import Database
from workbench.store.schema import DatasetRow, EpochMetricRow, TrainingRunRow, utcnow

RUN_STATUSES = ("running", "completed", "cancelled", "failed", "interrupted")
#: runs this process is training right now; a "running" row with our pid but not in here was left by an
#: earlier process that happened to get the same pid.
_OWN_RUNS: set[tuple[str, int]] = set()
#: PostgreSQL: the connection holding each of this process's run locks, by (url, run id)
_RUN_LOCKS: dict[tuple[str, int], Connection] = {}
#: first key of the two-key advisory locks that mark a run as being trained ("RunL")
RUN_LOCK_CLASS = 0x52756E4C


def _uses_run_locks(db: Database) -> bool:
    return db.engine.dialect.name == "postgresql"


def _hold_run_lock(db: Database, run_id: int) -> None:
    """Take the run's advisory lock on a connection kept open until ``finish_run``."""
    if not _uses_run_locks(db) or (db.url, run_id) in _RUN_LOCKS:
        return
    conn = db.engine.connect()
    try:
        conn.execute(select(func.pg_advisory_lock(RUN_LOCK_CLASS, run_id)))
        conn.commit()  # a session-level lock outlives the transaction that took it
    except BaseException:  # the lock was not taken: the connection must not be left open
        conn.close()
        raise
    _RUN_LOCKS[(db.url, run_id)] = conn


def _release_run_lock(db: Database, run_id: int) -> None:
    conn = _RUN_LOCKS.pop((db.url, run_id), None)
    if conn is None:
        return
    try:
        conn.execute(select(func.pg_advisory_unlock(RUN_LOCK_CLASS, run_id)))
        conn.commit()
    finally:
        conn.close()


def _run_lock_free(session: Session, run_id: int) -> bool:
    """Whether no session anywhere holds the run's lock (checked by taking and dropping it at once)."""
    if not session.scalar(select(func.pg_try_advisory_lock(RUN_LOCK_CLASS, run_id))):
        return False
    session.scalar(select(func.pg_advisory_unlock(RUN_LOCK_CLASS, run_id)))
    return True


@dataclass
class EpochInfo:
    """One epoch's metrics, for plots after a restart."""

    epoch: int
    train_loss: float | None
    valid_loss: float | None
    valid_metric: float | None
    metric_name: str | None
    elapsed_s: float
    samples_per_s: float | None
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class RunInfo:
    """A training run and (optionally) its epochs."""

    id: int
    dataset_id: int
    dataset_name: str
    family: str
    config: dict[str, Any]
    split: dict[str, Any]
    status: str
    device: str
    started_at: datetime
    finished_at: datetime | None
    elapsed_s: float
    error: str | None
    pid: int | None
    model_id: int | None
    checkpoint_epoch: int | None
    epochs: list[EpochInfo] = field(default_factory=list)
    host: str | None = None
    cancel_requested: bool = False

    @property
    def resumable(self) -> bool:
        return self.status in ("interrupted", "cancelled", "failed") and self.checkpoint_epoch is not None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        out = dataclasses.asdict(self)
        out["started_at"] = self.started_at.isoformat(timespec="seconds")
        out["finished_at"] = self.finished_at.isoformat(timespec="seconds") if self.finished_at else None
        out["resumable"] = self.resumable
        return out


def _epoch_info(row: EpochMetricRow) -> EpochInfo:
    return EpochInfo(epoch=row.epoch, train_loss=row.train_loss, valid_loss=row.valid_loss,
                     valid_metric=row.valid_metric, metric_name=row.metric_name, elapsed_s=row.elapsed_s,
                     samples_per_s=row.samples_per_s, extra=dict(row.extra or {}))


def _run_info(session: Session, row: TrainingRunRow, with_epochs: bool) -> RunInfo:
    dataset = session.get(DatasetRow, row.dataset_id)
    epochs = [_epoch_info(e) for e in row.epochs] if with_epochs else []
    return RunInfo(id=row.id, dataset_id=row.dataset_id, dataset_name=dataset.name if dataset else "",
                   family=row.family, config=dict(row.config or {}), split=dict(row.split or {}),
                   status=row.status, device=row.device, started_at=row.started_at,
                   finished_at=row.finished_at, elapsed_s=row.elapsed_s, error=row.error, pid=row.pid,
                   model_id=row.model_id, checkpoint_epoch=row.checkpoint_epoch, epochs=epochs,
                   host=row.host, cancel_requested=row.cancel_requested_at is not None)


def _get(session: Session, run_id: int) -> TrainingRunRow:
    row = session.get(TrainingRunRow, int(run_id))
    if row is None:
        raise NotFoundError(f"no training run with id {run_id} (see `runs list`)")
    return row


def create_run(db: Database, dataset_id: int, family: str, config: dict[str, Any], split: dict[str, Any],
               device: str) -> int:
    """Insert a "running" run owned by this process; returns its id."""
    with db.session() as session:
        row = TrainingRunRow(dataset_id=dataset_id, family=family, config=config, split=split,
                             status="running", device=device[:64], pid=os.getpid(), host=this_host())
        session.add(row)
        session.flush()
        run_id = row.id
    _OWN_RUNS.add((db.url, run_id))
    _hold_run_lock(db, run_id)
    return run_id


def claim_run(db: Database, run_id: int, device: str) -> RunInfo:
    """Take over a resumable run in this process (status back to "running"); returns it with epochs.

    Epoch rows recorded after the checkpoint are dropped, since training restarts from the checkpoint.
    """
    with db.session() as session:
        row = _get(session, run_id)
        if row.status == "running":
            raise WorkbenchError(f"run {run_id} is still running (process {row.pid}); it cannot be resumed")
        if row.status == "completed":
            raise WorkbenchError(f"run {run_id} already completed (model {row.model_id}); nothing to resume")
        if row.checkpoint is None or row.checkpoint_epoch is None:
            raise WorkbenchError(f"run {run_id} has no checkpoint (it stopped before its first epoch "
                                 "ended); start a new run instead")
        session.execute(delete(EpochMetricRow).where(EpochMetricRow.run_id == row.id,
                                                     EpochMetricRow.epoch > row.checkpoint_epoch))
        row.status = "running"
        row.pid = os.getpid()
        row.host = this_host()
        row.cancel_requested_at = None
        row.device = device[:64]
        row.error = None
        row.finished_at = None
        session.flush()
        session.expire(row, ["epochs"])
        info = _run_info(session, row, with_epochs=True)
    _OWN_RUNS.add((db.url, run_id))
    _hold_run_lock(db, run_id)
    return info


def record_epoch(db: Database, run_id: int, report: EpochReport, checkpoint: bytes | None = None,
                 elapsed_s: float | None = None) -> None:
    """Store one epoch's metrics and, in the same transaction, the checkpoint taken after it.

    A checkpoint over one database field's limit is stored in parts; either all of it replaces the
    previous one or (on any failure) the previous one stays.
    """
    extra = {str(k): float(v) for k, v in (report.extra or {}).items()}
    if report.is_best:
        extra["is_best"] = 1.0
    try:
        _record_epoch(db, run_id, report, extra, checkpoint, elapsed_s)
    except DBAPIError as exc:
        raise blobs.storage_error("training checkpoint", len(checkpoint or b""), exc) from exc


def _record_epoch(db: Database, run_id: int, report: EpochReport, extra: dict[str, float],
                  checkpoint: bytes | None, elapsed_s: float | None) -> None:
    with db.session() as session:
        row = _get(session, run_id)
        session.execute(delete(EpochMetricRow).where(EpochMetricRow.run_id == run_id,
                                                     EpochMetricRow.epoch == report.epoch))
        session.add(EpochMetricRow(run_id=run_id, epoch=int(report.epoch),
                                   train_loss=_float(report.train_loss), valid_loss=_float(report.valid_loss),
                                   valid_metric=_float(report.valid_metric), metric_name=report.metric_name,
                                   elapsed_s=float(report.elapsed_s or 0.0),
                                   samples_per_s=_float(report.samples_per_s), extra=extra))
        if checkpoint is not None:
            head, rest = blobs.split_head(checkpoint)
            row.checkpoint = head
            row.checkpoint_epoch = int(report.epoch)
            blobs.write_parts(session, "run_id", run_id, rest, first=1)
        if elapsed_s is not None:
            row.elapsed_s = float(elapsed_s)


def _float(value: float | None) -> float | None:
    if value is None:
        return None
    number = float(value)
    return number if number == number else None  # NaN -> NULL


def finish_run(db: Database, run_id: int, status: str, *, elapsed_s: float | None = None,
               error: str | None = None, model_id: int | None = None) -> None:
    """Close a run as completed, cancelled or failed."""
    if status not in RUN_STATUSES or status == "running":
        raise ValueError(f"bad final status {status!r}")
    with db.session() as session:
        row = _get(session, run_id)
        row.status = status
        row.finished_at = utcnow()
        if elapsed_s is not None:
            row.elapsed_s = float(elapsed_s)
        row.error = error
        if model_id is not None:
            row.model_id = model_id
    _OWN_RUNS.discard((db.url, run_id))
    _release_run_lock(db, run_id)


def load_checkpoint(db: Database, run_id: int) -> tuple[bytes, int] | None:
    """``(checkpoint bytes, epoch)`` of a run, or None when it has none."""
    with db.session() as session:
        row = _get(session, run_id)
        if row.checkpoint is None or row.checkpoint_epoch is None:
            return None
        blob = blobs.read_parts(session, "run_id", run_id, head=bytes(row.checkpoint))
        return blob, int(row.checkpoint_epoch)


def _process_alive(pid: int, started_at: datetime) -> bool:
    """Whether process ``pid`` exists and is plausibly the one that started a run at ``started_at``."""
    try:
        process = psutil.Process(pid)
        # pids are reused: a process that started after the run began cannot own it
        proc_start = process.create_time()
    except psutil.NoSuchProcess:
        return False
    except psutil.AccessDenied:
        return True  # exists, owned by someone else
    run_start = (started_at.replace(tzinfo=UTC) if started_at.tzinfo is None else started_at).timestamp()
    return proc_start <= run_start + 5.0


def mark_interrupted_runs(db: Database) -> list[int]:
    """Mark "running" runs whose process is gone (or that this process does not own) as interrupted.

    Call it when a front end opens a database. Returns the ids marked.
    """
    marked: list[int] = []
    with db.session() as session:
        rows = session.scalars(select(TrainingRunRow).where(TrainingRunRow.status == "running")).all()
        for row in rows:
            if (db.url, row.id) in _OWN_RUNS:
                continue
            if _uses_run_locks(db):
                if not _run_lock_free(session, row.id):
                    continue  # a live process, on this machine or another, is training it
            elif row.pid is not None and row.pid != os.getpid() and _process_alive(row.pid, row.started_at):
                continue  # another live process (a second app window, a CLI job) is training it
            row.status = "interrupted"
            row.finished_at = utcnow()
            last = row.checkpoint_epoch
            row.error = ("the training process stopped unexpectedly"
                         + (f"; resumable from epoch {last}" if last is not None else "; no checkpoint"))
            marked.append(row.id)
    return marked


def list_runs(db: Database, dataset: int | str | None = None) -> list[RunInfo]:
    """Runs, newest first (without their epochs); ``dataset`` (id or name) filters."""
    with db.session() as session:
        query = select(TrainingRunRow)
        if dataset is not None:
            text = str(dataset)
            ds = session.scalars(select(DatasetRow).where(DatasetRow.name == text)).first()
            if ds is None and text.isdigit():
                ds = session.get(DatasetRow, int(text))
            if ds is None:
                raise NotFoundError(f"no dataset '{text}' (see `datasets list`)")
            query = query.where(TrainingRunRow.dataset_id == ds.id)
        rows = session.scalars(query.order_by(TrainingRunRow.id.desc())).all()
        return [_run_info(session, row, with_epochs=False) for row in rows]


def get_run(db: Database, run_id: int) -> RunInfo:
    """One run with its epochs."""
    with db.session() as session:
        return _run_info(session, _get(session, run_id), with_epochs=True)


def run_epochs(db: Database, run_id: int) -> list[EpochInfo]:
    """The epochs recorded for a run, in order."""
    return get_run(db, run_id).epochs


# --- watching and cancelling runs from anywhere ------------------------------------------------------

def this_host() -> str:
    """The name of this machine as runs record it."""
    return (socket.gethostname() or "unknown host")[:255]


@dataclass(frozen=True)
class RunProgress:
    """A run's headline as another workstation polls it (no epochs, no checkpoint)."""

    id: int
    family: str
    dataset_name: str
    status: str
    host: str | None
    pid: int | None
    device: str
    last_epoch: int | None
    cancel_requested: bool
    config: dict[str, Any] = field(default_factory=dict)


def active_runs(db: Database, also: list[int] | tuple[int, ...] = ()) -> list[RunProgress]:
    """Runs being trained now, anywhere, plus the runs ``also`` names (to see them end); newest first.

    One query on indexed columns (status, run id and the epoch rows' (run, epoch) key), cheap enough to
    poll every few seconds.
    """
    last_epoch = (select(func.max(EpochMetricRow.epoch)).where(EpochMetricRow.run_id == TrainingRunRow.id)
                  .correlate(TrainingRunRow).scalar_subquery())
    condition = TrainingRunRow.status == "running"
    if also:
        condition = condition | TrainingRunRow.id.in_([int(r) for r in also])
    with db.session() as session:
        rows = session.execute(
            select(TrainingRunRow.id, TrainingRunRow.family, DatasetRow.name, TrainingRunRow.status,
                   TrainingRunRow.host, TrainingRunRow.pid, TrainingRunRow.device, last_epoch,
                   TrainingRunRow.cancel_requested_at, TrainingRunRow.config)
            .join(DatasetRow, DatasetRow.id == TrainingRunRow.dataset_id)
            .where(condition).order_by(TrainingRunRow.id.desc())).all()
    return [RunProgress(id=r[0], family=r[1], dataset_name=r[2], status=r[3], host=r[4], pid=r[5],
                        device=r[6], last_epoch=r[7], cancel_requested=r[8] is not None,
                        config=dict(r[9] or {})) for r in rows]


def epochs_after(db: Database, run_id: int, after_epoch: int = 0) -> list[EpochInfo]:
    """The epochs of a run recorded after ``after_epoch``, in order (what a watcher has not drawn yet)."""
    with db.session() as session:
        rows = session.scalars(select(EpochMetricRow)
                               .where(EpochMetricRow.run_id == int(run_id),
                                      EpochMetricRow.epoch > after_epoch)
                               .order_by(EpochMetricRow.epoch)).all()
        return [_epoch_info(row) for row in rows]


def request_cancel(db: Database, run_id: int) -> bool:
    """Record that a run should stop; its training process, on any machine, honours it at its next check.

    Returns False when the run is not running (nothing to cancel).
    """
    with db.session() as session:
        row = _get(session, run_id)
        if row.status != "running":
            return False
        if row.cancel_requested_at is None:
            row.cancel_requested_at = utcnow()
        return True


def cancel_requested(db: Database, run_id: int) -> bool:
    """Whether a cancel has been recorded for the run (one indexed look-up)."""
    with db.session() as session:
        requested = session.scalar(select(TrainingRunRow.cancel_requested_at)
                                   .where(TrainingRunRow.id == int(run_id)))
    return requested is not None


class RunCancelWatch(CancelToken):
    """A cancel token for a recorded run: cancelled locally, or by a request recorded in the database.

    Training polls its token every few batches; the database is asked at most once per
    ``interval_s`` seconds (and whenever ``check_now`` is called, between epochs), never once per batch.
    """

    def __init__(self, db: Database, run_id: int, local: CancelToken | None = None,
                 interval_s: float = 2.0) -> None:
        super().__init__()
        self.db = db
        self.run_id = run_id
        self.local = local
        self.interval_s = interval_s
        self.remote = False  # the stop came from a request recorded in the database
        self._last_check = time.monotonic()
        self._lock = threading.Lock()

    def check_now(self) -> bool:
        """Ask the database now; True when a cancel was requested (the token is then cancelled)."""
        with self._lock:
            self._last_check = time.monotonic()
        if not self.remote and cancel_requested(self.db, self.run_id):
            self.remote = True
            self.cancel()
        return self.remote

    @property
    def cancelled(self) -> bool:
        if self._event.is_set():
            return True
        if self.local is not None and self.local.cancelled:
            self.cancel()
            return True
        if time.monotonic() - self._last_check >= self.interval_s:
            # a lost connection must not stop training; the next check retries
            with contextlib.suppress(SQLAlchemyError):
                self.check_now()
        return self._event.is_set()

    def raise_if_cancelled(self) -> None:
        if self.cancelled:
            raise Cancelled("cancel requested from another workstation" if self.remote
                            else "cancelled by the user")
