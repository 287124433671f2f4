"""SASRec: causal self-attention over each user's time-ordered history (Kang & McAuley, ICDM 2018).

Every position of a user's sequence predicts the next item from the items before it; the user's vector is
the output at the last position of their whole known history, scored against every item of the catalogue
(in user x item chunks of bounded memory). Training uses the sampled softmax with a log-Q correction
(``sampled.py``), so its cost per position does not grow with the catalogue.

- Order: interactions sorted by timestamp; without timestamps, the order of the file (and the report says
  so, since a sequence model then learns whatever the file order means).
- Long histories are read in windows of ``max_len + 1`` items ending at a random point each time, so
  every interaction is a target now and then, not only the most recent ``max_len``.
- Items may also carry a content vector (bag of title/description words and categories), so an item
  nobody has interacted with yet still has a vector and can be scored.
- Explanation: the attention of the last position over the history (rolled out through the layers, with
  the residual path, as in Abnar & Zuidema 2020), a distribution over the history items that sums to 1.
- Augmentation for sparse data (``augment``): crop, mask or reorder a share of each training sequence
  (Xie et al., CL4SRec 2022), applied to half the sequences of a batch; off by default.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np
import torch
from torch import nn

from workbench.core.interactions import Interactions, ItemContent
from workbench.errors import WorkbenchError
from workbench.models.base import ModelConfig, TrainingError, param
from workbench.models.common import positives
from workbench.models.sampled import candidate_log_q, sampled_softmax_loss
from workbench.models.seeding import SeededDropout
from workbench.models.torch_base import TorchConfig, TorchRecommender, TrainingOptimizer
from workbench.text import Vocabulary, tokenize

#: warning given (and stored in ``meta``) when a dataset has no timestamps
FILE_ORDER_NOTE = ("this data has no timestamps: each user's sequence follows the order of the file, "
                   "which may not be the order in which things happened")
AUGMENTATIONS = ("none", "crop", "mask", "reorder")


@dataclass(frozen=True)
class SASRecConfig(TorchConfig):
    dim: int = param(64, "size of item vectors and of the attention layers", min=4, max=1024)
    layers: int = param(2, "self-attention blocks", min=1, max=8)
    heads: int = param(1, "attention heads per block (must divide dim)", min=1, max=16)
    max_len: int = param(50, "most recent history items the model reads", min=2, max=1000)
    dropout: float = param(0.2, "dropout on embeddings, attention and feed-forward layers", min=0.0, max=0.9)
    negatives: int = param(128, "uniformly drawn negatives shared by a batch (besides in-batch ones)", min=0)
    use_content: bool = param(False, "add a content vector (title/description words + categories) to each "
                              "item, so items without interactions can be scored")
    min_word_count: int = param(2, "content: words seen in fewer training items map to <unk>", min=1)
    augment: str = param("none", "augment training sequences (sparse data): crop, mask or reorder a share "
                         "of half the sequences of each batch", choices=AUGMENTATIONS)
    augment_share: float = param(0.2, "share of a sequence cropped away, masked or reordered", min=0.0,
                                 max=0.9)
    epochs: int = param(60, "maximum training epochs", min=1)
    passes: int = param(2, "visits of every user's sequence per epoch", min=1)
    batch_size: int = param(64, "sequences per batch", min=1)
    learning_rate: float = param(0.002, "Adam learning rate", min=1e-8)
    l2: float = param(0.0, "Adam weight decay", min=0.0)
    patience: int = param(5, "epochs without validation improvement before stopping (0: never)", min=0)
    positive_threshold: float = param(0.0, "ratings >= this form the sequences (0: all)", min=0.0)


class _Block(nn.Module):
    """Pre-norm self-attention block; returns the attention weights (averaged over heads) when asked."""

    def __init__(self, d: int, heads: int, dropout: float) -> None:
        super().__init__()
        self.norm1 = nn.LayerNorm(d)
        # holds the projections; attention is computed below so that its dropout draws from the model's
        # generator (torch's attention kernels draw from the global one)
        self.attn = nn.MultiheadAttention(d, heads, batch_first=True)
        self.attn_drop = SeededDropout(dropout)
        self.norm2 = nn.LayerNorm(d)
        self.ff = nn.Sequential(nn.Linear(d, 2 * d), nn.GELU(), SeededDropout(dropout), nn.Linear(2 * d, d))
        self.drop = SeededDropout(dropout)

    def _attend(self, h: torch.Tensor, blocked: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Multi-head self-attention of ``h`` (B, L, d) with ``blocked`` (B * heads, L, L) positions
        masked; returns the output and the attention weights per head (B, heads, L, L)."""
        b, length, d = h.shape
        heads = self.attn.num_heads
        qkv = nn.functional.linear(h, self.attn.in_proj_weight, self.attn.in_proj_bias)
        q, k, v = qkv.view(b, length, 3, heads, d // heads).permute(2, 0, 3, 1, 4)
        logits = (q @ k.transpose(-2, -1)) * (d // heads) ** -0.5
        weights = logits.masked_fill(blocked.view(b, heads, length, length), -torch.inf).softmax(dim=-1)
        out = (self.attn_drop(weights) @ v).transpose(1, 2).reshape(b, length, d)
        return self.attn.out_proj(out), weights

    def forward(self, x: torch.Tensor, blocked: torch.Tensor, need_weights: bool = False
                ) -> tuple[torch.Tensor, torch.Tensor | None]:
        a, w = self._attend(self.norm1(x), blocked)
        x = x + self.drop(a)
        return x + self.drop(self.ff(self.norm2(x))), w.mean(dim=1) if need_weights else None


class _SASRecModule(nn.Module):
    def __init__(self, meta: dict[str, Any], cfg: SASRecConfig) -> None:
        super().__init__()
        d, n_items = cfg.dim, meta["n_items"]
        # row 0 pads, rows 1..n are the items, row n + 1 is the mask token of the mask augmentation
        self.items = nn.Embedding(n_items + 2, d, padding_idx=0)
        self.positions = nn.Embedding(cfg.max_len, d)
        self.blocks = nn.ModuleList(_Block(d, cfg.heads, cfg.dropout) for _ in range(cfg.layers))
        self.norm = nn.LayerNorm(d)
        self.drop = SeededDropout(cfg.dropout)
        self.heads = cfg.heads
        nn.init.normal_(self.items.weight, std=0.05)
        nn.init.normal_(self.positions.weight, std=0.05)
        with torch.no_grad():
            self.items.weight[0].zero_()
        self.use_content = bool(meta.get("use_content"))
        if self.use_content:
            self.words = nn.EmbeddingBag(meta["n_words"], d, mode="mean", padding_idx=0)
            self.feats = nn.EmbeddingBag(meta["n_feats"], d, mode="mean", padding_idx=0)
            nn.init.normal_(self.words.weight, std=0.05)
            nn.init.normal_(self.feats.weight, std=0.05)

    def item_vectors(self, tokens: torch.Tensor | None, feats: torch.Tensor | None,
                     known: torch.Tensor) -> torch.Tensor:
        """(n_items + 2, d) input/output vectors: id part (for items seen in training) plus content part."""
        vec = self.items.weight
        if not self.use_content or tokens is None or feats is None:
            return vec
        content = self.words(tokens) + self.feats(feats)
        keep = torch.cat([known.new_zeros(1), known, known.new_ones(1)]).float()
        pad = content.new_zeros(1, content.shape[1])
        return vec * keep[:, None] + torch.cat([pad, content, pad])

    def forward(self, seq: torch.Tensor, vecs: torch.Tensor, need_weights: bool = False,
                embedded: torch.Tensor | None = None) -> tuple[torch.Tensor, list[torch.Tensor]]:
        """Hidden states (B, L, d) of right-aligned sequences ``seq`` (0 pads on the left) and, when asked,
        each block's attention weights (B, L, L); ``embedded`` replaces ``vecs[seq]`` (for gradients)."""
        length = seq.shape[1]
        pad = seq == 0
        pos = torch.arange(length, device=seq.device)
        # right-aligned: the last position always has the same position embedding
        where = pos - length + self.positions.num_embeddings
        items = vecs[seq] if embedded is None else embedded
        x = items * (vecs.shape[1] ** 0.5) + self.positions(where)[None]
        x = self.drop(x) * (~pad)[..., None]
        causal = pos[None, :] > pos[:, None]
        # a query attends to itself and earlier real items; padding queries attend to themselves only, so
        # no row of the attention is empty
        blocked = causal[None] | (pad[:, None, :] & ~torch.eye(length, dtype=torch.bool, device=seq.device))
        blocked = blocked.repeat_interleave(self.heads, dim=0)
        weights: list[torch.Tensor] = []
        for block in self.blocks:
            x, w = block(x, blocked, need_weights)
            x = x * (~pad)[..., None]
            if w is not None:
                weights.append(w)
        return self.norm(x), weights


class SASRecModel(TorchRecommender[SASRecConfig]):
    """Causal self-attention over each user's history, trained with a sampled softmax."""

    family: ClassVar[str] = "sasrec"
    Config: ClassVar[type[ModelConfig]] = SASRecConfig
    description: ClassVar[str] = "SASRec: self-attention over each user's time-ordered history; explained " \
                                 "by its attention"

    @property
    def m(self) -> _SASRecModule:
        module = self._require()
        assert isinstance(module, _SASRecModule)
        return module

    @property
    def cfg(self) -> SASRecConfig:
        return self.config

    # --- data -----------------------------------------------------------------------------------------
    def _prepare(self, train: Interactions, content: ItemContent | None) -> None:
        cfg = self.cfg
        if cfg.dim % cfg.heads:
            raise TrainingError(f"dim ({cfg.dim}) must be a multiple of heads ({cfg.heads})")
        self.meta["ordered_by"] = "time" if train.timestamps is not None else "file order"
        self.meta["notes"] = [] if train.timestamps is not None else [FILE_ORDER_NOTE]
        self._set_sequences(train)
        if not (np.bincount(train.user_idx, minlength=train.n_users) >= 2).any():
            raise TrainingError("sasrec learns what comes next in a user's history: it needs users with at "
                                "least 2 training interactions, and this data has none")
        counts = np.bincount(train.item_idx, minlength=train.n_items).astype(np.float32)
        self.buffers["item_counts"] = torch.from_numpy(counts)
        self.buffers["item_known"] = torch.from_numpy(counts > 0)
        self.meta["use_content"] = bool(cfg.use_content)
        if cfg.use_content:
            if content is None:
                raise TrainingError("use_content needs item content (titles, texts or categories)")
            trained = counts > 0
            docs = [tokenize(f"{t} {x}") for t, x in zip(content.titles, content.texts, strict=True)]
            feats = [[f"category:{c}" for c in cats] for cats in content.categories]
            warm = np.flatnonzero(trained)
            vocab = Vocabulary.build((docs[i] for i in warm), min_count=cfg.min_word_count)
            fvocab = Vocabulary.build((feats[i] for i in warm), min_count=cfg.min_word_count)
            self.meta.update(n_words=len(vocab), n_feats=len(fvocab), vocab=list(vocab.tokens),
                             feature_vocab=list(fvocab.tokens))
            self.buffers["tokens"] = torch.from_numpy(vocab.encode(docs, 64))
            self.buffers["feats"] = torch.from_numpy(fvocab.encode(feats, 16))

    def _set_sequences(self, data: Interactions) -> None:
        """Each user's items in time (or file) order as a CSR: ``seq_indptr``, ``seq_items``."""
        file_order = np.arange(len(data))
        time = data.timestamps if data.timestamps is not None else file_order
        order = np.lexsort((file_order, time, data.user_idx))
        indptr = np.zeros(data.n_users + 1, dtype=np.int64)
        np.cumsum(np.bincount(data.user_idx, minlength=data.n_users), out=indptr[1:])
        self.buffers["seq_indptr"] = torch.from_numpy(indptr).to(self.device)
        self.buffers["seq_items"] = torch.from_numpy(data.item_idx[order].astype(np.int64)).to(self.device)

    def training_notes(self) -> list[str]:
        """Says when sequences followed the file order because the data has no timestamps."""
        return list(self.meta.get("notes", []))

    def _n_samples(self, used: Interactions) -> int:
        return self.meta["n_users"] * self.cfg.passes

    def _build_module(self) -> nn.Module:
        return _SASRecModule(self.meta, self.cfg)

    def _make_optimizer(self) -> TrainingOptimizer:
        return torch.optim.Adam(self._require().parameters(), lr=self.cfg.learning_rate,
                                weight_decay=self.cfg.l2)

    def _vectors(self) -> torch.Tensor:
        return self.m.item_vectors(self.buffers.get("tokens"), self.buffers.get("feats"),
                                   self.buffers["item_known"])

    # --- sequences --------------------------------------------------------------------------------------
    def _windows(self, users: torch.Tensor, length: int, ends: torch.Tensor | None = None) -> torch.Tensor:
        """(B, length) right-aligned item tokens (row + 1; 0 pads) of each user's sequence up to ``ends``
        (exclusive, relative to the user's start; default: the whole sequence)."""
        indptr, items = self.buffers["seq_indptr"], self.buffers["seq_items"]
        starts = indptr[users]
        ends = indptr[users + 1] - starts if ends is None else ends
        offsets = ends[:, None] - length + torch.arange(length, device=users.device)[None, :]
        real = offsets >= 0
        flat = (starts[:, None] + offsets.clamp(min=0)).clamp(max=max(len(items) - 1, 0))
        picked = items[flat] + 1 if len(items) else torch.zeros_like(flat)
        return torch.where(real, picked, torch.zeros_like(picked))

    def _augment(self, seq: torch.Tensor) -> torch.Tensor:
        assert self._gen is not None
        return augment_sequences(seq, self.cfg.augment, self.cfg.augment_share, self.meta["n_items"] + 1,
                                 self._gen)

    # --- training ---------------------------------------------------------------------------------------
    def _loss(self, idx: torch.Tensor) -> torch.Tensor:
        cfg = self.cfg
        gen = self._gen
        assert gen is not None
        users = idx % self.meta["n_users"]
        indptr = self.buffers["seq_indptr"]
        lens = indptr[users + 1] - indptr[users]
        window = cfg.max_len + 1
        # the window ends at a random point at or after the first full window
        low = lens.clamp(max=window)
        ends = low + (torch.rand(len(users), generator=gen, device=gen.device)
                      * (lens - low + 1).float()).floor().long()
        seq = self._windows(users, window, ends)
        augmented = self._augment(seq)
        inputs = augmented[:, :-1]
        # a masked item is still the target of the position before it; crop and reorder make a new sequence
        targets = seq[:, 1:] if cfg.augment == "mask" else augmented[:, 1:]
        vecs = self._vectors()
        hidden, _ = self.m(inputs, vecs)
        use = (targets > 0) & (inputs > 0)
        query = hidden[use]
        pos_rows = targets[use] - 1
        if len(pos_rows) == 0:  # only one-item histories in this batch: nothing to predict
            return hidden.sum() * 0.0
        n_items = self.meta["n_items"]
        neg_rows = torch.randint(0, n_items, (cfg.negatives,), generator=gen, device=gen.device) \
            if cfg.negatives > 0 else None
        log_q = candidate_log_q(self.buffers["item_counts"], len(pos_rows), cfg.negatives)
        return sampled_softmax_loss(query, pos_rows, vecs[pos_rows + 1],
                                    neg_rows, None if neg_rows is None else vecs[neg_rows + 1], log_q)

    def _after_fit(self, used: Interactions, valid: Interactions | None, threshold: float) -> None:
        if valid is None or not len(valid):
            return
        rel = positives(valid, threshold) if threshold <= 0 or not valid.is_explicit or \
            (valid.values >= threshold).any() else None
        if rel is not None and len(rel) and self.absorb_validation:
            # validation interactions come after the training ones (leave_last, temporal): they extend the
            # sequences the model reads when scoring
            both = used.concat(rel)
            self._set_sequences(both)
            seen = both.to_csr(binary=True)
            seen.data[:] = 1.0
            self.seen = seen.maximum(self.seen)
            self.seen.sort_indices()

    # --- scoring ----------------------------------------------------------------------------------------
    def _last_hidden(self, seq: torch.Tensor, vecs: torch.Tensor, need_weights: bool = False
                     ) -> tuple[torch.Tensor, list[torch.Tensor]]:
        hidden, weights = self.m(seq, vecs, need_weights)
        return hidden[:, -1], weights

    def _scores(self, users: torch.Tensor, items: torch.Tensor | None) -> torch.Tensor:
        vecs = self._vectors()
        seq = self._windows(users, self.cfg.max_len)
        out = []
        targets = vecs[1:-1] if items is None else vecs[items + 1]
        step = max(1, (1 << 24) // max(1, len(targets)))  # users x items chunks of bounded memory
        for s in range(0, len(users), step):
            h, _ = self._last_hidden(seq[s:s + step], vecs)
            out.append(h @ targets.T)
        return torch.cat(out) if out else torch.zeros(0, len(targets), device=vecs.device)

    def _predict_pairs(self, users: torch.Tensor, items: torch.Tensor) -> torch.Tensor:
        vecs = self._vectors()
        h, _ = self._last_hidden(self._windows(users, self.cfg.max_len), vecs)
        return (h * vecs[items + 1]).sum(-1)

    def _sequence(self, item_rows: np.ndarray) -> torch.Tensor:
        rows = np.asarray(item_rows, dtype=np.int64)[-self.cfg.max_len:]
        if (rows < 0).any() or (rows >= self.meta["n_items"]).any():
            raise WorkbenchError("the history contains unknown item rows")
        seq = np.zeros((1, self.cfg.max_len), dtype=np.int64)
        if len(rows):
            seq[0, -len(rows):] = rows + 1
        return torch.from_numpy(seq).to(self.device)

    def fold_in_user(self, item_rows: np.ndarray, values: np.ndarray | None = None) -> np.ndarray:
        """Scores of every item for a new user whose history is ``item_rows``, oldest first."""
        self._require()
        with torch.no_grad():
            vecs = self._vectors()
            h, _ = self._last_hidden(self._sequence(item_rows), vecs)
            return (h[0] @ vecs[1:-1].T).float().cpu().numpy()

    def item_embeddings(self) -> np.ndarray:
        with torch.no_grad():
            return self._vectors()[1:-1].float().cpu().numpy()

    def user_sequence(self, user_row: int) -> np.ndarray:
        """The item rows the model reads for a known user, oldest first (at most ``max_len``)."""
        indptr = self.buffers["seq_indptr"].cpu().numpy()
        items = self.buffers["seq_items"].cpu().numpy()
        return items[indptr[user_row]:indptr[user_row + 1]][-self.cfg.max_len:].astype(np.int64)

    def training_history(self, user_row: int) -> np.ndarray:
        """The sequence the model reads for a known user, oldest first."""
        return self.user_sequence(user_row)

    def input_gradients(self, history_rows: np.ndarray, item_row: int) -> np.ndarray:
        """Gradient x input of the score of ``item_row`` for each history item (oldest first, at most
        ``max_len``): the usual gradient attribution, to compare attention with."""
        self._require()
        rows = np.asarray(history_rows, dtype=np.int64)[-self.cfg.max_len:]
        if len(rows) == 0:
            return np.zeros(0)
        m = self.m
        was_training = m.training
        m.eval()
        try:
            with torch.enable_grad():
                vecs = self._vectors().detach()
                seq = self._sequence(rows)
                embedded = vecs[seq].clone().requires_grad_(True)
                hidden, _ = m(seq, vecs, embedded=embedded)
                (hidden[0, -1] @ vecs[int(item_row) + 1]).backward()
        finally:
            m.train(was_training)
            m.zero_grad(set_to_none=True)
        assert embedded.grad is not None
        values = (embedded.grad * embedded.detach()).sum(-1)[0, -len(rows):]
        return values.double().cpu().numpy()

    def attention(self, user_row: int | None = None, history_rows: np.ndarray | None = None
                  ) -> tuple[np.ndarray, np.ndarray]:
        """(history item rows oldest first, weight of each): how much the last position attends to each
        history item, rolled out through the blocks with the residual path; the weights sum to 1.

        The scores of every candidate item come from that last position, so one distribution explains them
        all. Give a known ``user_row`` or a new user's ``history_rows`` (oldest first).
        """
        self._require()
        if history_rows is not None:
            rows = np.asarray(history_rows, dtype=np.int64)[-self.cfg.max_len:]
        elif user_row is not None:
            rows = self.user_sequence(int(user_row))
        else:
            raise WorkbenchError("give a user or a history to read the attention of")
        if len(rows) == 0:
            return rows, np.zeros(0)
        m = self.m
        was_training = m.training
        m.eval()
        try:
            with torch.no_grad():
                _, weights = self._last_hidden(self._sequence(rows), self._vectors(), need_weights=True)
        finally:
            m.train(was_training)
        length = self.cfg.max_len
        eye = torch.eye(length, device=weights[0].device)
        rollout = eye
        for w in weights:
            mixed = 0.5 * w[0] + 0.5 * eye
            rollout = (mixed / mixed.sum(-1, keepdim=True)) @ rollout
        last = rollout[-1, length - len(rows):].double().cpu().numpy()
        return rows, last / last.sum()


def augment_sequences(seq: torch.Tensor, kind: str, share: float, mask_token: int,
                      gen: torch.Generator) -> torch.Tensor:
    """Crop, mask or reorder ``share`` of half the right-aligned sequences ``seq`` (0 pads on the left);
    the last column (a target only) is never altered and the padding stays padding."""
    if kind == "none" or share <= 0:
        return seq
    b, length = seq.shape
    pick = torch.rand(b, generator=gen, device=gen.device) < 0.5
    real = seq > 0
    n = real.sum(1)
    pos = torch.arange(length, device=seq.device)[None, :]
    first = length - n  # index of each sequence's first real item
    if kind == "mask":
        hit = (torch.rand(b, length, generator=gen, device=gen.device) < share) & real
        hit[:, -1] = False
        out = seq.masked_fill(hit, mask_token)
    elif kind == "crop":  # the oldest share of the items
        drop = (n.float() * share).floor().long().clamp(max=(n - 1).clamp(min=0))
        out = seq.masked_fill(pos < (first + drop)[:, None], 0)
    else:  # reorder a random window of share * n consecutive items before the last one
        width = (n.float() * share).ceil().long().clamp(min=1)
        room = (n - 1 - width).clamp(min=0)
        start = first + (torch.rand(b, generator=gen, device=gen.device) * (room + 1).float()).floor().long()
        inside = (pos >= start[:, None]) & (pos < (start + width)[:, None]) & (pos < length - 1)
        noise = torch.rand(b, length, generator=gen, device=gen.device)
        keys = torch.where(inside, start[:, None] + noise * width[:, None], pos.float().expand(b, length))
        out = torch.gather(seq, 1, torch.argsort(keys, dim=1))
    return torch.where(pick[:, None], out, seq)
