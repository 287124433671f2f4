"""The Datasets page's statistics come from the array snapshot when there is one, equal to the SQL ones."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from sqlalchemy import delete

from workbench.data.csv_import import CsvSpec, import_csv
from workbench.store.db import Database
from workbench.store.schema import BlobPartRow
from workbench.ui.pages.datasets import compute_stats


def test_stats_from_the_snapshot_equal_the_sql_aggregates(db: Database, tmp_path: Path) -> None:
    rng = np.random.default_rng(5)
    n = 4000
    path = tmp_path / "r.csv"
    rows = zip(rng.integers(0, 300, n), rng.integers(0, 120, n), rng.integers(1, 11, n) / 2,
               rng.integers(1_100_000_000, 1_700_000_000, n), strict=True)
    path.write_text("u,i,r,t\n" + "".join(f"{u},{i},{r},{t}\n" for u, i, r, t in rows))
    report = import_csv(db, path, CsvSpec("u", "i", "r", "t"), name="r")
    fast = compute_stats(db, report.dataset_id)
    with db.session() as session:  # without the snapshot, the same figures come from SQL
        session.execute(delete(BlobPartRow).where(BlobPartRow.dataset_id == report.dataset_id))
    slow = compute_stats(db, report.dataset_id)
    assert fast.time_bucket_s == slow.time_bucket_s == 30 * 86_400
    for name in ("rating_values", "rating_counts", "item_popularity", "user_activity", "time_starts",
                 "time_counts"):
        np.testing.assert_array_equal(getattr(fast, name), getattr(slow, name), err_msg=name)
    assert fast.rating_counts.sum() == report.n_interactions
