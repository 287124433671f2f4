"""Import benchmark: a generated 1,000,000-row CSV into a fresh database, against pandas.read_csv.

Run: .venv/bin/python bench/bench_import.py [--rows N]
Prints rows/s, the import/read_csv ratio (same file, same process) and the time to load the
interactions back into arrays. Goal on the reference machine: import < 10 s and < 5x read_csv.
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

from workbench.data.csv_import import CsvSpec, import_csv, parse_csv
from workbench.store.datasets import load_dataset
from workbench.store.db import open_database


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
        db.close()

    n = report.n_interactions
    print(f"file: {args.rows:,} rows, {size_mb:.1f} MB")
    print(f"pandas.read_csv:      {read_s:7.2f} s")
    print(
        f"import_csv:           {import_s:7.2f} s  ({args.rows / import_s:,.0f} rows/s; "
        f"{n:,} interactions kept after duplicate resolution, {report.n_users:,} users, "
        f"{report.n_items:,} items)"
    )
    print(f"ratio import/read_csv: {import_s / read_s:6.1f}x  (goal < 5x; whole import goal < 10 s)")
    print(f"  of which parse+validate+clean (parse_csv alone): {parse_s:.2f} s; SQLite writing the rest")
    print(f"load_dataset (arrays): {load_s:7.2f} s  ({len(dataset.interactions):,} interactions)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
