"""Explanations: parts sum to scores, exact history splits, integrated-gradient completeness."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import fitted_model

from workbench.errors import NotFoundError
from workbench.explain import explain, explain_recommendations
from workbench.explain.history import attribute_history, history_scores

ALL_FAMILIES = ["pop", "itemknn", "ease", "mf", "bpr", "neumf", "content", "hybrid"]


@pytest.mark.parametrize("family", ALL_FAMILIES)
def test_parts_sum_to_score_for_every_family(planted, family: str) -> None:
    model = fitted_model(family, planted)
    recs = explain_recommendations(model, planted, "u0", 3)
    assert len(recs) == 3
    row = model.users.row("u0")
    for rec in recs:
        score = float(model.score(np.array([row]), np.array([model.items.row(rec["item"])]))[0, 0])
        assert rec["score"] == pytest.approx(score, abs=1e-5)
        assert sum(rec["parts"].values()) == pytest.approx(rec["score"], abs=1e-4)
        assert rec["item"] not in {f"i{i}" for i in planted.interactions.item_idx[
            planted.interactions.user_idx == 0]}
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


@pytest.mark.parametrize("family", ["itemknn", "ease", "mf", "bpr", "content", "hybrid"])
def test_history_contributions_sum_to_fold_in_score(planted, family: str) -> None:
    model = fitted_model(family, planted)
    rows = np.array([0, 1, 2, 5, 40])
    values = np.ones(len(rows), dtype=np.float32)
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


@pytest.mark.parametrize("family", ["content", "hybrid"])
def test_integrated_gradients_completeness(planted, family: str) -> None:
    model = fitted_model(family, planted)
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
