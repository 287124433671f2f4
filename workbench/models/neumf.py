"""Neural collaborative filtering (He et al. 2017): GMF and MLP towers fused by a linear output layer."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import ClassVar

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from workbench.models.base import ModelConfig, param
from workbench.models.capabilities import FoldInHistoryScore, HistoryAttribution
from workbench.models.seeding import SeededDropout
from workbench.models.torch_base import TorchConfig, TorchRecommender, sample_items

#: user-item pairs scored through the MLP at once
_PAIR_CHUNK = 1 << 18
#: user-item pairs one validation may score (bounds early stopping's cost on big catalogues)
_VALIDATION_PAIRS = 10_000_000


@dataclass(frozen=True)
class NeuMFConfig(TorchConfig):
    dim: int = param(32, "GMF factors (the MLP tower's embeddings are twice this)", min=1, max=512,
                     search=(8, 128), step=8)
    hidden: tuple[int, ...] = param((64, 32), "MLP tower layer sizes, comma separated")
    dropout: float = param(0.1, "dropout between MLP layers", min=0.0, max=0.9,
                           search=(0.0, 0.5))
    epochs: int = param(30, "maximum training epochs", min=1)
    batch_size: int = param(1024, "positive interactions per batch", min=1)
    learning_rate: float = param(0.002, "Adam learning rate", min=1e-8,
                                  search=(1e-4, 1e-2), log=True)
    l2: float = param(1e-4, "L2 penalty on the embeddings used in a batch", min=0.0,
                       search=(1e-6, 1e-2), log=True)
    negatives: int = param(4, "ranking: sampled negatives per positive", min=1, max=256,
                           search=(1, 16), log=True)
    patience: int = param(3, "epochs without validation improvement before stopping (0: never)", min=0)
    objective: str = param("ranking", "ranking: log loss against sampled negatives; rating: squared error",
                           choices=("ranking", "rating"))
    positive_threshold: float = param(0.0, "ranking: ratings >= this are positives (0: all)", min=0.0)


class _NeuMFModule(nn.Module):
    def __init__(self, n_users: int, n_items: int, dim: int, hidden: tuple[int, ...], dropout: float,
                 mu: float) -> None:
        super().__init__()
        self.gmf_user = nn.Embedding(n_users, dim, sparse=True)
        self.gmf_item = nn.Embedding(n_items, dim, sparse=True)
        self.mlp_user = nn.Embedding(n_users, 2 * dim, sparse=True)
        self.mlp_item = nn.Embedding(n_items, 2 * dim, sparse=True)
        for emb in (self.gmf_user, self.gmf_item, self.mlp_user, self.mlp_item):
            nn.init.normal_(emb.weight, std=0.05)
        layers: list[nn.Module] = []
        width = 4 * dim
        for h in hidden:
            layers += [nn.Linear(width, h), nn.ReLU(), SeededDropout(dropout)]
            width = h
        self.mlp = nn.Sequential(*layers)
        self.out_gmf = nn.Linear(dim, 1, bias=False)
        self.out_mlp = nn.Linear(width, 1)
        self.mu: torch.Tensor
        self.register_buffer("mu", torch.tensor(float(mu)))

    def parts(self, users: torch.Tensor, items: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """(GMF part, MLP part) of the output logit for aligned user/item index tensors."""
        gmf = self.out_gmf(self.gmf_user(users) * self.gmf_item(items)).squeeze(-1)
        h = self.mlp(torch.cat([self.mlp_user(users), self.mlp_item(items)], dim=-1))
        return gmf, self.out_mlp(h).squeeze(-1)

    def forward(self, users: torch.Tensor, items: torch.Tensor) -> torch.Tensor:
        gmf, mlp = self.parts(users, items)
        return self.mu + gmf + mlp


class NeuMFModel(FoldInHistoryScore, TorchRecommender[NeuMFConfig]):
    """NeuMF: the GMF dot product and an MLP over concatenated embeddings, trained jointly."""

    family: ClassVar[str] = "neumf"
    history_method: ClassVar[str] = "approximate: share by cosine similarity in the item embedding space"
    Config: ClassVar[type[ModelConfig]] = NeuMFConfig
    description: ClassVar[str] = "Neural CF: generalised MF + multi-layer perceptron towers"

    samples_per_s_cpu: ClassVar[float | None] = 20_000.0

    @classmethod
    def parameter_count(cls, config: NeuMFConfig, n_users: int, n_items: int) -> int:
        cfg = config
        widths = (4 * cfg.dim, *cfg.hidden)
        mlp = sum((a + 1) * b for a, b in itertools.pairwise(widths))
        return (n_users + n_items) * 3 * cfg.dim + mlp + cfg.dim + widths[-1] + 1

    @classmethod
    def batch_bytes(cls, config: NeuMFConfig, n_users: int, n_items: int, n_interactions: int) -> int:
        cfg = config
        pairs = max(cfg.batch_size * (cfg.negatives + 1), _PAIR_CHUNK)
        return 4 * pairs * (6 * cfg.dim + 2 * sum(cfg.hidden))

    def _validation_user_cap(self) -> int:
        # every user-item pair goes through the MLP: bound the pairs one validation scores
        return max(200, min(self.validation_max_users, _VALIDATION_PAIRS // max(1, self.meta["n_items"])))

    @property
    def m(self) -> _NeuMFModule:
        module = self._require()
        assert isinstance(module, _NeuMFModule)
        return module

    def _build_module(self) -> nn.Module:
        cfg = self.config
        mu = self.meta["mu"] if self.objective == "rating" else 0.0
        return _NeuMFModule(self.meta["n_users"], self.meta["n_items"], cfg.dim, tuple(cfg.hidden),
                            cfg.dropout, mu)

    def _reg(self, users: torch.Tensor, items: torch.Tensor) -> torch.Tensor:
        m = self.m
        return ((m.gmf_user(users) ** 2).sum(-1) + (m.gmf_item(items) ** 2).sum(-1)
                + (m.mlp_user(users) ** 2).sum(-1) + (m.mlp_item(items) ** 2).sum(-1)).mean()

    def _loss(self, idx: torch.Tensor) -> torch.Tensor:
        cfg = self.config
        u, i = self._u[idx], self._i[idx]
        if self.objective == "rating":
            return F.mse_loss(self.m(u, i), self._r[idx]) + cfg.l2 * self._reg(u, i)
        assert self._gen is not None
        k = cfg.negatives
        j = sample_items(len(idx) * k, self.meta["n_items"], self._gen)
        users = torch.cat([u, u.repeat_interleave(k)])
        items = torch.cat([i, j])
        labels = torch.cat([torch.ones(len(u), device=u.device), torch.zeros(len(j), device=u.device)])
        logits = self.m(users, items)
        return F.binary_cross_entropy_with_logits(logits, labels) + cfg.l2 * self._reg(u, i)

    def _predict_pairs(self, users: torch.Tensor, items: torch.Tensor) -> torch.Tensor:
        return self.m(users, items)

    def _scores(self, users: torch.Tensor, items: torch.Tensor | None) -> torch.Tensor:
        n_items = self.meta["n_items"]
        items = torch.arange(n_items, device=users.device) if items is None else items
        out = torch.empty(len(users), len(items), device=users.device)
        # user x item chunks of at most _PAIR_CHUNK pairs: the MLP's activations stay small at any size
        step_i = max(1, min(len(items), _PAIR_CHUNK))
        step_u = max(1, _PAIR_CHUNK // step_i)
        for s in range(0, len(users), step_u):
            uc = users[s:s + step_u]
            for t in range(0, len(items), step_i):
                ic = items[t:t + step_i]
                out[s:s + len(uc), t:t + len(ic)] = self.m(uc.repeat_interleave(len(ic)),
                                                           ic.repeat(len(uc))).view(len(uc), len(ic))
        return out

    def item_embeddings(self) -> np.ndarray:
        m = self.m
        return torch.cat([m.gmf_item.weight, m.mlp_item.weight], dim=1).detach().cpu().numpy()

    def score_parts(self, user_row: int, item_rows: np.ndarray) -> dict[str, np.ndarray]:
        items = torch.as_tensor(np.asarray(item_rows), dtype=torch.long, device=self.device)
        users = torch.full_like(items, int(user_row))
        with torch.no_grad():
            gmf, mlp = self.m.parts(users, items)
            out = {"gmf": gmf.cpu().numpy(), "mlp": mlp.cpu().numpy()}
            if self.objective == "rating":
                out = {"global mean": np.full(len(items), float(self.m.mu), dtype=np.float32), **out}
        return out

    def fold_in_user(self, item_rows: np.ndarray, values: np.ndarray | None = None,
                     steps: int = 100) -> np.ndarray:
        """A new user's embeddings fitted by a few gradient steps with the network frozen."""
        m = self.m
        cfg = self.config
        rows = torch.as_tensor(np.asarray(item_rows, dtype=np.int64), device=self.device)
        all_items = torch.arange(self.meta["n_items"], device=self.device)
        gen = torch.Generator(device=torch.device(self.device)).manual_seed(cfg.seed)
        gu = (m.gmf_user.weight.mean(0, keepdim=True)).detach().clone().requires_grad_(True)
        mu_ = (m.mlp_user.weight.mean(0, keepdim=True)).detach().clone().requires_grad_(True)
        opt = torch.optim.Adam([gu, mu_], lr=0.05)
        if values is None or self.objective == "ranking":
            target = torch.zeros(len(all_items), device=self.device)
            target[rows] = 1.0
        else:
            target = torch.as_tensor(np.asarray(values, np.float32), device=self.device)
        m.eval()
        for _ in range(steps):
            opt.zero_grad()
            gmf = m.out_gmf(gu * m.gmf_item.weight).squeeze(-1)
            h = m.mlp(torch.cat([mu_.expand(len(all_items), -1), m.mlp_item.weight], dim=-1))
            logits = m.mu + gmf + m.out_mlp(h).squeeze(-1)
            if values is None or self.objective == "ranking":
                neg = torch.randint(0, len(all_items), (len(rows) * cfg.negatives,), generator=gen,
                                    device=gen.device)
                sel = torch.cat([rows, neg])
                loss = F.binary_cross_entropy_with_logits(logits[sel], target[sel])
            else:
                loss = F.mse_loss(logits[rows], target)
            loss = loss + cfg.l2 * ((gu ** 2).sum() + (mu_ ** 2).sum())
            loss.backward()
            opt.step()
        m.zero_grad(set_to_none=True)
        with torch.no_grad():
            gmf = m.out_gmf(gu * m.gmf_item.weight).squeeze(-1)
            h = m.mlp(torch.cat([mu_.expand(len(all_items), -1), m.mlp_item.weight], dim=-1))
            return (m.mu + gmf + m.out_mlp(h).squeeze(-1)).float().cpu().numpy()

    def explain_history(self, item_rows: np.ndarray, values: np.ndarray | None, targets: np.ndarray
                        ) -> HistoryAttribution:
        """Approximate (the fold-in is gradient descent, too costly to repeat per history item): history
        item h gets the share ``cos(e_h, e_i) / sum |cos|`` (item embeddings) of the score above the
        user's mean catalogue score."""
        rows, cols = np.asarray(item_rows, dtype=np.int64), np.asarray(targets, dtype=np.int64)
        scores = self.history_score(rows, values)
        full = scores[cols]
        emb = self.item_embeddings().astype(np.float64)
        emb = emb / np.maximum(np.linalg.norm(emb, axis=1, keepdims=True), 1e-12)
        cos = emb[rows] @ emb[cols].T
        share = cos / np.maximum(np.abs(cos).sum(axis=0, keepdims=True), 1e-12)
        base = np.full(len(cols), float(np.mean(scores)))
        return HistoryAttribution(share * (full - base)[None, :], self.history_method, False, full, base)
