"""Explanations of single scores: score parts, history contributions and content attributions."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import scipy.sparse as sp

from workbench.core.interactions import Dataset, ItemContent
from workbench.errors import NotFoundError, WorkbenchError
from workbench.explain.history import HistoryAttribution, attribute_history, training_values, user_history
from workbench.explain.types import AttentionWeight, Explanation, HistoryContribution
from workbench.models.base import Recommender
from workbench.models.capabilities import AttributesContent, FoldsInUser, ReadsSequence, SplitsScore

#: parts must sum to the score within this tolerance (the residual goes into an "other" part)
PARTS_TOL = 1e-4


def user_row_of(model: Recommender, user_id: str) -> int:
    """The model row of ``user_id``; unknown users raise ``NotFoundError``."""
    assert model.users is not None, "model is not fitted"
    row = model.users.row(user_id)
    if row < 0:
        raise NotFoundError(f"unknown user '{user_id}' (not in this model's training data; "
                            "use the cold-start what-if for new users)")
    return row


def item_row_of(model: Recommender, item_id: str) -> int:
    """The model row of ``item_id``; unknown items raise ``NotFoundError``."""
    assert model.items is not None, "model is not fitted"
    row = model.items.row(item_id)
    if row < 0:
        raise NotFoundError(f"unknown item '{item_id}' (not in this model's catalogue)")
    return row


def item_titles(model: Recommender, content: ItemContent | None) -> list[str]:
    """Title of every model item row ("" when the dataset has no content for it)."""
    assert model.items is not None, "model is not fitted"
    if content is None:
        return [""] * len(model.items)
    rows = content.items.rows(list(model.items.ids))
    titles = content.titles
    return [titles[r] if r >= 0 else "" for r in rows]


def score_parts(model: Recommender, user_row: int, item_rows: np.ndarray, scores: np.ndarray
                ) -> list[dict[str, float]]:
    """Per item, the model's named score parts, completed by an ``other`` part so they sum to the score."""
    raw: dict[str, np.ndarray]
    if isinstance(model, SplitsScore):
        raw = {str(k): np.asarray(v, dtype=np.float64).reshape(-1)
               for k, v in model.score_parts(user_row, item_rows).items()}
    else:
        raw = {"content" if model.uses_content else "collaborative": np.asarray(scores, dtype=np.float64)}
    out: list[dict[str, float]] = []
    for j in range(len(item_rows)):
        parts = {name: float(values[j]) for name, values in raw.items()}
        residual = float(scores[j]) - sum(parts.values())
        if abs(residual) > PARTS_TOL:
            parts["other"] = residual
        out.append(parts)
    return out


def _history_items(model: Recommender, attribution: HistoryAttribution, rows: np.ndarray,
                   values: np.ndarray, column: int, titles: Sequence[str], top_k: int
                   ) -> list[HistoryContribution]:
    assert model.items is not None
    contrib = attribution.contributions[:, column]
    order = np.argsort(-contrib, kind="stable")[: max(0, top_k)]
    return [HistoryContribution(item=model.items.external(rows[j]), title=titles[rows[j]],
                                contribution=float(contrib[j]), value=float(values[j])) for j in order]


def explain_rows(model: Recommender, dataset: Dataset, user_row: int, item_rows: np.ndarray, *,
                 content: ItemContent | None = None, top_k: int = 10,
                 values_csr: sp.csr_matrix | None = None, with_content: bool = True) -> list[Explanation]:
    """Explanations of several items for one known user (rows in the model's id maps)."""
    assert model.users is not None and model.items is not None, "model is not fitted"
    content = content if content is not None else dataset.content
    item_rows = np.atleast_1d(np.asarray(item_rows, dtype=np.int64))
    scores = np.asarray(model.score(np.array([user_row]), item_rows), dtype=np.float64).reshape(-1)
    parts = score_parts(model, user_row, item_rows, scores)
    titles = item_titles(model, content)
    user_id = model.users.external(user_row)
    notes: list[str] = []
    attribution: HistoryAttribution | None = None
    hist_rows = np.zeros(0, dtype=np.int64)
    hist_values = np.zeros(0, dtype=np.float32)
    if not model.reads_history:
        notes.append(f"the {model.family} model does not depend on the user's history")
    elif isinstance(model, FoldsInUser):
        # the history the model reads for this user (positives, or a sequence in its order), with its values
        hist_rows, hist_values = user_history(model, dataset, user_row, values_csr)
        attribution = attribute_history(model, hist_rows, hist_values, item_rows)
    else:
        notes.append(f"the {model.family} model cannot score a history without retraining, so the "
                     "history's contributions are not known")
    # for item-kNN and EASE the fold-in of the history the model reads is the score itself
    exact_score = attribution is not None and np.allclose(attribution.full_scores, scores, rtol=1e-5,
                                                          atol=1e-5)
    target = "score" if exact_score else "fold-in score of the user's training history"
    attention = attention_weights(model, user_row, titles) if isinstance(model, ReadsSequence) else None
    out: list[Explanation] = []
    for j, item_row in enumerate(item_rows):
        exp = Explanation(user=user_id, item=model.items.external(item_row), title=titles[item_row],
                          score=float(scores[j]), parts=parts[j], notes=list(notes))
        if attribution is not None:
            exp.history = _history_items(model, attribution, hist_rows, hist_values, j, titles, top_k)
            exp.history_method = attribution.method
            exp.history_exact = bool(attribution.exact)
            exp.history_target = target
            exp.history_total = float(attribution.contributions[:, j].sum())
        if attention is not None:
            exp.attention = list(attention)
        out.append(exp)
    if with_content and isinstance(model, AttributesContent):
        from workbench.explain.content import attach_content_attributions

        attach_content_attributions(model, dataset, user_row, item_rows, out, content=content)
    return out


def attention_weights(model: Recommender, user_row: int, titles: Sequence[str]) -> list[AttentionWeight]:
    """The attention of a sequence model's prediction over the user's history, oldest item first."""
    assert isinstance(model, ReadsSequence) and model.items is not None
    rows, weights = model.attention(user_row)
    items = model.items
    return [AttentionWeight(item=items.external(int(r)), title=titles[int(r)], weight=float(w), position=p)
            for p, (r, w) in enumerate(zip(rows, weights, strict=True))]


def explain(model: Recommender, dataset: Dataset, user_id: str, item_id: str, *,
            content: ItemContent | None = None, top_k: int = 10) -> Explanation:
    """Why ``model`` gives ``item_id`` its score for ``user_id`` (see ``Explanation``)."""
    user_row = user_row_of(model, str(user_id))
    item_row = item_row_of(model, str(item_id))
    return explain_rows(model, dataset, user_row, np.array([item_row]), content=content, top_k=top_k)[0]


def explain_recommendations(model: Recommender, dataset: Dataset, user_id: str,
                            items: int | Sequence[str] | Sequence[tuple[str, float]] = 10, *,
                            content: ItemContent | None = None, top_k: int = 10) -> list[dict[str, Any]]:
    """One explanation (``Explanation.to_json()``: item, score, parts, history, ...) per recommended item,
    in order; ``recommend --explain`` stores each under its entry's ``explanation`` key.

    ``items`` is either ``n`` (the model's top-``n``, training items excluded), a list of item ids, or the
    ``(item, score)`` pairs that ``recommend`` returned.
    """
    user_row = user_row_of(model, str(user_id))
    if isinstance(items, int):
        item_ids = [item for item, _ in model.recommend(str(user_id), n=items)]
    else:
        item_ids = [str(x[0]) if isinstance(x, tuple | list) else str(x) for x in items]
    if not item_ids:
        return []
    rows = np.array([item_row_of(model, i) for i in item_ids], dtype=np.int64)
    explanations = explain_rows(model, dataset, user_row, rows, content=content, top_k=top_k)
    return [e.to_json() for e in explanations]


def check_parts_sum(explanation: Explanation, tol: float = PARTS_TOL) -> None:
    """Raise ``WorkbenchError`` when an explanation's parts do not add up to its score."""
    total = sum(explanation.parts.values())
    if abs(total - explanation.score) > tol:
        raise WorkbenchError(f"score parts sum to {total}, not {explanation.score}")


__all__ = ["explain", "explain_recommendations", "explain_rows", "score_parts", "training_values"]
