"""One job per slot: a newer job supersedes the older, stale results are dropped, outcomes are routed."""

from __future__ import annotations

import threading

from workbench.errors import WorkbenchError


def _waiting(release: threading.Event, value: object):
    """A job that waits for ``release`` (checking for cancel), then returns ``value``."""

    def work(cancel, _progress, emit):
        emit(("started", value))
        while not release.wait(0.01):
            cancel.raise_if_cancelled()
        return value

    return work


def _failing(cancel, progress, emit):
    raise WorkbenchError("no such user 'u9'")


def test_a_newer_job_supersedes_the_older_and_only_it_reports(qtbot, app_context):
    from workbench.ui.job_slots import JobSlots

    failures: list[str] = []
    slots = JobSlots(app_context.jobs, kind="test", quiet=True, on_failed=failures.append)
    results: list[object] = []
    cancelled: list[str] = []
    counts: list[int] = []
    slots.active_changed.connect(counts.append)
    release = threading.Event()
    old = slots.submit("user", "old", _waiting(release, "old"), results.append,
                       on_cancelled=lambda: cancelled.append("old"))
    with qtbot.waitSignal(old.event, timeout=10_000):  # the old job is running
        pass
    new = slots.submit("user", "new", _waiting(release, "new"), results.append,
                       on_cancelled=lambda: cancelled.append("new"))
    assert slots.job("user") is new and counts[-1] == 1 and old.token.cancelled
    with qtbot.waitSignal(old.done, timeout=10_000):
        pass
    assert old.state == "cancelled" and cancelled == []  # superseded: its outcome is not the page's news
    release.set()
    with qtbot.waitSignal(new.done, timeout=10_000):
        pass
    assert results == ["new"] and counts[-1] == 0 and not slots.is_active("user")

    with qtbot.waitSignal(slots.submit("user", "fails", _failing).done, timeout=10_000):
        pass
    assert failures == ["no such user 'u9'"]  # the slots' default failure handler


def test_jobs_without_a_slot_run_side_by_side_and_a_forgotten_slot_stays_silent(qtbot, app_context):
    from workbench.ui.job_slots import JobSlots

    slots = JobSlots(app_context.jobs, kind="export")
    results: list[object] = []
    release = threading.Event()
    first = slots.submit(None, "export a", _waiting(release, "a"), results.append)
    second = slots.submit(None, "export b", _waiting(release, "b"), results.append)
    forgotten = slots.submit("poll", "poll", _waiting(release, "stale"), results.append)
    assert len(slots.active()) == 3
    slots.forget("poll")  # e.g. another database was opened meanwhile
    release.set()
    for job in (first, second, forgotten):
        if job.is_active:
            with qtbot.waitSignal(job.done, timeout=10_000):
                pass
    assert sorted(results) == ["a", "b"] and slots.active() == []


def test_a_job_ending_after_its_page_was_closed_reaches_nothing(qtbot, app_context):
    import shiboken6
    from PySide6.QtWidgets import QTableWidget, QWidget

    from workbench.ui.job_slots import JobSlots

    page = QWidget()
    table = QTableWidget(page)
    slots = JobSlots(app_context.jobs, kind="view", parent=page)
    shown: list[object] = []

    def show(result: object) -> None:  # what a page does with a result: touch its widgets
        table.setRowCount(0)
        shown.append(result)

    release = threading.Event()
    job = slots.submit("view", "load", _waiting(release, "late"), show)
    with qtbot.waitSignal(job.event, timeout=10_000):
        pass
    shiboken6.delete(page)  # the page (and its slots, and its table) is gone while the job runs
    assert not shiboken6.isValid(slots)
    release.set()
    with qtbot.waitSignal(job.done, timeout=10_000):  # no "C++ object already deleted" in the event loop
        pass
    assert shown == [] and job.state == "finished"
