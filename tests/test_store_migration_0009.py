"""Revision 0009: ids, counts and timestamps become 64-bit on PostgreSQL (millisecond timestamps fit);
SQLite, whose INTEGER is 64-bit already, keeps its tables and rows as they are."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import inspect, text

from tests.test_postgres import pg_admin, pg_url  # noqa: F401 (fixtures: a fresh database per test)
from workbench.data.csv_import import CsvSpec, import_csv
from workbench.store.db import head_revision, make_engine, migrate, open_database, resolve_url

MS = 1_600_000_000_123  # a millisecond timestamp: past 2**31
SPEC = CsvSpec(user="user", item="item", rating="rating", timestamp="timestamp")


def _types(engine, table: str) -> dict[str, str]:
    return {c["name"]: str(c["type"]).upper() for c in inspect(engine).get_columns(table)}


def _csv(tmp_path: Path) -> Path:
    path = tmp_path / "ms.csv"
    path.write_text(f"user,item,rating,timestamp\nu1,i1,5,{MS}\nu2,i1,3,{MS + 1}\n", encoding="utf-8")
    return path


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return resolve_url(tmp_path / "store.db")
    return request.getfixturevalue("pg_url")


def test_millisecond_timestamps_and_big_ids_fit_and_downgrade_keeps_rows(url: str, tmp_path: Path) -> None:
    db = open_database(url)
    try:
        dataset_id = import_csv(db, _csv(tmp_path), SPEC, name="ms").dataset_id
        with db.engine.begin() as conn:
            assert conn.execute(text("select version_num from alembic_version")).scalar() == head_revision()
            assert sorted(conn.execute(text("select timestamp from interactions")).scalars()) == [MS, MS + 1]
            conn.execute(text("insert into datasets (id, name, kind, source, created_at, n_users, n_items, "
                              "n_interactions, import_report) values (3000000000, 'big', 'implicit', '', "
                              "'2026-01-01 00:00:00', 0, 0, 0, '{}')"))
        if db.engine.dialect.name == "postgresql":
            types = _types(db.engine, "interactions")
            assert {types[c] for c in ("id", "dataset_id", "user_id", "item_id", "timestamp")} == {"BIGINT"}
            with db.engine.connect() as conn:
                assert conn.execute(text("select data_type from information_schema.sequences "
                                         "where sequence_name = 'interactions_id_seq'")).scalar() == "bigint"
    finally:
        db.close()

    engine = make_engine(url)
    try:
        with engine.begin() as conn:
            conn.execute(text("delete from datasets where id = 3000000000"))
            conn.execute(text("update interactions set timestamp = timestamp / 1000"))  # back to seconds
            migrate(conn, "0008_tuning", down=True)
        with engine.connect() as conn:
            assert conn.execute(text("select count(*) from interactions where dataset_id = :d"),
                                {"d": dataset_id}).scalar() == 2
        if engine.dialect.name == "postgresql":
            assert _types(engine, "interactions")["timestamp"] == "INTEGER"
        with engine.begin() as conn:
            migrate(conn, "head")
    finally:
        engine.dispose()
