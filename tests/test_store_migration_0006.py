"""Revision 0006: the item embedding cache table, created on upgrade with rows kept, dropped on downgrade."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import inspect, text

from workbench.store.db import head_revision, make_engine, migrate, open_database, resolve_url


def test_upgrade_adds_item_embeddings_and_downgrade_drops_it(db_path: Path) -> None:
    url = resolve_url(db_path)
    engine = make_engine(url)
    with engine.begin() as conn:
        migrate(conn, "0004_item_title_index")
        conn.execute(text("insert into datasets (id, name, kind, source, created_at, n_users, n_items, "
                          "n_interactions, import_report) values (1, 'old', 'explicit', '', "
                          "'2026-01-01 00:00:00', 0, 1, 0, '{}')"))
        conn.execute(text("insert into items (id, dataset_id, external_id, title, text, categories, "
                          "attributes) values (1, 1, 'i', 'Heat', '', '[]', '{}')"))
    assert "item_embeddings" not in inspect(engine).get_table_names()
    engine.dispose()

    db = open_database(db_path)
    try:
        assert "item_embeddings" in inspect(db.engine).get_table_names()
        with db.engine.begin() as conn:
            assert conn.execute(text("select version_num from alembic_version")).scalar() == head_revision()
            assert conn.execute(text("select title from items")).scalar() == "Heat"
            conn.execute(text("insert into item_embeddings (dataset_id, item_id, encoder, encoder_version, "
                              "text_hash, dim, vector, created_at) values (1, 1, 'm', '1', 'h', 1, "
                              "x'0000803f', '2026-01-01 00:00:00')"))
            conn.execute(text("delete from items"))  # the cached vector goes with its item
            assert conn.execute(text("select count(*) from item_embeddings")).scalar() == 0
    finally:
        db.close()

    engine = make_engine(url)
    with engine.begin() as conn:
        migrate(conn, "0004_item_title_index", down=True)
    assert "item_embeddings" not in inspect(engine).get_table_names()
    engine.dispose()
