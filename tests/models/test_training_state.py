"""predicts_ratings, and resuming with the optimiser state and the early-stopping bookkeeping."""

from __future__ import annotations

import numpy as np
import pytest
from safetensors.torch import load as st_load
from safetensors.torch import save as st_save

from tests.models.test_contract import FAST, planted
from workbench.models.base import ModelArtifact
from workbench.models.registry import FAMILIES, create_model


@pytest.mark.parametrize("family", list(FAMILIES))
def test_predicts_ratings_follows_objective(family: str) -> None:
    model = create_model(family)
    assert model.predicts_ratings is (family in ("mf", "autorec"))
    if family in ("mf", "neumf", "hybrid"):
        assert create_model(family, {"objective": "rating"}).predicts_ratings is True
        assert create_model(family, {"objective": "ranking"}).predicts_ratings is False


def test_checkpoint_carries_optimiser_and_early_stopping_state() -> None:
    train, valid, _ = planted()
    settings = dict(FAST["mf"], epochs=6, patience=0, refit=False)
    model = create_model("mf", settings)
    gen = model.fit(train, valid=valid)
    reports = [next(gen) for _ in range(3)]
    art = model.to_artifact()
    state = art.meta["train_state"]
    best = max((r for r in reports if r.is_best), key=lambda r: r.epoch)
    assert state["best_epoch"] == best.epoch
    assert state["best_metric"] == pytest.approx(best.valid_metric)
    assert state["bad_epochs"] == 3 - best.epoch
    assert any(k.startswith("opt.") and k.endswith("exp_avg") for k in art.tensors)
    assert any(k.startswith("best.") for k in art.tensors)
    art = ModelArtifact(art.family, art.config, art.users, art.items, art.meta,
                        st_load(st_save(art.tensors)))
    list(gen)  # the uninterrupted run
    assert "train_state" not in model.to_artifact().meta  # finished models stay lean
    resumed = create_model("mf", settings)
    out = list(resumed.fit(train, valid=valid, resume_from=art))
    assert [r.epoch for r in out] == [4, 5, 6]
    # the early-stopping memory came along: a resumed epoch is "best" only if it beats the stored best
    for r in out:
        if r.is_best:
            assert r.valid_metric < state["best_metric"]
            break
        assert r.extra["best_epoch"] == state["best_epoch"]
    # and the Adam moments: a fresh optimiser takes the saved step count and moments
    import torch

    opt = torch.optim.Adam(resumed.module.parameters())
    restored = resumed._restore_training_state(art, opt)
    assert restored.best_epoch == state["best_epoch"] and restored.best_state is not None
    moments = opt.state_dict()["state"][0]
    assert float(moments["step"]) == float(art.tensors["opt.0.step"])
    assert torch.equal(moments["exp_avg"], art.tensors["opt.0.exp_avg"])
    assert np.isfinite(resumed.score(np.arange(5))).all()


@pytest.mark.parametrize("family", ["mf", "autorec"])
def test_refit_epochs_are_reported_after_the_early_stopped_ones(family: str) -> None:
    """The refit on training + validation reports its epochs like any other (numbered after them, marked
    refit, no validation score), so a run's curves show all the training that made the model."""
    from workbench.models.torch_base import REFIT

    train, valid, _ = planted()
    settings = dict(FAST[family], epochs=5, patience=0, refit=True)
    reports = create_model(family, settings).fit_all(train, valid=valid)
    early = [r for r in reports if not r.extra.get(REFIT)]
    refit = [r for r in reports if r.extra.get(REFIT)]
    assert [r.epoch for r in early] == [1, 2, 3, 4, 5]
    best = max((r for r in early if r.is_best), key=lambda r: r.epoch).epoch
    assert [r.epoch for r in refit] == [5 + k for k in range(1, best + 1)]
    assert all(r.valid_metric is None and r.train_loss is not None for r in refit)
    without = create_model(family, dict(settings, refit=False)).fit_all(train, valid=valid)
    assert not any(r.extra.get(REFIT) for r in without)
