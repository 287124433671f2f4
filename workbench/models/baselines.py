"""Cheap, strong yardsticks: popularity, item-kNN (cosine with shrinkage) and EASE (closed form)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np
import scipy.sparse as sp
import torch

from workbench.core.interactions import Interactions, ItemContent
from workbench.core.progress import CancelToken
from workbench.evaluation.ranking import ranking_ndcg
from workbench.models.base import (
    BatchCallback,
    C,
    EpochReport,
    ModelArtifact,
    ModelConfig,
    Recommender,
    data_bytes,
    param,
)
from workbench.models.capabilities import FoldInHistoryScore, HistoryAttribution
from workbench.models.common import (
    config_dict,
    csr_from_tensors,
    csr_to_tensors,
    ease_weights,
    id_maps,
    positives,
    seen_matrix,
    user_history_vector,
)


class ClosedFormRecommender(Recommender[C]):
    """Shared plumbing of the non-iterative models: one report, CSR persistence, validation NDCG."""

    def _begin(self, train: Interactions, threshold: float) -> sp.csr_matrix:
        self.users, self.items = train.users, train.items
        self.seen = seen_matrix(train)
        x = positives(train, threshold).to_csr(binary=True)
        x.data[:] = 1.0
        return x.astype(np.float32)

    def _report(self, start: float, n: int, valid: Interactions | None, threshold: float,
                cancel: CancelToken | None) -> EpochReport:
        metric = None
        if valid is not None and len(valid):
            rel = seen_matrix(positives(valid, threshold)) if (valid.values >= threshold).any() or \
                not valid.is_explicit or threshold <= 0 else None
            if rel is not None:
                metric = ranking_ndcg(lambda rows: torch.from_numpy(self.score(rows)), self.seen, rel,
                                      cancel=cancel)
        elapsed = time.perf_counter() - start
        return EpochReport(epoch=1, train_loss=None, valid_metric=metric,
                           metric_name="ndcg@10" if metric is not None else None, elapsed_s=elapsed,
                           samples_per_s=n / elapsed if elapsed > 0 else None, is_best=True)

    def _artifact(self, tensors: dict[str, torch.Tensor],
                  meta: dict[str, Any] | None = None) -> ModelArtifact:
        assert self.users is not None and self.items is not None, "model is not fitted"
        all_tensors = dict(tensors)
        all_tensors.update(csr_to_tensors("seen", self.seen))
        return ModelArtifact(family=self.family, config=config_dict(self.config), users=self.users.to_list(),
                             items=self.items.to_list(), meta={"epoch": 1, **(meta or {})},
                             tensors=all_tensors)

    @classmethod
    def _restore(cls, artifact: ModelArtifact) -> Any:
        model = cls(cls.config_of(artifact.config))
        model.users, model.items = id_maps(artifact.users, artifact.items)
        model.seen = csr_from_tensors("seen", artifact.tensors, (len(model.users), len(model.items)))
        return model


# --- popularity ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class PopularityConfig(ModelConfig):
    positive_threshold: float = param(0.0, "ratings >= this count as positives (0: every interaction)",
                                      min=0.0)


class PopularityModel(ClosedFormRecommender[PopularityConfig]):
    """Recommends the items with the most positive training interactions to everyone."""

    family: ClassVar[str] = "pop"
    Config: ClassVar[type[ModelConfig]] = PopularityConfig
    description: ClassVar[str] = "Popularity: the most interacted-with items, the same for every user"
    reads_history: ClassVar[bool] = False

    def __init__(self, config: PopularityConfig | None = None) -> None:
        super().__init__(config)
        self.popularity: np.ndarray = np.zeros(0, dtype=np.float32)

    def fit(self, train: Interactions, *, content: ItemContent | None = None,
            valid: Interactions | None = None, device: str = "cpu", cancel: CancelToken | None = None,
            on_batch: BatchCallback | None = None, resume_from: ModelArtifact | None = None
            ) -> Iterator[EpochReport]:
        start = time.perf_counter()
        cfg = self.config
        x = self._begin(train, cfg.positive_threshold)
        counts = np.asarray(x.sum(axis=0)).ravel().astype(np.float32)
        # scaled to [0, 1] so scores read as "share of the top item's popularity"
        self.popularity = counts / max(1.0, float(counts.max()))
        yield self._report(start, len(train), valid, cfg.positive_threshold, cancel)

    def score(self, user_rows: np.ndarray, item_rows: np.ndarray | None = None) -> np.ndarray:
        pop = self.popularity if item_rows is None else self.popularity[np.asarray(item_rows)]
        return np.broadcast_to(pop, (len(np.atleast_1d(user_rows)), len(pop))).astype(np.float32)

    def score_parts(self, user_row: int, item_rows: np.ndarray) -> dict[str, np.ndarray]:
        return {"popularity": self.popularity[np.asarray(item_rows)].astype(np.float32)}

    def fold_in_user(self, item_rows: np.ndarray, values: np.ndarray | None = None) -> np.ndarray:
        return self.popularity.astype(np.float32).copy()

    def to_artifact(self) -> ModelArtifact:
        return self._artifact({"popularity": torch.from_numpy(self.popularity.astype(np.float32))})

    @classmethod
    def from_artifact(cls, artifact: ModelArtifact) -> PopularityModel:
        model = cls._restore(artifact)
        model.popularity = artifact.tensors["popularity"].numpy().astype(np.float32)
        return model


# --- item-kNN ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ItemKNNConfig(ModelConfig):
    neighbours: int = param(100, "neighbours kept per item (top-k most similar)", min=1,
                            search=(10, 500), log=True)
    shrinkage: float = param(10.0, "shrinkage added to the cosine denominator (damps rare co-occurrences)",
                             min=0.0, search=(0.0, 100.0))
    positive_threshold: float = param(0.0, "ratings >= this count as positives (0: every interaction)",
                                      min=0.0)


class ItemKNNModel(FoldInHistoryScore, ClosedFormRecommender[ItemKNNConfig]):
    """Item-based nearest neighbours: score(u, i) = sum of similarities of i to u's history items."""

    family: ClassVar[str] = "itemknn"
    history_method: ClassVar[str] = "exact: similarity(h, item) x weight of h (item-kNN)"
    Config: ClassVar[type[ModelConfig]] = ItemKNNConfig
    description: ClassVar[str] = "Item-kNN: cosine similarity with shrinkage between items' user sets"

    #: dense item-item similarity cells computed at once (float64), bounding the fit's memory
    block_cells: ClassVar[int] = 1 << 22

    @classmethod
    def estimate_peak_bytes(cls, config: ItemKNNConfig, n_users: int, n_items: int,
                            n_interactions: int) -> int:
        k = min(config.neighbours, max(1, n_items - 1))
        # the positives twice (rows and columns), one block of similarities with its top-k work, and the
        # sparse top-k neighbour matrix (built, transposed, serialised)
        return (data_bytes(n_users, n_items, n_interactions) + 24 * n_interactions
                + 8 * 2 * max(cls.block_cells, n_items) + 12 * 3 * n_items * k)

    @classmethod
    def estimate_epoch_seconds(cls, config: ItemKNNConfig, n_users: int, n_items: int,
                               n_interactions: int) -> float | None:
        pairs = 3.0 * n_interactions ** 2 / max(1, n_users)  # co-occurring pairs, skew included
        return pairs / 5e7 + n_items ** 2 / 5e7

    def __init__(self, config: ItemKNNConfig | None = None) -> None:
        super().__init__(config)
        self.x: sp.csr_matrix | None = None  # users x items positives
        self.sim: sp.csr_matrix | None = None  # items (history j) x items (target i): weight of j for i

    def fit(self, train: Interactions, *, content: ItemContent | None = None,
            valid: Interactions | None = None, device: str = "cpu", cancel: CancelToken | None = None,
            on_batch: BatchCallback | None = None, resume_from: ModelArtifact | None = None
            ) -> Iterator[EpochReport]:
        start = time.perf_counter()
        cfg = self.config
        x = self._begin(train, cfg.positive_threshold)
        n_items = x.shape[1]
        xt = x.T.tocsr()
        norms = np.sqrt(np.asarray(x.sum(axis=0)).ravel())
        k = min(cfg.neighbours, max(1, n_items - 1))
        rows_out: list[np.ndarray] = []
        cols_out: list[np.ndarray] = []
        vals_out: list[np.ndarray] = []
        chunk = max(1, self.block_cells // max(1, n_items))
        for s in range(0, n_items, chunk):
            if cancel is not None:
                cancel.raise_if_cancelled()
            # co-occurrence counts of a block of items only: the full item x item matrix can be dense
            block = (xt[s:s + chunk] @ x).toarray().astype(np.float64)
            e = min(s + chunk, n_items)
            block /= norms[s:e, None] * norms[None, :] + cfg.shrinkage + 1e-9
            block[np.arange(e - s), np.arange(s, e)] = 0.0
            top = np.argpartition(-block, k - 1, axis=1)[:, :k] if k < n_items else \
                np.tile(np.arange(n_items), (e - s, 1))
            vals = np.take_along_axis(block, top, axis=1)
            keep = vals > 0
            rows_out.append(np.repeat(np.arange(s, e), keep.sum(axis=1)))
            cols_out.append(top[keep])
            vals_out.append(vals[keep])
        # w[i, j] = similarity of neighbour j for target i; stored transposed for X @ sim
        w = sp.csr_matrix((np.concatenate(vals_out).astype(np.float32),
                           (np.concatenate(rows_out), np.concatenate(cols_out))), shape=(n_items, n_items))
        self.sim = w.T.tocsr()
        self.x = x
        yield self._report(start, len(train), valid, cfg.positive_threshold, cancel)

    def score(self, user_rows: np.ndarray, item_rows: np.ndarray | None = None) -> np.ndarray:
        assert self.x is not None and self.sim is not None, "model is not fitted"
        scores = np.asarray((self.x[np.atleast_1d(user_rows)] @ self.sim).todense(), dtype=np.float32)
        return scores if item_rows is None else scores[:, np.asarray(item_rows)]

    def score_parts(self, user_row: int, item_rows: np.ndarray) -> dict[str, np.ndarray]:
        return {"history": self.score(np.array([user_row]), item_rows)[0]}

    def fold_in_user(self, item_rows: np.ndarray, values: np.ndarray | None = None) -> np.ndarray:
        assert self.sim is not None and self.items is not None, "model is not fitted"
        hist = user_history_vector(len(self.items), item_rows, None)
        return np.asarray(self.sim.T @ hist, dtype=np.float32).ravel()

    def training_history(self, user_row: int) -> np.ndarray:
        """The user's positives: the history that ``score`` reads."""
        assert self.x is not None, "model is not fitted"
        return np.asarray(self.x[user_row].indices, dtype=np.int64)

    def explain_history(self, item_rows: np.ndarray, values: np.ndarray | None, targets: np.ndarray
                        ) -> HistoryAttribution:
        """Exact: history item h adds its similarity to the target (the history's values are not read)."""
        assert self.sim is not None, "model is not fitted"
        rows, targets = np.asarray(item_rows, dtype=np.int64), np.asarray(targets, dtype=np.int64)
        terms = np.asarray(self.sim[rows][:, targets].todense(), dtype=np.float64).reshape(len(rows), -1)
        return _item_item_attribution(terms, self.history_method)

    def item_item_weights(self) -> np.ndarray:
        assert self.sim is not None, "model is not fitted"
        return np.asarray(self.sim.todense(), dtype=np.float32)

    def item_embeddings(self) -> np.ndarray | None:
        return None

    def to_artifact(self) -> ModelArtifact:
        assert self.x is not None and self.sim is not None, "model is not fitted"
        tensors = csr_to_tensors("x", self.x)
        tensors.update(csr_to_tensors("sim", self.sim))
        return self._artifact(tensors)

    @classmethod
    def from_artifact(cls, artifact: ModelArtifact) -> ItemKNNModel:
        model = cls._restore(artifact)
        shape = (len(model.users), len(model.items))
        model.x = csr_from_tensors("x", artifact.tensors, shape).astype(np.float32)
        model.sim = csr_from_tensors("sim", artifact.tensors, (shape[1], shape[1])).astype(np.float32)
        return model


# --- EASE ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class EASEConfig(ModelConfig):
    l2: float = param(300.0, "L2 regularisation lambda of the closed-form item-item weights", min=0.0,
                      search=(1.0, 5000.0), log=True)
    dropout: float = param(0.0, "emphasised dropout (EDLAE): adds dropout/(1-dropout) x each item's count "
                           "to its penalty, so popular items lean less on themselves (0: plain EASE)",
                           min=0.0, max=0.9, search=(0.0, 0.7))
    positive_threshold: float = param(0.0, "ratings >= this count as positives (0: every interaction)",
                                      min=0.0)


class EASEModel(FoldInHistoryScore, ClosedFormRecommender[EASEConfig]):
    """EASE (Steck 2019): a dense item-item weight matrix with zero diagonal, solved in closed form."""

    family: ClassVar[str] = "ease"
    history_method: ClassVar[str] = "exact: B[h, item] x weight of h (EASE)"
    Config: ClassVar[type[ModelConfig]] = EASEConfig
    description: ClassVar[str] = "EASE: closed-form linear item-item autoencoder, a very strong baseline"
    #: dense items x items float32 matrices alive at the peak: two while solving (the Gram matrix and its
    #: factor, then the factor and the inverse, which becomes the weights), three when the weights are
    #: serialised for the store
    DENSE_COPIES: ClassVar[int] = 3

    @classmethod
    def estimate_peak_bytes(cls, config: EASEConfig, n_users: int, n_items: int, n_interactions: int) -> int:
        return data_bytes(n_users, n_items, n_interactions) + cls.DENSE_COPIES * 4 * n_items ** 2

    @classmethod
    def estimate_epoch_seconds(cls, config: EASEConfig, n_users: int, n_items: int,
                               n_interactions: int) -> float | None:
        return 2.0 * n_items ** 3 / 2e10 + 3.0 * n_interactions ** 2 / max(1, n_users) / 5e7

    @classmethod
    def size_advice(cls, config: EASEConfig) -> str:
        return ("itemknn (sparse top-k neighbours, the closest light alternative), bpr or hybrid; EASE keeps "
                "a dense items x items matrix, so its memory grows with the square of the catalogue")

    def __init__(self, config: EASEConfig | None = None) -> None:
        super().__init__(config)
        self.x: sp.csr_matrix | None = None
        self.b: np.ndarray | None = None

    def fit(self, train: Interactions, *, content: ItemContent | None = None,
            valid: Interactions | None = None, device: str = "cpu", cancel: CancelToken | None = None,
            on_batch: BatchCallback | None = None, resume_from: ModelArtifact | None = None
            ) -> Iterator[EpochReport]:
        start = time.perf_counter()
        cfg = self.config
        x = self._begin(train, cfg.positive_threshold)
        self.b = ease_weights(x, cfg.l2, cancel, dropout=cfg.dropout).numpy()
        self.x = x
        yield self._report(start, len(train), valid, cfg.positive_threshold, cancel)

    def score(self, user_rows: np.ndarray, item_rows: np.ndarray | None = None) -> np.ndarray:
        assert self.x is not None and self.b is not None, "model is not fitted"
        b = self.b if item_rows is None else self.b[:, np.asarray(item_rows)]
        return np.asarray(self.x[np.atleast_1d(user_rows)] @ b, dtype=np.float32)

    def score_parts(self, user_row: int, item_rows: np.ndarray) -> dict[str, np.ndarray]:
        return {"history": self.score(np.array([user_row]), item_rows)[0]}

    def fold_in_user(self, item_rows: np.ndarray, values: np.ndarray | None = None) -> np.ndarray:
        assert self.b is not None, "model is not fitted"
        return (user_history_vector(self.b.shape[0], item_rows, None) @ self.b).astype(np.float32)

    def training_history(self, user_row: int) -> np.ndarray:
        """The user's positives: the history that ``score`` reads."""
        assert self.x is not None, "model is not fitted"
        return np.asarray(self.x[user_row].indices, dtype=np.int64)

    def explain_history(self, item_rows: np.ndarray, values: np.ndarray | None, targets: np.ndarray
                        ) -> HistoryAttribution:
        """Exact: history item h adds ``B[h, item]`` (the history's values are not read)."""
        assert self.b is not None, "model is not fitted"
        rows, targets = np.asarray(item_rows, dtype=np.int64), np.asarray(targets, dtype=np.int64)
        return _item_item_attribution(self.b[np.ix_(rows, targets)].astype(np.float64), self.history_method)

    def item_item_weights(self) -> np.ndarray:
        assert self.b is not None, "model is not fitted"
        return self.b

    def to_artifact(self) -> ModelArtifact:
        assert self.x is not None and self.b is not None, "model is not fitted"
        tensors = csr_to_tensors("x", self.x)
        tensors["b"] = torch.from_numpy(np.ascontiguousarray(self.b))
        return self._artifact(tensors)

    @classmethod
    def from_artifact(cls, artifact: ModelArtifact) -> EASEModel:
        model = cls._restore(artifact)
        model.x = csr_from_tensors("x", artifact.tensors, (len(model.users), len(model.items))).astype(
            np.float32)
        model.b = artifact.tensors["b"].numpy().astype(np.float32)
        return model


def _item_item_attribution(terms: np.ndarray, method: str) -> HistoryAttribution:
    """The split of an item-item model's score: one term per history item, nothing else."""
    full = terms.sum(axis=0)
    return HistoryAttribution(terms, method, True, full, np.zeros_like(full))

