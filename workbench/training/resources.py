"""What a training job will need, known before it starts, and the refusal when the machine lacks it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from workbench.core import memory
from workbench.core.interactions import ItemContent
from workbench.core.memory import USABLE_SHARE
from workbench.errors import WorkbenchError
from workbench.models.base import ModelConfig, Recommender, config_from_dict
from workbench.models.content_base import ContentRecommender, TextShape


@dataclass(frozen=True)
class ResourceEstimate:
    """A family's predicted needs on data of one size."""

    family: str
    peak_bytes: int
    epoch_seconds: float | None
    free_bytes: int

    @property
    def fits(self) -> bool:
        """Whether the predicted peak fits in the memory free now."""
        return self.peak_bytes <= USABLE_SHARE * self.free_bytes

    def summary(self) -> str:
        """One line for the Train page and the CLI, e.g. 'needs about 1.2 GB (9.8 GB free), ~40 s/epoch'."""
        text = f"needs about {format_bytes(self.peak_bytes)} of memory ({format_bytes(self.free_bytes)} free)"
        if self.epoch_seconds is not None:
            text += f", about {format_seconds(self.epoch_seconds)} per epoch on a 2-core CPU"
        return text


def format_bytes(n: float) -> str:
    """Bytes in the largest unit that keeps the figure >= 1 (MB, GB)."""
    if n >= 1 << 30:
        return f"{n / (1 << 30):.1f} GB"
    return f"{max(n, 0) / (1 << 20):.0f} MB"


def format_seconds(s: float) -> str:
    """Seconds as 's', 'min' or 'h', rounded for a label."""
    if s < 90:
        return f"{max(s, 0.1):.2g} s" if s < 10 else f"{s:.0f} s"
    if s < 5400:
        return f"{s / 60:.0f} min"
    return f"{s / 3600:.1f} h"


def estimate(cls: type[Recommender], config: ModelConfig | dict[str, Any], n_users: int, n_items: int,
             n_interactions: int, content: ItemContent | None = None,
             text_shape: TextShape | None = None) -> ResourceEstimate:
    """The family's memory and time estimate for data of this size, against the memory free now; with
    the item ``content`` (or its ``text_shape``, measured before), families that read it measure what its
    texts need."""
    cfg = config if isinstance(config, ModelConfig) else config_from_dict(cls.Config, dict(config))
    if text_shape is not None and issubclass(cls, ContentRecommender):
        peak = cls.estimate_peak_bytes_for_shape(cfg, n_users, n_items, n_interactions, text_shape)
    elif content is not None:
        peak = cls.estimate_peak_bytes_with_content(cfg, n_users, n_items, n_interactions, content)
    else:
        peak = cls.estimate_peak_bytes(cfg, n_users, n_items, n_interactions)
    return ResourceEstimate(
        family=cls.family,
        peak_bytes=int(peak),
        epoch_seconds=cls.estimate_epoch_seconds(cfg, n_users, n_items, n_interactions),
        free_bytes=memory.free_memory_bytes())


def require_fits(cls: type[Recommender], config: ModelConfig | dict[str, Any], n_users: int, n_items: int,
                 n_interactions: int, content: ItemContent | None = None) -> ResourceEstimate:
    """The estimate, or a ``WorkbenchError`` saying the need, what is free and what to do instead."""
    est = estimate(cls, config, n_users, n_items, n_interactions, content)
    if not est.fits:
        cfg = config if isinstance(config, ModelConfig) else config_from_dict(cls.Config, dict(config))
        raise WorkbenchError(
            f"'{cls.family}' on {n_users:,} users x {n_items:,} items ({n_interactions:,} interactions) "
            f"needs about {format_bytes(est.peak_bytes)} of memory, but only {format_bytes(est.free_bytes)} "
            f"is free; nothing was started. Try {cls.size_advice(cfg)}, or close other programs.")
    return est
