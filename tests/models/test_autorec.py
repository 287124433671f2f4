"""AutoRec specifics: ratings only, refit on training + validation, exact fold-in and its history split."""

from __future__ import annotations

import numpy as np
import pytest

from tests.models.test_contract import FAST, N_GROUPS, N_ITEMS, N_USERS, planted
from workbench.core.interactions import Interactions
from workbench.errors import WorkbenchError
from workbench.models.base import TrainingError
from workbench.models.registry import create_model


@pytest.fixture(scope="module")
def data() -> tuple[Interactions, Interactions]:
    train, test, _ = planted()
    return train, test


@pytest.fixture(scope="module")
def fitted(data):
    train, test = data
    model = create_model("autorec", FAST["autorec"])
    reports = model.fit_all(train, valid=test)
    return model, reports


def test_ranking_objective_is_refused() -> None:
    with pytest.raises(WorkbenchError, match="objective"):
        create_model("autorec", {"objective": "ranking"})


def test_implicit_data_raises_a_clear_training_error(data) -> None:
    train, _ = data
    implicit = Interactions(train.user_idx, train.item_idx, np.ones(len(train), np.float32), train.users,
                            train.items, kind="implicit")
    with pytest.raises(TrainingError, match="explicit ratings"):
        create_model("autorec", FAST["autorec"]).fit_all(implicit)


def test_early_stopping_and_refit_on_train_plus_valid(fitted, data) -> None:
    train, test = data
    model, reports = fitted
    assert reports[0].metric_name == "rmse"
    best = [r for r in reports if r.is_best][-1]
    # the refit input holds the validation ratings too
    assert model.meta["n_ratings"] == len(train) + len(test)
    ratings = model.buffers["ratings"].numpy()
    np.testing.assert_array_equal(ratings[test.item_idx, test.user_idx], test.values)
    # predictions stay inside the rating range and beat the validation RMSE of the global mean
    pred = model.score(np.arange(N_USERS))
    assert pred.min() >= 1.0 and pred.max() <= 5.0
    mean_rmse = np.sqrt(((train.values.mean() - test.values) ** 2).mean())
    assert best.valid_metric < 0.7 * mean_rmse


def test_fold_in_prefers_the_new_users_group_and_splits_exactly(fitted, data) -> None:
    model, _ = fitted
    # a rating model needs contrast: group-1 items rated 5, one item of each other group rated 1
    history = np.array([1, 5, 9, 0, 2, 3])
    scores = model.fold_in_user(history, np.array([5, 5, 5, 1, 1, 1.0]))
    assert scores.shape == (N_ITEMS,)
    scores[history] = -np.inf
    top = np.argsort(-scores)[:5]
    assert (top % N_GROUPS == 1).mean() >= 0.8
    # no history: the average user, i.e. the mean of the known users' unclipped predictions, clipped
    empty = model.fold_in_user(np.array([], dtype=np.int64))
    dec = model.module.decoder
    raw = model.item_embeddings() @ dec.weight.detach().numpy().T + dec.bias.detach().numpy()
    np.testing.assert_allclose(empty, np.clip(raw.mean(1), 1.0, 5.0), rtol=1e-4)
    # contributions of a known user's history add up to their folded-in score above the average user
    user = 2
    rows = model.training_history(user)
    np.testing.assert_array_equal(rows, model.seen[user].indices)
    split = model.explain_history(rows, None, np.array([6]))
    codes = model.item_embeddings().astype(np.float64)
    assert codes.shape == (N_ITEMS, FAST["autorec"]["hidden"])
    unclipped = model.history_score(rows, None, np.array([6]))
    average = raw.mean(1)[6]
    np.testing.assert_allclose(split.contributions[:, 0].sum(), unclipped[0] - average, rtol=1e-4, atol=1e-4)
    np.testing.assert_allclose(split.base_scores + split.contributions.sum(0), split.full_scores, atol=1e-6)
