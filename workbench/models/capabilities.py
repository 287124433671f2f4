"""Capabilities a model family may declare by implementing small runtime-checkable protocols.

Code outside ``workbench/models`` asks ``isinstance(model, ReadsSequence)`` instead of reading private
attributes or comparing family names.
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

import numpy as np


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
