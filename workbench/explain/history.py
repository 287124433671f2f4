"""Which of a user's own interactions raised an item's score, and re-scoring without some of them.

Everything here works on a *history*: item rows (in the model's id map) with their values. The score of a
history is the model's fold-in (no retraining), the same one that the cold-start what-if uses, so
removing items and re-scoring needs no retraining.

A family that declares ``ExplainsHistory`` splits that score itself and says how exact its split is
(item-kNN and EASE: one term per history item; MF/BPR/AutoRec: their ridge fold-ins are linear in the
history; content/hybrid: the user is a mean of item vectors; ALS: implicit's own ``explain``; NeuMF: an
approximate share by embedding similarity). For any other family with a fold-in the contributions are
``leave-one-out``: ``score(H) - score(H without h)``, declared approximate (not additive, but exactly
what the faithfulness check then measures).
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from workbench.core.ids import IdMap
from workbench.core.interactions import Dataset
from workbench.errors import WorkbenchError
from workbench.models.base import Recommender
from workbench.models.capabilities import ExplainsHistory, FoldsInUser, HistoryAttribution

__all__ = ["HistoryAttribution", "attribute_history", "history_scores", "require_fold_in",
           "training_values", "user_history"]

#: how the fallback is described to people
LEAVE_ONE_OUT = ("approximate (leave-one-out): fold-in score minus fold-in score without h; this model "
                 "declares no exact split of its scores")
NO_HISTORY = "no training history"


def require_fold_in(model: Recommender) -> FoldsInUser:
    """The model as a ``FoldsInUser``, or a clear error for a family that cannot score a new history."""
    if not isinstance(model, FoldsInUser):
        raise WorkbenchError(f"the {model.family} model cannot score a new history without retraining "
                             "(it has no fold-in)")
    return model


def history_scores(model: Recommender, rows: np.ndarray, values: np.ndarray | None,
                   targets: np.ndarray | None = None, *, clip: bool = True) -> np.ndarray:
    """Scores of ``targets`` (all items when None) for a user whose history is ``rows``/``values``.

    ``clip=False`` gives the score that the model's history attribution splits (a rating model that clips
    to the rating range, such as AutoRec, before clipping); other models give their fold-in either way.
    """
    rows = np.asarray(rows, dtype=np.int64)
    vals = None if values is None else np.asarray(values, dtype=np.float32)
    cols = None if targets is None else np.asarray(targets, dtype=np.int64)
    if not clip and isinstance(model, ExplainsHistory):
        return np.asarray(model.history_score(rows, vals, cols), dtype=np.float64).reshape(-1)
    scores = np.asarray(require_fold_in(model).fold_in_user(rows, vals), dtype=np.float64).reshape(-1)
    return scores if cols is None else scores[cols]


def attribute_history(model: Recommender, rows: np.ndarray, values: np.ndarray | None, targets: np.ndarray
                      ) -> HistoryAttribution:
    """Contributions of each history item (rows) to the history score of each target item: the model's
    own split where it declares one, else leave-one-out over its fold-in (approximate, and said so)."""
    rows = np.asarray(rows, dtype=np.int64)
    vals = None if values is None else np.asarray(values, dtype=np.float32)
    targets = np.atleast_1d(np.asarray(targets, dtype=np.int64))
    if isinstance(model, ExplainsHistory):
        return model.explain_history(rows, vals, targets)
    full = history_scores(model, rows, vals, targets)
    n_h = len(rows)
    if n_h == 0:
        return HistoryAttribution(np.zeros((0, len(targets))), NO_HISTORY, True, full, full.copy())
    keep = ~np.eye(n_h, dtype=bool)
    without = np.stack([history_scores(model, rows[keep[j]], None if vals is None else vals[keep[j]], targets)
                        for j in range(n_h)])
    return HistoryAttribution(full[None, :] - without, LEAVE_ONE_OUT, False, full, np.zeros_like(full))


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
    """(item rows, values) of the history the model reads for one known user (``training_history``, in
    its order), with the dataset's values (1 where the dataset has none)."""
    if values_csr is None:
        values_csr = training_values(model, dataset)
    rows = model.training_history(user_row)
    start, end = values_csr.indptr[user_row], values_csr.indptr[user_row + 1]
    lookup = dict(zip(values_csr.indices[start:end].tolist(), values_csr.data[start:end].tolist(),
                      strict=True))
    values = np.array([lookup.get(int(r), 1.0) for r in rows], dtype=np.float32)
    return np.asarray(rows, dtype=np.int64), values


def _translate(ids: tuple[str, ...], target: IdMap) -> np.ndarray:
    """Row in ``target`` (an IdMap) of each id, -1 when absent."""
    return target.rows(list(ids))
