"""Leak-free evaluation of a fitted model on held-out interactions.

Ranking is over the whole catalogue minus each user's known (training) items, which are masked to -inf
before the top K is taken, so a seen item can never count as a hit. Relevant items are the user's test
items (optionally those rated at least ``relevance_threshold``) that are not among their training items.
Users are scored in user x item blocks of bounded size (``SCORE_BLOCK_CELLS`` scores at a time, a running
top K merged across item chunks), so memory does not grow with users x items; one scoring pass serves
both ranking and rating metrics.

Keys of the result: ``rmse``, ``mae`` (only for models with a rating objective, ``predicts_ratings``),
``<metric>@<k>`` for precision, recall, ndcg, map, mrr, hit_rate, coverage, novelty and diversity (the last
only with item categories), ``n_users_evaluated``, ``n_ratings_evaluated``, and each of them again under
``cold_users/`` (users with at most ``cold_user_max`` training items) and ``active_users/`` (the rest).
Groups with no user are left out rather than reported as NaN. ``evaluate_per_user`` also returns each
user's own value, so two models scored on the same users can be compared pair by pair.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.sparse as sp
import torch

from workbench.core.ids import IdMap
from workbench.core.interactions import Interactions, ItemContent
from workbench.core.progress import CancelToken, Progress, ProgressCallback, Throttle
from workbench.errors import WorkbenchError
from workbench.evaluation import metrics as m
from workbench.evaluation.ranking import mask_unrankable, top_k
from workbench.evaluation.splits import Split

RANKING_METRICS: tuple[str, ...] = ("precision", "recall", "ndcg", "map", "mrr", "hit_rate")
LIST_METRICS: tuple[str, ...] = ("coverage", "novelty", "diversity")
RATING_METRICS: tuple[str, ...] = ("rmse", "mae")
GROUPS: tuple[str, ...] = ("cold_users", "active_users")
#: scores (float32) held at once while ranking: users per block shrink as the catalogue grows, and a
#: catalogue too large for one user row is scored in item chunks
SCORE_BLOCK_CELLS = 1 << 24


def evaluate(model: Any, train: Interactions, test: Interactions, k: int | Sequence[int] = 10,
             content: ItemContent | None = None, *, batch_size: int = 1024,
             relevance_threshold: float | None = None, metrics: Collection[str] | None = None,
             cold_user_max: int = 5, sampled_negatives: int | None = None, rating_metrics: bool | None = None,
             candidate_items: np.ndarray | None = None, seed: int = 0, cancel: CancelToken | None = None,
             progress: ProgressCallback | None = None, item_chunk: int | None = None) -> dict[str, float]:
    """Evaluate ``model`` on ``test`` with ``train`` as every user's known history (masked from ranking).

    ``k`` may be one cutoff or several. ``metrics`` restricts the output to these base names (e.g.
    ``{"ndcg", "rmse"}``); counts are always reported. ``sampled_negatives=N`` ranks each user's relevant
    items among N sampled unseen items instead of the whole catalogue (for comparison with papers that do
    so; off by default). ``candidate_items`` (item rows or a boolean mask over items) restricts the
    ranking to those items, e.g. ``cold_item_rows(split)`` to rank cold items among themselves; relevant
    items outside it are dropped. ``rating_metrics`` overrides the ``predicts_ratings`` check. Predicted
    ratings are clipped to the training rating range when it is known. ``item_chunk`` scores the
    catalogue that many items at a time (default: whole rows unless one row exceeds the score block).
    """
    return _evaluate_rows(
        model, *_held_out_rows(train, test), ks=k, content=_aligned_content(content, train.items),
        batch_size=batch_size, relevance_threshold=relevance_threshold, metrics=metrics,
        cold_user_max=cold_user_max, sampled_negatives=sampled_negatives, rating_metrics=rating_metrics,
        rating_range=_rating_range(train), candidate_items=candidate_items, seed=seed, cancel=cancel,
        progress=progress, item_chunk=item_chunk)


@dataclass(frozen=True)
class PerUserScores:
    """One metric's value per evaluated user: ``users`` (user rows, ascending) and ``values`` (one each).

    For ranking metrics a value is the user's own metric (its mean over users is the reported figure);
    for ``rmse`` it is the user's sum of squared errors and for ``mae`` their sum of absolute errors (the
    sum over users, divided by the ratings, is the reported mean error), lower being better for both."""

    users: np.ndarray
    values: np.ndarray


def evaluate_per_user(model: Any, train: Interactions, test: Interactions, k: int | Sequence[int] = 10,
                      content: ItemContent | None = None, **kwargs: Any,
                      ) -> tuple[dict[str, float], dict[str, PerUserScores]]:
    """``evaluate`` (same arguments), plus each metric's per-user values under the same keys (``ndcg@10``,
    ``rmse`` ...; the whole population only, no cold/active groups; list metrics such as coverage have none).
    """
    per_user: dict[str, PerUserScores] = {}
    out = _evaluate_rows(model, *_held_out_rows(train, test), ks=k,
                         content=_aligned_content(content, train.items), rating_range=_rating_range(train),
                         per_user_out=per_user, **kwargs)
    wanted = {key.split("@")[0] for key in out}
    return out, {key: v for key, v in per_user.items() if key.split("@")[0] in wanted}


def cold_item_rows(split: Split) -> np.ndarray:
    """Item rows that occur in the test part but in neither training nor validation."""
    known = np.union1d(split.train.item_idx, split.valid.item_idx)
    return np.setdiff1d(split.test.item_idx, known)


def evaluate_split(model: Any, split: Split, k: int | Sequence[int] = 10, content: ItemContent | None = None,
                   **kwargs: Any) -> dict[str, float]:
    """``evaluate`` on a split's test part; training and validation rows together are the known history."""
    history = split.train.concat(split.valid) if len(split.valid) else split.train
    return evaluate(model, history, split.test, k, content, **kwargs)


@dataclass(frozen=True)
class AlignedHoldout:
    """An external holdout mapped to a model's rows; rows with an unknown user or item are dropped."""

    user_rows: np.ndarray
    item_rows: np.ndarray
    ratings: np.ndarray | None
    n_rows: int  # rows in the file
    n_unknown_user: int  # rows dropped because the user is unknown to the model
    n_unknown_item: int  # rows dropped because the item is unknown (user known)

    @property
    def n_dropped(self) -> int:
        return self.n_unknown_user + self.n_unknown_item

    @property
    def n_kept(self) -> int:
        return len(self.user_rows)


def align_holdout(model_users: IdMap, model_items: IdMap, frame: Any) -> AlignedHoldout:
    """Map a holdout's ``user``, ``item`` (and optional ``rating``) columns to the model's rows.

    ``frame`` is a pandas DataFrame or a mapping of equal-length sequences; ids are compared as text.
    """
    users = list(frame["user"])
    items = list(frame["item"])
    has_rating = "rating" in (frame.columns if hasattr(frame, "columns") else frame)
    ratings = np.asarray(frame["rating"], dtype=np.float32) if has_rating else None
    user_rows = model_users.rows(users)
    item_rows = model_items.rows(items)
    unknown_user = user_rows < 0
    unknown_item = (item_rows < 0) & ~unknown_user
    keep = ~(unknown_user | unknown_item)
    return AlignedHoldout(
        user_rows=user_rows[keep], item_rows=item_rows[keep],
        ratings=None if ratings is None else ratings[keep], n_rows=len(users),
        n_unknown_user=int(unknown_user.sum()), n_unknown_item=int(unknown_item.sum()))


def evaluate_holdout(model: Any, train_seen_csr: sp.spmatrix, user_rows: np.ndarray, item_rows: np.ndarray,
                     ratings: np.ndarray | None, k: int | Sequence[int] = 10, *,
                     content: ItemContent | None = None, rating_range: tuple[float, float] | None = None,
                     **kwargs: Any) -> dict[str, float]:
    """Evaluate on rows already aligned to the model (see ``align_holdout``).

    ``train_seen_csr`` is the users x items matrix of the model's training interactions (``model.seen``),
    masked from ranking. Rating metrics need ``ratings`` and a model with a rating objective.
    """
    return _evaluate_rows(model, sp.csr_matrix(train_seen_csr), np.asarray(user_rows, dtype=np.int64),
                          np.asarray(item_rows, dtype=np.int64),
                          None if ratings is None else np.asarray(ratings, dtype=np.float32), ks=k,
                          content=content, rating_range=rating_range, **kwargs)


# --- the shared core ------------------------------------------------------------------------------------
def _held_out_rows(train: Interactions, test: Interactions,
                   ) -> tuple[sp.csr_matrix, np.ndarray, np.ndarray, np.ndarray | None]:
    """(known history matrix, test user rows, test item rows, test ratings or None) for ``_evaluate_rows``."""
    if train.n_items != test.n_items or train.n_users != test.n_users:
        raise WorkbenchError("train and test must share the same user and item id maps")
    return (train.to_csr(binary=True), test.user_idx, test.item_idx,
            test.values if test.is_explicit else None)


def _rating_range(train: Interactions) -> tuple[float, float] | None:
    if train.rating_min is None or train.rating_max is None:
        return None
    return float(train.rating_min), float(train.rating_max)


def _aligned_content(content: ItemContent | None, items: IdMap) -> ItemContent | None:
    """Content reordered to ``items`` when its id map differs (missing items get no categories)."""
    if content is None or content.items == items:
        return content
    rows = content.items.rows(list(items.ids))
    cats = [content.categories[r] if r >= 0 else [] for r in rows]
    return ItemContent(items, [""] * len(items), [""] * len(items), cats)


def _evaluate_rows(model: Any, seen: sp.csr_matrix, test_users: np.ndarray, test_items: np.ndarray,
                   test_values: np.ndarray | None, *, ks: int | Sequence[int] = 10,
                   content: ItemContent | None = None, batch_size: int = 1024,
                   relevance_threshold: float | None = None, metrics: Collection[str] | None = None,
                   cold_user_max: int = 5, sampled_negatives: int | None = None,
                   rating_metrics: bool | None = None, rating_range: tuple[float, float] | None = None,
                   candidate_items: np.ndarray | None = None, seed: int = 0,
                   cancel: CancelToken | None = None, progress: ProgressCallback | None = None,
                   item_chunk: int | None = None,
                   per_user_out: dict[str, PerUserScores] | None = None) -> dict[str, float]:
    cutoffs = sorted({int(x) for x in ([ks] if isinstance(ks, int | np.integer) else ks)})
    if not cutoffs or cutoffs[0] < 1:
        raise WorkbenchError("k must be at least 1")
    seen = sp.csr_matrix(seen, dtype=np.float32)
    seen.sum_duplicates()
    n_items = seen.shape[1]
    history_len = np.diff(seen.indptr)
    cold = history_len <= cold_user_max

    allowed = None
    if candidate_items is not None:
        candidate_items = np.asarray(candidate_items)
        if candidate_items.dtype == bool:
            allowed = candidate_items.copy()
        else:
            allowed = np.zeros(n_items, dtype=bool)
            allowed[candidate_items.astype(np.int64)] = True
    relevant = _relevance(seen, test_users, test_items, test_values, relevance_threshold, allowed)
    n_relevant = np.diff(relevant.indptr)
    rank_users = np.flatnonzero(n_relevant > 0)

    do_rating = model.predicts_ratings if rating_metrics is None else rating_metrics
    do_rating = bool(do_rating) and test_values is not None and len(test_values) > 0
    pair_order = np.argsort(test_users, kind="stable") if do_rating else np.array([], dtype=np.int64)
    pair_users = test_users[pair_order]
    score_users = np.union1d(rank_users, pair_users) if do_rating else rank_users
    predictions = np.empty(len(pair_order), dtype=np.float64)

    kmax = cutoffs[-1]
    tops = np.full((len(rank_users), kmax), -1, dtype=np.int64)
    rng = np.random.default_rng(seed)
    tick = Throttle(progress)
    item_step = n_items if item_chunk is None else max(1, int(item_chunk))
    if item_chunk is None and n_items > SCORE_BLOCK_CELLS:
        item_step = SCORE_BLOCK_CELLS
    if sampled_negatives is not None:
        item_step = n_items  # negatives are drawn over whole rows
    batch_size = max(1, min(int(batch_size), SCORE_BLOCK_CELLS // max(1, min(item_step, n_items))))
    for start in range(0, len(score_users), batch_size):
        if cancel is not None:
            cancel.raise_if_cancelled()
        batch = score_users[start:start + batch_size]
        if item_step < n_items:
            _score_in_item_chunks(model, batch, item_step, seen, allowed, rank_users, tops,
                                  pair_users, pair_order, test_items, predictions if do_rating else None)
            tick(Progress(min(start + batch_size, len(score_users)), len(score_users), "evaluating users"))
            continue
        scores = np.asarray(model.score(batch), dtype=np.float32)
        if scores.shape != (len(batch), n_items):
            raise WorkbenchError(f"model scores have shape {scores.shape}, expected {(len(batch), n_items)}: "
                                 "the model and the evaluation data use different id maps")
        if do_rating:
            lo, hi = np.searchsorted(pair_users, [batch[0], batch[-1] + 1])
            local = np.searchsorted(batch, pair_users[lo:hi])
            predictions[lo:hi] = scores[local, test_items[pair_order[lo:hi]]]
        in_rank = np.isin(batch, rank_users, assume_unique=True)
        if in_rank.any():
            rows = batch[in_rank]
            where = np.searchsorted(rank_users, rows)
            tops[where] = _top_k(scores[in_rank], seen[rows], relevant[rows], kmax, sampled_negatives, rng,
                                 allowed)
        tick(Progress(min(start + batch_size, len(score_users)), len(score_users), "evaluating users"))

    out: dict[str, float] = {}
    groups = {"": np.ones(len(rank_users), dtype=bool), "cold_users/": cold[rank_users],
              "active_users/": ~cold[rank_users]}
    hits_all = m.hit_matrix(tops, relevant[rank_users])
    n_rel = n_relevant[rank_users]
    categories = None
    if content is not None and any(content.categories):
        categories = m.category_matrix(content.categories)
    info = m.item_self_information(np.bincount(seen.indices, minlength=n_items), int((history_len > 0).sum()))
    for k in cutoffs:
        hits = hits_all[:, :k]
        top = tops[:, :k]
        per_user = {
            "precision": m.precision_at_k(hits), "recall": m.recall_at_k(hits, n_rel),
            "ndcg": m.ndcg_at_k(hits, n_rel), "map": m.average_precision_at_k(hits, n_rel),
            "mrr": m.reciprocal_rank_at_k(hits), "hit_rate": m.hit_rate_at_k(hits),
            "novelty": m.novelty_at_k(top, info),
        }
        if categories is not None:
            per_user["diversity"] = _batched_diversity(top, categories, batch_size)
        if per_user_out is not None:
            per_user_out.update({f"{name}@{k}": PerUserScores(rank_users, values)
                                 for name, values in per_user.items()})
        for prefix, mask in groups.items():
            if not mask.any():
                continue
            for name, values in per_user.items():
                selected = values[mask]
                selected = selected[~np.isnan(selected)]
                if len(selected):
                    out[f"{prefix}{name}@{k}"] = float(selected.mean())
            out[f"{prefix}coverage@{k}"] = m.catalogue_coverage(top[mask], n_items)
    for prefix, mask in groups.items():
        out[f"{prefix}n_users_evaluated"] = float(mask.sum())

    if do_rating:
        assert test_values is not None  # ratings are only evaluated when the test part has values
        if rating_range is not None:
            np.clip(predictions, rating_range[0], rating_range[1], out=predictions)
        actual = test_values[pair_order]
        if per_user_out is not None:
            users, owner = np.unique(pair_users, return_inverse=True)
            error = predictions - actual
            per_user_out["rmse"] = PerUserScores(users, np.bincount(owner, weights=error * error))
            per_user_out["mae"] = PerUserScores(users, np.bincount(owner, weights=np.abs(error)))
        pair_cold = cold[pair_users]
        for prefix, mask in {"": np.ones(len(actual), dtype=bool), "cold_users/": pair_cold,
                             "active_users/": ~pair_cold}.items():
            if mask.any():
                out[f"{prefix}rmse"] = m.rmse(predictions[mask], actual[mask])
                out[f"{prefix}mae"] = m.mae(predictions[mask], actual[mask])
            out[f"{prefix}n_ratings_evaluated"] = float(mask.sum())
    return _filtered(out, metrics)


def _score_in_item_chunks(model: Any, batch: np.ndarray, step: int, seen: sp.csr_matrix,
                          allowed: np.ndarray | None, rank_users: np.ndarray,
                          tops: np.ndarray, pair_users: np.ndarray, pair_order: np.ndarray,
                          test_items: np.ndarray, predictions: np.ndarray | None) -> None:
    """Top K of ``batch``'s users (into ``tops``) and their pair predictions, scoring ``step`` items at a
    time and merging each chunk's top K into a running one."""
    n_items = seen.shape[1]
    kmax = tops.shape[1]
    in_rank = np.isin(batch, rank_users, assume_unique=True)
    rows = batch[in_rank]
    best_v = torch.full((len(rows), kmax), -torch.inf)
    best_i = torch.full((len(rows), kmax), -1, dtype=torch.long)
    if predictions is not None:
        lo, hi = np.searchsorted(pair_users, [batch[0], batch[-1] + 1])
        pair_local = np.searchsorted(batch, pair_users[lo:hi])
        pair_items = test_items[pair_order[lo:hi]]
    seen_rows = seen[rows]
    for c0 in range(0, n_items, step):
        c1 = min(c0 + step, n_items)
        scores = np.asarray(model.score(batch, np.arange(c0, c1)), dtype=np.float32)
        if scores.shape != (len(batch), c1 - c0):
            raise WorkbenchError(f"model scores have shape {scores.shape}, expected {(len(batch), c1 - c0)}")
        if predictions is not None:
            inside = (pair_items >= c0) & (pair_items < c1)
            predictions[lo:hi][inside] = scores[pair_local[inside], pair_items[inside] - c0]
        if not len(rows):
            continue
        part = mask_unrankable(torch.from_numpy(scores[in_rank]), seen_rows[:, c0:c1],
                               None if allowed is None else allowed[c0:c1])
        values, idx = torch.topk(part, min(kmax, c1 - c0), dim=1)
        merged_v = torch.cat([best_v, values], dim=1)
        merged_i = torch.cat([best_i, idx + c0], dim=1)
        best_v, order = torch.topk(merged_v, kmax, dim=1)
        best_i = torch.gather(merged_i, 1, order)
    if len(rows):
        top = best_i.numpy().astype(np.int64)
        top[~np.isfinite(best_v.numpy())] = -1
        tops[np.searchsorted(rank_users, rows)] = top


def _relevance(seen: sp.csr_matrix, users: np.ndarray, items: np.ndarray, values: np.ndarray | None,
               threshold: float | None, allowed: np.ndarray | None) -> sp.csr_matrix:
    """Binary users x items matrix of relevant test items, minus items already in the user's history
    (and items outside ``allowed``)."""
    n_users, n_items = seen.shape
    keep = np.ones(len(users), dtype=bool) if allowed is None else allowed[items]
    if threshold is not None and values is not None:
        keep &= values >= threshold
    keys = users[keep] * n_items + items[keep]
    seen_keys = np.repeat(np.arange(n_users, dtype=np.int64), np.diff(seen.indptr)) * n_items + seen.indices
    keys = np.setdiff1d(keys, seen_keys)  # unique and sorted
    rel = sp.csr_matrix((np.ones(len(keys), dtype=np.float32), (keys // n_items, keys % n_items)),
                        shape=(n_users, n_items))
    return rel


def _top_k(scores: np.ndarray, seen_rows: sp.csr_matrix, relevant_rows: sp.csr_matrix, k: int,
           sampled_negatives: int | None, rng: np.random.Generator,
           allowed: np.ndarray | None) -> np.ndarray:
    """Top-k item rows per user with seen items masked; -1 where fewer than k candidates remain.

    With ``sampled_negatives`` each user ranks only the relevant items and that many drawn others."""
    masked = mask_unrankable(torch.from_numpy(np.asarray(scores, dtype=np.float32)), seen_rows, allowed)
    if sampled_negatives is not None:
        n, n_items = masked.shape
        rel_local = np.repeat(np.arange(n), np.diff(relevant_rows.indptr))
        # random keys; masked and relevant items never drawn as negatives
        keys = rng.random((n, n_items))
        keys[~np.isfinite(masked.numpy())] = np.inf
        keys[rel_local, relevant_rows.indices] = np.inf
        n_draw = min(int(sampled_negatives), n_items)
        drawn = np.argpartition(keys, n_draw - 1, axis=1)[:, :n_draw] if n_draw > 0 else np.zeros((n, 0), int)
        candidate = np.zeros((n, n_items), dtype=bool)
        rows = np.repeat(np.arange(n), n_draw)
        ok = np.isfinite(keys[rows, drawn.ravel()])
        candidate[rows[ok], drawn.ravel()[ok]] = True
        candidate[rel_local, relevant_rows.indices] = True
        masked[torch.from_numpy(~candidate)] = -torch.inf
    return top_k(masked, k)


def _batched_diversity(top: np.ndarray, categories: np.ndarray, batch_size: int) -> np.ndarray:
    out = np.empty(len(top), dtype=np.float64)
    for start in range(0, len(top), max(batch_size, 1)):
        out[start:start + batch_size] = m.intra_list_diversity(top[start:start + batch_size], categories)
    return out


def _filtered(out: dict[str, float], metrics: Collection[str] | None) -> dict[str, float]:
    if metrics is None:
        return out
    wanted = set(metrics)
    unknown = wanted - set(RANKING_METRICS + LIST_METRICS + RATING_METRICS)
    if unknown:
        raise WorkbenchError(f"unknown metric(s) {sorted(unknown)}")
    kept = {}
    for key, value in out.items():
        base = key.split("/")[-1].split("@")[0]
        if base in wanted or base.startswith("n_"):
            kept[key] = value
    return kept


def metric_names(k: int = 10, with_diversity: bool = True) -> list[str]:
    """The metric keys ``evaluate`` can report at cutoff ``k`` (for tables and the GUI)."""
    names = list(RATING_METRICS) + [f"{n}@{k}" for n in RANKING_METRICS + LIST_METRICS
                                    if with_diversity or n != "diversity"]
    return names + [f"{g}/{n}" for g in GROUPS for n in names]


__all__ = ["AlignedHoldout", "PerUserScores", "align_holdout", "cold_item_rows", "evaluate",
           "evaluate_holdout", "evaluate_per_user", "evaluate_split", "metric_names"]
