"""Generic CSV import: ids as text, detection, timestamps, cleaning rules, cancellation, progress, CLI."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from workbench.cli import main
from workbench.core.progress import Cancelled, CancelToken, Progress
from workbench.data.cleaning import CleaningOptions
from workbench.data.csv_import import CsvSpec, import_csv, parse_csv
from workbench.store.datasets import dataset_counts, list_datasets, load_dataset
from workbench.store.db import Database

TABLES = ("datasets", "users", "items", "interactions", "blob_parts")


def snapshot(db: Database) -> dict[str, object]:
    with db.engine.connect() as conn:
        return {t: conn.exec_driver_sql(f"SELECT COUNT(*) FROM {t}").scalar() for t in TABLES}


def test_ids_stay_text_and_header_is_detected(db: Database, tmp_path: Path) -> None:
    path = tmp_path / "shop.csv"
    path.write_text("customer,product,stars\n007,A1,4\n7,A1,2\n007, B2 ,5\n")
    report = import_csv(db, path, CsvSpec("customer", "product", "stars"))
    assert (report.name, report.n_users, report.n_items, report.n_interactions) == ("shop", 2, 2, 3)
    data = load_dataset(db, "shop").interactions
    assert data.users.ids == ("007", "7")
    assert data.items.ids == ("A1", "B2")  # padding stripped
    assert data.kind == "explicit" and (data.rating_min, data.rating_max) == (2.0, 5.0)
    pairs = {
        (data.users.external(u), data.items.external(i), float(v))
        for u, i, v in zip(data.user_idx, data.item_idx, data.values, strict=True)
    }
    assert pairs == {("007", "A1", 4.0), ("7", "A1", 2.0), ("007", "B2", 5.0)}


def test_positions_without_header_and_implicit(db: Database, tmp_path: Path) -> None:
    path = tmp_path / "clicks.tsv"
    path.write_text("u1\ti1\t2021-03-04T05:06:07Z\nu2\ti1\t2021-03-05\nu2\ti2\t1614900000\n")
    report = import_csv(db, path, CsvSpec(0, 1, timestamp=2))
    assert report.kind == "implicit" and report.rating_min is None
    data = load_dataset(db, report.dataset_id).interactions
    assert data.kind == "implicit"
    np.testing.assert_array_equal(data.values, [1.0, 1.0, 1.0])
    assert sorted(data.timestamps.tolist()) == sorted([1614834367, 1614902400, 1614900000])


@pytest.mark.parametrize(("rule", "expected"), [("last", 2.0), ("mean", 3.0), ("max", 4.0)])
def test_duplicate_rules(tmp_path: Path, rule: str, expected: float) -> None:
    path = tmp_path / "dups.csv"
    # By time the last rating is 2 (timestamp 30) although it is not the last line.
    path.write_text("u,i,r,t\n1,a,3,10\n1,a,2,30\n1,a,4,20\n2,a,5,5\n")
    parsed = parse_csv(path, CsvSpec("u", "i", "r", "t"), CleaningOptions(duplicates=rule))
    assert parsed.report["dropped_duplicates"] == 2
    values = dict(zip(parsed.users.tolist(), parsed.values.tolist(), strict=True))
    assert values == {"1": expected, "2": 5.0}


def test_last_without_timestamps_means_file_order(tmp_path: Path) -> None:
    path = tmp_path / "d.csv"
    path.write_text("u,i,r\n1,a,3\n1,a,1\n")
    parsed = parse_csv(path, CsvSpec("u", "i", "r"))
    assert parsed.values.tolist() == [1.0]


def test_missing_ids_dropped_and_k_core_iterated(tmp_path: Path) -> None:
    rows = ["u,i"]
    rows += [f"{u},{i}" for u in ("a", "b", "c") for i in ("x", "y", "z")]  # a dense 3x3 core
    rows += ["d,x", "d,w", "e,w", ",x", "f,", ""]  # d/e/w fall away in rounds; two rows lack ids; one blank
    path = tmp_path / "k.csv"
    path.write_text("\n".join(rows) + "\n")
    parsed = parse_csv(
        path, CsvSpec("u", "i"), CleaningOptions(min_user_interactions=3, min_item_interactions=3)
    )
    report = parsed.report
    assert report["dropped_missing_ids"] == 2
    assert report["blank_lines"] == 1
    assert report["dropped_k_core"] == 3
    assert report["k_core_rounds"] >= 2
    assert report["rows_kept"] == 9 and sorted(set(parsed.users)) == ["a", "b", "c"]


def test_cancel_mid_import_leaves_nothing(db: Database, tmp_path: Path, monkeypatch) -> None:
    import workbench.data.writer as writer

    monkeypatch.setattr(writer, "INSERT_BATCH", 500)
    path = tmp_path / "many.csv"
    rng = np.random.default_rng(1)
    lines = ["u,i,r"] + [
        f"{u},{i},{r}"
        for u, i, r in zip(
            rng.integers(0, 300, 5000), rng.integers(0, 200, 5000), rng.integers(1, 6, 5000), strict=True
        )
    ]
    path.write_text("\n".join(lines) + "\n")
    import_csv(db, path, CsvSpec("u", "i", "r"), name="first")
    before = snapshot(db)
    token = CancelToken()
    events: list[Progress] = []

    def on_progress(event: Progress) -> None:
        events.append(event)
        if "users and items stored" in event.message:
            token.cancel()  # users and items are already written inside the transaction

    with pytest.raises(Cancelled):
        import_csv(db, path, CsvSpec("u", "i", "r"), name="second", cancel=token, progress=on_progress)
    assert any("users and items stored" in e.message for e in events)
    assert snapshot(db) == before


def test_progress_reports_rows_and_bytes(db: Database, tmp_path: Path, monkeypatch) -> None:
    import workbench.data.csv_import as csv_import

    monkeypatch.setattr(csv_import, "CHUNK_ROWS", 100)
    path = tmp_path / "p.csv"
    path.write_text("u,i\n" + "".join(f"{k},{k % 13}\n" for k in range(1000)))
    events: list[Progress] = []
    import_csv(db, path, CsvSpec("u", "i"), progress=events.append)
    reads = [e for e in events if "rows read" in e.message]
    assert reads[-1].total == path.stat().st_size and reads[-1].done == reads[-1].total
    assert "1,000 rows read" in reads[-1].message
    assert events[-1].fraction == 1.0


def test_cli_import_show_delete(tmp_path: Path, capsys) -> None:
    db_file = str(tmp_path / "cli.db")
    path = tmp_path / "r.csv"
    path.write_text(
        "user;item;rating;ts\n"
        + "".join(f"{u};{i};{1 + (u + i) % 5};{1000 + u}\n" for u in range(12) for i in range(u + 1))
    )
    assert (
        main(
            [
                "--db",
                db_file,
                "datasets",
                "import",
                "csv",
                str(path),
                "--user",
                "user",
                "--item",
                "item",
                "--rating",
                "rating",
                "--timestamp",
                "ts",
                "--scale",
                "1,5",
                "--name",
                "mine",
                "--json",
            ]
        )
        == 0
    )
    out = json.loads(capsys.readouterr().out)
    assert out["n_interactions"] == 78 and out["name"] == "mine"
    assert main(["--db", db_file, "datasets", "show", "mine", "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert {
        k: shown[k] for k in ("n_users", "n_items", "n_interactions", "kind", "rating_min", "rating_max")
    } == {
        "n_users": 12,
        "n_items": 12,
        "n_interactions": 78,
        "kind": "explicit",
        "rating_min": 1.0,
        "rating_max": 5.0,
    }
    assert shown["top_users"] == [str(u) for u in range(11, 1, -1)]
    assert main(["--db", db_file, "datasets", "delete", "mine"]) == 0
    capsys.readouterr()
    assert main(["--db", db_file, "datasets", "show", "mine"]) == 1
    assert "no dataset named 'mine'" in capsys.readouterr().err


def test_cli_subprocess_default_name_and_list(tmp_path: Path) -> None:
    path = tmp_path / "events.csv"
    path.write_text("0,1\n0,2\n1,2\n")
    db_file = str(tmp_path / "sub.db")
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "workbench",
            "--db",
            db_file,
            "datasets",
            "import",
            "csv",
            str(path),
            "--user",
            "0",
            "--item",
            "1",
            "--no-header",
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    listing = subprocess.run(
        [sys.executable, "-m", "workbench", "--db", db_file, "datasets", "list", "--json"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert [d["name"] for d in json.loads(listing.stdout)] == ["events"]


def test_delete_cascades(db: Database, tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_text("u,i\n1,a\n2,a\n")
    keep = tmp_path / "y.csv"
    keep.write_text("u,i\n1,a\n")
    first = import_csv(db, path, CsvSpec("u", "i"))
    second = import_csv(db, keep, CsvSpec("u", "i"))
    from workbench.store.datasets import delete_dataset

    delete_dataset(db, "x")
    assert dataset_counts(db, first.dataset_id) == {"users": 0, "items": 0, "interactions": 0}
    assert dataset_counts(db, second.dataset_id) == {"users": 1, "items": 1, "interactions": 1}
    assert [d.name for d in list_datasets(db)] == ["y"]


def _index_names(db: Database) -> set[str]:
    with db.engine.connect() as conn:
        rows = conn.exec_driver_sql("SELECT name FROM sqlite_master WHERE type='index'").fetchall()
    return {r[0] for r in rows}


def test_bulk_path_rebuilds_indexes_and_restores_foreign_keys(db: Database, tmp_path: Path,
                                                                 monkeypatch) -> None:
    import workbench.data.writer as writer

    monkeypatch.setattr(writer, "REBUILD_INDEX_MIN_ROWS", 0)
    monkeypatch.setattr(writer, "INSERT_BATCH", 50)
    path = tmp_path / "bulk.csv"
    path.write_text("u,i,r\n" + "".join(f"u{k % 17},i{k % 23},{1 + k % 5}\n" for k in range(300)))
    indexes = _index_names(db)
    assert {"ix_interactions_item_id", "ix_interactions_dataset_value"} <= indexes
    token = CancelToken()

    def cancel_before_interactions(event: Progress) -> None:
        if "users and items stored" in event.message:
            token.cancel()  # polled at the first batch, after the index was dropped

    with pytest.raises(Cancelled):
        import_csv(db, path, CsvSpec("u", "i", "r"), name="cancelled", cancel=token,
                   progress=cancel_before_interactions)
    # the dropped indexes came back with the rollback
    assert _index_names(db) == indexes
    assert list_datasets(db) == []

    import_csv(db, path, CsvSpec("u", "i", "r"), name="bulk")
    assert _index_names(db) == indexes
    with db.engine.connect() as conn:
        for _ in range(3):  # every pooled connection enforces foreign keys again
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    assert load_dataset(db, "bulk").interactions.n_users == 17
