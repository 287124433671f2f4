"""Evaluation metrics as pure functions on numpy arrays (formulas in README, "Evaluation metrics").

Ranking metrics take a ``hits`` matrix: ``hits[u, j]`` is True when the item a model ranked at position
``j`` (0-based) for user ``u`` is relevant to ``u``. Per-user functions return one value per row; the
protocol averages them over users. ``K`` is ``hits.shape[1]``. Top-K matrices hold item rows, padded with
-1 where fewer than K items could be recommended.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import scipy.sparse as sp


# --- rating metrics ---------------------------------------------------------------------------------
def rmse(predicted: np.ndarray, actual: np.ndarray) -> float:
    """Root mean squared error: sqrt(mean((p - r)^2))."""
    err = np.asarray(predicted, dtype=np.float64) - np.asarray(actual, dtype=np.float64)
    return float(np.sqrt(np.mean(err * err))) if err.size else float("nan")


def mae(predicted: np.ndarray, actual: np.ndarray) -> float:
    """Mean absolute error: mean(|p - r|)."""
    err = np.asarray(predicted, dtype=np.float64) - np.asarray(actual, dtype=np.float64)
    return float(np.mean(np.abs(err))) if err.size else float("nan")


# --- hits -------------------------------------------------------------------------------------------
def hit_matrix(top_items: np.ndarray, relevant: sp.csr_matrix) -> np.ndarray:
    """Boolean (n_users, K): whether ``top_items[u, j]`` is a stored entry of row ``u`` of ``relevant``.

    Row ``u`` of ``top_items`` pairs with row ``u`` of ``relevant``; -1 padding never hits.
    """
    top = np.asarray(top_items, dtype=np.int64)
    n_rows, n_cols = relevant.shape
    if top.shape[0] != n_rows:
        raise ValueError("top_items and relevant must have the same number of rows")
    row_of_entry = np.repeat(np.arange(n_rows, dtype=np.int64), np.diff(relevant.indptr))
    keys = np.sort(row_of_entry * n_cols + relevant.indices.astype(np.int64))
    query = np.arange(n_rows, dtype=np.int64)[:, None] * n_cols + top
    pos = np.minimum(np.searchsorted(keys, query), max(len(keys) - 1, 0))
    hits = (keys[pos] == query) if len(keys) else np.zeros(top.shape, dtype=bool)
    return hits & (top >= 0)


def _cutoff(hits: np.ndarray) -> int:
    return int(hits.shape[1])


def _discounts(k: int) -> np.ndarray:
    return 1.0 / np.log2(np.arange(k, dtype=np.float64) + 2.0)


# --- per-user ranking metrics ---------------------------------------------------------------------------
def precision_at_k(hits: np.ndarray) -> np.ndarray:
    """P@K = hits in the top K / K (K fixed even when fewer items were recommended)."""
    return hits.sum(axis=1) / float(_cutoff(hits))


def recall_at_k(hits: np.ndarray, n_relevant: np.ndarray) -> np.ndarray:
    """R@K = hits in the top K / |relevant| (not capped at K, as in RecBole and LensKit)."""
    return hits.sum(axis=1) / np.asarray(n_relevant, dtype=np.float64)


def ndcg_at_k(hits: np.ndarray, n_relevant: np.ndarray) -> np.ndarray:
    """NDCG@K with binary gains: DCG = sum_j hit_j / log2(j + 2) (j 0-based); IDCG = the DCG of
    min(|relevant|, K) hits at the top."""
    k = _cutoff(hits)
    disc = _discounts(k)
    dcg = hits.astype(np.float64) @ disc
    ideal_cum = np.concatenate([[0.0], np.cumsum(disc)])
    idcg = ideal_cum[np.minimum(np.asarray(n_relevant, dtype=np.int64), k)]
    return np.divide(dcg, idcg, out=np.zeros_like(dcg), where=idcg > 0)


def average_precision_at_k(hits: np.ndarray, n_relevant: np.ndarray) -> np.ndarray:
    """AP@K = sum_j P@(j+1) * hit_j / min(|relevant|, K); MAP@K is its mean over users."""
    k = _cutoff(hits)
    h = hits.astype(np.float64)
    precision_at_each = np.cumsum(h, axis=1) / np.arange(1, k + 1, dtype=np.float64)
    denom = np.minimum(np.asarray(n_relevant, dtype=np.float64), k)
    total = (precision_at_each * h).sum(axis=1)
    return np.divide(total, denom, out=np.zeros_like(total), where=denom > 0)


def reciprocal_rank_at_k(hits: np.ndarray) -> np.ndarray:
    """RR@K = 1 / (1-based rank of the first hit), 0 when no hit in the top K; MRR@K is its mean."""
    any_hit = hits.any(axis=1)
    first = np.argmax(hits, axis=1)
    return np.asarray(np.where(any_hit, 1.0 / (first + 1.0), 0.0))


def hit_rate_at_k(hits: np.ndarray) -> np.ndarray:
    """HR@K = 1 when at least one relevant item is in the top K, else 0."""
    return np.asarray(hits.any(axis=1), dtype=np.float64)


# --- beyond-accuracy metrics --------------------------------------------------------------------------
def catalogue_coverage(top_items: np.ndarray, n_items: int) -> float:
    """Distinct items recommended in any top-K list / number of items in the catalogue."""
    top = np.asarray(top_items)
    distinct = np.unique(top[top >= 0])
    return float(len(distinct) / n_items) if n_items else float("nan")


def item_self_information(item_user_counts: np.ndarray, n_users: int) -> np.ndarray:
    """Per item: -log2(max(c_i, 1) / N), c_i = training users who interacted with item i, N = training
    users with at least one interaction. Items never seen in training count as seen once."""
    counts = np.maximum(np.asarray(item_user_counts, dtype=np.float64), 1.0)
    return -np.log2(counts / max(int(n_users), 1))


def novelty_at_k(top_items: np.ndarray, self_information: np.ndarray) -> np.ndarray:
    """Per user: mean self-information of the recommended items (padding ignored; NaN for empty lists)."""
    top = np.asarray(top_items, dtype=np.int64)
    valid = top >= 0
    info = np.where(valid, self_information[np.where(valid, top, 0)], 0.0)
    n_valid = valid.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(n_valid > 0, info.sum(axis=1) / n_valid, np.nan)


def category_matrix(categories: Sequence[Sequence[str]]) -> np.ndarray:
    """Dense multi-hot float32 (n_items, n_categories) from per-item category lists."""
    names = sorted({c for cats in categories for c in cats})
    column = {name: j for j, name in enumerate(names)}
    out = np.zeros((len(categories), max(len(names), 1)), dtype=np.float32)
    rows = [i for i, cats in enumerate(categories) for _ in set(cats)]
    cols = [column[c] for cats in categories for c in set(cats)]
    out[rows, cols] = 1.0
    return out


def intra_list_diversity(top_items: np.ndarray, item_categories: np.ndarray) -> np.ndarray:
    """Per user: mean over unordered pairs of list items of the Jaccard distance of their category sets,
    1 - |A ∩ B| / |A ∪ B| (0 when both sets are empty). NaN for lists of fewer than two items."""
    top = np.asarray(top_items, dtype=np.int64)
    valid = top >= 0
    onehot = item_categories[np.where(valid, top, 0)] * valid[..., None]
    inter = onehot @ np.swapaxes(onehot, 1, 2)
    sizes = onehot.sum(axis=2)
    union = sizes[:, :, None] + sizes[:, None, :] - inter
    dist = np.where(union > 0, 1.0 - inter / np.where(union > 0, union, 1.0), 0.0)
    k = top.shape[1]
    upper = np.triu(np.ones((k, k), dtype=bool), 1)
    pairs = valid[:, :, None] & valid[:, None, :] & upper
    n_pairs = pairs.sum(axis=(1, 2))
    total = (dist * pairs).sum(axis=(1, 2))
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(n_pairs > 0, total / n_pairs, np.nan)
