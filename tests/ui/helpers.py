"""Shared data helpers of the GUI tests: small stored datasets from the planted-data generator
(``tests.planted``), and a one-call trainer. Import them as ``from tests.ui.helpers import ...``.
"""

from __future__ import annotations

from collections.abc import Sequence

from tests.planted import planted
from workbench.store.db import Database


def add_small_dataset(db: Database, name: str = "tiny", n_users: int = 40, n_items: int = 30,
                      per_user: int = 12, seed: int = 0, titles: Sequence[str] | None = None) -> int:
    """A small explicit dataset with titles ("Film i", or ``titles``); returns its id.

    Two user groups each prefer one half of the catalogue (a structure models can learn).
    """
    shown = list(titles) if titles is not None else [f"Film {i}" for i in range(n_items)]
    return planted(n_users, n_items, per_user, stray=3, seed=seed, titles=shown).store(db, name)


def add_content_dataset(db: Database, name: str = "films", n_users: int = 40, n_items: int = 30,
                        per_user: int = 10, seed: int = 0) -> int:
    """A small explicit dataset whose items have titles, descriptions and one category each.

    Items 0..n/2-1 are "scifi" (space words), the rest "romance"; even users mostly rate the first half
    highly, odd users the second (a structure both collaborative and content models learn).
    """
    return planted(n_users, n_items, per_user, stray=2, seed=seed).store(db, name)


def train_model(db: Database, dataset_id: int, family: str, settings: dict | None = None) -> int:
    """Train and save a small model with the real runner; returns its id."""
    from workbench.training.runner import train

    return train(db, dataset_id, family, settings or {}, None, device="cpu").model_id
