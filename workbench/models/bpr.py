"""BPR matrix factorisation for implicit feedback: positives ranked above sampled negatives."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from workbench.errors import WorkbenchError
from workbench.models.base import ModelConfig, param
from workbench.models.capabilities import FoldInHistoryScore, HistoryAttribution
from workbench.models.torch_base import (
    TorchConfig,
    TorchRecommender,
    ridge_attribution,
    ridge_fold_in,
    sample_items,
)


@dataclass(frozen=True)
class BPRConfig(TorchConfig):
    dim: int = param(64, "latent factors per user and item", min=1, max=1024,
                     search=(16, 256), step=16)
    epochs: int = param(60, "maximum training epochs", min=1)
    batch_size: int = param(1024, "positive interactions per batch", min=1)
    learning_rate: float = param(0.005, "Adam learning rate", min=1e-8,
                                  search=(1e-3, 3e-2), log=True)
    l2: float = param(0.01, "L2 penalty on the factors used in a batch", min=0.0,
                       search=(1e-5, 0.1), log=True)
    negatives: int = param(16, "sampled negatives per positive", min=1, max=256,
                           search=(1, 32), log=True)
    patience: int = param(8, "epochs without validation improvement before stopping (0: never)", min=0)
    positive_threshold: float = param(0.0, "ratings >= this are positives (0: every interaction)", min=0.0)


class _BPRModule(nn.Module):
    def __init__(self, n_users: int, n_items: int, dim: int) -> None:
        super().__init__()
        self.user = nn.Embedding(n_users, dim, sparse=True)
        self.item = nn.Embedding(n_items, dim, sparse=True)
        self.item_bias = nn.Embedding(n_items, 1, sparse=True)
        nn.init.normal_(self.user.weight, std=0.05)
        nn.init.normal_(self.item.weight, std=0.05)
        nn.init.zeros_(self.item_bias.weight)


class BPRModel(FoldInHistoryScore, TorchRecommender[BPRConfig]):
    """BPR-MF (Rendle et al.): maximise log sigmoid(score(u, pos) - score(u, neg))."""

    family: ClassVar[str] = "bpr"
    history_method: ClassVar[str] = "exact for the fold-in: ridge fold-in is linear in the history"
    Config: ClassVar[type[ModelConfig]] = BPRConfig
    description: ClassVar[str] = "BPR matrix factorisation: pairwise ranking with sampled negatives"

    samples_per_s_cpu: ClassVar[float | None] = 15_000.0

    @classmethod
    def parameter_count(cls, config: BPRConfig, n_users: int, n_items: int) -> int:
        return n_users * config.dim + n_items * (config.dim + 1)

    @classmethod
    def batch_bytes(cls, config: BPRConfig, n_users: int, n_items: int, n_interactions: int) -> int:
        cfg = config
        return 4 * cfg.batch_size * (cfg.negatives + 2) * (cfg.dim + 1) * 6

    @property
    def m(self) -> _BPRModule:
        module = self._require()
        assert isinstance(module, _BPRModule)
        return module

    def _build_module(self) -> nn.Module:
        return _BPRModule(self.meta["n_users"], self.meta["n_items"], self.config.dim)

    def _loss(self, idx: torch.Tensor) -> torch.Tensor:
        cfg = self.config
        assert self._gen is not None
        m = self.m
        u, i = self._u[idx], self._i[idx]
        j = sample_items(len(idx) * cfg.negatives, self.meta["n_items"], self._gen)
        j = j.view(len(idx), cfg.negatives)
        pu, qi, qj = m.user(u), m.item(i), m.item(j)
        pos = (pu * qi).sum(-1) + m.item_bias(i).squeeze(-1)
        neg = (pu[:, None, :] * qj).sum(-1) + m.item_bias(j).squeeze(-1)
        reg = cfg.l2 * ((pu ** 2).sum(-1) + (qi ** 2).sum(-1) + (qj ** 2).sum(-1).mean(-1)).mean()
        return -F.logsigmoid(pos[:, None] - neg).mean() + reg

    def _predict_pairs(self, users: torch.Tensor, items: torch.Tensor) -> torch.Tensor:
        m = self.m
        return (m.user(users) * m.item(items)).sum(-1) + m.item_bias(items).squeeze(-1)

    def _scores(self, users: torch.Tensor, items: torch.Tensor | None) -> torch.Tensor:
        m = self.m
        q = m.item.weight if items is None else m.item(items)
        b = m.item_bias.weight.squeeze(-1) if items is None else m.item_bias(items).squeeze(-1)
        return m.user(users) @ q.T + b[None, :]

    def item_embeddings(self) -> np.ndarray:
        return self.m.item.weight.detach().cpu().numpy().copy()

    def score_parts(self, user_row: int, item_rows: np.ndarray) -> dict[str, np.ndarray]:
        m = self.m
        items = torch.as_tensor(np.asarray(item_rows), dtype=torch.long, device=self.device)
        u = torch.tensor([user_row], device=self.device)
        with torch.no_grad():
            return {"item bias": m.item_bias(items).squeeze(-1).float().cpu().numpy(),
                    "interaction": (m.user(u) * m.item(items)).sum(-1).float().cpu().numpy()}

    def fold_in_user(self, item_rows: np.ndarray, values: np.ndarray | None = None) -> np.ndarray:
        """An implicit ridge fold-in on the item factors (the history's values are not read)."""
        m = self.m
        rows = _history_rows(item_rows, self.meta["n_items"])
        p, _ = ridge_fold_in(m.item.weight, rows, np.ones(len(rows)), l2=1.0, implicit_alpha=10.0)
        q = m.item.weight.detach().cpu().double()
        return (q @ p + m.item_bias.weight.detach().cpu().double().squeeze(-1)).float().numpy()

    def explain_history(self, item_rows: np.ndarray, values: np.ndarray | None, targets: np.ndarray
                        ) -> HistoryAttribution:
        """Exact for the fold-in: the implicit ridge fold-in is linear in the history (item bias: base)."""
        rows = _history_rows(item_rows, self.meta["n_items"])
        cols = np.asarray(targets, dtype=np.int64)
        return ridge_attribution(self.m.item.weight, rows, np.ones(len(rows)), 1.0, cols,
                                 self.item_biases()[cols], self.history_method, implicit_alpha=10.0)

    def item_biases(self) -> np.ndarray:
        return self.m.item_bias.weight.detach().cpu().numpy().reshape(-1).astype(np.float64)


def _history_rows(item_rows: np.ndarray, n_items: int) -> np.ndarray:
    rows = np.asarray(item_rows, dtype=np.int64)
    if len(rows) and (rows.min() < 0 or rows.max() >= n_items):
        raise WorkbenchError("fold-in history contains unknown item rows")
    return rows
