"""The one epoch loop every torch model trains through, plus fast validation metrics.

A model supplies a ``step`` (one optimiser step over a batch of sample indices, returning the detached
batch loss) and a ``validate`` callback; the loop owns shuffling, batching, progress, cancellation, NaN
detection, timing and early stopping with best-weight restore.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
import torch
from torch import nn

from workbench.core.progress import CancelToken
from workbench.models.base import BatchCallback, BatchEvent, EpochReport, TrainingError

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
    last_emit = 0.0
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
                now = time.monotonic()
                if on_batch is not None and (now - last_emit >= plan.batch_interval_s or b == n_batches - 1):
                    last_emit = now
                    on_batch(BatchEvent(epoch=epoch, batch=b + 1, n_batches=n_batches, loss=value))
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


def _discounts(k: int) -> np.ndarray:
    return 1.0 / np.log2(np.arange(2, k + 2))


def ranking_ndcg(score_fn: Callable[[np.ndarray], torch.Tensor], seen: sp.csr_matrix,
                 relevant: sp.csr_matrix, k: int = 10, max_users: int = 5000, seed: int = 0,
                 cancel: CancelToken | None = None) -> float | None:
    """Mean NDCG@k over users with relevant items, ranking the full catalogue minus ``seen`` items.

    ``score_fn(user_rows)`` returns a ``(len(user_rows), n_items)`` tensor (any device). At most
    ``max_users`` users (seeded sample) are scored so validation stays cheap on big data.
    """
    users = np.flatnonzero(np.diff(relevant.indptr) > 0)
    if len(users) == 0:
        return None
    if len(users) > max_users:
        users = np.sort(np.random.default_rng(seed).choice(users, max_users, replace=False))
    n_items = relevant.shape[1]
    chunk = max(1, min(1024, (1 << 22) // max(1, n_items)))
    disc = _discounts(k)
    idcg_table = np.concatenate([[0.0], np.cumsum(disc)])
    total = 0.0
    for s in range(0, len(users), chunk):
        if cancel is not None:
            cancel.raise_if_cancelled()
        rows = users[s:s + chunk]
        scores = score_fn(rows).detach().float()
        mask = torch.from_numpy(seen[rows].toarray() > 0).to(scores.device)
        scores = scores.masked_fill(mask, -torch.inf)
        kk = min(k, n_items)
        top = torch.topk(scores, kk, dim=1).indices.cpu().numpy()
        rel = relevant[rows]
        hits = np.take_along_axis(rel.toarray() > 0, top, axis=1)
        dcg = (hits * disc[:kk]).sum(axis=1)
        n_rel = np.minimum(np.diff(rel.indptr), kk)
        total += float((dcg / idcg_table[n_rel]).sum())
    return total / len(users)


def rating_rmse(predict_fn: Callable[[torch.Tensor, torch.Tensor], torch.Tensor], users: torch.Tensor,
                items: torch.Tensor, values: torch.Tensor, chunk: int = 1 << 16) -> float | None:
    """Root mean squared error of ``predict_fn(users, items)`` against ``values`` (tensors on one device)."""
    if len(values) == 0:
        return None
    sq = torch.zeros((), device=values.device, dtype=torch.float64)
    for s in range(0, len(values), chunk):
        pred = predict_fn(users[s:s + chunk], items[s:s + chunk])
        sq += ((pred.double() - values[s:s + chunk].double()) ** 2).sum()
    return float(torch.sqrt(sq / len(values)))
