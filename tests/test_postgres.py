"""The store on a real PostgreSQL server: the same operations as on SQLite, with the same results.

``WORKBENCH_TEST_PG_URL`` names a database on a server whose role may create databases (``.ci/run`` sets
it through ``.ci/postgres.sh``). Each test gets a freshly created database of its own, dropped afterwards.
Without the variable these tests skip, unless ``WORKBENCH_REQUIRE_PG`` is set (CI), where they fail.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import create_engine, func, inspect, select, text
from sqlalchemy.engine import Engine, make_url

from tests.planted import make_dataset
from workbench.core.progress import Cancelled, CancelToken
from workbench.data.content import import_item_content
from workbench.data.csv_import import CsvSpec, import_csv
from workbench.data.movielens import import_movielens
from workbench.errors import DatabaseError, InputError
from workbench.evaluation.splits import SplitSpec
from workbench.store import models as model_store
from workbench.store import runs as run_store
from workbench.store.datasets import (
    count_rows,
    dataset_counts,
    delete_dataset,
    list_datasets,
    load_dataset,
    page_rows,
    top_users,
)
from workbench.store.db import Database, head_revision, open_database, resolve_url
from workbench.store.schema import EpochMetricRow, EvaluationRow, ModelRow, TrainingRunRow

REPO = Path(__file__).resolve().parents[1]
DATA = Path(__file__).parent / "data"
PG_URL = os.environ.get("WORKBENCH_TEST_PG_URL", "").strip()
ALL_TABLES = ("datasets", "users", "items", "interactions", "models", "training_runs", "epoch_metrics",
              "evaluations", "blob_parts")

RATINGS = """user,item,rating,timestamp
007,a,5,1600000000
007,b,3,1600000100
7,a,1,1600000200
u2,c,4.5,1600000300
u2,b,2,1600000400
U3,a,4,1600000500
U3,d,3.5,1600000600
u4,d,1,1600000700
"""
ITEMS = """item_id,title,description,categories
a,Alpha Film,space ships,Sci-Fi|Action
b,beta film,a quiet drama,Drama
c,Gamma 100% Show,funny,Comedy
d,Delta_Show,,Drama|Comedy
"""


@pytest.fixture(scope="module")
def pg_admin() -> Iterator[Engine]:
    """An autocommit engine on the server's test database, used to create and drop per-test databases."""
    if not PG_URL:
        reason = "WORKBENCH_TEST_PG_URL is not set (run .ci/postgres.sh and export the URL it prints)"
        if os.environ.get("WORKBENCH_REQUIRE_PG"):
            pytest.fail(f"PostgreSQL tests are required here but {reason}")
        pytest.skip(reason)
    engine = create_engine(resolve_url(PG_URL), isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception as exc:  # a configured but unreachable server is a failure, never a skip
        engine.dispose()
        pytest.fail(f"WORKBENCH_TEST_PG_URL is set but the server cannot be used: {exc}")
    yield engine
    engine.dispose()


@pytest.fixture
def pg_url(pg_admin: Engine) -> Iterator[str]:
    """The URL of a new, empty database (C collation, UTF-8, like SQLite's byte order), dropped after."""
    name = f"wbtest_{uuid.uuid4().hex[:12]}"
    with pg_admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}" ENCODING \'UTF8\' LC_COLLATE \'C\' LC_CTYPE \'C\' '
                          "TEMPLATE template0"))
    url = make_url(resolve_url(PG_URL)).set(database=name).render_as_string(hide_password=False)
    try:
        yield url
    finally:
        with pg_admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture
def pg_db(pg_url: str) -> Iterator[Database]:
    database = open_database(pg_url)
    yield database
    database.close()


def _counts(db: Database) -> dict[str, int]:
    with db.engine.connect() as conn:
        return {t: conn.execute(text(f"SELECT COUNT(*) FROM {t}")).scalar_one() for t in ALL_TABLES}


def _write_csvs(tmp_path: Path) -> tuple[Path, Path]:
    ratings = tmp_path / "ratings.csv"
    ratings.write_text(RATINGS, encoding="utf-8")
    items = tmp_path / "items.csv"
    items.write_text(ITEMS, encoding="utf-8")
    return ratings, items


def _import_small(db: Database, tmp_path: Path, name: str = "small") -> int:
    ratings, items = _write_csvs(tmp_path)
    spec = CsvSpec(user="user", item="item", rating="rating", timestamp="timestamp", rating_scale=(0.5, 5.0))
    report = import_csv(db, ratings, spec, name)
    import_item_content(db, items, name)
    return report.dataset_id


def test_open_creates_the_schema_and_hides_the_password(pg_url: str) -> None:
    db = open_database(pg_url)
    try:
        tables = set(inspect(db.engine).get_table_names())
        assert set(ALL_TABLES) | {"alembic_version"} <= tables
        with db.engine.connect() as conn:
            version = conn.execute(text("SELECT version_num FROM alembic_version")).scalar_one()
        assert version == head_revision()
        assert (db.backup_path, db.notice) == (None, None)  # a fresh database: nothing to back up
        assert f":{make_url(pg_url).password}@" not in db.describe() and ":***@" in db.describe()
    finally:
        db.close()
    again = open_database(pg_url)  # reopening at head changes nothing
    assert again.notice is None
    again.close()


def test_bare_postgresql_url_means_psycopg() -> None:
    assert resolve_url("postgresql://u:p@h/db") == "postgresql+psycopg://u:p@h/db"
    assert resolve_url("postgres://u:p@h/db") == "postgresql+psycopg://u:p@h/db"
    assert resolve_url("postgresql+psycopg://u:p@h/db") == "postgresql+psycopg://u:p@h/db"


def test_upgrade_from_first_revision_is_in_place_and_says_no_backup(pg_url: str) -> None:
    from workbench.store.db import make_engine, migrate

    engine = make_engine(pg_url)
    with engine.begin() as conn:
        migrate(conn, "0001_datasets")
    assert "models" not in inspect(engine).get_table_names()
    engine.dispose()
    db = open_database(pg_url)
    try:
        assert db.backup_path is None
        assert db.notice is not None and "no backup" in db.notice and "0001_datasets" in db.notice
        assert {"models", "training_runs", "epoch_metrics"} <= set(inspect(db.engine).get_table_names())
    finally:
        db.close()


def test_newer_revision_and_foreign_database_are_refused_untouched(pg_url: str, pg_admin: Engine) -> None:
    db = open_database(pg_url)
    with db.engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = 'zzzz_from_the_future'"))
    db.close()
    with pytest.raises(DatabaseError, match="newer version") as caught:
        open_database(pg_url)
    assert f":{make_url(pg_url).password}@" not in str(caught.value)
    check = create_engine(pg_url)
    with check.connect() as conn:
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar_one() == \
            "zzzz_from_the_future"
        # every table of ours (whatever later revisions added), so only the foreign table remains
        conn.execute(text("DROP TABLE " + ", ".join(inspect(conn).get_table_names()) + " CASCADE"))
        conn.execute(text("CREATE TABLE invoices (id integer primary key)"))
        conn.commit()
    with pytest.raises(DatabaseError, match="not a Rec Workbench database"):
        open_database(pg_url)
    assert inspect(check).get_table_names() == ["invoices"]
    check.dispose()


def _interaction_indexes_and_keys(db: Database) -> tuple[set[str], set[str]]:
    with db.engine.connect() as conn:
        indexes = set(conn.execute(text("SELECT indexname FROM pg_indexes WHERE tablename = 'interactions'"))
                      .scalars())
        keys = set(conn.execute(text("SELECT conname FROM pg_constraint WHERE contype = 'f' "
                                     "AND conrelid = CAST('interactions' AS regclass)")).scalars())
    return indexes, keys


def test_csv_import_then_malformed_and_cancelled_imports_leave_nothing(pg_db: Database, tmp_path: Path,
                                                                       monkeypatch) -> None:
    import workbench.data.writer as writer

    schema = _interaction_indexes_and_keys(pg_db)
    assert len(schema[0]) >= 3 and len(schema[1]) == 3
    dataset_id = _import_small(pg_db, tmp_path)
    before = _counts(pg_db)
    assert before == {"datasets": 1, "users": 5, "items": 4, "interactions": 8, "models": 0,
                      "training_runs": 0, "epoch_metrics": 0, "evaluations": 0, "blob_parts": 1}
    assert dataset_counts(pg_db, dataset_id) == {"users": 5, "items": 4, "interactions": 8}

    bad = tmp_path / "bad.csv"
    bad.write_text("user,item,rating\nu1,a,4\nu1,b,lots\n", encoding="utf-8")
    spec = CsvSpec(user="user", item="item", rating="rating")
    with pytest.raises(InputError) as caught:
        import_csv(pg_db, bad, spec, "bad")
    assert caught.value.line == 3 and "lots" in str(caught.value) and "bad.csv" in str(caught.value)
    with pytest.raises(InputError, match="already exists"):
        import_csv(pg_db, tmp_path / "ratings.csv", spec, "small")

    # Cancelled after users and items went in through COPY: the one transaction takes them back out.
    big = tmp_path / "big.csv"
    rng = np.random.default_rng(0)
    lines = [f"u{u},i{i},{r}" for u, i, r in zip(rng.integers(0, 300, 5000), rng.integers(0, 200, 5000),
                                                 rng.integers(1, 6, 5000), strict=True)]
    big.write_text("user,item,rating\n" + "\n".join(lines) + "\n", encoding="utf-8")
    token = CancelToken()

    def cancel_when_users_are_stored(progress) -> None:
        if "users and items stored" in progress.message:
            token.cancel()

    # A low threshold takes the bulk path that drops and restores indexes and foreign keys.
    monkeypatch.setattr(writer, "REBUILD_INDEX_MIN_ROWS", 1000)
    with pytest.raises(Cancelled):
        import_csv(pg_db, big, spec, "big", cancel=token, progress=cancel_when_users_are_stored)
    assert _counts(pg_db) == before
    assert [d.name for d in list_datasets(pg_db)] == ["small"]
    assert _interaction_indexes_and_keys(pg_db) == schema

    report = import_csv(pg_db, big, spec, "big")
    assert _interaction_indexes_and_keys(pg_db) == schema  # rebuilt after the bulk load
    assert dataset_counts(pg_db, report.dataset_id)["interactions"] == report.n_interactions > 4000


def test_load_dataset_round_trip_matches_sqlite(pg_db: Database, db: Database, tmp_path: Path) -> None:
    (tmp_path / "pg").mkdir()
    pg_id = _import_small(pg_db, tmp_path / "pg")
    lite_id = _import_small(db, tmp_path)
    pg, lite = load_dataset(pg_db, pg_id), load_dataset(db, lite_id)
    a, b = pg.interactions, lite.interactions
    assert a.users.ids == b.users.ids == ("007", "7", "u2", "U3", "u4")  # ids stay text
    assert a.items.ids == b.items.ids == ("a", "b", "c", "d")
    for field in ("user_idx", "item_idx", "values", "timestamps"):
        np.testing.assert_array_equal(getattr(a, field), getattr(b, field))
    assert a.values.dtype == np.float32 and a.timestamps is not None and a.timestamps.dtype == np.int64
    assert float(a.values[a.users.row("u2") == a.user_idx].sum()) == 6.5
    assert (a.kind, a.rating_min, a.rating_max) == ("explicit", 0.5, 5.0)
    assert pg.content is not None and lite.content is not None
    assert pg.content.titles == lite.content.titles
    assert pg.content.categories == lite.content.categories
    assert pg.content.categories[a.items.row("a")] == ["Sci-Fi", "Action"]
    assert top_users(pg_db, pg_id, 3) == top_users(db, lite_id, 3) == ["007", "u2", "U3"]  # ties: first seen


def test_movielens_tiny_import(pg_db: Database) -> None:
    report = import_movielens(pg_db, DATA / "ml-latest-tiny", name="tiny")
    assert (report.n_users, report.n_items, report.n_interactions) == (3, 5, 7)
    data = load_dataset(pg_db, "tiny")
    items = data.interactions.items
    assert data.content is not None
    assert data.content.titles[items.row("50")] == "Usual Suspects, The (1995)"
    assert data.content.categories[items.row("1")] == ["Adventure", "Animation", "Children", "Comedy",
                                                       "Fantasy"]
    assert data.content.texts[items.row("1")] == "pixar, fun"
    assert data.content.categories[items.row("99")] == []
    assert (data.interactions.rating_min, data.interactions.rating_max) == (0.5, 5.0)


def test_page_rows_and_count_rows_filter_and_sort_like_sqlite(pg_db: Database, db: Database,
                                                              tmp_path: Path) -> None:
    (tmp_path / "pg").mkdir()
    pg_id = _import_small(pg_db, tmp_path / "pg")
    lite_id = _import_small(db, tmp_path)
    cases = [
        # the pages the Datasets page opens with: no filter, no sort
        ("interactions", {}),
        ("users", {}),
        ("items", {}),
        ("users", dict(filter_text="U", order_by="mean_value", descending=True)),
        ("users", dict(order_by="interactions", descending=True)),
        ("items", dict(filter_text="FILM", order_by="title")),
        ("items", dict(order_by="categories", descending=True)),
        ("items", dict(filter_text="100%")),  # % is literal, not a wildcard
        ("items", dict(filter_text="l_h")),  # _ is literal too (as a wildcard it would match "Alpha")
        ("interactions", dict(filter_text="alpha", order_by="value", descending=True)),
        ("interactions", dict(order_by="timestamp", offset=2, limit=3)),
    ]
    for table, kwargs in cases:
        filter_text = kwargs.get("filter_text")
        pg_rows = page_rows(pg_db, pg_id, table, **kwargs)
        lite_rows = page_rows(db, lite_id, table, **kwargs)
        assert pg_rows == lite_rows, (table, kwargs)
        assert count_rows(pg_db, pg_id, table, filter_text) == count_rows(db, lite_id, table, filter_text)
    columns, rows = page_rows(pg_db, pg_id, "users", filter_text="U", order_by="mean_value", descending=True)
    assert columns == ["user", "interactions", "mean_value"]
    assert rows == [("U3", 2, 3.75), ("u2", 2, 3.25), ("u4", 1, 1.0)]  # case-insensitive, like SQLite
    _, rows = page_rows(pg_db, pg_id, "items", filter_text="FILM", order_by="title")
    assert [r[:3] for r in rows] == [("a", "Alpha Film", "Sci-Fi, Action"), ("b", "beta film", "Drama")]
    assert [r[0] for r in page_rows(pg_db, pg_id, "items", filter_text="100%")[1]] == ["c"]
    assert count_rows(pg_db, pg_id, "items", "l_h") == 0
    assert count_rows(pg_db, pg_id, "interactions", "alpha") == 3
    _, rows = page_rows(pg_db, pg_id, "interactions", order_by="timestamp", offset=2, limit=3)
    assert [(r[0], r[1], r[4]) for r in rows] == [("7", "a", 1600000200), ("u2", "c", 1600000300),
                                                  ("u2", "b", 1600000400)]


def test_train_save_load_runs_and_delete_cascade(pg_db: Database) -> None:
    from workbench.training.runner import train

    dataset_id = make_dataset(pg_db, "tiny")
    result = train(pg_db, "tiny", "mf", {"dim": "8", "learning_rate": "0.02", "patience": "0",
                                         "batch_size": "32"}, SplitSpec("random", seed=1), epochs=3)
    run = run_store.get_run(pg_db, result.run_id)
    assert (run.status, run.model_id, run.checkpoint_epoch) == ("completed", result.model_id, 3)
    early = [e for e in run.epochs if not e.extra.get("refit")]  # then MF's refit epochs
    assert [e.epoch for e in early] == [1, 2, 3] and all(e.metric_name == "rmse" for e in early)
    assert [r.id for r in run_store.list_runs(pg_db, "tiny")] == [result.run_id]
    checkpoint = run_store.load_checkpoint(pg_db, result.run_id)
    assert checkpoint is not None and isinstance(checkpoint[0], bytes) and checkpoint[1] == 3

    model, info = model_store.load_model(pg_db, result.model_id)
    assert (info.family, info.dataset_name, info.n_users, info.n_items) == ("mf", "tiny", 60, 40)
    data = load_dataset(pg_db, "tiny")
    scores = model.score(np.arange(3))
    assert scores.shape == (3, 40) and np.isfinite(scores).all()
    again, _ = model_store.load_model(pg_db, info.name)
    np.testing.assert_array_equal(again.score(np.arange(3)), scores)
    assert model_store.list_evaluations(pg_db, result.model_id)[0].metrics["rmse"] == \
        pytest.approx(result.metrics["rmse"])
    # Names with LIKE wildcards are matched literally when made unique.
    saved = model_store.save_model(pg_db, again, dataset_id, "mf_tiny%")
    assert model_store.get_model_info(pg_db, saved).name == "mf_tiny%"
    assert model_store.get_model_info(pg_db, model_store.save_model(pg_db, again, dataset_id,
                                                                    "mf_tiny%")).name == "mf_tiny%-2"
    assert len(data.interactions) == 900

    delete_dataset(pg_db, "tiny")
    with pg_db.session() as s:
        for row in (ModelRow, TrainingRunRow, EpochMetricRow, EvaluationRow):
            assert s.scalar(select(func.count()).select_from(row)) == 0
    assert _counts(pg_db) == dict.fromkeys(ALL_TABLES, 0)


def test_large_weights_and_checkpoints_are_stored_in_parts_and_deleted_with_their_owner(
        pg_db: Database, monkeypatch) -> None:
    from workbench.store import blobs
    from workbench.store.schema import BlobPartRow
    from workbench.training.runner import train

    make_dataset(pg_db, "wide", n_users=80, n_items=200, per_user=20)
    monkeypatch.setattr(blobs, "PART_BYTES", 16 * 1024)  # stands in for bytea's 1 GB limit
    result = train(pg_db, "wide", "ease", {"l2": "50"}, device="cpu")
    with pg_db.session() as s:
        model_parts = s.scalar(select(func.count()).select_from(BlobPartRow)
                               .where(BlobPartRow.model_id == result.model_id))
        run_parts = s.scalar(select(func.count()).select_from(BlobPartRow)
                             .where(BlobPartRow.run_id == result.run_id))
    assert model_parts >= 9 and run_parts >= 9  # 160 KB of weights in 16 KB parts
    model, info = model_store.load_model(pg_db, result.model_id)
    checkpoint = run_store.load_checkpoint(pg_db, result.run_id)
    assert checkpoint is not None and len(checkpoint[0]) > 9 * 16 * 1024
    from workbench.store.artifacts import artifact_from_bytes
    assert artifact_from_bytes(checkpoint[0]).tensors["b"].equal(model.to_artifact().tensors["b"])
    assert model_store.list_models(pg_db)[0].size_bytes == info.size_bytes > 9 * 16 * 1024

    model_store.delete_model(pg_db, result.model_id)
    with pg_db.session() as s:
        assert s.scalar(select(func.count()).select_from(BlobPartRow)
                        .where(BlobPartRow.model_id.isnot(None))) == 0
    delete_dataset(pg_db, "wide")
    assert _counts(pg_db) == dict.fromkeys(ALL_TABLES, 0)


def test_runs_of_live_processes_anywhere_are_not_marked_interrupted(pg_db: Database) -> None:
    dataset_id = make_dataset(pg_db, "tiny", n_users=5, n_items=5, per_user=2)
    run_id = run_store.create_run(pg_db, dataset_id, "pop", {}, {}, "cpu")
    # Pretend another machine trains it: not ours, and its pid means nothing here.
    run_store._OWN_RUNS.discard((pg_db.url, run_id))
    with pg_db.session() as s:
        s.get(TrainingRunRow, run_id).pid = 2**22 + 12345
    assert run_store.mark_interrupted_runs(pg_db) == []  # its lock is held: the trainer is alive
    run_store._release_run_lock(pg_db, run_id)  # the trainer's process dies: the server drops its lock
    assert run_store.mark_interrupted_runs(pg_db) == [run_id]
    assert run_store.get_run(pg_db, run_id).status == "interrupted"


def test_cli_demo_and_train_on_postgresql(pg_url: str) -> None:
    env = {**os.environ, "OMP_WAIT_POLICY": "PASSIVE", "WORKBENCH_DB": ""}

    def cli(*args: str) -> dict:
        done = subprocess.run([sys.executable, "-m", "workbench", "--db", pg_url, *args, "--json"],
                              capture_output=True, text=True, cwd=REPO, env=env, timeout=120)
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout)

    demo = cli("datasets", "demo")
    assert (demo["n_users"], demo["n_items"], demo["n_interactions"]) == (1000, 500, 50_000)
    trained = cli("train", "--dataset", "demo", "--model", "ease")
    assert trained["metrics"]["ndcg@10"] > 0.05
    db = open_database(pg_url)
    try:
        [model] = model_store.list_models(db)
        assert (model.family, model.dataset_name) == ("ease", "demo")
        [run] = run_store.list_runs(db)
        assert (run.status, run.model_id) == ("completed", model.id)
    finally:
        db.close()


def test_dataset_stats_on_postgresql_equal_sqlite(pg_db: Database, db: Database, tmp_path: Path) -> None:
    from sqlalchemy import delete

    from workbench.store.schema import BlobPartRow
    from workbench.store.stats import dataset_stats

    figures = []
    for database in (pg_db, db):
        dataset_id = _import_small(database, tmp_path)
        with database.session() as session:  # the SQL aggregates, not the array snapshot
            session.execute(delete(BlobPartRow).where(BlobPartRow.dataset_id == dataset_id))
        figures.append(dataset_stats(database, dataset_id).to_dict())
    assert figures[0] == figures[1]
    assert sum(r["count"] for r in figures[0]["ratings"]) == 8 and figures[0]["time_min"] == 1600000000
