"""Which words and categories of an item drove the content part of its score.

The model computes the attribution itself (``AttributesContent``: integrated gradients of the
item-dependent content part ``u . content(item) + content_bias(item)``, from a baseline where every word
and category embedding is zero; completeness ``sum(words) + sum(categories) ~= score - baseline``). This
module places the token weights on the item's title and text for highlighting.
"""

from __future__ import annotations

import numpy as np

from workbench.core.interactions import Dataset, ItemContent
from workbench.explain.types import Explanation, WordWeight
from workbench.models.base import Recommender
from workbench.models.capabilities import AttributesContent
from workbench.text import tokenize

#: integration steps (one batch); 32 midpoints keep the completeness gap small for a ReLU/max-pool CNN
IG_STEPS = 32

#: said instead of word highlights for encoders that read the text whole
NO_WORDS_NOTE = ("word attributions are not available for the pretrained sentence encoder (it reads the "
                 "item text as a whole); categories are still attributed by integrated gradients")


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


def attach_content_attributions(model: Recommender, dataset: Dataset, user_row: int | None,
                                item_rows: np.ndarray, explanations: list[Explanation], *,
                                content: ItemContent | None = None, history_rows: np.ndarray | None = None,
                                steps: int = IG_STEPS) -> None:
    """Fill ``words``/``categories`` of each explanation (user known by row, or folded in from history);
    models that do not attribute content are left as they are."""
    if not isinstance(model, AttributesContent):
        return
    assert model.items is not None, "model is not fitted"
    content = content if content is not None else dataset.content
    content_rows = content.items.rows(list(model.items.ids)) if content is not None else None
    for item_row, exp in zip(item_rows, explanations, strict=True):
        attribution = model.attribute_content(int(item_row), user_row=user_row, history_rows=history_rows,
                                              steps=steps)
        title = text = ""
        if content is not None and content_rows is not None and content_rows[item_row] >= 0:
            title, text = content.titles[content_rows[item_row]], content.texts[content_rows[item_row]]
        exp.words = words_in_text(title, text, attribution.token_weights)
        if not attribution.words_attributable and NO_WORDS_NOTE not in exp.notes:
            exp.notes.append(NO_WORDS_NOTE)
        exp.categories = dict(attribution.categories)
        exp.content_score = attribution.score
        exp.content_baseline = attribution.baseline
