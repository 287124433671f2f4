"""Faithfulness of history attributions, cold-start what-if and inspection on planted data."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import RATING_ONLY, data_for, fitted_model

from workbench.errors import NotFoundError, WorkbenchError
from workbench.evaluation.splits import SplitSpec, make_split
from workbench.explain import (
    bias_extremes,
    coldstart_item,
    coldstart_user,
    embedding_map,
    faithfulness,
    score_distribution,
    similar_items,
    user_diagnostics,
)


@pytest.mark.parametrize("family", ["itemknn", "ease", "mf", "bpr", "content", "autorec"])
def test_removing_attributed_items_drops_score_more_than_random(planted, planted_explicit, family: str
                                                                 ) -> None:
    data = data_for(family, planted, planted_explicit)
    model = fitted_model(family, data)
    result = faithfulness(model, data, n_pairs=40, k=3, seed=0)
    assert result["pairs"] == 40
    assert result["mean_drop_attributed"] > result["mean_drop_random"]
    assert result["fraction_attributed_greater"] >= 0.8
    assert result["p_value"] is not None and result["p_value"] < 0.01


def test_faithfulness_explicit_mf(planted_explicit) -> None:
    model = fitted_model("mf", planted_explicit)
    result = faithfulness(model, planted_explicit, n_pairs=40, k=3)
    assert result["mean_drop_attributed"] > result["mean_drop_random"]
    [(method, pairs)] = result["method"].items()
    assert pairs == 40 and method.startswith("exact") and "ridge" in method


def test_faithfulness_refuses_popularity(planted) -> None:
    with pytest.raises(WorkbenchError, match="ignores the user's history"):
        faithfulness(fitted_model("pop", planted), planted)


def _topic(item: str) -> str:
    return "A" if int(item[1:]) < 30 else "B"


@pytest.mark.parametrize("family", ["itemknn", "ease", "mf", "content", "hybrid", "autorec"])
def test_coldstart_user_gets_topic_of_picked_items(planted, planted_explicit, family: str) -> None:
    data = data_for(family, planted, planted_explicit)
    model = fitted_model(family, data)
    picked = ["i31", "i33", "i36", "i40"]  # topic B
    ratings = None
    if family in RATING_ONLY:
        # a rating model needs contrast: the topic-B picks liked, two topic-A picks disliked
        picked, ratings = [*picked, "i2", "i5"], [5.0, 5.0, 5.0, 5.0, 1.0, 1.0]
    result = coldstart_user(model, data, picked, ratings, n=8)
    recs = result["recommendations"]
    assert len(recs) == 8
    assert not set(picked) & {r["item"] for r in recs}
    assert sum(_topic(r["item"]) == "B" for r in recs) >= 6  # chance level is 4
    first = recs[0]["explanation"]
    assert sum(first["parts"].values()) == pytest.approx(recs[0]["score"], abs=1e-4)
    assert {h["item"] for h in first["history"]} == set(picked)


def test_coldstart_user_without_ratings_explains_the_mean_rating_fold_in(planted_explicit) -> None:
    # unrated picks of a rating model are folded in at the mean rating, and explained the same way
    for family in ("mf", "autorec"):
        model = fitted_model(family, planted_explicit)
        rec = coldstart_user(model, planted_explicit, ["i1", "i2", "i40"], n=3)["recommendations"][0]
        assert rec["explanation"]["score"] == pytest.approx(rec["score"], abs=1e-4)
        values = [h["value"] for h in rec["explanation"]["history"]]
        assert values == pytest.approx([model.meta["mu"]] * 3, abs=1e-5)


def test_coldstart_user_ratings_and_unknown_items(planted_explicit) -> None:
    model = fitted_model("mf", planted_explicit)
    result = coldstart_user(model, planted_explicit, ["i1", "i2"], [5.0, 4.0], n=3)
    assert [h["value"] for h in result["recommendations"][0]["explanation"]["history"]] != []
    with pytest.raises(NotFoundError, match="nope1, nope2"):
        coldstart_user(model, planted_explicit, ["i1", "nope1", "nope2"])


@pytest.mark.parametrize("family", ["content", "hybrid"])
def test_coldstart_item_finds_same_category_items_and_users(planted, family: str) -> None:
    model = fitted_model(family, planted)
    result = coldstart_item(model, planted, "Romance wedding", "love kiss heart", ["romance"], n=6)
    assert all(s["categories"] == ["romance"] for s in result["similar_items"])
    # users alternate topics: odd users like topic B (romance)
    assert sum(int(u["user"][1:]) % 2 == 1 for u in result["users"]) >= 5


def test_coldstart_item_refused_without_content(planted) -> None:
    with pytest.raises(WorkbenchError, match="cannot score an item without interactions"):
        coldstart_item(fitted_model("ease", planted), planted, "x", "y", ["romance"])


def test_inspection(planted) -> None:
    mf = fitted_model("mf", planted)
    coords, ids, cats = embedding_map(mf, planted)
    assert coords.shape == (60, 2) and ids[0] == "i0" and cats[0] == ["scifi"]
    # the first PCA axis separates the two planted topics
    topic = np.array([0] * 30 + [1] * 30)
    gap = abs(coords[topic == 0, 0].mean() - coords[topic == 1, 0].mean())
    assert gap > coords[:, 0].std()
    neighbours = similar_items(fitted_model("ease", planted), "i2", 5)
    assert len(neighbours) == 5 and all(_topic(i) == "A" for i, _ in neighbours)
    biases = bias_extremes(mf, 3)
    assert len(biases["highest"]) == 3 and biases["highest"][0][1] >= biases["lowest"][0][1]
    with pytest.raises(WorkbenchError, match="no learned item biases"):
        bias_extremes(fitted_model("ease", planted))
    dist = score_distribution(mf, bins=10)
    assert sum(dist["counts"]) == 80 * 60


def test_inspection_autorec(planted_explicit) -> None:
    model = fitted_model("autorec", planted_explicit)
    coords, ids, _ = embedding_map(model, planted_explicit)
    assert coords.shape == (60, 2) and ids[0] == "i0" and np.isfinite(coords).all()
    neighbours = similar_items(model, "i2", 5)
    assert len(neighbours) == 5 and "i2" not in {i for i, _ in neighbours}
    with pytest.raises(WorkbenchError, match="autorec model has no learned item biases"):
        bias_extremes(model)
    dist = score_distribution(model, bins=10)
    assert sum(dist["counts"]) == 80 * 60 and dist["edges"][0] >= 1.0 and dist["edges"][-1] <= 5.0
    spec = SplitSpec(kind="user_ratio", test_fraction=0.25, seed=1)
    split = make_split(planted_explicit.interactions, spec)
    from workbench.models.registry import create_model

    held_model = create_model("autorec", {"epochs": 5, "hidden": 8, "batch_size": 8})
    held_model.fit_all(split.train)
    diag = user_diagnostics(held_model, planted_explicit, split, "u4")
    assert len(diag["held_out"]) == len(np.unique(split.test.item_idx[split.test.user_idx == 4]))
    assert diag["train_items"] == held_model.seen[held_model.users.row("u4")].nnz


def test_user_diagnostics(planted) -> None:
    from workbench.models.registry import create_model

    split = make_split(planted.interactions, SplitSpec(kind="user_ratio", test_fraction=0.25, seed=1))
    model = create_model("ease", {"l2": 10.0})
    model.fit_all(split.train)
    diag = user_diagnostics(model, planted, split, "u4")
    held = split.test.item_idx[split.test.user_idx == 4]
    assert len(diag["held_out"]) == len(np.unique(held))
    assert all(h["rank"] >= 1 for h in diag["held_out"])
    assert diag["hit@10"] == float(any(h["rank"] <= 10 for h in diag["held_out"]))
    assert 0.0 <= diag["ndcg@10"] <= 1.0
