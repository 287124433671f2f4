"""Hyper-parameter search: spaces from the configs, optimum found, pruning, leak-freedom, kill -9 resume."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import optuna
import pytest
from optuna.trial import TrialState

from tests.planted import make_dataset
from workbench.cli import main
from workbench.errors import WorkbenchError
from workbench.evaluation.protocol import evaluate
from workbench.evaluation.splits import SplitSpec, make_split
from workbench.models.registry import create_model
from workbench.store.datasets import load_dataset
from workbench.store.db import open_database
from workbench.store.models import get_model_info
from workbench.tuning import study as study_module
from workbench.tuning.data import LockedPartError, TrialSplit
from workbench.tuning.space import build_space, default_space
from workbench.tuning.storage import open_storage
from workbench.tuning.study import SearchRequest, default_metric, resume_search, run_search, search_events

REPO_ROOT = Path(__file__).resolve().parents[1]
FAST_BPR = {"dim": "16", "epochs": "8", "patience": "0"}


def test_default_spaces_come_from_the_config_metadata() -> None:
    space = {p.name: p for p in default_space("mf")}
    assert space["learning_rate"].log and space["learning_rate"].kind == "float"
    assert space["l2"].log
    assert space["dim"].kind == "int" and space["dim"].step == 16
    assert "epochs" not in space and "patience" not in space  # early stopping decides the epochs
    for family in ("itemknn", "ease", "mf", "bpr", "neumf", "content", "hybrid", "autorec"):
        assert default_space(family), f"{family} has no default search space"
    assert default_space("pop") == ()


def test_user_ranges_narrow_widen_and_fix_settings() -> None:
    space = build_space("bpr", {"learning_rate": "0.001:0.1", "dim": "8:32", "negatives": "4",
                                "l2": "1e-4:1e-2:log"})
    params = {p.name: p for p in space.params}
    assert (params["learning_rate"].low, params["learning_rate"].high) == (0.001, 0.1)
    assert params["learning_rate"].log  # the field's own hint is kept
    assert params["dim"].kind == "int" and params["dim"].high == 32
    assert "negatives" not in params and space.fixed == {"negatives": "4"}
    with pytest.raises(WorkbenchError, match="dim"):
        build_space("bpr", {"dim": "0:2000"})  # above the field's max
    with pytest.raises(WorkbenchError, match="LOW must be below HIGH"):
        build_space("bpr", {"l2": "0.1:0.01"})
    with pytest.raises(WorkbenchError, match="unknown setting 'nope'"):
        build_space("bpr", {"nope": "1:2"})
    with pytest.raises(WorkbenchError, match="log-scale"):
        build_space("bpr", {"l2": "0:1:log"})


def test_search_finds_the_best_setting_of_one_parameter(db) -> None:
    """The optimum of ``neighbours`` is found first by an exhaustive scan here, then by the search."""
    dataset_id = make_dataset(db, implicit=True, seed=3)
    data = load_dataset(db, dataset_id)
    spec = SplitSpec(seed=5)
    parts = make_split(data.interactions, spec)
    grid = (1, 2, 4, 8, 16, 32)
    scanned = {}
    for k in grid:
        model = create_model("itemknn", {"neighbours": k, "shrinkage": 0.0})
        model.fit_all(parts.train, valid=parts.valid)
        scanned[k] = evaluate(model, parts.train, parts.valid, 10, metrics={"ndcg"})["ndcg@10"]
    planted = max(scanned, key=scanned.get)
    assert scanned[planted] > min(scanned.values()) + 0.01  # the parameter matters on this data

    result = run_search(db, SearchRequest(
        dataset=dataset_id, families=("itemknn",), n_trials=len(grid), split=spec, sampler="grid",
        settings={"neighbours": "|".join(map(str, grid)), "shrinkage": "0"}, train_final=False))
    best = result.best
    assert best is not None
    assert best.best_params == {"neighbours": planted}
    assert best.best_value == pytest.approx(scanned[planted], abs=1e-9)
    assert best.n_complete == len(grid)


def test_pruning_stops_a_hopeless_trial(db) -> None:
    dataset_id = make_dataset(db, implicit=True)
    good = [{"learning_rate": lr} for lr in (0.02, 0.03, 0.025)]
    hopeless = {"learning_rate": 1e-7}  # the embeddings cannot move: validation stays at chance
    result = run_search(db, SearchRequest(
        dataset=dataset_id, families=("bpr",), n_trials=4, sampler="random",
        settings={**FAST_BPR, "learning_rate": "1e-7:0.05:log", "l2": "0.0001", "negatives": "4"},
        start_from_defaults=False, enqueue=(*good, hopeless), train_final=False))
    _, events = search_events(db, result.search)
    by_number = {e.number: e for e in events}
    assert [by_number[n].state for n in range(3)] == ["COMPLETE"] * 3
    assert all(by_number[n].epochs == 8 for n in range(3))
    last = by_number[3]
    assert last.params == hopeless
    assert last.state == "PRUNED"
    assert last.epochs < 8
    assert result.families[0].n_pruned == 1


def test_trials_never_read_the_test_part_and_the_final_model_does_once(db, monkeypatch) -> None:
    made: list[TrialSplit] = []

    class RecordingSplit(TrialSplit):
        def __init__(self, split) -> None:  # type: ignore[no-untyped-def]
            super().__init__(split)
            made.append(self)

    monkeypatch.setattr(study_module, "TrialSplit", RecordingSplit)
    dataset_id = make_dataset(db, implicit=True)
    spec = SplitSpec(seed=7)
    result = run_search(db, SearchRequest(dataset=dataset_id, families=("ease",), n_trials=3, split=spec))
    assert len(made) == 1
    guard = made[0]
    assert "test" not in guard.reads and {"train", "valid"} <= set(guard.reads)
    with pytest.raises(LockedPartError):
        _ = guard.test

    # what a trial is scored on is exactly the validation part, disjoint from the real test part
    parts = make_split(load_dataset(db, dataset_id).interactions, spec)
    view = guard.trial_view()
    pairs = lambda x: set(zip(x.user_idx.tolist(), x.item_idx.tolist(), strict=True))  # noqa: E731
    assert pairs(view.test) == pairs(parts.valid)
    assert not pairs(view.train) & pairs(parts.test) and not pairs(view.test) & pairs(parts.test)

    # the final model: a normal model on the same split, its test figure recorded next to the validation one
    best = result.best
    assert best is not None and best.final_model_id is not None
    info = get_model_info(db, best.final_model_id)
    # closed-form: retrained on training + validation, over the very same test part
    assert info.family == "ease" and info.split == {**spec.to_dict(), "valid_fraction": 0.0}
    final_parts = make_split(load_dataset(db, dataset_id).interactions, SplitSpec(**info.split))
    assert pairs(final_parts.test) == pairs(parts.test)
    assert info.config["l2"] == pytest.approx(best.best_params["l2"])
    assert best.test_value == pytest.approx(info.summary["ndcg@10"])
    assert best.best_value is not None and best.test_value != best.best_value
    storage = open_storage(db)
    stored = optuna.load_study(study_name=best.study_name, storage=storage).user_attrs["final"]
    assert stored["model_id"] == best.final_model_id and stored["valid_score"] == best.best_value


def test_search_refuses_bad_requests(db) -> None:
    dataset_id = make_dataset(db, implicit=True)
    with pytest.raises(WorkbenchError, match="metric"):
        run_search(db, SearchRequest(dataset=dataset_id, families=("ease",), n_trials=1, metric="ndcg"))
    with pytest.raises(WorkbenchError, match="budget"):
        run_search(db, SearchRequest(dataset=dataset_id, families=("ease",), n_trials=None))
    with pytest.raises(WorkbenchError, match="no chosen family has a setting 'dim'"):
        run_search(db, SearchRequest(dataset=dataset_id, families=("ease",), n_trials=1,
                                     settings={"dim": "8:16"}))
    with pytest.raises(WorkbenchError, match="no search or study 'missing'"):
        resume_search(db, "missing")
    # mf picks its objective from the data, and the search scores it accordingly
    assert default_metric("mf", {}, explicit=True) == "rmse"
    assert default_metric("mf", {}, explicit=False) == "ndcg@10"
    assert default_metric("mf", {"objective": "rating"}, explicit=False) == "rmse"
    # trials that cannot train fail one by one; the result says why and trains nothing
    result = run_search(db, SearchRequest(dataset=dataset_id, families=("mf",), n_trials=2,
                                          settings={"objective": "rating"}))
    family = result.families[0]
    assert family.n_failed == 2 and family.best_value is None and family.final_model_id is None
    assert family.error is not None and "explicit ratings" in family.error
    assert result.best is None and result.to_dict()["model_id"] is None


def _trials(db_path: Path, name: str) -> list[optuna.trial.FrozenTrial]:
    db = open_database(db_path)
    try:
        storage = open_storage(db)
        return optuna.load_study(study_name=f"{name}/bpr", storage=storage).get_trials(deepcopy=True)
    finally:
        db.close()


def test_search_killed_mid_trial_resumes_with_no_trial_lost_or_counted_twice(db_path: Path) -> None:
    db = open_database(db_path)
    dataset_id = make_dataset(db, implicit=True)
    db.close()
    env = {**os.environ, "OMP_NUM_THREADS": "1", "OMP_WAIT_POLICY": "PASSIVE"}
    cmd = [sys.executable, "-m", "workbench", "--db", str(db_path), "tune", "--dataset", str(dataset_id),
           "--model", "bpr", "--trials", "3", "--set", "dim=16", "--set", "epochs=120", "--set", "patience=0",
           "--pruner", "none", "--no-final", "--name", "killed", "--json"]
    proc = subprocess.Popen(cmd, cwd=REPO_ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 120
        running: list[optuna.trial.FrozenTrial] = []
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                running = [t for t in _trials(db_path, "killed") if t.state == TrialState.RUNNING
                           and "owner" in t.user_attrs and t.intermediate_values]
            except (KeyError, Exception):  # the study may not exist yet
                running = []
            if running:
                break
            time.sleep(0.2)
        assert running, f"no trial seen running; stderr: {proc.stderr.read().decode() if proc.stderr else ''}"
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    before = _trials(db_path, "killed")
    killed = [t for t in before if t.state == TrialState.RUNNING]
    assert len(killed) == 1  # killed mid-trial
    finished_before = [t.number for t in before if t.state == TrialState.COMPLETE]

    assert main(["--db", str(db_path), "tune", "--resume", "killed", "--json"]) == 0

    after = _trials(db_path, "killed")
    numbers = [t.number for t in after]
    assert len(numbers) == len(set(numbers))
    assert not [t for t in after if t.state in (TrialState.RUNNING, TrialState.WAITING)]
    complete = [t for t in after if t.state == TrialState.COMPLETE]
    assert len(complete) == 3  # the budget, no more and no less
    assert set(finished_before) <= {t.number for t in complete}
    dead = next(t for t in after if t.number == killed[0].number)
    assert dead.state == TrialState.FAIL and dead.user_attrs.get("abandoned")
    retried = [t for t in after if t.system_attrs.get("failed_trial") == dead.number]
    assert len(retried) == 1 and retried[0].state == TrialState.COMPLETE
    assert retried[0].params == dead.params
    # the trials of the first process kept their results: nothing was trained twice but the killed one
    by_number = {t.number: t for t in after}
    for t in before:
        if t.state == TrialState.COMPLETE:
            assert by_number[t.number].value == t.value


def test_cli_tune_prints_study_best_settings_and_a_usable_model(db_path: Path, capsys) -> None:
    db = open_database(db_path)
    dataset_id = make_dataset(db, implicit=True)
    db.close()
    assert main(["--db", str(db_path), "tune", "--dataset", str(dataset_id), "--model", "ease", "--model",
                 "itemknn", "--trials", "2", "--json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload["study_id"] in {r["study_id"] for r in payload["ranking"]}
    assert [r["family"] for r in payload["ranking"]] == sorted(
        [r["family"] for r in payload["ranking"]],
        key=lambda f: -next(r["chosen_valid_score"] for r in payload["ranking"] if r["family"] == f))
    assert payload["best_params"] and payload["valid_score"] is not None
    # the settings trained (the best, or the defaults when the best beats them only by noise) and why
    assert payload["chosen_params"] and payload["chosen_valid_score"] is not None
    assert payload["chosen_trial"] in (0, payload["best_trial"]) and payload["note"]
    model_id = payload["model_id"]
    assert main(["--db", str(db_path), "recommend", str(model_id), "--user", "u1", "--json"]) == 0
    recs = json.loads(capsys.readouterr().out)["recommendations"]
    assert len(recs) == 10
    assert main(["--db", str(db_path), "evaluate", str(model_id), "--json"]) == 0
    evaluated = json.loads(capsys.readouterr().out)
    assert evaluated["ndcg@10"] == pytest.approx(payload["test_score"])
    assert np.isfinite(payload["ranking"][1]["test_score"])
    assert main(["--db", str(db_path), "studies", "show", payload["search"], "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert len(shown["trials"]) == 4


def test_a_time_budget_shorter_than_one_trial_still_gives_each_family_a_result(db) -> None:
    dataset_id = make_dataset(db, implicit=True)
    # 10 ms: shorter than any trial on any machine (half a second once let a fast BPR finish two)
    result = run_search(db, SearchRequest(dataset=dataset_id, families=("bpr", "ease"), n_trials=None,
                                          timeout_s=0.01, settings=FAST_BPR, train_final=False))
    by_family = {r.family: r for r in result.families}
    for family in ("bpr", "ease"):
        assert by_family[family].n_complete == 1 and by_family[family].best_value is not None
    # the first trial is each family's defaults
    assert by_family["bpr"].best_params["learning_rate"] == pytest.approx(0.005)


def test_trials_do_not_refit_on_the_validation_rows_that_score_them(db) -> None:
    dataset_id = make_dataset(db)  # explicit ratings: MF's rating objective refits by default
    spec = SplitSpec(seed=3)
    settings = {"dim": "8", "epochs": "6", "patience": "2"}
    result = run_search(db, SearchRequest(dataset=dataset_id, families=("mf",), n_trials=1, split=spec,
                                          settings=settings, train_final=False))
    parts = make_split(load_dataset(db, dataset_id).interactions, spec)

    def valid_rmse(refit: bool) -> float:
        model = create_model("mf", {**settings, "refit": refit})
        model.fit_all(parts.train, valid=parts.valid)
        return evaluate(model, parts.train, parts.valid, 10, metrics={"rmse"}, rating_metrics=True)["rmse"]

    honest, leaked = valid_rmse(False), valid_rmse(True)
    assert leaked < honest  # refitting on the validation rows flatters them
    assert result.families[0].best_value == pytest.approx(honest, rel=1e-6)


def test_trial_models_keep_the_validation_rows_that_score_them_unseen(db) -> None:
    """A hybrid folds the validation part into its histories after training (good for the final model);
    a trial must not, or its validation score is inflated by the very rows it is scored on."""
    dataset_id = make_dataset(db, implicit=True)
    spec = SplitSpec(seed=4)
    settings = {"dim": "8", "word_dim": "8", "filters": "8", "epochs": "2", "negatives": "8"}
    result = run_search(db, SearchRequest(dataset=dataset_id, families=("hybrid",), n_trials=1, split=spec,
                                          settings=settings, train_final=False))
    parts = make_split(load_dataset(db, dataset_id).interactions, spec)
    data = load_dataset(db, dataset_id)

    def valid_ndcg(absorb: bool) -> tuple[float, int]:
        model = create_model("hybrid", settings)
        model.absorb_validation = absorb
        model.fit_all(parts.train, content=data.content, valid=parts.valid)
        score = evaluate(model, parts.train, parts.valid, 10, data.content, metrics={"ndcg"})["ndcg@10"]
        return score, int(model.seen.nnz)

    (honest, seen_honest), (leaked, seen_leaked) = valid_ndcg(False), valid_ndcg(True)
    assert seen_honest < seen_leaked  # absorbing marks the validation rows seen
    assert leaked > honest  # and flatters the rows that score it
    assert result.families[0].best_value == pytest.approx(honest, rel=1e-6)
