"""Tokenising item text and the vocabularies the content models learn from training items."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

_TOKEN = re.compile(r"\w+", re.UNICODE)
PAD, UNK = 0, 1


def tokenize(text: str) -> list[str]:
    """Lower-cased word tokens (letters, digits, underscore runs)."""
    return _TOKEN.findall(text.lower()) if text else []


@dataclass(frozen=True)
class Vocabulary:
    """Tokens in row order; row 0 is padding and row 1 stands for unknown tokens."""

    tokens: tuple[str, ...]

    @classmethod
    def build(cls, documents: Iterable[Sequence[str]], min_count: int = 1,
              max_size: int = 50000) -> Vocabulary:
        """The ``max_size`` most frequent tokens seen at least ``min_count`` times (ties by name)."""
        counts = Counter(tok for doc in documents for tok in doc)
        kept = sorted((t for t, c in counts.items() if c >= min_count), key=lambda t: (-counts[t], t))
        return cls(("<pad>", "<unk>", *kept[:max_size]))

    def __len__(self) -> int:
        return len(self.tokens)

    def lookup(self) -> dict[str, int]:
        return {t: i for i, t in enumerate(self.tokens)}

    def encode(self, documents: Sequence[Sequence[str]], max_len: int) -> np.ndarray:
        """``(len(documents), L)`` int64 rows, padded with 0, truncated to ``max_len`` (L >= 1)."""
        table = self.lookup()
        length = max(1, min(max_len, max((len(d) for d in documents), default=1)))
        out = np.zeros((len(documents), length), dtype=np.int64)
        for r, doc in enumerate(documents):
            ids = [table.get(t, UNK) for t in doc[:length]]
            out[r, :len(ids)] = ids
        return out
