"""The model families by name, and building models from settings or persisted artifacts."""

from __future__ import annotations

from typing import Any

from workbench.errors import WorkbenchError
from workbench.models.als import ALSModel
from workbench.models.autorec import AutoRecModel
from workbench.models.base import ModelArtifact, Recommender
from workbench.models.baselines import EASEModel, ItemKNNModel, PopularityModel
from workbench.models.bpr import BPRModel
from workbench.models.content import ContentModel
from workbench.models.hybrid import HybridModel
from workbench.models.mf import BiasedMF
from workbench.models.neumf import NeuMFModel
from workbench.models.sasrec import SASRecModel

FAMILIES: dict[str, type[Recommender]] = {
    "pop": PopularityModel,
    "itemknn": ItemKNNModel,
    "ease": EASEModel,
    "mf": BiasedMF,
    "bpr": BPRModel,
    "neumf": NeuMFModel,
    "content": ContentModel,
    "hybrid": HybridModel,
    "autorec": AutoRecModel,
    "als": ALSModel,
    "sasrec": SASRecModel,
}


def family_class(family: str) -> type[Recommender]:
    """The class of ``family``; unknown names raise ``WorkbenchError`` listing the known ones."""
    try:
        return FAMILIES[family]
    except KeyError:
        raise WorkbenchError(f"unknown model family '{family}' (known: {', '.join(FAMILIES)})") from None


def create_model(family: str, settings: dict[str, Any] | None = None) -> Recommender:
    """A fresh, unfitted model of ``family`` configured from ``settings`` (strings are converted)."""
    cls = family_class(family)
    return cls(cls.config_of(settings or {}))


def model_from_artifact(artifact: ModelArtifact) -> Recommender:
    """Rebuild a fitted model from its artifact."""
    return family_class(artifact.family).from_artifact(artifact)
