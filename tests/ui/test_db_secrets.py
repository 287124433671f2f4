"""A PostgreSQL password is never shown in the window nor written into the user's settings."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from workbench.store.db import Database, make_engine, open_database
from workbench.ui.app import prepare, remember_selection
from workbench.ui.context import AppContext, app_settings
from workbench.ui.main_window import MainWindow

PG_URL = os.environ.get("WORKBENCH_TEST_PG_URL")


def test_public_url_masks_the_password() -> None:
    url = "postgresql+psycopg://analyst:s3cret@db.example/shop"
    database = Database(url=url, engine=make_engine(url))
    assert "s3cret" not in database.public_url and "analyst:***@db.example" in database.public_url


NO_PG = "WORKBENCH_TEST_PG_URL is not set (run .ci/postgres.sh and export the URL it prints)"


@pytest.mark.skipif(not PG_URL and not os.environ.get("WORKBENCH_REQUIRE_PG"), reason=NO_PG)
def test_window_and_settings_never_hold_the_password(qtbot, temp_qsettings: Path) -> None:
    assert PG_URL, "PostgreSQL tests are required here but WORKBENCH_TEST_PG_URL is not set"
    password = make_url(PG_URL).password
    assert password
    database = open_database(PG_URL)
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
