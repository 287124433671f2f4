"""Fixtures for the GUI tests: temporary QSettings, real SQLite databases in tmp_path, an app context."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings

from tests.planted import planted
from workbench.store.db import Database, open_database


@pytest.fixture(autouse=True)
def temp_qsettings(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Every GUI test reads and writes settings (geometry, recent files) in its own temporary folder."""
    folder = tmp_path_factory.mktemp("qsettings")
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    for scope in (QSettings.Scope.UserScope, QSettings.Scope.SystemScope):
        QSettings.setPath(QSettings.Format.IniFormat, scope, str(folder))
    yield folder


@pytest.fixture
def empty_db(tmp_path: Path) -> Iterator[Database]:
    """A fresh, empty workbench database file."""
    database = open_database(tmp_path / "empty.db")
    yield database
    database.close()


def write_tiny_csv(path: Path, n_users: int = 30, n_items: int = 20) -> Path:
    """A small explicit-feedback CSV with a header (user,item,rating,timestamp), 6 rows a user, ids u000 and
    i000.., deterministic."""
    return planted(n_users, n_items, 6, user_id_width=3, item_id_width=3).write_csv(path)


@pytest.fixture
def tiny_csv(tmp_path: Path) -> Path:
    return write_tiny_csv(tmp_path / "tiny.csv")


@pytest.fixture(scope="session")
def _demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database with the demo dataset, built once per session and copied for each test."""
    from workbench.data.demo import load_demo

    path = tmp_path_factory.mktemp("demo") / "demo.db"
    database = open_database(path)
    load_demo(database)
    with database.engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    database.close()
    return path


@pytest.fixture
def demo_db(_demo_template: Path, tmp_path: Path) -> Iterator[Database]:
    """A database holding the demo dataset (a private copy per test)."""
    import shutil

    target = tmp_path / "demo.db"
    shutil.copy2(_demo_template, target)
    database = open_database(target)
    yield database
    database.close()


@pytest.fixture
def app_context(qtbot, empty_db: Database):
    """An ``AppContext`` over an empty database; its jobs are cancelled and awaited at teardown."""
    from workbench.ui.context import AppContext

    ctx = AppContext(empty_db)
    yield ctx
    ctx.jobs.cancel_all()
    ctx.jobs.wait(10_000)


@pytest.fixture
def tiny_db(tmp_path: Path) -> Iterator[Database]:
    """A database holding one small explicit dataset named "tiny" (30 users, 20 items, 180 ratings)."""
    from workbench.data.csv_import import CsvSpec, import_csv

    database = open_database(tmp_path / "tiny.db")
    import_csv(database, write_tiny_csv(tmp_path / "tiny.csv"),
               CsvSpec(user="user", item="item", rating="rating", timestamp="timestamp"), name="tiny")
    yield database
    database.close()


@pytest.fixture
def tiny_context(qtbot, tiny_db: Database):
    """An ``AppContext`` over ``tiny_db``."""
    from workbench.ui.context import AppContext

    ctx = AppContext(tiny_db)
    yield ctx
    ctx.jobs.cancel_all()
    ctx.jobs.wait(10_000)
