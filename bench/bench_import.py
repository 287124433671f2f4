"""Import benchmark: a generated CSV (1,000,000 rows by default) into a fresh database, against
pandas.read_csv of the same file in the same process.

Run: .venv/bin/python bench/bench_import.py [--rows N]
Prints rows/s, the import/read_csv ratio, and the time to load the dataset back into training arrays
(through the array snapshot stored with it, and through its rows alone) with its ratio to read_csv.
Goals: import 1M rows < 10 s and < 5x read_csv; 10M rows < 90 s; loading < 2x read_csv.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import delete

from workbench.data.csv_import import CsvSpec, import_csv, parse_csv
from workbench.store.datasets import load_dataset
from workbench.store.db import open_database
from workbench.store.schema import BlobPartRow


def make_csv(path: Path, rows: int, seed: int = 0) -> None:
    """user,item,rating,timestamp with a popularity skew (ids as text-like integers)."""
    rng = np.random.default_rng(seed)
    n_users, n_items = max(rows // 20, 10), max(rows // 50, 10)
    frame = pd.DataFrame(
        {
            "user": rng.integers(1, n_users + 1, rows),
            "item": (n_items * rng.random(rows) ** 2).astype(np.int64) + 1,  # popularity skew
            "rating": rng.integers(1, 6, rows),
            "timestamp": rng.integers(946_684_800, 1_700_000_000, rows),
        }
    )
    frame.to_csv(path, index=False)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        csv_path = Path(tmp) / "ratings.csv"
        make_csv(csv_path, args.rows)
        size_mb = csv_path.stat().st_size / 1e6

        start = time.perf_counter()
        frame = pd.read_csv(csv_path)
        read_s = time.perf_counter() - start
        del frame

        db = open_database(Path(tmp) / "bench.db")
        start = time.perf_counter()
        report = import_csv(
            db,
            csv_path,
            CsvSpec(user="user", item="item", rating="rating", timestamp="timestamp"),
            name="bench",
        )
        import_s = time.perf_counter() - start

        start = time.perf_counter()
        parse_csv(csv_path, CsvSpec(user="user", item="item", rating="rating", timestamp="timestamp"))
        parse_s = time.perf_counter() - start

        start = time.perf_counter()
        dataset = load_dataset(db, "bench")
        load_s = time.perf_counter() - start
        with db.session() as session:  # the same load from the rows alone (datasets without a snapshot)
            session.execute(delete(BlobPartRow).where(BlobPartRow.dataset_id == report.dataset_id))
        start = time.perf_counter()
        from_rows = load_dataset(db, "bench")
        rows_s = time.perf_counter() - start
        assert np.array_equal(from_rows.interactions.item_idx, dataset.interactions.item_idx)
        db.close()

    n = report.n_interactions
    print(f"file: {args.rows:,} rows, {size_mb:.1f} MB")
    print(f"pandas.read_csv:      {read_s:7.2f} s")
    print(
        f"import_csv:           {import_s:7.2f} s  ({args.rows / import_s:,.0f} rows/s; "
        f"{n:,} interactions kept after duplicate resolution, {report.n_users:,} users, "
        f"{report.n_items:,} items)"
    )
    goal = "< 90 s" if args.rows >= 10_000_000 else "< 10 s at 1M rows"
    print(f"ratio import/read_csv: {import_s / read_s:6.1f}x  (goal < 5x; whole import goal {goal})")
    print(f"  of which parse+validate+clean (parse_csv alone): {parse_s:.2f} s; SQLite writing the rest")
    print(f"load_dataset (snapshot): {load_s:7.2f} s  ({len(dataset.interactions):,} interactions); "
          f"ratio load/read_csv: {load_s / read_s:5.2f}x (goal < 2x)")
    print(f"load_dataset (rows):     {rows_s:7.2f} s; ratio {rows_s / read_s:5.2f}x read_csv")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
