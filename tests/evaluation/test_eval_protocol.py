"""The evaluation protocol with a fake model whose scores are fixed in the test."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np
import pandas as pd
import pytest

from workbench.core.ids import IdMap
from workbench.core.interactions import Interactions, ItemContent
from workbench.errors import WorkbenchError
from workbench.evaluation import (
    SplitSpec,
    align_holdout,
    cold_item_rows,
    evaluate,
    evaluate_holdout,
    evaluate_per_user,
    evaluate_split,
    make_split,
)
from workbench.models.base import EpochReport, ModelArtifact, Recommender

LOG3 = np.log2(3.0)


class FixedScores(Recommender):
    """Scores from a matrix given in the test; nothing is learned."""

    family = "fixed"

    def __init__(self, matrix: np.ndarray, predicts_ratings: bool = False) -> None:
        super().__init__()
        self.matrix = np.asarray(matrix, dtype=np.float32)
        self._predicts_ratings = predicts_ratings
        self.users = IdMap.from_ids(range(self.matrix.shape[0]))
        self.items = IdMap.from_ids(range(self.matrix.shape[1]))

    @property
    def predicts_ratings(self) -> bool:
        return self._predicts_ratings

    def fit(self, train: Interactions, **kwargs: Any) -> Iterator[EpochReport]:
        yield EpochReport(epoch=1, train_loss=None)

    def score(self, user_rows: np.ndarray, item_rows: np.ndarray | None = None) -> np.ndarray:
        scores = self.matrix[np.asarray(user_rows)]
        return scores if item_rows is None else scores[:, np.asarray(item_rows)]

    def to_artifact(self) -> ModelArtifact:
        raise NotImplementedError

    @classmethod
    def from_artifact(cls, artifact: ModelArtifact) -> Recommender:
        raise NotImplementedError


def interactions(pairs: list[tuple[int, int]], n_users: int, n_items: int,
                 values: list[float] | None = None) -> Interactions:
    users, items = zip(*pairs, strict=True) if pairs else ((), ())
    return Interactions(np.array(users), np.array(items), np.array(values if values else [1.0] * len(pairs)),
                        IdMap.from_ids(range(n_users)), IdMap.from_ids(range(n_items)),
                        rating_min=1.0, rating_max=5.0)


# 2 users x 5 items. User 0 trained on item 0 only (cold when cold_user_max=1); user 1 on items 0, 1, 2.
SCORES = np.array([[10, 9, 8, 7, 6],
                   [10, 9, 8, 7, 6]], dtype=np.float32)
TRAIN = interactions([(0, 0), (1, 0), (1, 1), (1, 2)], 2, 5)
# user 0's test repeats its training item 0 (must not count) and adds item 2; user 1's test is item 4
TEST = interactions([(0, 0), (0, 2), (1, 4)], 2, 5)


def test_seen_items_are_masked_even_with_the_top_score() -> None:
    out = evaluate(FixedScores(SCORES), TRAIN, TEST, k=2, cold_user_max=1)
    # user 0: ranking without item 0 is [1, 2, 3, 4]; relevant = {2} (0 is seen) -> hit at rank 2:
    #   P@2 = 1/2, R@2 = 1/1, NDCG@2 = (1/log2 3) / 1, AP@2 = P@2 / min(1, 2) = 0.5, RR = 1/2
    # user 1: ranking without 0, 1, 2 is [3, 4]; relevant {4} -> also hit at rank 2, the same values
    assert out["n_users_evaluated"] == 2
    assert out["precision@2"] == pytest.approx(0.5)
    assert out["recall@2"] == pytest.approx(1.0)
    assert out["ndcg@2"] == pytest.approx(1 / LOG3)
    assert out["map@2"] == pytest.approx(0.5)
    assert out["mrr@2"] == pytest.approx(0.5)
    assert out["hit_rate@2"] == pytest.approx(1.0)
    # lists {1, 2} and {3, 4}: 4 distinct of 5 items
    assert out["coverage@2"] == pytest.approx(0.8)
    assert "rmse" not in out  # no rating objective
    # at K=1 the seen item 0 would have been a hit without masking; it must not be
    assert evaluate(FixedScores(SCORES), TRAIN, TEST, k=1)["hit_rate@1"] == 0.0


def test_cold_and_active_breakdown() -> None:
    scores = SCORES.copy()
    scores[1] = [0, 0, 0, 1, 2]  # user 1 now ranks item 4 first: NDCG = 1
    out = evaluate(FixedScores(scores), TRAIN, TEST, k=2, cold_user_max=1)
    assert out["cold_users/n_users_evaluated"] == 1 and out["active_users/n_users_evaluated"] == 1
    assert out["cold_users/ndcg@2"] == pytest.approx(1 / LOG3)  # user 0, hit at rank 2
    assert out["active_users/ndcg@2"] == pytest.approx(1.0)  # user 1, hit at rank 1
    assert out["ndcg@2"] == pytest.approx((1 / LOG3 + 1.0) / 2)
    assert out["active_users/mrr@2"] == 1.0 and out["cold_users/mrr@2"] == 0.5
    # with a higher threshold both are cold and the active group is left out, not NaN
    both_cold = evaluate(FixedScores(scores), TRAIN, TEST, k=2, cold_user_max=5)
    assert both_cold["cold_users/n_users_evaluated"] == 2 and "active_users/ndcg@2" not in both_cold


def test_per_user_values_are_each_users_own_and_average_to_the_reported_figures() -> None:
    scores = SCORES.copy()
    scores[1] = [0, 0, 0, 1, 2]  # user 1 ranks its item 4 first
    out, per_user = evaluate_per_user(FixedScores(scores), TRAIN, TEST, k=2, metrics={"ndcg", "coverage"})
    assert out == evaluate(FixedScores(scores), TRAIN, TEST, k=2, metrics={"ndcg", "coverage"})
    assert per_user["ndcg@2"].users.tolist() == [0, 1]
    assert per_user["ndcg@2"].values == pytest.approx([1 / LOG3, 1.0])
    assert per_user["ndcg@2"].values.mean() == pytest.approx(out["ndcg@2"])
    assert set(per_user) == {"ndcg@2"}  # filtered like the figures; coverage is a list metric: no per-user
    # ratings: each user's sum of squared errors (lower is better); their total over the ratings is the MSE
    train = interactions([(0, 0), (1, 0)], 2, 3, values=[4.0, 2.0])
    test = interactions([(0, 1), (0, 2), (1, 2)], 2, 3, values=[5.0, 3.0, 1.0])
    ratings = np.array([[3.0, 7.0, 4.0], [3.0, 3.0, 2.0]])  # 7 is clipped to 5 first
    out, per_user = evaluate_per_user(FixedScores(ratings, predicts_ratings=True), train, test, k=2,
                                      metrics={"rmse"})
    assert per_user["rmse"].users.tolist() == [0, 1]
    assert per_user["rmse"].values == pytest.approx([1.0, 1.0])  # user 0: 0 + 1; user 1: 1
    assert np.sqrt(per_user["rmse"].values.sum() / 3) == pytest.approx(out["rmse"])


def test_several_cutoffs_and_metric_filter() -> None:
    out = evaluate(FixedScores(SCORES), TRAIN, TEST, k=[1, 2], metrics={"ndcg", "recall"})
    assert out["ndcg@1"] == 0.0 and out["ndcg@2"] == pytest.approx(1 / LOG3)
    assert {key.split("/")[-1].split("@")[0] for key in out} <= {"ndcg", "recall", "n_users_evaluated"}
    with pytest.raises(WorkbenchError, match="unknown metric"):
        evaluate(FixedScores(SCORES), TRAIN, TEST, metrics={"auc"})


def test_rating_metrics_only_with_a_rating_objective_and_clipped() -> None:
    train = interactions([(0, 0), (1, 0)], 2, 3, values=[4.0, 2.0])
    test = interactions([(0, 1), (0, 2), (1, 2)], 2, 3, values=[5.0, 3.0, 1.0])
    ratings = np.array([[3.0, 7.0, 4.0],  # 7 is clipped to 5 (the training scale's maximum)
                        [3.0, 3.0, 2.0]])
    out = evaluate(FixedScores(ratings, predicts_ratings=True), train, test, k=2, cold_user_max=0)
    # errors: 5-5 = 0, 4-3 = 1, 2-1 = 1 -> RMSE = sqrt(2/3), MAE = 2/3
    assert out["rmse"] == pytest.approx(np.sqrt(2 / 3))
    assert out["mae"] == pytest.approx(2 / 3)
    assert out["n_ratings_evaluated"] == 3
    assert out["active_users/rmse"] == pytest.approx(np.sqrt(2 / 3))
    no_rating = evaluate(FixedScores(ratings), train, test, k=2)
    assert "rmse" not in no_rating and "mae" not in no_rating


def test_relevance_threshold() -> None:
    train = interactions([(0, 0)], 1, 4, values=[5.0])
    test = interactions([(0, 1), (0, 2)], 1, 4, values=[2.0, 5.0])
    model = FixedScores(np.array([[0, 3, 2, 1]]))
    # all test rows relevant: item 1 at rank 1 -> hit; with threshold 4 only item 2 (rank 2) counts
    assert evaluate(model, train, test, k=1)["hit_rate@1"] == 1.0
    assert evaluate(model, train, test, k=1, relevance_threshold=4.0)["hit_rate@1"] == 0.0


def test_sampled_negatives() -> None:
    # relevant item 4 scores lowest; with 0 sampled negatives it is the only candidate -> NDCG 1
    out = evaluate(FixedScores(SCORES), TRAIN, TEST, k=2, sampled_negatives=0)
    assert out["ndcg@2"] == pytest.approx(1.0)
    # with more negatives than items the ranking is the full one
    full = evaluate(FixedScores(SCORES), TRAIN, TEST, k=2)
    assert evaluate(FixedScores(SCORES), TRAIN, TEST, k=2, sampled_negatives=100)["ndcg@2"] == full["ndcg@2"]


def test_diversity_and_novelty_reported() -> None:
    content = ItemContent(TRAIN.items, [""] * 5, [""] * 5, [["a"], ["a"], ["b"], ["b"], ["a", "b"]])
    out = evaluate(FixedScores(SCORES), TRAIN, TEST, k=2, content=content)
    # lists [1, 2] -> d = 1 - 0/2 = 1; [3, 4] -> d = 1 - 1/2 = 0.5; mean 0.75
    assert out["diversity@2"] == pytest.approx(0.75)
    # 2 training users; item 1, 2 seen by 1 -> 1 bit each; items 3, 4 never -> 1 bit each
    assert out["novelty@2"] == pytest.approx(1.0)
    assert "diversity@2" not in evaluate(FixedScores(SCORES), TRAIN, TEST, k=2)


def test_candidate_items_restrict_the_ranking_to_cold_items() -> None:
    data = interactions([(0, 0), (0, 1), (0, 3), (1, 0), (1, 3), (1, 4)], 2, 5)
    split = make_split(data, SplitSpec(kind="cold_items", test_fraction=0.4, valid_fraction=0.0, seed=1))
    cold = cold_item_rows(split)
    assert len(cold) == 2 and not np.isin(cold, split.train.item_idx).any()
    # popularity-like scores put every warm item (item 2, never interacted, is unseen by all) above the
    # cold ones: no hit at rank 1 of the full ranking; among the 2 cold items alone each user's is in top 2
    scores = np.tile(np.where(np.isin(np.arange(5), cold), 0.0, 1.0), (2, 1))
    warm_first = FixedScores(scores)
    assert evaluate_split(warm_first, split, k=1)["hit_rate@1"] == 0.0
    assert evaluate_split(warm_first, split, k=2, candidate_items=cold)["hit_rate@2"] == 1.0


def test_wrong_shape_is_an_error() -> None:
    with pytest.raises(WorkbenchError, match="different id maps"):
        evaluate(FixedScores(SCORES[:, :4]), TRAIN, TEST, k=2)


def test_holdout_alignment_and_evaluation_match_evaluate() -> None:
    frame = pd.DataFrame({"user": ["0", "0", "1", "9", "1"], "item": ["0", "2", "4", "1", "77"],
                          "rating": [1.0, 1.0, 1.0, 1.0, 1.0]})
    model = FixedScores(SCORES)
    aligned = align_holdout(model.users, model.items, frame)
    assert (aligned.n_rows, aligned.n_kept, aligned.n_unknown_user, aligned.n_unknown_item) == (5, 3, 1, 1)
    out = evaluate_holdout(model, TRAIN.to_csr(), aligned.user_rows, aligned.item_rows, aligned.ratings, k=2)
    assert out == evaluate(model, TRAIN, TEST, k=2)


def test_evaluate_split_masks_validation_history() -> None:
    rng = np.random.default_rng(0)
    pairs = sorted({(int(u), int(i)) for u, i in zip(rng.integers(0, 30, 400), rng.integers(0, 50, 400),
                                                      strict=True)})
    data = interactions(pairs, 30, 50)
    split = make_split(data, SplitSpec(kind="user_ratio", valid_fraction=0.2, seed=3))
    # a model that scores exactly the validation items highest: they are history, never hits
    scores = rng.random((30, 50)).astype(np.float32)
    scores[split.valid.user_idx, split.valid.item_idx] = 100.0
    model = FixedScores(scores)
    out = evaluate_split(model, split, k=5)
    assert out == evaluate(model, split.train.concat(split.valid), split.test, k=5)
    # masking only the training part would leave the validation items at the top of every list,
    # where they are never hits
    unmasked = evaluate(model, split.train, split.test, k=5)
    assert out["n_users_evaluated"] == unmasked["n_users_evaluated"] > 20
    assert unmasked["precision@5"] < out["precision@5"]


def test_full_ranking_on_movielens_popularity(ml100k) -> None:
    frame = pd.read_csv(ml100k / "u.data", sep="\t", names=["user", "item", "rating", "ts"])
    users, items = IdMap.from_ids(sorted(frame.user.unique())), IdMap.from_ids(sorted(frame.item.unique()))
    data = Interactions(users.rows(frame.user.tolist()), items.rows(frame.item.tolist()), frame.rating.values,
                        users, items, frame.ts.values, rating_min=1, rating_max=5)
    split = make_split(data, SplitSpec(kind="user_ratio", valid_fraction=0.0))
    popularity = np.bincount(split.train.item_idx, minlength=data.n_items).astype(np.float32)
    model = FixedScores(np.tile(popularity, (data.n_users, 1)))
    out = evaluate_split(model, split, k=10)
    assert out["n_users_evaluated"] == 943
    assert 0.15 < out["ndcg@10"] < 0.35  # most-popular on a per-user 80/20 split


@pytest.mark.parametrize("batch_size, item_chunk", [(7, 13), (1, 1), (64, 39)])
def test_user_by_item_chunks_give_the_unchunked_result(batch_size: int, item_chunk: int) -> None:
    rng = np.random.default_rng(5)
    n_users, n_items = 50, 80
    users = IdMap.from_ids(range(n_users))
    items = IdMap.from_ids(range(n_items))
    pairs = rng.choice(n_users * n_items, 900, replace=False)
    values = rng.integers(1, 6, len(pairs)).astype(np.float32)
    data = Interactions(pairs // n_items, pairs % n_items, values, users, items, kind="explicit",
                        rating_min=1, rating_max=5)
    test_mask = rng.random(len(pairs)) < 0.3
    train, test = data.subset(~test_mask), data.subset(test_mask)
    model = FixedScores(rng.normal(size=(n_users, n_items)), predicts_ratings=True)
    allowed = rng.random(n_items) < 0.8
    for kwargs in ({}, {"candidate_items": allowed}, {"relevance_threshold": 3.0}):
        whole = evaluate(model, train, test, [5, 10], **kwargs)
        chunked = evaluate(model, train, test, [5, 10], batch_size=batch_size, item_chunk=item_chunk,
                           **kwargs)
        assert chunked.keys() == whole.keys() and "rmse" in whole
        for key, value in whole.items():
            assert chunked[key] == pytest.approx(value, rel=1e-6, abs=1e-9), key
