"""In-memory containers that every model, split and metric works on.

Interactions are parallel numpy arrays indexed by contiguous user/item rows; the id maps travel with
them so results can always be translated back to external ids.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Literal

import numpy as np
import scipy.sparse as sp

from workbench.core.ids import IdMap

FeedbackKind = Literal["explicit", "implicit"]


@dataclass(frozen=True, eq=False)
class Interactions:
    """A set of (user, item, value, timestamp) rows over fixed user and item id maps.

    ``values`` are ratings for explicit data and 1.0 for implicit data. ``timestamps`` are unix seconds,
    or None when the source had none. Subsets (splits) keep the full id maps, so a row index means the
    same user or item in train, validation and test.
    """

    user_idx: np.ndarray
    item_idx: np.ndarray
    values: np.ndarray
    users: IdMap
    items: IdMap
    timestamps: np.ndarray | None = None
    kind: FeedbackKind = "explicit"
    rating_min: float | None = None
    rating_max: float | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "user_idx", np.asarray(self.user_idx, dtype=np.int64))
        object.__setattr__(self, "item_idx", np.asarray(self.item_idx, dtype=np.int64))
        object.__setattr__(self, "values", np.asarray(self.values, dtype=np.float32))
        if self.timestamps is not None:
            object.__setattr__(self, "timestamps", np.asarray(self.timestamps, dtype=np.int64))
        n = len(self.user_idx)
        if len(self.item_idx) != n or len(self.values) != n:
            raise ValueError("user_idx, item_idx and values must have the same length")
        if self.timestamps is not None and len(self.timestamps) != n:
            raise ValueError("timestamps must have the same length as user_idx")

    def __len__(self) -> int:
        return len(self.user_idx)

    @property
    def n_users(self) -> int:
        return len(self.users)

    @property
    def n_items(self) -> int:
        return len(self.items)

    @property
    def is_explicit(self) -> bool:
        return self.kind == "explicit"

    def subset(self, rows: np.ndarray) -> Interactions:
        """Rows selected by a boolean mask or an index array; id maps unchanged."""
        return replace(
            self,
            user_idx=self.user_idx[rows],
            item_idx=self.item_idx[rows],
            values=self.values[rows],
            timestamps=None if self.timestamps is None else self.timestamps[rows],
        )

    def concat(self, other: Interactions) -> Interactions:
        """Rows of both sets (same id maps required)."""
        if other.users is not self.users and other.users != self.users:
            raise ValueError("cannot concatenate interactions over different user maps")
        ts = None
        if self.timestamps is not None and other.timestamps is not None:
            ts = np.concatenate([self.timestamps, other.timestamps])
        return replace(
            self,
            user_idx=np.concatenate([self.user_idx, other.user_idx]),
            item_idx=np.concatenate([self.item_idx, other.item_idx]),
            values=np.concatenate([self.values, other.values]),
            timestamps=ts,
        )

    def to_csr(self, binary: bool = False) -> sp.csr_matrix:
        """Users x items sparse matrix of values (or ones); duplicates are summed."""
        data = np.ones(len(self), dtype=np.float32) if binary else self.values
        return sp.csr_matrix((data, (self.user_idx, self.item_idx)), shape=(self.n_users, self.n_items))

    def user_counts(self) -> np.ndarray:
        return np.bincount(self.user_idx, minlength=self.n_users)

    def item_counts(self) -> np.ndarray:
        return np.bincount(self.item_idx, minlength=self.n_items)


@dataclass(frozen=True, eq=False)
class ItemContent:
    """Item descriptions aligned to an item id map: row i describes ``items.ids[i]``.

    Missing fields are empty strings / empty lists; ``has_content[i]`` says whether any was given.
    ``attributes`` holds further categorical columns (name -> one value per item, "" when absent).
    """

    items: IdMap
    titles: list[str]
    texts: list[str]
    categories: list[list[str]]
    attributes: dict[str, list[str]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        n = len(self.items)
        if not (len(self.titles) == len(self.texts) == len(self.categories) == n):
            raise ValueError("titles, texts and categories must have one entry per item")
        for name, values in self.attributes.items():
            if len(values) != n:
                raise ValueError(f"attribute {name!r} must have one entry per item")

    @property
    def has_content(self) -> np.ndarray:
        return np.array([bool(t or x or c) for t, x, c in zip(self.titles, self.texts, self.categories,
                                                            strict=True)])

    def category_names(self) -> list[str]:
        """Sorted distinct categories."""
        return sorted({c for cats in self.categories for c in cats})

    @classmethod
    def empty(cls, items: IdMap) -> ItemContent:
        n = len(items)
        return cls(items, [""] * n, [""] * n, [[] for _ in range(n)])


@dataclass(frozen=True, eq=False)
class Dataset:
    """A loaded dataset: its interactions, optional item content, and catalogue facts."""

    name: str
    interactions: Interactions
    content: ItemContent | None = None
    dataset_id: int | None = None
    user_features: dict[str, list[str]] = field(default_factory=dict)
