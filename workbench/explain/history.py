"""Which of a user's own interactions raised an item's score, and re-scoring without some of them.

Everything here works on a *history*: item rows (in the model's id map) with their values. The score of a
history is ``model.fold_in_user(rows, values)`` — the model's own no-retraining path, the same one that the
cold-start what-if uses — so removing items and re-scoring needs no retraining.

Contribution methods, tried in this order (the first that holds is used, and named in the explanation):

1. ``additive`` (exact): the history score is a sum of one term per history item, e.g. item-kNN
   (``sum_h sim(h, i) * w_h``) and EASE (``sum_h x_h * B[h, i]``). The term of ``h`` is the score of the
   history ``{h}`` alone minus the empty-history score; the sum is checked against the full score.
2. ``weighted-mean`` (exact): the user is the (value-weighted) mean of their history's representations, as
   in the content model; the term of ``h`` is ``w_h * score({h})`` with ``w_h = v_h / sum(v)``.
3. ``ridge`` (exact for the fold-in, factor models with a linear ridge fold-in): the folded-in user vector
   ``p = (Q_H^T Q_H + lambda I)^-1 Q_H^T r_H`` is linear in the residuals, so ``h`` contributes
   ``q_i^T (Q_H^T Q_H + lambda I)^-1 q_h r_h``; used for MF/BPR
   (A^-1 and the ridge targets from MF's ``_fold`` / BPR's ``ridge_fold_in``). AutoRec folds a user in by
   the same kind of ridge solve of their decoder row on the item codes ``q`` (targets: ratings minus the
   average user's predictions); its split is computed in the dual, history-sized form
   ``w = (Q_H Q_H^T + lambda I)^-1 Q_H q_i``, term ``w_h t_h`` (the same numbers as the model's primal
   ``history_contributions``), with clipping to the rating range counted in the base.
4. ``embedding`` (approximate, NeuMF, whose fold-in is gradient descent): the history item's share
   ``cos(e_h, e_i) / sum |cos|`` (item embeddings) of the score above the user's mean catalogue score.
5. ``leave-one-out`` (any model with a fold-in): ``score(H) - score(H without h)``, the drop the removal
   of ``h`` alone causes. Not additive, but exactly what the faithfulness check then measures.

The check of methods 1-2 is numerical (relative tolerance 1e-4 of the score scale), so it adapts to how a
family actually folds users in, instead of trusting its name.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.sparse as sp

from workbench.core.interactions import Dataset
from workbench.errors import WorkbenchError
from workbench.models.base import Recommender

#: relative tolerance of the additivity checks
_EXACT_RTOL = 1e-4


@dataclass
class HistoryAttribution:
    """Contributions ``(len(history), len(targets))`` and how they were obtained."""

    contributions: np.ndarray
    method: str
    exact: bool
    full_scores: np.ndarray  # history score of each target
    base_scores: np.ndarray  # what the contributions are measured from (empty history or 0)


def has_fold_in(model: Recommender) -> bool:
    """Whether the model's family overrides the base ``fold_in_user`` (which only raises)."""
    own = getattr(type(model), "fold_in_user", None)
    return own is not None and own is not Recommender.fold_in_user


def require_fold_in(model: Recommender) -> Callable[..., np.ndarray]:
    """The model's ``fold_in_user`` hook, or a clear error naming the family."""
    if not has_fold_in(model):
        raise WorkbenchError(f"the {model.family} model cannot score a new history without retraining "
                             "(it has no fold-in)")
    return model.fold_in_user


@dataclass
class _MeanHistoryState:
    """Tensors of a content/hybrid model that make its fold-in a few matrix products (no re-encoding).

    B1's content model scores a new user as ``mu + bias_i + (W mean_h(v_h) + b) . v_i``; encoding every
    item once and reusing it keeps per-item re-scoring (attribution, faithfulness) cheap.
    """

    item_vectors: np.ndarray  # n_items x d (id part included for known items of the hybrid)
    item_bias: np.ndarray
    w: np.ndarray  # d x d history projection
    b: np.ndarray  # d
    mu: float
    item_item: np.ndarray | None = None  # hybrid's closed-form part: history item j adds item_item[j, i]

    def scores(self, rows: np.ndarray, targets: np.ndarray | None) -> np.ndarray:
        vecs = self.item_vectors if targets is None else self.item_vectors[targets]
        bias = self.item_bias if targets is None else self.item_bias[targets]
        mean = self.item_vectors[rows].mean(axis=0) if len(rows) else np.zeros(self.w.shape[1])
        user = self.w @ mean + self.b
        out = self.mu + bias + vecs @ user
        if self.item_item is not None and len(rows):
            ii = self.item_item[rows].sum(axis=0)
            out = out + (ii if targets is None else ii[targets])
        return out

    def terms(self, rows: np.ndarray, targets: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(per-history-item terms, base) with terms summing to score - base."""
        projected = self.item_vectors[rows] @ self.w.T / max(1, len(rows))
        terms = projected @ self.item_vectors[targets].T
        if self.item_item is not None:
            terms = terms + self.item_item[np.ix_(rows, targets)]
        base = self.mu + self.item_bias[targets] + self.item_vectors[targets] @ self.b
        return terms, base


_MEAN_STATES: weakref.WeakKeyDictionary[Recommender, tuple[Any, _MeanHistoryState]] = \
    weakref.WeakKeyDictionary()


def mean_history_state(model: Recommender) -> _MeanHistoryState | None:
    """The cached fold-in tensors of a content/hybrid model (None for other families)."""
    if model.family not in ("content", "hybrid") or not hasattr(model, "_items"):
        return None
    module = getattr(model, "module", None)
    key = (id(module), getattr(model, "epochs_done", 0))
    cached = _MEAN_STATES.get(model)
    if cached is not None and cached[0] == key:
        return cached[1]
    import torch

    with torch.no_grad():
        vecs, bias, _ = model._items()  # type: ignore[attr-defined]
        hist = model.m.hist  # type: ignore[attr-defined]
        ii = getattr(model, "buffers", {}).get("item_item")
        state = _MeanHistoryState(vecs.double().cpu().numpy(), bias.double().cpu().numpy(),
                                  hist.weight.double().cpu().numpy(), hist.bias.double().cpu().numpy(),
                                  float(model.m.mu),  # type: ignore[attr-defined]
                                  None if ii is None else ii.double().cpu().numpy())
    _MEAN_STATES[model] = (key, state)
    return state


@dataclass
class _DecoderFoldState:
    """AutoRec's fold-in as a few history-sized solves: the item codes and the average user, kept once.

    A new user's decoder row is ``v_mean + p`` with ``p`` the ridge solution on the codes of their items
    for the residuals ``t = r - average``; in the dual form ``q_i . p = q_i^T Q_H^T (Q_H Q_H^T + l I)^-1 t``.
    Built only when it reproduces the model's own ``fold_in_user`` (checked on a sample history).
    """

    codes: np.ndarray  # n_items x hidden
    average: np.ndarray  # the average user's unclipped score of every item
    l2: float
    default_value: float  # the rating the model assumes when none is given
    lo: float | None  # clipping range (None: no clipping)
    hi: float | None

    def _targets(self, rows: np.ndarray, values: np.ndarray | None) -> np.ndarray:
        vals = np.full(len(rows), self.default_value) if values is None else np.asarray(values, np.float64)
        return vals - self.average[rows]

    def _gram(self, rows: np.ndarray) -> np.ndarray:
        qh = self.codes[rows]
        return qh @ qh.T + self.l2 * np.eye(len(rows))

    def clip(self, scores: np.ndarray) -> np.ndarray:
        return scores if self.lo is None or self.hi is None else np.clip(scores, self.lo, self.hi)

    def raw_scores(self, rows: np.ndarray, values: np.ndarray | None, targets: np.ndarray | None
                   ) -> np.ndarray:
        """Unclipped fold-in scores."""
        codes = self.codes if targets is None else self.codes[targets]
        average = self.average if targets is None else self.average[targets]
        if len(rows) == 0:
            return average.copy()
        alpha = np.linalg.solve(self._gram(rows), self._targets(rows, values))
        return average + codes @ (self.codes[rows].T @ alpha)

    def terms(self, rows: np.ndarray, values: np.ndarray | None, targets: np.ndarray
              ) -> tuple[np.ndarray, np.ndarray]:
        """(terms ``(len(rows), len(targets))``, the average user's scores): ``raw = base + sum(terms)``."""
        weights = np.linalg.solve(self._gram(rows), self.codes[rows] @ self.codes[targets].T)
        return weights * self._targets(rows, values)[:, None], self.average[targets].copy()


_DECODER_STATES: weakref.WeakKeyDictionary[Recommender, tuple[Any, _DecoderFoldState | None]] = \
    weakref.WeakKeyDictionary()


def decoder_fold_state(model: Recommender) -> _DecoderFoldState | None:
    """The cached fold-in tensors of an AutoRec model (None for other families, or when they do not
    reproduce the model's ``fold_in_user``)."""
    if model.family != "autorec" or not callable(getattr(model, "_prior", None)) or model.items is None:
        return None
    key = (id(getattr(model, "module", None)), getattr(model, "epochs_done", 0),
           id(getattr(model, "buffers", {}).get("ratings")))
    cached = _DECODER_STATES.get(model)
    if cached is not None and cached[0] == key:
        return cached[1]
    cfg = model.config
    v_mean, b_mean = model._prior()  # type: ignore[attr-defined]
    codes = np.asarray(model.item_embeddings(), dtype=np.float64)
    clip = bool(getattr(cfg, "clip", False))
    state: _DecoderFoldState | None = _DecoderFoldState(
        codes, codes @ np.asarray(v_mean, dtype=np.float64) + float(b_mean),
        max(float(getattr(cfg, "l2", 0.0)) / 2, 1e-3), float(model.meta["mu"]),
        float(model.meta["rating_min"]) if clip else None, float(model.meta["rating_max"]) if clip else None)
    assert state is not None
    # the closed form mirrors the model's fold-in; trust it only where it reproduces it
    rng = np.random.default_rng(0)
    rows = rng.choice(len(codes), size=min(5, len(codes)), replace=False)
    values = np.linspace(model.meta["rating_min"], model.meta["rating_max"], len(rows))
    expected = np.asarray(model.fold_in_user(rows, values.astype(np.float32)), dtype=np.float64)
    got = state.clip(state.raw_scores(rows, values, None))
    scale = max(float(np.max(np.abs(expected))), 1.0)
    if not _close(got, expected, scale):
        state = None
    _DECODER_STATES[model] = (key, state)
    return state


def history_scores(model: Recommender, rows: np.ndarray, values: np.ndarray | None,
                   targets: np.ndarray | None = None, *, clip: bool = True) -> np.ndarray:
    """Scores of ``targets`` (all items when None) for a user whose history is ``rows``/``values``.

    ``clip=False`` skips a rating model's clipping to the rating range (AutoRec), giving the fold-in score
    that the history attributions split; other families ignore it.
    """
    fold_in = require_fold_in(model)
    decoder = decoder_fold_state(model)
    if decoder is not None:
        raw = decoder.raw_scores(np.asarray(rows, dtype=np.int64),
                                 None if values is None else np.asarray(values, dtype=np.float64),
                                 None if targets is None else np.asarray(targets, dtype=np.int64))
        return decoder.clip(raw) if clip else raw
    state = mean_history_state(model)
    if state is not None:
        return state.scores(np.asarray(rows, dtype=np.int64),
                            None if targets is None else np.asarray(targets, dtype=np.int64))
    scores = np.asarray(fold_in(np.asarray(rows, dtype=np.int64), None if values is None
                                else np.asarray(values, dtype=np.float32)), dtype=np.float64).reshape(-1)
    return scores if targets is None else scores[np.asarray(targets, dtype=np.int64)]


def _empty_scores(model: Recommender, targets: np.ndarray) -> np.ndarray | None:
    """Scores with no history at all, or None for a family that cannot fold in an empty history (only
    that refusal is expected: any other error is a bug and must not quietly turn an exact attribution
    into an approximate one)."""
    try:
        return history_scores(model, np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32), targets)
    except WorkbenchError:
        return None


def _close(a: np.ndarray, b: np.ndarray, scale: float) -> bool:
    return bool(np.all(np.abs(a - b) <= _EXACT_RTOL * max(scale, 1e-6) + 1e-5))


def attribute_history(model: Recommender, rows: np.ndarray, values: np.ndarray, targets: np.ndarray,
                      *, allow: tuple[str, ...] = ("additive", "weighted-mean", "embedding", "ridge",
                                               "leave-one-out"),
                      ) -> HistoryAttribution:
    """Contributions of each history item (rows) to the history score of each target item."""
    rows = np.asarray(rows, dtype=np.int64)
    values = np.asarray(values, dtype=np.float32)
    targets = np.atleast_1d(np.asarray(targets, dtype=np.int64))
    full = history_scores(model, rows, values, targets)
    n_h = len(rows)
    if n_h == 0:
        return HistoryAttribution(np.zeros((0, len(targets))), "empty history", True, full, full.copy())
    scale = float(np.max(np.abs(full))) if full.size else 1.0

    state = mean_history_state(model)
    if state is not None and "weighted-mean" in allow:
        terms, base = state.terms(rows, targets)
        scale = max(scale, 1e-6)
        return HistoryAttribution(terms, "weighted-mean", _close(terms.sum(axis=0) + base, full, scale), full,
                                  base)
    decoder = decoder_fold_state(model)
    if decoder is not None and "ridge" in allow:
        return _decoder_parts(decoder, rows, values, targets, full)
    if "embedding" in allow and model.family == "neumf":
        return _embedding_similarity(model, rows, targets, full)
    if "ridge" in allow and _has_ridge_fold(model):
        terms, base, exact = _ridge_parts(model, rows, values, targets)
        return HistoryAttribution(terms, "ridge", exact, full, base)
    singles: np.ndarray | None = None
    if "additive" in allow or "weighted-mean" in allow:
        singles = np.stack([history_scores(model, rows[j:j + 1], values[j:j + 1], targets)
                            for j in range(n_h)])
        scale = max(scale, float(np.max(np.abs(singles))))
        empty = _empty_scores(model, targets)
        if "additive" in allow and empty is not None:
            terms = singles - empty
            if _close(terms.sum(axis=0) + empty, full, scale):
                return HistoryAttribution(terms, "additive", True, full, empty)
        if "weighted-mean" in allow and n_h > 1:
            # value-weighted or plain mean; terms measured from the empty history when it can be scored
            base = empty if empty is not None else np.zeros_like(full)
            for weights in (_mean_weights(values), np.full(n_h, 1.0 / n_h)):
                terms = (singles - base) * weights[:, None]
                if _close(terms.sum(axis=0) + base, full, scale):
                    return HistoryAttribution(terms, "weighted-mean", True, full, base)
        if "additive" in allow and empty is None and _close(singles.sum(axis=0), full, scale):
            return HistoryAttribution(singles, "additive", True, full, np.zeros_like(full))
    if n_h == 1:
        empty = _empty_scores(model, targets)
        base = empty if empty is not None else np.zeros_like(full)
        return HistoryAttribution((full - base)[None, :], "leave-one-out", empty is not None, full, base)
    keep = ~np.eye(n_h, dtype=bool)
    loo = np.stack([history_scores(model, rows[keep[j]], values[keep[j]], targets) for j in range(n_h)])
    return HistoryAttribution(full[None, :] - loo, "leave-one-out", False, full, np.zeros_like(full))


def _decoder_parts(state: _DecoderFoldState, rows: np.ndarray, values: np.ndarray, targets: np.ndarray,
                   full: np.ndarray) -> HistoryAttribution:
    """AutoRec's exact split; the base is the average user's score plus what clipping took off."""
    terms, average = state.terms(rows, values.astype(np.float64), targets)
    # checked against the dual solve of the whole history (an independent product order)
    raw = state.raw_scores(rows, values.astype(np.float64), targets)
    scale = max(float(np.max(np.abs(raw))), 1e-6)
    exact = _close(terms.sum(axis=0) + average, raw, scale) and _close(state.clip(raw), full, scale)
    base = average + (state.clip(raw) - raw)
    return HistoryAttribution(terms, "ridge", exact, full, base)


def _has_ridge_fold(model: Recommender) -> bool:
    # B1's factor models fold users in by a ridge solve: MF's ``_fold`` returns (user vector, A^-1, ridge
    # targets); BPR uses ``ridge_fold_in`` on its item factors with l2=1, implicit alpha=10
    return model.family in ("mf", "bpr") and model.item_embeddings() is not None


def _fold_parts(model: Recommender, rows: np.ndarray, values: np.ndarray) -> tuple[Any, Any]:
    if callable(getattr(model, "_fold", None)):
        _, a_inv, ridge_targets = model._fold(rows, values)  # type: ignore[attr-defined]
        return a_inv, ridge_targets
    import torch

    from workbench.models.torch_base import ridge_fold_in

    factors = torch.as_tensor(model.item_embeddings())
    _, a_inv = ridge_fold_in(factors, rows, np.ones(len(rows)), l2=1.0, implicit_alpha=10.0)
    return a_inv, np.ones(len(rows))


def _embedding_similarity(model: Recommender, rows: np.ndarray, targets: np.ndarray, full: np.ndarray
                          ) -> HistoryAttribution:
    """NeuMF (fold-in by gradient steps, too costly per history item): approximate contributions from
    the item embedding space. Each history item gets the share ``cos(e_h, e_i) / sum |cos|`` of the
    score above the user's mean catalogue score."""
    emb = np.asarray(model.item_embeddings(), dtype=np.float64)
    emb = emb / np.maximum(np.linalg.norm(emb, axis=1, keepdims=True), 1e-12)
    cos = emb[rows] @ emb[targets].T
    share = cos / np.maximum(np.abs(cos).sum(axis=0, keepdims=True), 1e-12)
    base = np.full(len(targets), float(np.mean(history_scores(model, rows, None))))
    return HistoryAttribution(share * (full - base)[None, :], "embedding", False, full, base)


def _ridge_parts(model: Recommender, rows: np.ndarray, values: np.ndarray, targets: np.ndarray
                 ) -> tuple[np.ndarray, np.ndarray, bool]:
    """Split of a ridge fold-in: ``p = A^-1 Q_H^T t`` so ``q_i . p = sum_h (q_i^T A^-1 q_h) t_h``.

    Returns the terms ``(len(rows), len(targets))``, the base (global + item bias) and whether the terms
    plus the base reproduce the fold-in score. The implicit fold-in weighs the right-hand side by a
    constant (1 + alpha); that constant is read off the fold-in itself rather than assumed.
    """
    import torch

    a_inv, ridge_targets = _fold_parts(model, rows, values)
    q = torch.as_tensor(model.item_embeddings(), dtype=torch.float64)  # type: ignore[arg-type]
    a_inv = torch.as_tensor(a_inv, dtype=torch.float64).cpu()
    t = torch.as_tensor(ridge_targets, dtype=torch.float64).cpu().reshape(-1)
    rows_t, targets_t = torch.as_tensor(rows), torch.as_tensor(targets)
    terms = ((q[rows_t] @ a_inv @ q[targets_t].T) * t[:, None]).numpy()
    full = history_scores(model, rows, values, targets)
    base = _bias_base(model, targets)
    interaction = full - base
    denom = terms.sum(axis=0)
    ok = np.abs(denom) > 1e-9
    if ok.any():
        terms = terms * float(np.median(interaction[ok] / denom[ok]))
    scale = max(float(np.max(np.abs(full))), 1e-6)
    return terms, base, _close(terms.sum(axis=0) + base, full, scale)


def _bias_base(model: Recommender, targets: np.ndarray) -> np.ndarray:
    """Score of ``targets`` with a zero user vector: the global and item bias parts of ``score_parts``."""
    parts = model.score_parts(0, np.asarray(targets))
    base = np.zeros(len(targets))
    for name, value in parts.items():
        if "bias" in name and "user" not in name:
            base = base + np.asarray(value, dtype=np.float64)
    return base


def _mean_weights(values: np.ndarray) -> np.ndarray:
    total = float(np.sum(values))
    if abs(total) < 1e-12:
        return np.full(len(values), 1.0 / len(values))
    return values.astype(np.float64) / total


# --- the user's training history --------------------------------------------------------------------

def training_values(model: Recommender, dataset: Dataset) -> sp.csr_matrix:
    """Users x items CSR (model rows) of the dataset's values on the model's training pairs.

    The model keeps only *which* items were in training (``seen``); the values (ratings) come from the
    dataset. Duplicate (user, item) rows keep the last value. Pairs absent from the dataset get 1.
    """
    assert model.users is not None and model.items is not None, "model is not fitted"
    shape = (len(model.users), len(model.items))
    seen = model.seen.tocsr() if model.seen is not None else sp.csr_matrix(shape)
    inter = dataset.interactions
    u = _translate(inter.users.ids, model.users)[inter.user_idx]
    i = _translate(inter.items.ids, model.items)[inter.item_idx]
    ok = (u >= 0) & (i >= 0)
    u, i, v = u[ok], i[ok], inter.values[ok]
    # keep the last duplicate: a stable sort by key, then take each run's last element
    key = u * len(model.items) + i
    order = np.argsort(key, kind="stable")
    key, u, i, v = key[order], u[order], i[order], v[order]
    last = np.ones(len(key), dtype=bool)
    last[:-1] = key[1:] != key[:-1]
    lookup = sp.csr_matrix((v[last].astype(np.float32) + 0.0, (u[last], i[last])), shape=seen.shape)
    seen_coo = seen.tocoo()
    vals = np.asarray(lookup[seen_coo.row, seen_coo.col]).reshape(-1)
    # explicit zero ratings do not exist; a missing pair reads 0 here and gets the implicit weight 1
    vals = np.where(vals == 0, 1.0, vals).astype(np.float32)
    out = sp.csr_matrix((vals, (seen_coo.row, seen_coo.col)), shape=seen.shape)
    out.sort_indices()
    return out


def user_history(model: Recommender, dataset: Dataset, user_row: int,
                 values_csr: sp.csr_matrix | None = None) -> tuple[np.ndarray, np.ndarray]:
    """(item rows, values) of one user's training interactions, in the model's id map."""
    if values_csr is None:
        values_csr = training_values(model, dataset)
    start, end = values_csr.indptr[user_row], values_csr.indptr[user_row + 1]
    return values_csr.indices[start:end].astype(np.int64), values_csr.data[start:end].astype(np.float32)


def _translate(ids: tuple[str, ...], target) -> np.ndarray:  # type: ignore[no-untyped-def]
    """Row in ``target`` (an IdMap) of each id, -1 when absent."""
    return target.rows(list(ids))
