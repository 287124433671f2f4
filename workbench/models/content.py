"""The content-based family: items from their text and categories alone (the encoder of
``content_base.py``), users as the projected mean of their history items' vectors."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from workbench.models.base import ModelConfig, param
from workbench.models.content_base import ContentEncoderConfig, ContentRecommender


@dataclass(frozen=True)
class ContentConfig(ContentEncoderConfig):
    """The content family reads the encoder's settings only; its early stopping adapts to the validation
    part, since content vectors improve by small steps that a small validation part's noise can hide."""

    patience: int = param(-1, "epochs without validation improvement before stopping (0: never; -1: 6 when "
                          "validation ranks fewer than 2,000 users, whose metric is noisy, else 3)", min=-1)


class ContentModel(ContentRecommender[ContentConfig]):
    """Content-based deep model: items from their text and categories, users from their history."""

    family: ClassVar[str] = "content"
    history_method: ClassVar[str] = ("exact: user = mean of the history items' vectors; term = projected "
                                     "vector of h . item vector")
    Config: ClassVar[type[ModelConfig]] = ContentConfig
    description: ClassVar[str] = ("Content-based: text CNN or GRU over title/description + category "
                                  "embeddings")
