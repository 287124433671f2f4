"""Which words and categories of an item drove the content part of its score: integrated gradients.

The attributed function is the item-dependent content part for the user,
``F(item) = u . content(item) + content_bias(item)`` where ``content(item)`` is the item's encoding by the
model's text CNN and category embeddings, and ``u`` the user's vector (for the hybrid, history plus id
part). Integrated gradients (Sundararajan et al. 2017) integrate the gradient of ``F`` along the straight
line from a baseline where every word and category embedding is zero (the padding embedding) to the real
embeddings; ``steps`` midpoint samples are evaluated as one batch. Completeness:
``sum(word weights) + sum(category weights) ~= F(item) - F(baseline)`` (exact in the limit of steps).

The encoder is B1's ``_ContentModule.encode``, run unchanged: forward hooks on its word and feature
embedding layers replace their outputs by the scaled embeddings, so no copy of the encoder lives here.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from workbench.core.interactions import Dataset, ItemContent
from workbench.explain.types import Explanation, WordWeight
from workbench.models.base import Recommender
from workbench.text import tokenize

#: integration steps (one batch); 32 midpoints keep the completeness gap small for a ReLU/max-pool CNN
IG_STEPS = 32


@dataclass
class ContentAttribution:
    """Token and feature attributions of one item for one user vector."""

    token_weights: np.ndarray  # per token position (padding positions are 0)
    feature_weights: np.ndarray  # per feature slot
    score: float  # F(item)
    baseline: float  # F(all-zero embeddings)


def reads_content(model: Recommender) -> bool:
    """Whether ``model`` has the content encoder this module attributes through."""
    return bool(model.uses_content) and hasattr(model, "m") and hasattr(model.m, "encode")


def words_attributable(model: Recommender) -> bool:
    """Whether the model's text encoder reads words (the pretrained sentence encoder reads a text whole)."""
    return bool(getattr(model, "attributes_words", True))


#: said instead of word highlights for encoders that read the text whole
NO_WORDS_NOTE = ("word attributions are not available for the pretrained sentence encoder (it reads the "
                 "item text as a whole); categories are still attributed by integrated gradients")


def integrated_gradients(model: Recommender, user_vector: torch.Tensor, tokens: torch.Tensor,
                         feats: torch.Tensor, steps: int = IG_STEPS) -> ContentAttribution:
    """IG of ``F = u . content + content_bias`` for one item (``tokens``: (L,), ``feats``: (F,))."""
    m = model.m  # type: ignore[attr-defined]
    device = user_vector.device
    alphas = (torch.arange(steps, device=device, dtype=torch.float32) + 0.5) / steps
    # the last row is the item itself (alpha = 1), the one before the baseline (alpha = 0)
    alphas = torch.cat([alphas, torch.tensor([0.0, 1.0], device=device)])
    batch = len(alphas)
    captured: dict[str, torch.Tensor] = {}

    def scaler(name: str):  # type: ignore[no-untyped-def]
        def hook(_module: torch.nn.Module, _inputs: tuple[torch.Tensor, ...],
                 output: torch.Tensor) -> torch.Tensor:
            shape = (batch,) + (1,) * (output.dim() - 1)
            scaled = (output.detach() * alphas.view(shape)).requires_grad_(True)
            captured[name] = scaled
            captured[name + ".x"] = output.detach()
            return scaled
        return hook

    word_level = words_attributable(model)
    handles = [m.feats.register_forward_hook(scaler("feats"))]
    if word_level:
        handles.append(m.words.register_forward_hook(scaler("words")))
    was_training = m.training
    m.eval()
    try:
        with torch.enable_grad():
            vec, bias = m.encode(tokens[None, :].expand(batch, -1).contiguous(),
                                 feats[None, :].expand(batch, -1).contiguous())
            f = vec @ user_vector + bias
            f[:steps].sum().backward()
    finally:
        for handle in handles:
            handle.remove()
        m.train(was_training)
        m.zero_grad(set_to_none=True)
    feats_x = captured["feats.x"][0]
    feats_g = captured["feats"].grad[:steps].mean(0)  # type: ignore[union-attr]
    feat_w = (feats_x * feats_g).sum(-1) * (feats != 0).float()
    if word_level:
        words_x = captured["words.x"][0]
        words_g = captured["words"].grad[:steps].mean(0)  # type: ignore[union-attr]
        token_w = (words_x * words_g).sum(-1) * (tokens != 0).float()
    else:  # the text went in whole: its share is in score - baseline but belongs to no word
        token_w = torch.zeros(0, device=device)
    return ContentAttribution(token_w.detach().cpu().numpy().astype(np.float64),
                              feat_w.detach().cpu().numpy().astype(np.float64),
                              float(f[-1].detach()), float(f[-2].detach()))


def user_vectors(model: Recommender, user_rows: np.ndarray) -> torch.Tensor:
    """User vectors of known users as the model scores them (history part, plus id part for the hybrid)."""
    with torch.no_grad():
        ivec, _, _ = model._items()  # type: ignore[attr-defined]
        users = torch.as_tensor(np.asarray(user_rows, dtype=np.int64), device=ivec.device)
        uvec, _ = model._users(users, ivec)  # type: ignore[attr-defined]
    return uvec.float()


def folded_user_vector(model: Recommender, item_rows: np.ndarray) -> torch.Tensor:
    """The vector of a new user from their history items alone (the model's fold-in)."""
    with torch.no_grad():
        ivec, _, _ = model._items()  # type: ignore[attr-defined]
        return model._fold_vec(np.asarray(item_rows, dtype=np.int64), ivec)[0].float()  # type: ignore[attr-defined]


def words_in_text(title: str, text: str, token_weights: np.ndarray) -> list[WordWeight]:
    """The item's tokens in text order with their weights and character offsets in title or text."""
    out: list[WordWeight] = []
    pos = 0
    for field_name, source in (("title", title), ("text", text)):
        lowered = source.lower()
        cursor = 0
        for token in tokenize(source):
            if pos >= len(token_weights):
                return out
            start = lowered.find(token, cursor)
            end = start + len(token) if start >= 0 else -1
            cursor = end if start >= 0 else cursor
            out.append(WordWeight(word=source[start:end] if start >= 0 else token,
                                  weight=float(token_weights[pos]), field=field_name, start=start, end=end))
            pos += 1
    return out


def _item_inputs(model: Recommender, item_row: int) -> tuple[torch.Tensor, torch.Tensor]:
    buffers = model.buffers  # type: ignore[attr-defined]
    return buffers["tokens"][item_row], buffers["feats"][item_row]


def category_weights(model: Recommender, feats: torch.Tensor, weights: np.ndarray) -> dict[str, float]:
    """Feature slot weights by name: ``category:Drama`` -> ``Drama``; other attributes keep ``name:value``."""
    vocab = model.meta["feature_vocab"]  # type: ignore[attr-defined]
    out: dict[str, float] = {}
    for slot, feature in enumerate(feats.cpu().numpy().tolist()):
        if feature == 0:
            continue
        name = vocab[feature]
        name = name[len("category:"):] if name.startswith("category:") else name
        out[name] = out.get(name, 0.0) + float(weights[slot])
    return out


def attach_content_attributions(model: Recommender, dataset: Dataset, user_row: int | None,
                                item_rows: np.ndarray, explanations: list[Explanation], *,
                                content: ItemContent | None = None, history_rows: np.ndarray | None = None,
                                steps: int = IG_STEPS) -> None:
    """Fill ``words``/``categories`` of each explanation (user known by row, or folded in from history)."""
    if not reads_content(model):
        return
    content = content if content is not None else dataset.content
    uvec = user_vectors(model, np.array([user_row]))[0] if user_row is not None else \
        folded_user_vector(model, np.asarray(history_rows))
    assert model.items is not None
    content_rows = content.items.rows(list(model.items.ids)) if content is not None else None
    for item_row, exp in zip(item_rows, explanations, strict=True):
        tokens, feats = _item_inputs(model, int(item_row))
        attribution = integrated_gradients(model, uvec, tokens.to(uvec.device), feats.to(uvec.device), steps)
        title = text = ""
        if content is not None and content_rows is not None and content_rows[item_row] >= 0:
            title, text = content.titles[content_rows[item_row]], content.texts[content_rows[item_row]]
        exp.words = words_in_text(title, text, attribution.token_weights)
        if not words_attributable(model) and NO_WORDS_NOTE not in exp.notes:
            exp.notes.append(NO_WORDS_NOTE)
        exp.categories = category_weights(model, feats, attribution.feature_weights)
        exp.content_score = attribution.score
        exp.content_baseline = attribution.baseline
