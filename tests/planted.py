"""The one generator of planted data for the tests: taste groups that models can learn, as core containers,
rows in a database, or a CSV file.

Users and items fall into ``groups``; a user takes most of their items from their own group, a few
("stray") from the others. With explicit feedback own-group items are rated 5 and the others 1 or 2, so
rating models, ranking models, content models and explanations all have a structure to find.

    data = planted(n_users=80, n_items=60, stray=1)       # core containers: data.interactions(), .content()
    dataset_id = make_dataset(db, "tiny")                 # the standard small stored dataset
    path = planted().write_csv(tmp_path / "r.csv")        # user,item,rating,timestamp
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from workbench.core.ids import IdMap
from workbench.core.interactions import Dataset, Interactions, ItemContent
from workbench.store.db import Database
from workbench.store.schema import DatasetRow, InteractionRow, ItemRow, UserRow

#: words of each group's item texts, and its category name
GROUP_WORDS = (("galaxy", "rocket", "alien", "starship", "planet"),
               ("romance", "wedding", "love", "kiss", "heart"),
               ("explosion", "chase", "hero", "battle", "escape"),
               ("laugh", "funny", "joke", "party", "prank"))
GROUP_NAMES = ("scifi", "romance", "action", "comedy")
START = 1_600_000_000


@dataclass(frozen=True)
class Planted:
    """Planted interactions (one entry per row) and item content, with the groups that were planted."""

    user_idx: np.ndarray
    item_idx: np.ndarray
    values: np.ndarray
    timestamps: np.ndarray
    user_ids: list[str]
    item_ids: list[str]
    user_group: np.ndarray
    item_group: np.ndarray
    titles: list[str]
    texts: list[str]
    categories: list[list[str]]
    explicit: bool

    @property
    def liked(self) -> np.ndarray:
        """Per row: the item belongs to the user's own group."""
        return self.item_group[self.item_idx] == self.user_group[self.user_idx]

    def interactions(self) -> Interactions:
        return Interactions(self.user_idx, self.item_idx, self.values, IdMap.from_ids(self.user_ids),
                            IdMap.from_ids(self.item_ids), self.timestamps,
                            kind="explicit" if self.explicit else "implicit",
                            rating_min=1.0 if self.explicit else None,
                            rating_max=5.0 if self.explicit else None)

    def content(self) -> ItemContent:
        return ItemContent(IdMap.from_ids(self.item_ids), list(self.titles), list(self.texts),
                           [list(c) for c in self.categories])

    def dataset(self, name: str = "planted") -> Dataset:
        """Interactions and content as one unsaved dataset."""
        interactions = self.interactions()
        return Dataset(name=name, interactions=interactions,
                       content=ItemContent(interactions.items, list(self.titles), list(self.texts),
                                           [list(c) for c in self.categories]), dataset_id=None)

    def store(self, db: Database, name: str) -> int:
        """Insert as a dataset straight through the ORM (no importer involved); returns its id."""
        with db.session() as session:
            dataset = DatasetRow(name=name, kind="explicit" if self.explicit else "implicit",
                                 rating_min=1.0 if self.explicit else None,
                                 rating_max=5.0 if self.explicit else None, source="planted test data",
                                 n_users=len(self.user_ids), n_items=len(self.item_ids),
                                 n_interactions=len(self.values))
            session.add(dataset)
            session.flush()
            users = [UserRow(dataset_id=dataset.id, external_id=u) for u in self.user_ids]
            items = [ItemRow(dataset_id=dataset.id, external_id=i, title=t, text=x, categories=list(c))
                     for i, t, x, c in zip(self.item_ids, self.titles, self.texts, self.categories,
                                           strict=True)]
            session.add_all(users + items)
            session.flush()
            session.add_all([InteractionRow(dataset_id=dataset.id, user_id=users[int(u)].id,
                                            item_id=items[int(i)].id, value=float(v), timestamp=int(t))
                             for u, i, v, t in zip(self.user_idx, self.item_idx, self.values, self.timestamps,
                                                   strict=True)])
            return int(dataset.id)

    def write_csv(self, path: Path) -> Path:
        """Write ``user,item,rating,timestamp`` rows with a header; returns ``path``."""
        lines = ["user,item,rating,timestamp"]
        lines += [f"{self.user_ids[int(u)]},{self.item_ids[int(i)]},{v:g},{int(t)}"
                  for u, i, v, t in zip(self.user_idx, self.item_idx, self.values, self.timestamps,
                                        strict=True)]
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        return path


def _group_words(group: int) -> tuple[str, ...]:
    if group < len(GROUP_WORDS):
        return GROUP_WORDS[group]
    return tuple(f"topic{group}word{k}" for k in range(5))


def _group_name(group: int) -> str:
    return GROUP_NAMES[group] if group < len(GROUP_NAMES) else f"group{group}"


def planted(n_users: int = 60, n_items: int = 40, per_user: int = 12, *, groups: int = 2, stray: int = 2,
            layout: str = "blocks", explicit: bool = True, popularity: float = 0.0,
            item_weights: Sequence[float] | None = None, titles: Sequence[str] | None = None,
            user_id_width: int = 0, item_id_width: int = 0, seed: int = 0) -> Planted:
    """Planted data (see the module docstring).

    User ``u`` is in group ``u % groups``; item ``i`` in group ``i * groups // n_items`` (``layout="blocks"``:
    the catalogue in consecutive slices) or ``i % groups`` (``"interleaved"``). Each user picks
    ``per_user - stray`` distinct items of their group and ``stray`` of the others (fewer where a group is
    too small). Within a group, item ``k`` of it is picked with weight ``(1 + k) ** -popularity`` (lower
    numbers more popular), or ``item_weights[i]`` when given. A user's picks come in a random order, one
    timestamp each. Items are titled from their group's words ("Galaxy film 3"; ``titles`` overrides),
    described by them and put in their group's category.
    """
    rng = np.random.default_rng(seed)
    user_group = np.arange(n_users) % groups
    if layout == "blocks":
        item_group = np.arange(n_items) * groups // n_items
    elif layout == "interleaved":
        item_group = np.arange(n_items) % groups
    else:
        raise ValueError(f"unknown layout {layout!r}")
    weights = (np.asarray(item_weights, dtype=np.float64) if item_weights is not None
               else np.zeros(n_items))
    if item_weights is None:
        for g in range(groups):
            members = np.flatnonzero(item_group == g)
            weights[members] = (1.0 + np.arange(len(members))) ** -popularity
    users, items, values, stamps = [], [], [], []
    for u in range(n_users):
        own = np.flatnonzero(item_group == user_group[u])
        other = np.flatnonzero(item_group != user_group[u])
        n_own = min(per_user - stray, len(own))
        n_other = min(per_user - n_own, len(other))
        p = weights[own] / weights[own].sum()
        picks = np.concatenate([rng.choice(own, n_own, replace=False, p=p),
                                rng.choice(other, n_other, replace=False)]).astype(np.int64)
        if explicit:
            rated = np.where(np.isin(picks, own), 5.0, rng.integers(1, 3, len(picks)).astype(np.float64))
        else:
            rated = np.ones(len(picks))
        order = rng.permutation(len(picks))
        users += [u] * len(picks)
        items += picks[order].tolist()
        values += rated[order].tolist()
        stamps += [START + 1000 * u + k for k in range(len(picks))]
    titles_out, texts, cats = [], [], []
    for i in range(n_items):
        words = _group_words(int(item_group[i]))
        titles_out.append(titles[i] if titles is not None else f"{words[i % 5].title()} film {i}")
        texts.append(f"A story of {words[(i + 1) % 5]} and {words[(i + 2) % 5]} at night.")
        cats.append([_group_name(int(item_group[i]))])
    return Planted(
        user_idx=np.array(users, dtype=np.int64), item_idx=np.array(items, dtype=np.int64),
        values=np.array(values, dtype=np.float32), timestamps=np.array(stamps, dtype=np.int64),
        user_ids=[f"u{u:0{user_id_width}d}" for u in range(n_users)],
        item_ids=[f"i{i:0{item_id_width}d}" for i in range(n_items)],
        user_group=user_group, item_group=item_group, titles=titles_out, texts=texts, categories=cats,
        explicit=explicit)


def make_dataset(db: Database, name: str = "tiny", n_users: int = 60, n_items: int = 40, per_user: int = 15,
                 seed: int = 0, implicit: bool = False) -> int:
    """The standard small stored dataset: three interleaved groups, a third of each user's items from the
    other groups, items "i000".. titled "Film i"; returns the dataset id."""
    return planted(n_users, n_items, per_user, groups=3, stray=round(per_user / 3), layout="interleaved",
                   explicit=not implicit, titles=[f"Film {i}" for i in range(n_items)], item_id_width=3,
                   seed=seed).store(db, name)


def load_stored(db: Database, dataset_id: int) -> Dataset:
    """A stored dataset as core containers, read straight from the ORM (independent of the store's loader)."""
    from sqlalchemy import select

    with db.session() as session:
        ds = session.get(DatasetRow, dataset_id)
        assert ds is not None
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


__all__ = ["GROUP_NAMES", "GROUP_WORDS", "Planted", "load_stored", "make_dataset", "planted"]


# --- presets that suites rely on (their tests read the exact shapes below) ----------------------------
SPLIT_USERS, SPLIT_ITEMS, SPLIT_GROUPS = 60, 40, 4


def grouped_split(seed: int = 0) -> tuple[Interactions, Interactions, ItemContent]:
    """The model contract's preset: ``SPLIT_USERS`` users and ``SPLIT_ITEMS`` items in ``SPLIT_GROUPS``
    interleaved groups (item i in group i % 4); each user rates 8 own-group items 5 and 2 others 1-2, in a
    shuffled time order. Returns (training part, test part: 2 liked items per user, item content)."""
    rng = np.random.default_rng(seed)
    ug = np.arange(SPLIT_USERS) % SPLIT_GROUPS
    ig = np.arange(SPLIT_ITEMS) % SPLIT_GROUPS
    rows = []
    for u in range(SPLIT_USERS):
        own = np.flatnonzero(ig == ug[u])
        other = np.flatnonzero(ig != ug[u])
        for i in rng.choice(own, 8, replace=False):
            rows.append((u, i, 5.0))
        for i in rng.choice(other, 2, replace=False):
            rows.append((u, i, 1.0 + rng.integers(0, 2)))
    arr = np.array(rows)
    users = IdMap.from_ids(f"u{i}" for i in range(SPLIT_USERS))
    items = IdMap.from_ids(f"i{i}" for i in range(SPLIT_ITEMS))
    # the rows are grouped (liked items, then disliked ones); timestamps give sequence models a real order
    when = rng.permutation(len(arr))
    data = Interactions(arr[:, 0], arr[:, 1], arr[:, 2], users, items, kind="explicit", rating_min=1,
                        rating_max=5, timestamps=when)
    test_mask = np.zeros(len(arr), dtype=bool)
    for u in range(SPLIT_USERS):  # hold out 2 liked items per user
        test_mask[np.flatnonzero((arr[:, 0] == u) & (arr[:, 2] == 5))[:2]] = True
    words = ["alpha", "beta", "gamma", "delta"]
    content = ItemContent(items, [f"{words[g]} film {i}" for i, g in enumerate(ig)],
                          [f"a story about {words[g]}" for g in ig], [[f"g{g}"] for g in ig])
    return data.subset(~test_mask), data.subset(test_mask), content


TOPIC_WORDS = {"A": ["galaxy", "rocket", "alien", "starship", "planet"],
               "B": ["romance", "wedding", "love", "kiss", "heart"]}
FILLER = ["the", "story", "of", "a", "city", "night", "day", "friend", "life", "journey"]


def topic_dataset(n_users: int = 80, n_items: int = 60, per_user: int = 12, seed: int = 0,
                  explicit: bool = False) -> Dataset:
    """The explanations' preset: items 0..n/2-1 are topic A ("scifi"), the rest topic B ("romance"); each
    user takes all but one of their interactions from their own topic (users alternate A, B), lower item
    numbers more popular; explicit values are 4-5. Titles and texts carry the topic's words."""
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
