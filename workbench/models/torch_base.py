"""Plumbing shared by every torch model: fit through the shared loop, scoring, persistence, fold-in."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, ClassVar

import numpy as np
import torch
from torch import nn

from workbench.core.interactions import Interactions, ItemContent
from workbench.core.progress import CancelToken
from workbench.errors import WorkbenchError
from workbench.models.base import (
    BatchCallback,
    EpochReport,
    ModelArtifact,
    Recommender,
    TrainingError,
    config_from_dict,
)
from workbench.models.common import (
    config_dict,
    csr_from_tensors,
    csr_to_tensors,
    id_maps,
    positives,
    seen_matrix,
)
from workbench.training.device import resolve_device
from workbench.training.loop import LoopPlan, make_generator, ranking_ndcg, rating_rmse, run_epochs


class TorchRecommender(Recommender):
    """Base of the iterative families.

    Subclasses implement ``_prepare`` (dimensions and fixed data tensors from the training part),
    ``_build_module`` (from ``self.meta`` alone, so reloads rebuild the same shapes), ``_loss`` over a
    batch of sample indices, ``_scores`` (users x items tensor) and ``_predict_pairs``.
    Training samples live in ``self._u``, ``self._i``, ``self._r`` on the device.
    """

    iterative: ClassVar[bool] = True
    default_objective: ClassVar[str] = "ranking"

    def __init__(self, config: Any = None) -> None:
        super().__init__(config)
        self.module: nn.Module | None = None
        self.meta: dict[str, Any] = {}
        self.buffers: dict[str, torch.Tensor] = {}  # fixed (non-trained) tensors: content, histories
        self.device = "cpu"
        self.epochs_done = 0
        self._gen: torch.Generator | None = None

    # --- subclass hooks ------------------------------------------------------------------------------
    @property
    def objective(self) -> str:
        return str(getattr(self.config, "objective", self.default_objective))

    def _prepare(self, train: Interactions, content: ItemContent | None) -> None:
        """Fill ``self.meta`` (JSON-safe) and ``self.buffers`` from the training data (optional)."""

    def _build_module(self) -> nn.Module:
        raise NotImplementedError

    def _loss(self, idx: torch.Tensor) -> torch.Tensor:
        raise NotImplementedError

    def _scores(self, users: torch.Tensor, items: torch.Tensor | None) -> torch.Tensor:
        raise NotImplementedError

    def _predict_pairs(self, users: torch.Tensor, items: torch.Tensor) -> torch.Tensor:
        raise NotImplementedError

    # --- training -------------------------------------------------------------------------------------
    def fit(self, train: Interactions, *, content: ItemContent | None = None,
            valid: Interactions | None = None, device: str = "cpu", cancel: CancelToken | None = None,
            on_batch: BatchCallback | None = None, resume_from: ModelArtifact | None = None
            ) -> Iterator[EpochReport]:
        cfg = self.config
        if len(train) == 0:
            raise TrainingError("the training part is empty")
        torch.manual_seed(cfg.seed)
        self.device = resolve_device(device)
        self.users, self.items = train.users, train.items
        self.seen = seen_matrix(train)
        threshold = float(getattr(cfg, "positive_threshold", 0.0))
        used = positives(train, threshold) if self.objective == "ranking" else train
        if self.objective == "rating" and not train.is_explicit:
            raise TrainingError("the rating objective needs explicit ratings; this data is implicit")
        self.meta = {"n_users": train.n_users, "n_items": train.n_items,
                     "mu": float(used.values.mean()), "objective": self.objective}
        self.buffers = {}
        self._prepare(used, content)
        self.buffers = {k: v.to(self.device) for k, v in self.buffers.items()}
        self.module = self._build_module().to(self.device)
        start_epoch = 0
        if resume_from is not None:
            self._load_weights(resume_from.tensors)
            start_epoch = int(resume_from.meta.get("epoch", 0))
        self.epochs_done = start_epoch
        self._u = torch.from_numpy(used.user_idx).to(self.device)
        self._i = torch.from_numpy(used.item_idx).to(self.device)
        self._r = torch.from_numpy(used.values).to(self.device)
        self._gen = make_generator(cfg.seed + start_epoch, self.device)
        optimizer = torch.optim.Adam(self.module.parameters(), lr=cfg.learning_rate)

        def step(idx: torch.Tensor) -> torch.Tensor:
            optimizer.zero_grad(set_to_none=True)
            loss = self._loss(idx)
            loss.backward()
            optimizer.step()
            return loss.detach()

        validate, metric_name, higher = self._validator(valid, threshold, cancel)
        plan = LoopPlan(epochs=cfg.epochs, batch_size=cfg.batch_size, n_samples=len(used),
                        patience=cfg.patience, start_epoch=start_epoch, metric_name=metric_name,
                        higher_is_better=higher)
        for report in run_epochs(plan, module=self.module, step=step, validate=validate,
                                 generator=self._gen, cancel=cancel, on_batch=on_batch):
            self.epochs_done = report.epoch
            yield report
        self.module.eval()

    def _validator(self, valid: Interactions | None, threshold: float, cancel: CancelToken | None):
        if valid is None or len(valid) == 0:
            return None, None, True
        if self.objective == "rating":
            vu = torch.from_numpy(valid.user_idx).to(self.device)
            vi = torch.from_numpy(valid.item_idx).to(self.device)
            vr = torch.from_numpy(valid.values).to(self.device)

            def validate_rmse() -> tuple[float | None, float | None]:
                value = rating_rmse(self._predict_pairs, vu, vi, vr)
                return value, value
            return validate_rmse, "rmse", False
        rel_part = valid.subset(valid.values >= threshold) if threshold > 0 and valid.is_explicit else valid
        if len(rel_part) == 0:
            return None, None, True
        relevant = seen_matrix(rel_part)

        def validate_ndcg() -> tuple[float | None, float | None]:
            return None, ranking_ndcg(lambda rows: self._scores(torch.from_numpy(rows).to(self.device), None),
                                      self.seen, relevant, cancel=cancel, seed=self.config.seed)
        return validate_ndcg, "ndcg@10", True

    # --- scoring ---------------------------------------------------------------------------------------
    def _require(self) -> nn.Module:
        if self.module is None:
            raise WorkbenchError("model is not fitted")
        return self.module

    def score(self, user_rows: np.ndarray, item_rows: np.ndarray | None = None) -> np.ndarray:
        module = self._require()
        module.eval()
        users = torch.as_tensor(np.atleast_1d(user_rows), dtype=torch.long, device=self.device)
        items = None if item_rows is None else torch.as_tensor(np.asarray(item_rows), dtype=torch.long,
                                                                device=self.device)
        out = []
        with torch.no_grad():
            for s in range(0, len(users), 1024):
                out.append(self._scores(users[s:s + 1024], items).float().cpu())
        if not out:
            return np.zeros((0, self.meta["n_items"] if items is None else len(items)), dtype=np.float32)
        return torch.cat(out).numpy()

    # --- persistence -----------------------------------------------------------------------------------
    def _load_weights(self, tensors: dict[str, torch.Tensor]) -> None:
        module = self._require()
        state = {k[2:]: v for k, v in tensors.items() if k.startswith("w.")}
        module.load_state_dict({k: v.to(self.device) for k, v in state.items()})

    def to_artifact(self) -> ModelArtifact:
        module = self._require()
        assert self.users is not None and self.items is not None
        tensors: dict[str, torch.Tensor] = {f"w.{k}": v.detach().cpu().contiguous()
                                            for k, v in module.state_dict().items()}
        tensors.update({f"buf.{k}": v.detach().cpu().contiguous() for k, v in self.buffers.items()})
        tensors.update(csr_to_tensors("seen", self.seen))
        return ModelArtifact(family=self.family, config=config_dict(self.config), users=self.users.to_list(),
                             items=self.items.to_list(), meta={**self.meta, "epoch": self.epochs_done},
                             tensors=tensors)

    @classmethod
    def from_artifact(cls, artifact: ModelArtifact) -> Recommender:
        model = cls(config_from_dict(cls.Config, artifact.config))
        model.users, model.items = id_maps(artifact.users, artifact.items)
        model.meta = dict(artifact.meta)
        model.epochs_done = int(artifact.meta.get("epoch", 0))
        model.seen = csr_from_tensors("seen", artifact.tensors, (len(model.users), len(model.items)))
        model.buffers = {k[4:]: v for k, v in artifact.tensors.items() if k.startswith("buf.")}
        model.module = model._build_module()
        model._load_weights(artifact.tensors)
        model.module.eval()
        return model

    def to_device(self, device: str) -> None:
        """Move a fitted model to ``device`` for scoring."""
        self.device = resolve_device(device)
        self._require().to(self.device)
        self.buffers = {k: v.to(self.device) for k, v in self.buffers.items()}


def sample_items(n: int, n_items: int, gen: torch.Generator) -> torch.Tensor:
    """``n`` uniform item rows drawn on the generator's device."""
    return torch.randint(0, n_items, (n,), generator=gen, device=gen.device)


def ridge_fold_in(factors: torch.Tensor, item_rows: np.ndarray, targets: np.ndarray, l2: float,
                  implicit_alpha: float | None = None) -> tuple[torch.Tensor, torch.Tensor]:
    """User vector fitting ``targets`` on ``factors[item_rows]`` with ridge penalty ``l2``.

    With ``implicit_alpha`` the unobserved items count as zeros with weight 1 and the history with
    weight 1 + alpha (implicit ALS fold-in). Returns (user vector, A^-1) so contributions can be split.
    """
    q = factors.detach().double().cpu()
    rows = torch.as_tensor(np.asarray(item_rows, dtype=np.int64))
    qh = q[rows]
    y = torch.as_tensor(np.asarray(targets, dtype=np.float64))
    dim = q.shape[1]
    if implicit_alpha is None:
        a = qh.T @ qh + l2 * torch.eye(dim, dtype=torch.float64)
        rhs = qh.T @ y
    else:
        a = q.T @ q + implicit_alpha * (qh.T @ qh) + l2 * torch.eye(dim, dtype=torch.float64)
        rhs = (1.0 + implicit_alpha) * (qh.T @ y)
    a_inv = torch.linalg.inv(a)
    return a_inv @ rhs, a_inv
