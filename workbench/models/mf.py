"""Biased matrix factorisation: rating = global mean + user bias + item bias + user . item (L2)."""

from __future__ import annotations

import dataclasses
import math
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import ClassVar

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from workbench.core.device import resolve_device
from workbench.core.interactions import Interactions, ItemContent
from workbench.core.progress import CancelToken
from workbench.core.training import BatchCallback, EpochReport, TrainingError
from workbench.errors import WorkbenchError
from workbench.models.base import ModelArtifact, ModelConfig, param
from workbench.models.capabilities import FoldInHistoryScore, HistoryAttribution
from workbench.models.common import seen_matrix
from workbench.models.gibbs import BLOCK_ELEMENTS, GibbsChain, averaged_factors, kept_sweeps, noise_precision
from workbench.models.torch_base import (
    NO_CHECKPOINT,
    REFIT,
    TorchConfig,
    TorchRecommender,
    TrainingOptimizer,
    ridge_attribution,
    ridge_fold_in,
    sample_items,
)


@dataclass(frozen=True)
class MFConfig(TorchConfig):
    dim: int = param(128, "latent factors per user and item", min=1, max=1024,
                     search=(16, 256), step=16)
    epochs: int = param(60, "maximum training epochs", min=1)
    batch_size: int = param(1024, "interactions per batch", min=1)
    learning_rate: float = param(0.0015, "Adam learning rate", min=1e-8,
                                  search=(3e-4, 1e-2), log=True)
    l2: float = param(0.15, "L2 penalty on the factors used in a batch", min=0.0,
                       search=(1e-3, 1.0), log=True)
    bias_l2: float = param(0.005, "L2 penalty on the user and item biases", min=0.0,
                            search=(1e-4, 0.1), log=True)
    patience: int = param(3, "epochs without validation improvement before stopping (0: never)", min=0)
    refit: bool = param(True, "after early stopping, train again on training + validation data for the "
                        "best epoch count (rating objective)")
    lr_decay: float = param(1.0, "learning rate multiplier per epoch", min=0.1, max=1.0)
    objective: str = param("auto", "rating: squared error on ratings; ranking: BPR on positives; auto: "
                           "rating on explicit ratings, ranking on implicit data",
                           choices=("auto", "rating", "ranking"))
    positive_threshold: float = param(0.0, "ranking objective: ratings >= this are positives (0: all)",
                                      min=0.0)
    solver: str = param("adam", "rating objective: adam (gradient steps, early stopping on validation) or "
                        "gibbs (Bayesian MF: factors drawn from their posterior and the draws averaged; no "
                        "learning rate or L2 to choose, often more accurate, slower)",
                        choices=("adam", "gibbs"), search=True)
    gibbs_dim: int = param(30, "gibbs: factors per posterior draw (cost grows with its square and cube)",
                           min=1, max=200)
    gibbs_sweeps: int = param(200, "gibbs: sweeps over items and users; the first fifth is burn-in",
                              min=5, max=100_000)
    gibbs_kept: int = param(32, "gibbs: draws the model keeps and averages (it holds gibbs_kept x gibbs_dim "
                            "factors per user and item)", min=1, max=512)


#: rating pairs whose factor rows are gathered at once (bounded memory on millions of ratings)
PAIR_CHUNK = 1 << 18


def _pairs_sq_error(users: torch.Tensor, items: torch.Tensor, u: torch.Tensor, i: torch.Tensor,
                    targets: torch.Tensor) -> float:
    """Sum of squared errors of ``users[u] . items[i]`` against ``targets``, in chunks."""
    total = 0.0
    for s in range(0, len(u), PAIR_CHUNK):
        part = slice(s, s + PAIR_CHUNK)
        total += float((((users[u[part]] * items[i[part]]).sum(1) - targets[part]) ** 2).sum())
    return total


class _MFModule(nn.Module):
    def __init__(self, n_users: int, n_items: int, dim: int, mu: float) -> None:
        super().__init__()
        self.user = nn.Embedding(n_users, dim, sparse=True)
        self.item = nn.Embedding(n_items, dim, sparse=True)
        self.user_bias = nn.Embedding(n_users, 1, sparse=True)
        self.item_bias = nn.Embedding(n_items, 1, sparse=True)
        for emb in (self.user, self.item):
            nn.init.normal_(emb.weight, std=0.05)
        nn.init.zeros_(self.user_bias.weight)
        nn.init.zeros_(self.item_bias.weight)
        self.mu: torch.Tensor
        self.register_buffer("mu", torch.tensor(float(mu)))


class BiasedMF(FoldInHistoryScore, TorchRecommender[MFConfig]):
    """The classic biased MF (Koren): explicit ratings by default, BPR ranking as an option."""

    family: ClassVar[str] = "mf"
    history_method: ClassVar[str] = "exact for the fold-in: ridge fold-in is linear in the history"
    Config: ClassVar[type[ModelConfig]] = MFConfig
    default_objective: ClassVar[str] = "rating"
    description: ClassVar[str] = "Biased matrix factorisation (global, user and item biases + factors)"

    samples_per_s_cpu: ClassVar[float | None] = 25_000.0

    @classmethod
    def parameter_count(cls, config: MFConfig, n_users: int, n_items: int) -> int:
        dim = config.gibbs_kept * config.gibbs_dim if config.solver == "gibbs" else config.dim
        return (n_users + n_items) * (dim + 1)

    @classmethod
    def batch_bytes(cls, config: MFConfig, n_users: int, n_items: int, n_interactions: int) -> int:
        if config.solver != "gibbs":
            return 4 * config.batch_size * (config.dim + 1) * 12
        d, rows = config.gibbs_dim, n_users + n_items
        # the ratings by user and by item, the float64 chain (draws, conditional means, the blocks'
        # outer products and solves), the kept draws and their concatenation, a chunk of gathered pairs
        return (48 * n_interactions + 8 * 4 * rows * d + 8 * 3 * BLOCK_ELEMENTS
                + 2 * 4 * rows * d * config.gibbs_kept + 8 * 3 * PAIR_CHUNK * d)

    def _make_optimizer(self) -> TrainingOptimizer:
        optimizer = super()._make_optimizer()
        self._opt_ref = optimizer
        return optimizer

    def _before_epoch(self, epoch: int) -> None:
        cfg = self.config
        optimizer = getattr(self, "_opt_ref", None)
        if optimizer is not None and cfg.lr_decay < 1.0:
            for group in optimizer.param_groups:
                group["lr"] = cfg.learning_rate * cfg.lr_decay ** (epoch - 1)

    def _refit_plan(self, used: Interactions, valid: Interactions | None) -> tuple[Interactions, int] | None:
        best = self._best_epoch
        if self.config.refit and self.objective == "rating" and valid is not None and len(valid) and best > 0:
            return used.concat(valid), best
        return None

    def _build_module(self) -> nn.Module:
        cfg = self.config
        mu = self.meta["mu"] if self.objective == "rating" else 0.0
        # a Gibbs fit holds its kept draws side by side: more factors than ``dim``
        dim = int(self.meta.get("module_dim", cfg.dim))
        return _MFModule(self.meta["n_users"], self.meta["n_items"], dim, mu)

    # --- the Gibbs solver ------------------------------------------------------------------------------
    def fit(self, train: Interactions, *, content: ItemContent | None = None,
            valid: Interactions | None = None, device: str = "cpu", cancel: CancelToken | None = None,
            on_batch: BatchCallback | None = None, resume_from: ModelArtifact | None = None
            ) -> Iterator[EpochReport]:
        if self.config.solver != "gibbs":
            yield from super().fit(train, content=content, valid=valid, device=device, cancel=cancel,
                                   on_batch=on_batch, resume_from=resume_from)
            return
        if len(train) == 0:
            raise TrainingError("the training part is empty")
        if self._resolve_objective(train) != "rating" or not train.is_explicit:
            raise TrainingError("the gibbs solver fits explicit ratings; for implicit data or the ranking "
                                "objective use solver=adam")
        if resume_from is not None:
            raise TrainingError("a gibbs run cannot resume from a checkpoint: start it again")
        self.device = resolve_device(device)
        self.users, self.items = train.users, train.items
        self.seen = seen_matrix(train)
        self.meta = {"n_users": train.n_users, "n_items": train.n_items, "mu": float(train.values.mean()),
                     "objective": "rating", "solver": "gibbs"}
        self.buffers = {}
        yield from self._gibbs_chain(train, valid, cancel, first_epoch=0)
        self._best_epoch = self.epochs_done
        if self.config.refit and self.absorb_validation and valid is not None and len(valid):
            # the draws are averaged, not early-stopped: the validation ratings simply join the data
            both = train.concat(valid)
            self.meta["mu"] = float(both.values.mean())
            for report in self._gibbs_chain(both, None, cancel, first_epoch=self.epochs_done):
                yield dataclasses.replace(report, extra={**report.extra, REFIT: 1.0})
        self._require().eval()

    def _gibbs_chain(self, data: Interactions, valid: Interactions | None, cancel: CancelToken | None,
                     first_epoch: int) -> Iterator[EpochReport]:
        """One chain on ``data``: a report per sweep (validation RMSE of the running average once draws are
        kept; none during burn-in, so a search's pruner never compares burn-in with trained models)."""
        cfg = self.config
        mu = float(self.meta["mu"])
        chain = GibbsChain(data.user_idx, data.item_idx, data.values.astype(np.float64) - mu,
                           data.n_users, data.n_items, cfg.gibbs_dim, noise_precision(data.values), cfg.seed)
        keep = set(kept_sweeps(cfg.gibbs_sweeps, cfg.gibbs_kept))
        kept: list[tuple[torch.Tensor, torch.Tensor]] = []
        started = time.perf_counter()
        tu = torch.from_numpy(data.user_idx)
        ti = torch.from_numpy(data.item_idx)
        tr = torch.from_numpy(data.values.astype(np.float64))
        vu = vi = vr = None
        if valid is not None and len(valid):
            vu, vi = torch.from_numpy(valid.user_idx), torch.from_numpy(valid.item_idx)
            vr = torch.from_numpy(valid.values.astype(np.float64))
        valid_sum = None if vr is None else torch.zeros_like(vr)
        best = math.inf
        for sweep in range(1, cfg.gibbs_sweeps + 1):
            if cancel is not None:
                cancel.raise_if_cancelled()
            t0 = time.perf_counter()
            chain.sweep()
            train_mse = _pairs_sq_error(chain.user, chain.item, tu, ti, tr - mu) / len(data)
            spent = time.perf_counter() - t0
            rmse = None
            extra: dict[str, float] = {NO_CHECKPOINT: 1.0, "kept_draws": float(len(kept))}
            if sweep in keep:
                u_mean, v = chain.kept_sample()
                kept.append((u_mean, v))
                extra["kept_draws"] = float(len(kept))
                if valid_sum is not None and vu is not None and vi is not None and vr is not None:
                    for s in range(0, len(vu), PAIR_CHUNK):
                        part = slice(s, s + PAIR_CHUNK)
                        valid_sum[part] += (u_mean[vu[part]].double() * v[vi[part]].double()).sum(1) + mu
                    rmse = float(torch.sqrt(((valid_sum / len(kept) - vr) ** 2).mean()))
                self._set_gibbs_module(kept)
            elif not kept:
                self._set_gibbs_module([chain.kept_sample()])  # a model exists from the first sweep on
            is_best = rmse is not None and rmse < best
            best = min(best, rmse) if rmse is not None else best
            self.epochs_done = first_epoch + sweep
            yield EpochReport(epoch=self.epochs_done, train_loss=train_mse, valid_loss=None,
                              valid_metric=rmse, metric_name="rmse" if rmse is not None else None,
                              elapsed_s=time.perf_counter() - started,
                              samples_per_s=len(data) / spent if spent > 0 else None, is_best=is_best,
                              extra=extra)

    def _set_gibbs_module(self, kept: list[tuple[torch.Tensor, torch.Tensor]]) -> None:
        users, items = averaged_factors(kept)
        self.meta["module_dim"] = int(users.shape[1])
        module = _MFModule(self.meta["n_users"], self.meta["n_items"], int(users.shape[1]),
                           float(self.meta["mu"]))
        with torch.no_grad():
            module.user.weight.copy_(users)
            module.item.weight.copy_(items)
            module.user_bias.weight.zero_()
            module.item_bias.weight.zero_()
        self.module = module.to(self.device)

    @property
    def m(self) -> _MFModule:
        module = self._require()
        assert isinstance(module, _MFModule)
        return module

    def _pair(self, users: torch.Tensor, items: torch.Tensor) -> torch.Tensor:
        m = self.m
        return (m.mu + m.user_bias(users).squeeze(-1) + m.item_bias(items).squeeze(-1)
                + (m.user(users) * m.item(items)).sum(-1))

    def _loss(self, idx: torch.Tensor) -> torch.Tensor:
        cfg = self.config
        m = self.m
        u, i = self._u[idx], self._i[idx]
        pu, qi = m.user(u), m.item(i)
        bu, bi = m.user_bias(u).squeeze(-1), m.item_bias(i).squeeze(-1)
        if self.objective == "rating":
            pred = m.mu + bu + bi + (pu * qi).sum(-1)
            fit = F.mse_loss(pred, self._r[idx])
            reg = (cfg.l2 * ((pu ** 2).sum(-1) + (qi ** 2).sum(-1)).mean()
                   + cfg.bias_l2 * (bu ** 2 + bi ** 2).mean())
            return fit + reg
        assert self._gen is not None
        j = sample_items(len(idx), self.meta["n_items"], self._gen)
        qj, bj = m.item(j), m.item_bias(j).squeeze(-1)
        diff = bi - bj + (pu * (qi - qj)).sum(-1)
        reg = cfg.l2 * ((pu ** 2).sum(-1) + (qi ** 2).sum(-1) + (qj ** 2).sum(-1)).mean()
        return -F.logsigmoid(diff).mean() + reg + cfg.bias_l2 * (bi ** 2 + bj ** 2).mean()

    def _predict_pairs(self, users: torch.Tensor, items: torch.Tensor) -> torch.Tensor:
        return self._pair(users, items)

    def _scores(self, users: torch.Tensor, items: torch.Tensor | None) -> torch.Tensor:
        m = self.m
        q = m.item.weight if items is None else m.item(items)
        bi = m.item_bias.weight.squeeze(-1) if items is None else m.item_bias(items).squeeze(-1)
        return m.mu + m.user_bias(users) + bi[None, :] + m.user(users) @ q.T

    # --- hooks -------------------------------------------------------------------------------------------
    def item_embeddings(self) -> np.ndarray:
        return self.m.item.weight.detach().cpu().numpy().copy()

    def score_parts(self, user_row: int, item_rows: np.ndarray) -> dict[str, np.ndarray]:
        m = self.m
        items = torch.as_tensor(np.asarray(item_rows), dtype=torch.long, device=self.device)
        u = torch.tensor([user_row], device=self.device)
        with torch.no_grad():
            n = len(items)
            parts = {
                "global bias": m.mu.expand(n),
                "user bias": m.user_bias(u).squeeze(-1).expand(n),
                "item bias": m.item_bias(items).squeeze(-1),
                "interaction": (m.user(u) * m.item(items)).sum(-1),
            }
        return {k: v.float().cpu().numpy() for k, v in parts.items()}

    def _fold_problem(self, item_rows: np.ndarray, values: np.ndarray | None
                      ) -> tuple[np.ndarray, np.ndarray, float, float | None]:
        """(history rows, ridge targets, l2, implicit alpha) of a new user's fold-in, item factors fixed:
        rating residuals against the biases (rating objective), or implicit ones (ranking)."""
        cfg = self.config
        m = self.m
        rows = np.asarray(item_rows, dtype=np.int64)
        if len(rows) and (rows.min() < 0 or rows.max() >= self.meta["n_items"]):
            raise WorkbenchError("fold-in history contains unknown item rows")
        if self.objective == "rating":
            bi = m.item_bias.weight.detach().cpu().double().squeeze(-1).numpy()[rows]
            vals = np.full(len(rows), self.meta["mu"]) if values is None else np.asarray(values, np.float64)
            return rows, vals - float(m.mu) - bi, cfg.l2 * 10 + 1e-3, None
        return rows, np.ones(len(rows)), 1.0, 10.0

    def _bias_scores(self) -> np.ndarray:
        m = self.m
        return (float(m.mu) + m.item_bias.weight.detach().cpu().double().squeeze(-1)).numpy()

    def fold_in_user(self, item_rows: np.ndarray, values: np.ndarray | None = None) -> np.ndarray:
        rows, targets, l2, alpha = self._fold_problem(item_rows, values)
        p, _ = ridge_fold_in(self.m.item.weight, rows, targets, l2=l2, implicit_alpha=alpha)
        q = self.m.item.weight.detach().cpu().double()
        return (self._bias_scores() + (q @ p).numpy()).astype(np.float32)

    def default_history_value(self) -> float:
        return float(self.meta["mu"]) if self.objective == "rating" else 1.0

    def explain_history(self, item_rows: np.ndarray, values: np.ndarray | None, targets: np.ndarray
                        ) -> HistoryAttribution:
        """Exact for the fold-in: the ridge fold-in is linear in the history (biases are the base)."""
        rows, ridge_targets, l2, alpha = self._fold_problem(item_rows, values)
        cols = np.asarray(targets, dtype=np.int64)
        return ridge_attribution(self.m.item.weight, rows, ridge_targets, l2, cols, self._bias_scores()[cols],
                                 self.history_method, implicit_alpha=alpha)

    def item_biases(self) -> np.ndarray:
        return self.m.item_bias.weight.detach().cpu().numpy().reshape(-1).astype(np.float64)
