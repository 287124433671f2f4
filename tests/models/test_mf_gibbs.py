"""Biased MF's Gibbs solver (Bayesian MF): it learns planted low-rank ratings, reports per sweep, averages
its kept draws into an ordinary MF module that reloads exactly, and refuses what it cannot do."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from tests.planted import load_stored, make_dataset
from workbench.core.ids import IdMap
from workbench.core.interactions import Interactions
from workbench.core.training import TrainingError
from workbench.evaluation.splits import SplitSpec
from workbench.models.gibbs import averaged_factors, kept_sweeps, noise_precision
from workbench.models.registry import create_model, model_from_artifact
from workbench.models.torch_base import NO_CHECKPOINT, REFIT
from workbench.store import runs as run_store
from workbench.training.runner import train

SMALL = {"solver": "gibbs", "gibbs_dim": 4, "gibbs_sweeps": 25, "gibbs_kept": 5, "seed": 0}


def low_rank(n_users: int = 80, n_items: int = 60, seed: int = 0) -> tuple[Interactions, Interactions]:
    """Rank-2 ratings on a 1-5 scale plus noise, 40% observed; (train, test) split 85/15."""
    rng = np.random.default_rng(seed)
    u, v = rng.normal(size=(n_users, 2)), rng.normal(size=(n_items, 2))
    full = np.clip(3.0 + 0.8 * (u @ v.T) + rng.normal(scale=0.3, size=(n_users, n_items)), 1.0, 5.0)
    users, items = np.nonzero(rng.random((n_users, n_items)) < 0.4)
    test = rng.random(len(users)) < 0.15
    ids_u, ids_i = IdMap.from_ids([f"u{k}" for k in range(n_users)]), IdMap.from_ids([f"i{k}" for k in
                                                                                       range(n_items)])

    def part(mask: np.ndarray) -> Interactions:
        return Interactions(users[mask], items[mask], full[users[mask], items[mask]].astype(np.float32),
                            ids_u, ids_i, kind="explicit", rating_min=1.0, rating_max=5.0)

    return part(~test), part(test)


def predict(model, data: Interactions) -> np.ndarray:
    return model.score(np.arange(data.n_users))[data.user_idx, data.item_idx]


def rmse(model, data: Interactions) -> float:
    return float(np.sqrt(np.mean((predict(model, data) - data.values) ** 2)))


def test_learns_planted_low_rank_ratings_and_reports_each_sweep() -> None:
    train_part, test_part = low_rank()
    valid = test_part
    model = create_model("mf", {**SMALL, "refit": False})
    reports = model.fit_all(train_part, valid=valid)
    assert [r.epoch for r in reports] == list(range(1, 26))
    keep = kept_sweeps(25, 5)
    for r in reports:
        assert r.extra[NO_CHECKPOINT] == 1.0 and r.train_loss is not None and r.train_loss > 0
        # validation only once draws are averaged: a search's pruner never sees burn-in sweeps
        assert (r.valid_metric is not None) == (r.epoch in keep)
    assert reports[-1].extra["kept_draws"] == 5
    baseline = float(np.sqrt(np.mean((train_part.values.mean() - test_part.values) ** 2)))
    assert rmse(model, test_part) < 0.6 * baseline
    assert rmse(model, test_part) == pytest.approx(reports[-1].valid_metric, abs=1e-4)
    assert model.meta["module_dim"] == 4 * 5


def test_averaged_model_reloads_with_identical_scores() -> None:
    train_part, test_part = low_rank(seed=1)
    model = create_model("mf", {**SMALL, "refit": False})
    model.fit_all(train_part)
    again = model_from_artifact(model.to_artifact())
    np.testing.assert_allclose(predict(again, test_part), predict(model, test_part), rtol=1e-6)


def test_refit_adds_the_validation_ratings_as_flagged_sweeps() -> None:
    train_part, valid = low_rank(seed=2)
    model = create_model("mf", SMALL)
    reports = model.fit_all(train_part, valid=valid)
    assert len(reports) == 50
    assert all(r.extra.get(REFIT) == 1.0 and r.valid_metric is None for r in reports[25:])
    assert not any(r.extra.get(REFIT) for r in reports[:25])


def test_refuses_implicit_data_and_resuming() -> None:
    train_part, _ = low_rank()
    implicit = Interactions(train_part.user_idx, train_part.item_idx, np.ones(len(train_part), np.float32),
                            train_part.users, train_part.items, kind="implicit")
    with pytest.raises(TrainingError, match="explicit ratings"):
        create_model("mf", SMALL).fit_all(implicit)
    model = create_model("mf", SMALL)
    model.fit_all(train_part)
    with pytest.raises(TrainingError, match="cannot resume"):
        create_model("mf", SMALL).fit_all(train_part, resume_from=model.to_artifact())


def test_kept_sweeps_are_spread_after_burn_in_and_end_on_the_last() -> None:
    assert kept_sweeps(200, 32)[-1] == 200 and len(kept_sweeps(200, 32)) == 32
    assert min(kept_sweeps(200, 32)) > 40
    assert kept_sweeps(10, 50) == list(range(3, 11))  # never more than the sweeps after burn-in
    u = [torch.ones(3, 2), 2 * torch.ones(3, 2)]
    users, items = averaged_factors([(u[0], u[0]), (u[1], u[1])])
    # the concatenation's dot product is the mean of the draws' dot products: (2 + 8) / 2
    assert torch.allclose((users * items).sum(1), torch.full((3,), 5.0))
    assert noise_precision(np.array([1.0, 5.0])) == pytest.approx(1 / (0.4 * 4.0))


def test_runner_records_sweeps_without_checkpoints(db) -> None:
    tiny = load_stored(db, make_dataset(db, "tiny"))
    result = train(db, tiny, "mf", {**{k: str(v) for k, v in SMALL.items()}}, SplitSpec("random", seed=1))
    run = run_store.get_run(db, result.run_id)
    assert run.status == "completed" and run.checkpoint_epoch is None
    assert len(run.epochs) == 50  # the chain on training data, then the one with validation added
    assert result.metrics["rmse"] < float(np.std(tiny.interactions.values))


def test_grouped_row_sampling_solves_each_rows_own_system(monkeypatch) -> None:
    import workbench.models.gibbs as gibbs

    monkeypatch.setattr(gibbs, "BLOCK_ELEMENTS", 200)  # many small groups, some rows alone in theirs
    rng = np.random.default_rng(0)
    n_rows, n_cols, d = 30, 25, 4
    counts = rng.integers(0, 12, n_rows)
    counts[3] = 0  # a row without ratings is drawn from the prior
    rows = np.repeat(np.arange(n_rows), counts)
    cols = rng.integers(0, n_cols, len(rows))
    res = rng.normal(size=len(rows))
    side = gibbs.RowsCsr(rows, cols, res, n_rows)
    other = torch.from_numpy(rng.normal(size=(n_cols, d)))
    mu, lam, alpha = torch.from_numpy(rng.normal(size=d)), torch.eye(d, dtype=torch.float64) * 1.5, 2.0
    draw, mean = gibbs.sample_rows(side, other, mu, lam, alpha, torch.Generator().manual_seed(0))
    for r in range(n_rows):
        v, y = other[cols[rows == r]], torch.from_numpy(res[rows == r])
        expected = torch.linalg.solve(lam + alpha * v.T @ v, alpha * v.T @ y + lam @ mu)
        assert torch.allclose(mean[r], expected, atol=1e-10), r
    assert torch.isfinite(draw).all() and not torch.allclose(draw, mean)
