"""Shared helpers of the benchmarks: finding MovieLens 100K, importing it through the public importers,
timing, and running CLI commands in-process.

The data is read from ``$WORKBENCH_ML100K`` or ``../shared/data/ml-100k``; when it is absent a benchmark
prints ``skipped: ...`` and exits 0.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from workbench.store.db import Database, open_database  # noqa: E402


def ml100k_dir() -> Path | None:
    """The MovieLens 100K folder, or None."""
    for candidate in (os.environ.get("WORKBENCH_ML100K"), REPO.parent / "shared" / "data" / "ml-100k"):
        if candidate and (Path(candidate) / "u.data").is_file():
            return Path(candidate)
    return None


def require_ml100k() -> Path:
    """The folder, or print why the benchmark is skipped and exit 0."""
    path = ml100k_dir()
    if path is None:
        print("skipped: MovieLens 100K not found "
              "(set WORKBENCH_ML100K or place it in ../shared/data/ml-100k)")
        raise SystemExit(0)
    return path


@contextlib.contextmanager
def temp_database() -> Iterator[tuple[Database, Path]]:
    """A fresh database file in a temporary folder (removed afterwards)."""
    with tempfile.TemporaryDirectory(prefix="recwb-bench-") as folder:
        path = Path(folder) / "bench.db"
        db = open_database(path)
        try:
            yield db, path
        finally:
            db.close()


def movielens_items(folder: Path) -> pd.DataFrame:
    """``u.item`` as the importers' item table: external_id, title, text, categories, attributes."""
    genres = [line.split("|")[0] for line in (folder / "u.genre").read_text(encoding="latin-1").splitlines()
              if line.strip()]
    frame = pd.read_csv(folder / "u.item", sep="|", header=None, encoding="latin-1", dtype=str,
                        keep_default_na=False)
    flags = frame.iloc[:, 5:5 + len(genres)].to_numpy() == "1"
    return pd.DataFrame({
        "external_id": frame[0].astype(str),
        "title": frame[1].astype(str),
        "text": [""] * len(frame),
        "categories": [[g for g, on in zip(genres, row, strict=True) if on] for row in flags],
        "attributes": [{"release_date": d} for d in frame[2]],
    })


def import_ratings(db: Database, ratings_file: Path, name: str, folder: Path | None = None) -> int:
    """Import a MovieLens ``user item rating timestamp`` file with the public CSV parser and writer; the
    items of ``u.item`` (titles, genres) are attached when ``folder`` is given. Returns the dataset id."""
    from workbench.data.csv_import import CsvSpec, parse_csv
    from workbench.data.writer import write_dataset

    spec = CsvSpec(user=0, item=1, rating=2, timestamp=3, sep="\t", header=False, rating_scale=(1.0, 5.0))
    parsed = parse_csv(ratings_file, spec)
    dataset_id = write_dataset(db, parsed, name).dataset_id
    if folder is not None:
        attach_items(db, dataset_id, movielens_items(folder))
    return dataset_id


def attach_items(db: Database, dataset_id: int, items: pd.DataFrame) -> None:
    """Fill title, text and categories of a dataset's items from an item table (matched by external id)."""
    rows = [(title, text, json.dumps(cats), dataset_id, ext) for ext, title, text, cats in
            zip(items["external_id"], items["title"], items["text"], items["categories"], strict=True)]
    with db.engine.begin() as conn:
        conn.exec_driver_sql("UPDATE items SET title = ?, text = ?, categories = ? "
                             "WHERE dataset_id = ? AND external_id = ?", rows)


def import_ml100k(db: Database, folder: Path, name: str = "ml-100k") -> int:
    """The whole 100K set with titles and genres: ``import_movielens`` when it exists, else ``u.data``
    through the CSV importer plus ``u.item``."""
    try:
        from workbench.data.movielens import import_movielens
    except ImportError:
        return import_ratings(db, folder / "u.data", name, folder)
    return import_movielens(db, folder, name=name).dataset_id


def load(db: Database, dataset_id: int) -> Any:
    """The stored dataset as core containers."""
    from workbench.store.datasets import load_dataset

    return load_dataset(db, dataset_id)


def cli_json(db_path: Path, *args: str) -> Any:
    """Run ``python -m workbench --db DB ARGS --json`` in-process and return its JSON output."""
    from workbench.cli import main

    out = io.StringIO()
    err = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["--db", str(db_path), *args, "--json"])
    if code != 0:
        raise RuntimeError(f"command {' '.join(args)} failed ({code}): {err.getvalue().strip()}")
    return json.loads(out.getvalue())


class Timer:
    """``with Timer() as t: ...; t.seconds``."""

    def __enter__(self) -> Timer:
        self.start = time.perf_counter()
        self.seconds = 0.0
        return self

    def __exit__(self, *exc: object) -> None:
        self.seconds = time.perf_counter() - self.start


def fmt(value: float | None, digits: int = 4) -> str:
    return "n/a" if value is None or (isinstance(value, float) and np.isnan(value)) else f"{value:.{digits}f}"


def ratio(a: float | None, b: float | None) -> str:
    if a is None or b is None or b == 0:
        return "n/a"
    return f"{a / b:.3f}"


def available_families() -> list[str]:
    from workbench.models.registry import FAMILIES

    return list(FAMILIES)
