"""The hybrid family: collaborative id embeddings (and a closed-form item-item part) on top of the content
encoder of ``content_base.py``.

An item is ``id(i) + content(i)``, the id part dropped out during training so that cold items, whose id
part is masked at scoring time, still score well; a user is the content family's history representation
plus a user id embedding (also dropped out, so users with a short history work).

Cold items (no training interaction) must compete with warm ones in whole-catalogue ranking: after
training each one gets the weighted mean of the id vectors, id biases and item-item (EASE) columns of its
``cold_neighbours`` content-nearest warm items (cosine of content encodings, weights the positive
similarities), so its collaborative part is on the warm items' scale instead of absent.
``score_new_item`` does the same for an item described by hand; ``score_parts`` count the borrowed parts
as "collaborative", so the parts still sum to the score.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import ClassVar

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from workbench.core.interactions import Interactions
from workbench.core.memory import fits_in_free_memory
from workbench.evaluation.ranking import ranking_ndcgs
from workbench.models.base import ModelConfig, param
from workbench.models.common import seen_matrix
from workbench.models.content_base import ContentEncoderConfig, ContentRecommender, _ContentModule
from workbench.models.torch_base import step_lookup


@dataclass(frozen=True)
class HybridConfig(ContentEncoderConfig):
    item_id_dropout: float = param(0.3, "chance an item's id embedding is dropped in a training batch "
                                   "(teaches the content part to stand alone for cold items)",
                                   min=0.0, max=0.95)
    user_id_dropout: float = param(0.3, "chance a sample's user id embedding is dropped (cold users)",
                                   min=0.0, max=0.95)
    item_item_l2: float = param(300.0, "ranking: L2 of the closed-form (EASE) item-item part of the "
                                "collaborative score, fit after training (0: no item-item part)", min=0.0)
    item_item_weight: float = param(-1.0, "weight of the item-item part once it is on the learned part's "
                                    "scale (1: both spread equally; raw EASE scores shrink on sparse data). "
                                    "-1: chosen on the validation part from 0 (learned part only) to 32 "
                                    "(item-item part dominates), 1 without one", min=-1.0)
    item_item_max_items: int = param(-1, "catalogues larger than this skip the item-item part (a dense "
                                     "items x items matrix; -1: up to 12000 items when it fits in the "
                                     "free memory)", min=-1)
    cold_neighbours: int = param(20, "an item without training interactions borrows its id vector, bias "
                                 "and item-item column from this many content-nearest warm items "
                                 "(0: content part only)", min=0)


#: largest catalogue whose item-item part is fit when ``item_item_max_items`` is -1 (its closed-form solve
#: grows with the cube of the catalogue: about a minute on one core here)
ITEM_ITEM_AUTO_MAX = 12000


#: relative item-item weights tried on the validation part (see ``HybridConfig.item_item_weight``)
ITEM_ITEM_GRID = (0.0, 0.125, 0.25, 0.5, 1.0, 2.0, 4.0, 8.0, 32.0)
#: users whose scores measure the spread of each part (seeded sample; the ratio of means is stable)
SPREAD_USERS = 256
NEIGHBOUR_CHUNK = 1 << 24  # similarities held at once while cold items look for content neighbours (64 MB)


def spread_ratio(learned: torch.Tensor, item_item: torch.Tensor) -> float:
    """Factor putting the item-item scores on the learned scores' scale: the ratio of their mean per-user
    standard deviation across the catalogue (rows are users). The item-item (EASE) scores shrink with
    the data (a short history sums few, heavily regularised weights) while the learned part's logits do
    not, so a blend weight only means the same thing on every dataset once the parts are on one scale.
    1 when either part is flat (nothing to compare)."""
    a = float(learned.float().std(dim=1).mean()) if learned.shape[1] > 1 else 0.0
    b = float(item_item.float().std(dim=1).mean()) if item_item.shape[1] > 1 else 0.0
    if not (a > 1e-12 and b > 1e-12) or not np.isfinite(a / b):
        return 1.0
    return a / b


def item_item_bytes(n_items: int) -> int:
    """Peak memory of the hybrid's closed-form item-item part (as EASE: three dense float32 squares, the
    third when the weights are saved)."""
    return 3 * 4 * n_items ** 2


class HybridModel(ContentRecommender[HybridConfig]):
    """Hybrid: id embeddings plus content encodings for items, id plus history for users."""

    family: ClassVar[str] = "hybrid"
    history_method: ClassVar[str] = ("exact: user = mean of the history items' vectors; term = projected "
                                     "vector of h . item vector + item-item weight of h")
    Config: ClassVar[type[ModelConfig]] = HybridConfig
    description: ClassVar[str] = "Hybrid: collaborative id embeddings + content encoder, robust to cold start"

    @property
    def cfg(self) -> HybridConfig:
        """The hybrid's settings."""
        return self.config

    # --- cost, known before training -------------------------------------------------------------------
    @classmethod
    def _id_parameter_count(cls, config: HybridConfig, n_users: int, n_items: int) -> int:
        return (n_users + n_items) * (config.dim + 1)

    @classmethod
    def _item_item_plan(cls, config: HybridConfig, n_items: int) -> int:
        return item_item_bytes(n_items) if cls._item_item_fits(config, n_items) else 0

    @classmethod
    def _item_item_fits(cls, config: HybridConfig, n_items: int) -> bool:
        cfg = config
        if cfg.item_item_l2 <= 0:
            return False
        if cfg.item_item_max_items < 0:  # automatic: as large as time and the free memory allow
            return n_items <= ITEM_ITEM_AUTO_MAX and fits_in_free_memory(item_item_bytes(n_items))
        return n_items <= cfg.item_item_max_items

    def _build_module(self) -> nn.Module:
        return _ContentModule(self.meta, self.cfg, use_ids=True)

    # --- id parts ----------------------------------------------------------------------------------------
    def _add_item_ids(self, content: torch.Tensor, cbias: torch.Tensor, id_keep: torch.Tensor | None
                      ) -> tuple[torch.Tensor, torch.Tensor]:
        """Content plus id parts; id parts masked for cold items, which borrow their neighbours'."""
        m = self.m
        keep = self.buffers["item_known"].float()
        if id_keep is not None:
            keep = keep * id_keep
        with torch.no_grad():
            vec = content + m.item_id.weight * keep[:, None]
            bias = cbias + m.item_bias.weight.squeeze(-1) * keep
        cold = self.buffers.get("cold_rows")
        if cold is not None and len(cold) and id_keep is None:
            # cold items: the id part estimated from their content neighbours (set after training)
            with torch.no_grad():
                id_est, bias_est = self._neighbour_id_parts(self.buffers["cold_nbrs"], self.buffers["cold_w"])
                vec = vec.index_add(0, cold, id_est)
                bias = bias.index_add(0, cold, bias_est)
        return vec, bias

    def _add_user_ids(self, users: torch.Tensor, vec: torch.Tensor, user_keep: torch.Tensor | None
                      ) -> tuple[torch.Tensor, torch.Tensor]:
        m = self.m
        if user_keep is None:  # scoring
            return vec + m.user_id(users), m.user_bias(users).squeeze(-1)
        # a training step: each user's rows looked up once, gradients handed over summed
        if self.objective == "ranking":  # a user's bias moves all their candidates alike: nothing to learn
            return vec + step_lookup(m.user_id, users) * user_keep[:, None], vec.new_zeros(len(users))
        distinct = torch.unique(users, return_inverse=True)  # one search for both tables
        return (vec + step_lookup(m.user_id, users, distinct) * user_keep[:, None],
                step_lookup(m.user_bias, users, distinct).squeeze(-1) * user_keep)

    def _id_keep(self, n: int) -> torch.Tensor | None:
        """Inverted dropout of item id parts for ``n`` drawn items (the expectation matches scoring)."""
        assert self._gen is not None
        p = float(self.cfg.item_id_dropout)
        return (torch.rand(n, generator=self._gen, device=self._gen.device) >= p).float() / (1 - p)

    def _train_item_ids(self, rows: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor] | None:
        keep = self._id_keep(len(rows))
        assert keep is not None
        m = self.m
        distinct = (rows, None)  # the step's distinct candidates, in order
        return (step_lookup(m.item_id, rows, distinct) * keep[:, None],
                step_lookup(m.item_bias, rows, distinct).squeeze(-1) * keep)

    def _item_id_table(self) -> torch.Tensor | None:
        # read under no_grad: items met only in histories train their id parts when they are candidates
        return self.m.item_id.weight

    def _user_id_keep(self, n: int) -> torch.Tensor | None:
        assert self._gen is not None
        p = float(self.cfg.user_id_dropout)
        return (torch.rand(n, generator=self._gen, device=self._gen.device) >= p).float() / (1 - p)

    # --- cold items: parts borrowed from content neighbours -----------------------------------------------
    def _neighbour_id_parts(self, nbrs: torch.Tensor, w: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Weighted means of the neighbours' id vectors and id biases ((n, k) rows and weights)."""
        m = self.m
        return ((m.item_id.weight[nbrs] * w[..., None]).sum(1),
                (m.item_bias.weight.squeeze(-1)[nbrs] * w).sum(1))

    def _content_neighbours(self, vecs: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """(rows, weights), each (n, k): the ``cold_neighbours`` warm items nearest to content vectors
        ``vecs`` by cosine, weighted by their positive similarity (uniform when none is positive)."""
        content = self._encode_all()[0]
        warm = torch.where(self.buffers["item_known"])[0]
        k = min(int(self.cfg.cold_neighbours), len(warm))
        ref = F.normalize(content[warm], dim=1)
        unit = F.normalize(vecs, dim=1)
        # in row chunks: tens of thousands of cold items against a big warm catalogue would otherwise
        # hold a cold x warm similarity matrix of several GB at once
        step = max(1, NEIGHBOUR_CHUNK // max(1, len(warm)))
        parts = [torch.topk(unit[s:s + step] @ ref.T, k, dim=1) for s in range(0, len(unit), step)]
        top = torch.cat([t for t, _ in parts]) if parts else unit.new_zeros(0, k)
        idx = torch.cat([i for _, i in parts]) if parts else torch.zeros(0, k, dtype=torch.long,
                                                                          device=unit.device)
        w = top.clamp(min=0.0)
        total = w.sum(1, keepdim=True)
        w = torch.where(total > 0, w / total.clamp(min=1e-12), torch.full_like(w, 1.0 / max(k, 1)))
        return warm[idx], w

    def _set_cold_estimates(self) -> None:
        """Neighbours of the items without training interactions (their id parts are borrowed)."""
        for key in ("cold_rows", "cold_nbrs", "cold_w"):
            self.buffers.pop(key, None)
        known = self.buffers["item_known"]
        if self.cfg.cold_neighbours <= 0 or bool(known.all()) or not bool(known.any()):
            return
        cold = torch.where(~known)[0]
        with torch.no_grad():
            content = self._encode_all()[0]
            nbrs, w = self._content_neighbours(content[cold])
        self.buffers.update(cold_rows=cold, cold_nbrs=nbrs, cold_w=w)
        self._forget_items()

    def _borrowed_parts(self, vec: torch.Tensor, bias: torch.Tensor
                        ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor | None]:
        """A new item borrows id parts and an item-item column from its content neighbours, as a cold
        item does."""
        if self.cfg.cold_neighbours <= 0 or not bool(self.buffers["item_known"].any()):
            return vec, bias, None
        nbrs, w = self._content_neighbours(vec[None, :])
        id_est, bias_est = self._neighbour_id_parts(nbrs, w)
        ii = self.buffers.get("item_item")
        column = None if ii is None else (ii[:, nbrs[0]] * w[0][None, :]).sum(1)
        return vec + id_est[0], bias + bias_est[0], column

    # --- the closed-form item-item part, after training ---------------------------------------------------
    def _plan_item_item(self, used: Interactions, rel: Interactions | None) -> bool:
        if not self._item_item_fits(self.cfg, self.meta["n_items"]):
            return False
        self.buffers.pop("item_item", None)
        unit = self._item_item(used)  # fit without the validation part, so the blend can be chosen on it
        scale = self._item_item_scale(unit)
        weight = float(self.cfg.item_item_weight)
        if weight < 0:
            weight = self._choose_item_item_weight(unit, scale, rel) if rel is not None else 1.0
        self.meta["item_item_relative_weight"] = weight
        self.meta["item_item_weight"] = weight * scale
        if rel is None:
            self.buffers["item_item_unit"] = unit  # nothing more to learn from: no second solve
        return True

    def _fit_item_item(self, known: Interactions) -> None:
        unit = self.buffers.pop("item_item_unit", None)
        if unit is None:
            unit = self._item_item(known)  # refit with the validation part, now that the blend is chosen
        self.buffers["item_item"] = unit.mul_(self.meta["item_item_weight"])

    def _item_item(self, data: Interactions) -> torch.Tensor:
        """EASE weights on ``data`` (zero diagonal), each row centred over the warm items; a cold item's
        column is the weighted mean of its content neighbours' columns (without neighbours: zero, the
        user's average item-item score), so it competes with warm items instead of sitting below them."""
        from workbench.models.common import ease_weights

        x = data.to_csr(binary=True)
        x.data[:] = 1.0
        b = ease_weights(x, float(self.cfg.item_item_l2))
        warm = self.buffers["item_known"].cpu().float()
        # centred in place (a masked copy of a catalogue-squared matrix would double the peak)
        b.sub_((b @ warm / warm.sum().clamp(min=1.0))[:, None])
        cold_cols = torch.where(warm == 0)[0]
        if len(cold_cols):
            b.index_fill_(1, cold_cols, 0.0)
        b = b.to(self.device)
        cold = self.buffers.get("cold_rows")
        if cold is not None and len(cold):
            nbrs, w = self.buffers["cold_nbrs"], self.buffers["cold_w"]
            step = max(1, (1 << 24) // max(1, b.shape[0] * nbrs.shape[1]))  # bounded temporary memory
            for s in range(0, len(cold), step):
                b[:, cold[s:s + step]] = (b[:, nbrs[s:s + step]] * w[None, s:s + step, :]).sum(2)
        return b

    def _item_item_scale(self, unit: torch.Tensor) -> float:
        """``spread_ratio`` of the learned part and the item-item part ``unit`` (no item-item part may be
        installed yet), measured on a seeded sample of users with a training history."""
        indptr = self.buffers["hist_indptr"].cpu().numpy()
        users = np.flatnonzero(np.diff(indptr) > 0)
        if len(users) > SPREAD_USERS:
            rng = np.random.default_rng(self.config.seed)
            users = np.sort(rng.choice(users, SPREAD_USERS, replace=False))
        if len(users) == 0:
            return 1.0
        with torch.no_grad():
            learned, item_item = self._two_parts(torch.from_numpy(users).to(self.device), unit)
        return spread_ratio(learned, item_item)

    def _two_parts(self, users: torch.Tensor, unit: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """(learned scores, item-item scores with weights ``unit``) of ``users`` over the catalogue, before
        any item-item part is installed."""
        learned = self._scores(users, None)
        self.buffers["item_item"] = unit
        try:
            item_item = self._item_item_scores(users, None)
        finally:
            self.buffers.pop("item_item", None)
        assert item_item is not None
        return learned, item_item

    def _choose_item_item_weight(self, unit: torch.Tensor, scale: float, rel: Interactions) -> float:
        """The relative weight of ``ITEM_ITEM_GRID`` with the best validation NDCG@10 (ties: the first).

        Each block of validation users is scored once per part (learned, item-item) and every weight of
        the grid ranks the blend of those two blocks."""
        relevant = seen_matrix(rel)

        def blends(rows: np.ndarray) -> Iterator[torch.Tensor]:
            learned, item_item = self._two_parts(torch.from_numpy(rows).to(self.device), unit)
            for w in ITEM_ITEM_GRID:
                yield learned + item_item * (w * scale)

        with torch.no_grad():
            values = ranking_ndcgs(blends, len(ITEM_ITEM_GRID), self.seen, relevant, seed=self.config.seed)
        if values is None:
            return 0.0
        return ITEM_ITEM_GRID[int(np.argmax(values))]  # argmax: the first of tied weights

    # --- explanation -------------------------------------------------------------------------------------
    def score_parts(self, user_row: int, item_rows: np.ndarray) -> dict[str, np.ndarray]:
        """Bias and content parts as for the content family, plus the collaborative part: the id parts
        (borrowed ones for cold items) and the item-item part."""
        parts = super().score_parts(user_row, item_rows)
        items = torch.as_tensor(np.asarray(item_rows), dtype=torch.long, device=self.device)
        user = torch.tensor([int(user_row)], device=self.device)
        with torch.no_grad():
            ivec, _, content = self._items()
            uvec, _ = self._users(user, ivec)
            collaborative = uvec[0] @ (ivec[items] - content[items]).T
            ii = self._item_item_scores(user, items)
            if ii is not None:
                collaborative = collaborative + ii[0]
        parts["collaborative"] = collaborative.float().cpu().numpy()
        return parts
