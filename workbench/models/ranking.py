"""Top-N ranking with seen items masked: the one function behind ``recommend``, exports and the GUI.

Scores are computed for a block of users at once; the blocks callers pass are sized by ``user_chunk`` so
that the dense ``users x items`` score block stays within a fixed memory budget whatever the catalogue.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import scipy.sparse as sp
import torch

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
    """Row-wise top-``n`` of a score block already masked with -inf; same output as ``top_n``.

    ``torch.topk`` finds each row's n-th best score (several times faster than a numpy partition on a
    wide block); every item at or above it is then ordered by (score desc, item row asc), so ties come
    out the same on every run and every platform.
    """
    scores = np.asarray(scores)
    scores[~np.isfinite(scores)] = -np.inf
    n_rows, n_items = scores.shape
    n = min(n, n_items)
    if n <= 0 or n_rows == 0:
        return np.full((n_rows, max(n, 0)), -1, np.int64), np.full((n_rows, max(n, 0)), np.nan)
    block = torch.from_numpy(np.ascontiguousarray(scores))
    kth = torch.topk(block, n, dim=1, sorted=False).values.min(dim=1, keepdim=True).values
    rows_t, cols_t = torch.nonzero(block >= kth, as_tuple=True)  # row-major: items ascending per row
    rows, cols = rows_t.numpy(), cols_t.numpy()
    values = scores[rows, cols]
    order = np.lexsort((cols, -values, rows))
    rows, cols, values = rows[order], cols[order], values[order]
    counts = np.bincount(rows, minlength=n_rows)
    position = np.arange(len(rows)) - np.repeat(np.cumsum(counts) - counts, counts)
    keep = (position < n) & np.isfinite(values)
    items = np.full((n_rows, n), -1, np.int64)
    top_scores = np.full((n_rows, n), np.nan)
    items[rows[keep], position[keep]] = cols[keep]
    top_scores[rows[keep], position[keep]] = values[keep]
    return items, top_scores
