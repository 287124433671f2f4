"""Revision 0003: interaction sort indexes, created on upgrade, used by paging, dropped on downgrade."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import inspect, text

from workbench.store.db import head_revision, make_engine, migrate, open_database, resolve_url

NEW = {"ix_interactions_dataset_timestamp", "ix_interactions_dataset_value"}


def _indexes(engine) -> set[str]:
    return {ix["name"] for ix in inspect(engine).get_indexes("interactions")}


def test_upgrade_from_0002_adds_the_sort_indexes_and_keeps_rows(db_path: Path) -> None:
    url = resolve_url(db_path)
    engine = make_engine(url)
    with engine.begin() as conn:
        migrate(conn, "0002_models_runs")
        conn.execute(text("insert into datasets (id, name, kind, source, created_at, n_users, n_items, "
                          "n_interactions, import_report) values (1, 'old', 'explicit', '', "
                          "'2026-01-01 00:00:00', 1, 1, 1, '{}')"))
        conn.execute(text("insert into users (id, dataset_id, external_id, features) "
                          "values (1, 1, 'u', '{}')"))
        conn.execute(text("insert into items (id, dataset_id, external_id, title, text, categories, "
                          "attributes) values (1, 1, 'i', '', '', '[]', '{}')"))
        conn.execute(text("insert into interactions (dataset_id, user_id, item_id, value, timestamp) "
                          "values (1, 1, 1, 4.0, 100)"))
    assert not NEW & _indexes(engine)
    engine.dispose()

    db = open_database(db_path)
    try:
        assert _indexes(db.engine) >= NEW
        with db.engine.connect() as conn:
            assert conn.execute(text("select version_num from alembic_version")).scalar() == head_revision()
            assert conn.execute(text("select value from interactions")).scalar() == 4.0
            plan = conn.exec_driver_sql(
                "EXPLAIN QUERY PLAN SELECT id FROM interactions WHERE dataset_id = 1 "
                "ORDER BY timestamp DESC, id DESC LIMIT 10").fetchall()
        assert any("ix_interactions_dataset_timestamp" in str(row) for row in plan)
        assert not any("TEMP B-TREE" in str(row) for row in plan)  # no sort of the whole dataset
    finally:
        db.close()

    engine = make_engine(url)
    with engine.begin() as conn:
        migrate(conn, "0002_models_runs", down=True)
    assert not NEW & _indexes(engine)
    engine.dispose()
