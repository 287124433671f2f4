"""Explanations: parts sum to scores, exact history splits, integrated-gradient completeness."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import RATING_ONLY, data_for, fitted_model

from workbench.errors import NotFoundError
from workbench.explain import explain, explain_recommendations
from workbench.explain.history import attribute_history, history_scores
from workbench.models.base import Recommender
from workbench.models.capabilities import ExplainsHistory, FoldsInUser

ALL_FAMILIES = ["pop", "itemknn", "ease", "als", "mf", "bpr", "neumf", "content", "hybrid", "autorec"]


@pytest.mark.parametrize("family", ALL_FAMILIES)
def test_parts_sum_to_score_for_every_family(planted, planted_explicit, family: str) -> None:
    data = data_for(family, planted, planted_explicit)
    model = fitted_model(family, data)
    recs = explain_recommendations(model, data, "u0", 3)
    assert len(recs) == 3
    row = model.users.row("u0")
    for rec in recs:
        score = float(model.score(np.array([row]), np.array([model.items.row(rec["item"])]))[0, 0])
        assert rec["score"] == pytest.approx(score, abs=1e-5)
        assert sum(rec["parts"].values()) == pytest.approx(rec["score"], abs=1e-4)
        assert rec["item"] not in {f"i{i}" for i in data.interactions.item_idx[
            data.interactions.user_idx == 0]}
        if family != "pop":
            assert rec["history"], f"{family} explanation has no history"
            assert all(set(h) >= {"item", "contribution"} for h in rec["history"])
        if family in ("content", "hybrid"):
            assert rec["words"] and rec["categories"]
        else:
            assert "words" not in rec


def test_itemknn_history_matches_similarity_times_weight(planted) -> None:
    model = fitted_model("itemknn", planted)
    exp = explain(model, planted, "u1", "i40", top_k=100)
    user = model.users.row("u1")
    hist = model.x[user].indices
    expected = {model.items.external(h): float(model.sim[h, model.items.row("i40")]) for h in hist}
    got = {h.item: h.contribution for h in exp.history}
    assert set(got) == set(expected)
    for item, value in expected.items():
        assert got[item] == pytest.approx(value, abs=1e-6)
    assert exp.history_exact
    assert sum(got.values()) == pytest.approx(exp.score, abs=1e-4)
    contributions = [h.contribution for h in exp.history]
    assert contributions == sorted(contributions, reverse=True)


def test_ease_history_matches_b_matrix(planted) -> None:
    model = fitted_model("ease", planted)
    exp = explain(model, planted, "u2", "i5", top_k=100)
    target = model.items.row("i5")
    # by hand: score = sum over the user's training items h of B[h, target]
    hist = planted.interactions.item_idx[planted.interactions.user_idx == 2]
    by_hand = {f"i{h}": float(model.b[h, target]) for h in np.unique(hist)}
    got = {h.item: h.contribution for h in exp.history}
    assert got == pytest.approx(by_hand, abs=1e-6)
    assert sum(by_hand.values()) == pytest.approx(exp.score, abs=1e-4)


@pytest.mark.parametrize("family", ["itemknn", "ease", "mf", "bpr", "content", "hybrid", "autorec"])
def test_history_contributions_sum_to_fold_in_score(planted, planted_explicit, family: str) -> None:
    model = fitted_model(family, data_for(family, planted, planted_explicit))
    rows = np.array([0, 1, 2, 5, 40])
    values = np.ones(len(rows), dtype=np.float32) if family not in RATING_ONLY \
        else np.array([5, 2, 4, 1, 5], dtype=np.float32)
    targets = np.array([3, 4, 45])
    attribution = attribute_history(model, rows, values, targets)
    assert attribution.exact, attribution.method
    full = history_scores(model, rows, values, targets)
    np.testing.assert_allclose(attribution.contributions.sum(axis=0) + attribution.base_scores, full,
                               atol=1e-4)


def test_mf_explicit_history_uses_ratings(planted_explicit) -> None:
    model = fitted_model("mf", planted_explicit)
    exp = explain(model, planted_explicit, "u0", "i3", top_k=100)
    assert exp.history_exact and "ridge" in exp.history_method
    assert {h.value for h in exp.history} <= {4.0, 5.0}
    assert sum(exp.parts.values()) == pytest.approx(exp.score, abs=1e-4)
    assert set(exp.parts) == {"global bias", "user bias", "item bias", "interaction"}


def test_autorec_history_is_the_models_own_split_and_reads_ratings(planted_explicit) -> None:
    model = fitted_model("autorec", planted_explicit)
    # unrated picks read as the rating the model assumes (the mean rating): the same split either way
    user, target = model.users.row("u3"), model.items.row("i44")
    hook_rows = model.training_history(user)
    mean = np.full(len(hook_rows), model.default_history_value(), dtype=np.float32)
    attribution = attribute_history(model, hook_rows, mean, np.array([target]))
    assert "ridge" in attribution.method and attribution.exact
    unrated = attribute_history(model, hook_rows, None, np.array([target]))
    np.testing.assert_allclose(attribution.contributions, unrated.contributions, atol=1e-5)
    # the unclipped fold-in is the model's own (model clipping aside) and the base is the average user
    rows, ratings = np.array([31, 33, 36, 2, 5]), np.array([5, 5, 5, 1, 1], dtype=np.float32)
    targets = np.arange(len(model.items))
    np.testing.assert_allclose(history_scores(model, rows, ratings), model.fold_in_user(rows, ratings),
                               atol=1e-4)
    high = attribute_history(model, rows, ratings, targets)
    low = attribute_history(model, rows, 6.0 - ratings, targets)
    # the ratings drive the split: liking the topic-B picks lifts topic B, swapping likes and dislikes
    # lifts topic A instead
    topic_b = targets >= 30
    for attribution, sign in ((high, 1.0), (low, -1.0)):
        part = attribution.contributions.sum(0)
        assert sign * (part[topic_b].mean() - part[~topic_b].mean()) > 0
    # an explanation of a known user: exact, rating values, parts summing to the score
    exp = explain(model, planted_explicit, "u3", "i44", top_k=100)
    assert exp.history_exact and "AutoRec" in exp.history_method
    assert {h.value for h in exp.history} <= {4.0, 5.0} and len(exp.history) == len(hook_rows)
    assert sum(exp.parts.values()) == pytest.approx(exp.score, abs=1e-4)
    assert set(exp.parts) <= {"user bias", "item code . user decoder", "clipping"}


@pytest.mark.parametrize(("family", "encoder"), [("content", "cnn"), ("hybrid", "cnn"), ("content", "gru"),
                                                 ("hybrid", "gru")])
def test_integrated_gradients_completeness(planted, family: str, encoder: str) -> None:
    model = fitted_model(family, planted) if encoder == "cnn" else \
        fitted_model(family, planted, {"text_encoder": encoder})
    for user, item in (("u0", "i3"), ("u1", "i44"), ("u3", "i10")):
        exp = explain(model, planted, user, item)
        assert exp.words is not None and exp.categories is not None
        total = sum(w.weight for w in exp.words) + sum(exp.categories.values())
        gap = exp.content_score - exp.content_baseline
        assert total == pytest.approx(gap, abs=0.02 * max(1.0, abs(gap)))
        # words come in text order with offsets into their field
        title = planted.content.titles[int(item[1:])]
        first = exp.words[0]
        assert first.field == "title" and title[first.start:first.end] == first.word
        assert set(exp.categories) == {"scifi" if int(item[1:]) < 30 else "romance"}


def test_unknown_user_and_item_are_clear_errors(planted) -> None:
    model = fitted_model("ease", planted)
    with pytest.raises(NotFoundError, match="unknown user 'nobody'"):
        explain(model, planted, "nobody", "i1")
    with pytest.raises(NotFoundError, match="unknown item 'zzz'"):
        explain(model, planted, "u0", "zzz")


@pytest.mark.parametrize("family", ALL_FAMILIES)
def test_history_method_is_the_models_own_and_says_how_exact(planted, planted_explicit, family: str) -> None:
    data = data_for(family, planted, planted_explicit)
    model = fitted_model(family, data)
    exp = explain(model, data, "u0", "i40", top_k=1000)
    if not model.reads_history:
        assert not exp.history and "does not depend on the user's history" in exp.notes[0]
        return
    assert isinstance(model, ExplainsHistory), f"{family} declares no history split"
    assert exp.history_method == type(model).history_method
    assert exp.history_method.startswith("exact" if exp.history_exact else "approximate")
    assert sum(h.contribution for h in exp.history) == pytest.approx(exp.history_total, abs=1e-5)
    if family == "als":  # implicit's own explain, not a leave-one-out fallback
        assert exp.history_exact and "implicit" in exp.history_method


def test_a_family_without_a_declared_split_gets_leave_one_out_marked_approximate(planted) -> None:
    model = fitted_model("ease", planted)
    folds_only = _FoldInOnly(model)
    assert isinstance(folds_only, FoldsInUser) and not isinstance(folds_only, ExplainsHistory)
    rows, targets = np.array([0, 1, 2, 40]), np.array([3, 45])
    attribution = attribute_history(folds_only, rows, None, targets)
    assert not attribution.exact and attribution.method.startswith("approximate (leave-one-out)")
    full = model.fold_in_user(rows)[targets]
    for j in range(len(rows)):
        without = model.fold_in_user(np.delete(rows, j))[targets]
        np.testing.assert_allclose(attribution.contributions[j], full - without, atol=1e-6)


class _FoldInOnly(Recommender):
    """A stand-in family that only folds users in (through a fitted model) and declares no split."""

    family = "fold-in only"

    def __init__(self, inner: Recommender) -> None:
        super().__init__()
        self.inner, self.users, self.items = inner, inner.users, inner.items

    def fit(self, train, **kwargs):  # type: ignore[no-untyped-def]
        raise NotImplementedError

    def score(self, user_rows: np.ndarray, item_rows: np.ndarray | None = None) -> np.ndarray:
        return self.inner.score(user_rows, item_rows)

    def fold_in_user(self, item_rows: np.ndarray, values: np.ndarray | None = None) -> np.ndarray:
        return self.inner.fold_in_user(item_rows, values)  # type: ignore[attr-defined]

    def to_artifact(self):  # type: ignore[no-untyped-def]
        raise NotImplementedError

    @classmethod
    def from_artifact(cls, artifact):  # type: ignore[no-untyped-def]
        raise NotImplementedError
