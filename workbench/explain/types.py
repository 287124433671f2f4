"""The explanation of one (user, item) score, as plain data the CLI prints and the GUI draws."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass
class HistoryContribution:
    """How much one of the user's own training interactions raised the target item's score."""

    item: str
    title: str
    contribution: float
    value: float = 1.0  # the rating or implicit weight of that interaction


@dataclass
class WordWeight:
    """One token of the item's title or text with its attribution (text order, for highlighting)."""

    word: str
    weight: float
    field: str = "text"  # "title" or "text"
    start: int = -1  # character offset in that field, -1 when the token could not be located
    end: int = -1


@dataclass
class AttentionWeight:
    """How much a sequence model's prediction attended to one earlier item of the user's history."""

    item: str
    title: str
    weight: float
    position: int  # 0 = the oldest item the model read


@dataclass
class Explanation:
    """Why ``model`` scores ``item`` as it does for ``user``.

    - ``parts`` (name -> value) sum to ``score`` within 1e-4 (biases, collaborative, content parts).
    - ``history`` are the user's training items, largest contribution first; ``history_method`` says how
      the contributions were computed and ``history_exact`` whether they sum exactly to ``history_total``
      (the part of the score that the history explains, see ``history_target``).
    - ``attention`` is present only for sequence models: the weight the prediction gave each history item
      (oldest first, summing to 1); the same prediction ranks every item, so it is shared by all of them.
    - ``words``/``categories`` are present only for models that read content: integrated-gradients
      attributions of the item's content part (``content_baseline`` is the content part with an empty item,
      so ``sum(words) + sum(categories) ~= content_score - content_baseline``).
    """

    user: str
    item: str
    title: str
    score: float
    parts: dict[str, float]
    history: list[HistoryContribution] = field(default_factory=list)
    history_method: str = ""
    history_exact: bool = False
    history_target: str = ""  # which quantity the contributions explain (e.g. "collaborative")
    history_total: float | None = None
    words: list[WordWeight] | None = None
    categories: dict[str, float] | None = None
    content_score: float | None = None
    content_baseline: float | None = None
    attention: list[AttentionWeight] | None = None
    notes: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        """JSON-safe dict; ``words``/``categories`` only when the model reads content, ``attention`` only
        for sequence models."""
        out = asdict(self)
        for key in ("words", "categories", "content_score", "content_baseline", "attention"):
            if out[key] is None:
                del out[key]
        return out
