"""Small synthetic data with a planted structure: two topics, users who mostly stay in one of them."""

from __future__ import annotations

import numpy as np
import pytest

from workbench.core.ids import IdMap
from workbench.core.interactions import Dataset, Interactions, ItemContent

TOPIC_WORDS = {"A": ["galaxy", "rocket", "alien", "starship", "planet"],
               "B": ["romance", "wedding", "love", "kiss", "heart"]}
FILLER = ["the", "story", "of", "a", "city", "night", "day", "friend", "life", "journey"]


def make_planted(n_users: int = 80, n_items: int = 60, per_user: int = 12, seed: int = 0,
                 explicit: bool = False) -> Dataset:
    """Items 0..n/2-1 are topic A ("scifi"), the rest topic B ("romance"); each user takes ~90% of their
    interactions from their own topic (users alternate A, B)."""
    rng = np.random.default_rng(seed)
    half = n_items // 2
    topic_of_item = np.array(["A"] * half + ["B"] * (n_items - half))
    users, items, values = [], [], []
    for u in range(n_users):
        own = np.arange(half) if u % 2 == 0 else np.arange(half, n_items)
        other = np.arange(half, n_items) if u % 2 == 0 else np.arange(half)
        # within a topic, lower item numbers are more popular, so there is a popularity signal too
        p = 1.0 / (1.0 + np.arange(len(own)))
        chosen = rng.choice(own, size=per_user - 1, replace=False, p=p / p.sum())
        stray = rng.choice(other, size=1)
        picked = np.concatenate([chosen, stray])
        users.extend([u] * len(picked))
        items.extend(picked.tolist())
        values.extend((rng.integers(4, 6, size=len(picked)) if explicit else np.ones(len(picked))).tolist())
    user_map = IdMap.from_ids([f"u{u}" for u in range(n_users)])
    item_map = IdMap.from_ids([f"i{i}" for i in range(n_items)])
    inter = Interactions(np.array(users), np.array(items), np.array(values, dtype=np.float32), user_map,
                         item_map, kind="explicit" if explicit else "implicit",
                         rating_min=1.0 if explicit else None, rating_max=5.0 if explicit else None)
    titles, texts, cats = [], [], []
    for i in range(n_items):
        words = TOPIC_WORDS[topic_of_item[i]]
        titles.append(f"{words[i % 5].title()} {FILLER[i % 10]}")
        filler = rng.choice(FILLER, size=4).tolist()
        texts.append(" ".join([filler[0], words[(i + 1) % 5], filler[1], filler[2], words[(i + 2) % 5],
                               filler[3]]))
        cats.append(["scifi"] if topic_of_item[i] == "A" else ["romance"])
    content = ItemContent(item_map, titles, texts, cats)
    return Dataset(name="planted", interactions=inter, content=content, dataset_id=None)


@pytest.fixture(scope="session")
def planted() -> Dataset:
    return make_planted()


@pytest.fixture(scope="session")
def planted_explicit() -> Dataset:
    return make_planted(explicit=True, seed=1)


_FITTED: dict[tuple[str, bool], object] = {}

FAST_SETTINGS = {
    "itemknn": {"neighbours": 20},
    "ease": {"l2": 10.0},
    "als": {"factors": 16},
    "mf": {"epochs": 15, "learning_rate": 0.01, "dim": 16, "l2": 0.02},
    "bpr": {"epochs": 15},
    "neumf": {"epochs": 8},
    "content": {"epochs": 8},
    "hybrid": {"epochs": 8},
    "autorec": {"epochs": 30, "hidden": 16, "learning_rate": 0.02, "l2": 1.0, "batch_size": 8},
}

#: families that train on explicit ratings only: their tests use ``planted_explicit``
RATING_ONLY = ("autorec",)


def data_for(family: str, planted: Dataset, planted_explicit: Dataset) -> Dataset:
    """The planted data set a family can train on (explicit ratings for rating-only families)."""
    return planted_explicit if family in RATING_ONLY else planted


def fitted_model(family: str, dataset: Dataset, settings: dict | None = None):
    """A model of ``family`` fitted on all of ``dataset`` (cached per family for the session)."""
    from workbench.models.base import config_from_dict
    from workbench.models.registry import FAMILIES, create_model

    key = (family, dataset.interactions.is_explicit)
    if settings is None and key in _FITTED:
        return _FITTED[key]
    cls = FAMILIES[family]
    wanted = dict(FAST_SETTINGS.get(family, {}))
    if family == "mf" and not dataset.interactions.is_explicit:
        wanted["objective"] = "ranking"  # implicit data: MF's rating objective does not apply
    wanted.update(settings or {})
    import dataclasses

    known = {f.name for f in dataclasses.fields(cls.Config)}
    wanted = {k: v for k, v in wanted.items() if k in known}
    config_from_dict(cls.Config, wanted)
    model = create_model(family, wanted)
    model.fit_all(dataset.interactions, content=dataset.content if model.uses_content else None)
    if settings is None:
        _FITTED[key] = model
    return model
