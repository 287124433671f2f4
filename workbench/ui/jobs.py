"""Background jobs for the GUI: plain functions run on a ``QThreadPool``, results delivered as signals.

Usage (from the GUI thread)::

    def work(cancel: CancelToken, progress: ProgressCallback, emit: Callable[[object], None]) -> int:
        for i in range(100):
            cancel.raise_if_cancelled()          # -> Job.cancelled
            progress(Progress(i + 1, 100, "step"))  # -> Job.progress(fraction, message), throttled
            emit({"i": i})                        # -> Job.event(obj), every call, on the GUI thread
        return 42                                 # -> Job.finished(42)

    job = ctx.jobs.submit("Counting", work, kind="demo")
    job.finished.connect(lambda result: label.setText(str(result)))
    job.failed.connect(lambda message: QMessageBox.warning(self, "Counting", message))
    job.cancel()                                  # cooperative: fn sees it at its next check

Every public signal of ``Job`` is emitted on the GUI thread (the worker emits private signals that reach
the job through queued connections), so slots and lambdas connected to them may touch widgets.
``progress`` is throttled to ~20 emits/s; ``event`` is not, so a function emitting per-batch data should
throttle it itself (``Throttle`` in ``workbench.core.progress``). A ``WorkbenchError`` becomes
``failed(str(exc))``; any other exception ``failed("<Type>: <message>")`` with the traceback kept on
``job.traceback`` and logged.
"""

from __future__ import annotations

import logging
import time
import traceback
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, Signal, Slot

from workbench.core.progress import Cancelled, CancelToken, Progress, ProgressCallback, Throttle
from workbench.errors import WorkbenchError

log = logging.getLogger(__name__)

JobFunction = Callable[[CancelToken, ProgressCallback, Callable[[object], None]], Any]

PROGRESS_INTERVAL_S = 0.05

QUEUED = "queued"
RUNNING = "running"
FINISHED = "finished"
FAILED = "failed"
CANCELLED = "cancelled"


class Job(QObject):
    """One background task. Lives in the GUI thread; its worker talks to it only through queued signals.

    Signals (GUI thread): ``started()``, ``progress(float fraction, str message)`` (fraction -1 when the
    total is unknown), ``event(object)``, ``finished(object result)``, ``failed(str message)``,
    ``cancelled()``, and ``done()`` after any of the last three.
    """

    started = Signal()
    progress = Signal(float, str)
    event = Signal(object)
    finished = Signal(object)
    failed = Signal(str)
    cancelled = Signal()
    done = Signal()

    # Emitted from the worker thread only; connected with QueuedConnection to the slots below.
    _w_started = Signal()
    _w_progress = Signal(float, str)
    _w_event = Signal(object)
    _w_result = Signal(str, object)

    def __init__(self, title: str, fn: JobFunction, kind: str = "job", parent: QObject | None = None,
                 quiet: bool = False) -> None:
        super().__init__(parent)
        self.title = title
        self.kind = kind
        self.quiet = quiet
        self.state = QUEUED
        self.fraction: float | None = None
        self.message = ""
        self.result: Any = None
        self.error: str | None = None
        self.exception: BaseException | None = None
        self.traceback: str | None = None
        self.started_at: float | None = None
        self.ended_at: float | None = None
        self.token = CancelToken()
        self._fn = fn
        self._first_progress: tuple[float, float] | None = None  # (time, fraction) of the first report
        self._w_started.connect(self._on_started, Qt.ConnectionType.QueuedConnection)
        self._w_progress.connect(self._on_progress, Qt.ConnectionType.QueuedConnection)
        self._w_event.connect(self._on_event, Qt.ConnectionType.QueuedConnection)
        self._w_result.connect(self._on_result, Qt.ConnectionType.QueuedConnection)

    # -- public API -------------------------------------------------------------------------------
    def cancel(self) -> None:
        """Ask the job to stop; it stops at its next ``raise_if_cancelled`` (a queued job never starts)."""
        if self.state in (QUEUED, RUNNING):
            self.token.cancel()
            self.message = "cancelling…"

    @property
    def is_active(self) -> bool:
        return self.state in (QUEUED, RUNNING)

    @property
    def elapsed_s(self) -> float:
        if self.started_at is None:
            return 0.0
        return (self.ended_at or time.monotonic()) - self.started_at

    @property
    def eta_s(self) -> float | None:
        """Seconds left, from the progress rate since the first report; None while unknown."""
        if self.state != RUNNING or self.fraction is None or self._first_progress is None:
            return None
        t0, f0 = self._first_progress
        dt = time.monotonic() - t0
        df = self.fraction - f0
        if df <= 1e-6 or dt < 0.2:
            return None
        return max(0.0, (1.0 - self.fraction) * dt / df)

    # -- worker side (runs on a pool thread) -------------------------------------------------------
    def _run(self) -> None:
        if self.token.cancelled:
            self._w_result.emit(CANCELLED, None)
            return
        self._w_started.emit()
        throttle: Throttle[Progress] = Throttle(
            lambda p: self._w_progress.emit(-1.0 if p.fraction is None else float(p.fraction), p.message),
            PROGRESS_INTERVAL_S)

        def report(p: Progress) -> None:
            throttle(p, force=p.fraction is not None and p.fraction >= 1.0)  # the last one always shows

        try:
            result = self._fn(self.token, report, self._w_event.emit)
        except Cancelled:
            self._w_result.emit(CANCELLED, None)
        except WorkbenchError as exc:
            self.exception = exc
            self._w_result.emit(FAILED, str(exc))
        except Exception as exc:  # the job boundary: a bug in a job is reported with its traceback, and the
            self.exception = exc  # pool thread lives on for the next job
            self.traceback = traceback.format_exc()
            log.error("job %r failed:\n%s", self.title, self.traceback)
            self._w_result.emit(FAILED, f"{type(exc).__name__}: {exc}")
        else:
            self._w_result.emit(FINISHED, result)

    # -- GUI side ---------------------------------------------------------------------------------
    @Slot()
    def _on_started(self) -> None:
        self.state = RUNNING
        self.started_at = time.monotonic()
        self.started.emit()

    @Slot(float, str)
    def _on_progress(self, fraction: float, message: str) -> None:
        if self.state != RUNNING:
            return
        self.fraction = None if fraction < 0 else fraction
        if message:
            self.message = message
        if self.fraction is not None and self._first_progress is None:
            self._first_progress = (time.monotonic(), self.fraction)
        self.progress.emit(fraction, message)

    @Slot(object)
    def _on_event(self, payload: object) -> None:
        self.event.emit(payload)

    @Slot(str, object)
    def _on_result(self, state: str, payload: object) -> None:
        self.state = state
        self.ended_at = time.monotonic()
        if state == FINISHED:
            self.fraction = 1.0
            self.result = payload
            self.message = "done"
            self.finished.emit(payload)
        elif state == FAILED:
            self.error = str(payload)
            self.message = "failed"
            self.failed.emit(self.error)
        else:
            self.message = "cancelled"
            self.cancelled.emit()
        self.done.emit()


class _Runner(QRunnable):
    def __init__(self, job: Job) -> None:
        super().__init__()
        self._job = job

    def run(self) -> None:
        self._job._run()


class JobManager(QObject):
    """Runs ``Job``s on its own thread pool and keeps the list the jobs panel shows.

    Signals: ``job_added(Job)``, ``job_done(Job)``, ``active_changed(int count)``.
    """

    job_added = Signal(object)
    job_done = Signal(object)
    active_changed = Signal(int)

    def __init__(self, parent: QObject | None = None, max_threads: int = 4) -> None:
        super().__init__(parent)
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(max_threads)
        self._jobs: list[Job] = []
        self._runners: dict[int, _Runner] = {}

    def submit(self, title: str, fn: JobFunction, kind: str = "job", quiet: bool = False) -> Job:
        """Queue ``fn(cancel, progress, emit)`` on a worker thread; call from the GUI thread.

        ``quiet`` jobs (short look-ups such as plot statistics) stay out of the jobs panel and do not
        count as running work when the window closes; ``cancel_all`` still cancels them.
        """
        job = Job(title, fn, kind, parent=self, quiet=quiet)
        runner = _Runner(job)
        runner.setAutoDelete(False)
        self._runners[id(job)] = runner  # keep the runnable alive until the job is done
        self._jobs.append(job)
        job.done.connect(lambda j=job: self._on_done(j))
        self.job_added.emit(job)
        self.active_changed.emit(len(self.active_jobs()))
        self.pool.start(runner)
        return job

    def jobs(self) -> list[Job]:
        """Every job submitted since start (the panel prunes its own view)."""
        return list(self._jobs)

    def active_jobs(self, kind: str | None = None, include_quiet: bool = False) -> list[Job]:
        """Jobs queued or running, optionally of one kind (quiet jobs only when asked)."""
        return [j for j in self._jobs if j.is_active and (kind is None or j.kind == kind)
                and (include_quiet or not j.quiet)]

    def cancel_all(self) -> None:
        """Ask every queued or running job, quiet ones included, to stop."""
        for job in self.active_jobs(include_quiet=True):
            job.cancel()

    def wait(self, timeout_ms: int = -1) -> bool:
        """Block until every worker returned (used at shutdown); True when the pool is idle."""
        return self.pool.waitForDone(timeout_ms)

    def forget_finished(self) -> None:
        """Drop finished jobs from the list."""
        self._jobs = [j for j in self._jobs if j.is_active]

    def _on_done(self, job: Job) -> None:
        self._runners.pop(id(job), None)
        if job.quiet:
            self._jobs = [j for j in self._jobs if j is not job]
        self.job_done.emit(job)
        self.active_changed.emit(len(self.active_jobs()))
