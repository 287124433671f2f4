"""The training job end to end: runs recorded as they go, cancel, failure, resume, saved + evaluated model."""

from __future__ import annotations

import numpy as np
import pytest

from tests.planted import load_stored, make_dataset
from workbench.core.progress import Cancelled, CancelToken
from workbench.errors import WorkbenchError
from workbench.evaluation.splits import SplitSpec
from workbench.store import models as model_store
from workbench.store import runs as run_store
from workbench.training.runner import build_config, train


@pytest.fixture
def tiny(db):
    return load_stored(db, make_dataset(db, "tiny"))


def test_ease_training_saves_model_run_and_evaluation(db, tiny) -> None:
    seen = []
    result = train(db, tiny, "ease", {"l2": "50"}, SplitSpec("user_ratio", seed=3), on_report=seen.append)
    assert len(result.reports) == 1 and seen == result.reports
    assert result.metrics["ndcg@10"] > 0.1 and "precision@10" in result.metrics
    info = model_store.get_model_info(db, result.model_id)
    assert info.name == "ease-tiny" and info.config["l2"] == 50.0
    assert info.split["kind"] == "user_ratio" and info.split["seed"] == 3
    assert info.summary["ndcg@10"] == pytest.approx(result.metrics["ndcg@10"])
    run = run_store.get_run(db, result.run_id)
    assert (run.status, run.model_id) == ("completed", result.model_id)
    assert (run.checkpoint_epoch, len(run.epochs)) == (1, 1)
    evals = model_store.list_evaluations(db, result.model_id)
    assert [(e.protocol, e.k) for e in evals] == [("split", 10)]


def test_mf_records_every_epoch_and_beats_the_mean(db, tiny) -> None:
    result = train(db, tiny, "mf", {"dim": "8", "learning_rate": "0.02", "patience": "0", "batch_size": "32"},
                   SplitSpec("random", seed=1), epochs=5)
    run = run_store.get_run(db, result.run_id)
    early = [e for e in run.epochs if not e.extra.get("refit")]
    refit = [e for e in run.epochs if e.extra.get("refit")]
    assert [e.epoch for e in early] == [1, 2, 3, 4, 5]
    assert all(e.metric_name == "rmse" and e.valid_metric is not None for e in early)
    # then the refit on training + validation for the best epoch count, recorded like any epoch; the
    # checkpoint stays the last early-stopped one (a resume restarts the refit)
    best = max(e.epoch for e in early if e.extra.get("is_best"))
    assert [e.epoch for e in refit] == [5 + k for k in range(1, best + 1)]
    assert all(e.valid_metric is None and e.train_loss is not None for e in refit)
    assert run.checkpoint_epoch == 5 and run.status == "completed"
    values = tiny.interactions.values
    assert result.metrics["rmse"] < float(np.std(values))  # learned the planted genre preference


def test_cancel_marks_the_run_cancelled_and_keeps_its_checkpoint(db, tiny) -> None:
    token = CancelToken()

    def stop_after_second(report) -> None:
        if report.epoch == 2:
            token.cancel()

    with pytest.raises(Cancelled):
        train(db, tiny, "mf", {"dim": "4", "patience": "0"}, epochs=20, cancel=token,
              on_report=stop_after_second)
    [run] = run_store.list_runs(db)
    assert (run.status, run.checkpoint_epoch, run.model_id) == ("cancelled", 2, None)
    assert model_store.list_models(db) == []
    # a cancelled run can be resumed to completion in the same row
    result = train(db, tiny, resume_run=run.id)
    assert result.run_id == run.id
    resumed = run_store.get_run(db, run.id)
    assert resumed.status == "completed" and resumed.model_id == result.model_id
    assert [e.epoch for e in resumed.epochs if not e.extra.get("refit")] == list(range(1, 21))


def test_on_run_started_names_the_run_before_training_also_on_resume(db, tiny) -> None:
    token = CancelToken()
    events: list[tuple[str, int]] = []

    def started(run_id: int) -> None:
        # the row already exists and is running when the caller hears of it; no epoch reported yet
        assert run_store.get_run(db, run_id).status == "running"
        events.append(("started", run_id))

    def report(r) -> None:
        if not r.extra.get("refit"):  # MF's refit on training + validation follows the last epoch
            events.append(("epoch", r.epoch))
        if r.epoch == 1:
            token.cancel()

    with pytest.raises(Cancelled):
        train(db, tiny, "mf", {"dim": "4", "patience": "0"}, epochs=3, cancel=token, on_report=report,
              on_run_started=started)
    [run] = run_store.list_runs(db)
    assert events == [("started", run.id), ("epoch", 1)]
    events.clear()
    result = train(db, tiny, resume_run=run.id, on_run_started=started, on_report=report)
    assert result.run_id == run.id
    assert events == [("started", run.id), ("epoch", 2), ("epoch", 3)]


def test_failing_on_run_started_callback_marks_the_run_failed(db, tiny) -> None:
    def boom(run_id: int) -> None:
        raise RuntimeError("listener broke")

    with pytest.raises(RuntimeError):
        train(db, tiny, "pop", {}, on_run_started=boom)
    [run] = run_store.list_runs(db)
    assert run.status == "failed" and "listener broke" in (run.error or "")


def test_failure_is_recorded_with_its_message(db, tiny) -> None:
    with pytest.raises(WorkbenchError, match="test_fraction"):
        train(db, tiny, "pop", split={"kind": "random", "test_fraction": 0.0})
    with pytest.raises(WorkbenchError):
        train(db, tiny, "mf", {"learning_rate": "1e30", "dim": "64"}, epochs=3)
    [run] = run_store.list_runs(db)
    assert run.status == "failed" and run.error


def test_unknown_setting_lists_the_known_keys() -> None:
    with pytest.raises(WorkbenchError, match=r"unknown setting 'nope'.*known: .*dim"):
        build_config("mf", {"nope": "1"})
    assert build_config("mf", {"dim": "16"}, epochs=7)["epochs"] == 7
    assert "epochs" not in build_config("ease", {}, epochs=7)


def test_an_auto_objective_is_recorded_as_the_one_trained(db, tiny) -> None:
    from tests.planted import make_dataset

    explicit = train(db, tiny, "mf", {"dim": "4", "patience": "0"}, epochs=1)
    implicit = train(db, make_dataset(db, "clicks", implicit=True), "mf", {"dim": "4", "patience": "0"},
                     epochs=1)
    configs = {r.id: r.config["objective"] for r in run_store.list_runs(db)}
    assert configs[explicit.run_id] == "rating" and configs[implicit.run_id] == "ranking"
