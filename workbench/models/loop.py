"""The one epoch loop every torch model trains through.

A model supplies a ``step`` (one optimiser step over a batch of sample indices, returning the detached
batch loss) and a ``validate`` callback; the loop owns shuffling, batching, progress, cancellation, NaN
detection, timing and early stopping with best-weight restore.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import torch
from torch import nn

from workbench.core.progress import CancelToken, Throttle
from workbench.core.training import BatchCallback, BatchEvent, EpochReport, TrainingError

StepFn = Callable[[torch.Tensor], torch.Tensor]
#: returns (valid_loss, valid_metric); either may be None
ValidateFn = Callable[[], tuple[float | None, float | None]]


@dataclass(frozen=True)
class LoopPlan:
    """How long and how to train: epochs (absolute, counting resumed ones), batches, early stopping."""

    epochs: int
    batch_size: int
    n_samples: int
    patience: int = 3
    start_epoch: int = 0  # epochs already done (resume)
    metric_name: str | None = None
    higher_is_better: bool = True
    check_every: int = 4  # batches between cancel/NaN checks and progress events
    batch_interval_s: float = 0.1  # throttle of on_batch
    validation_users: int | None = None  # users the validation metric ranks (recorded with each epoch)


@dataclass
class LoopState:
    """Early-stopping bookkeeping, kept up to date by ``run_epochs`` so a checkpoint can carry it."""

    best_metric: float | None = None
    best_epoch: int = 0
    bad_epochs: int = 0
    best_state: dict[str, torch.Tensor] | None = None


def run_epochs(plan: LoopPlan, *, module: nn.Module, step: StepFn, validate: ValidateFn | None,
               generator: torch.Generator, cancel: CancelToken | None = None,
               on_batch: BatchCallback | None = None,
               before_epoch: Callable[[int], None] | None = None,
               state: LoopState | None = None) -> Iterator[EpochReport]:
    """Train ``module`` epoch by epoch, yielding an ``EpochReport`` after each.

    Each epoch draws one permutation of ``range(n_samples)`` from ``generator`` (on the training device)
    and calls ``step`` on consecutive slices. The model is consistent (savable) at every yield. When the
    validation metric has not improved for ``patience`` epochs, training stops; the best weights are
    restored before the generator returns. ``state`` (e.g. restored from a checkpoint) carries the
    early-stopping bookkeeping in and is updated in place before every yield.
    """
    if plan.n_samples <= 0:
        raise TrainingError("no training samples: the training part is empty")
    start = time.perf_counter()
    n_batches = max(1, math.ceil(plan.n_samples / plan.batch_size))
    st = state if state is not None else LoopState()
    batch_events = Throttle(on_batch, plan.batch_interval_s)
    for epoch in range(plan.start_epoch + 1, plan.epochs + 1):
        if cancel is not None:
            cancel.raise_if_cancelled()
        if before_epoch is not None:
            before_epoch(epoch)
        module.train()
        epoch_start = time.perf_counter()
        perm = torch.randperm(plan.n_samples, generator=generator, device=generator.device)
        total = torch.zeros((), device=generator.device)
        for b in range(n_batches):
            idx = perm[b * plan.batch_size:(b + 1) * plan.batch_size]
            loss = step(idx)
            total = total + loss.detach().float() * len(idx)
            if b % plan.check_every == 0 or b == n_batches - 1:
                if cancel is not None:
                    cancel.raise_if_cancelled()
                value = float(loss)
                if not math.isfinite(value):
                    raise TrainingError(
                        f"training diverged: loss became {value} in epoch {epoch}, batch {b + 1}; "
                        "lower the learning rate or raise the regularisation")
                if on_batch is not None:
                    batch_events(BatchEvent(epoch=epoch, batch=b + 1, n_batches=n_batches, loss=value),
                                 force=b == n_batches - 1)
        train_loss = float(total) / plan.n_samples
        if not math.isfinite(train_loss):
            raise TrainingError(f"training diverged: mean loss {train_loss} in epoch {epoch}")
        train_time = time.perf_counter() - epoch_start
        module.eval()
        valid_loss, metric = (None, None)
        if validate is not None:
            with torch.no_grad():
                valid_loss, metric = validate()
        is_best = False
        if metric is not None and math.isfinite(metric):
            improved = st.best_metric is None or (
                metric > st.best_metric if plan.higher_is_better else metric < st.best_metric)
            if improved:
                st.best_metric, st.best_epoch, st.bad_epochs, is_best = metric, epoch, 0, True
                st.best_state = {k: v.detach().clone() for k, v in module.state_dict().items()}
            else:
                st.bad_epochs += 1
        extra = {"best_epoch": float(st.best_epoch)} if st.best_epoch else {}
        if plan.validation_users is not None and validate is not None:
            extra["valid_users"] = float(plan.validation_users)
        extra["valid_s"] = time.perf_counter() - epoch_start - train_time
        yield EpochReport(
            epoch=epoch, train_loss=train_loss, valid_loss=valid_loss, valid_metric=metric,
            metric_name=plan.metric_name if metric is not None else None,
            elapsed_s=time.perf_counter() - start,
            samples_per_s=plan.n_samples / train_time if train_time > 0 else None,
            is_best=is_best, extra=extra)
        if plan.patience > 0 and st.bad_epochs >= plan.patience:
            break
    if st.best_state is not None:
        module.load_state_dict(st.best_state)


def make_generator(seed: int, device: str) -> torch.Generator:
    """A seeded generator living on ``device`` (so permutations and samples are drawn there)."""
    gen = torch.Generator(device=torch.device(device))
    gen.manual_seed(int(seed))
    return gen
