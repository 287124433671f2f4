"""A tiny dataset with a planted structure, inserted straight through the ORM (no importer needed)."""

from __future__ import annotations

import numpy as np

from workbench.store.db import Database
from workbench.store.schema import DatasetRow, InteractionRow, ItemRow, UserRow

GENRES = ("action", "comedy", "drama")
WORDS = {"action": "explosion chase hero", "comedy": "laugh funny joke", "drama": "tears family loss"}


def make_dataset(db: Database, name: str = "tiny", n_users: int = 60, n_items: int = 40,
                 per_user: int = 15, seed: int = 0, implicit: bool = False) -> int:
    """Users like one of three genres; ratings (1-5) follow the match. Returns the dataset id."""
    rng = np.random.default_rng(seed)
    item_genre = np.arange(n_items) % len(GENRES)
    user_genre = rng.integers(0, len(GENRES), n_users)
    with db.session() as session:
        dataset = DatasetRow(name=name, kind="implicit" if implicit else "explicit",
                             rating_min=None if implicit else 1.0, rating_max=None if implicit else 5.0,
                             source="test fixture", n_users=n_users, n_items=n_items)
        session.add(dataset)
        session.flush()
        users = [UserRow(dataset_id=dataset.id, external_id=f"u{u}") for u in range(n_users)]
        items = [ItemRow(dataset_id=dataset.id, external_id=f"i{i:03d}", title=f"Film {i}",
                         text=WORDS[GENRES[item_genre[i]]], categories=[GENRES[item_genre[i]]])
                 for i in range(n_items)]
        session.add_all(users + items)
        session.flush()
        rows = []
        for u in range(n_users):
            match = item_genre == user_genre[u]
            weights = np.where(match, 4.0, 1.0)
            chosen = rng.choice(n_items, size=per_user, replace=False, p=weights / weights.sum())
            for t, i in enumerate(chosen):
                rating = 1.0 if implicit else float(np.clip(np.round(
                    (4.6 if match[i] else 2.0) + rng.normal(0, 0.4)), 1, 5))
                rows.append(InteractionRow(dataset_id=dataset.id, user_id=users[u].id, item_id=items[i].id,
                                           value=rating, timestamp=1_600_000_000 + 1000 * u + t))
        session.add_all(rows)
        dataset.n_interactions = len(rows)
        return dataset.id


def load_tiny(db: Database, dataset_id: int):
    """The fixture dataset as core containers, read straight from the ORM (independent of the importer)."""
    from sqlalchemy import select

    from workbench.core.ids import IdMap
    from workbench.core.interactions import Dataset, Interactions, ItemContent

    with db.session() as session:
        ds = session.get(DatasetRow, dataset_id)
        users = session.execute(select(UserRow.id, UserRow.external_id)
                                .where(UserRow.dataset_id == dataset_id).order_by(UserRow.id)).all()
        items = session.scalars(select(ItemRow).where(ItemRow.dataset_id == dataset_id)
                                .order_by(ItemRow.id)).all()
        inter = session.execute(select(InteractionRow.user_id, InteractionRow.item_id, InteractionRow.value,
                                       InteractionRow.timestamp)
                                .where(InteractionRow.dataset_id == dataset_id)
                                .order_by(InteractionRow.id)).all()
        user_pos = {db_id: n for n, (db_id, _) in enumerate(users)}
        item_pos = {row.id: n for n, row in enumerate(items)}
        user_map = IdMap.from_ids(ext for _, ext in users)
        item_map = IdMap.from_ids(row.external_id for row in items)
        interactions = Interactions(
            np.array([user_pos[r[0]] for r in inter]), np.array([item_pos[r[1]] for r in inter]),
            np.array([r[2] for r in inter]), user_map, item_map, np.array([r[3] for r in inter]),
            kind=ds.kind, rating_min=ds.rating_min, rating_max=ds.rating_max)
        content = ItemContent(item_map, [r.title for r in items], [r.text for r in items],
                              [list(r.categories) for r in items])
        return Dataset(ds.name, interactions, content, dataset_id)
