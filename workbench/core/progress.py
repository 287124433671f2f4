"""Progress reporting and cooperative cancellation for long jobs (imports, training, evaluation).

Long work is a plain function taking a ``CancelToken`` and a ``ProgressCallback``; the GUI runs it on a
worker thread, the CLI and the tests call it directly.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar


class Cancelled(Exception):
    """Raised inside a job when its token was cancelled; callers treat it as a clean stop."""


class CancelToken:
    """Thread-safe flag a job polls every few batches or chunks."""

    def __init__(self) -> None:
        self._event = threading.Event()

    def cancel(self) -> None:
        self._event.set()

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()

    def raise_if_cancelled(self) -> None:
        if self._event.is_set():
            raise Cancelled("cancelled by the user")


@dataclass(frozen=True)
class Progress:
    """One progress event: ``done`` out of ``total`` units (rows, bytes, batches); total may be unknown."""

    done: float
    total: float | None = None
    message: str = ""

    @property
    def fraction(self) -> float | None:
        if not self.total:
            return None
        return min(1.0, max(0.0, self.done / self.total))


ProgressCallback = Callable[[Progress], None]
E = TypeVar("E")


def no_progress(_: Progress) -> None:
    """Default callback that ignores progress."""


class Throttle(Generic[E]):
    """Forwards at most one event per ``interval`` seconds (and every forced one, such as the last), so
    emits stay cheap: progress events, per-batch losses, anything a worker reports often."""

    def __init__(self, callback: Callable[[E], None] | None, interval: float = 0.1) -> None:
        self._callback: Callable[[E], None] = callback or _ignore
        self._interval = interval
        self._last = 0.0

    def __call__(self, event: E, force: bool = False) -> bool:
        """Forward ``event`` when due (or forced); True when it was forwarded."""
        now = time.monotonic()
        if force or now - self._last >= self._interval:
            self._last = now
            self._callback(event)
            return True
        return False


def _ignore(_: object) -> None:
    """A callback that drops the event."""
