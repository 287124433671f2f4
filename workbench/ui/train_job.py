"""The training job the Train page runs: the worker function around ``runner.train`` and the page's
book-keeping of the run it is watching."""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable
from typing import Any

from workbench.core.progress import CancelToken, Progress, Throttle
from workbench.models.base import BatchEvent, EpochReport
from workbench.models.registry import FAMILIES
from workbench.models.torch_base import REFIT
from workbench.ui.i18n import translate
from workbench.ui.jobs import Job

BATCH_EMIT_INTERVAL_S = 0.05  # at most ~20 batch points per second reach the GUI thread


@dataclasses.dataclass(frozen=True)
class RunStarted:
    """Worker -> page: the run row this job is recording into."""

    run_id: int


@dataclasses.dataclass
class LiveRun:
    """The training job a page started and how far it got."""

    job: Job
    key: int  # curve key: negative until the run id is known
    family: str
    epochs: int | None
    iterative: bool
    run_id: int | None = None
    started: float = dataclasses.field(default_factory=time.monotonic)
    samples_per_s: float | None = None
    last_epoch: int = 0
    start_epoch: int = 0  # epochs already done before this job (a resumed run)


def run_objective(family: str, config: dict[str, Any] | None = None, explicit: bool = True) -> str:
    """"rating" or "ranking": what a run of ``family`` with ``config`` trains for (its row of curves).

    An ``auto`` objective means ratings on explicit data and ranking on implicit data (``explicit``)."""
    cls = FAMILIES.get(family)
    default = getattr(cls, "default_objective", "ranking") if cls is not None else "ranking"
    objective = (config or {}).get("objective", default)
    if objective == "auto":
        objective = "rating" if explicit else "ranking"
    return "rating" if objective == "rating" else "ranking"


def loss_axis_label(objective: str) -> str:
    """Axis text with units for a run's training loss: squared rating error, or a per-sample ranking loss."""
    if objective == "rating":
        return translate("TrainPage", "training loss (MSE, rating points²)")
    return translate("TrainPage", "training loss (ranking, per sample)")


def training_work(db: Any, kwargs: dict[str, Any], epochs: int | None = None) -> Callable[..., Any]:
    """The job function: ``runner.train(db, **kwargs)`` forwarding the run id (``RunStarted``), epoch
    reports and throttled batch events, and the share of ``epochs`` done as job progress (the jobs
    panel's percent and ETA). Call on the GUI thread: the progress texts are translated here."""
    epoch_text = translate("TrainPage", "epoch {epoch}/{epochs}")
    preparing = translate("TrainPage", "preparing data")
    refit_text = translate("TrainPage", "epoch {epoch}: training again on training + validation data")

    def work(
        cancel: CancelToken, progress: Callable[[Progress], None], emit: Callable[[object], None]
    ) -> Any:
        # imported here, on the worker: the first import of the engine takes a noticeable while
        from workbench.training.runner import train

        def forward_batch(event: BatchEvent) -> None:
            emit(event)
            if epochs:
                done = event.epoch - 1 + event.batch / max(1, event.n_batches)
                progress(Progress(done, epochs, epoch_text.format(epoch=event.epoch, epochs=epochs)))

        batch_events = Throttle(forward_batch, BATCH_EMIT_INTERVAL_S)

        def on_batch(event: BatchEvent) -> None:
            batch_events(event, force=event.batch == event.n_batches)

        def on_report(report: EpochReport) -> None:
            emit(report)
            if report.extra.get(REFIT):  # after early stopping: training again on training + validation
                progress(Progress(0, None, refit_text.format(epoch=report.epoch)))
            elif epochs:
                progress(Progress(report.epoch, epochs, epoch_text.format(epoch=report.epoch, epochs=epochs)))

        progress(Progress(0, None, preparing))
        args = dict(kwargs)
        return train(
            db,
            args.pop("dataset"),
            args.pop("family", None),
            args.pop("settings", None),
            args.pop("split", None),
            cancel=cancel,
            on_report=on_report,
            on_batch=on_batch,
            on_run_started=lambda run_id: emit(RunStarted(run_id)),
            **args,
        )

    return work
