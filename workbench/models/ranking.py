"""Top-N ranking with seen items masked: the one function behind ``recommend``, exports and the GUI.

Scores are computed for a block of users at once; the blocks callers pass are sized by ``user_chunk`` so
that the dense ``users x items`` score block stays within a fixed memory budget whatever the catalogue.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import scipy.sparse as sp

if TYPE_CHECKING:
    from workbench.models.base import Recommender

#: bytes of the dense float32 score block of one chunk of users (chunk x n_items x 4)
SCORE_BLOCK_BYTES = 256 * 2**20
#: upper bound of a chunk, so progress and cancel checks stay frequent on small catalogues
MAX_USER_CHUNK = 4096


def user_chunk(n_items: int, budget_bytes: int = SCORE_BLOCK_BYTES) -> int:
    """Users per scoring block so that ``chunk x n_items`` float32 scores stay within ``budget_bytes``."""
    return int(max(1, min(MAX_USER_CHUNK, budget_bytes // max(1, 4 * n_items))))


def top_n(model: Recommender, user_rows: np.ndarray, n: int, exclude_seen: bool = True,
          known: sp.csr_matrix | None = None) -> tuple[np.ndarray, np.ndarray]:
    """(item rows, scores), each ``(len(user_rows), n)``, best first; -1 / NaN pad short lists.

    With ``exclude_seen`` the model's training items (``model.seen``) and ``known`` (users x items of the
    model's rows, e.g. everything the users have in the dataset) are masked before ranking. NaN scores
    count as -inf and are never returned; ties keep the lower item row first.
    """
    user_rows = np.asarray(user_rows, dtype=np.int64)
    scores = np.array(model.score(user_rows), dtype=np.float32)
    if exclude_seen:
        for mask in (model.seen, known):
            if mask is None:
                continue
            seen = sp.csr_matrix(mask)[user_rows]
            rows = np.repeat(np.arange(len(user_rows)), np.diff(seen.indptr))
            scores[rows, seen.indices] = -np.inf
    return top_n_of_scores(scores, n)


def top_n_of_scores(scores: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Row-wise top-``n`` of a score block already masked with -inf; same output as ``top_n``."""
    scores = np.asarray(scores)
    scores[~np.isfinite(scores)] = -np.inf
    n_rows, n_items = scores.shape
    n = min(n, n_items)
    if n <= 0:
        return np.empty((n_rows, 0), np.int64), np.empty((n_rows, 0), np.float64)
    if n < n_items:
        part = np.argpartition(-scores, n - 1, axis=1)[:, :n]
    else:
        part = np.tile(np.arange(n_items), (n_rows, 1))
    part_scores = np.take_along_axis(scores, part, axis=1)
    # stable sort on (score desc, item row asc) so equal scores give the same order everywhere
    part_order = np.argsort(part, axis=1, kind="stable")
    part = np.take_along_axis(part, part_order, axis=1)
    part_scores = np.take_along_axis(part_scores, part_order, axis=1)
    order = np.argsort(-part_scores, axis=1, kind="stable")
    items = np.take_along_axis(part, order, axis=1).astype(np.int64)
    top_scores = np.take_along_axis(part_scores, order, axis=1).astype(np.float64)
    invalid = ~np.isfinite(top_scores)
    items[invalid] = -1
    top_scores[invalid] = np.nan
    return items, top_scores
