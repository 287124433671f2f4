"""JobManager: results, failures, events and cancellation arrive on the GUI thread as signals."""

from __future__ import annotations

import threading

from PySide6.QtCore import QThread

from workbench.core.progress import Progress
from workbench.errors import InputError
from workbench.ui.jobs import CANCELLED, FAILED, FINISHED, JobManager


def test_job_delivers_result_progress_and_events_on_gui_thread(qtbot) -> None:
    manager = JobManager()
    gui_thread = QThread.currentThread()
    seen_threads: list[bool] = []
    events: list[object] = []
    fractions: list[float] = []

    def work(cancel, progress, emit):
        for i in range(5):
            progress(Progress(i + 1, 5, f"step {i + 1}"))
            emit(i)
        return threading.current_thread() is not threading.main_thread()

    job = manager.submit("count", work, kind="test")
    job.event.connect(lambda obj: (events.append(obj),
                                   seen_threads.append(QThread.currentThread() is gui_thread)))
    job.progress.connect(lambda f, _m: fractions.append(f))
    with qtbot.waitSignal(job.finished, timeout=5000) as blocker:
        pass
    assert blocker.args == [True]  # the function ran on a worker thread
    assert job.state == FINISHED and job.result is True
    assert events == [0, 1, 2, 3, 4]
    assert all(seen_threads)
    assert fractions[-1] == 1.0
    assert manager.active_jobs() == []


def test_job_failure_message(qtbot) -> None:
    manager = JobManager()

    def work(cancel, progress, emit):
        raise InputError("not a number", file="x.csv", line=3, column="rating")

    job = manager.submit("bad", work)
    with qtbot.waitSignal(job.failed, timeout=5000) as blocker:
        pass
    assert blocker.args == ["x.csv, line 3, column 'rating': not a number"]
    assert job.state == FAILED
    assert isinstance(job.exception, InputError)


def test_job_cancel_stops_running_function(qtbot) -> None:
    manager = JobManager()
    started = threading.Event()
    loops = []

    def work(cancel, progress, emit):
        started.set()
        while True:
            loops.append(1)
            cancel.raise_if_cancelled()
            cancel._event.wait(0.01)

    job = manager.submit("forever", work)
    qtbot.waitUntil(started.is_set, timeout=5000)
    with qtbot.waitSignal(job.cancelled, timeout=5000):
        job.cancel()
    assert job.state == CANCELLED
    assert manager.wait(5000)
    assert manager.active_jobs() == []


def test_eta_from_progress_rate(qtbot) -> None:
    manager = JobManager()
    gate = threading.Event()

    def work(cancel, progress, emit):
        progress(Progress(1, 10))
        gate.wait(0.3)
        progress(Progress(5, 10))
        gate.wait(5)
        return None

    job = manager.submit("eta", work)
    qtbot.waitUntil(lambda: job.fraction is not None and job.fraction >= 0.5, timeout=5000)
    eta = job.eta_s
    assert eta is not None and 0.1 < eta < 5.0
    gate.set()
    qtbot.waitSignal(job.finished, timeout=5000).wait()
