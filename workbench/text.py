"""Tokenising item text and the vocabularies the content models learn from training items.

Chinese (and other Han-script) text has no spaces between words, so a ``\\w+`` run would make a whole
sentence one token: runs of Han characters are segmented into words by jieba (the segmenter Chinese shops
already use); everything else is split into lower-cased ``\\w+`` runs. Mixed text keeps both, in order.
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np

_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
#: a run of Han characters, or a run of other word characters (letters, digits, underscore)
_TOKEN = re.compile(rf"([{_HAN}]+)|([^\W{_HAN}]+)", re.UNICODE)
PAD, UNK = 0, 1


@lru_cache(maxsize=1)
def _segmenter() -> Any:
    """jieba's default tokenizer, loaded once on first Chinese text (its dictionary takes ~1 s)."""
    import jieba

    jieba.setLogLevel(logging.WARNING)
    return jieba.Tokenizer()


@lru_cache(maxsize=65536)
def _segment(run: str) -> tuple[str, ...]:
    # HMM off: words outside the dictionary stay split into known words, so the same phrase always gives
    # the same tokens whatever surrounds it
    return tuple(w for w in _segmenter().cut(run, HMM=False) if w.strip())


def tokenize(text: str) -> list[str]:
    """Lower-cased word tokens: ``\\w+`` runs, with Han-character runs segmented into words by jieba."""
    if not text:
        return []
    out: list[str] = []
    for match in _TOKEN.finditer(text.lower()):
        han, other = match.groups()
        if han:
            out.extend(_segment(han))
        else:
            out.append(other)
    return out


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
