"""Starting the desktop app: command-line options, style, database, first-start demo data, main window."""

from __future__ import annotations

import argparse
import logging
import os
import sys
import traceback
from collections.abc import Sequence
from types import TracebackType

from PySide6.QtWidgets import QApplication, QMessageBox

from workbench.bundled import resources_dir
from workbench.errors import WorkbenchError
from workbench.store.datasets import dataset_count, latest_dataset_id
from workbench.store.db import STORE_ERRORS, open_database
from workbench.ui.context import APPLICATION, ORGANIZATION, AppContext, app_settings
from workbench.ui.i18n import setup_language, translate
from workbench.ui.jobs import Job
from workbench.ui.main_window import MainWindow

log = logging.getLogger(__name__)

STYLE_SHEET = resources_dir() / "style.qss"


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="workbench-gui", description="Rec Workbench desktop app")
    parser.add_argument("--db", default=None,
                        help="database path or SQLAlchemy URL (default: $WORKBENCH_DB or the per-user file)")
    parser.add_argument("--no-demo", action="store_true",
                        help="do not load the demo data into an empty database")
    args, _qt_args = parser.parse_known_args(list(argv)[1:])
    return args


def ensure_application(argv: Sequence[str] | None = None) -> QApplication:
    """The running ``QApplication`` (created if needed) with our names and style sheet."""
    app = QApplication.instance()
    if app is None:
        app = QApplication(list(argv or [sys.argv[0]]))
    assert isinstance(app, QApplication)
    app.setOrganizationName(ORGANIZATION)
    app.setApplicationName(APPLICATION)
    apply_style(app)
    return app


def apply_style(app: QApplication) -> None:
    """Load ``resources/style.qss`` (missing file: Qt's default look)."""
    app.setStyle("Fusion")
    if STYLE_SHEET.is_file():
        app.setStyleSheet(STYLE_SHEET.read_text(encoding="utf-8"))


def prepare(ctx: AppContext, load_demo: bool = True) -> Job | None:
    """First-start work: mark interrupted runs; load the demo into an empty database (returns that job)
    or select the last used (else newest) dataset so the app opens ready to train."""
    ctx.mark_interrupted_runs()  # after a crash the pages already list those runs: they must hear of it
    if dataset_count(ctx.db) == 0:
        return ctx.load_demo_async("demo") if load_demo else None
    remembered = app_settings().value(f"last_dataset/{ctx.db.public_url}")
    dataset_id = latest_dataset_id(ctx.db, prefer=None if remembered is None else int(remembered))
    if dataset_id is not None:
        ctx.select_dataset(dataset_id)
    return None


def remember_selection(ctx: AppContext) -> None:
    """Keep the selected dataset per database, for the next start."""
    ctx.dataset_selected.connect(
        lambda dataset_id: app_settings().setValue(f"last_dataset/{ctx.db.public_url}", int(dataset_id)))


def error_dialog(exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> QMessageBox:
    """The dialog for an error nobody expected (a bug): what happened, and its traceback as details with a
    button that copies them for a bug report."""
    details = "".join(traceback.format_exception(exc_type, exc, tb))
    box = QMessageBox(QMessageBox.Icon.Critical, translate("App", "Unexpected error"),
                      translate("App", "Something went wrong: {error}\nThe app keeps running; please report "
                                "this with the details.").format(error=f"{exc_type.__name__}: {exc}"))
    box.setDetailedText(details)
    copy = box.addButton(translate("App", "Copy details"), QMessageBox.ButtonRole.ActionRole)
    copy.clicked.connect(lambda: QApplication.clipboard().setText(details))
    box.addButton(QMessageBox.StandardButton.Close)
    return box


def install_error_dialog() -> None:
    """Show errors that escape a slot in ``error_dialog`` (and the log) instead of only on a terminal."""
    shown: list[QMessageBox] = []  # kept alive while open

    def hook(exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        if issubclass(exc_type, KeyboardInterrupt):
            sys.__excepthook__(exc_type, exc, tb)
            return
        log.error("unexpected error", exc_info=(exc_type, exc, tb))
        box = error_dialog(exc_type, exc, tb)
        box.finished.connect(lambda _result: shown.remove(box))
        shown.append(box)
        box.open()

    sys.excepthook = hook


def run(argv: Sequence[str] | None = None) -> int:
    """Start the app; returns the exit code."""
    argv = list(argv if argv is not None else sys.argv)
    logging.basicConfig(level=os.environ.get("WORKBENCH_LOG", "WARNING"))
    args = parse_args(argv)
    app = ensure_application(argv)
    _language, font_advice = setup_language(app)  # before any widget: texts are taken when widgets are built
    if font_advice:
        QMessageBox.warning(None, translate("App", "Chinese font missing"), font_advice)
    try:
        db = open_database(args.db)
    except WorkbenchError as exc:
        QMessageBox.critical(None, translate("App", "Cannot open database"), str(exc))
        return 1
    except (*STORE_ERRORS, OSError) as exc:  # e.g. an unreachable URL: a dialog, not a terminal traceback
        log.exception("cannot open database")
        QMessageBox.critical(None, translate("App", "Cannot open database"), f"{type(exc).__name__}: {exc}")
        return 1
    install_error_dialog()
    ctx = AppContext(db)
    window = MainWindow(ctx)
    remember_selection(ctx)
    prepare(ctx, load_demo=not args.no_demo)
    window.show()
    try:
        return app.exec()
    finally:
        ctx.jobs.cancel_all()
        ctx.jobs.wait(30_000)
        ctx.db.close()
