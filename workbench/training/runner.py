"""One training job end to end: dataset -> split -> model -> epochs (recorded) -> saved model -> evaluation.

``train`` is a plain function for a GUI worker thread, the CLI and the tests: callbacks are plain
functions called on the calling thread, every database access is a short session, and a ``CancelToken``
stops it cleanly (the run is recorded as cancelled, its last checkpoint kept).
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from workbench.core.interactions import Dataset
from workbench.core.progress import Cancelled, CancelToken
from workbench.errors import WorkbenchError
from workbench.evaluation.splits import Split, SplitSpec, make_split
from workbench.models.base import BatchCallback, EpochReport, Recommender, config_from_dict
from workbench.models.capabilities import ReadsTextVectors
from workbench.models.registry import create_model, family_class
from workbench.models.torch_base import NO_CHECKPOINT, REFIT
from workbench.store import models as model_store
from workbench.store import runs as run_store
from workbench.store.artifacts import artifact_from_bytes, artifact_to_bytes
from workbench.store.db import Database

ReportCallback = Callable[[EpochReport], None]
#: metric cut-off of the evaluation stored with every trained model
EVAL_K = 10


@dataclass
class TrainResult:
    """What a finished training job produced."""

    model_id: int
    run_id: int
    reports: list[EpochReport] = field(default_factory=list)
    metrics: dict[str, float] = field(default_factory=dict)
    model_name: str = ""
    elapsed_s: float = 0.0
    notes: list[str] = field(default_factory=list)  # caveats about how the model read the data


def build_config(family: str, settings: dict[str, Any] | None = None, epochs: int | None = None,
                 seed: int | None = None) -> dict[str, Any]:
    """The full, validated config of ``family`` as a JSON-safe dict.

    ``settings`` values may be strings (``--set key=value``); unknown keys raise ``WorkbenchError`` listing
    the known ones. ``epochs`` and ``seed`` override those fields when the config has them.
    """
    cls = family_class(family)
    values = dict(settings or {})
    names = {f.name for f in dataclasses.fields(cls.Config)}
    if epochs is not None and "epochs" in names:
        values["epochs"] = epochs
    if seed is not None and "seed" in names and "seed" not in values:
        values["seed"] = seed
    config = config_from_dict(cls.Config, values)
    return json_config(config)


def json_config(config: Any) -> dict[str, Any]:
    """A config dataclass as plain JSON values (tuples become lists)."""
    import json

    return json.loads(json.dumps(dataclasses.asdict(config)))


def _load_dataset(db: Database, dataset: Dataset | int | str) -> Dataset:
    if isinstance(dataset, Dataset):
        if dataset.dataset_id is None:
            raise WorkbenchError("the dataset must be stored in the database before training on it")
        return dataset
    from workbench.store.datasets import load_dataset

    return load_dataset(db, dataset)


def _split_spec(split: SplitSpec | dict[str, Any] | None) -> SplitSpec:
    if split is None:
        return SplitSpec()
    if isinstance(split, SplitSpec):
        return split
    return SplitSpec.from_dict(dict(split))


def train(db: Database, dataset: Dataset | int | str | None, family: str | None = None,
          settings: dict[str, Any] | None = None, split: SplitSpec | dict[str, Any] | None = None, *,
          epochs: int | None = None, device: str = "auto", cancel: CancelToken | None = None,
          on_report: ReportCallback | None = None, on_batch: BatchCallback | None = None,
          resume_run: int | None = None, name: str | None = None,
          evaluate_k: int = EVAL_K, on_run_started: Callable[[int], None] | None = None) -> TrainResult:
    """Train ``family`` on ``dataset`` (a loaded ``Dataset``, an id or a name), record it, save the model.

    The split is seeded and stored with the model. Each epoch's report is recorded with a checkpoint, then
    passed to ``on_report``. On success the model is saved, evaluated on the test part (``k`` =
    ``evaluate_k``), and the run completed. ``Cancelled`` marks the run cancelled (checkpoint kept) and is
    re-raised; any other error marks it failed with the message and is re-raised.

    ``resume_run``: continue an interrupted/cancelled/failed run from its checkpoint in the same run row
    (its dataset, family, config and split are used; ``family``, ``settings``, ``split`` and ``epochs`` are
    ignored; ``dataset`` may be None, or the already loaded ``Dataset`` of that run).

    ``on_run_started(run_id)`` is called once the run row exists (created, or claimed for a resume), before
    any training, so a caller can follow the run from its first batch.
    """
    from workbench.core.device import describe_device, resolve_device

    resolved = resolve_device(device)
    device_label = describe_device(resolved)
    if resolved != "cpu":
        device_label = f"{resolved}: {device_label}"
    resume_from = None
    previous_elapsed = 0.0
    prior_reports: list[EpochReport] = []
    if resume_run is not None:
        run = run_store.get_run(db, resume_run)
        data = dataset if isinstance(dataset, Dataset) and dataset.dataset_id == run.dataset_id \
            else _load_dataset(db, run.dataset_id)
        _require_memory(run.family, run.config, data)
        run = run_store.claim_run(db, resume_run, device_label)
        run_id = run.id
        family = run.family
        config = run.config
        spec = _split_spec(run.split)
        checkpoint = run_store.load_checkpoint(db, run_id)
        assert checkpoint is not None  # claim_run refuses runs without one
        resume_from = artifact_from_bytes(checkpoint[0])
        resume_from.meta.setdefault("epoch", checkpoint[1])
        previous_elapsed = run.elapsed_s
        prior_reports = [EpochReport(epoch=e.epoch, train_loss=e.train_loss, valid_loss=e.valid_loss,
                                     valid_metric=e.valid_metric, metric_name=e.metric_name,
                                     elapsed_s=e.elapsed_s, samples_per_s=e.samples_per_s,
                                     is_best=bool(e.extra.get("is_best")),
                                     extra={k: v for k, v in e.extra.items() if k != "is_best"})
                         for e in run.epochs]
    else:
        if family is None:
            raise WorkbenchError("choose a model family to train")
        if dataset is None:
            raise WorkbenchError("choose a dataset to train on")
        data = _load_dataset(db, dataset)
        config = build_config(family, settings, epochs)
        if config.get("objective") == "auto":
            # recorded as trained: the run, its curves and a later resume all read the concrete objective
            config["objective"] = "rating" if data.interactions.is_explicit else "ranking"
        spec = _split_spec(split)
        assert data.dataset_id is not None
        _require_memory(family, config, data)  # refused before anything is written
        run_id = run_store.create_run(db, data.dataset_id, family, config, spec.to_dict(), device_label)

    assert data.dataset_id is not None and family is not None
    started = time.perf_counter()
    reports: list[EpochReport] = list(prior_reports)

    def elapsed() -> float:
        return previous_elapsed + time.perf_counter() - started

    # a cancel recorded in the database (from any workstation) stops the run like a local one
    watch = run_store.RunCancelWatch(db, run_id, cancel)
    cancel = watch
    try:
        if on_run_started is not None:  # inside the try: a failing callback still closes the run
            on_run_started(run_id)
        parts = make_split(data.interactions, spec)
        model = create_model(family, config)
        if isinstance(model, ReadsTextVectors) and model.wants_text_vectors() and data.content is not None:
            # embedded once per dataset and encoder, then read back from the store (changed texts again)
            from workbench.store.embeddings import item_text_vectors

            ident, vectors, _ = item_text_vectors(db, data.dataset_id, data.content, device=resolved,
                                                  cancel=cancel)
            model.use_text_vectors(ident.name, ident.version, vectors)
        fit_kwargs: dict[str, Any] = {"content": data.content, "valid": parts.valid, "device": resolved,
                                      "cancel": cancel, "on_batch": on_batch}
        if resume_from is not None:
            fit_kwargs["resume_from"] = resume_from
        for report in model.fit(parts.train, **fit_kwargs):
            saved: bytes | None = None
            # a refit epoch is recorded (resuming restarts the refit); a Gibbs sweep cannot resume at all
            if not report.extra.get(REFIT) and not report.extra.get(NO_CHECKPOINT):
                artifact = model.to_artifact()
                artifact.meta["epoch"] = report.epoch
                saved = artifact_to_bytes(artifact)
            run_store.record_epoch(db, run_id, report, checkpoint=saved, elapsed_s=elapsed())
            reports.append(report)
            if on_report is not None:
                on_report(report)
            watch.check_now()  # between epochs, whatever the batch-level polling saw
            watch.raise_if_cancelled()
        cancel.raise_if_cancelled()
        model_id = model_store.save_model(db, model, data.dataset_id, name, spec.to_dict(),
                                          summary=_train_summary(reports, elapsed(), model.training_notes()))
        metrics = evaluate_on_split(model, data, parts, evaluate_k, cancel=cancel)
        if metrics:
            model_store.record_evaluation(db, model_id, "split", evaluate_k, metrics)
            model_store.update_summary(db, model_id, metrics)
        run_store.finish_run(db, run_id, "completed", elapsed_s=elapsed(), model_id=model_id)
    except Cancelled:
        reason = ("cancelled from another workstation" if watch.remote else "cancelled by the user")
        run_store.finish_run(db, run_id, "cancelled", elapsed_s=elapsed(), error=reason)
        raise
    except KeyboardInterrupt:
        run_store.finish_run(db, run_id, "cancelled", elapsed_s=elapsed(), error="interrupted (Ctrl+C)")
        raise
    except Exception as exc:  # any failure ends the run as "failed" in the store (then goes on up), so no run
        run_store.finish_run(db, run_id, "failed", elapsed_s=elapsed(),  # is left "running" for ever
                             error=str(exc) or type(exc).__name__)
        raise
    info = model_store.get_model_info(db, model_id)
    return TrainResult(model_id=model_id, run_id=run_id, reports=reports, metrics=metrics,
                       model_name=info.name, elapsed_s=elapsed(), notes=model.training_notes())


def _require_memory(family: str, config: dict[str, Any], data: Dataset) -> None:
    from workbench.training.resources import require_fits

    inter = data.interactions
    require_fits(family_class(family), config, inter.n_users, inter.n_items, len(inter), data.content)


def _train_summary(reports: list[EpochReport], elapsed_s: float, notes: list[str] | None = None
                   ) -> dict[str, Any]:
    summary: dict[str, Any] = {"train_epochs": len(reports), "train_elapsed_s": round(elapsed_s, 3)}
    if notes:
        summary["notes"] = list(notes)
    best = [r for r in reports if r.is_best] or reports[-1:]
    if best and best[-1].valid_metric is not None:
        summary["train_valid_metric"] = float(best[-1].valid_metric)
        summary["train_metric_name"] = best[-1].metric_name
    return summary


def evaluate_on_split(model: Recommender, data: Dataset, parts: Split, k: int = EVAL_K,
                      cancel: CancelToken | None = None) -> dict[str, float]:
    """Metrics of ``model`` on the test part of ``parts`` (empty dict when there is no test part)."""
    if len(parts.test) == 0:
        return {}
    from workbench.evaluation.protocol import evaluate_split

    metrics = evaluate_split(model, parts, k, data.content, cancel=cancel,
                             rating_metrics=model.predicts_ratings)
    return {str(key): float(value) for key, value in metrics.items() if value is not None}


def rebuild_split(data: Dataset, split: dict[str, Any]) -> Split:
    """The split a model was trained on, rebuilt from the dataset and the stored spec."""
    if len(data.interactions) == 0:
        # a model imported from a file without its dataset: nothing to rebuild the split from
        raise WorkbenchError(f"dataset '{data.name}' holds no interactions (the model was imported without "
                             "its data), so its split cannot be rebuilt; evaluate on a holdout file, or "
                             "import the dataset and then the model again")
    return make_split(data.interactions, _split_spec(split or {}))
