"""Split properties: disjoint parts covering every row, sizes, per-user guarantees, time order, cold
items/users truly absent from training, determinism and JSON round-trip."""

from __future__ import annotations

import json

import numpy as np
import pytest

from workbench.core.ids import IdMap
from workbench.core.interactions import Interactions
from workbench.errors import WorkbenchError
from workbench.evaluation.splits import SPLIT_KINDS, Split, SplitSpec, make_split


def synthetic(n_users: int = 60, n_items: int = 40, seed: int = 0, timestamps: bool = True) -> Interactions:
    """Users with 1..30 rows (user 0 has exactly one); ``values`` carry the original row number."""
    rng = np.random.default_rng(seed)
    counts = rng.integers(1, 31, size=n_users)
    counts[0] = 1
    users = np.repeat(np.arange(n_users), counts)
    rng.shuffle(users)  # interleaved, as in a real log
    items = rng.integers(0, n_items, size=len(users))
    n = len(users)
    return Interactions(users, items, np.arange(n, dtype=np.float32), IdMap.from_ids(range(n_users)),
                        IdMap.from_ids(range(n_items)),
                        timestamps=rng.integers(0, 1000, size=n) if timestamps else None)


def row_ids(part: Interactions) -> np.ndarray:
    return part.values.astype(np.int64)


def check_partition(data: Interactions, split: Split) -> None:
    parts = [row_ids(split.train), row_ids(split.valid), row_ids(split.test)]
    every = np.concatenate(parts)
    assert len(every) == len(data)
    assert np.array_equal(np.sort(every), np.arange(len(data)))  # disjoint and complete
    for part in (split.train, split.valid, split.test):
        rows = row_ids(part)
        assert np.array_equal(part.user_idx, data.user_idx[rows])
        assert np.array_equal(part.item_idx, data.item_idx[rows])
        assert part.users is data.users and part.items is data.items


@pytest.mark.parametrize("kind", SPLIT_KINDS)
def test_every_kind_partitions_and_is_deterministic(kind: str) -> None:
    data = synthetic()
    spec = SplitSpec(kind=kind, seed=7)
    first, again = make_split(data, spec), make_split(data, spec)
    check_partition(data, first)
    for a, b in zip((first.train, first.valid, first.test), (again.train, again.valid, again.test),
                    strict=True):
        assert np.array_equal(row_ids(a), row_ids(b))
    assert len(first.train) > 0 and len(first.valid) > 0
    if kind != "none":
        other = make_split(data, SplitSpec(kind=kind, seed=8))
        if kind not in ("temporal", "leave_last"):  # time-based test parts do not depend on the seed
            assert not np.array_equal(row_ids(first.test), row_ids(other.test))


def test_random_sizes() -> None:
    data = synthetic()
    n = len(data)
    split = make_split(data, SplitSpec(kind="random", test_fraction=0.25, valid_fraction=0.1))
    assert len(split.test) == int(np.floor(0.25 * n + 0.5))
    assert len(split.valid) == int(np.floor(0.1 * (n - len(split.test)) + 0.5))


def test_user_ratio_per_user_quota() -> None:
    data = synthetic()
    split = make_split(data, SplitSpec(kind="user_ratio", test_fraction=0.2, valid_fraction=0.0))
    counts = data.user_counts()
    test_counts = split.test.user_counts()
    expected = np.minimum(np.floor(0.2 * counts + 0.5), np.maximum(counts - 1, 0))
    assert np.array_equal(test_counts, expected)
    assert test_counts[0] == 0 and split.train.user_counts()[0] == 1  # a single row stays in train
    assert np.all(split.train.user_counts() >= 1)


def test_temporal_cut_and_missing_timestamps() -> None:
    data = synthetic()
    split = make_split(data, SplitSpec(kind="temporal", test_fraction=0.3))
    assert split.train.timestamps.max() <= split.test.timestamps.min()
    assert split.valid.timestamps.min() >= split.train.timestamps.max()  # validation = latest of training
    assert len(split.test) == int(np.floor(0.3 * len(data) + 0.5))
    with pytest.raises(WorkbenchError, match="timestamps"):
        make_split(synthetic(timestamps=False), SplitSpec(kind="temporal"))


def test_leave_last_takes_each_users_latest_rows() -> None:
    data = synthetic()
    split = make_split(data, SplitSpec(kind="leave_last", k=2, valid_fraction=0.1))
    counts = data.user_counts()
    assert np.array_equal(split.test.user_counts(), np.minimum(2, counts - 1))
    for user in range(data.n_users):
        test_ts = split.test.timestamps[split.test.user_idx == user]
        rest_ts = np.concatenate([split.train.timestamps[split.train.user_idx == user],
                                  split.valid.timestamps[split.valid.user_idx == user]])
        if len(test_ts):
            assert test_ts.min() >= rest_ts.max()


def test_leave_last_without_timestamps_uses_file_order() -> None:
    data = synthetic(timestamps=False)
    split = make_split(data, SplitSpec(kind="leave_last", k=1, valid_fraction=0.0))
    for user in np.flatnonzero(data.user_counts() > 1):
        last_in_file = np.flatnonzero(data.user_idx == user)[-1]
        assert row_ids(split.test)[split.test.user_idx == user][0] == last_in_file


@pytest.mark.parametrize("kind", ["cold_items", "cold_users"])
def test_cold_entities_absent_from_training(kind: str) -> None:
    data = synthetic()
    split = make_split(data, SplitSpec(kind=kind, test_fraction=0.25))
    attr = "item_idx" if kind == "cold_items" else "user_idx"
    held = np.unique(getattr(split.test, attr))
    seen = np.union1d(getattr(split.train, attr), getattr(split.valid, attr))
    assert len(np.intersect1d(held, seen)) == 0
    present = len(np.unique(getattr(data, attr)))
    assert len(held) == int(np.floor(0.25 * present + 0.5))
    # every row of a held-out entity is in the test part
    assert np.isin(getattr(data, attr), held).sum() == len(split.test)


def test_none_keeps_everything_for_training() -> None:
    data = synthetic()
    split = make_split(data, SplitSpec(kind="none", valid_fraction=0.1))
    assert len(split.test) == 0
    assert len(split.train) + len(split.valid) == len(data)
    assert np.all(split.train.user_counts() >= 1)


def test_spec_json_round_trip_and_validation() -> None:
    spec = SplitSpec(kind="leave_last", test_fraction=0.1, k=3, valid_fraction=0.05, seed=11)
    assert SplitSpec.from_dict(json.loads(json.dumps(spec.to_dict()))) == spec
    assert SplitSpec.from_dict({"kind": "random", "seed": "5"}) == SplitSpec(kind="random", seed=5)
    with pytest.raises(WorkbenchError, match="unknown split kind"):
        SplitSpec(kind="sideways")  # type: ignore[arg-type]
    with pytest.raises(WorkbenchError, match="unknown split setting"):
        SplitSpec.from_dict({"kind": "random", "ratio": 0.3})
    with pytest.raises(WorkbenchError, match="test_fraction"):
        SplitSpec(test_fraction=1.0)
