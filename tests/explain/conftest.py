"""Small synthetic data with a planted structure: two topics, users who mostly stay in one of them."""

from __future__ import annotations

import pytest

from tests.planted import topic_dataset
from workbench.core.interactions import Dataset

make_planted = topic_dataset  # the explanations' data


@pytest.fixture(scope="session")
def planted() -> Dataset:
    return make_planted()


@pytest.fixture(scope="session")
def planted_explicit() -> Dataset:
    return make_planted(explicit=True, seed=1)


_FITTED: dict[tuple[str, bool], object] = {}

FAST_SETTINGS = {
    "itemknn": {"neighbours": 20},
    "ease": {"l2": 10.0},
    "als": {"factors": 16},
    "mf": {"epochs": 15, "learning_rate": 0.01, "dim": 16, "l2": 0.02},
    "bpr": {"epochs": 15},
    "neumf": {"epochs": 8},
    "content": {"epochs": 8},
    "hybrid": {"epochs": 8},
    "autorec": {"epochs": 30, "hidden": 16, "learning_rate": 0.02, "l2": 1.0, "batch_size": 8},
}

#: families that train on explicit ratings only: their tests use ``planted_explicit``
RATING_ONLY = ("autorec",)


def data_for(family: str, planted: Dataset, planted_explicit: Dataset) -> Dataset:
    """The planted data set a family can train on (explicit ratings for rating-only families)."""
    return planted_explicit if family in RATING_ONLY else planted


def fitted_model(family: str, dataset: Dataset, settings: dict | None = None):
    """A model of ``family`` fitted on all of ``dataset`` (cached per family for the session)."""
    from workbench.models.base import config_from_dict
    from workbench.models.registry import FAMILIES, create_model

    key = (family, dataset.interactions.is_explicit)
    if settings is None and key in _FITTED:
        return _FITTED[key]
    cls = FAMILIES[family]
    wanted = dict(FAST_SETTINGS.get(family, {}))
    if family == "mf" and not dataset.interactions.is_explicit:
        wanted["objective"] = "ranking"  # implicit data: MF's rating objective does not apply
    wanted.update(settings or {})
    import dataclasses

    known = {f.name for f in dataclasses.fields(cls.Config)}
    wanted = {k: v for k, v in wanted.items() if k in known}
    config_from_dict(cls.Config, wanted)
    model = create_model(family, wanted)
    model.fit_all(dataset.interactions, content=dataset.content if model.uses_content else None)
    if settings is None:
        _FITTED[key] = model
    return model
