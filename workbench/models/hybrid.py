"""Content-aware models: the content encoder (text CNN or GRU + category/attribute embeddings) and the hybrid.

Training cost per sample does not grow with the catalogue: a sample is one training interaction, ranked
by a sampled softmax (the batch's other items plus ``negatives`` uniformly drawn warm items, log-Q
corrected, see ``sampled.py``); only the batch's positive items are encoded with gradients, while history
items and uniform negatives use content encodings cached for a few batches (refreshed every
``2 x catalogue / batch`` batches, so the refresh costs the same per sample at any size; their id parts
train normally); the user's history is a bounded sample of ``history_sample`` items, aggregated sparsely.
Scoring encodes the catalogue once (cached until the weights change) and never builds users x items
history matrices.

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
from workbench.core.memory import fits_in_free_memory
from workbench.errors import WorkbenchError
from workbench.models.base import ModelConfig, TrainingError, param
from workbench.models.common import positives, seen_matrix, user_history_vector
from workbench.models.sampled import candidate_log_q, sampled_softmax_loss
from workbench.models.torch_base import TorchRecommender
from workbench.text import Vocabulary, tokenize
from workbench.training.loop import ranking_ndcg

#: the text encoders a content or hybrid model can use ("pretrained" needs the optional extra)
TEXT_ENCODERS = ("cnn", "gru", "pretrained")


def unavailable_text_encoders() -> dict[str, str]:
    """``pretrained`` with the install command when the optional extra is missing."""
    from workbench.models.sentence import INSTALL_COMMAND, pretrained_available

    if pretrained_available():
        return {}
    return {"pretrained": f"needs the optional 'pretrained' extra: {INSTALL_COMMAND}"}


@dataclass(frozen=True)
class ContentConfig(ModelConfig):
    dim: int = param(64, "size of item and user vectors", min=1, max=1024,
                     search=(32, 256), step=32)
    word_dim: int = param(32, "word and category embedding size", min=1, max=512)
    text_encoder: str = param("cnn", "how title + description words become a vector: cnn (convolution of "
                              "width 3, max-pooled), gru (bidirectional GRU, max-pooled) or pretrained "
                              "(frozen all-MiniLM-L6-v2 sentence vectors + a learned projection; needs "
                              "pip install 'rec-workbench[pretrained]')", choices=TEXT_ENCODERS,
                              unavailable=unavailable_text_encoders)
    filters: int = param(64, "text encoder width: CNN filters, or GRU units over both directions",
                         min=2, max=1024)
    max_tokens: int = param(64, "title + description tokens read per item", min=1, max=1024)
    min_word_count: int = param(2, "words and features seen in fewer training items map to <unk> (a word "
                                "unique to one item would act as its id, useless for cold items)", min=1)
    epochs: int = param(30, "maximum training epochs", min=1)
    batch_size: int = param(1024, "training interactions per batch", min=1)
    passes: int = param(1, "ranking: visits of every training interaction per epoch", min=1)
    negatives: int = param(256, "ranking: items drawn uniformly per batch as extra negatives, besides the "
                           "batch's other items", min=0)
    history_sample: int = param(32, "history items a training sample's user representation reads (longer "
                                "histories are sampled; scoring reads them all)", min=1)
    learning_rate: float = param(0.005, "Adam learning rate", min=0.0,
                                  search=(1e-3, 2e-2), log=True)
    l2: float = param(1e-5, "L2 penalty (weight decay) on batch embeddings", min=0.0,
                       search=(1e-7, 1e-3), log=True)
    history_dropout: float = param(0.0, "share of a training sample's history hidden from its user "
                                   "representation (the target item is always hidden)", min=0.0, max=0.95,
                                   search=(0.0, 0.5))
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
#: items encoded at once when the whole catalogue is encoded (bounds the text encoder's activations)
ENCODE_CHUNK = 4096


#: relative item-item weights tried on the validation part (see ``HybridConfig.item_item_weight``)
ITEM_ITEM_GRID = (0.0, 0.125, 0.25, 0.5, 1.0, 2.0, 4.0, 8.0, 32.0)
#: users whose scores measure the spread of each part (seeded sample; the ratio of means is stable)
SPREAD_USERS = 256


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
    """Peak memory of the hybrid's closed-form item-item part (as EASE: three dense float32 squares)."""
    return 3 * 4 * n_items ** 2


class _ContentModule(nn.Module):
    def __init__(self, meta: dict[str, Any], cfg: ContentConfig, use_ids: bool) -> None:
        super().__init__()
        d = cfg.dim
        self.use_ids = use_ids
        self.text_encoder = str(meta.get("text_encoder", "cnn"))
        if self.text_encoder != "pretrained":
            self.words = nn.Embedding(meta["n_words"], cfg.word_dim, padding_idx=0)
        if self.text_encoder == "pretrained":
            # the text input is the item's frozen sentence vector; ``proj`` below is the learned projection
            text_dim = int(meta["sentence_dim"])
        elif self.text_encoder == "gru":
            # one direction reads the words in order, the other backwards; each position sees its context
            self.rnn = nn.GRU(cfg.word_dim, cfg.filters // 2, batch_first=True, bidirectional=True)
            text_dim = 2 * (cfg.filters // 2)
        else:
            self.conv = nn.Conv1d(cfg.word_dim, cfg.filters, kernel_size=3, padding=1)
            text_dim = cfg.filters
        self.feats = nn.Embedding(meta["n_feats"], cfg.word_dim, padding_idx=0)
        self.proj = nn.Linear(text_dim + cfg.word_dim, d)
        self.content_bias = nn.Linear(text_dim + cfg.word_dim, 1)
        self.hist = nn.Linear(d, d)
        nn.init.normal_(self.feats.weight, std=0.1)
        with torch.no_grad():
            self.feats.weight[0].zero_()
        if self.text_encoder != "pretrained":
            nn.init.normal_(self.words.weight, std=0.1)
            with torch.no_grad():
                self.words.weight[0].zero_()
        if use_ids:
            self.item_id = nn.Embedding(meta["n_items"], d, sparse=True)
            self.item_bias = nn.Embedding(meta["n_items"], 1, sparse=True)
            self.user_id = nn.Embedding(meta["n_users"], d, sparse=True)
            self.user_bias = nn.Embedding(meta["n_users"], 1, sparse=True)
            for emb in (self.item_id, self.user_id):
                nn.init.normal_(emb.weight, std=0.01)
            nn.init.zeros_(self.item_bias.weight)
            nn.init.zeros_(self.user_bias.weight)
        self.register_buffer("mu", torch.tensor(float(meta["mu"]) if meta["objective"] == "rating" else 0.0))

    def encode(self, tokens: torch.Tensor, feats: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """(content vectors (n, d), content biases (n,)) of items given token and feature rows."""
        if self.text_encoder == "pretrained":
            text = tokens  # (n, sentence_dim) float sentence vectors
        else:
            text = self._encode_gru(tokens) if self.text_encoder == "gru" else self._encode_cnn(tokens)
        fmask = (feats > 0).float()
        cats = (self.feats(feats) * fmask[..., None]).sum(1) / fmask.sum(1, keepdim=True).clamp(min=1.0)
        z = torch.cat([text, cats], dim=1)
        return self.proj(z), self.content_bias(z).squeeze(-1)

    def _encode_cnn(self, tokens: torch.Tensor) -> torch.Tensor:
        h = self.conv(self.words(tokens).transpose(1, 2))  # n x filters x L
        h = F.relu(h).masked_fill((tokens == 0)[:, None, :], 0.0)
        return h.max(dim=2).values  # relu >= 0, so padding (0) never wins over a real position

    def _encode_gru(self, tokens: torch.Tensor) -> torch.Tensor:
        real = tokens != 0
        lengths = real.sum(1)
        # packed, so the backward direction starts at each item's last word rather than at its padding
        packed = nn.utils.rnn.pack_padded_sequence(self.words(tokens), lengths.clamp(min=1).cpu(),
                                                   batch_first=True, enforce_sorted=False)
        out, _ = self.rnn(packed)
        h, _ = nn.utils.rnn.pad_packed_sequence(out, batch_first=True, total_length=tokens.shape[1])
        h = h.masked_fill(~real[..., None], float("-inf")).max(dim=1).values
        return torch.where((lengths > 0)[:, None], h, torch.zeros_like(h))  # no words: an empty text


class ContentModel(TorchRecommender):
    """Content-based deep model: items from their text and categories, users from their history."""

    family: ClassVar[str] = "content"
    Config: ClassVar[type[ModelConfig]] = ContentConfig
    uses_content: ClassVar[bool] = True
    use_ids: ClassVar[bool] = False
    description: ClassVar[str] = ("Content-based: text CNN or GRU over title/description + category "
                                  "embeddings")
    samples_per_s_cpu: ClassVar[float | None] = 2_500.0

    def __init__(self, config: ModelConfig | None = None) -> None:
        super().__init__(config)
        self._item_cache: tuple[torch.Tensor, torch.Tensor, torch.Tensor] | None = None  # scoring
        self._train_cache: tuple[torch.Tensor, torch.Tensor] | None = None  # content encodings, training
        self._batches_since_refresh = 0

    @property
    def m(self) -> _ContentModule:
        return self._require()  # type: ignore[return-value]

    # --- cost, known before training -------------------------------------------------------------------
    @classmethod
    def parameter_count(cls, config: ModelConfig, n_users: int, n_items: int) -> int:
        cfg: ContentConfig = config  # type: ignore[assignment]
        words = min(300_000, 4 * n_items + 1000)  # vocabulary: bounded by the catalogue's texts
        encoder = (words + 2000) * cfg.word_dim + 3 * cfg.word_dim * cfg.filters + (cfg.filters + cfg.word_dim
                                                                                      + 1) * (cfg.dim + 1)
        ids = (n_users + n_items) * (cfg.dim + 1) if cls.use_ids else 0
        return encoder + cfg.dim * (cfg.dim + 1) + ids

    @classmethod
    def batch_bytes(cls, config: ModelConfig, n_users: int, n_items: int, n_interactions: int) -> int:
        cfg: ContentConfig = config  # type: ignore[assignment]
        b = cfg.batch_size
        # token and feature rows (int64; kept, checkpointed, serialised), histories, the item caches
        fixed = (3 * 8 * n_items * (cfg.max_tokens + 64) + 20 * n_interactions
                 + 4 * 4 * n_items * (cfg.dim + 1))
        encode = 4 * max(b, ENCODE_CHUNK) * cfg.max_tokens * (cfg.word_dim + cfg.filters) * 4
        batch = 4 * b * (cfg.history_sample * (cfg.dim + 2) + b + cfg.negatives) * 4
        return fixed + encode + batch + cls._item_item_plan(config, n_items)

    @classmethod
    def _item_item_plan(cls, config: ModelConfig, n_items: int) -> int:
        """Bytes of the item-item part when it will be fit on this catalogue, else 0."""
        return item_item_bytes(n_items) if cls._item_item_fits(config, n_items) else 0

    @classmethod
    def _item_item_fits(cls, config: ModelConfig, n_items: int) -> bool:
        if not cls.use_ids or getattr(config, "item_item_l2", 0.0) <= 0:
            return False
        cap = int(getattr(config, "item_item_max_items", 0))
        if cap < 0:  # automatic: as large as time and the free memory allow
            return n_items <= ITEM_ITEM_AUTO_MAX and fits_in_free_memory(item_item_bytes(n_items))
        return n_items <= cap

    @classmethod
    def samples_per_epoch(cls, config: ModelConfig, n_users: int, n_items: int, n_interactions: int) -> int:
        return n_interactions * (config.passes if config.objective == "ranking" else 1)  # type: ignore[attr-defined]

    @classmethod
    def size_advice(cls, config: ModelConfig) -> str:
        return (f"a smaller 'dim' or 'max_tokens' (now {config.dim}, {config.max_tokens})"  # type: ignore[attr-defined]
                ", or a lighter family such as bpr or itemknn")

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
                         n_feats=len(fvocab), max_tokens=cfg.max_tokens, text_encoder=cfg.text_encoder)
        if cfg.text_encoder == "pretrained":
            vectors = self._sentence_vectors(content)
            self.meta["sentence_dim"] = int(vectors.shape[1])
            self.buffers["tokens"] = torch.from_numpy(vectors)
        else:
            self.buffers["tokens"] = torch.from_numpy(vocab.encode(docs, cfg.max_tokens))
        self.buffers["feats"] = torch.from_numpy(fvocab.encode(feats, 64))
        self.buffers["item_known"] = torch.from_numpy(trained)
        order = np.lexsort((train.item_idx, train.user_idx))
        indptr = np.zeros(train.n_users + 1, dtype=np.int64)
        np.cumsum(np.bincount(train.user_idx, minlength=train.n_users), out=indptr[1:])
        self.buffers["hist_indptr"] = torch.from_numpy(indptr)
        self.buffers["hist_indices"] = torch.from_numpy(train.item_idx[order].copy())
        self.buffers["hist_values"] = torch.from_numpy(train.values[order].copy())
        self._log_q = None  # sampling tables are rebuilt for this fit (``_training_setup``)
        self._train_cache = None
        self._forget_items()

    # --- pretrained sentence vectors (transfer learning) ---------------------------------------------------
    def wants_text_vectors(self) -> bool:
        """Whether training reads pretrained sentence vectors of the item texts."""
        return getattr(self.config, "text_encoder", "cnn") == "pretrained"

    def use_text_vectors(self, encoder: str, version: str, vectors: np.ndarray) -> None:
        """Sentence vectors of the item texts (rows of the item content), e.g. read from the store's cache,
        to use instead of embedding the texts again in ``fit``."""
        self._given_vectors = (encoder, version, np.asarray(vectors, dtype=np.float32))

    @property
    def attributes_words(self) -> bool:
        """Whether word attributions exist: not for the pretrained encoder, which reads a text whole."""
        return self.meta.get("text_encoder", getattr(self.config, "text_encoder", "cnn")) != "pretrained"

    def _sentence_vectors(self, content: ItemContent) -> np.ndarray:
        from workbench.models.sentence import embed_texts, encoder_id, item_text

        given = getattr(self, "_given_vectors", None)
        ident = encoder_id()  # refuses with the install command when the extra is missing
        if given is not None and len(given[2]) == len(content.items):
            name, version, vectors = given
        else:
            texts = [item_text(t, x, c) for t, x, c in zip(content.titles, content.texts, content.categories,
                                                            strict=True)]
            name, version = ident.name, ident.version
            vectors = embed_texts(texts, device=self.device)
        self.meta.update(sentence_encoder=name, sentence_encoder_version=version)
        return vectors

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
        return len(used) * self.config.passes  # type: ignore[attr-defined]

    def _build_module(self) -> nn.Module:
        return _ContentModule(self.meta, self.config, self.use_ids)  # type: ignore[arg-type]

    # --- representations -----------------------------------------------------------------------------
    def _encode_all(self) -> tuple[torch.Tensor, torch.Tensor]:
        """Content vectors and biases of the whole catalogue, without gradients, a chunk at a time."""
        tokens, feats = self.buffers["tokens"], self.buffers["feats"]
        vecs, biases = [], []
        with torch.no_grad():
            for s in range(0, len(tokens), ENCODE_CHUNK):
                v, b = self.m.encode(tokens[s:s + ENCODE_CHUNK], feats[s:s + ENCODE_CHUNK])
                vecs.append(v)
                biases.append(b)
        return torch.cat(vecs), torch.cat(biases)

    def _forget_items(self) -> None:
        """The weights changed: cached item representations are stale."""
        self._item_cache = None

    def _items(self, id_keep: torch.Tensor | None = None) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """(item vectors, item biases, content vectors) of all items, for scoring (no gradients; cached
        until the weights change); id parts masked for cold items."""
        if self._item_cache is not None and id_keep is None:
            return self._item_cache
        m = self.m
        content, cbias = self._encode_all()
        if not self.use_ids:
            self._item_cache = (content, cbias, content)
            return self._item_cache
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
        if id_keep is None:
            self._item_cache = (vec, bias, content)
        return vec, bias, content

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
            content = self._encode_all()[0]
            nbrs, w = self._content_neighbours(content[cold])
        self.buffers.update(cold_rows=cold, cold_nbrs=nbrs, cold_w=w)
        self._forget_items()

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
        count = torch.zeros(n, device=item_vecs.device).index_add_(0, seg, weight).clamp(min=1.0)
        # sparse aggregation: only the history entries are touched, never a users x items matrix
        rows = item_vecs[flat] * weight.to(item_vecs.dtype)[:, None]
        sums = torch.zeros(n, item_vecs.shape[1], device=item_vecs.device, dtype=item_vecs.dtype)
        sums = sums.index_add(0, seg, rows)
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
        self._forget_items()  # early stopping restored the best weights
        self._train_cache = None
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
        use_ii = self._item_item_fits(hcfg, self.meta["n_items"])
        unit = None
        if use_ii:
            self.buffers.pop("item_item", None)
            unit = self._item_item(used)  # fit without the validation part, so the blend can be chosen on it
            scale = self._item_item_scale(unit)
            weight = float(hcfg.item_item_weight)  # type: ignore[attr-defined]
            if weight < 0:
                weight = self._choose_item_item_weight(unit, scale, rel) if rel is not None else 1.0
            self.meta["item_item_relative_weight"] = weight
            self.meta["item_item_weight"] = weight * scale
        if rel is not None:
            # validation interactions are known (never test) data: they join the histories used to score,
            # and the seen items, now that early stopping no longer needs them
            known = used.concat(rel)
            self._set_history(known)
            self.seen = seen_matrix(known).maximum(self.seen)
            self.seen.sort_indices()
        if unit is not None:
            if rel is not None:
                del unit  # refit on the validation part too (frees the first fit before the second)
                unit = self._item_item(known)
            self.buffers["item_item"] = unit.mul_(self.meta["item_item_weight"])
        self.buffers.pop("item_item_unit", None)

    def _item_item(self, data: Interactions) -> torch.Tensor:
        """EASE weights on ``data`` (zero diagonal), each row centred over the warm items; a cold item's
        column is the weighted mean of its content neighbours' columns (without neighbours: zero, the
        user's average item-item score), so it competes with warm items instead of sitting below them."""
        from workbench.models.baselines import ease_weights

        x = data.to_csr(binary=True)
        x.data[:] = 1.0
        b = ease_weights(x, float(self.config.item_item_l2))  # type: ignore[attr-defined]
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
        rows = torch.from_numpy(users).to(self.device)
        with torch.no_grad():
            learned = self._scores(rows, None)
            self.buffers["item_item"] = unit
            try:
                item_item = self._item_item_scores(rows, None)
            finally:
                self.buffers.pop("item_item", None)
        assert item_item is not None
        return spread_ratio(learned, item_item)

    def _choose_item_item_weight(self, unit: torch.Tensor, scale: float, rel: Interactions) -> float:
        """The relative weight of ``ITEM_ITEM_GRID`` with the best validation NDCG@10 (ties: the first)."""
        relevant = seen_matrix(rel)
        best_w, best_v = 0.0, -1.0
        for w in ITEM_ITEM_GRID:
            self.buffers["item_item"] = unit * (w * scale)
            value = ranking_ndcg(lambda rows: self._scores(torch.from_numpy(rows).to(self.device), None),
                                 self.seen, relevant, seed=self.config.seed) or 0.0
            if value > best_v:
                best_w, best_v = w, value
        self.buffers.pop("item_item", None)
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
    def _training_content(self) -> tuple[torch.Tensor, torch.Tensor]:
        """Content encodings (no gradients) for history items and uniform negatives, refreshed every
        ``2 x catalogue / batch`` batches: the refresh costs the same per sample at any catalogue size."""
        every = max(1, -(-2 * self.meta["n_items"] // self._batch))
        if self._train_cache is None or self._batches_since_refresh >= every:
            was_training = self.m.training
            self.m.eval()
            self._train_cache = self._encode_all()
            self.m.train(was_training)
            self._batches_since_refresh = 0
        self._batches_since_refresh += 1
        return self._train_cache

    def _sample_history(self, users: torch.Tensor, exclude: torch.Tensor
                        ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """(item rows, position in ``users``, weight) of at most ``history_sample`` history items per user:
        the whole history when it is short, a uniform draw otherwise; ``exclude`` (each sample's target)
        and a ``history_dropout`` share get weight 0."""
        cfg: ContentConfig = self.config  # type: ignore[assignment]
        assert self._gen is not None
        gen = self._gen
        indptr, indices = self.buffers["hist_indptr"], self.buffers["hist_indices"]
        starts = indptr[users]
        lens = indptr[users + 1] - starts
        h = cfg.history_sample
        slots = torch.arange(h, device=users.device)[None, :].expand(len(users), h)
        drawn = (torch.rand(len(users), h, generator=gen, device=gen.device) * lens[:, None]).long()
        offset = torch.where(lens[:, None] <= h, slots, drawn)
        valid = slots < lens[:, None]
        pos = (starts[:, None] + offset.clamp(max=(lens[:, None] - 1).clamp(min=0))).clamp(
            max=max(len(indices) - 1, 0))
        flat = indices[pos]
        weight = valid & (flat != exclude[:, None])
        if cfg.history_dropout > 0:
            weight &= torch.rand(len(users), h, generator=gen, device=gen.device) >= cfg.history_dropout
        seg = torch.arange(len(users), device=users.device)[:, None].expand(len(users), h)
        return flat.reshape(-1), seg.reshape(-1), weight.reshape(-1).float()

    def _id_keep(self, n: int) -> torch.Tensor | None:
        """Inverted dropout of item id parts for ``n`` drawn items (the expectation matches scoring)."""
        if not self.use_ids:
            return None
        assert self._gen is not None
        p = float(self.config.item_id_dropout)  # type: ignore[attr-defined]
        return (torch.rand(n, generator=self._gen, device=self._gen.device) >= p).float() / (1 - p)

    def _with_ids(self, rows: torch.Tensor, content: torch.Tensor, cbias: torch.Tensor
                  ) -> tuple[torch.Tensor, torch.Tensor]:
        """Item vectors and biases of ``rows`` from their content parts plus (dropped-out) id parts."""
        keep = self._id_keep(len(rows))
        if keep is None:
            return content, cbias
        m = self.m
        return content + m.item_id(rows) * keep[:, None], cbias + m.item_bias(rows).squeeze(-1) * keep

    def _loss(self, idx: torch.Tensor) -> torch.Tensor:
        cfg: ContentConfig = self.config  # type: ignore[assignment]
        assert self._gen is not None
        gen = self._gen
        m = self.m
        self._forget_items()
        cached, cached_bias = self._training_content()
        idx = idx % len(self._u)  # ``passes`` visits of each interaction per epoch
        u, i = self._u[idx], self._i[idx]
        # ranking: the positive against the batch's other positives and uniformly drawn warm items (the
        # popularity of in-batch candidates corrected by log-Q); items without training interactions are
        # never drawn (as negatives only they would teach the encoder to push down their content)
        neg = None
        warm = self._warm_rows
        if self.objective == "ranking" and cfg.negatives > 0 and len(warm):
            neg = warm[torch.randint(0, len(warm), (cfg.negatives,), generator=gen, device=gen.device)]
        # every candidate item is encoded once, with gradients (only the batch's items: cost per sample
        # does not depend on the catalogue)
        cand = i if neg is None else torch.cat([i, neg])
        rows, inverse = torch.unique(cand, return_inverse=True)
        content, cbias = m.encode(self.buffers["tokens"][rows], self.buffers["feats"][rows])
        vec, bias = self._with_ids(cand, content[inverse], cbias[inverse])
        # the user: a bounded sample of the history (target hidden); history items that are also candidates
        # use their fresh encodings (the encoder learns from the user side too, at no extra encoding), the
        # others the cached ones; id parts are trained
        flat, seg, weight = self._sample_history(u, i)
        at = torch.searchsorted(rows, flat).clamp(max=len(rows) - 1)
        fresh = rows[at] == flat
        h_content = torch.where(fresh[:, None], content[at], cached[flat])
        h_bias = torch.where(fresh, cbias[at], cached_bias[flat])
        hist_vec, _ = self._with_ids(flat, h_content, h_bias)
        uvec = self._history_from(torch.arange(len(flat), device=u.device), seg, weight, len(u), hist_vec)
        ubias = torch.zeros(len(u), device=u.device)
        if self.use_ids:
            p_u = float(self.config.user_id_dropout)  # type: ignore[attr-defined]
            user_keep = (torch.rand(len(u), generator=gen, device=gen.device) >= p_u).float() / (1 - p_u)
            uvec = uvec + m.user_id(u) * user_keep[:, None]
            ubias = m.user_bias(u).squeeze(-1) * user_keep
        pos_vec, pos_bias = vec[:len(i)], bias[:len(i)]
        reg = cfg.l2 * ((uvec ** 2).sum(-1).mean() + (pos_vec ** 2).sum(-1).mean())
        if self.objective == "rating":
            pred = m.mu + ubias + pos_bias + (uvec * pos_vec).sum(-1)
            return F.mse_loss(pred, self._r[idx]) + reg
        neg_vec = neg_bias = None
        if neg is not None:
            neg_vec, neg_bias = vec[len(i):], bias[len(i):]
        nll = sampled_softmax_loss(uvec, i, pos_vec, neg, neg_vec, self._log_q, pos_bias=pos_bias,
                                   neg_bias=neg_bias, temperature=cfg.temperature)
        return nll + reg

    def _batch_size(self, n_samples: int) -> int:
        # small data still gets a few steps per epoch: in-batch negatives need no large batch there
        return max(1, min(int(self.config.batch_size), max(64, n_samples // 16)))

    def _before_epoch(self, epoch: int) -> None:
        if getattr(self, "_log_q", None) is None:
            self._training_setup()

    def _training_setup(self) -> None:
        """Per-fit sampling tables: the warm items negatives are drawn from and the log-Q correction."""
        cfg: ContentConfig = self.config  # type: ignore[assignment]
        known = self.buffers["item_known"]
        self._warm_rows = torch.where(known)[0]
        counts = torch.bincount(self._i, minlength=self.meta["n_items"])
        log_q = candidate_log_q(counts, min(self._batch, len(self._i)), cfg.negatives)
        # uniform draws cover the warm items only
        extra = cfg.negatives / max(1, len(self._warm_rows)) - cfg.negatives / max(1, len(counts))
        self._log_q = torch.log(torch.exp(log_q) + extra * known.float()).clamp(min=-30.0)
        self._train_cache = None
        self._batches_since_refresh = 0

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

    def _load_weights(self, tensors: dict[str, torch.Tensor]) -> None:
        super()._load_weights(tensors)
        self._forget_items()
        self._train_cache = None

    def to_device(self, device: str) -> None:
        super().to_device(device)
        self._forget_items()
        self._train_cache = None

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
        if not self.attributes_words:
            tokens = torch.from_numpy(self._new_sentence_vector(title, text, categories))
        else:
            tokens = torch.from_numpy(vocab.encode([tokenize(f"{title} {text}")], self.meta["max_tokens"]))
        if tokens.shape[1] < 3:  # the convolution needs no minimum, but keep shapes like training
            tokens = F.pad(tokens, (0, 3 - tokens.shape[1]))
        ftensor = torch.from_numpy(fvocab.encode([feats], 64))
        with torch.no_grad():
            vec, bias = self.m.encode(tokens.to(self.device), ftensor.to(self.device))
        return vec[0], bias[0]

    def _new_sentence_vector(self, title: str, text: str, categories: list[str] | tuple[str, ...]
                             ) -> np.ndarray:
        from workbench.models.sentence import embed_texts, encoder_id, item_text

        ident = encoder_id()
        trained = (self.meta.get("sentence_encoder"), self.meta.get("sentence_encoder_version"))
        if (ident.name, ident.version) != trained:
            raise WorkbenchError(f"this model was trained on {trained[0]} {trained[1]} sentence vectors, "
                                 f"but {ident.name} {ident.version} is installed: retrain it to describe "
                                 "new items")
        return embed_texts([item_text(title, text, list(categories))], device=self.device)

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
