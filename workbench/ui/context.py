"""The application context every page receives: database, jobs, compute device and shared signals."""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QSettings, Signal

from workbench.core.device import describe_device, resolve_device
from workbench.core.progress import CancelToken, Progress, ProgressCallback
from workbench.data.demo import load_demo
from workbench.errors import WorkbenchError
from workbench.store.db import STORE_ERRORS, Database, open_database
from workbench.store.runs import mark_interrupted_runs
from workbench.ui.i18n import translate
from workbench.ui.job_slots import JobSlots
from workbench.ui.jobs import Job, JobManager

log = logging.getLogger(__name__)

ORGANIZATION = "RecWorkbench"
APPLICATION = "Rec Workbench"


def app_settings() -> QSettings:
    """The user's settings (geometry, recent databases); tests redirect them with ``QSettings.setPath``."""
    return QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope, ORGANIZATION, APPLICATION)


def detect_device(name: str = "auto") -> tuple[str, str]:
    """(device, human label such as a GPU name or "CPU (N threads)"); CPU when detection fails."""
    device = "cpu"
    try:
        device = resolve_device(name)
    except (WorkbenchError, RuntimeError) as exc:  # a broken CUDA install must not stop the app starting
        log.warning("device detection failed: %s", exc)
    try:
        return device, describe_device(device)
    except RuntimeError as exc:
        log.warning("device description failed: %s", exc)
    return device, f"CPU ({os.cpu_count() or 1} threads)"


class AppContext(QObject):
    """Shared state of one app window.

    Attributes: ``db`` (``Database``), ``jobs`` (``JobManager``), ``device`` ("cpu", "cuda", ...),
    ``device_label`` (GPU name or "CPU (N threads)"), ``current_dataset_id`` (int | None).

    Signals: ``datasets_changed()``, ``models_changed()``, ``runs_changed()``, ``dataset_selected(int)``,
    ``database_changed(str description)`` (after ``open_database``).
    """

    datasets_changed = Signal()
    models_changed = Signal()
    runs_changed = Signal()
    dataset_selected = Signal(int)
    database_changed = Signal(str)
    import_requested = Signal(str)  # a page asks the main window for the import wizard (path or "")
    page_requested = Signal(str)  # a page asks the main window to show another page by its name

    def __init__(self, db: Database, jobs: JobManager | None = None, device: str | None = None,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.jobs = jobs or JobManager(self)
        self.job_slots = JobSlots(self.jobs, kind="import", parent=self)  # the context's own jobs
        if device is None:
            self.device, self.device_label = detect_device()
        else:
            self.device, self.device_label = detect_device(device)
        self.current_dataset_id: int | None = None

    def select_dataset(self, dataset_id: int) -> None:
        """Make ``dataset_id`` the current dataset and tell every page."""
        self.current_dataset_id = dataset_id
        self.dataset_selected.emit(dataset_id)

    def mark_interrupted_runs(self) -> int:
        """Mark runs a dead process left "running" as interrupted and tell the pages; returns how many."""
        marked = mark_interrupted(self.db)
        if marked:
            self.runs_changed.emit()
        return marked

    def request_import(self, path: str = "") -> None:
        """Ask the main window to open the import wizard (optionally on a file or folder)."""
        self.import_requested.emit(path)

    def show_page(self, name: str) -> None:
        """Ask the main window to switch to the page called ``name`` ("Train", "Models", ...)."""
        self.page_requested.emit(name)

    def load_demo_async(self, name: str = "demo", select: bool = True) -> Job:
        """Load the demo dataset in a background job; on success refresh lists and select it."""
        db = self.db

        def work(cancel: CancelToken, progress: ProgressCallback, emit: object) -> Any:
            progress(Progress(0, 1, "generating demo data"))
            return load_demo(db, name=name)

        def done(report: Any) -> None:
            self.datasets_changed.emit()
            if select:
                self.select_dataset(int(report.dataset_id))

        title = translate("AppContext", "Load demo dataset '{name}'").format(name=name)
        return self.job_slots.submit(None, title, work, done)

    def open_database(self, target: str | os.PathLike[str]) -> Database:
        """Switch to another database (raises ``DatabaseError``; the old one stays open on failure).

        Callers must make sure no job is running on the old database first.
        """
        new_db = open_database(target)
        old = self.db
        self.db = new_db
        self.current_dataset_id = None
        old.close()
        mark_interrupted(new_db)
        self.database_changed.emit(new_db.describe())
        self.datasets_changed.emit()
        self.models_changed.emit()
        self.runs_changed.emit()
        return new_db

    @property
    def database_path(self) -> Path | None:
        return self.db.sqlite_path


def mark_interrupted(db: Database) -> int:
    """Mark runs left "running" by a dead process as interrupted; returns how many."""
    try:
        return len(mark_interrupted_runs(db))
    except (*STORE_ERRORS, OSError) as exc:  # the app still opens; the runs just stay "running" in the list
        log.warning("could not mark interrupted runs: %s", exc)
        return 0
