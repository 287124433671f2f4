"""Shared data helpers of the GUI tests: small datasets with a learnable structure, written through the ORM,
and a one-call trainer. Import them as ``from tests.ui.helpers import ...``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from workbench.store.db import Database
from workbench.store.schema import DatasetRow, InteractionRow, ItemRow, UserRow

TOPIC_WORDS = {"A": ["galaxy", "rocket", "alien", "starship", "planet"],
               "B": ["romance", "wedding", "love", "kiss", "heart"]}


def _write_halves(db: Database, name: str, n_users: int, items: Sequence[dict[str, object]], per_user: int,
                  n_other: int, rating: Callable[[bool, np.random.Generator], float], seed: int) -> int:
    """Store a dataset where even users mostly pick the first half of ``items`` and odd users the second.

    Each user gets ``per_user - n_other`` items of their half and ``n_other`` of the other; ``rating(liked,
    rng)`` gives the value. Returns the dataset id.
    """
    rng = np.random.default_rng(seed)
    n_items = len(items)
    half = n_items // 2
    with db.session() as session:
        dataset = DatasetRow(name=name, kind="explicit", rating_min=1.0, rating_max=5.0, source="test",
                             n_users=n_users, n_items=n_items, n_interactions=n_users * per_user)
        session.add(dataset)
        session.flush()
        users = [UserRow(dataset_id=dataset.id, external_id=f"u{u}") for u in range(n_users)]
        item_rows = [ItemRow(dataset_id=dataset.id, external_id=f"i{i}", **fields)
                     for i, fields in enumerate(items)]
        session.add_all(users + item_rows)
        session.flush()
        rows = []
        for u, user in enumerate(users):
            liked = np.arange(half) + (0 if u % 2 == 0 else half)
            other = np.setdiff1d(np.arange(n_items), liked)
            chosen = np.concatenate([rng.choice(liked, per_user - n_other, replace=False),
                                     rng.choice(other, n_other, replace=False)])
            for k, i in enumerate(chosen):
                item_id = item_rows[int(i)].id
                rows.append(InteractionRow(dataset_id=dataset.id, user_id=user.id, item_id=item_id,
                                           value=rating(bool(i in liked), rng),
                                           timestamp=1_600_000_000 + u * 10_000 + k * 100))
        session.add_all(rows)
        return dataset.id


def add_small_dataset(db: Database, name: str = "tiny", n_users: int = 40, n_items: int = 30,
                      per_user: int = 12, seed: int = 0, titles: Sequence[str] | None = None) -> int:
    """A small explicit dataset with titles ("Film i", or ``titles``) and categories A/B; returns its id.

    Two user groups each prefer one half of the catalogue (a structure models can learn).
    """
    items = [{"title": titles[i] if titles is not None else f"Film {i}",
              "categories": ["A" if i < n_items // 2 else "B"]} for i in range(n_items)]
    return _write_halves(db, name, n_users, items, per_user, 3,
                         lambda liked, rng: 5.0 if liked else 1.0 + float(rng.integers(0, 2)), seed)


def add_content_dataset(db: Database, name: str = "films", n_users: int = 40, n_items: int = 30,
                        per_user: int = 10, seed: int = 0) -> int:
    """A small explicit dataset whose items have titles, descriptions and one category each.

    Items 0..n/2-1 are "scifi" (space words), the rest "romance"; even users mostly rate the first half
    highly, odd users the second (a structure both collaborative and content models learn).
    """
    items = []
    for i in range(n_items):
        topic = "A" if i < n_items // 2 else "B"
        words = TOPIC_WORDS[topic]
        items.append({"title": f"{words[i % 5].title()} film {i}",
                      "text": f"A story of {words[(i + 1) % 5]} and {words[(i + 2) % 5]} at night.",
                      "categories": ["scifi" if topic == "A" else "romance"]})
    return _write_halves(db, name, n_users, items, per_user, 2, lambda liked, _rng: 5.0 if liked else 1.0,
                         seed)


def train_model(db: Database, dataset_id: int, family: str, settings: dict | None = None) -> int:
    """Train and save a small model with the real runner; returns its id."""
    from workbench.training.runner import train

    return train(db, dataset_id, family, settings or {}, None, device="cpu").model_id
