"""What the content-reading families (``content.py``, ``hybrid.py``) share: the content encoder (text CNN,
bidirectional GRU or pretrained sentence vectors, + category/attribute embeddings), history-mean users,
sampled-softmax training, scoring, the fold-in of new users and the content capabilities.

Training cost per sample does not grow with the catalogue: a sample is one training interaction, ranked
by a sampled softmax (the batch's other items plus ``negatives`` uniformly drawn warm items, log-Q
corrected, see ``sampled.py``); only the batch's candidates (positives and drawn negatives) are encoded
with gradients, while the other history items use content encodings cached between steps (each step
writes its candidates' fresh encodings back, and the whole catalogue is encoded again every
``REFRESH_CATALOGUES x catalogue / batch`` batches, so the refresh costs the same per sample at any size;
id parts, where a family has them, train with the candidates); the user's history is a bounded sample of
``history_sample`` items, aggregated sparsely. A step's candidates are deduplicated, so popular items that
recur across a batch are encoded, looked up and updated once, and only the history entries that are
candidates carry gradients (the long tail of history items is read as constants). Scoring
encodes the catalogue once (cached until the weights change) and never builds users x items history
matrices.

An item is ``content(i)``; a user is ``W . mean(history item vectors) + b``. The target item is left out
of its own user's history while training, so the history representation cannot leak it. Items without
training interactions are left out of the softmax (never positives: they would otherwise only ever be
pushed down as negatives, and with them whatever content they have). Families add id parts and an
item-item part through the ``_add_item_ids``, ``_add_user_ids``, ``_id_keep``/``_user_id_keep``,
``_train_item_ids``/``_item_id_table`` (a training step's id parts), ``_set_cold_estimates``,
``_borrowed_parts`` and ``_plan_item_item``/``_fit_item_item`` hooks.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar, TypeVar

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from workbench.core.interactions import Interactions, ItemContent
from workbench.errors import WorkbenchError
from workbench.models.base import TrainingError, data_bytes, param
from workbench.models.capabilities import ContentAttribution, HistoryAttribution
from workbench.models.common import positives, seen_matrix, user_history_vector
from workbench.models.sampled import candidate_log_q, distinct_sampled_softmax_loss
from workbench.models.torch_base import TorchConfig, TorchRecommender, copy_rows, step_lookup
from workbench.text import Vocabulary, tokenize

#: the text encoders a content or hybrid model can use ("pretrained" needs the optional extra)
TEXT_ENCODERS = ("cnn", "gru", "pretrained")


def unavailable_text_encoders() -> dict[str, str]:
    """``pretrained`` with the install command when the optional extra is missing."""
    from workbench.models.sentence import INSTALL_COMMAND, pretrained_available

    if pretrained_available():
        return {}
    return {"pretrained": f"needs the optional 'pretrained' extra: {INSTALL_COMMAND}"}


@dataclass(frozen=True)
class ContentEncoderConfig(TorchConfig):
    """Settings of the content encoder and its training, shared by the content and hybrid families."""

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
    learning_rate: float = param(0.005, "Adam learning rate", min=1e-8,
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


#: items encoded at once when the whole catalogue is encoded (bounds the text encoder's activations)
ENCODE_CHUNK = 4096
#: the cached training encodings of the whole catalogue are renewed every this many catalogues' worth of
#: batch items (8: about 0.6 ms a step at 100K items; the step's own write-back keeps the candidates fresh)
REFRESH_CATALOGUES = 8


CC = TypeVar("CC", bound=ContentEncoderConfig)

#: largest word table an estimate assumes
MAX_VOCABULARY = 300_000
#: items whose texts are read to estimate a big catalogue's vocabulary and text length
SHAPE_SAMPLE = 20_000


@dataclass(frozen=True)
class TextShape:
    """What a catalogue's texts make the content encoder hold, for its memory estimate."""

    words: int  # rows of the word table
    tokens: int  # token columns per item (the longest text, up to ``max_tokens``)
    features: int  # feature columns per item (categories and attributes)
    feature_words: int  # rows of the feature table


def _trim_padding(rows: torch.Tensor) -> torch.Tensor:
    """``rows`` (n, width) of ids padded with 0 on the right, without the columns that are padding in every
    row (at least one column is kept)."""
    used = torch.nonzero((rows != 0).any(0))
    return rows[:, :int(used[-1]) + 1] if len(used) else rows[:, :1]


class _Windows(torch.autograd.Function):
    """Each position's width-3 window of word vectors (zero beyond the text's ends), n x L x c -> n x L x 3c.

    The backward pass sums each word's three window slots in place; built from a padded copy's slices
    instead, autograd would allocate and fill a zero tensor per slice (a millisecond a training step at
    100K items)."""

    @staticmethod
    def forward(ctx: Any, words: torch.Tensor) -> torch.Tensor:
        n, length, c = words.shape
        out = words.new_empty(n, length, 3 * c)
        out[:, 1:, :c] = words[:, :-1]  # the word before
        out[:, 0, :c] = 0.0
        out[:, :, c:2 * c] = words
        out[:, :-1, 2 * c:] = words[:, 1:]  # the word after
        out[:, -1, 2 * c:] = 0.0
        return out

    @staticmethod
    def backward(ctx: Any, grad: torch.Tensor) -> torch.Tensor:
        c = grad.shape[2] // 3
        out = grad[:, :, c:2 * c].clone()
        out[:, :-1] += grad[:, 1:, :c]
        out[:, 1:] += grad[:, :-1, 2 * c:]
        return out


class _ContentModule(nn.Module):
    def __init__(self, meta: dict[str, Any], cfg: ContentEncoderConfig, use_ids: bool) -> None:
        super().__init__()
        d = cfg.dim
        self.use_ids = use_ids
        self.text_encoder = str(meta.get("text_encoder", "cnn"))
        if self.text_encoder != "pretrained":
            # sparse: a step updates the words of its batch's items, not the whole vocabulary (which grows
            # with the catalogue's texts)
            self.words = nn.Embedding(meta["n_words"], cfg.word_dim, padding_idx=0, sparse=True)
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
        self.feats = nn.Embedding(meta["n_feats"], cfg.word_dim, padding_idx=0, sparse=True)
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
        self.mu: torch.Tensor
        self.register_buffer("mu", torch.tensor(float(meta["mu"]) if meta["objective"] == "rating" else 0.0))

    def encode(self, tokens: torch.Tensor, feats: torch.Tensor, *, step_rows: bool = False
               ) -> tuple[torch.Tensor, torch.Tensor]:
        """(content vectors (n, d), content biases (n,)) of items given token and feature rows.

        ``step_rows`` (a training step): word and feature rows are looked up once per distinct id and
        their gradients handed to the tables already summed (``torch_base.step_lookup``)."""
        if self.text_encoder != "pretrained" and tokens.shape[1] > 1:
            # Token rows are padded to ``max_tokens``; most texts are far shorter. The columns past the
            # longest text here are padding only, and dropping them changes no output (padding embeds
            # to zero, and the convolution pads with zeros anyway) while the encoder's cost falls with them.
            tokens = _trim_padding(tokens)
        # feature rows likewise: 64 slots, most items use one to three
        feats = _trim_padding(feats)
        return self.encode_embedded(tokens, feats, *self.embed(tokens, feats, step_rows=step_rows))

    def embed(self, tokens: torch.Tensor, feats: torch.Tensor, *, step_rows: bool = False
              ) -> tuple[torch.Tensor, torch.Tensor]:
        """(word embeddings, or the sentence vectors themselves; feature embeddings) the encoder reads
        (``step_rows``: as ``encode`` says)."""
        def lookup(table: nn.Embedding, ids: torch.Tensor) -> torch.Tensor:
            return step_lookup(table, ids) if step_rows else table(ids)

        text = tokens if self.text_encoder == "pretrained" else lookup(self.words, tokens)
        return text, lookup(self.feats, feats)

    def encode_embedded(self, tokens: torch.Tensor, feats: torch.Tensor, text_in: torch.Tensor,
                        feat_in: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """``encode`` from given embeddings (``tokens``/``feats`` give the padding masks): integrated
        gradients scale the embeddings without touching the shared layers."""
        if self.text_encoder == "pretrained":
            text = text_in  # (n, sentence_dim) float sentence vectors
        else:
            text = self._encode_gru(tokens, text_in) if self.text_encoder == "gru" \
                else self._encode_cnn(tokens, text_in)
        fmask = (feats > 0).float()
        cats = (feat_in * fmask[..., None]).sum(1) / fmask.sum(1, keepdim=True).clamp(min=1.0)
        z = torch.cat([text, cats], dim=1)
        return self.proj(z), self.content_bias(z).squeeze(-1)

    def _encode_cnn(self, tokens: torch.Tensor, words: torch.Tensor) -> torch.Tensor:
        # the width-3 convolution (zero-padded) as one matrix product over each position's window: the same
        # weights and outputs as ``self.conv``, several times faster on short shop texts on a CPU
        n, length, c = words.shape
        windows = _Windows.apply(words)  # n x L x 3c
        weight = self.conv.weight.permute(0, 2, 1).reshape(len(self.conv.weight), 3 * c)
        h = torch.mm(windows.reshape(n * length, 3 * c), weight.T)
        # max-pooled over the text's positions, then the bias and the relu: the same values as pooling
        # relu(h + bias) with padding zeroed (the bias is the same at every position and the relu keeps
        # order), but the position-wide passes of a bias, a relu and a mask, each with a backward pass,
        # shrink to one mask and an item-wide relu (5% of a training step at 100K items). Padding is
        # -inf, written outside autograd: it is never a maximum (a text without words pools to -inf,
        # relu 0, no gradient), so the product's backward, which does not read its output, is unchanged.
        # (Written into the product itself, not a view of it: autograd would replay an in-place change of
        # a view through a strided copy of the whole product.)
        with torch.no_grad():
            h.masked_fill_((tokens == 0).view(-1, 1), float("-inf"))
        # max-pooled rather than ``amax``: a backward pass that routes each maximum's gradient by its
        # index instead of comparing every position again
        top = F.adaptive_max_pool1d(h.view(n, length, -1).transpose(1, 2), 1).squeeze(-1)
        assert self.conv.bias is not None  # built with one
        return F.relu(top + self.conv.bias)

    def _encode_gru(self, tokens: torch.Tensor, words: torch.Tensor) -> torch.Tensor:
        real = tokens != 0
        lengths = real.sum(1)
        # packed, so the backward direction starts at each item's last word rather than at its padding
        packed = nn.utils.rnn.pack_padded_sequence(words, lengths.clamp(min=1).cpu(),
                                                   batch_first=True, enforce_sorted=False)
        out, _ = self.rnn(packed)
        h, _ = nn.utils.rnn.pad_packed_sequence(out, batch_first=True, total_length=tokens.shape[1])
        h = h.masked_fill(~real[..., None], float("-inf")).max(dim=1).values
        return torch.where((lengths > 0)[:, None], h, torch.zeros_like(h))  # no words: an empty text


def integrated_gradients(module: _ContentModule, user_vector: torch.Tensor, tokens: torch.Tensor,
                         feats: torch.Tensor, steps: int, word_level: bool
                         ) -> tuple[np.ndarray, np.ndarray, float, float]:
    """IG (Sundararajan et al. 2017) of ``F = u . content + content_bias`` for one item: (token weights,
    feature slot weights, F(item), F(baseline)), the baseline having every word and category embedding
    zero (the padding embedding); ``steps`` midpoints are evaluated as one batch.

    The embeddings are scaled as inputs and differentiated with ``autograd.grad``, so the shared module is
    never hooked, switched to another mode or given gradients: scoring on other threads is unaffected.
    """
    device = user_vector.device
    alphas = (torch.arange(steps, device=device, dtype=torch.float32) + 0.5) / steps
    # the last row is the item itself (alpha = 1), the one before the baseline (alpha = 0)
    alphas = torch.cat([alphas, torch.tensor([0.0, 1.0], device=device)])
    batch = len(alphas)
    tokens_b = tokens[None, :].expand(batch, *tokens.shape).contiguous()
    feats_b = feats[None, :].expand(batch, -1).contiguous()
    with torch.no_grad():
        text_x, feat_x = module.embed(tokens[None, :], feats[None, :])
    feat_in = (feat_x * alphas.view(batch, 1, 1)).requires_grad_(True)
    if word_level:
        text_in = (text_x * alphas.view(batch, 1, 1)).requires_grad_(True)
    else:  # the sentence vector goes in whole: its share is in F - baseline but belongs to no word
        text_in = text_x.expand(batch, *text_x.shape[1:]).contiguous()
    with torch.enable_grad():
        vec, bias = module.encode_embedded(tokens_b, feats_b, text_in, feat_in)
        f = vec @ user_vector + bias
        wrt = [feat_in, text_in] if word_level else [feat_in]
        grads = torch.autograd.grad(f[:steps].sum(), wrt)
    feat_w = (feat_x[0] * grads[0][:steps].mean(0)).sum(-1) * (feats != 0).float()
    token_w = (text_x[0] * grads[1][:steps].mean(0)).sum(-1) * (tokens != 0).float() if word_level \
        else torch.zeros(0, device=device)
    return (token_w.detach().cpu().double().numpy(), feat_w.detach().cpu().double().numpy(),
            float(f[-1].detach()), float(f[-2].detach()))


class ContentRecommender(TorchRecommender[CC]):
    """Base of the families that read item content: the encoder, history-mean users, sampled-softmax
    training, scoring, fold-in and the content capabilities. Families add id parts by overriding the
    ``_add_item_ids``/``_add_user_ids`` hooks and an item-item part through ``_plan_item_item``."""

    uses_content: ClassVar[bool] = True
    samples_per_s_cpu: ClassVar[float | None] = 2_500.0

    def __init__(self, config: CC | None = None) -> None:
        super().__init__(config)
        self._item_cache: tuple[torch.Tensor, torch.Tensor, torch.Tensor] | None = None  # scoring
        self._train_cache: tuple[torch.Tensor, torch.Tensor] | None = None  # content encodings, training
        self._batches_since_refresh = 0
        self._given_vectors: tuple[str, str, np.ndarray] | None = None  # sentence vectors from the store
        self._log_q: torch.Tensor | None = None  # sampling tables of one fit (``_training_setup``)
        self._warm_rows = torch.zeros(0, dtype=torch.long)
        self._mark: torch.Tensor | None = None  # scratch table of ``_distinct``

    @property
    def m(self) -> _ContentModule:
        module = self._require()
        assert isinstance(module, _ContentModule)
        return module

    # --- cost, known before training -------------------------------------------------------------------
    @classmethod
    def text_shape(cls, config: CC, content: ItemContent) -> TextShape | None:
        """What this catalogue's texts make the encoder hold (None for the pretrained encoder, whose
        input is a fixed-size sentence vector). Reads a seeded sample of ``SHAPE_SAMPLE`` items on big
        catalogues: tokenising every text twice (here and in training) would cost seconds of Chinese
        word segmentation."""
        if config.text_encoder == "pretrained":
            return None
        n = len(content.titles)
        rows = np.arange(n)
        if n > SHAPE_SAMPLE:
            rows = np.sort(np.random.default_rng(0).choice(n, SHAPE_SAMPLE, replace=False))
        docs = [tokenize(f"{content.titles[r]} {content.texts[r]}") for r in rows]
        feats = cls._feature_lists(content)
        longest = max((len(d) for d in docs), default=1)
        width = max(1, min(64, max((len(f) for f in feats), default=1)))  # as ``_prepare`` encodes them
        words = len(Vocabulary.build(docs, min_count=config.min_word_count))
        if len(rows) < n:
            # the rest of the catalogue adds words (Heaps' law: a vocabulary grows about as a power of
            # the text; 0.7 is above what word counts show, so the estimate errs on the safe side) and
            # may hold a longer text than the sample's longest
            words = int(words * (n / len(rows)) ** 0.7)
            longest = longest if 2 * longest < config.max_tokens else config.max_tokens
        return TextShape(words=min(MAX_VOCABULARY, words + 2), tokens=max(1, min(config.max_tokens, longest)),
                         features=width, feature_words=len(Vocabulary.build(
                             (feats[r] for r in rows), min_count=config.min_word_count)))

    @classmethod
    def _bound_shape(cls, config: CC, n_items: int) -> TextShape:
        """The shape assumed when the texts are not at hand: a vocabulary bounded by the catalogue,
        every text at ``max_tokens`` and many features."""
        return TextShape(words=min(MAX_VOCABULARY, 4 * n_items + 1000), tokens=config.max_tokens,
                         features=64, feature_words=2000)

    @classmethod
    def parameter_count(cls, config: CC, n_users: int, n_items: int, shape: TextShape | None = None) -> int:
        cfg = config
        shape = shape or cls._bound_shape(config, n_items)
        encoder = ((shape.words + shape.feature_words) * cfg.word_dim + 3 * cfg.word_dim * cfg.filters
                   + (cfg.filters + cfg.word_dim + 1) * (cfg.dim + 1))
        return encoder + cfg.dim * (cfg.dim + 1) + cls._id_parameter_count(config, n_users, n_items)

    @classmethod
    def _id_parameter_count(cls, config: CC, n_users: int, n_items: int) -> int:
        """Parameters of the id parts (none without them)."""
        return 0

    @classmethod
    def batch_bytes(cls, config: CC, n_users: int, n_items: int, n_interactions: int,
                    shape: TextShape | None = None) -> int:
        cfg = config
        b = cfg.batch_size
        measured = shape is not None
        shape = shape or cls._bound_shape(config, n_items)
        # token and feature rows (int64; kept, checkpointed, serialised), histories, the item caches
        fixed = (3 * 8 * n_items * (shape.tokens + shape.features) + 20 * n_interactions
                 + 4 * 4 * n_items * (cfg.dim + 1))
        # activations of a chunk of items encoded at once: token rows are trimmed to the chunk's longest
        # text; without the texts the estimate takes half of ``max_tokens`` (shop titles and blurbs are
        # short; a catalogue of full-length texts needs about 1.2x that estimate)
        tokens = shape.tokens if measured else cfg.max_tokens
        encode = 2 * max(b, ENCODE_CHUNK) * tokens * (cfg.word_dim + cfg.filters) * 4
        batch = 4 * b * (cfg.history_sample * (cfg.dim + 2) + b + cfg.negatives) * 4
        return fixed + encode + batch + cls._item_item_plan(config, n_items)

    @classmethod
    def estimate_peak_bytes_with_content(cls, config: CC, n_users: int, n_items: int, n_interactions: int,
                                         content: ItemContent) -> int:
        """``estimate_peak_bytes`` from the catalogue's texts as well (vocabulary, text lengths, features),
        not from bounds that must hold for any text."""
        return cls.estimate_peak_bytes_for_shape(config, n_users, n_items, n_interactions,
                                                 cls.text_shape(config, content))

    @classmethod
    def estimate_peak_bytes_for_shape(cls, config: CC, n_users: int, n_items: int, n_interactions: int,
                                      shape: TextShape | None) -> int:
        """``estimate_peak_bytes`` for texts of a measured ``shape`` (``text_shape``; None: the bounds)."""
        if shape is None:
            return cls.estimate_peak_bytes(config, n_users, n_items, n_interactions)
        return (data_bytes(n_users, n_items, n_interactions)
                + 4 * cls.PARAM_COPIES * cls.parameter_count(config, n_users, n_items, shape)
                + cls.batch_bytes(config, n_users, n_items, n_interactions, shape))

    @classmethod
    def _item_item_plan(cls, config: CC, n_items: int) -> int:
        """Bytes of the item-item part when the family fits one on this catalogue (none by default)."""
        return 0

    @classmethod
    def samples_per_epoch(cls, config: CC, n_users: int, n_items: int, n_interactions: int) -> int:
        return n_interactions * (config.passes if config.objective == "ranking" else 1)

    @classmethod
    def size_advice(cls, config: CC) -> str:
        return (f"a smaller 'dim' or 'max_tokens' (now {config.dim}, {config.max_tokens})"
                ", or a lighter family such as bpr or itemknn")

    # --- data -------------------------------------------------------------------------------------------
    def _prepare(self, train: Interactions, content: ItemContent | None) -> None:
        cfg = self.config
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
        cfg = self.config
        return cfg.text_encoder == "pretrained"

    def use_text_vectors(self, encoder: str, version: str, vectors: np.ndarray) -> None:
        """Sentence vectors of the item texts (rows of the item content), e.g. read from the store's cache,
        to use instead of embedding the texts again in ``fit``."""
        self._given_vectors = (encoder, version, np.asarray(vectors, dtype=np.float32))

    @property
    def attributes_words(self) -> bool:
        """Whether word attributions exist: not for the pretrained encoder, which reads a text whole."""
        cfg = self.config
        return self.meta.get("text_encoder", cfg.text_encoder) != "pretrained"

    def _sentence_vectors(self, content: ItemContent) -> np.ndarray:
        from workbench.models.sentence import embed_texts, encoder_id, item_text

        given = self._given_vectors
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
        return len(used) * self.config.passes

    def _build_module(self) -> nn.Module:
        return _ContentModule(self.meta, self.config, use_ids=False)

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
        content, cbias = self._encode_all()
        vec, bias = self._add_item_ids(content, cbias, id_keep)
        if id_keep is None:
            self._item_cache = (vec, bias, content)
        return vec, bias, content

    def _add_item_ids(self, content: torch.Tensor, cbias: torch.Tensor, id_keep: torch.Tensor | None
                      ) -> tuple[torch.Tensor, torch.Tensor]:
        """Item vectors and biases of the catalogue from its content ones (no id parts by default)."""
        return content, cbias

    def _set_cold_estimates(self) -> None:
        """After training: what items without training interactions borrow (nothing by default)."""

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
        return self._add_user_ids(users, vec, user_keep)

    def _add_user_ids(self, users: torch.Tensor, vec: torch.Tensor, user_keep: torch.Tensor | None
                      ) -> tuple[torch.Tensor, torch.Tensor]:
        """(user vectors, user biases) from the history part (no id parts, zero biases, by default)."""
        return vec, torch.zeros(len(users), device=vec.device)

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
        rel = None
        if valid is not None and len(valid):
            rel_part = positives(valid, threshold) if (threshold <= 0 or not valid.is_explicit
                                                      or (valid.values >= threshold).any()) else None
            if rel_part is not None and len(rel_part):
                rel = rel_part
        planned = self._plan_item_item(used, rel)
        known = used
        if rel is not None and self.absorb_validation:
            # validation interactions are known (never test) data: they join the histories used to score,
            # and the seen items, now that early stopping no longer needs them
            known = used.concat(rel)
            self._set_history(known)
            self.seen = seen_matrix(known).maximum(self.seen)
            self.seen.sort_indices()
        if planned:
            self._fit_item_item(known)

    def _plan_item_item(self, used: Interactions, rel: Interactions | None) -> bool:
        """Before the validation part joins the histories: whether an item-item part will be fit (and its
        weight chosen on ``rel``); none by default."""
        return False

    def _fit_item_item(self, known: Interactions) -> None:
        """Fit the planned item-item part on all known interactions."""

    def _item_item_scores(self, users: torch.Tensor, items: torch.Tensor | None) -> torch.Tensor | None:
        """The item-item part of the scores (users' histories times the weights), where one was fit."""
        ii = self.buffers.get("item_item")
        if ii is None:
            return None
        flat, seg = self._flat_history(users)
        x = torch.zeros(len(users), ii.shape[0], device=ii.device)
        x.index_put_((seg, flat), torch.ones(len(flat), device=ii.device), accumulate=True)
        return x @ (ii if items is None else ii[:, items])

    # --- training --------------------------------------------------------------------------------------
    def _training_content(self) -> tuple[torch.Tensor, torch.Tensor]:
        """Content encodings (no gradients) that history items read as constants. Each step writes its
        candidates' fresh encodings back (popular items are always current, and the uniform negatives
        renew the tail a few times an epoch), and the whole catalogue is encoded again every
        ``REFRESH_CATALOGUES x catalogue / batch`` batches: the refresh costs the same per sample at any
        catalogue size."""
        every = max(1, -(-REFRESH_CATALOGUES * self.meta["n_items"] // self._batch))
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
        """(item rows, weights, offsets): each of ``users``' bag of at most ``history_sample`` history
        items, in ``users``' order, as ``F.embedding_bag`` reads bags: the whole history when it is short, a
        uniform draw otherwise, without ``exclude`` (each sample's target) and a ``history_dropout`` share;
        each weight 1 / the bag's size (the mean). Only real entries are listed: a shop's short histories
        fill few of the slots, and an empty slot costs nothing (an empty bag reads as a zero vector)."""
        cfg = self.config
        assert self._gen is not None
        gen = self._gen
        indptr, indices = self.buffers["hist_indptr"], self.buffers["hist_indices"]
        starts = indptr.index_select(0, users)
        lens = indptr.index_select(0, users + 1) - starts
        h = cfg.history_sample
        slots = torch.arange(h, device=users.device)
        drawn = (torch.rand(len(users), h, generator=gen, device=gen.device) * lens[:, None]).long()
        offset = torch.where(lens[:, None] <= h, slots, drawn)
        if cfg.history_dropout > 0:
            kept = torch.rand(len(users), h, generator=gen, device=gen.device) >= cfg.history_dropout
            real = (slots < lens[:, None]) & kept
        else:
            real = slots < lens[:, None]
        # the real slots only, in (user, slot) order: one search, then every gather is as short as they are
        at = torch.nonzero(real.view(-1)).squeeze(1)
        row = torch.div(at, h, rounding_mode="floor")
        flat = indices.index_select(0, starts.index_select(0, row) + offset.view(-1).index_select(0, at))
        keep = torch.nonzero(flat != exclude.index_select(0, row)).squeeze(1)
        flat, row = flat.index_select(0, keep), row.index_select(0, keep)
        counts = torch.bincount(row, minlength=len(users))
        weights = (1.0 / counts.clamp(min=1).float()).index_select(0, row)
        return flat, weights, torch.cumsum(counts, 0) - counts

    def _id_keep(self, n: int) -> torch.Tensor | None:
        """Inverted dropout of item id parts for ``n`` drawn items (None: no id parts)."""
        return None

    def _user_id_keep(self, n: int) -> torch.Tensor | None:
        """Inverted dropout of user id parts for a batch of ``n`` samples (None: no id parts)."""
        return None

    def _scratch(self, device: torch.device) -> torch.Tensor:
        """A catalogue-long table of zeros that ``_distinct`` and ``_positions`` mark and clean again."""
        mark = self._mark
        if mark is None or len(mark) != self.meta["n_items"] or mark.device != device:
            mark = self._mark = torch.zeros(self.meta["n_items"], dtype=torch.long, device=device)
        return mark

    def _distinct(self, rows: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """(distinct item rows, position of each of ``rows`` among them), as ``torch.unique`` gives, by
        marking a catalogue-long scratch table: scanning it costs less than sorting a step's item
        occurrences even at a million items."""
        mark = self._scratch(rows.device)
        mark[rows] = 1
        distinct = torch.nonzero(mark).squeeze(1)
        mark[distinct] = torch.arange(len(distinct), device=rows.device)
        inverse = mark[rows]
        mark[distinct] = 0  # clean for the next step
        return distinct, inverse

    def _positions(self, distinct: torch.Tensor, rows: torch.Tensor) -> torch.Tensor:
        """Position of each of ``rows`` among ``distinct`` (distinct item rows), -1 where it is absent."""
        mark = self._scratch(rows.device)
        mark[distinct] = torch.arange(1, len(distinct) + 1, device=rows.device)
        out = mark[rows] - 1
        mark[distinct] = 0
        return out

    def _train_item_ids(self, rows: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor] | None:
        """(id vectors, id biases) of a step's distinct candidates ``rows`` (ascending), with gradients, each
        dropped out for the whole step (``_id_keep``); None without id parts."""
        return None

    def _item_id_table(self) -> torch.Tensor | None:
        """The item id vectors history items read as constants in a training step (None: no id parts)."""
        return None

    def _train_history(self, flat: torch.Tensor, weight: torch.Tensor, offsets: torch.Tensor,
                       cand: torch.Tensor, cand_vecs: torch.Tensor, cached: torch.Tensor) -> torch.Tensor:
        """Each sample's weighted history sum (bags ``flat``/``weight``/``offsets`` of ``_sample_history``).

        History items that are also the step's candidates (``cand``, distinct rows, learned vectors
        ``cand_vecs``) read those vectors, so gradients reach them; the others, a shop's long tail, read
        their cached content encoding plus their id vector (dropped out per entry) as constants. Only the
        candidates' bag has a backward pass, as short as the candidates: no step-wide table of every
        history item is built, copied or differentiated."""
        at = self._positions(cand, flat)
        learned = at >= 0
        # a bag's entries are contiguous, so a subset's bag offsets count its entries before each bag
        before = torch.zeros(len(flat) + 1, dtype=torch.long, device=flat.device)
        torch.cumsum(learned, 0, out=before[1:])
        learned_offsets = before[offsets]
        out = F.embedding_bag(at[learned], cand_vecs, learned_offsets, mode="sum",
                              per_sample_weights=weight[learned])
        with torch.no_grad():
            rest = ~learned
            rows, w, rest_offsets = flat[rest], weight[rest], offsets - learned_offsets
            const = F.embedding_bag(rows, cached, rest_offsets, mode="sum", per_sample_weights=w)
            ids = self._item_id_table()
            keep = self._id_keep(len(rows))
            if ids is not None and keep is not None:
                const += F.embedding_bag(rows, ids, rest_offsets, mode="sum", per_sample_weights=w * keep)
        return out + const

    def _loss(self, idx: torch.Tensor) -> torch.Tensor:
        cfg = self.config
        assert self._gen is not None
        gen = self._gen
        m = self.m
        self._forget_items()
        cached, _ = self._training_content()
        idx = idx % len(self._u)  # ``passes`` visits of each interaction per epoch
        u, i = self._u[idx], self._i[idx]
        # ranking: the positive against the batch's other positives and uniformly drawn warm items (the
        # popularity of in-batch candidates corrected by log-Q); items without training interactions are
        # never drawn (as negatives only they would teach the encoder to push down their content)
        neg = None
        warm = self._warm_rows
        if self.objective == "ranking" and cfg.negatives > 0 and len(warm):
            neg = warm[torch.randint(0, len(warm), (cfg.negatives,), generator=gen, device=gen.device)]
        cand = i if neg is None else torch.cat([i, neg])
        # the user: a bounded sample of the history (target hidden)
        flat, h_weight, h_offsets = self._sample_history(u, i)
        # the step's distinct candidates, encoded with gradients (only the batch's items: cost per sample
        # does not depend on the catalogue), each encoded, looked up and updated once however often it
        # recurs (popular items do)
        rows, c_at = self._distinct(cand)
        content, cbias = m.encode(self.buffers["tokens"].index_select(0, rows),
                                  self.buffers["feats"].index_select(0, rows), step_rows=True)
        with torch.no_grad():  # the freshest encodings of these items, for the next steps' histories
            copy_rows(cached, rows, content.detach())
        ids = self._train_item_ids(rows)
        if ids is not None:
            content = content + ids[0]
            cbias = cbias + ids[1]
        uvec = m.hist(self._train_history(flat, h_weight, h_offsets, rows, content, cached))
        uvec, ubias = self._add_user_ids(u, uvec, self._user_id_keep(len(u)))
        pos_at = c_at[:len(i)]
        pos_vec = content.index_select(0, pos_at)
        reg = cfg.l2 * ((uvec ** 2).sum(-1).mean() + (pos_vec ** 2).sum(-1).mean())
        if self.objective == "rating":
            pred = m.mu + ubias + cbias.index_select(0, pos_at) + (uvec * pos_vec).sum(-1)
            return F.mse_loss(pred, self._r[idx]) + reg
        assert self._log_q is not None  # built by the training set-up before the first batch
        # every distinct candidate scored once (popular items recur among a batch's positives)
        counts = torch.bincount(c_at, minlength=len(rows))
        nll = distinct_sampled_softmax_loss(uvec, pos_at, content, counts, cbias - self._log_q[rows],
                                            temperature=cfg.temperature)
        return nll + reg

    def _batch_size(self, n_samples: int) -> int:
        # small data still gets a few steps per epoch: in-batch negatives need no large batch there
        return max(1, min(int(self.config.batch_size), max(64, n_samples // 16)))

    def _before_epoch(self, epoch: int) -> None:
        if self._log_q is None:
            self._training_setup()

    def _training_setup(self) -> None:
        """Per-fit sampling tables: the warm items negatives are drawn from and the log-Q correction."""
        cfg = self.config
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

    def item_biases(self) -> np.ndarray:
        """Each item's bias (content bias, plus the id bias for the hybrid)."""
        with torch.no_grad():
            return self._items()[1].double().cpu().numpy()

    def _history_terms(self, item_rows: np.ndarray, targets: np.ndarray | None
                       ) -> tuple[torch.Tensor, torch.Tensor]:
        """(terms (history x targets), base (targets)) of the fold-in in float64: the user is
        ``W mean_h(v_h) + b``, so history item h adds ``(W v_h / n) . v_i`` (plus its item-item weight
        for the hybrid) and the base is ``mu + bias_i + v_i . b``."""
        user_history_vector(self.meta["n_items"], item_rows, None)  # validates rows
        rows = torch.as_tensor(np.asarray(item_rows, dtype=np.int64), device=self.device)
        cols = torch.arange(self.meta["n_items"], device=self.device) if targets is None else \
            torch.as_tensor(np.asarray(targets, dtype=np.int64), device=self.device)
        with torch.no_grad():
            ivec, ibias, _ = self._items()
            ivec, ibias = ivec.double(), ibias.double()
            hist = self.m.hist
            w, b = hist.weight.double(), hist.bias.double()
            terms = (ivec[rows] @ w.T / max(1, len(rows))) @ ivec[cols].T
            ii = self.buffers.get("item_item")
            if ii is not None and len(rows):
                terms = terms + ii[rows][:, cols].double()
            base = float(self.m.mu) + ibias[cols] + ivec[cols] @ b
        return terms.cpu(), base.cpu()

    def history_score(self, item_rows: np.ndarray, values: np.ndarray | None,
                      targets: np.ndarray | None = None) -> np.ndarray:
        terms, base = self._history_terms(item_rows, targets)
        return (base + terms.sum(0)).numpy()

    def explain_history(self, item_rows: np.ndarray, values: np.ndarray | None, targets: np.ndarray
                        ) -> HistoryAttribution:
        """Exact: the user is the mean of their history items' vectors (projected), so each history item
        adds its own projected vector's product with the target (and, for the hybrid, its item-item
        weight); the history's values are not read."""
        terms, base = self._history_terms(item_rows, targets)
        full = base + terms.sum(0)
        return HistoryAttribution(terms.numpy(), self.history_method, True, full.numpy(), base.numpy())

    def attribute_content(self, item_row: int, *, user_row: int | None = None,
                          history_rows: np.ndarray | None = None, steps: int = 32) -> ContentAttribution:
        """Integrated gradients of the item-dependent content part ``u . content(item) + bias(item)``
        for a known user or one folded in from ``history_rows`` (see ``integrated_gradients``)."""
        with torch.no_grad():
            ivec, _, _ = self._items()
            if user_row is not None:
                uvec = self._users(torch.tensor([int(user_row)], device=self.device), ivec)[0][0]
            else:
                uvec = self._fold_vec(np.asarray(history_rows, dtype=np.int64), ivec)[0]
        tokens, feats = self.buffers["tokens"][int(item_row)], self.buffers["feats"][int(item_row)]
        token_w, feat_w, score, baseline = integrated_gradients(self.m, uvec.float(), tokens, feats, steps,
                                                                self.attributes_words)
        vocab = self.meta["feature_vocab"]
        categories: dict[str, float] = {}
        for slot, feature in enumerate(feats.cpu().numpy().tolist()):
            if feature == 0:
                continue
            name = vocab[feature]
            name = name[len("category:"):] if name.startswith("category:") else name
            categories[name] = categories.get(name, 0.0) + float(feat_w[slot])
        return ContentAttribution(token_w, categories, score, baseline, self.attributes_words)

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
        with torch.no_grad():
            vec, bias, column = self._borrowed_parts(vec, bias)
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

    def _borrowed_parts(self, vec: torch.Tensor, bias: torch.Tensor
                        ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor | None]:
        """A new item's vector, bias and item-item column from its content encoding (by default the
        content parts alone, no column)."""
        return vec, bias, None
