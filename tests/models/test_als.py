"""ALS beyond the contract: per-iteration reports, data-adapted defaults, implicit's explanations."""

from __future__ import annotations

import numpy as np

from tests.models.test_contract import N_GROUPS, N_ITEMS, planted
from tests.planted import make_dataset
from workbench.models.als import AUTO_REGULARIZATION_SHARE, ALSConfig, ALSModel
from workbench.models.registry import create_model, model_from_artifact
from workbench.store import models as model_store
from workbench.store import runs
from workbench.store.schema import TrainingRunRow
from workbench.training.runner import train


def _fit(**settings):
    train, test, _ = planted()
    model = create_model("als", {"factors": 8, **settings})
    reports = model.fit_all(train, valid=test)
    return model, reports, train


def test_reports_every_iteration_with_validation_and_keeps_the_best() -> None:
    model, reports, _ = _fit(iterations=6, patience=0)
    assert [r.epoch for r in reports] == list(range(1, 7))
    assert all(r.metric_name == "ndcg@10" and r.valid_metric is not None for r in reports)
    assert all(r.train_loss is not None and np.isfinite(r.train_loss) for r in reports)
    assert all(r.samples_per_s and r.samples_per_s > 0 for r in reports)
    best = max(reports, key=lambda r: r.valid_metric or 0.0)
    assert best.is_best and reports[-1].extra["best_epoch"] == best.epoch
    # the best iteration's factors are the ones kept: the same as training exactly that long
    shorter, _, _ = _fit(iterations=best.epoch, patience=0)
    np.testing.assert_array_equal(model.score(np.arange(10)), shorter.score(np.arange(10)))


def test_regularization_adapts_to_the_confidence_mass_of_a_user() -> None:
    model, _, train = _fit(iterations=2)
    x = train.to_csr()
    confidence = 1.0 + ALSConfig().alpha * x.data / x.data.mean()
    expected = AUTO_REGULARIZATION_SHARE * confidence.sum() / x.shape[0]
    assert np.isclose(model.regularization, expected, rtol=1e-4)
    fixed, _, _ = _fit(iterations=2, regularization=7.0)
    assert fixed.regularization == 7.0
    again = model_from_artifact(model.to_artifact())  # the resolved value travels with the weights
    assert again.regularization == model.regularization and again.value_mean == model.value_mean


def test_history_contributions_are_implicits_explain_and_sum_to_the_folded_in_score() -> None:
    model, _, train = _fit(iterations=15)
    assert isinstance(model, ALSModel)
    user = 5
    rows = train.user_idx == user
    hist, values = train.item_idx[rows], train.values[rows]
    target = next(i for i in range(N_ITEMS) if i % N_GROUPS == user % N_GROUPS and i not in hist)
    split = model.explain_history(hist, values, np.array([target]))
    contributions, items = split.contributions[:, 0], hist
    assert split.exact and "implicit" in split.method
    folded = model.fold_in_user(hist, values)
    np.testing.assert_allclose(contributions.sum(), folded[target], rtol=1e-3, atol=1e-4)
    # items of the user's own group explain a same-group target more than the others do
    own = items % N_GROUPS == user % N_GROUPS
    assert contributions[own].mean() > contributions[~own].mean()
    # folding in a known user's history reproduces the trained ranking
    trained = model.score(np.array([user]))[0]
    assert np.corrcoef(trained, folded)[0, 1] > 0.98


def test_a_run_records_each_iteration_and_resumes_from_its_checkpoint(db) -> None:
    make_dataset(db, "shop", implicit=True)
    first = train(db, "shop", "als", {"factors": "8", "iterations": "3", "patience": "0"}, device="cpu")
    run = runs.get_run(db, first.run_id)
    assert [e.epoch for e in run.epochs] == [1, 2, 3] and run.checkpoint_epoch == 3
    assert all(e.metric_name == "ndcg@10" for e in run.epochs)
    model, info = model_store.load_model(db, first.model_id)
    assert info.family == "als"
    assert model.explain_history(model.training_history(0), None, np.array([1])).exact

    # a resumed run starts from the checkpoint's factors and continues the iteration count
    runs.finish_run(db, first.run_id, "cancelled")
    with db.session() as session:
        session.get(TrainingRunRow, first.run_id).config = {**run.config, "iterations": 5}
    resumed = train(db, None, resume_run=first.run_id, device="cpu")
    assert [r.epoch for r in resumed.reports] == [1, 2, 3, 4, 5]
