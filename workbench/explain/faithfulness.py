"""Faithfulness of history explanations: does removing what we blame lower the score more than chance?

For many (user, recommended item) pairs: remove the ``k`` history items with the largest attributed
contribution and re-score the item from the remaining history (the model's fold-in, no retraining); do
the same with ``k`` history items drawn at random. A faithful attribution gives a larger drop. Rating
models that clip to the rating range (AutoRec) are measured before clipping, the score their
attributions split.
"""

from __future__ import annotations

import time
from typing import Any

import numpy as np

from workbench.core.interactions import Dataset
from workbench.core.progress import CancelToken
from workbench.errors import WorkbenchError
from workbench.explain.history import (
    attribute_history,
    history_scores,
    require_fold_in,
    training_values,
    user_history,
)
from workbench.models.base import Recommender


def faithfulness(model: Recommender, dataset: Dataset, n_pairs: int = 200, k: int = 3, seed: int = 0, *,
                 max_history: int | None = 300, cancel: CancelToken | None = None) -> dict[str, Any]:
    """Mean score drop after removing the top-``k`` attributed vs ``k`` random history items.

    Pairs: up to ``n_pairs`` users drawn at random among those with more than ``k + 1`` (and at most
    ``max_history``) training items, each with the top item of their fold-in scores outside their history.
    Returns ``pairs``, ``k``, ``mean_drop_attributed``, ``mean_drop_random``, ``ratio`` (attributed /
    random), ``fraction_attributed_greater`` (strictly greater), ``p_value`` (one-sided Wilcoxon
    signed-rank test of attributed - random > 0), ``method`` (contribution method -> pairs) and
    ``elapsed_s``.
    """
    require_fold_in(model)
    if not model.reads_history:
        raise WorkbenchError(f"the {model.family} model ignores the user's history: there is nothing to "
                             "attribute")
    if k < 1:
        raise WorkbenchError(f"k must be at least 1, got {k}")
    start = time.perf_counter()
    rng = np.random.default_rng(seed)
    values_csr = training_values(model, dataset)
    lengths = np.diff(values_csr.indptr)
    upper = max_history if max_history is not None else int(lengths.max(initial=0))
    eligible = np.flatnonzero((lengths > k + 1) & (lengths <= upper))
    if len(eligible) == 0:
        raise WorkbenchError(f"no user has more than {k + 1} training items: cannot measure faithfulness")
    users = rng.permutation(eligible)[:n_pairs]
    drops_attr: list[float] = []
    drops_rand: list[float] = []
    methods: dict[str, int] = {}
    for user_row in users:
        if cancel is not None:
            cancel.raise_if_cancelled()
        rows, values = user_history(model, dataset, int(user_row), values_csr)
        if len(rows) <= k + 1:
            continue
        # unclipped for rating models that clip (AutoRec): a top item clipped at the rating maximum would
        # hide every drop, and the attributions split the unclipped fold-in score
        scores = history_scores(model, rows, values, clip=False)
        scores[values_csr.indices[values_csr.indptr[user_row]:values_csr.indptr[user_row + 1]]] = -np.inf
        target = int(np.argmax(scores))
        attribution = attribute_history(model, rows, values, np.array([target]))
        contrib, method = attribution.contributions[:, 0], attribution.method
        methods[method] = methods.get(method, 0) + 1
        top = np.argsort(-contrib, kind="stable")[:k]
        rand = rng.choice(len(rows), size=k, replace=False)
        full = float(scores[target])
        drops_attr.append(full - _score_without(model, rows, values, top, target))
        drops_rand.append(full - _score_without(model, rows, values, rand, target))
    attr = np.asarray(drops_attr)
    rand_d = np.asarray(drops_rand)
    return {
        "family": model.family,
        "pairs": len(attr),
        "k": k,
        "mean_drop_attributed": float(attr.mean()) if len(attr) else float("nan"),
        "mean_drop_random": float(rand_d.mean()) if len(rand_d) else float("nan"),
        "ratio": _ratio(attr, rand_d),
        "fraction_attributed_greater": float(np.mean(attr > rand_d)) if len(attr) else float("nan"),
        "p_value": _p_value(attr - rand_d),
        "method": methods,
        "elapsed_s": round(time.perf_counter() - start, 3),
    }


def _score_without(model: Recommender, rows: np.ndarray, values: np.ndarray, remove: np.ndarray,
                   target: int) -> float:
    keep = np.ones(len(rows), dtype=bool)
    keep[remove] = False
    return float(history_scores(model, rows[keep], values[keep], np.array([target]), clip=False)[0])


def _ratio(attr: np.ndarray, rand_d: np.ndarray) -> float:
    if not len(attr):
        return float("nan")
    denom = float(rand_d.mean())
    return float(attr.mean()) / denom if abs(denom) > 1e-12 else float("inf")


def _p_value(diff: np.ndarray) -> float | None:
    """One-sided Wilcoxon signed-rank p-value that attributed drops exceed random ones."""
    if len(diff) < 5 or np.allclose(diff, 0.0):
        return None
    from scipy.stats import wilcoxon

    return float(wilcoxon(diff, alternative="greater").pvalue)
