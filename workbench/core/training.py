"""What training produces, shared by every floor: per-epoch and per-batch reports and the artifact of a
fitted model. They sit below the models and the store so that the store can record runs and artifacts
without depending on any model family."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import torch

from workbench.errors import WorkbenchError


class TrainingError(WorkbenchError):
    """Training cannot go on (NaN loss, unsuitable data)."""


@dataclass
class EpochReport:
    """What one epoch of training produced; the GUI plots these, the store records them."""

    epoch: int
    train_loss: float | None
    valid_loss: float | None = None
    valid_metric: float | None = None
    metric_name: str | None = None  # e.g. "rmse" (lower is better) or "ndcg@10" (higher is better)
    elapsed_s: float = 0.0  # since fit started
    samples_per_s: float | None = None
    is_best: bool = False
    extra: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class BatchEvent:
    """Throttled per-batch progress, for the smoothed loss curve and the progress bar."""

    epoch: int
    batch: int
    n_batches: int
    loss: float


BatchCallback = Callable[[BatchEvent], None]


@dataclass
class ModelArtifact:
    """Everything needed to rebuild a fitted model; persisted as JSON + safetensors, never pickle."""

    family: str
    config: dict[str, Any]
    users: list[str]
    items: list[str]
    meta: dict[str, Any]
    tensors: dict[str, torch.Tensor]
