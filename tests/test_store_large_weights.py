"""Weights and checkpoints over one database field's limit: stored in parts, reloaded, never half-written.

The real limit is 1 GB per value; the tests lower SQLite's limit (``SQLITE_LIMIT_LENGTH``) and the part
size together, so a model of a few hundred kilobytes plays the part of a multi-gigabyte one.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import event, func, select

from tests.planted import make_dataset
from workbench.models.base import EpochReport
from workbench.models.registry import create_model
from workbench.store import blobs, runs
from workbench.store import models as store
from workbench.store.artifacts import artifact_from_bytes, artifact_to_bytes
from workbench.store.datasets import delete_dataset, load_dataset
from workbench.store.db import Database, open_database
from workbench.store.schema import BlobPartRow, ModelRow, TrainingRunRow
from workbench.training.runner import train

REPO = Path(__file__).resolve().parents[1]
FIELD_LIMIT = 64 * 1024  # the lowered "1 GB": no single value may be longer


def _limit_fields(db: Database, limit: int = FIELD_LIMIT) -> None:
    """Every new connection refuses values over ``limit`` bytes, as SQLite does over 1 GB."""
    @event.listens_for(db.engine, "connect")
    def _lower(dbapi_conn: sqlite3.Connection, _record: object) -> None:
        dbapi_conn.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, limit)

    db.engine.dispose()  # pooled connections were opened before the limit


def _parts(db: Database) -> int:
    with db.session() as session:
        return session.scalar(select(func.count()).select_from(BlobPartRow)) or 0


def _fitted_ease(db: Database, n_items: int = 200):
    dataset_id = make_dataset(db, "wide", n_users=80, n_items=n_items, per_user=20)
    data = load_dataset(db, "wide")
    model = create_model("ease", {"l2": 50.0})
    model.fit_all(data.interactions)
    return dataset_id, model


def test_model_over_the_field_limit_is_stored_in_parts_and_reloads_exactly(db: Database, monkeypatch) -> None:
    dataset_id, model = _fitted_ease(db)  # a dense 200 x 200 float32 matrix: 160 KB of weights
    _limit_fields(db)

    # one field: the database refuses it, with a message instead of a driver traceback, and stores nothing
    monkeypatch.setattr(blobs, "PART_BYTES", 1 << 30)
    with pytest.raises(blobs.StorageError, match=r"refused to store the model weights.*Nothing was saved"):
        store.save_model(db, model, dataset_id, name="too-big")
    assert store.list_models(db) == [] and _parts(db) == 0

    monkeypatch.setattr(blobs, "PART_BYTES", 16 * 1024)
    model_id = store.save_model(db, model, dataset_id, name="big")
    assert _parts(db) >= 9  # 160 KB in 16 KB parts
    loaded, info = store.load_model(db, model_id)
    users = np.arange(80)
    np.testing.assert_array_equal(loaded.score(users), model.score(users))
    assert info.size_bytes > 9 * 16 * 1024
    assert [m.size_bytes for m in store.list_models(db)] == [info.size_bytes]
    assert store.get_model_info(db, "big").size_bytes == info.size_bytes

    store.delete_model(db, model_id)
    assert _parts(db) == 0  # deleting a model deletes its weights


def test_training_with_a_checkpoint_over_the_limit_completes_and_resumes_from_parts(db: Database,
                                                                                    monkeypatch) -> None:
    make_dataset(db, "wide", n_users=80, n_items=200, per_user=20)
    _limit_fields(db)
    monkeypatch.setattr(blobs, "PART_BYTES", 16 * 1024)
    result = train(db, "wide", "ease", {"l2": 50.0}, device="cpu")
    run = runs.get_run(db, result.run_id)
    assert run.status == "completed"
    blob, epoch = runs.load_checkpoint(db, result.run_id) or (b"", 0)
    assert epoch == 1 and len(blob) > FIELD_LIMIT
    checkpoint = artifact_from_bytes(blob)
    loaded, _ = store.load_model(db, result.model_id)
    assert checkpoint.family == "ease" and checkpoint.tensors["b"].shape == (200, 200)
    assert loaded.to_artifact().tensors["b"].equal(checkpoint.tensors["b"])

    # a later, smaller checkpoint replaces every part of the earlier one
    small = EpochReport(epoch=2, train_loss=0.5)
    runs.record_epoch(db, result.run_id, small, checkpoint=b"x" * 100)
    assert runs.load_checkpoint(db, result.run_id) == (b"x" * 100, 2)
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(BlobPartRow)
                              .where(BlobPartRow.run_id == result.run_id)) == 0

    delete_dataset(db, "wide")  # models and runs cascade, and their parts with them
    assert _parts(db) == 0


KILL_SCRIPT = """
import sys, time
from pathlib import Path
from sqlalchemy import event
from workbench.models.base import EpochReport
from workbench.models.registry import create_model
from workbench.store import blobs, runs
from workbench.store import models as store
from workbench.store.artifacts import artifact_to_bytes
from workbench.store.datasets import load_dataset
from workbench.store.db import open_database

db_path, marker, what = sys.argv[1], Path(sys.argv[2]), sys.argv[3]
db = open_database(db_path)
model = create_model("ease", {"l2": 50.0})
model.fit_all(load_dataset(db, "wide").interactions)
blobs.PART_BYTES = 16 * 1024
inserted = 0

@event.listens_for(db.engine, "before_cursor_execute")
def _stall(conn, cursor, statement, parameters, context, executemany):
    global inserted
    if statement.startswith("INSERT INTO blob_parts"):
        inserted += 1
        if inserted == 4:  # several parts written, more to come: wait here to be killed
            marker.write_text("writing")
            time.sleep(120)

if what == "model":
    store.save_model(db, model, 1, name="half")
else:
    runs.record_epoch(db, int(sys.argv[4]), EpochReport(epoch=2, train_loss=0.1),
                      checkpoint=artifact_to_bytes(model.to_artifact()))
"""


@pytest.mark.parametrize("what", ["model", "checkpoint"])
def test_kill_9_while_storing_large_weights_leaves_nothing_half_written(db_path: Path, tmp_path: Path,
                                                                        what: str) -> None:
    db = open_database(db_path)
    make_dataset(db, "wide", n_users=80, n_items=200, per_user=20)
    run_id = runs.create_run(db, 1, "ease", {}, {}, "cpu")
    runs.record_epoch(db, run_id, EpochReport(epoch=1, train_loss=1.0), checkpoint=b"previous")
    runs.finish_run(db, run_id, "cancelled")
    db.close()
    marker = tmp_path / "marker"
    env = dict(os.environ, PYTHONPATH=str(REPO))
    proc = subprocess.Popen([sys.executable, "-c", KILL_SCRIPT, str(db_path), str(marker), what,
                             str(run_id)], env=env)
    try:
        deadline = time.monotonic() + 60
        while not marker.exists():  # a subprocess cannot signal us otherwise; poll its marker file
            assert proc.poll() is None, "the writer exited before it stalled"
            assert time.monotonic() < deadline, "the writer never reached its fourth part"
            time.sleep(0.05)
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL

    db = open_database(db_path)
    try:
        with db.session() as session:
            assert session.scalar(select(func.count()).select_from(ModelRow)) == 0
            assert session.scalar(select(func.count()).select_from(BlobPartRow)) == 0
            assert session.get(TrainingRunRow, run_id).checkpoint_epoch == 1
        assert runs.load_checkpoint(db, run_id) == (b"previous", 1)  # the earlier checkpoint is intact
    finally:
        db.close()


def test_checkpoint_blob_round_trip_in_parts_matches_single_field(db: Database, monkeypatch) -> None:
    _, model = _fitted_ease(db, n_items=60)
    blob = artifact_to_bytes(model.to_artifact())
    run_id = runs.create_run(db, 1, "ease", {}, {}, "cpu")
    monkeypatch.setattr(blobs, "PART_BYTES", 1000)
    runs.record_epoch(db, run_id, EpochReport(epoch=1, train_loss=None), checkpoint=blob)
    assert _parts(db) == (len(blob) - 1) // 1000
    assert runs.load_checkpoint(db, run_id) == (blob, 1)
    runs.finish_run(db, run_id, "completed")
