"""ALS for implicit feedback (Hu, Koren and Volinsky 2008) through the ``implicit`` library.

Every interaction is a positive with confidence ``c = 1 + alpha * r / mean(r)`` (``r`` the stored value:
a count, a play time, a rating); every other cell is a negative with confidence 1. Each iteration solves
all users, then all items, in closed form (implicit's conjugate-gradient solver, native code on all
cores, or its CUDA build on a GPU where it is installed). The cost of one iteration grows with the
number of interactions and factors, not with users x items, so it is the fast yardstick at shop scale.
"""

from __future__ import annotations

import math
import time
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np
import scipy.sparse as sp
import torch
from implicit.recommender_base import ModelFitError
from threadpoolctl import threadpool_limits

from workbench.core.interactions import Interactions, ItemContent
from workbench.core.progress import CancelToken
from workbench.errors import WorkbenchError
from workbench.evaluation.ranking import ranking_ndcg
from workbench.models.base import (
    BatchCallback,
    BatchEvent,
    EpochReport,
    ModelArtifact,
    ModelConfig,
    Recommender,
    TrainingError,
    data_bytes,
    param,
)
from workbench.models.capabilities import FoldInHistoryScore, HistoryAttribution
from workbench.models.common import (
    config_dict,
    csr_from_tensors,
    csr_to_tensors,
    id_maps,
    positive_mask,
    positives,
    seen_matrix,
)

#: the automatic regularisation as a share of the mean confidence mass of one user's row: it keeps the
#: prior's weight against the data the same on sparse and dense data (0.1 measured best on ML-100K)
AUTO_REGULARIZATION_SHARE = 0.1


@dataclass(frozen=True)
class ALSConfig(ModelConfig):
    factors: int = param(64, "latent factors per user and item", min=1, max=1024)
    alpha: float = param(5.0, "confidence of an interaction: c = 1 + alpha * value / mean value", min=0.0)
    regularization: float = param(0.0, "L2 regularisation lambda (0: a tenth of the mean confidence mass "
                                  "of a user, adapted to the data)", min=0.0)
    iterations: int = param(15, "alternating sweeps (each solves every user, then every item)",
                            min=1, max=1000)
    patience: int = param(3, "stop after this many iterations without a better validation NDCG@10 "
                          "(0: never stop early)", min=0)
    positive_threshold: float = param(0.0, "ratings >= this count as interactions (0: every interaction)",
                                      min=0.0)


def _implicit_model(config: ALSConfig, regularization: float, gpu: bool) -> Any:
    """An implicit ALS model that runs one iteration per ``fit`` call (factors persist between calls)."""
    # One BLAS thread: implicit parallelises over users itself, and nested pools slow it down 10x.
    with threadpool_limits(1, "blas"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        if gpu:
            import implicit.gpu.als

            return implicit.gpu.als.AlternatingLeastSquares(
                factors=config.factors, regularization=regularization, alpha=1.0, iterations=1,
                calculate_training_loss=True, random_state=config.seed)
        import implicit.cpu.als

        return implicit.cpu.als.AlternatingLeastSquares(
            factors=config.factors, regularization=regularization, alpha=1.0, iterations=1,
            calculate_training_loss=True, random_state=config.seed)


def _gpu_available(device: str) -> bool:
    if not device.startswith("cuda"):
        return False
    try:
        import implicit.gpu

        return bool(implicit.gpu.HAS_CUDA)
    except ImportError:
        return False


def _as_numpy(matrix: Any) -> np.ndarray:
    # GPU factors are implicit.gpu.Matrix objects; CPU ones are numpy arrays already.
    return np.asarray(matrix.to_numpy() if hasattr(matrix, "to_numpy") else matrix, dtype=np.float32)


class ALSModel(FoldInHistoryScore, Recommender[ALSConfig]):
    """Implicit-feedback matrix factorisation by alternating least squares with confidence weights."""

    family: ClassVar[str] = "als"
    history_method: ClassVar[str] = ("exact: implicit's explain, the share of each history item in the "
                                     "re-solved user's score")
    Config: ClassVar[type[ModelConfig]] = ALSConfig
    iterative: ClassVar[bool] = True
    description: ClassVar[str] = ("ALS: implicit-feedback matrix factorisation (Hu et al. 2008); fast "
                                  "and strong on large catalogues")

    def __init__(self, config: ALSConfig | None = None) -> None:
        super().__init__(config)
        self.user_factors: np.ndarray | None = None
        self.item_factors: np.ndarray | None = None
        self.confidence: sp.csr_matrix | None = None  # users x items, c_ui of each training positive
        self.value_mean = 1.0
        self.regularization = 0.0
        self._explainer: Any = None

    # --- memory ---------------------------------------------------------------------------------
    @classmethod
    def estimate_peak_bytes(cls, config: ALSConfig, n_users: int, n_items: int, n_interactions: int) -> int:
        """Peak memory of ``fit`` and the evaluation after it: what every job holds for the data (the
        split, seen items, relevance; ``data_bytes``), factors (current + best copy + solver's), the
        confidence matrix and its transpose, and one validation chunk of scores."""
        factors = int(getattr(config, "factors", 64))
        factor_bytes = (n_users + n_items) * factors * 4
        sparse_bytes = n_interactions * (4 + 4) + (n_users + n_items + 2) * 8
        validation_bytes = (1 << 22) * (4 + 1)  # a (1<<22)-cell chunk of float scores and its bool mask
        return int(data_bytes(n_users, n_items, n_interactions) + 3 * factor_bytes + 3 * sparse_bytes
                   + validation_bytes)

    # --- training -------------------------------------------------------------------------------
    def _confidence(self, train: Interactions) -> sp.csr_matrix:
        cfg = self.config
        x = positives(train, cfg.positive_threshold).to_csr(binary=False).astype(np.float32)
        x.sum_duplicates()
        x.data = np.abs(x.data)
        mean = float(x.data.mean()) if x.nnz else 1.0
        self.value_mean = mean if mean > 0 and math.isfinite(mean) else 1.0
        with np.errstate(over="ignore", invalid="ignore"):
            x.data = (1.0 + cfg.alpha * x.data / self.value_mean).astype(np.float32)
        if not np.isfinite(x.data).all():
            raise TrainingError(f"training diverged: confidence 1 + alpha * value overflows with alpha="
                                f"{cfg.alpha:g}; lower alpha")
        x.eliminate_zeros()
        return x.tocsr()

    def fit(self, train: Interactions, *, content: ItemContent | None = None,
            valid: Interactions | None = None, device: str = "cpu", cancel: CancelToken | None = None,
            on_batch: BatchCallback | None = None, resume_from: ModelArtifact | None = None
            ) -> Iterator[EpochReport]:
        cfg = self.config
        start = time.perf_counter()
        self.users, self.items = train.users, train.items
        self.seen = seen_matrix(train)
        conf = self._confidence(train)
        if conf.nnz == 0:
            raise TrainingError("no training interactions: the training part is empty")
        self.confidence = conf
        n_users, n_items = conf.shape
        mass = float(conf.sum()) / max(1, int((np.diff(conf.indptr) > 0).sum()))
        self.regularization = cfg.regularization or AUTO_REGULARIZATION_SHARE * mass
        gpu = _gpu_available(device)
        solver = _implicit_model(cfg, self.regularization, gpu)
        first_epoch = 0
        if resume_from is not None and "user_factors" in resume_from.tensors:
            self.user_factors = resume_from.tensors["user_factors"].numpy().astype(np.float32)
            self.item_factors = resume_from.tensors["item_factors"].numpy().astype(np.float32)
            first_epoch = int(resume_from.meta.get("epoch", 0))
        else:
            rng = np.random.default_rng(cfg.seed)  # implicit's own initialisation, seeded here
            self.user_factors = rng.random((n_users, cfg.factors), dtype=np.float32) * 0.01
            self.item_factors = rng.random((n_items, cfg.factors), dtype=np.float32) * 0.01
        if gpu:
            import implicit.gpu

            solver.user_factors = implicit.gpu.Matrix(self.user_factors)
            solver.item_factors = implicit.gpu.Matrix(self.item_factors)
        else:
            solver.user_factors, solver.item_factors = self.user_factors, self.item_factors
        relevant = None
        if valid is not None and len(valid):
            valid_pos = valid.subset(positive_mask(valid, cfg.positive_threshold))
            relevant = seen_matrix(valid_pos) if len(valid_pos) else None
        losses: list[float] = []

        def record_loss(_iteration: int, _seconds: float, loss: float | None) -> None:
            losses.append(float("nan") if loss is None else float(loss))

        best: tuple[float, int, np.ndarray, np.ndarray] | None = None
        bad = 0
        for epoch in range(first_epoch + 1, cfg.iterations + 1):
            if cancel is not None:
                cancel.raise_if_cancelled()
            sweep_start = time.perf_counter()
            try:
                with threadpool_limits(1, "blas"), np.errstate(all="ignore"):
                    solver.fit(conf, show_progress=False, callback=record_loss)
            except ModelFitError as exc:
                raise TrainingError(f"training diverged in iteration {epoch} ({exc}); lower alpha or raise "
                                    "the regularisation") from exc
            sweep_s = time.perf_counter() - sweep_start
            self.user_factors = _as_numpy(solver.user_factors)
            self.item_factors = _as_numpy(solver.item_factors)
            self._explainer = None
            loss = losses[-1] if losses else float("nan")
            if not (math.isfinite(loss) and np.isfinite(self.item_factors).all()
                    and np.isfinite(self.user_factors).all()):
                raise TrainingError(f"training diverged: the factors became non-finite in iteration {epoch}; "
                                    "lower alpha or raise the regularisation")
            metric = None
            if relevant is not None:
                metric = ranking_ndcg(lambda rows: torch.from_numpy(self.score(rows)), self.seen, relevant,
                                      seed=cfg.seed, cancel=cancel)
            is_best = False
            if metric is not None:
                if best is None or metric > best[0]:
                    best = (metric, epoch, self.user_factors.copy(), self.item_factors.copy())
                    is_best, bad = True, 0
                else:
                    bad += 1
            if on_batch is not None:
                on_batch(BatchEvent(epoch=epoch, batch=1, n_batches=1, loss=loss))
            yield EpochReport(epoch=epoch, train_loss=loss, valid_metric=metric,
                              metric_name="ndcg@10" if metric is not None else None,
                              elapsed_s=time.perf_counter() - start,
                              samples_per_s=conf.nnz / sweep_s if sweep_s > 0 else None, is_best=is_best,
                              extra={"best_epoch": float(best[1])} if best is not None else {})
            if cfg.patience > 0 and bad >= cfg.patience:
                break
        if best is not None:
            self.user_factors, self.item_factors = best[2], best[3]
            self._explainer = None

    # --- scoring --------------------------------------------------------------------------------
    def _factors(self) -> tuple[np.ndarray, np.ndarray]:
        assert self.user_factors is not None and self.item_factors is not None, "model is not fitted"
        return self.user_factors, self.item_factors

    def score(self, user_rows: np.ndarray, item_rows: np.ndarray | None = None) -> np.ndarray:
        users, items = self._factors()
        item_part = items if item_rows is None else items[np.asarray(item_rows)]
        return np.asarray(users[np.atleast_1d(user_rows)] @ item_part.T, dtype=np.float32)

    def score_parts(self, user_row: int, item_rows: np.ndarray) -> dict[str, np.ndarray]:
        return {"factors": self.score(np.array([user_row]), item_rows)[0]}

    def item_embeddings(self) -> np.ndarray | None:
        return self._factors()[1]

    def _user_system(self, item_rows: np.ndarray, confidence: np.ndarray) -> np.ndarray:
        """The left side (YtY + Yᵀ(C-I)Y + λI) of one user's least-squares problem."""
        _, items = self._factors()
        y = items[item_rows].astype(np.float64)
        gram = items.T.astype(np.float64) @ items.astype(np.float64)
        gram += (y * (confidence - 1.0)[:, None]).T @ y
        gram[np.diag_indices_from(gram)] += self.regularization
        return gram

    def _history_confidence(self, item_rows: np.ndarray, values: np.ndarray | None) -> np.ndarray:
        """Confidence of each history item, as training gives it: ``1 + alpha * r / mean(r)``."""
        cfg = self.config
        _, items = self._factors()
        item_rows = np.asarray(item_rows, dtype=np.int64)
        if (item_rows < 0).any() or (item_rows >= len(items)).any():
            raise WorkbenchError("fold-in history contains unknown item rows")
        r = np.ones(len(item_rows)) if values is None else np.abs(np.asarray(values, dtype=np.float64))
        return 1.0 + cfg.alpha * (r / self.value_mean if values is not None else r)

    def fold_in_user(self, item_rows: np.ndarray, values: np.ndarray | None = None) -> np.ndarray:
        """A new user's factors solved exactly against the fixed item factors (one half-step of ALS)."""
        _, items = self._factors()
        confidence = self._history_confidence(item_rows, values)
        item_rows = np.asarray(item_rows, dtype=np.int64)
        gram = self._user_system(item_rows, confidence)
        rhs = (items[item_rows].astype(np.float64) * confidence[:, None]).sum(axis=0)
        user = np.linalg.solve(gram, rhs) if len(item_rows) else np.zeros(items.shape[1])
        return (items @ user.astype(np.float32)).astype(np.float32)

    def explain_history(self, item_rows: np.ndarray, values: np.ndarray | None, targets: np.ndarray
                        ) -> HistoryAttribution:
        """implicit's ``explain``: each history item's share of the re-solved user's score (exact: the
        shares sum to the fold-in score)."""
        _, items = self._factors()
        rows = np.asarray(item_rows, dtype=np.int64)
        cols = np.asarray(targets, dtype=np.int64)
        full = self.history_score(rows, values, cols)
        terms = np.zeros((len(rows), len(cols)))
        if len(rows):
            confidence = self._history_confidence(rows, values)
            row = sp.csr_matrix((confidence.astype(np.float32), (np.zeros(len(rows), dtype=np.int64), rows)),
                                shape=(1, len(items)))
            # a history item given twice counts once in the row (its confidences add): share it
            counts = np.bincount(rows, minlength=len(items))[rows]
            explainer = self._implicit_explainer()
            for j, target in enumerate(cols):
                _, top, _ = explainer.explain(0, row, int(target), N=row.nnz)
                shares = dict(top)
                terms[:, j] = [shares.get(int(r), 0.0) / c for r, c in zip(rows, counts, strict=True)]
        return HistoryAttribution(terms, self.history_method, True, full, np.zeros(len(cols)))

    def _implicit_explainer(self) -> Any:
        if self._explainer is None:
            cfg = self.config
            explainer = _implicit_model(cfg, self.regularization, gpu=False)
            explainer.user_factors, explainer.item_factors = self._factors()
            self._explainer = explainer
        return self._explainer

    # --- persistence ----------------------------------------------------------------------------
    def to_artifact(self) -> ModelArtifact:
        users, items = self._factors()
        assert self.users is not None and self.items is not None and self.confidence is not None
        tensors = {"user_factors": torch.from_numpy(np.ascontiguousarray(users)),
                   "item_factors": torch.from_numpy(np.ascontiguousarray(items))}
        tensors.update(csr_to_tensors("confidence", self.confidence))
        tensors.update(csr_to_tensors("seen", self.seen))
        return ModelArtifact(family=self.family, config=config_dict(self.config), users=self.users.to_list(),
                             items=self.items.to_list(),
                             meta={"value_mean": self.value_mean, "regularization": self.regularization},
                             tensors=tensors)

    @classmethod
    def from_artifact(cls, artifact: ModelArtifact) -> ALSModel:
        model = cls(cls.config_of(artifact.config))
        model.users, model.items = id_maps(artifact.users, artifact.items)
        shape = (len(model.users), len(model.items))
        model.user_factors = artifact.tensors["user_factors"].numpy().astype(np.float32)
        model.item_factors = artifact.tensors["item_factors"].numpy().astype(np.float32)
        model.confidence = csr_from_tensors("confidence", artifact.tensors, shape).astype(np.float32)
        model.seen = csr_from_tensors("seen", artifact.tensors, shape)
        model.value_mean = float(artifact.meta.get("value_mean", 1.0))
        model.regularization = float(artifact.meta.get("regularization", 0.0))
        return model
