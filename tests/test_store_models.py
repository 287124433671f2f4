"""Model persistence: safetensors artifacts, save/load (also in a new process), list/rename/delete, runs."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import numpy as np
import pytest
import torch

from tests.planted import make_dataset, planted
from workbench.core.interactions import Interactions
from workbench.errors import NotFoundError, WorkbenchError
from workbench.models.base import EpochReport, ModelArtifact
from workbench.store import models as store
from workbench.store import runs
from workbench.store.artifacts import (
    ArtifactError,
    artifact_from_bytes,
    artifact_from_row_parts,
    artifact_to_bytes,
    artifact_to_row_parts,
)
from workbench.store.schema import ModelRow, TrainingRunRow

REPO = Path(__file__).resolve().parents[1]


def _interactions(n_users: int = 30, n_items: int = 20, seed: int = 0) -> Interactions:
    return planted(n_users, n_items, 8, stray=1, explicit=False, item_id_width=3, seed=seed).interactions()


def _artifact() -> ModelArtifact:
    return ModelArtifact(family="mf", config={"dims": 8, "layers": (4, 2)}, users=["a", "007"],
                         items=["x"], meta={"epoch": 3, "mean": np.float32(3.5)},
                         tensors={"w": torch.arange(6, dtype=torch.float32).reshape(2, 3).t(),
                                  "b": torch.tensor([1, 2], dtype=torch.int64)})


def test_artifact_round_trips_through_row_parts_and_blob() -> None:
    art = _artifact()
    config, id_maps, weights = artifact_to_row_parts(art)
    assert config == {"dims": 8, "layers": [4, 2]}
    assert id_maps["users"] == ["a", "007"] and id_maps["meta"] == {"epoch": 3, "mean": 3.5}
    back = artifact_from_row_parts("mf", config, id_maps, weights)
    assert torch.equal(back.tensors["w"], art.tensors["w"]) and back.tensors["b"].dtype == torch.int64
    blob = artifact_to_bytes(art)
    again = artifact_from_bytes(blob)
    assert (again.family, again.users, again.items, again.meta["epoch"]) == ("mf", ["a", "007"], ["x"], 3)
    assert torch.equal(again.tensors["w"], art.tensors["w"])


@pytest.mark.parametrize("blob", [b"", b"\x00" * 4, b"garbage that is not safetensors at all....",
                                  b"\x10\x00\x00\x00\x00\x00\x00\x00{not json}......",
                                  b"\x80\x03cos\nsystem\nq\x00X\x02\x00\x00\x00lsq\x01\x85q\x02Rq\x03."])
def test_corrupted_or_foreign_blobs_raise_clear_errors(blob: bytes) -> None:
    with pytest.raises(ArtifactError, match=r"cannot be loaded|corrupted"):
        artifact_from_bytes(blob)


def test_truncated_checkpoint_raises() -> None:
    blob = artifact_to_bytes(_artifact())
    with pytest.raises(ArtifactError):
        artifact_from_bytes(blob[: len(blob) - 10])


def _fit(family: str, train: Interactions):
    from workbench.models.registry import create_model

    model = create_model(family)
    model.fit_all(train)
    return model


def test_save_load_list_rename_delete(db) -> None:
    dataset_id = make_dataset(db, "shop")
    train = _interactions()
    model = _fit("ease", train)
    model_id = store.save_model(db, model, dataset_id, "ease-a", {"kind": "none"}, {"ndcg@10": 0.5})
    second = store.save_model(db, _fit("pop", train), dataset_id, "ease-a")
    assert store.get_model_info(db, second).name == "ease-a-2"  # names stay unique

    loaded, info = store.load_model(db, "ease-a")
    assert (info.id, info.family, info.dataset_name) == (model_id, "ease", "shop")
    assert (info.n_users, info.n_items) == (30, 20)
    assert info.split == {"kind": "none"} and info.summary["ndcg@10"] == 0.5
    rows = np.arange(30)
    np.testing.assert_array_equal(loaded.score(rows), model.score(rows))
    assert loaded.recommend("u3", 5) == model.recommend("u3", 5)

    assert [m.id for m in store.list_models(db)] == [second, model_id]
    assert [m.id for m in store.list_models(db, "shop")] == [second, model_id]
    renamed = store.rename_model(db, model_id, "best")
    assert renamed.name == "best" and store.get_model_info(db, "best").id == model_id
    with pytest.raises(WorkbenchError, match="already named"):
        store.rename_model(db, second, "best")
    eval_id = store.record_evaluation(db, model_id, "split", 10,
                                      {"ndcg@10": np.float32(0.25), "rmse": float("nan")})
    evals = store.list_evaluations(db, "best")
    assert [(e.id, e.protocol, e.metrics) for e in evals] == [
        (eval_id, "split", {"ndcg@10": 0.25, "rmse": None})]
    store.delete_model(db, "best")
    with pytest.raises(NotFoundError):
        store.load_model(db, model_id)
    assert [m.id for m in store.list_models(db)] == [second]


def test_corrupted_weights_in_the_database_give_a_clear_error(db) -> None:
    dataset_id = make_dataset(db, "shop")
    model_id = store.save_model(db, _fit("ease", _interactions()), dataset_id, "m")
    with db.session() as session:
        row = session.get(ModelRow, model_id)
        row.weights = row.weights[:40] + b"\xff" * 30 + row.weights[70:]
    with pytest.raises(WorkbenchError, match=r"corrupted|cannot be loaded"):
        store.load_model(db, model_id)


def test_loaded_model_scores_identically_in_a_new_process(db, db_path: Path) -> None:
    dataset_id = make_dataset(db, "shop")
    model = _fit("ease", _interactions())
    model_id = store.save_model(db, model, dataset_id, "m")
    script = ("import json, sys, numpy as np\n"
              "from workbench.store.db import open_database\n"
              "from workbench.store.models import load_model\n"
              "m, _ = load_model(open_database(sys.argv[1]), int(sys.argv[2]))\n"
              "print(json.dumps(m.score(np.arange(30)).tolist()))\n")
    out = subprocess.run([sys.executable, "-c", script, str(db_path), str(model_id)], capture_output=True,
                         text=True, cwd=REPO, env={**os.environ, "PYTHONPATH": str(REPO)}, check=True)
    other = np.asarray(json.loads(out.stdout), dtype=np.float32)
    np.testing.assert_array_equal(other, model.score(np.arange(30)))


def test_runs_record_epochs_checkpoint_and_finish(db) -> None:
    dataset_id = make_dataset(db, "shop")
    run_id = runs.create_run(db, dataset_id, "mf", {"dims": 4}, {"kind": "random"}, "CPU (2 threads)")
    for epoch in (1, 2):
        runs.record_epoch(db, run_id, EpochReport(epoch=epoch, train_loss=1.0 / epoch, valid_metric=0.9,
                                                  metric_name="rmse", is_best=epoch == 2),
                          checkpoint=artifact_to_bytes(_artifact()), elapsed_s=epoch * 1.5)
    assert runs.mark_interrupted_runs(db) == []  # our own live run is left alone
    runs.finish_run(db, run_id, "completed", elapsed_s=3.0)
    run = runs.get_run(db, run_id)
    assert (run.status, run.checkpoint_epoch, run.elapsed_s) == ("completed", 2, 3.0)
    assert run.dataset_name == "shop"
    assert [(e.epoch, e.train_loss, e.extra.get("is_best")) for e in run.epochs] == [(1, 1.0, None),
                                                                                     (2, 0.5, 1.0)]
    assert [r.id for r in runs.list_runs(db, "shop")] == [run_id]


def test_running_rows_of_dead_or_previous_processes_become_interrupted(db) -> None:
    dataset_id = make_dataset(db, "shop")
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True,
                          text=True, check=True)
    dead_pid = int(dead.stdout)
    with db.session() as session:
        rows = [TrainingRunRow(dataset_id=dataset_id, family="mf", status="running", pid=dead_pid),
                # our own pid, but not a run this process started: left over from an earlier process
                TrainingRunRow(dataset_id=dataset_id, family="mf", status="running", pid=os.getpid()),
                TrainingRunRow(dataset_id=dataset_id, family="mf", status="running", pid=os.getppid()),
                # a live pid, but that process started long after the run: the pid was reused
                TrainingRunRow(dataset_id=dataset_id, family="mf", status="running", pid=os.getppid(),
                               started_at=datetime(2001, 1, 1))]
        session.add_all(rows)
        session.flush()
        ids = [r.id for r in rows]
    assert runs.mark_interrupted_runs(db) == [ids[0], ids[1], ids[3]]
    statuses = {r.id: r.status for r in runs.list_runs(db)}
    assert statuses == {ids[0]: "interrupted", ids[1]: "interrupted", ids[2]: "running",
                        ids[3]: "interrupted"}
    assert "no checkpoint" in (runs.get_run(db, ids[0]).error or "")
    with pytest.raises(WorkbenchError, match="no checkpoint"):
        runs.claim_run(db, ids[0], "cpu")
