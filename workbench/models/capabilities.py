"""Capabilities a model family may declare by implementing small runtime-checkable protocols.

Code outside ``workbench/models`` asks ``isinstance(model, ExplainsHistory)`` (or ``capabilities(model)``)
instead of reading private attributes or comparing family names; adding a family is its module plus one
registry line. Each capability has one implementation, in the family that declares it; ``explain/`` only
orchestrates (and falls back to a declared-approximate leave-one-out where a family declares no split).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol, runtime_checkable

import numpy as np

from workbench.models.base import Recommender


@dataclass
class HistoryAttribution:
    """How much each history item contributed to the history score of each target item.

    ``contributions`` is ``(len(history), len(targets))``; ``base`` is what the history does not explain
    (biases, the empty-history score, clipping); ``full_scores`` the score being split. When ``exact``,
    ``base + contributions.sum(axis=0) == full_scores`` (to rounding). ``method`` says for people how the
    split was obtained and how exact it is.
    """

    contributions: np.ndarray
    method: str
    exact: bool
    full_scores: np.ndarray
    base_scores: np.ndarray


@dataclass
class ContentAttribution:
    """Integrated-gradients attribution of an item's content part for one user vector.

    ``token_weights`` follow the item's tokens in text order (empty for encoders that read the text
    whole); ``categories`` are feature weights by name (``category:Drama`` becomes ``Drama``);
    ``sum(tokens) + sum(categories) ~= score - baseline``.
    """

    token_weights: np.ndarray
    categories: dict[str, float]
    score: float  # the content part F(item)
    baseline: float  # F with every word and category embedding zero
    words_attributable: bool = True


@runtime_checkable
class FoldsInUser(Protocol):
    """Scores a new user from a few items, without retraining."""

    def fold_in_user(self, item_rows: np.ndarray, values: np.ndarray | None = None) -> np.ndarray:
        """Scores over all items for a new user who interacted with ``item_rows`` (ratings ``values``)."""
        ...


@runtime_checkable
class ExplainsHistory(Protocol):
    """Splits the fold-in score of a history over its items, with its own (declared) exactness."""

    def explain_history(self, item_rows: np.ndarray, values: np.ndarray | None, targets: np.ndarray
                        ) -> HistoryAttribution:
        """Contributions of each of ``item_rows`` (a history) to the fold-in score of each target."""
        ...

    def history_score(self, item_rows: np.ndarray, values: np.ndarray | None,
                      targets: np.ndarray | None = None) -> np.ndarray:
        """The score ``explain_history`` splits (for a rating model that clips, before clipping)."""
        ...


class FoldInHistoryScore:
    """``history_score`` for a family whose explained score is its fold-in's (``FoldsInUser``)."""

    def history_score(self, item_rows: np.ndarray, values: np.ndarray | None,
                      targets: np.ndarray | None = None) -> np.ndarray:
        """The fold-in scores of the history (of ``targets`` only, when given)."""
        assert isinstance(self, FoldsInUser), "the fold-in score needs fold_in_user"
        scores = self.fold_in_user(item_rows, values).astype(np.float64)
        return scores if targets is None else scores[np.asarray(targets, dtype=np.int64)]


@runtime_checkable
class SplitsScore(Protocol):
    """Names the parts of a score (biases, collaborative, content ...); the parts sum to ``score``."""

    def score_parts(self, user_row: int, item_rows: np.ndarray) -> dict[str, np.ndarray]:
        """Named parts of the scores of one known user for ``item_rows``."""
        ...


@runtime_checkable
class HasItemBiases(Protocol):
    """Learns one bias per item."""

    def item_biases(self) -> np.ndarray:
        """The learned bias of every item row."""
        ...


@runtime_checkable
class HasItemItemWeights(Protocol):
    """Scores through an item x item weight matrix (item-kNN similarities, EASE weights)."""

    def item_item_weights(self) -> np.ndarray:
        """Dense items x items weights: row h, column i is what history item h adds to item i."""
        ...


@runtime_checkable
class EncodesNewItem(Protocol):
    """Encodes and scores an item never seen in training, from its description."""

    def encode_new_item(self, title: str, text: str = "", categories: list[str] | tuple[str, ...] = (),
                        attributes: dict[str, str] | None = None) -> np.ndarray:
        """Content vector of a new item, comparable with ``content_embeddings()``."""
        ...

    def score_new_item(self, title: str, text: str = "", categories: list[str] | tuple[str, ...] = (),
                       attributes: dict[str, str] | None = None) -> np.ndarray:
        """Scores of every known user for the new item."""
        ...

    def content_embeddings(self) -> np.ndarray:
        """Content-only vectors of the catalogue's items."""
        ...


@runtime_checkable
class AttributesContent(Protocol):
    """Attributes the content part of a score to the item's words and categories."""

    def attribute_content(self, item_row: int, *, user_row: int | None = None,
                          history_rows: np.ndarray | None = None, steps: int = 32) -> ContentAttribution:
        """Attribution for a known user (``user_row``) or a new one folded in from ``history_rows``.

        Must be safe to call while other threads score the same model (no hooks, no shared gradients).
        """
        ...


@runtime_checkable
class ReadsSequence(Protocol):
    """A model that reads each user's history as a time-ordered sequence and can say what it attended to."""

    def user_sequence(self, user_row: int) -> np.ndarray:
        """The item rows the model reads for a known user, oldest first."""
        ...

    def attention(self, user_row: int | None = None, history_rows: np.ndarray | None = None
                  ) -> tuple[np.ndarray, np.ndarray]:
        """(history item rows oldest first, attention weight of each; the weights sum to 1)."""
        ...


@runtime_checkable
class ReadsTextVectors(Protocol):
    """A model whose text encoder reads pretrained sentence vectors of item texts (cached by the store)."""

    def wants_text_vectors(self) -> bool:
        """Whether this configuration reads them (e.g. ``text_encoder = pretrained``)."""
        ...

    def use_text_vectors(self, encoder: str, version: str, vectors: np.ndarray) -> None:
        """Vectors of the item content rows to train on, instead of embedding the texts in ``fit``."""
        ...


#: capability name -> protocol, for the GUI and the CLI to list what a model can do
CAPABILITIES: dict[str, type] = {
    "fold_in": FoldsInUser,
    "history_attribution": ExplainsHistory,
    "score_parts": SplitsScore,
    "item_biases": HasItemBiases,
    "item_item_weights": HasItemItemWeights,
    "new_items": EncodesNewItem,
    "content_attribution": AttributesContent,
    "attention": ReadsSequence,
    "text_vectors": ReadsTextVectors,
}


def capabilities(model: Recommender) -> set[str]:
    """Names of the capabilities a fitted ``model`` declares (``item_vectors`` when it has item embeddings,
    ``history`` when its scores depend on the user's history)."""
    found = {name for name, protocol in CAPABILITIES.items() if isinstance(model, protocol)}
    if model.item_embeddings() is not None:
        found.add("item_vectors")
    if model.reads_history:
        found.add("history")
    return found
