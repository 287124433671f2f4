"""The selection guard: the best trial is trained only when it beats the defaults by more than noise."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import optuna
import pytest

from tests.planted import make_dataset
from workbench.cli import main
from workbench.evaluation.protocol import PerUserScores
from workbench.store.db import open_database
from workbench.store.models import get_model_info
from workbench.tuning.guard import (
    DEFAULTS_KEY,
    NOISE_Z,
    PER_USER_KEY,
    encode_per_user,
    required_z,
    select_trial,
)
from workbench.tuning.storage import open_storage
from workbench.tuning.study import SearchRequest, resume_search, run_search, train_best

FAST_BPR = {"dim": "16", "epochs": "8", "patience": "0", "l2": "0.0001", "negatives": "4"}


def test_a_noise_only_gain_keeps_the_defaults_with_a_note(db_path: Path, capsys) -> None:
    db = open_database(db_path)
    dataset_id = make_dataset(db, implicit=True, n_users=300, seed=1)
    # shrinkage 9..11 around the default 10 barely moves item similarities: any gain is the luck of the
    # validation users, not better settings
    result = run_search(db, SearchRequest(
        dataset=dataset_id, families=("itemknn",), n_trials=12, sampler="random", name="noise",
        settings={"neighbours": "100", "shrinkage": "9:11"}))
    family = result.families[0]
    assert family.best_trial != 0 and family.best_value > family.chosen_value  # a spurious gain exists
    selection = family.selection
    assert selection is not None and selection.outcome == "defaults_kept"
    assert family.chosen_trial == selection.defaults_trial == 0
    assert family.chosen_params == {"shrinkage": 10.0}
    assert selection.z is not None and 0 < selection.z < selection.needed
    assert family.note is not None and family.note.startswith(
        f"defaults kept: trial {family.best_trial} beats them by ") and family.note.endswith("within noise")
    # the model trained is the defaults'; the study records both trials and the note
    info = get_model_info(db, family.final_model_id)
    assert info.config["shrinkage"] == pytest.approx(10.0)
    study = optuna.load_study(study_name=family.study_name, storage=open_storage(db))
    final = study.user_attrs["final"]
    assert (final["trial"], final["best_trial"], final["note"]) == (0, family.best_trial, family.note)
    # per-user scores are kept for the defaults and each best-so-far trial only
    stored = {t.number for t in study.trials if t.user_attrs.get(PER_USER_KEY)}
    assert {0, family.best_trial} <= stored and len(stored) < family.n_complete

    assert main(["--db", str(db_path), "studies", "show", "noise", "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert (shown["chosen_trial"], shown["best_trial"], shown["note"]) == (0, family.best_trial, family.note)
    assert shown["best_params"]["shrinkage"] != 10.0 and shown["chosen_params"] == {"shrinkage": 10.0}

    db.close()


def test_searches_without_per_user_scores_fall_back_to_the_best_trial_and_say_so(db, monkeypatch) -> None:
    """A search recorded before trials kept per-user scores (simulated: the evaluation returns none), then
    resumed by this version: the defaults trial has none, so the best trial is trained, unchecked."""
    from workbench.evaluation import protocol

    dataset_id = make_dataset(db, implicit=True, n_users=120, seed=2)
    plain = protocol.evaluate_per_user
    monkeypatch.setattr(protocol, "evaluate_per_user", lambda *a, **kw: (plain(*a, **kw)[0], {}))
    run_search(db, SearchRequest(dataset=dataset_id, families=("itemknn",), n_trials=3, sampler="random",
                                 name="older", train_final=False))
    monkeypatch.setattr(protocol, "evaluate_per_user", plain)
    resumed = resume_search(db, "older", n_trials=6).families[0]
    assert resumed.n_complete == 6
    assert resumed.selection is not None and resumed.selection.outcome == "unchecked"
    assert resumed.selection.reason == "no_scores"
    assert resumed.chosen_trial == resumed.best_trial != 0
    assert resumed.note is not None and resumed.note.startswith(f"best trial {resumed.best_trial} trained "
                                                                "unchecked: ")
    trained = train_best(db, "older").families[0]
    assert trained.final_model_id is not None and trained.chosen_trial == resumed.best_trial
    config = get_model_info(db, trained.final_model_id).config
    assert config["neighbours"] == resumed.best_params["neighbours"]
    again = train_best(db, "older").families[0]  # already trained for the chosen trial: nothing new
    assert again.final_model_id == trained.final_model_id


def test_a_real_gain_over_the_defaults_is_trained(db) -> None:
    dataset_id = make_dataset(db, implicit=True, n_users=300, seed=1)
    # eight epochs at the default learning rate (0.005) leave BPR far from trained; 0.03 gets there
    result = run_search(db, SearchRequest(
        dataset=dataset_id, families=("bpr",), n_trials=2, sampler="random", train_final=False,
        settings={**FAST_BPR, "learning_rate": "0.001:0.1:log"}, enqueue=({"learning_rate": 0.03},)))
    family = result.families[0]
    selection = family.selection
    assert selection is not None and selection.outcome == "best"
    assert family.best_trial == family.chosen_trial == 1 and family.chosen_params == {"learning_rate": 0.03}
    assert selection.z is not None and selection.z > 2 * selection.needed
    assert family.note == (f"trial 1 beats the defaults (trial 0) by {selection.gain:.4f} ndcg@10 on "
                           f"validation, {selection.z:.1f} paired standard errors (needed "
                           f"{selection.needed:.1f}): trial 1 trained")
    assert result.to_dict()["chosen_params"] == result.to_dict()["best_params"] == {"learning_rate": 0.03}


def _study_with(per_user: dict[int, tuple[np.ndarray, np.ndarray]], values: dict[int, float],
                direction: str = "maximize", metric: str = "ndcg@10") -> optuna.Study:
    """A study of finished trials whose per-user validation scores are planted (trial 0: the defaults)."""
    study = optuna.create_study(direction=direction)
    for number in sorted(values):
        attrs: dict[str, object] = {DEFAULTS_KEY: True} if number == 0 else {}
        if number in per_user:
            users, scores = per_user[number]
            attrs[PER_USER_KEY] = encode_per_user(metric, PerUserScores(users, scores))
        study.add_trial(optuna.trial.create_trial(
            params={"x": float(number)}, distributions={"x": optuna.distributions.FloatDistribution(0, 99)},
            value=values[number], user_attrs=attrs))
    return study


def test_the_paired_test_follows_the_metric_direction_and_the_number_of_trials() -> None:
    rng = np.random.default_rng(0)
    users = np.arange(500)
    base = rng.gamma(2.0, 1.0, 500)  # per-user squared errors of the defaults
    # rmse: the best trial's squared errors are lower for most users: a real gain, lower being better
    better = base * 0.8
    study = _study_with({0: (users, base), 1: (users, better)}, {0: 1.0, 1: 0.9}, "minimize", "rmse")
    assert select_trial(study, "rmse").outcome == "best"
    # a gain of 0.01 on the mean with per-user differences of spread 0.05 over 500 users is noise
    noisy = base + rng.normal(0, 1.0, 500) * 0.05
    study = _study_with({0: (users, base), 1: (users, noisy)}, {0: 0.5, 1: 0.51})
    chosen = select_trial(study, "ndcg@10")
    assert chosen.outcome == "defaults_kept" and abs(chosen.z or 0.0) < NOISE_Z
    # no trial marked as the defaults (a grid, or an older search): the best, unchecked
    unmarked = optuna.create_study()
    unmarked.add_trial(optuna.trial.create_trial(value=0.4))
    assert select_trial(unmarked, "ndcg@10").reason == "no_defaults"
    # scores over other users cannot be paired: the best is trained unchecked
    study = _study_with({0: (users, base), 1: (users + 1, better)}, {0: 0.5, 1: 0.6})
    assert select_trial(study, "ndcg@10").reason == "different_users"
    # the bar grows with the trials compared: the best of many equal settings is luckier
    assert required_z(1) == required_z(7) == NOISE_Z
    assert required_z(300) == pytest.approx(np.sqrt(2 * np.log(300))) and required_z(300) > 3.3
