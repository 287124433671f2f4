"""Automatic early-stopping patience: the content family waits longer for a gain where its validation metric
is averaged over few users (and so noisy), and a patience the user sets is kept as set."""

from __future__ import annotations

import pytest

from tests.planted import planted
from workbench.evaluation.splits import SplitSpec, make_split
from workbench.models import torch_base
from workbench.models.registry import create_model

SMALL = {"epochs": 2, "dim": 8, "word_dim": 4, "filters": 4, "seed": 0}


def _fit(settings: dict[str, object]) -> dict[str, object]:
    data = planted(40, 30, 8, stray=0, explicit=False)
    parts = make_split(data.interactions(), SplitSpec("user_ratio", test_fraction=0.2, valid_fraction=0.2,
                                                      seed=0))
    model = create_model("content", {**SMALL, **settings})
    reports = list(model.fit(parts.train, content=data.content(), valid=parts.valid))
    assert reports and reports[0].extra["valid_users"] == 40  # every user has a validation interaction
    return model.meta


def test_content_waits_longer_on_a_small_validation_part(monkeypatch: pytest.MonkeyPatch) -> None:
    assert create_model("content", {}).config.patience == -1  # the default adapts
    assert _fit({})["patience"] == torch_base.NOISY_PATIENCE == 6
    monkeypatch.setattr(torch_base, "NOISY_VALIDATION_USERS", 40)  # 40 users now count as many
    assert _fit({})["patience"] == torch_base.QUIET_PATIENCE == 3


def test_a_set_patience_is_kept() -> None:
    assert _fit({"patience": 2})["patience"] == 2
    assert _fit({"patience": 0})["patience"] == 0
