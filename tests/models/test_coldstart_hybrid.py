"""Cold items in the content and hybrid models: items with no training interaction must compete with warm
items in whole-catalogue ranking (borrowed id parts for the hybrid, no negative-only training for both)."""

from __future__ import annotations

import numpy as np
import pytest

from tests.planted import planted
from workbench.core.interactions import Interactions, ItemContent
from workbench.models.base import Recommender
from workbench.models.registry import create_model, model_from_artifact

N_USERS, N_ITEMS, PER_USER = 60, 40, 10
COLD = np.array([16, 17, 18, 19, 36, 37, 38, 39])  # the last four items of each topic


def _data() -> tuple[Interactions, ItemContent]:
    """Two topics (items 0-19 and 20-39); even users take their items from topic 0, odd ones from 1."""
    # the cold items are as popular as the mid-ranked warm ones
    weights = 1.0 / (1.0 + np.arange(N_ITEMS) % 20 % 16)
    data = planted(N_USERS, N_ITEMS, PER_USER, stray=0, explicit=False, item_weights=weights)
    return data.interactions(), data.content()


_FITTED: dict[str, tuple[Recommender, Interactions, Interactions, ItemContent]] = {}


def _fitted(family: str) -> tuple[Recommender, Interactions, Interactions, ItemContent]:
    if family not in _FITTED:
        data, content = _data()
        cold_rows = np.isin(data.item_idx, COLD)
        train, test = data.subset(np.flatnonzero(~cold_rows)), data.subset(np.flatnonzero(cold_rows))
        model = create_model(family, {"epochs": 8, "dim": 16, "word_dim": 8, "filters": 16, "seed": 0,
                                      "patience": 0})
        model.fit_all(train, content=content)
        _FITTED[family] = (model, train, test, content)
    return _FITTED[family]


@pytest.mark.parametrize("family", ["content", "hybrid"])
def test_cold_items_reach_the_top_of_whole_catalogue_rankings(family: str) -> None:
    model, train, test, _ = _fitted(family)
    scores = model.score(np.arange(N_USERS))
    seen = train.to_csr(binary=True).toarray() > 0
    scores[seen] = -np.inf
    top = np.argsort(-scores, axis=1, kind="stable")[:, :10]
    cold_hits = np.isin(top, COLD)
    # every user's 4 cold items of their own topic are among ~14 unseen items of that topic: without help
    # (cold items as mere negatives, no id parts) they sink below every warm item and never appear
    assert cold_hits.mean() > 0.1
    own_topic = (top // 20) == (np.arange(N_USERS) % 2)[:, None]
    assert own_topic[cold_hits].mean() > 0.8  # cold items that enter a list are of the user's topic

    from workbench.evaluation.protocol import evaluate

    whole = evaluate(model, train, test, 10, metrics={"ndcg"})
    assert whole["ndcg@10"] > 0.1


def test_hybrid_cold_items_borrow_neighbour_id_parts_and_stay_consistent() -> None:
    model, _, _, content = _fitted("hybrid")
    buffers = model.buffers  # type: ignore[attr-defined]
    assert sorted(buffers["cold_rows"].tolist()) == COLD.tolist()
    nbrs = buffers["cold_nbrs"].numpy()
    assert not np.isin(nbrs, COLD).any()  # neighbours are warm items
    weights = buffers["cold_w"].numpy()
    np.testing.assert_allclose(weights.sum(1), 1.0, rtol=1e-5)
    same_topic = nbrs // 20 == (buffers["cold_rows"].numpy() // 20)[:, None]
    assert (weights * same_topic).sum(1).min() > 0.8  # the weight lies on warm items of the same topic

    # score parts still sum to the score for cold items, and the collaborative part is not zero
    for user in (0, 1):
        parts = model.score_parts(user, COLD)
        total = sum(parts.values())
        np.testing.assert_allclose(total, model.score(np.array([user]), COLD)[0], rtol=1e-4, atol=1e-4)
        assert np.abs(parts["collaborative"]).max() > 0

    # a new item described exactly as a cold item scores as that cold item does
    c = int(COLD[0])
    new = model.score_new_item(content.titles[c], content.texts[c],  # type: ignore[attr-defined]
                               content.categories[c])
    expected = model.score(np.arange(N_USERS), np.array([c]))[:, 0]
    np.testing.assert_allclose(new, expected, rtol=1e-4, atol=1e-4)

    again = model_from_artifact(model.to_artifact())
    np.testing.assert_allclose(again.score(np.arange(4)), model.score(np.arange(4)), rtol=1e-5, atol=1e-5)


def test_cold_neighbours_zero_leaves_cold_items_content_only() -> None:
    data, content = _data()
    train = data.subset(np.flatnonzero(~np.isin(data.item_idx, COLD)))
    model = create_model("hybrid", {"epochs": 2, "dim": 8, "word_dim": 8, "filters": 8, "cold_neighbours": 0,
                                    "item_item_l2": 0.0})
    model.fit_all(train, content=content)
    assert "cold_rows" not in model.buffers  # type: ignore[attr-defined]
    parts = model.score_parts(0, COLD)
    np.testing.assert_allclose(parts["collaborative"], 0.0, atol=1e-6)


def test_cold_neighbours_found_in_chunks_equal_the_whole_search(monkeypatch) -> None:
    import workbench.models.hybrid as hybrid

    model, *_ = _fitted("hybrid")
    assert isinstance(model, hybrid.HybridModel)
    whole_rows, whole_w = (model.buffers["cold_nbrs"].clone(), model.buffers["cold_w"].clone())
    monkeypatch.setattr(hybrid, "NEIGHBOUR_CHUNK", 1)  # one cold item at a time
    model._set_cold_estimates()
    assert len(whole_rows) == len(COLD)
    assert np.array_equal(model.buffers["cold_nbrs"].numpy(), whole_rows.numpy())
    np.testing.assert_allclose(model.buffers["cold_w"].numpy(), whole_w.numpy(), rtol=1e-6)
