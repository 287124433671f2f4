"""The hybrid's blend of its learned part and its closed-form item-item (EASE) part adapts to the data:
both parts are put on one scale (the item-item scores shrink by orders of magnitude when histories are
short), and the validation part chooses the relative weight, which can let the item-item part dominate."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from workbench.core.ids import IdMap
from workbench.core.interactions import Interactions, ItemContent
from workbench.models.hybrid import ITEM_ITEM_GRID, spread_ratio
from workbench.models.registry import create_model

N_USERS, TOPICS, PER_TOPIC = 120, 4, 15
SMALL = {"epochs": 3, "dim": 16, "word_dim": 8, "filters": 16, "seed": 0, "patience": 0}


def _planted(per_user: int, seed: int = 0) -> tuple[Interactions, ItemContent]:
    """Users take ``per_user`` items from their own topic (user % 4), the topic's first items most often;
    item texts say nothing about the topic, so the co-occurrences carry it."""
    rng = np.random.default_rng(seed)
    users, items = [], []
    for u in range(N_USERS):
        own = np.arange(PER_TOPIC) + PER_TOPIC * (u % TOPICS)
        p = 1.0 / (1.0 + np.arange(PER_TOPIC))
        users += [u] * per_user
        items += rng.choice(own, size=per_user, replace=False, p=p / p.sum()).tolist()
    n_items = TOPICS * PER_TOPIC
    umap = IdMap.from_ids([f"u{u}" for u in range(N_USERS)])
    imap = IdMap.from_ids([f"i{i}" for i in range(n_items)])
    data = Interactions(np.array(users), np.array(items), np.ones(len(users), dtype=np.float32), umap, imap)
    content = ItemContent(imap, [f"item {i}" for i in range(n_items)], [""] * n_items,
                          [[f"c{i % 7}"] for i in range(n_items)])
    return data, content


def _last_per_user(data: Interactions) -> tuple[Interactions, Interactions]:
    last = np.r_[np.flatnonzero(np.diff(data.user_idx)), len(data) - 1]
    held = np.zeros(len(data), dtype=bool)
    held[last] = True
    return data.subset(np.flatnonzero(~held)), data.subset(np.flatnonzero(held))


def test_spread_ratio_puts_the_item_item_scores_on_the_learned_scale() -> None:
    gen = torch.Generator().manual_seed(0)
    learned = 2.0 * torch.randn(50, 200, generator=gen)
    item_item = 0.001 * torch.randn(50, 200, generator=gen) + 5.0  # an offset does not count, the spread does
    ratio = spread_ratio(learned, item_item)
    assert ratio == pytest.approx(2000.0, rel=0.05)
    scaled = item_item * ratio
    assert float(scaled.std(dim=1).mean()) == pytest.approx(float(learned.std(dim=1).mean()), rel=1e-5)
    # a flat part gives nothing to compare: leave the raw scale
    assert spread_ratio(learned, torch.full((50, 200), 3.0)) == 1.0
    assert spread_ratio(torch.zeros(50, 200), item_item) == 1.0


@pytest.mark.parametrize("per_user", [3, 12])
def test_weight_one_gives_both_parts_the_same_spread_on_sparse_and_dense_data(per_user: int) -> None:
    data, content = _planted(per_user)
    scores, raw = {}, {}
    for weight in (0.0, 1.0):  # the same seeded training: only the item-item part's weight differs
        model = create_model("hybrid", {**SMALL, "item_item_weight": weight})
        model.fit_all(data, content=content)
        scores[weight] = model.score(np.arange(N_USERS))
        raw[weight] = model.meta["item_item_weight"]
    item_item = scores[1.0] - scores[0.0]
    assert item_item.std(axis=1).mean() == pytest.approx(scores[0.0].std(axis=1).mean(), rel=0.01)
    # the raw multiplier this needs grows as histories shrink (EASE weights of a few co-occurrences)
    assert raw[1.0] > (20.0 if per_user == 3 else 0.0)
    assert raw[1.0] < (1e6 if per_user == 3 else 10.0)


def test_validation_choice_leans_to_the_item_item_part_on_sparse_data() -> None:
    # three training items per user: too few for the learned part, enough co-occurrence for EASE
    for seed in (0, 1):
        train, valid = _last_per_user(_planted(4, seed)[0])
        content = _planted(4, seed)[1]
        model = create_model("hybrid", {**SMALL, "epochs": 5, "seed": seed})
        model.fit_all(train, valid=valid, content=content)
        chosen = model.meta["item_item_relative_weight"]
        assert chosen in ITEM_ITEM_GRID
        assert chosen >= 4.0  # the item-item part leads the blend


def test_validation_choice_leans_to_the_learned_part_where_the_item_item_part_cannot_see() -> None:
    # the validation items have no training interaction (no item-item column without borrowed neighbour
    # columns) while their categories name the user's topic, which the learned content part reads
    data, _ = _planted(8)
    n_items = TOPICS * PER_TOPIC
    topic = np.arange(n_items) // PER_TOPIC
    content = ItemContent(data.items, [f"item {i}" for i in range(n_items)], [""] * n_items,
                          [[f"topic{t}"] for t in topic])
    held_items = np.arange(n_items) % PER_TOPIC >= PER_TOPIC - 3
    held = held_items[data.item_idx]
    train, valid = data.subset(np.flatnonzero(~held)), data.subset(np.flatnonzero(held))
    model = create_model("hybrid", {**SMALL, "epochs": 5, "cold_neighbours": 0})
    model.fit_all(train, valid=valid, content=content)
    assert model.meta["item_item_relative_weight"] <= 0.5
