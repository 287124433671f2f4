"""Runs watched and cancelled from elsewhere: host recorded, cheap progress polling, a cancel request in
the database honoured by the training process at its next check. A training process started separately,
on SQLite and on PostgreSQL, is in tests/ui/test_remote_runs_page.py."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy import inspect

from tests.planted import make_dataset
from workbench.models.base import EpochReport
from workbench.store import runs as run_store
from workbench.store.db import Database, make_engine, migrate, open_database, resolve_url

REPO = Path(__file__).resolve().parents[1]
#: a run that only stops when asked: early stopping off, more epochs than any test waits for
ENDLESS = ["train", "--dataset", "tiny", "--model", "mf", "--epochs", "100000", "--set", "patience=0",
           "--set", "dim=4", "--set", "batch_size=128"]


def start_endless_training(db_target: str) -> subprocess.Popen[str]:
    """``python -m workbench --db TARGET train ...`` in a separate process, as on another machine."""
    env = {**os.environ, "OMP_NUM_THREADS": "1", "OMP_WAIT_POLICY": "PASSIVE"}
    return subprocess.Popen([sys.executable, "-m", "workbench", "--db", db_target, *ENDLESS], cwd=REPO,
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_migration_0007_adds_and_drops_the_remote_columns(db_path: Path) -> None:
    db = open_database(db_path)
    db.close()
    engine = make_engine(resolve_url(db_path))
    columns = {c["name"] for c in inspect(engine).get_columns("training_runs")}
    assert {"host", "cancel_requested_at"} <= columns
    with engine.begin() as conn:
        migrate(conn, "0004_item_title_index", down=True)
    columns = {c["name"] for c in inspect(engine).get_columns("training_runs")}
    assert not {"host", "cancel_requested_at"} & columns
    engine.dispose()


def test_active_runs_epochs_after_and_cancel_watch(db: Database) -> None:
    dataset_id = make_dataset(db, "tiny")
    run_id = run_store.create_run(db, dataset_id, "mf", {}, {}, "cpu")
    for epoch in (1, 2, 3):
        run_store.record_epoch(db, run_id, EpochReport(epoch=epoch, train_loss=1.0 / epoch))
    [progress] = run_store.active_runs(db)
    assert (progress.id, progress.last_epoch, progress.host) == (run_id, 3, run_store.this_host())
    assert [e.epoch for e in run_store.epochs_after(db, run_id, 1)] == [2, 3]

    slow = run_store.RunCancelWatch(db, run_id, interval_s=3600)
    quick = run_store.RunCancelWatch(db, run_id, interval_s=0)
    assert not quick.cancelled
    assert run_store.request_cancel(db, run_id)
    assert not slow.cancelled  # batches do not reach the database between checks
    assert slow.check_now() and slow.cancelled and slow.remote  # the check between epochs does
    assert quick.cancelled
    run_store.finish_run(db, run_id, "cancelled")
    assert run_store.active_runs(db) == []
    assert [r.status for r in run_store.active_runs(db, [run_id])] == ["cancelled"]
    assert not run_store.request_cancel(db, run_id)  # nothing running to cancel
