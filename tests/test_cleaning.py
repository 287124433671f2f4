"""Duplicate resolution and id compaction of the import's cleaning step, against a pandas reference."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from workbench.data.cleaning import CleaningOptions, clean, clean_codes


def _raw(seed: int, n: int = 3000, with_ts: bool = True):
    rng = np.random.default_rng(seed)
    users = np.array([f"u{k}" for k in rng.integers(0, 40, n)], dtype=object)
    items = np.array([f"i{k}" for k in rng.integers(0, 30, n)], dtype=object)  # many repeated pairs
    values = rng.integers(1, 6, n).astype(np.float64)
    ts = rng.integers(0, 50, n).astype(np.int64) if with_ts else None  # ties in time too
    return users, items, values, ts


def _reference(users, items, values, ts, rule: str) -> pd.DataFrame:
    """One row per (user, item) at the position of the row that wins, in file order."""
    frame = pd.DataFrame({"u": users, "i": items, "v": values, "row": np.arange(len(users))})
    frame["t"] = ts if ts is not None else frame["row"]
    if rule == "last":
        winners = frame.sort_values(["t", "row"]).groupby(["u", "i"]).tail(1)
    elif rule == "max":
        winners = frame.sort_values(["v", "row"]).groupby(["u", "i"]).tail(1)
    else:
        last = frame.groupby(["u", "i"]).tail(1).set_index(["u", "i"])
        stats = frame.groupby(["u", "i"]).agg(v=("v", "mean"), t=("t", "max"))
        winners = last.drop(columns=["v", "t"]).join(stats).reset_index()
    return winners.sort_values("row").reset_index(drop=True)


@pytest.mark.parametrize("rule", ["last", "max", "mean"])
@pytest.mark.parametrize("with_ts", [True, False])
def test_duplicates_resolved_like_the_reference(rule: str, with_ts: bool) -> None:
    users, items, values, ts = _raw(seed=3, with_ts=with_ts)
    got_u, got_i, got_v, got_t, report = clean(users, items, values, ts, CleaningOptions(duplicates=rule))
    want = _reference(users, items, values, ts, rule)
    assert report["dropped_duplicates"] == len(users) - len(want) > 0
    assert got_u.tolist() == want["u"].tolist()
    assert got_i.tolist() == want["i"].tolist()
    np.testing.assert_allclose(got_v, want["v"].to_numpy())
    if with_ts:
        assert got_t is not None
        np.testing.assert_array_equal(got_t, want["t"].to_numpy())
    else:
        assert got_t is None


def test_no_duplicates_keeps_every_row_in_file_order() -> None:
    users = np.array(["a", "b", "a", "c"], dtype=object)
    items = np.array(["x", "x", "y", "z"], dtype=object)
    values = np.array([1.0, 2.0, 3.0, 4.0])
    got_u, got_i, got_v, _, report = clean(users, items, values, None, CleaningOptions())
    assert report["dropped_duplicates"] == 0
    assert got_u.tolist() == users.tolist() and got_i.tolist() == items.tolist()
    assert got_v.tolist() == values.tolist()


def test_codes_are_compact_after_rows_are_dropped() -> None:
    """Ids whose every row went (blank partner, k-core) leave the distinct ids; codes stay dense."""
    users = np.array(["a", "b", "b", "c", " "], dtype=object)
    items = np.array(["x", "x", "y", "x", "z"], dtype=object)
    values = np.ones(5)
    got = clean_codes(users, items, values, None, CleaningOptions(min_user_interactions=2))
    assert got.user_ids.tolist() == ["b"]
    assert sorted(got.item_ids.tolist()) == ["x", "y"]  # "z" only had the blank user
    assert got.user_codes.max() == len(got.user_ids) - 1
    assert got.item_codes.max() == len(got.item_ids) - 1
    assert got.user_ids[got.user_codes].tolist() == ["b", "b"]
    assert got.item_ids[got.item_codes].tolist() == ["x", "y"]
