"""Dataset statistics (the Datasets page's plots, ``datasets show``): from the array snapshot when there
is one, equal to the SQL aggregates."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
from sqlalchemy import delete

from workbench.data.csv_import import CsvSpec, import_csv
from workbench.store.db import Database
from workbench.store.schema import BlobPartRow
from workbench.store.stats import dataset_stats


def test_stats_from_the_snapshot_equal_the_sql_aggregates(db: Database, tmp_path: Path) -> None:
    rng = np.random.default_rng(5)
    n = 4000
    path = tmp_path / "r.csv"
    rows = zip(rng.integers(0, 300, n), rng.integers(0, 120, n), rng.integers(1, 11, n) / 2,
               rng.integers(1_100_000_000, 1_700_000_000, n), strict=True)
    path.write_text("u,i,r,t\n" + "".join(f"{u},{i},{r},{t}\n" for u, i, r, t in rows))
    report = import_csv(db, path, CsvSpec("u", "i", "r", "t"), name="r")
    fast = dataset_stats(db, report.dataset_id)
    with db.session() as session:  # without the snapshot, the same figures come from SQL
        session.execute(delete(BlobPartRow).where(BlobPartRow.dataset_id == report.dataset_id))
    slow = dataset_stats(db, report.dataset_id)
    assert fast.time_bucket_s == slow.time_bucket_s == 30 * 86_400
    for name in ("rating_values", "rating_counts", "item_popularity", "user_activity", "time_starts",
                 "time_counts"):
        np.testing.assert_array_equal(getattr(fast, name), getattr(slow, name), err_msg=name)
    assert fast.rating_counts.sum() == report.n_interactions


def test_stats_summary_and_datasets_show_print_the_same_figures(db_path: Path, tmp_path: Path,
                                                                  capsys) -> None:
    from workbench.cli import main
    from workbench.store.db import open_database

    path = tmp_path / "small.csv"
    # users a (3 interactions), b (1); items x (2), y (1), z (1); ratings 1, 4, 4, 5
    path.write_text("user,item,rating,timestamp\na,x,4,1600000000\na,y,5,1600086400\na,z,1,1600172800\n"
                    "b,x,4,1600259200\n")
    database = open_database(db_path)
    try:
        report = import_csv(database, path, CsvSpec("user", "item", "rating", "timestamp"), name="small")
        summary = dataset_stats(database, report.dataset_id).to_dict()
    finally:
        database.close()
    assert summary["ratings"] == [{"value": 1.0, "count": 1}, {"value": 4.0, "count": 2},
                                  {"value": 5.0, "count": 1}]
    assert summary["interactions_per_user"] == {"min": 1.0, "median": 2.0, "mean": 2.0, "max": 3.0}
    assert summary["interactions_per_item"]["max"] == 2.0
    assert (summary["time_min"], summary["time_max"], summary["time_bucket_s"]) == (1600000000, 1600259200,
                                                                                    86_400)
    assert main(["--db", str(db_path), "datasets", "show", "small", "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["stats"] == summary and shown["n_interactions"] == 4
    assert main(["--db", str(db_path), "datasets", "show", "small"]) == 0
    text = capsys.readouterr().out
    assert "time range   2020-09-13 .. 2020-09-16" in text and "ratings      1: 1, 4: 2, 5: 1" in text


def test_millisecond_timestamps_are_read_as_milliseconds(db: Database, tmp_path: Path) -> None:
    """A log in milliseconds since 1970 spans the same days as in seconds (not a date 50,000 years ahead),
    from the snapshot and from SQL alike."""
    rng = np.random.default_rng(6)
    n = 2000
    seconds = rng.integers(1_600_000_000, 1_600_000_000 + 200 * 86_400, n)
    path = tmp_path / "ms.csv"
    rows = zip(rng.integers(0, 100, n), rng.integers(0, 50, n), seconds * 1000 + 123, strict=True)
    path.write_text("u,i,t\n" + "".join(f"{u},{i},{t}\n" for u, i, t in rows))
    report = import_csv(db, path, CsvSpec("u", "i", timestamp="t"), name="ms")
    fast = dataset_stats(db, report.dataset_id)
    with db.session() as session:
        session.execute(delete(BlobPartRow).where(BlobPartRow.dataset_id == report.dataset_id))
    slow = dataset_stats(db, report.dataset_id)
    for stats in (fast, slow):
        assert stats.time_unit == 1000
        assert stats.time_min == int(seconds.min()) and stats.time_max == int(seconds.max())
        assert stats.time_bucket_s == 7 * 86_400  # a 200-day span, bucketed by week as in seconds
        assert stats.time_counts.sum() == report.n_interactions
        assert stats.time_starts.min() <= seconds.min() < stats.time_starts.max() + stats.time_bucket_s
    np.testing.assert_array_equal(fast.time_starts, slow.time_starts)
    np.testing.assert_array_equal(fast.time_counts, slow.time_counts)
