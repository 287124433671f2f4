"""Content-aware models: the content encoder (text CNN + category/attribute embeddings) and the hybrid.

One module serves both families. An item is ``content(i)`` (content model) or ``id(i) + content(i)``
(hybrid, the id part dropped out during training so that cold items, whose id part is masked at
scoring time, still score well). A user is ``W . mean(history item vectors) + b`` (content model) or that
plus a user id embedding (hybrid, also dropped out so users with a short history work). The target item
is left out of its own user's history while training, so the history representation cannot leak it.

Cold items (no training interaction) must compete with warm ones in whole-catalogue ranking:
- in training they are left out of the softmax (never positives, they would otherwise only ever be pushed
  down as negatives, and with them whatever content they have);
- the hybrid gives each one, after training, the weighted mean of the id vectors, id biases and item-item
  (EASE) columns of its ``cold_neighbours`` content-nearest warm items (cosine of content encodings, weights
  the positive similarities), so its collaborative part is on the warm items' scale instead of absent.
  ``score_new_item`` does the same for an item described by hand; ``score_parts`` count the borrowed parts
  as "collaborative", so the parts still sum to the score.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from workbench.core.interactions import Interactions, ItemContent
from workbench.errors import WorkbenchError
from workbench.models.base import ModelConfig, TrainingError, param
from workbench.models.common import positives, seen_matrix, user_history_vector
from workbench.models.torch_base import TorchRecommender
from workbench.text import Vocabulary, tokenize
from workbench.training.loop import ranking_ndcg


@dataclass(frozen=True)
class ContentConfig(ModelConfig):
    dim: int = param(64, "size of item and user vectors", min=1, max=1024,
                     search=(32, 256), step=32)
    word_dim: int = param(32, "word and category embedding size", min=1, max=512)
    filters: int = param(64, "text CNN filters (kernel width 3)", min=1, max=1024)
    max_tokens: int = param(64, "title + description tokens read per item", min=1, max=1024)
    min_word_count: int = param(2, "words and features seen in fewer training items map to <unk> (a word "
                                "unique to one item would act as its id, useless for cold items)", min=1)
    epochs: int = param(30, "maximum training epochs", min=1)
    batch_size: int = param(256, "ranking: users per batch; rating: interactions per batch", min=1)
    passes: int = param(8, "ranking: visits of every user per epoch", min=1)
    learning_rate: float = param(0.005, "Adam learning rate", min=0.0,
                                  search=(1e-3, 2e-2), log=True)
    l2: float = param(1e-5, "L2 penalty (weight decay) on batch embeddings", min=0.0,
                       search=(1e-7, 1e-3), log=True)
    history_dropout: float = param(0.5, "ranking: share of a user's history held out as targets per sample "
                                   "(the rest is the input); rating: share hidden", min=0.05, max=0.95,
                                   search=(0.2, 0.8))
    temperature: float = param(1.0, "ranking: softmax temperature (lower sharpens)", min=0.01,
                                search=(0.05, 1.0), log=True)
    patience: int = param(3, "epochs without validation improvement before stopping (0: never)", min=0)
    objective: str = param("ranking", "ranking: softmax over the catalogue; rating: squared error",
                           choices=("ranking", "rating"))
    positive_threshold: float = param(0.0, "ranking: ratings >= this are positives (0: all)", min=0.0)


@dataclass(frozen=True)
class HybridConfig(ContentConfig):
    item_id_dropout: float = param(0.3, "chance an item's id embedding is dropped in a training batch "
                                   "(teaches the content part to stand alone for cold items)",
                                   min=0.0, max=0.95)
    user_id_dropout: float = param(0.3, "chance a sample's user id embedding is dropped (cold users)",
                                   min=0.0, max=0.95)
    item_item_l2: float = param(300.0, "ranking: L2 of the closed-form (EASE) item-item part of the "
                                "collaborative score, fit after training (0: no item-item part)", min=0.0)
    item_item_weight: float = param(-1.0, "weight of the item-item part (-1: chosen on the validation "
                                    "part, 4 without one)", min=-1.0)
    item_item_max_items: int = param(12000, "catalogues larger than this skip the item-item part "
                                     "(a dense items x items matrix)", min=0)
    cold_neighbours: int = param(20, "an item without training interactions borrows its id vector, bias "
                                 "and item-item column from this many content-nearest warm items "
                                 "(0: content part only)", min=0)


class _ContentModule(nn.Module):
    def __init__(self, meta: dict[str, Any], cfg: ContentConfig, use_ids: bool) -> None:
        super().__init__()
        d = cfg.dim
        self.use_ids = use_ids
        self.words = nn.Embedding(meta["n_words"], cfg.word_dim, padding_idx=0)
        self.conv = nn.Conv1d(cfg.word_dim, cfg.filters, kernel_size=3, padding=1)
        self.feats = nn.Embedding(meta["n_feats"], cfg.word_dim, padding_idx=0)
        self.proj = nn.Linear(cfg.filters + cfg.word_dim, d)
        self.content_bias = nn.Linear(cfg.filters + cfg.word_dim, 1)
        self.hist = nn.Linear(d, d)
        nn.init.normal_(self.words.weight, std=0.1)
        nn.init.normal_(self.feats.weight, std=0.1)
        with torch.no_grad():
            self.words.weight[0].zero_()
            self.feats.weight[0].zero_()
        if use_ids:
            self.item_id = nn.Embedding(meta["n_items"], d)
            self.item_bias = nn.Embedding(meta["n_items"], 1)
            self.user_id = nn.Embedding(meta["n_users"], d)
            self.user_bias = nn.Embedding(meta["n_users"], 1)
            for emb in (self.item_id, self.user_id):
                nn.init.normal_(emb.weight, std=0.01)
            nn.init.zeros_(self.item_bias.weight)
            nn.init.zeros_(self.user_bias.weight)
        self.register_buffer("mu", torch.tensor(float(meta["mu"]) if meta["objective"] == "rating" else 0.0))

    def encode(self, tokens: torch.Tensor, feats: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """(content vectors (n, d), content biases (n,)) of items given token and feature rows."""
        h = self.conv(self.words(tokens).transpose(1, 2))  # n x filters x L
        h = F.relu(h).masked_fill((tokens == 0)[:, None, :], 0.0)
        text = h.max(dim=2).values  # relu >= 0, so padding (0) never wins over a real position
        fmask = (feats > 0).float()
        cats = (self.feats(feats) * fmask[..., None]).sum(1) / fmask.sum(1, keepdim=True).clamp(min=1.0)
        z = torch.cat([text, cats], dim=1)
        return self.proj(z), self.content_bias(z).squeeze(-1)


class ContentModel(TorchRecommender):
    """Content-based deep model: items from their text and categories, users from their history."""

    family: ClassVar[str] = "content"
    Config: ClassVar[type[ModelConfig]] = ContentConfig
    uses_content: ClassVar[bool] = True
    use_ids: ClassVar[bool] = False
    description: ClassVar[str] = "Content-based: text CNN over title/description + category embeddings"

    @property
    def m(self) -> _ContentModule:
        return self._require()  # type: ignore[return-value]

    # --- data -------------------------------------------------------------------------------------------
    def _prepare(self, train: Interactions, content: ItemContent | None) -> None:
        cfg: ContentConfig = self.config  # type: ignore[assignment]
        if content is None:
            raise TrainingError(f"the '{self.family}' model needs item content (titles, texts or categories)")
        if content.items != train.items and content.items.ids != train.items.ids:
            raise TrainingError("item content is not aligned with the training items")
        trained = np.zeros(train.n_items, dtype=bool)
        trained[train.item_idx] = True
        docs = [tokenize(f"{t} {x}") for t, x in zip(content.titles, content.texts, strict=True)]
        feats = self._feature_lists(content)
        # vocabularies from items that occur in training only: words of cold items map to <unk>
        vocab = Vocabulary.build((docs[i] for i in np.flatnonzero(trained)), min_count=cfg.min_word_count)
        fvocab = Vocabulary.build((feats[i] for i in np.flatnonzero(trained)), min_count=cfg.min_word_count)
        self.meta.update(vocab=list(vocab.tokens), feature_vocab=list(fvocab.tokens), n_words=len(vocab),
                         n_feats=len(fvocab), max_tokens=cfg.max_tokens)
        self.buffers["tokens"] = torch.from_numpy(vocab.encode(docs, cfg.max_tokens))
        self.buffers["feats"] = torch.from_numpy(fvocab.encode(feats, 64))
        self.buffers["item_known"] = torch.from_numpy(trained)
        order = np.lexsort((train.item_idx, train.user_idx))
        indptr = np.zeros(train.n_users + 1, dtype=np.int64)
        np.cumsum(np.bincount(train.user_idx, minlength=train.n_users), out=indptr[1:])
        self.buffers["hist_indptr"] = torch.from_numpy(indptr)
        self.buffers["hist_indices"] = torch.from_numpy(train.item_idx[order].copy())
        self.buffers["hist_values"] = torch.from_numpy(train.values[order].copy())

    @staticmethod
    def _feature_lists(content: ItemContent) -> list[list[str]]:
        feats = [[f"category:{c}" for c in cats] for cats in content.categories]
        for name, values in content.attributes.items():
            given = [v for v in values if v]
            if len(set(given)) > 0.5 * max(1, len(given)):
                continue  # near-unique attributes (urls, codes) identify items rather than describe them
            for row, value in enumerate(values):
                if value:
                    feats[row].append(f"{name}:{value}")
        return feats

    def _n_samples(self, used: Interactions) -> int:
        if self.objective == "rating":
            return len(used)
        return self.meta["n_users"] * self.config.passes  # type: ignore[attr-defined]

    def _build_module(self) -> nn.Module:
        return _ContentModule(self.meta, self.config, self.use_ids)  # type: ignore[arg-type]

    # --- representations -----------------------------------------------------------------------------
    def _items(self, id_keep: torch.Tensor | None = None) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """(item vectors, item biases, content vectors) of all items; id parts masked for cold items."""
        m = self.m
        content, cbias = m.encode(self.buffers["tokens"], self.buffers["feats"])
        if not self.use_ids:
            return content, cbias, content
        keep = self.buffers["item_known"].float()
        if id_keep is not None:
            keep = keep * id_keep
        vec = content + m.item_id.weight * keep[:, None]
        bias = cbias + m.item_bias.weight.squeeze(-1) * keep
        cold = self.buffers.get("cold_rows")
        if cold is not None and len(cold) and id_keep is None:
            # cold items: the id part estimated from their content neighbours (set after training)
            id_est, bias_est = self._neighbour_id_parts(self.buffers["cold_nbrs"], self.buffers["cold_w"])
            vec = vec.index_add(0, cold, id_est)
            bias = bias.index_add(0, cold, bias_est)
        return vec, bias, content

    def _neighbour_id_parts(self, nbrs: torch.Tensor, w: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Weighted means of the neighbours' id vectors and id biases ((n, k) rows and weights)."""
        m = self.m
        return ((m.item_id.weight[nbrs] * w[..., None]).sum(1),
                (m.item_bias.weight.squeeze(-1)[nbrs] * w).sum(1))

    def _content_neighbours(self, vecs: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """(rows, weights), each (n, k): the ``cold_neighbours`` warm items nearest to content vectors
        ``vecs`` by cosine, weighted by their positive similarity (uniform when none is positive)."""
        content = self.m.encode(self.buffers["tokens"], self.buffers["feats"])[0]
        warm = torch.where(self.buffers["item_known"])[0]
        k = min(int(getattr(self.config, "cold_neighbours", 0)), len(warm))
        ref = F.normalize(content[warm], dim=1)
        sims = F.normalize(vecs, dim=1) @ ref.T
        top, idx = torch.topk(sims, k, dim=1)
        w = top.clamp(min=0.0)
        total = w.sum(1, keepdim=True)
        w = torch.where(total > 0, w / total.clamp(min=1e-12), torch.full_like(w, 1.0 / max(k, 1)))
        return warm[idx], w

    def _set_cold_estimates(self) -> None:
        """Neighbours of the items without training interactions (their id parts are borrowed)."""
        for key in ("cold_rows", "cold_nbrs", "cold_w"):
            self.buffers.pop(key, None)
        known = self.buffers["item_known"]
        k = int(getattr(self.config, "cold_neighbours", 0))
        if not self.use_ids or k <= 0 or bool(known.all()) or not bool(known.any()):
            return
        cold = torch.where(~known)[0]
        with torch.no_grad():
            content = self.m.encode(self.buffers["tokens"], self.buffers["feats"])[0]
            nbrs, w = self._content_neighbours(content[cold])
        self.buffers.update(cold_rows=cold, cold_nbrs=nbrs, cold_w=w)

    def _flat_history(self, users: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """(history item rows, position of their user in ``users``) of the users' training histories."""
        indptr, indices = self.buffers["hist_indptr"], self.buffers["hist_indices"]
        starts, lens = indptr[users], indptr[users + 1] - indptr[users]
        seg = torch.repeat_interleave(torch.arange(len(users), device=users.device), lens)
        offsets = torch.cumsum(lens, 0) - lens
        flat = indices[torch.arange(int(lens.sum()), device=users.device) - offsets[seg] + starts[seg]]
        return flat, seg

    def _history(self, users: torch.Tensor, item_vecs: torch.Tensor, exclude: torch.Tensor | None = None,
                 drop: float = 0.0) -> torch.Tensor:
        """Projected mean of each user's training-history item vectors (minus ``exclude`` items)."""
        flat, seg = self._flat_history(users)
        weight = torch.ones(len(flat), device=users.device)
        if exclude is not None:
            weight = weight * (flat != exclude[seg]).float()
        if drop > 0:
            assert self._gen is not None
            draw = torch.rand(len(flat), generator=self._gen, device=self._gen.device)
            weight = weight * (draw >= drop).float()
        return self._history_from(flat, seg, weight, len(users), item_vecs)

    def _history_from(self, flat: torch.Tensor, seg: torch.Tensor, weight: torch.Tensor, n: int,
                      item_vecs: torch.Tensor) -> torch.Tensor:
        n_items = item_vecs.shape[0]
        count = torch.zeros(n, device=item_vecs.device).index_add_(0, seg, weight).clamp(min=1.0)
        # a (users x items) weight matrix times the item vectors: one matmul, cheap to differentiate
        if n * n_items <= (1 << 24):
            mix = torch.zeros(n, n_items, device=item_vecs.device, dtype=item_vecs.dtype)
            mix.index_put_((seg, flat), weight.to(item_vecs.dtype), accumulate=True)
            sums = mix @ item_vecs
        else:
            mix = torch.sparse_coo_tensor(torch.stack([seg, flat]), weight.to(item_vecs.dtype), (n, n_items))
            sums = torch.sparse.mm(mix, item_vecs)
        return self.m.hist(sums / count[:, None])

    def _users(self, users: torch.Tensor, item_vecs: torch.Tensor, exclude: torch.Tensor | None = None,
               drop: float = 0.0, user_keep: torch.Tensor | None = None,
               flat_seg_weight: tuple[torch.Tensor, torch.Tensor, torch.Tensor] | None = None
               ) -> tuple[torch.Tensor, torch.Tensor]:
        """(user vectors, user biases); ``flat_seg_weight`` gives an explicit weighted history."""
        if flat_seg_weight is not None:
            flat, seg, weight = flat_seg_weight
            vec = self._history_from(flat, seg, weight, len(users), item_vecs)
        else:
            vec = self._history(users, item_vecs, exclude, drop)
        if not self.use_ids:
            return vec, torch.zeros(len(users), device=vec.device)
        m = self.m
        keep = torch.ones(len(users), device=vec.device) if user_keep is None else user_keep
        return vec + m.user_id(users) * keep[:, None], m.user_bias(users).squeeze(-1) * keep

    # --- after training: histories with the validation part, the closed-form item-item part ------------
    def _set_history(self, data: Interactions) -> None:
        order = np.lexsort((data.item_idx, data.user_idx))
        indptr = np.zeros(data.n_users + 1, dtype=np.int64)
        np.cumsum(np.bincount(data.user_idx, minlength=data.n_users), out=indptr[1:])
        self.buffers["hist_indptr"] = torch.from_numpy(indptr).to(self.device)
        self.buffers["hist_indices"] = torch.from_numpy(data.item_idx[order].copy()).to(self.device)
        self.buffers["hist_values"] = torch.from_numpy(data.values[order].copy()).to(self.device)

    def _after_fit(self, used: Interactions, valid: Interactions | None, threshold: float) -> None:
        self._set_cold_estimates()
        if self.objective != "ranking":
            return
        known = used
        rel = None
        if valid is not None and len(valid):
            rel_part = positives(valid, threshold) if (threshold <= 0 or not valid.is_explicit
                                                      or (valid.values >= threshold).any()) else None
            if rel_part is not None and len(rel_part):
                rel = rel_part
        hcfg = self.config
        use_ii = (self.use_ids and getattr(hcfg, "item_item_l2", 0.0) > 0
                  and self.meta["n_items"] <= getattr(hcfg, "item_item_max_items", 0))
        if use_ii:
            weight = float(hcfg.item_item_weight)  # type: ignore[attr-defined]
            if weight < 0:
                weight = 4.0
                if rel is not None:  # pick the blend on the validation part with weights fit without it
                    self.buffers["item_item"] = self._item_item(used)
                    weight = self._choose_item_item_weight(rel)
            self.meta["item_item_weight"] = weight
        if rel is not None:
            # validation interactions are known (never test) data: they join the histories used to score,
            # and the seen items, now that early stopping no longer needs them
            known = used.concat(rel)
            self._set_history(known)
            self.seen = seen_matrix(known).maximum(self.seen)
            self.seen.sort_indices()
        if use_ii:
            self.buffers["item_item"] = self._item_item(known) * self.meta["item_item_weight"]
        self.buffers.pop("item_item_unit", None)

    def _item_item(self, data: Interactions) -> torch.Tensor:
        """EASE weights on ``data`` (zero diagonal), each row centred over the warm items; a cold item's
        column is the weighted mean of its content neighbours' columns (without neighbours: zero, the
        user's average item-item score), so it competes with warm items instead of sitting below them."""
        x = data.to_csr(binary=True)
        x.data[:] = 1.0
        gram = torch.from_numpy((x.T @ x).toarray().astype(np.float64))
        gram += float(self.config.item_item_l2) * torch.eye(gram.shape[0], dtype=torch.float64)  # type: ignore[attr-defined]
        p = torch.linalg.inv(gram)
        b = -p / torch.diagonal(p)[None, :]
        b.fill_diagonal_(0.0)
        warm = self.buffers["item_known"].cpu()
        b[:, warm] -= b[:, warm].mean(dim=1, keepdim=True)
        b[:, ~warm] = 0.0
        b = b.float().to(self.device)
        cold = self.buffers.get("cold_rows")
        if cold is not None and len(cold):
            nbrs, w = self.buffers["cold_nbrs"], self.buffers["cold_w"]
            step = max(1, (1 << 24) // max(1, b.shape[0] * nbrs.shape[1]))  # bounded temporary memory
            for s in range(0, len(cold), step):
                b[:, cold[s:s + step]] = (b[:, nbrs[s:s + step]] * w[None, s:s + step, :]).sum(2)
        return b

    def _choose_item_item_weight(self, rel: Interactions) -> float:
        relevant = seen_matrix(rel)
        best_w, best_v = 0.0, -1.0
        unit = self.buffers["item_item"]
        for w in (0.0, 1.0, 2.0, 4.0, 8.0, 16.0, 32.0):
            self.buffers["item_item"] = unit * w
            value = ranking_ndcg(lambda rows: self._scores(torch.from_numpy(rows).to(self.device), None),
                                 self.seen, relevant, seed=self.config.seed) or 0.0
            if value > best_v:
                best_w, best_v = w, value
        return best_w

    def _item_item_scores(self, users: torch.Tensor, items: torch.Tensor | None) -> torch.Tensor | None:
        ii = self.buffers.get("item_item")
        if ii is None:
            return None
        flat, seg = self._flat_history(users)
        x = torch.zeros(len(users), ii.shape[0], device=ii.device)
        x.index_put_((seg, flat), torch.ones(len(flat), device=ii.device), accumulate=True)
        return x @ (ii if items is None else ii[:, items])

    # --- training --------------------------------------------------------------------------------------
    def _loss(self, idx: torch.Tensor) -> torch.Tensor:
        cfg: ContentConfig = self.config  # type: ignore[assignment]
        assert self._gen is not None
        gen = self._gen
        if self.objective == "rating":
            u, i = self._u[idx], self._i[idx]
        else:  # a sample is a user (``passes`` visits per epoch)
            u = idx % self.meta["n_users"]
            i = u
        id_keep = user_keep = None
        if self.use_ids:
            hcfg: HybridConfig = self.config  # type: ignore[assignment]
            n_items = self.meta["n_items"]
            # inverted dropout so the expected id contribution matches scoring time
            p_i, p_u = hcfg.item_id_dropout, hcfg.user_id_dropout
            id_keep = (torch.rand(n_items, generator=gen, device=gen.device) >= p_i).float() / (1 - p_i)
            user_keep = (torch.rand(len(u), generator=gen, device=gen.device) >= p_u).float() / (1 - p_u)
        items, ibias, _ = self._items(id_keep)  # the catalogue is encoded once per batch
        if self.objective == "rating":
            uvec, ubias = self._users(u, items, exclude=i, drop=cfg.history_dropout, user_keep=user_keep)
            reg = cfg.l2 * ((uvec ** 2).sum(-1) + (items[i] ** 2).sum(-1)).mean()
            pred = self.m.mu + ubias + ibias[i] + (uvec * items[i]).sum(-1)
            return F.mse_loss(pred, self._r[idx]) + reg
        # ranking: each sample stands for its user; the user's history is split at random into an input
        # part (the user representation) and held-out targets, ranked by a softmax over the catalogue
        # minus the input items -- the same task as evaluation, and the targets never leak into the input
        flat, seg = self._flat_history(u)
        is_target = torch.rand(len(flat), generator=gen, device=gen.device) < cfg.history_dropout
        uvec, ubias = self._users(u, items, user_keep=user_keep, flat_seg_weight=(
            flat, seg, (~is_target).float()))
        logits = (uvec @ items.T + ibias[None, :]) / cfg.temperature
        inputs = ~is_target
        logits = logits.index_put((seg[inputs], flat[inputs]), torch.tensor(-1e9, device=logits.device))
        # items without training interactions are left out of the softmax: as negatives that can never be
        # positives they would teach the encoder to push down whatever content cold items have
        known = self.buffers["item_known"]
        if not bool(known.all()):
            logits = logits.masked_fill(~known[None, :], -1e9)
        logp = F.log_softmax(logits, dim=1)
        n_targets = is_target.float().sum().clamp(min=1.0)
        nll = -logp[seg[is_target], flat[is_target]].sum() / n_targets
        reg = cfg.l2 * ((uvec ** 2).sum(-1).mean() + (items ** 2).sum(-1).mean())
        return nll + reg

    def _predict_pairs(self, users: torch.Tensor, items: torch.Tensor) -> torch.Tensor:
        ivec, ibias, _ = self._items()
        uvec, ubias = self._users(users, ivec)
        return self.m.mu + ubias + ibias[items] + (uvec * ivec[items]).sum(-1)

    def _scores(self, users: torch.Tensor, items: torch.Tensor | None) -> torch.Tensor:
        ivec, ibias, _ = self._items()
        uvec, ubias = self._users(users, ivec)
        ii = self._item_item_scores(users, items)
        if items is not None:
            ivec, ibias = ivec[items], ibias[items]
        out = self.m.mu + ubias[:, None] + ibias[None, :] + uvec @ ivec.T
        return out if ii is None else out + ii

    # --- hooks -------------------------------------------------------------------------------------------
    def item_embeddings(self) -> np.ndarray:
        with torch.no_grad():
            return self._items()[0].float().cpu().numpy()

    def content_embeddings(self) -> np.ndarray:
        """Content-only item vectors (what ``encode_new_item`` returns for a new item)."""
        with torch.no_grad():
            return self._items()[2].float().cpu().numpy()

    def score_parts(self, user_row: int, item_rows: np.ndarray) -> dict[str, np.ndarray]:
        items = torch.as_tensor(np.asarray(item_rows), dtype=torch.long, device=self.device)
        with torch.no_grad():
            ivec, ibias, content = self._items()
            uvec, ubias = self._users(torch.tensor([int(user_row)], device=self.device), ivec)
            parts = {"bias": self.m.mu + ubias + ibias[items], "content": uvec[0] @ content[items].T}
            if self.use_ids:
                parts["collaborative"] = uvec[0] @ (ivec[items] - content[items]).T
                ii = self._item_item_scores(torch.tensor([int(user_row)], device=self.device), items)
                if ii is not None:
                    parts["collaborative"] = parts["collaborative"] + ii[0]
        return {k: v.float().cpu().numpy() for k, v in parts.items()}

    def _fold_vec(self, item_rows: np.ndarray, ivec: torch.Tensor) -> torch.Tensor:
        rows = torch.as_tensor(np.asarray(item_rows, dtype=np.int64), device=self.device)
        if len(rows) == 0:
            return self.m.hist(torch.zeros(1, ivec.shape[1], device=self.device))
        seg = torch.zeros(len(rows), dtype=torch.long, device=self.device)
        return self._history_from(rows, seg, torch.ones(len(rows), device=self.device), 1, ivec)

    def fold_in_user(self, item_rows: np.ndarray, values: np.ndarray | None = None) -> np.ndarray:
        """A new user from their history items alone (id part absent): no retraining."""
        user_history_vector(self.meta["n_items"], item_rows, None)  # validates rows
        with torch.no_grad():
            ivec, ibias, _ = self._items()
            uvec = self._fold_vec(item_rows, ivec)
            out = self.m.mu + ibias + uvec[0] @ ivec.T
            ii = self.buffers.get("item_item")
            if ii is not None and len(item_rows):
                rows = torch.as_tensor(np.asarray(item_rows, dtype=np.int64), device=self.device)
                out = out + ii[rows].sum(0)
            return out.float().cpu().numpy()

    def history_contributions(self, user_row: int, item_row: int) -> tuple[np.ndarray, np.ndarray]:
        """Exact split of the history term: (W v_j / n) . v_item for each history item j."""
        ptr = self.buffers["hist_indptr"].cpu().numpy()
        rows = self.buffers["hist_indices"].cpu().numpy()[ptr[user_row]:ptr[user_row + 1]]
        with torch.no_grad():
            ivec, _, _ = self._items()
            w = self.m.hist.weight  # d x d, the bias of the projection is not attributable to an item
            hist = ivec[torch.as_tensor(rows, device=self.device)]
            contrib = (hist @ w.T) @ ivec[item_row] / max(1, len(rows))
            ii = self.buffers.get("item_item")
            if ii is not None:
                contrib = contrib + ii[torch.as_tensor(rows, device=self.device), int(item_row)]
        return rows, contrib.float().cpu().numpy()

    def _encode_text(self, title: str, text: str, categories: list[str] | tuple[str, ...],
                     attributes: dict[str, str] | None = None) -> tuple[torch.Tensor, torch.Tensor]:
        vocab = Vocabulary(tuple(self.meta["vocab"]))
        fvocab = Vocabulary(tuple(self.meta["feature_vocab"]))
        feats = [f"category:{c}" for c in categories]
        feats += [f"{k}:{v}" for k, v in (attributes or {}).items() if v]
        tokens = torch.from_numpy(vocab.encode([tokenize(f"{title} {text}")], self.meta["max_tokens"]))
        if tokens.shape[1] < 3:  # the convolution needs no minimum, but keep shapes like training
            tokens = F.pad(tokens, (0, 3 - tokens.shape[1]))
        ftensor = torch.from_numpy(fvocab.encode([feats], 64))
        with torch.no_grad():
            vec, bias = self.m.encode(tokens.to(self.device), ftensor.to(self.device))
        return vec[0], bias[0]

    def encode_new_item(self, title: str, text: str = "", categories: list[str] | tuple[str, ...] = (),
                        attributes: dict[str, str] | None = None) -> np.ndarray:
        """Content vector of an unseen item, comparable with ``content_embeddings()`` and, for a content
        model, ``item_embeddings()`` (for the hybrid a cold item's embedding is exactly this vector)."""
        self._require()
        return self._encode_text(title, text, categories, attributes)[0].float().cpu().numpy()

    def score_new_item(self, title: str, text: str = "", categories: list[str] | tuple[str, ...] = (),
                       attributes: dict[str, str] | None = None) -> np.ndarray:
        """Scores of every known user for an unseen item described by its content (for the hybrid, with
        the id parts and item-item column borrowed from its content neighbours, as for a cold item)."""
        self._require()
        if not (title or text or categories):
            raise WorkbenchError("a new item needs a title, a text or categories")
        vec, bias = self._encode_text(title, text, categories, attributes)
        column = None
        with torch.no_grad():
            known = self.buffers["item_known"]
            if self.use_ids and int(getattr(self.config, "cold_neighbours", 0)) > 0 and bool(known.any()):
                nbrs, w = self._content_neighbours(vec[None, :])
                id_est, bias_est = self._neighbour_id_parts(nbrs, w)
                vec, bias = vec + id_est[0], bias + bias_est[0]
                ii = self.buffers.get("item_item")
                if ii is not None:
                    column = (ii[:, nbrs[0]] * w[0][None, :]).sum(1)
            ivec, _, _ = self._items()
            out = []
            for s in range(0, self.meta["n_users"], 4096):
                users = torch.arange(s, min(s + 4096, self.meta["n_users"]), device=self.device)
                uvec, ubias = self._users(users, ivec)
                score = self.m.mu + ubias + bias + uvec @ vec
                if column is not None:
                    flat, seg = self._flat_history(users)
                    zeros = torch.zeros(len(users), device=self.device)
                    score = score + zeros.index_add_(0, seg, column[flat])  # history . column
                out.append(score.float().cpu())
        return torch.cat(out).numpy()


class HybridModel(ContentModel):
    """Hybrid: id embeddings plus content encodings for items, id plus history for users."""

    family: ClassVar[str] = "hybrid"
    Config: ClassVar[type[ModelConfig]] = HybridConfig
    use_ids: ClassVar[bool] = True
    description: ClassVar[str] = "Hybrid: collaborative id embeddings + content encoder, robust to cold start"
