"""Statistics of a stored dataset: rating histogram, interactions per item and per user, time range and
interactions over time. The Datasets page plots them and ``datasets show`` prints them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from sqlalchemy import func, select

from workbench.store.datasets import interaction_arrays
from workbench.store.schema import InteractionRow

DAY = 86_400


@dataclass(frozen=True)
class DatasetStats:
    """Aggregates of one dataset's interactions (plain arrays, safe to hand to another thread)."""

    dataset_id: int
    rating_values: np.ndarray  # distinct values
    rating_counts: np.ndarray
    item_popularity: np.ndarray  # interactions per item, sorted descending
    user_activity: np.ndarray  # interactions per user
    time_bucket_s: int  # width of the time buckets (day, week or month) in seconds; 0 = no timestamps
    time_starts: np.ndarray  # bucket start, unix seconds
    time_counts: np.ndarray
    time_min: int | None  # first and last timestamp, unix seconds; None without timestamps
    time_max: int | None
    time_unit: int = 1  # stored timestamp units per second: 1, or 1000 / 1000000 for ms / us timestamps

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready summary: the histogram, the spread of per-item and per-user counts, the time range."""

        def spread(counts: np.ndarray) -> dict[str, float]:
            if not len(counts):
                return {"min": 0.0, "median": 0.0, "mean": 0.0, "max": 0.0}
            return {"min": float(counts.min()), "median": float(np.median(counts)),
                    "mean": float(counts.mean()), "max": float(counts.max())}

        return {
            "ratings": [{"value": float(v), "count": int(c)}
                        for v, c in zip(self.rating_values, self.rating_counts, strict=True)],
            "interactions_per_item": spread(self.item_popularity),
            "interactions_per_user": spread(self.user_activity),
            "time_min": self.time_min,
            "time_max": self.time_max,
            "time_bucket_s": self.time_bucket_s,
            "time_unit_per_s": self.time_unit,
        }


def timestamp_unit(t_min: int, t_max: int) -> int:
    """Stored units per second of a dataset's timestamps: logs often carry milliseconds (or microseconds)
    since 1970, which read as seconds would lie tens of thousands of years ahead."""
    largest = max(abs(int(t_min)), abs(int(t_max)))
    return 1_000_000 if largest >= 10**14 else 1000 if largest >= 10**11 else 1


def _time_bucket(t_min: int, t_max: int) -> int:
    """Bucket width in seconds for a span given in seconds."""
    span = int(t_max) - int(t_min)
    return 30 * DAY if span > 730 * DAY else 7 * DAY if span > 90 * DAY else DAY


def dataset_stats(db: Any, dataset_id: int) -> DatasetStats:
    """Rating histogram, item popularity, user activity and interactions over time: from the dataset's
    array snapshot (under a second at 10M interactions), or by SQL aggregates when it has none."""
    arrays = interaction_arrays(db, dataset_id)
    if arrays is not None:
        return _stats_from_arrays(dataset_id, arrays.user_pos, arrays.item_pos, arrays.values,
                                  arrays.timestamps)
    inter = InteractionRow.__table__
    where = inter.c.dataset_id == dataset_id
    with db.engine.connect() as conn:
        ratings = conn.execute(select(inter.c.value, func.count()).where(where).group_by(inter.c.value)
                               .order_by(inter.c.value)).all()
        items = conn.execute(select(func.count()).where(where).group_by(inter.c.item_id)).scalars().all()
        users = conn.execute(select(func.count()).where(where).group_by(inter.c.user_id)).scalars().all()
        t_min, t_max = conn.execute(select(func.min(inter.c.timestamp), func.max(inter.c.timestamp))
                                    .where(where)).one()
        bucket = 0
        unit = 1
        starts = np.zeros(0)
        counts = np.zeros(0)
        if t_min is not None and t_max is not None:
            unit = timestamp_unit(t_min, t_max)
            t_min, t_max = int(t_min) // unit, int(t_max) // unit
            bucket = _time_bucket(t_min, t_max)
            key = (inter.c.timestamp // (bucket * unit)).label("bucket")
            series = conn.execute(select(key, func.count()).where(where, inter.c.timestamp.is_not(None))
                                  .group_by(key).order_by(key)).all()
            if series:
                starts = np.array([int(b) * bucket for b, _ in series], dtype=float)
                counts = np.array([c for _, c in series], dtype=float)
    return DatasetStats(
        dataset_id=dataset_id,
        rating_values=np.array([v for v, _ in ratings], dtype=float),
        rating_counts=np.array([c for _, c in ratings], dtype=float),
        item_popularity=np.sort(np.array(items, dtype=float))[::-1],
        user_activity=np.array(users, dtype=float),
        time_bucket_s=bucket, time_starts=starts, time_counts=counts,
        time_min=None if t_min is None else int(t_min), time_max=None if t_max is None else int(t_max),
        time_unit=unit)


def _stats_from_arrays(dataset_id: int, user_pos: np.ndarray, item_pos: np.ndarray, values: np.ndarray,
                       timestamps: np.ndarray | None) -> DatasetStats:
    """The same aggregates as the SQL path, by numpy over the snapshot's arrays."""
    rating_values, rating_counts = np.unique(values.astype(np.float64), return_counts=True)
    items = np.bincount(item_pos)
    users = np.bincount(user_pos)
    bucket = 0
    unit = 1
    starts = counts = np.zeros(0)
    t_min = t_max = None
    if timestamps is not None and len(timestamps):
        unit = timestamp_unit(int(timestamps.min()), int(timestamps.max()))
        t_min, t_max = int(timestamps.min()) // unit, int(timestamps.max()) // unit
        bucket = _time_bucket(t_min, t_max)
        # integer division truncating toward zero, as the databases do
        keys, key_counts = np.unique(np.sign(timestamps) * (np.abs(timestamps) // (bucket * unit)),
                                     return_counts=True)
        starts, counts = keys.astype(float) * bucket, key_counts.astype(float)
    return DatasetStats(
        dataset_id=dataset_id, rating_values=rating_values, rating_counts=rating_counts.astype(float),
        item_popularity=np.sort(items[items > 0].astype(float))[::-1],
        user_activity=users[users > 0].astype(float),
        time_bucket_s=bucket, time_starts=starts, time_counts=counts, time_min=t_min, time_max=t_max,
        time_unit=unit)


__all__ = ["DatasetStats", "dataset_stats"]
