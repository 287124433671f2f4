"""The main window: sidebar navigation over the pages, menus, status bar, jobs dock, drag and drop."""

from __future__ import annotations

import importlib
import logging
import platform
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PySide6 import __version__ as PYSIDE_VERSION
from PySide6.QtCore import QT_TRANSLATE_NOOP, QByteArray, Qt, qVersion
from PySide6.QtGui import QAction, QActionGroup, QCloseEvent, QDragEnterEvent, QDropEvent, QKeySequence
from PySide6.QtWidgets import (
    QDockWidget,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QStackedWidget,
    QWidget,
)

import workbench
from workbench.errors import WorkbenchError
from workbench.ui.context import AppContext, app_settings
from workbench.ui.i18n import LANGUAGES, save_language, saved_language, translate
from workbench.ui.jobs_panel import JobsPanel

log = logging.getLogger(__name__)

MAX_RECENT = 8
DB_FILTER = "Workbench databases (*.db *.sqlite *.sqlite3);;All files (*)"


@dataclass(frozen=True)
class PageSpec:
    """A sidebar entry: its title, and the module and class that build the page from ``(ctx, parent)``."""

    title: str
    module: str
    class_name: str
    tooltip: str = ""


# Adding a page is one line here; Ctrl+<position> switches to it.
PAGES: list[PageSpec] = [
    PageSpec(QT_TRANSLATE_NOOP("Pages", "Datasets"), "workbench.ui.pages.datasets", "DatasetsPage",
             QT_TRANSLATE_NOOP("Pages", "Import and browse datasets")),
    PageSpec(QT_TRANSLATE_NOOP("Pages", "Train"), "workbench.ui.pages.train", "TrainPage",
             QT_TRANSLATE_NOOP("Pages", "Train a model with live curves")),
    PageSpec(QT_TRANSLATE_NOOP("Pages", "Models"), "workbench.ui.pages.models", "ModelsPage",
             QT_TRANSLATE_NOOP("Pages", "Compare, evaluate and export models")),
    PageSpec(QT_TRANSLATE_NOOP("Pages", "Recommend"), "workbench.ui.pages.recommend", "RecommendPage",
             QT_TRANSLATE_NOOP("Pages", "Top-N recommendations per user")),
    PageSpec(QT_TRANSLATE_NOOP("Pages", "Inspect"), "workbench.ui.pages.inspect", "InspectPage",
             QT_TRANSLATE_NOOP("Pages", "Embedding map, neighbours, biases")),
    PageSpec(QT_TRANSLATE_NOOP("Pages", "What-if"), "workbench.ui.pages.whatif", "WhatIfPage",
             QT_TRANSLATE_NOOP("Pages", "New users and new items, no retraining")),
    PageSpec(QT_TRANSLATE_NOOP("Pages", "Tune"), "workbench.ui.pages.tune", "TunePage",
             QT_TRANSLATE_NOOP("Pages", "Search hyper-parameters, watch the trials live")),
]


def build_page(spec: PageSpec, ctx: AppContext, parent: QWidget | None = None) -> QWidget:
    """The page of ``spec``, built from ``(ctx, parent)``; its module is imported on first use."""
    module = importlib.import_module(spec.module)
    page_class = getattr(module, spec.class_name)
    return page_class(ctx, parent)


def page_title(spec: PageSpec) -> str:
    """The page's name as shown (translated); ``spec.title`` stays the key code uses."""
    return translate("Pages", spec.title)


class MainWindow(QMainWindow):
    """The workbench window. ``pages`` maps page titles to their widgets, in ``PAGES`` order."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle(translate("MainWindow", "Rec Workbench"))
        self.setAcceptDrops(True)
        self.resize(1280, 800)

        self.sidebar = QListWidget()
        self.sidebar.setObjectName("Sidebar")
        self.sidebar.setFixedWidth(170)
        self.stack = QStackedWidget()
        self.pages: dict[str, QWidget] = {}
        for position, spec in enumerate(PAGES):
            item = QListWidgetItem(page_title(spec))
            tooltip = translate("Pages", spec.tooltip)
            item.setToolTip(
                translate("MainWindow", "{tooltip} (Ctrl+{value})").format(
                    tooltip=tooltip, value=position + 1
                )
                if position < 9
                else tooltip
            )
            self.sidebar.addItem(item)
            page = build_page(spec, ctx)
            self.pages[spec.title] = page
            self.stack.addWidget(page)
        self.sidebar.currentRowChanged.connect(self.stack.setCurrentIndex)

        central = QWidget()
        layout = QHBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.sidebar)
        layout.addWidget(self.stack, 1)
        self.setCentralWidget(central)

        self.jobs_panel = JobsPanel(ctx.jobs)
        self.jobs_dock = QDockWidget(translate("MainWindow", "Jobs"), self)
        self.jobs_dock.setObjectName("JobsDock")
        self.jobs_dock.setWidget(self.jobs_panel)
        self.jobs_dock.setFeatures(
            QDockWidget.DockWidgetFeature.DockWidgetClosable | QDockWidget.DockWidgetFeature.DockWidgetMovable
        )
        self.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.jobs_dock)
        self.jobs_dock.hide()
        ctx.jobs.job_added.connect(lambda job: None if job.quiet else self.jobs_dock.show())

        self._build_menus()
        self._build_status_bar()
        ctx.database_changed.connect(self._on_database_changed)
        ctx.import_requested.connect(self.open_import_wizard)
        ctx.page_requested.connect(self.show_page)
        ctx.jobs.active_changed.connect(self._on_active_jobs)
        self._restore_settings()
        self.sidebar.setCurrentRow(0)

    # -- construction -----------------------------------------------------------------------------
    def _build_status_bar(self) -> None:
        bar = self.statusBar()
        self.db_label = QLabel()
        self.db_label.setObjectName("StatusDatabase")
        device = self.ctx.device_label
        self.device_label = QLabel(translate("MainWindow", "Device: {device}").format(device=device))
        self.device_label.setObjectName("StatusDevice")
        self.jobs_label = QLabel("")
        bar.addPermanentWidget(self.jobs_label)
        bar.addPermanentWidget(self.db_label)
        bar.addPermanentWidget(self.device_label)
        self._on_database_changed(self.ctx.db.describe())

    def _build_menus(self) -> None:
        menu = self.menuBar()
        file_menu = menu.addMenu(translate("MainWindow", "&File"))
        self.new_action = self._action(
            translate("MainWindow", "&New database…"), self.new_database, QKeySequence.StandardKey.New
        )
        self.open_action = self._action(
            translate("MainWindow", "&Open database…"), self.open_database_dialog, QKeySequence("Ctrl+O")
        )
        file_menu.addAction(self.new_action)
        file_menu.addAction(self.open_action)
        self.recent_menu = file_menu.addMenu(translate("MainWindow", "Open &recent"))
        file_menu.addSeparator()
        self.import_action = self._action(
            translate("MainWindow", "&Import data…"),
            lambda: self.open_import_wizard(""),
            QKeySequence("Ctrl+I"),
        )
        self.demo_action = self._action(translate("MainWindow", "Load &demo dataset"), self.load_demo)
        file_menu.addAction(self.import_action)
        file_menu.addAction(self.demo_action)
        file_menu.addSeparator()
        self.quit_action = self._action(translate("MainWindow", "&Quit"), self.close, QKeySequence("Ctrl+Q"))
        self.quit_action.setMenuRole(QAction.MenuRole.QuitRole)
        file_menu.addAction(self.quit_action)

        view_menu = menu.addMenu(translate("MainWindow", "&View"))
        self.page_actions: list[QAction] = []
        for position, spec in enumerate(PAGES):
            shortcut = QKeySequence(f"Ctrl+{position + 1}") if position < 9 else None
            action = self._action(
                page_title(spec), lambda _=False, p=position: self.sidebar.setCurrentRow(p), shortcut
            )
            view_menu.addAction(action)
            self.page_actions.append(action)
        view_menu.addSeparator()
        jobs_toggle = self.jobs_dock.toggleViewAction()
        jobs_toggle.setText(translate("MainWindow", "&Jobs panel"))
        jobs_toggle.setShortcut(QKeySequence("Ctrl+J"))
        view_menu.addAction(jobs_toggle)
        view_menu.addSeparator()
        self.language_menu = view_menu.addMenu(translate("MainWindow", "&Language"))
        self.language_actions: dict[str, QAction] = {}
        group = QActionGroup(self)
        current = saved_language()
        for code, name in LANGUAGES:
            label = translate("MainWindow", "System") if code == "system" else name
            action = QAction(label, group)
            action.setCheckable(True)
            action.setChecked(code == current)
            action.triggered.connect(lambda _=False, c=code: self.choose_language(c))
            self.language_menu.addAction(action)
            self.language_actions[code] = action

        help_menu = menu.addMenu(translate("MainWindow", "&Help"))
        self.about_action = self._action(translate("MainWindow", "&About Rec Workbench"), self.show_about)
        self.about_action.setMenuRole(QAction.MenuRole.AboutRole)
        help_menu.addAction(self.about_action)
        self._refresh_recent_menu()

    def _action(
        self,
        text: str,
        slot: Callable[..., object],
        shortcut: QKeySequence | QKeySequence.StandardKey | None = None,
    ) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(shortcut)
        action.triggered.connect(slot)
        self.addAction(action)  # shortcuts work even while the menu bar is hidden (offscreen, tests)
        return action

    # -- pages ------------------------------------------------------------------------------------
    def show_page(self, title: str) -> QWidget | None:
        """Switch to the page called ``title``; returns it (None when there is no such page)."""
        titles = [spec.title for spec in PAGES]
        if title not in titles:
            return None
        self.sidebar.setCurrentRow(titles.index(title))
        return self.pages[title]

    def current_page_title(self) -> str:
        return PAGES[self.stack.currentIndex()].title

    # -- databases --------------------------------------------------------------------------------
    def recent_databases(self) -> list[str]:
        value = app_settings().value("recent_databases", [])
        if isinstance(value, str):
            value = [value]
        return [str(v) for v in (value or [])]

    def _remember_database(self, path: str) -> None:
        recent = [p for p in self.recent_databases() if p != path]
        recent.insert(0, path)
        app_settings().setValue("recent_databases", recent[:MAX_RECENT])
        self._refresh_recent_menu()

    def _refresh_recent_menu(self) -> None:
        self.recent_menu.clear()
        recent = self.recent_databases()
        for path in recent:
            action = self.recent_menu.addAction(path)
            action.triggered.connect(lambda _=False, p=path: self.switch_database(p))
        self.recent_menu.setEnabled(bool(recent))

    def new_database(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self, translate("MainWindow", "New workbench database"), "workbench.db", DB_FILTER
        )
        if path:
            if Path(path).exists():
                QMessageBox.warning(
                    self,
                    translate("MainWindow", "New database"),
                    translate("MainWindow", "{path} already exists; use Open to open it.").format(path=path),
                )
                return
            self.switch_database(path)

    def open_database_dialog(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, translate("MainWindow", "Open workbench database"), "", DB_FILTER
        )
        if path:
            self.switch_database(path)

    def switch_database(self, path: str) -> bool:
        """Open another database (refused while jobs run); errors are shown in a dialog."""
        if self.ctx.jobs.active_jobs():
            QMessageBox.information(
                self,
                translate("MainWindow", "Open database"),
                translate(
                    "MainWindow",
                    "Background jobs are still running on the current database. "
                    "Wait for them or cancel them first.",
                ),
            )
            return False
        try:
            self.ctx.open_database(path)
        except WorkbenchError as exc:
            QMessageBox.critical(self, translate("MainWindow", "Cannot open database"), str(exc))
            return False
        return True

    def _on_database_changed(self, description: str) -> None:
        self.db_label.setText(translate("MainWindow", "Database: {db}").format(db=description))
        self.db_label.setToolTip(self.ctx.db.public_url)
        path = self.ctx.db.sqlite_path
        if path is not None:
            self._remember_database(str(path))
            self.setWindowTitle(translate("MainWindow", "Rec Workbench — {file}").format(file=path.name))

    # -- actions ----------------------------------------------------------------------------------
    def choose_language(self, language: str, notify: bool = True) -> None:
        """Remember the interface language; it applies at the next start (widgets take texts when built)."""
        if language == saved_language():
            return
        save_language(language)
        if notify:
            QMessageBox.information(
                self,
                translate("MainWindow", "Language"),
                translate("MainWindow", "The new language will be used the next time Rec Workbench starts."),
            )

    def open_import_wizard(self, path: str = "") -> None:
        """Open the import wizard, pre-filled with ``path`` (a file or a MovieLens folder) when given."""
        from workbench.ui.import_wizard import ImportWizard

        wizard = ImportWizard(self.ctx, self, path=path or None)
        wizard.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self._wizard = wizard
        wizard.open()

    def load_demo(self) -> None:
        existing = self._dataset_names()
        name = "demo"
        n = 2
        while name in existing:
            name = f"demo-{n}"
            n += 1
        self.ctx.load_demo_async(name)
        self.show_page("Datasets")

    def _dataset_names(self) -> set[str]:
        from workbench.store.datasets import list_datasets

        return {d.name for d in list_datasets(self.ctx.db)}

    def show_about(self) -> None:
        QMessageBox.about(self, translate("MainWindow", "About Rec Workbench"), about_text(self.ctx))

    def _on_active_jobs(self, count: int) -> None:
        text = (
            translate("MainWindow", "1 job running")
            if count == 1
            else translate("MainWindow", "{n} jobs running").format(n=count)
        )
        self.jobs_label.setText(text if count else "")

    # -- drag and drop ----------------------------------------------------------------------------
    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if event.mimeData().hasUrls() and any(u.isLocalFile() for u in event.mimeData().urls()):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = [u.toLocalFile() for u in event.mimeData().urls() if u.isLocalFile()]
        if paths:
            event.acceptProposedAction()
            self.open_import_wizard(paths[0])

    # -- settings and closing ---------------------------------------------------------------------
    def _restore_settings(self) -> None:
        settings = app_settings()
        geometry = settings.value("main_window/geometry")
        if isinstance(geometry, QByteArray | bytes):
            self.restoreGeometry(QByteArray(geometry))
        state = settings.value("main_window/state")
        if isinstance(state, QByteArray | bytes):
            self.restoreState(QByteArray(state))

    def save_settings(self) -> None:
        settings = app_settings()
        settings.setValue("main_window/geometry", self.saveGeometry())
        settings.setValue("main_window/state", self.saveState())
        settings.sync()

    def closeEvent(self, event: QCloseEvent) -> None:
        active = self.ctx.jobs.active_jobs()
        if active:
            titles = "\n".join(f"• {job.title}" for job in active[:8])
            answer = QMessageBox.question(
                self,
                translate("MainWindow", "Jobs are running"),
                translate(
                    "MainWindow", "{n} background job(s) still running:\n{titles}\n\nCancel and quit?"
                ).format(n=len(active), titles=titles),
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                QMessageBox.StandardButton.No,
            )
            if answer != QMessageBox.StandardButton.Yes:
                event.ignore()
                return
            self.ctx.jobs.cancel_all()
            self.statusBar().showMessage(translate("MainWindow", "Cancelling background jobs…"))
            if not self.ctx.jobs.wait(30_000):
                log.warning("background jobs did not stop within 30 s")
        # quiet look-ups (a model loading for a page, statistics) are not worth waiting for: told to stop
        # now, they are done by the time the window is gone instead of holding the process open
        self.ctx.jobs.cancel_all()
        self.save_settings()
        event.accept()


def about_text(ctx: AppContext) -> str:
    """Versions and device, for Help > About."""
    import pyqtgraph
    import torch

    torch_version = torch.__version__

    return (
        f"<h3>Rec Workbench {workbench.__version__}</h3>"
        + "<p>"
        + translate("MainWindow", "Train, evaluate and explain recommendation models on one workstation.")
        + "</p>"
        + f"<p>Python {platform.python_version()} ({sys.platform})<br>"
        f"PyTorch {torch_version}<br>"
        f"Qt {qVersion()} (PySide6 {PYSIDE_VERSION})<br>"
        f"pyqtgraph {pyqtgraph.__version__}<br>"
        + translate("MainWindow", "Compute device: {device}").format(device=ctx.device_label)
        + "<br>"
        + translate("MainWindow", "Database: {db}").format(db=ctx.db.describe())
        + "</p>"
    )
