"""What every importer produces before it touches the database: validated, cleaned arrays and facts."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd


@dataclass
class ParsedDataset:
    """Interactions as parallel arrays (one entry per interaction) with external ids kept as text.

    ``item_info`` (optional) has columns ``external_id, title, text, categories (list[str]), attributes
    (dict)``; items listed there but absent from the interactions are kept as catalogue items.
    ``user_info`` (optional) has columns ``external_id, features (dict)``.
    """

    users: np.ndarray  # object array of str
    items: np.ndarray  # object array of str
    values: np.ndarray  # float64
    timestamps: np.ndarray | None  # int64 unix seconds
    kind: str = "explicit"
    rating_min: float | None = None
    rating_max: float | None = None
    source: str = ""
    report: dict[str, Any] = field(default_factory=dict)
    item_info: pd.DataFrame | None = None
    user_info: pd.DataFrame | None = None
    #: (user codes, distinct user ids, item codes, distinct item ids) when the importer already has them:
    #: the writer then need not factorize millions of id strings a second time
    codes: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray] | None = None

    def __len__(self) -> int:
        return len(self.users)


@dataclass
class ImportReport:
    """Outcome of an import: the stored dataset and what cleaning did."""

    dataset_id: int
    name: str
    n_users: int
    n_items: int
    n_interactions: int
    kind: str
    rating_min: float | None
    rating_max: float | None
    cleaning: dict[str, Any]
    elapsed_s: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "dataset_id": self.dataset_id,
            "name": self.name,
            "n_users": self.n_users,
            "n_items": self.n_items,
            "n_interactions": self.n_interactions,
            "kind": self.kind,
            "rating_min": self.rating_min,
            "rating_max": self.rating_max,
            "cleaning": self.cleaning,
            "elapsed_s": round(self.elapsed_s, 3),
        }
