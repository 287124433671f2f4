"""Item-based AutoRec (Sedhain et al. 2015): each item's ratings over all users are encoded into a
sigmoid hidden code and decoded back; the squared error counts observed ratings only.

The prediction of user ``u`` for item ``i`` is ``h_i . V_u + b_u`` with the item code
``h_i = sigmoid(W r_i + c)``: the decoder is linear in its per-user row, so a new user is folded in by a
ridge solve for that row on the codes of the items they rated, and that solve splits a score exactly
over the user's history (a new user starts from the average decoder row). Ratings only: there is no
ranking objective.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np
import torch
from torch import nn

from workbench.core.interactions import Interactions, ItemContent
from workbench.errors import WorkbenchError
from workbench.models.base import EpochReport, ModelConfig, TrainingError, param
from workbench.models.capabilities import HistoryAttribution
from workbench.models.torch_base import TorchConfig, TorchRecommender

#: largest dense items x users rating matrix AutoRec accepts (float32: 1.2 GB)
_MAX_CELLS = 300_000_000


@dataclass(frozen=True)
class AutoRecConfig(TorchConfig):
    hidden: int = param(500, "size of the sigmoid hidden code of each item", min=1, max=4096,
                        search=(100, 800), step=50)
    epochs: int = param(200, "maximum training epochs (one pass over all items each)", min=1)
    batch_size: int = param(256, "items per batch", min=1)
    learning_rate: float = param(0.002, "Adam learning rate", min=1e-8,
                                  search=(5e-4, 1e-2), log=True)
    l2: float = param(100.0, "L2 penalty lambda/2 * |W|^2 on encoder and decoder weights, against the summed "
                      "squared error of all training ratings", min=0.0, search=(1.0, 1000.0), log=True)
    patience: int = param(5, "epochs without validation improvement before stopping (0: never)", min=0)
    refit: bool = param(True, "after early stopping, train again on training + validation data for the "
                        "best epoch count")
    clip: bool = param(True, "clip predictions to the training rating range")
    objective: str = param("rating", "rating: squared error on observed ratings (the only objective)",
                           choices=("rating",))


class _AutoRecModule(nn.Module):
    def __init__(self, n_users: int, hidden: int) -> None:
        super().__init__()
        self.encoder = nn.Linear(n_users, hidden)
        self.decoder = nn.Linear(hidden, n_users)

    def codes(self, ratings: torch.Tensor) -> torch.Tensor:
        """Hidden codes ``(items, hidden)`` of rating rows ``(items, users)`` (zeros where unobserved)."""
        return torch.sigmoid(self.encoder(ratings))


class AutoRecModel(TorchRecommender[AutoRecConfig]):
    """I-AutoRec for explicit ratings."""

    family: ClassVar[str] = "autorec"
    history_method: ClassVar[str] = (
        "exact for the fold-in: ridge solve of the user's decoder row on the item codes (AutoRec); term = "
        "q_i A^-1 q_h x (rating - average user's prediction), measured from the average user; clipping to "
        "the rating range is in that base")
    Config: ClassVar[type[ModelConfig]] = AutoRecConfig
    default_objective: ClassVar[str] = "rating"
    description: ClassVar[str] = "Item-based AutoRec: autoencoder of each item's ratings (ratings only)"

    samples_per_s_cpu: ClassVar[float | None] = 2_000.0

    @classmethod
    def parameter_count(cls, config: AutoRecConfig, n_users: int, n_items: int) -> int:
        return (2 * n_users + 1) * config.hidden + n_users

    @classmethod
    def batch_bytes(cls, config: AutoRecConfig, n_users: int, n_items: int, n_interactions: int) -> int:
        cfg = config
        # the dense items x users ratings (float32) and observed mask (bytes), twice while refitting,
        # and a batch of item rows through the network
        return 2 * 5 * n_items * n_users + 4 * cfg.batch_size * (n_users + cfg.hidden) * 8

    @classmethod
    def samples_per_epoch(cls, config: AutoRecConfig, n_users: int, n_items: int, n_interactions: int) -> int:
        return n_items

    @classmethod
    def size_advice(cls, config: AutoRecConfig) -> str:
        return "mf (ratings, memory linear in users + items), or a smaller dataset"

    def __init__(self, config: AutoRecConfig | None = None) -> None:
        super().__init__(config)
        self._codes: torch.Tensor | None = None  # item codes of the current weights (scoring cache)

    # --- data --------------------------------------------------------------------------------------------
    def fit(self, train: Interactions, *, content: ItemContent | None = None,
            **kwargs: Any) -> Iterator[EpochReport]:
        if not train.is_explicit:
            raise TrainingError("AutoRec predicts ratings and needs explicit ratings; this data is implicit "
                                "(use mf with objective=ranking, bpr, ease or itemknn)")
        self._codes = None
        yield from super().fit(train, content=content, **kwargs)
        self._codes = None

    def _prepare(self, train: Interactions, content: ItemContent | None) -> None:
        self.meta["rating_min"] = float(train.values.min())
        self.meta["rating_max"] = float(train.values.max())
        self._set_ratings(train)

    def _set_ratings(self, data: Interactions) -> None:
        """Dense items x users rating matrix and its observed mask (the encoder's input) as buffers."""
        n_items, n_users = self.meta["n_items"], self.meta["n_users"]
        if n_items * n_users > _MAX_CELLS:
            raise TrainingError(f"AutoRec keeps a dense items x users matrix; {n_items} x {n_users} is too "
                                "large (use mf instead)")
        ratings = torch.zeros(n_items, n_users)
        observed = torch.zeros(n_items, n_users, dtype=torch.uint8)
        items = torch.from_numpy(np.asarray(data.item_idx, dtype=np.int64))
        users = torch.from_numpy(np.asarray(data.user_idx, dtype=np.int64))
        ratings[items, users] = torch.from_numpy(np.asarray(data.values, dtype=np.float32))
        observed[items, users] = 1
        self.buffers = {"ratings": ratings.to(self.device), "observed": observed.to(self.device)}
        self.meta["n_ratings"] = int(observed.sum())

    def _n_samples(self, used: Interactions) -> int:
        return int(self.meta["n_items"])

    def _build_module(self) -> nn.Module:
        cfg = self.config
        self._codes = None
        return _AutoRecModule(self.meta["n_users"], cfg.hidden)

    @property
    def m(self) -> _AutoRecModule:
        module = self._require()
        assert isinstance(module, _AutoRecModule)
        return module

    # --- training ----------------------------------------------------------------------------------------
    def _loss(self, idx: torch.Tensor) -> torch.Tensor:
        cfg = self.config
        self._codes = None
        m = self.m
        r = self.buffers["ratings"][idx]
        mask = self.buffers["observed"][idx].float()
        out = m.decoder(m.codes(r))
        # scaled so that an epoch's batches add up to (SSE + lambda/2 |W|^2) / n_ratings
        n_ratings = max(1, self.meta["n_ratings"])
        share = len(idx) / self.meta["n_items"]
        sse = (((out - r) * mask) ** 2).sum()
        reg = 0.5 * cfg.l2 * (m.encoder.weight.pow(2).sum() + m.decoder.weight.pow(2).sum())
        return (sse / share + reg) / n_ratings

    def _refit_plan(self, used: Interactions, valid: Interactions | None) -> tuple[Interactions, int] | None:
        best = self._best_epoch
        if not (self.config.refit and valid is not None and len(valid) and best > 0):
            return None
        both = used.concat(valid)
        self._set_ratings(both)
        self._codes = None
        return both, best

    def _after_fit(self, used: Interactions, valid: Interactions | None, threshold: float) -> None:
        self._codes = None  # the item codes follow the final weights

    # --- scoring -----------------------------------------------------------------------------------------
    def _item_codes(self) -> torch.Tensor:
        if self._codes is None or self.m.training:
            with torch.no_grad():
                codes = self.m.codes(self.buffers["ratings"].float())
            if self.m.training:
                return codes
            self._codes = codes
        return self._codes

    def _clip(self, pred: torch.Tensor) -> torch.Tensor:
        cfg = self.config
        if not cfg.clip:
            return pred
        return pred.clamp(self.meta["rating_min"], self.meta["rating_max"])

    def _raw_pairs(self, users: torch.Tensor, items: torch.Tensor) -> torch.Tensor:
        dec = self.m.decoder
        return (self._item_codes()[items] * dec.weight[users]).sum(-1) + dec.bias[users]

    def _predict_pairs(self, users: torch.Tensor, items: torch.Tensor) -> torch.Tensor:
        return self._clip(self._raw_pairs(users, items))

    def _scores(self, users: torch.Tensor, items: torch.Tensor | None) -> torch.Tensor:
        codes = self._item_codes() if items is None else self._item_codes()[items]
        dec = self.m.decoder
        return self._clip(dec.weight[users] @ codes.T + dec.bias[users][:, None])

    def _load_weights(self, tensors: dict[str, torch.Tensor]) -> None:
        super()._load_weights(tensors)
        self._codes = None

    def to_device(self, device: str) -> None:
        super().to_device(device)
        self._codes = None

    # --- hooks -------------------------------------------------------------------------------------------
    def item_embeddings(self) -> np.ndarray:
        """Each item's hidden code."""
        return self._item_codes().detach().cpu().numpy().copy()

    def score_parts(self, user_row: int, item_rows: np.ndarray) -> dict[str, np.ndarray]:
        items = torch.as_tensor(np.asarray(item_rows), dtype=torch.long, device=self.device)
        users = torch.full_like(items, int(user_row))
        with torch.no_grad():
            dec = self.m.decoder
            code = (self._item_codes()[items] * dec.weight[users]).sum(-1)
            bias = dec.bias[users]
            clip = self._clip(code + bias) - (code + bias)
        parts = {"user bias": bias, "item code . user decoder": code, "clipping": clip}
        return {k: v.float().cpu().numpy() for k, v in parts.items()}

    def _prior(self) -> tuple[torch.Tensor, float]:
        """The mean decoder row and bias: the average user, which a new user starts from."""
        dec = self.m.decoder
        return dec.weight.detach().cpu().double().mean(0), float(dec.bias.detach().double().mean())

    def _fold_dual(self, item_rows: np.ndarray, values: np.ndarray | None
                   ) -> tuple[np.ndarray, torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]:
        """(history rows, item codes, the average user's scores, residual targets ``t``, Gram matrix).

        A new user's decoder row is the average row plus ``p``, the ridge solution on the codes of their
        items for the residuals ``t = r - average``; in the dual, history-sized form
        ``p = Q_H^T (Q_H Q_H^T + l I)^-1 t`` (training penalises each decoder row by lambda/2 |v|^2).
        """
        cfg = self.config
        rows = np.asarray(item_rows, dtype=np.int64)
        if len(rows) and (rows.min() < 0 or rows.max() >= self.meta["n_items"]):
            raise WorkbenchError("fold-in history contains unknown item rows")
        codes = self._item_codes().detach().cpu().double()
        v_mean, b_mean = self._prior()
        average = codes @ v_mean + b_mean
        vals = np.full(len(rows), self.meta["mu"]) if values is None else np.asarray(values, np.float64)
        idx = torch.from_numpy(rows)
        targets = torch.as_tensor(vals, dtype=torch.float64) - average[idx]
        qh = codes[idx]
        gram = qh @ qh.T + max(cfg.l2 / 2, 1e-3) * torch.eye(len(rows), dtype=torch.float64)
        return rows, codes, average, targets, gram

    def history_score(self, item_rows: np.ndarray, values: np.ndarray | None,
                      targets: np.ndarray | None = None) -> np.ndarray:
        """The fold-in score before clipping to the rating range (what ``explain_history`` splits)."""
        rows, codes, average, t, gram = self._fold_dual(item_rows, values)
        raw = average
        if len(rows):
            raw = average + codes @ (codes[torch.from_numpy(rows)].T @ torch.linalg.solve(gram, t))
        out = raw.numpy()
        return out if targets is None else out[np.asarray(targets, dtype=np.int64)]

    def fold_in_user(self, item_rows: np.ndarray, values: np.ndarray | None = None) -> np.ndarray:
        return self._clip(torch.from_numpy(self.history_score(item_rows, values))).float().numpy()

    def default_history_value(self) -> float:
        return float(self.meta["mu"])

    def explain_history(self, item_rows: np.ndarray, values: np.ndarray | None, targets: np.ndarray
                        ) -> HistoryAttribution:
        """Exact for the fold-in: history item h adds ``q_i . Q_H^T (Q_H Q_H^T + l I)^-1 e_h t_h``; the
        base is the average user's score plus what clipping to the rating range took off."""
        cols = np.asarray(targets, dtype=np.int64)
        rows, codes, average, t, gram = self._fold_dual(item_rows, values)
        raw = self.history_score(rows, values, cols)
        clipped = self._clip(torch.from_numpy(raw)).numpy()
        base = average.numpy()[cols] + (clipped - raw)
        terms = np.zeros((0, len(cols)))
        if len(rows):
            history_codes = codes[torch.from_numpy(rows)]
            weights = torch.linalg.solve(gram, history_codes @ codes[torch.from_numpy(cols)].T)
            terms = (weights * t[:, None]).numpy()
        return HistoryAttribution(terms, self.history_method, True, clipped, base)
