"""Revision 0004: the item title index, created on upgrade, used by title-sorted paging, dropped after."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import inspect, text

from workbench.store.db import head_revision, make_engine, migrate, open_database, resolve_url

NEW = "ix_items_dataset_title"


def _indexes(engine) -> set[str]:
    return {ix["name"] for ix in inspect(engine).get_indexes("items")}


def test_upgrade_from_0003_adds_the_title_index_and_keeps_rows(db_path: Path) -> None:
    url = resolve_url(db_path)
    engine = make_engine(url)
    with engine.begin() as conn:
        migrate(conn, "0003_interaction_sort_indexes")
        conn.execute(text("insert into datasets (id, name, kind, source, created_at, n_users, n_items, "
                          "n_interactions, import_report) values (1, 'old', 'explicit', '', "
                          "'2026-01-01 00:00:00', 1, 1, 1, '{}')"))
        conn.execute(text("insert into users (id, dataset_id, external_id, features) "
                          "values (1, 1, 'u', '{}')"))
        conn.execute(text("insert into items (id, dataset_id, external_id, title, text, categories, "
                          "attributes) values (1, 1, 'i', 'Heat', '', '[]', '{}')"))
        conn.execute(text("insert into interactions (dataset_id, user_id, item_id, value, timestamp) "
                          "values (1, 1, 1, 4.0, 100)"))
    assert NEW not in _indexes(engine)
    engine.dispose()

    db = open_database(db_path)
    try:
        assert NEW in _indexes(db.engine)
        with db.engine.connect() as conn:
            assert conn.execute(text("select version_num from alembic_version")).scalar() == head_revision()
            assert conn.execute(text("select title from items")).scalar() == "Heat"
            plan = conn.exec_driver_sql(
                "EXPLAIN QUERY PLAN SELECT x.id FROM items it CROSS JOIN interactions x "
                "WHERE it.dataset_id = 1 AND x.item_id = it.id ORDER BY it.title, it.id, x.id LIMIT 10"
            ).fetchall()
        assert any(NEW in str(row) for row in plan)
        assert not any("TEMP B-TREE" in str(row) for row in plan)  # no sort of the whole dataset
    finally:
        db.close()

    engine = make_engine(url)
    with engine.begin() as conn:
        migrate(conn, "0003_interaction_sort_indexes", down=True)
    assert NEW not in _indexes(engine)
    engine.dispose()
