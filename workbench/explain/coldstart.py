"""Cold-start what-if: recommendations for a new user from a few picked items, the likely audience of a
new item from its description, both without retraining; and a report comparing them with popularity."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import scipy.sparse as sp

from workbench.core.interactions import Dataset, Interactions
from workbench.errors import NotFoundError, WorkbenchError
from workbench.explain.core import item_titles
from workbench.explain.history import attribute_history, history_scores, require_fold_in
from workbench.explain.types import Explanation, HistoryContribution
from workbench.models.base import Recommender
from workbench.models.capabilities import AttributesContent, EncodesNewItem


def _item_rows(model: Recommender, items: Sequence[str]) -> np.ndarray:
    assert model.items is not None, "model is not fitted"
    rows = model.items.rows([str(i) for i in items])
    unknown = [str(i) for i, r in zip(items, rows, strict=True) if r < 0]
    if unknown:
        raise NotFoundError(f"unknown item(s) {', '.join(unknown)} (not in this model's catalogue)")
    return rows


def _default_values(model: Recommender, n: int) -> np.ndarray:
    """The values a fold-in assumes for unrated picks (the model's own default: the mean training rating
    for rating models, 1 otherwise); explanations must use the same."""
    return np.full(n, model.default_history_value())


def coldstart_user(model: Recommender, dataset: Dataset, items: Sequence[str],
                   ratings: Sequence[float] | None = None, n: int = 10, explain: bool = True,
                   top_k: int = 10) -> dict[str, Any]:
    """Top-``n`` for a new user who picked ``items`` (optionally rated), from the model's fold-in.

    Returns ``{"items", "recommendations": [{item, title, score, explanation}]}``; the picked items are
    never recommended. Explanations split each score into ``base`` (the score with an empty history, or
    what the history does not explain) and ``history``, with each picked item's contribution.
    """
    require_fold_in(model)
    if not items:
        raise WorkbenchError("pick at least one item for the new user")
    rows = _item_rows(model, items)
    if ratings is not None and len(ratings) != len(items):
        raise WorkbenchError(f"{len(ratings)} ratings given for {len(items)} items")
    values = np.asarray(ratings if ratings is not None else _default_values(model, len(rows)),
                        dtype=np.float32)
    given = values if ratings is not None else None
    scores = history_scores(model, rows, given)
    # ranked before clipping to the rating range (AutoRec): items clipped at the maximum would tie
    ranking = history_scores(model, rows, given, clip=False)
    ranking[rows] = -np.inf
    n = max(0, min(n, int(np.isfinite(ranking).sum())))
    top = np.argsort(-ranking, kind="stable")[:n]
    assert model.items is not None
    titles = item_titles(model, dataset.content)
    recs: list[dict[str, Any]] = [{"item": model.items.external(r), "title": titles[r],
                                   "score": float(scores[r])} for r in top]
    if explain and len(top):
        explanations = explain_history_rows(model, dataset, rows, values, top, top_k=top_k)
        for rec, exp in zip(recs, explanations, strict=True):
            rec["explanation"] = exp.to_json()
    return {"items": [str(i) for i in items], "recommendations": recs}


def explain_history_rows(model: Recommender, dataset: Dataset, rows: np.ndarray, values: np.ndarray,
                         targets: np.ndarray, top_k: int = 10) -> list[Explanation]:
    """Explanations of ``targets`` for a new user with history ``rows`` (fold-in)."""
    assert model.items is not None
    titles = item_titles(model, dataset.content)
    if not model.reads_history:
        full = history_scores(model, rows, None, targets)
        return [Explanation(user="(new user)", item=model.items.external(t), title=titles[t], score=float(s),
                            parts={"popularity": float(s)},
                            notes=[f"the {model.family} model does not depend on the user's history"])
                for t, s in zip(targets, full, strict=True)]
    attribution = attribute_history(model, rows, values, targets)
    out: list[Explanation] = []
    for j, t in enumerate(targets):
        contrib = attribution.contributions[:, j]
        score = float(attribution.full_scores[j])
        history_part = float(contrib.sum())
        order = np.argsort(-contrib, kind="stable")[:top_k]
        out.append(Explanation(
            user="(new user)", item=model.items.external(t), title=titles[t], score=score,
            parts={"base": score - history_part, "history": history_part},
            history=[HistoryContribution(item=model.items.external(rows[h]), title=titles[rows[h]],
                                         contribution=float(contrib[h]), value=float(values[h]))
                     for h in order],
            history_method=attribution.method,
            history_exact=attribution.exact, history_target="fold-in score of the picked items",
            history_total=history_part))
    if isinstance(model, AttributesContent):
        from workbench.explain.content import attach_content_attributions

        attach_content_attributions(model, dataset, None, targets, out, history_rows=rows)
    return out


def coldstart_item(model: Recommender, dataset: Dataset, title: str, text: str = "",
                   categories: Sequence[str] = (), n: int = 10) -> dict[str, Any]:
    """Users most likely to want a new item described by its content, and the most similar items.

    Only content-reading models (content, hybrid) can score an item without interactions; others raise
    ``WorkbenchError``. Returns ``{"users": [{user, score}], "similar_items": [{item, title, categories,
    similarity}]}``.
    """
    if not isinstance(model, EncodesNewItem):
        raise WorkbenchError(f"the {model.family} model cannot score an item without interactions; "
                             "use a content or hybrid model for new items")
    if not (title or text or categories):
        raise WorkbenchError("describe the new item: a title, a text or categories")
    assert model.users is not None and model.items is not None
    user_scores = np.asarray(model.score_new_item(title, text, list(categories)), dtype=np.float64)
    n_users = min(n, len(user_scores))
    top_users = np.argsort(-user_scores, kind="stable")[:n_users]
    vec = np.asarray(model.encode_new_item(title, text, list(categories)), dtype=np.float64)
    vectors = np.asarray(model.content_embeddings(), dtype=np.float64)
    sims = vectors @ vec / np.maximum(np.linalg.norm(vectors, axis=1) * np.linalg.norm(vec), 1e-12)
    top_items = np.argsort(-sims, kind="stable")[:min(n, len(sims))]
    titles = item_titles(model, dataset.content)
    content = dataset.content
    cat_rows = content.items.rows(list(model.items.ids)) if content is not None else None
    return {
        "title": title,
        "users": [{"user": model.users.external(u), "score": float(user_scores[u])} for u in top_users],
        "similar_items": [{"item": model.items.external(i), "title": titles[i],
                           "categories": list(content.categories[cat_rows[i]])
                           if content is not None and cat_rows is not None and cat_rows[i] >= 0 else [],
                           "similarity": float(sims[i])} for i in top_items],
    }


# --- report on cold splits -------------------------------------------------------------------------------

def _ndcg(scores: np.ndarray, relevant: sp.csr_matrix, k: int) -> float:
    from workbench.evaluation.metrics import hit_matrix, ndcg_at_k

    kk = min(k, scores.shape[1])
    top = np.argsort(-scores, axis=1, kind="stable")[:, :kk]
    top = np.where(np.take_along_axis(np.isfinite(scores), top, axis=1), top, -1)
    hits = hit_matrix(top, relevant)
    n_rel = np.diff(relevant.indptr)
    ok = n_rel > 0
    return float(ndcg_at_k(hits[ok], n_rel[ok]).mean()) if ok.any() else float("nan")


def cold_users_ndcg(model: Recommender, test: Interactions, n_given: int = 5, k: int = 10, seed: int = 0,
                    max_users: int | None = None) -> dict[str, float]:
    """NDCG@k for users unseen in training: ``n_given`` of each cold user's test items (seeded) are the
    picked history (fold-in), the rest are to be found; picked items are excluded from the ranking."""
    rng = np.random.default_rng(seed)
    csr = test.to_csr(binary=True).tocsr()
    users = np.flatnonzero(np.diff(csr.indptr) > n_given)
    if max_users is not None:
        users = users[:max_users]
    score_rows, rel_rows = [], []
    for u in users:
        items = csr.indices[csr.indptr[u]:csr.indptr[u + 1]]
        picked = rng.choice(items, size=n_given, replace=False)
        scores = history_scores(model, picked, None)
        scores[picked] = -np.inf
        score_rows.append(scores)
        rel = np.zeros(csr.shape[1], dtype=np.float32)
        rel[np.setdiff1d(items, picked)] = 1.0
        rel_rows.append(rel)
    if not score_rows:
        return {"users": 0, f"ndcg@{k}": float("nan")}
    relevant = sp.csr_matrix(np.stack(rel_rows))
    return {"users": len(users), f"ndcg@{k}": _ndcg(np.stack(score_rows), relevant, k)}


def cold_items_ndcg(model: Recommender, dataset: Dataset, train: Interactions, test: Interactions,
                    k: int = 10) -> dict[str, float]:
    """NDCG@k of ranking the cold (test-only) items among themselves for each test user, each cold item
    scored as a new item via ``score_new_item`` (content, hybrid: from its content and, for the hybrid, its
    content neighbours' id parts; popularity and other families: their plain scores)."""
    cold = np.setdiff1d(np.unique(test.item_idx), np.unique(train.item_idx))
    test_users = np.unique(test.user_idx)
    assert model.users is not None
    if isinstance(model, EncodesNewItem) and dataset.content is not None:
        content = dataset.content
        crow = content.items.rows([train.items.external(i) for i in cold])
        cols = [np.asarray(model.score_new_item(content.titles[r], content.texts[r],
                                                list(content.categories[r])), dtype=np.float64) for r in crow]
        scores = np.stack(cols, axis=1)[test_users]
    else:
        scores = np.asarray(model.score(test_users, cold), dtype=np.float64)
    rel = test.to_csr(binary=True).tocsr()[test_users][:, cold]
    return {"users": len(test_users), "items": len(cold), f"ndcg@{k}": _ndcg(scores, rel.tocsr(), k)}


def cold_items_whole_ndcg(model: Recommender, train: Interactions, test: Interactions,
                          k: int = 10) -> dict[str, float]:
    """NDCG@k of the cold-item split's test part ranked over the whole catalogue minus known items: the
    cold (relevant) items must outscore every warm item to count, as they must in a shop's top-k."""
    from workbench.evaluation.protocol import evaluate

    result = evaluate(model, train, test, k, metrics={"ndcg"})
    return {"users": int(result.get("n_users_evaluated", 0)), f"ndcg@{k}": result.get(f"ndcg@{k}", 0.0)}


def cold_start_report(dataset: Dataset, families: Sequence[str] = ("pop", "ease", "mf", "content", "hybrid"),
                      settings: dict[str, dict[str, Any]] | None = None, test_fraction: float = 0.2,
                      n_given: int = 5, k: int = 10, seed: int = 42) -> dict[str, dict[str, Any]]:
    """For each family: NDCG@k on the cold-user split (fold-in from ``n_given`` picked items) and on the
    cold-item split, both next to popularity. ``cold_items`` ranks the new items among themselves (scored
    with ``score_new_item``), ``cold_items_whole`` over the whole catalogue (cold against warm items).

    Families that cannot take a path (no fold-in, or no content for new items) report ``None``.
    """
    from workbench.evaluation.splits import SplitSpec, make_split
    from workbench.models.registry import create_model

    settings = settings or {}
    out: dict[str, dict[str, Any]] = {}
    splits = {kind: make_split(dataset.interactions, SplitSpec(kind=kind, test_fraction=test_fraction,
                                                               valid_fraction=0.0, seed=seed))
              for kind in ("cold_users", "cold_items")}
    for family in families:
        row: dict[str, Any] = {}
        for kind, split in splits.items():
            model = create_model(family, settings.get(family))
            if model.uses_content and dataset.content is None:
                row[kind] = None
                continue
            model.fit_all(split.train, content=dataset.content if model.uses_content else None)
            try:
                if kind == "cold_users":
                    row[kind] = cold_users_ndcg(model, split.test, n_given=n_given, k=k, seed=seed)
                else:
                    if not isinstance(model, EncodesNewItem) and model.reads_history:
                        row[kind] = None  # scores of items without interactions mean nothing here
                        continue
                    row[kind] = cold_items_ndcg(model, dataset, split.train, split.test, k=k)
                    row["cold_items_whole"] = cold_items_whole_ndcg(model, split.train, split.test, k=k)
            except WorkbenchError:
                row[kind] = None
        out[family] = row
    return out
