"""Looking inside a fitted model: embedding map, item neighbours, bias extremes, score distribution and
per-user fit diagnostics."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from workbench.core.interactions import Dataset
from workbench.errors import WorkbenchError
from workbench.explain.core import item_row_of, item_titles, user_row_of
from workbench.models.base import Recommender
from workbench.models.capabilities import HasItemBiases, HasItemItemWeights


@dataclass
class EmbeddingMap:
    """2-D coordinates of item embeddings with what the GUI colours and hovers by."""

    coords: np.ndarray  # n_items x 2
    items: list[str]
    titles: list[str]
    categories: list[list[str]]
    method: str  # "pca" or "umap"
    explained_variance: list[float] = field(default_factory=list)  # PCA: share per axis

    def to_json(self) -> dict[str, Any]:
        return {"method": self.method, "explained_variance": self.explained_variance,
                "points": [{"item": i, "title": t, "categories": c, "x": float(x), "y": float(y)}
                           for i, t, c, (x, y) in zip(self.items, self.titles, self.categories, self.coords,
                                                      strict=True)]}


def item_vectors(model: Recommender) -> np.ndarray:
    """Item embeddings, or for item-kNN/EASE the rows of their item-item matrix (a similarity profile)."""
    emb = model.item_embeddings()
    if emb is not None:
        return np.asarray(emb, dtype=np.float64)
    if isinstance(model, HasItemItemWeights):
        dense = np.asarray(model.item_item_weights(), dtype=np.float64)
        return (dense + dense.T) / 2.0  # symmetric profile: both directions count
    raise WorkbenchError(f"the {model.family} model has no item embeddings to inspect")


def embedding_map(model: Recommender, dataset: Dataset, method: str = "pca") -> tuple[np.ndarray, list[str],
                                                                                      list[list[str]]]:
    """``(coords n_items x 2, item ids, categories)``: a 2-D projection of the item embeddings."""
    result = embedding_map_full(model, dataset, method)
    return result.coords, result.items, result.categories


def embedding_map_full(model: Recommender, dataset: Dataset, method: str = "pca") -> EmbeddingMap:
    """Like ``embedding_map`` with titles, the method used and PCA's explained variance."""
    assert model.items is not None, "model is not fitted"
    vectors = item_vectors(model)
    centred = vectors - vectors.mean(axis=0, keepdims=True)
    explained: list[float] = []
    if method == "umap":
        try:
            import umap  # type: ignore[import-not-found]
        except ImportError as exc:
            raise WorkbenchError("UMAP is not installed; use method='pca'") from exc
        coords = umap.UMAP(n_components=2, random_state=0).fit_transform(centred)
    elif method == "pca":
        _, s, vt = np.linalg.svd(centred, full_matrices=False)
        axes = vt[:2]
        coords = centred @ axes.T
        if coords.shape[1] < 2:
            coords = np.pad(coords, ((0, 0), (0, 2 - coords.shape[1])))
        total = float((s ** 2).sum())
        explained = [float(v / total) if total > 0 else 0.0 for v in (s[:2] ** 2)]
    else:
        raise WorkbenchError(f"unknown projection '{method}' (choose pca or umap)")
    content = dataset.content
    if content is not None:
        rows = content.items.rows(list(model.items.ids))
        cats = [list(content.categories[r]) if r >= 0 else [] for r in rows]
    else:
        cats = [[] for _ in model.items.ids]
    return EmbeddingMap(np.asarray(coords, dtype=np.float64), list(model.items.ids),
                        item_titles(model, content), cats, method, explained)


def similar_items(model: Recommender, item_id: str, n: int = 10) -> list[tuple[str, float]]:
    """"Items like this": cosine similarity in embedding space (item-kNN: its similarities; EASE: B)."""
    assert model.items is not None, "model is not fitted"
    row = item_row_of(model, item_id)
    emb = model.item_embeddings()
    if emb is not None:
        vectors = np.asarray(emb, dtype=np.float64)
        norms = np.maximum(np.linalg.norm(vectors, axis=1), 1e-12)
        sims = vectors @ vectors[row] / (norms * norms[row])
    else:
        sims = item_vectors(model)[row].copy()
    sims[row] = -np.inf
    n = min(n, len(sims) - 1)
    top = np.argsort(-sims, kind="stable")[:n]
    return [(model.items.external(i), float(sims[i])) for i in top]


def item_biases(model: Recommender) -> np.ndarray | None:
    """Learned item biases of a model that declares them (``HasItemBiases``), or None."""
    assert model.items is not None, "model is not fitted"
    if not isinstance(model, HasItemBiases):
        return None
    return np.asarray(model.item_biases(), dtype=np.float64)


def bias_extremes(model: Recommender, n: int = 10) -> dict[str, list[tuple[str, float]]]:
    """``{"highest": [(item, bias)], "lowest": [...]}``; models without item biases raise an error."""
    biases = item_biases(model)
    if biases is None:
        raise WorkbenchError(f"the {model.family} model has no learned item biases")
    assert model.items is not None
    order = np.argsort(-biases, kind="stable")
    pick = lambda rows: [(model.items.external(i), float(biases[i])) for i in rows]  # noqa: E731
    return {"highest": pick(order[:n]), "lowest": pick(order[::-1][:n])}


def score_distribution(model: Recommender, user_rows: np.ndarray | None = None, bins: int = 50,
                       max_users: int = 2000, seed: int = 0) -> dict[str, Any]:
    """Histogram of scores over (users x all items): ``{"counts", "edges", "mean", "std", "users"}``.

    Without ``user_rows`` up to ``max_users`` users are sampled (seeded) so large datasets stay fast.
    """
    assert model.users is not None, "model is not fitted"
    if user_rows is None:
        n_users = len(model.users)
        rng = np.random.default_rng(seed)
        user_rows = np.sort(rng.permutation(n_users)[:max_users]) if n_users > max_users \
            else np.arange(n_users)
    scores = model.score(np.asarray(user_rows, dtype=np.int64)).astype(np.float64).ravel()
    scores = scores[np.isfinite(scores)]
    counts, edges = np.histogram(scores, bins=bins)
    return {"counts": counts.tolist(), "edges": edges.tolist(), "mean": float(scores.mean()),
            "std": float(scores.std()), "users": len(user_rows)}


def user_diagnostics(model: Recommender, dataset: Dataset, split: Any, user_id: str, k: int = 10
                     ) -> dict[str, Any]:
    """How well ``model`` ranks this user's held-out items: each one's rank among the items the user did
    not train on (1 = top), hit@k and ndcg@k (binary gains), and the training history size.

    ``split`` is the ``Split`` the model was trained on (its ``test`` part is the held-out set).
    """
    from workbench.evaluation.metrics import ndcg_at_k

    assert model.items is not None
    row = user_row_of(model, user_id)
    scores = model.score(np.array([row]))[0].astype(np.float64)
    if model.seen is not None:
        scores[model.seen[row].indices] = -np.inf
    test = split.test
    data_user = test.users.row(user_id)
    mask = test.user_idx == data_user
    held_ids = [test.items.external(i) for i in test.item_idx[mask]]
    held_rows = np.array([model.items.row(i) for i in held_ids], dtype=np.int64)
    held_rows = np.unique(held_rows[held_rows >= 0])
    # rank = 1 + number of candidate items scored strictly higher
    candidates = scores[np.isfinite(scores)]
    ranks = [int((candidates > scores[r]).sum()) + 1 for r in held_rows]
    order = np.argsort(-scores, kind="stable")[:k]
    hits = np.isin(order, held_rows)[None, :]
    ndcg = float(ndcg_at_k(hits, np.array([len(held_rows)]))[0]) if len(held_rows) else float("nan")
    return {
        "user": user_id,
        "train_items": int(model.seen[row].nnz) if model.seen is not None else 0,
        "held_out": [{"item": model.items.external(r), "rank": rk, "score": float(scores[r])}
                     for r, rk in sorted(zip(held_rows.tolist(), ranks, strict=True), key=lambda t: t[1])],
        f"hit@{k}": float(hits.any()) if len(held_rows) else float("nan"),
        f"ndcg@{k}": ndcg,
        "candidates": len(candidates),
    }
