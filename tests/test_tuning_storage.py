"""Optuna's study tables live in our database under our migrations (revision 0008), never under Optuna's."""

from __future__ import annotations

from pathlib import Path

import optuna
from optuna.storages._rdb import models as optuna_models
from sqlalchemy import create_engine, inspect, text

from tests import test_postgres
from workbench.store.db import head_revision, make_engine, migrate, open_database, resolve_url
from workbench.tuning.storage import open_storage

pg_admin, pg_url = test_postgres.pg_admin, test_postgres.pg_url  # PostgreSQL fixtures
OPTUNA_TABLES = set(optuna_models.BaseModel.metadata.tables)


def _shape(engine) -> dict[str, dict[str, object]]:  # type: ignore[no-untyped-def]
    insp = inspect(engine)
    out: dict[str, dict[str, object]] = {}
    for table in sorted(OPTUNA_TABLES):
        out[table] = {
            "columns": {c["name"]: (type(c["type"]).__name__, c["nullable"])
                        for c in insp.get_columns(table)},
            "pk": tuple(insp.get_pk_constraint(table)["constrained_columns"]),
            "unique": sorted(tuple(u["column_names"]) for u in insp.get_unique_constraints(table)),
            "indexes": sorted((tuple(i["column_names"]), bool(i["unique"])) for i in insp.get_indexes(table)),
            "fks": sorted((tuple(f["constrained_columns"]), f["referred_table"])
                          for f in insp.get_foreign_keys(table)),
        }
    return out


def test_our_migration_creates_exactly_the_tables_of_the_pinned_optuna(tmp_path: Path) -> None:
    ours = open_database(tmp_path / "ours.db")
    theirs = create_engine(f"sqlite:///{tmp_path / 'theirs.db'}")
    optuna_models.BaseModel.metadata.create_all(theirs)
    try:
        assert _shape(ours.engine) == _shape(theirs)
        with ours.engine.connect() as conn:
            version = conn.execute(text("select schema_version from version_info")).scalar()
        assert version == optuna_models.SCHEMA_VERSION
    finally:
        ours.close()
        theirs.dispose()


def test_a_study_in_our_database_leaves_our_schema_version_alone(db_path: Path) -> None:
    db = open_database(db_path)
    storage = open_storage(db)
    study = optuna.create_study(storage=storage, study_name="s", direction="maximize")
    study.optimize(lambda trial: trial.suggest_float("x", 0, 1), n_trials=3)
    with db.engine.connect() as conn:
        assert conn.execute(text("select version_num from alembic_version")).all() == [(head_revision(),)]
    db.close()
    reopened = open_database(db_path)  # still recognised as ours, nothing to upgrade
    try:
        assert reopened.backup_path is None
        loaded = optuna.load_study(study_name="s", storage=open_storage(reopened))
        assert len(loaded.trials) == 3
    finally:
        reopened.close()


def test_downgrade_drops_the_study_tables_and_upgrade_brings_them_back(db_path: Path) -> None:
    open_database(db_path).close()
    engine = make_engine(resolve_url(db_path))
    with engine.begin() as conn:
        migrate(conn, "0004_item_title_index", down=True)
    assert not OPTUNA_TABLES & set(inspect(engine).get_table_names())
    assert {"models", "training_runs"} <= set(inspect(engine).get_table_names())
    engine.dispose()
    db = open_database(db_path)
    try:
        assert set(inspect(db.engine).get_table_names()) >= OPTUNA_TABLES
        study = optuna.create_study(storage=open_storage(db), direction="minimize")
        study.optimize(lambda trial: trial.suggest_float("x", -1, 1) ** 2, n_trials=2)
        assert len(study.trials) == 2
    finally:
        db.close()


def test_search_on_postgresql_and_downgrade_removes_its_types(pg_url: str) -> None:
    from tests.planted import make_dataset
    from workbench.tuning.study import SearchRequest, run_search

    db = open_database(pg_url)
    try:
        dataset_id = make_dataset(db, implicit=True)
        result = run_search(db, SearchRequest(dataset=dataset_id, families=("ease",), n_trials=2))
        assert result.best is not None and result.best.final_model_id is not None
        with db.engine.connect() as conn:
            version = conn.execute(text("SELECT version_num FROM alembic_version")).scalar_one()
        assert version == head_revision()
    finally:
        db.close()
    engine = make_engine(resolve_url(pg_url))
    with engine.begin() as conn:
        migrate(conn, "0004_item_title_index", down=True)
    with engine.connect() as conn:
        enums = conn.execute(text("SELECT typname FROM pg_type WHERE typtype = 'e'")).scalars().all()
    assert not OPTUNA_TABLES & set(inspect(engine).get_table_names())
    assert not {"trialstate", "studydirection"} & set(enums)
    engine.dispose()
    open_database(pg_url).close()  # and back up to head
