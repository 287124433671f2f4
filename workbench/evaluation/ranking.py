"""Top-K with seen items masked, and the validation metrics early stopping reads while a model trains.

Scores are masked in one way everywhere (NaN, items the user has already seen, items outside the
candidate set) on the scores' own device, then ranked: ``top_k`` for metrics (on the device; ties in any
order), ``top_n_of_scores`` for the lists people see (scores too, ties always in item order). The NDCG
formula itself lives once, in ``metrics.ndcg_at_k``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import numpy as np
import scipy.sparse as sp
import torch

from workbench.core.progress import CancelToken
from workbench.evaluation import metrics as m


def mask_unrankable(scores: torch.Tensor, seen_rows: sp.csr_matrix | None,
                    allowed: np.ndarray | None = None) -> torch.Tensor:
    """A float copy of ``scores`` (users x items) with -inf where an item must not be recommended: NaN
    scores, the row's entries of ``seen_rows`` and, when given, items where ``allowed`` is False."""
    out = scores.detach().float()
    out = torch.where(torch.isnan(out), torch.tensor(-torch.inf, device=out.device), out)
    if seen_rows is not None and seen_rows.nnz:
        rows = np.repeat(np.arange(seen_rows.shape[0]), np.diff(seen_rows.indptr))
        out[torch.from_numpy(rows).to(out.device),
            torch.from_numpy(seen_rows.indices.astype(np.int64)).to(out.device)] = -torch.inf
    if allowed is not None:
        out[:, torch.from_numpy(~np.asarray(allowed, dtype=bool)).to(out.device)] = -torch.inf
    return out


def top_k(masked: torch.Tensor, k: int) -> np.ndarray:
    """Item rows of the ``k`` best finite scores per row, best first; -1 where fewer remain."""
    kk = min(k, masked.shape[1])
    values, idx = torch.topk(masked, kk, dim=1)
    top = idx.cpu().numpy().astype(np.int64)
    top[~np.isfinite(values.cpu().numpy())] = -1
    if kk < k:
        top = np.pad(top, ((0, 0), (0, k - kk)), constant_values=-1)
    return top


def top_k_unseen(scores: torch.Tensor, seen_rows: sp.csr_matrix | None, k: int,
                 allowed: np.ndarray | None = None) -> np.ndarray:
    """Top-``k`` item rows per user with seen (and disallowed, NaN-scored) items never ranked."""
    return top_k(mask_unrankable(scores, seen_rows, allowed), k)


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


def ranking_ndcg(score_fn: Callable[[np.ndarray], torch.Tensor], seen: sp.csr_matrix,
                 relevant: sp.csr_matrix, k: int = 10, max_users: int = 5000, seed: int = 0,
                 cancel: CancelToken | None = None) -> float | None:
    """Mean NDCG@k over users with relevant items, ranking the full catalogue minus ``seen`` items.

    ``score_fn(user_rows)`` returns a ``(len(user_rows), n_items)`` tensor (any device). At most
    ``max_users`` users (seeded sample) are scored so validation stays cheap on big data.
    """
    values = ranking_ndcgs(lambda rows: [score_fn(rows)], 1, seen, relevant, k, max_users, seed, cancel)
    return None if values is None else values[0]


def ranking_ndcgs(score_fn: Callable[[np.ndarray], Iterable[torch.Tensor]], n_scorings: int,
                  seen: sp.csr_matrix, relevant: sp.csr_matrix, k: int = 10, max_users: int = 5000,
                  seed: int = 0, cancel: CancelToken | None = None) -> list[float] | None:
    """``ranking_ndcg`` of ``n_scorings`` scorings of the same users in one pass: ``score_fn(user_rows)``
    yields one score tensor per scoring, so work the scorings share is done once per block of users."""
    users = np.flatnonzero(np.diff(relevant.indptr) > 0)
    if len(users) == 0:
        return None
    if len(users) > max_users:
        users = np.sort(np.random.default_rng(seed).choice(users, max_users, replace=False))
    n_items = relevant.shape[1]
    chunk = max(1, min(1024, (1 << 22) // max(1, n_items)))
    totals = np.zeros(n_scorings)
    for s in range(0, len(users), chunk):
        if cancel is not None:
            cancel.raise_if_cancelled()
        rows = users[s:s + chunk]
        rel = relevant[rows]
        n_rel = np.diff(rel.indptr)
        scorings = 0
        for j, scores in enumerate(score_fn(rows)):
            top = top_k_unseen(scores, seen[rows], k)
            totals[j] += float(m.ndcg_at_k(m.hit_matrix(top, rel), n_rel).sum())
            scorings += 1
        if scorings != n_scorings:
            raise ValueError(f"score_fn gave {scorings} scorings, {n_scorings} expected")
    return (totals / len(users)).tolist()


def rating_rmse(predict_fn: Callable[[torch.Tensor, torch.Tensor], torch.Tensor], users: torch.Tensor,
                items: torch.Tensor, values: torch.Tensor, chunk: int = 1 << 16) -> float | None:
    """Root mean squared error of ``predict_fn(users, items)`` against ``values`` (tensors on one device),
    predicting ``chunk`` pairs at a time."""
    if len(values) == 0:
        return None
    predicted = torch.cat([predict_fn(users[s:s + chunk], items[s:s + chunk]).detach().double().cpu()
                           for s in range(0, len(values), chunk)])
    return m.rmse(predicted.numpy(), values.detach().double().cpu().numpy())
