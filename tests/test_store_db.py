"""Opening, upgrading and refusing databases."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import inspect, text

from workbench.errors import DatabaseError
from workbench.store.db import head_revision, make_engine, migrate, open_database, resolve_url


def test_fresh_database_is_at_head_with_all_tables(db_path: Path) -> None:
    db = open_database(db_path)
    try:
        tables = set(inspect(db.engine).get_table_names())
        assert {"datasets", "users", "items", "interactions", "models", "training_runs",
                "epoch_metrics", "evaluations"} <= tables
        with db.engine.connect() as conn:
            assert conn.execute(text("select version_num from alembic_version")).scalar() == head_revision()
            assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
            assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert db.backup_path is None
    finally:
        db.close()


def test_upgrade_from_first_revision_keeps_data_and_backs_up(db_path: Path) -> None:
    url = resolve_url(db_path)
    engine = make_engine(url)
    with engine.begin() as conn:
        migrate(conn, "0001_datasets")
    with engine.begin() as conn:
        conn.execute(text("insert into datasets (name, kind, source, created_at, n_users, n_items, "
                          "n_interactions, import_report) values ('old', 'implicit', '', "
                          "'2026-01-01 00:00:00', 0, 0, 0, '{}')"))
    engine.dispose()
    db = open_database(db_path)
    try:
        assert db.backup_path is not None and db.backup_path.exists()
        with db.engine.connect() as conn:
            assert conn.execute(text("select name from datasets")).scalar() == "old"
            assert conn.execute(text("select version_num from alembic_version")).scalar() == head_revision()
            assert "models" in inspect(conn).get_table_names()
        # the backup is the old schema, untouched
        old = sqlite3.connect(db.backup_path)
        assert old.execute("select version_num from alembic_version").fetchone()[0] == "0001_datasets"
        old.close()
    finally:
        db.close()


def test_newer_database_is_refused_untouched(db_path: Path) -> None:
    open_database(db_path).close()
    con = sqlite3.connect(db_path)
    con.execute("update alembic_version set version_num = '9999_future'")
    con.commit()
    con.close()
    before = db_path.read_bytes()
    with pytest.raises(DatabaseError, match="newer version"):
        open_database(db_path)
    assert db_path.read_bytes() == before


def test_file_that_is_not_sqlite_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "notes.db"
    path.write_text("hello, this is not a database\n")
    with pytest.raises(DatabaseError, match="not a Rec Workbench database"):
        open_database(path)
    assert path.read_text() == "hello, this is not a database\n"


def test_foreign_sqlite_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    con = sqlite3.connect(path)
    con.execute("create table invoices (id integer primary key)")
    con.commit()
    con.close()
    with pytest.raises(DatabaseError, match="not a Rec Workbench database"):
        open_database(path)
    con = sqlite3.connect(path)
    assert [r[0] for r in con.execute("select name from sqlite_master where type='table'")] == ["invoices"]
    con.close()


def test_environment_variable_selects_database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "from-env.db"
    monkeypatch.setenv("WORKBENCH_DB", str(target))
    db = open_database()
    db.close()
    assert target.exists()
    assert resolve_url("sqlite:///x.db") == "sqlite:///x.db"
