"""Background jobs of one page or panel, kept one per slot.

A page submits its work into named slots ("model", "user", "export", ...). A newer job in a slot cancels
and supersedes the older one, and only the newest job of a slot reaches the page: the result of a
superseded job (a user clicked another model before the first one loaded) is dropped, so a slow old
answer never overwrites a newer one. Results, failures, cancellations, events and progress go to the
callbacks given with the job, or to the slots object's default failure handler::

    self.jobs = JobSlots(ctx.jobs, kind="model", quiet=True, on_failed=self._fail, parent=self)
    self.jobs.submit("user", "Inspect user u1", work, on_done=self._show_user)

``slot=None`` keeps a job apart from every other (two exports run side by side, each reports).
Every callback runs on the GUI thread. With the page as ``parent``, a job that ends after the page was
closed calls nothing.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, Signal

from workbench.ui.jobs import Job, JobFunction, JobManager


class JobSlots(QObject):
    """One handle per slot over a ``JobManager``.

    Signals: ``active_changed(int count)`` when a job of these slots starts or ends.
    """

    active_changed = Signal(int)

    def __init__(self, jobs: JobManager, kind: str = "job", quiet: bool = False,
                 on_failed: Callable[[str], None] | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._manager = jobs
        self._kind = kind
        self._quiet = quiet
        self._on_failed = on_failed
        self._slots: dict[str, Job] = {}
        self._anonymous = itertools.count()

    def submit(
        self,
        slot: str | None,
        title: str,
        fn: JobFunction,
        on_done: Callable[[Any], None] | None = None,
        *,
        on_failed: Callable[[str], None] | None = None,
        on_cancelled: Callable[[], None] | None = None,
        on_event: Callable[[object], None] | None = None,
        on_progress: Callable[[float, str], None] | None = None,
        kind: str | None = None,
        quiet: bool | None = None,
    ) -> Job:
        """Run ``fn`` in the background as the newest job of ``slot`` (an older active one is cancelled).

        Callbacks fire only while the job is still its slot's newest; ``on_failed`` defaults to the
        handler given to the constructor. ``kind`` and ``quiet`` override the constructor's for this job.
        """
        key = slot if slot is not None else f"\0{next(self._anonymous)}"
        old = self._slots.get(key)
        if old is not None and old.is_active:
            old.cancel()
        job = self._manager.submit(title, fn, kind=kind or self._kind,
                                   quiet=self._quiet if quiet is None else quiet)
        self._slots[key] = job

        def current() -> bool:
            # a page closed while its job ran is gone with these slots (its child): nothing to update
            return shiboken6.isValid(self) and self._slots.get(key) is job

        failed = on_failed or self._on_failed
        if on_done is not None:
            job.finished.connect(lambda result: on_done(result) if current() else None)
        if failed is not None:
            job.failed.connect(lambda message: failed(message) if current() else None)
        if on_cancelled is not None:
            job.cancelled.connect(lambda: on_cancelled() if current() else None)
        if on_event is not None:
            job.event.connect(lambda payload: on_event(payload) if current() else None)
        if on_progress is not None:
            job.progress.connect(lambda fraction, text: on_progress(fraction, text) if current() else None)
        job.done.connect(lambda: self._finish(key, job))
        self.active_changed.emit(len(self.active()))
        return job

    def _finish(self, key: str, job: Job) -> None:
        if not shiboken6.isValid(self):
            return
        if key.startswith("\0") and self._slots.get(key) is job:
            del self._slots[key]  # nobody can ask for an anonymous slot: forget it once done
        self.active_changed.emit(len(self.active()))

    def job(self, slot: str) -> Job | None:
        """The newest job submitted to ``slot`` (running or ended), or None."""
        return self._slots.get(slot)

    def is_active(self, slot: str) -> bool:
        """Whether ``slot``'s newest job is queued or running."""
        job = self._slots.get(slot)
        return job is not None and job.is_active

    def active(self) -> list[Job]:
        """The queued and running jobs of every slot."""
        return [job for job in self._slots.values() if job.is_active]

    def cancel(self, slot: str | None = None) -> None:
        """Ask ``slot``'s job (every slot's, with None) to stop; a cancelled job's callbacks still fire."""
        jobs = self.active() if slot is None else [j for j in (self._slots.get(slot),) if j is not None]
        for job in jobs:
            job.cancel()

    def forget(self, slot: str) -> None:
        """Drop ``slot``'s handle: its job, if still running, no longer reaches the page."""
        self._slots.pop(slot, None)
