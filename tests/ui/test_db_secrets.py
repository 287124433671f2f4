"""A PostgreSQL password is never shown in the window nor written into the user's settings."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.engine import make_url

from tests.test_postgres import pg_admin, pg_url  # noqa: F401 (fixtures: a fresh database per test)
from workbench.store.db import Database, make_engine, open_database
from workbench.ui.app import prepare, remember_selection
from workbench.ui.context import AppContext, app_settings
from workbench.ui.main_window import MainWindow


def test_public_url_masks_the_password() -> None:
    url = "postgresql+psycopg://analyst:s3cret@db.example/shop"
    database = Database(url=url, engine=make_engine(url))
    assert "s3cret" not in database.public_url and "analyst:***@db.example" in database.public_url


def test_window_and_settings_never_hold_the_password(qtbot, temp_qsettings: Path, request) -> None:
    # a fresh database; skips (or, where PostgreSQL is required, fails) without a server
    url = request.getfixturevalue("pg_url")
    password = make_url(url).password
    assert password
    database = open_database(url)
    ctx = AppContext(database)
    try:
        window = MainWindow(ctx)
        qtbot.addWidget(window)
        remember_selection(ctx)
        prepare(ctx, load_demo=False)
        ctx.dataset_selected.emit(1)
        shown = [window.db_label.text(), window.db_label.toolTip(), window.windowTitle()]
        assert all(password not in t for t in shown), shown
        app_settings().sync()
        settings = "\n".join(p.read_text(encoding="utf-8", errors="replace")
                             for p in temp_qsettings.rglob("*") if p.is_file())
        assert "last_dataset" in settings  # the key was written, without the password
        assert password not in settings
    finally:
        ctx.jobs.cancel_all()
        ctx.jobs.wait(10_000)
        database.close()
