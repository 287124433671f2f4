"""Malformed inputs: each is refused with a message naming file, line and column, and the database is
left row-for-row as it was (also after an earlier successful import)."""

from __future__ import annotations

from pathlib import Path

import pytest

from workbench.cli import main
from workbench.data.csv_import import CsvSpec, import_csv, preview_csv
from workbench.errors import InputError
from workbench.store.db import Database

TABLES = ("datasets", "users", "items", "interactions", "models", "training_runs")


def snapshot(db: Database) -> dict[str, object]:
    with db.engine.connect() as conn:
        counts = {t: conn.exec_driver_sql(f"SELECT COUNT(*) FROM {t}").scalar() for t in TABLES}
        names = [r[0] for r in conn.exec_driver_sql("SELECT name FROM datasets ORDER BY id")]
        total = conn.exec_driver_sql("SELECT COALESCE(SUM(value), 0) FROM interactions").scalar()
    return {"counts": counts, "names": names, "value_sum": total}


@pytest.fixture
def seeded(db: Database, tmp_path: Path) -> Database:
    """A database that already holds one good import, which every failure must leave intact."""
    good = tmp_path / "good.csv"
    good.write_text("user,item,rating,timestamp\n1,a,4,1000\n2,a,5,1001\n2,b,3,1002\n")
    import_csv(db, good, CsvSpec("user", "item", "rating", "timestamp"))
    return db


SPEC = CsvSpec("user", "item", "rating", "timestamp")

# (file bytes, spec, expected fragments of the message: file name is always checked, then line/column/what)
CASES = {
    "non_numeric_rating": (
        b"user,item,rating,timestamp\n1,a,4,10\n1,b,five,11\n",
        SPEC,
        ["line 3", "column 'rating'", "'five' is not a number"],
    ),
    "unparsable_timestamp": (
        b"user,item,rating,timestamp\n1,a,4,10\n1,b,3,yesterday\n2,c,1,12\n",
        SPEC,
        ["line 3", "column 'timestamp'", "'yesterday'", "ISO 8601"],
    ),
    "bad_iso_timestamp": (
        b"user,item,rating,timestamp\n1,a,4,2021-01-05T10:00:00Z\n1,b,3,2021-13-45\n",
        SPEC,
        ["line 3", "column 'timestamp'", "2021-13-45"],
    ),
    "too_many_fields": (
        b"user,item,rating,timestamp\n1,a,4,10\n1,b,3,11\n1,c,3,12,99\n",
        SPEC,
        ["line 4", "wrong number of fields", "expected 4"],
    ),
    "far_too_many_fields": (
        b"user,item,rating,timestamp\n1,a,4,10\n1,c,3,12,99,100,101\n",
        SPEC,
        ["line 3", "wrong number of fields"],
    ),
    "too_few_fields": (
        b"user,item,rating,timestamp\n1,a,4,10\n1,b,3\n2,c,1,12\n",
        SPEC,
        ["line 3", "wrong number of fields", "expected 4, found 3"],
    ),
    "unknown_column": (
        b"user,item,rating\n1,a,4\n",
        CsvSpec("user", "product", "rating"),
        ["line 1", "column 'product'", "unknown item column", "'user', 'item', 'rating'"],
    ),
    "position_out_of_range": (
        b"1,a,4\n2,b,3\n",
        CsvSpec(0, 1, 7, header=False),
        ["column '7'", "out of range", "3 columns"],
    ),
    "empty_file": (b"", SPEC, ["the file is empty"]),
    "blank_lines_only": (b"\n\n\n", SPEC, ["empty"]),
    "header_only": (b"user,item,rating,timestamp\n", SPEC, ["line 2", "header line but no data rows"]),
    "undecodable_bytes": (
        b"user,item,rating\n1,a,4\n2,caf\xe9,5\n",
        CsvSpec("user", "item", "rating"),
        ["line 3", "0xe9", "utf-8", "--encoding"],
    ),
    "rating_outside_scale": (
        b"user,item,rating\n1,a,4\n1,b,7\n",
        CsvSpec("user", "item", "rating", rating_scale=(1, 5)),
        ["line 3", "column 'rating'", "outside the declared scale 1..5"],
    ),
    "missing_rating": (
        b"user,item,rating,timestamp\n1,a,4,10\n1,b,,11\n",
        SPEC,
        ["line 3", "column 'rating'", "missing rating"],
    ),
    "infinite_rating": (
        b"user,item,rating\n1,a,inf\n",
        CsvSpec("user", "item", "rating"),
        ["line 2", "column 'rating'", "not a finite number"],
    ),
    "no_header_non_numeric": (
        b"1\ta\t4\n2\tb\tx\n",
        CsvSpec(0, 1, 2, sep="\t", header=False),
        ["line 2", "column '2'", "'x' is not a number"],
    ),
    "single_column": (b"just\none\ncolumn\n", CsvSpec(0, 1), ["only one column", "--sep"]),
    "all_ids_missing": (
        b"user,item,rating\n,a,4\n1,,3\n",
        CsvSpec("user", "item", "rating"),
        ["no interactions left after cleaning"],
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_malformed_input_is_refused_and_database_unchanged(
    seeded: Database, tmp_path: Path, case: str
) -> None:
    content, spec, fragments = CASES[case]
    path = tmp_path / f"{case}.csv"
    path.write_bytes(content)
    before = snapshot(seeded)
    with pytest.raises(InputError) as info:
        import_csv(seeded, path, spec, name=case)
    message = str(info.value)
    assert str(path) in message
    for fragment in fragments:
        assert fragment in message, (fragment, message)
    assert snapshot(seeded) == before
    assert before["names"] == ["good"]


def test_error_line_is_right_deep_in_a_chunked_file(db: Database, tmp_path: Path, monkeypatch) -> None:
    import workbench.data.csv_import as csv_import

    monkeypatch.setattr(csv_import, "CHUNK_ROWS", 1000)  # the bad line falls in the 5th chunk
    lines = ["user,item,rating"] + [f"{i},{i % 7},3" for i in range(4500)]
    lines[4321] = "9,9,oops"
    path = tmp_path / "big.csv"
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(InputError, match=r"line 4322, column 'rating': rating 'oops' is not a number"):
        import_csv(db, path, CsvSpec("user", "item", "rating"))
    lines[4321] = "9,9,3,extra"
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(InputError, match=r"line 4322: wrong number of fields"):
        import_csv(db, path, CsvSpec("user", "item", "rating"))
    assert snapshot(db)["counts"]["datasets"] == 0


def test_duplicate_dataset_name_is_refused(seeded: Database, tmp_path: Path) -> None:
    path = tmp_path / "other.csv"
    path.write_text("user,item\n1,a\n")
    before = snapshot(seeded)
    with pytest.raises(InputError, match="a dataset named 'good' already exists"):
        import_csv(seeded, path, CsvSpec("user", "item"), name="good")
    assert snapshot(seeded) == before


def test_latin1_file_imports_with_encoding_override(db: Database, tmp_path: Path) -> None:
    path = tmp_path / "latin.csv"
    path.write_bytes("user;item;rating\n1;café;4\n2;crème;5\n".encode("latin-1"))
    with pytest.raises(InputError, match="utf-8"):
        import_csv(db, path, CsvSpec("user", "item", "rating"))
    report = import_csv(db, path, CsvSpec("user", "item", "rating", encoding="latin-1"))
    assert report.n_items == 2
    from workbench.store.datasets import load_dataset

    assert set(load_dataset(db, "latin").interactions.items.ids) == {"café", "crème"}


def test_cli_reports_error_on_stderr_with_exit_code(tmp_path: Path, capsys) -> None:
    db_file = tmp_path / "cli.db"
    bad = tmp_path / "bad.csv"
    bad.write_text("user,item,rating\n1,a,4\n1,b,abc\n")
    code = main(
        [
            "--db",
            str(db_file),
            "datasets",
            "import",
            "csv",
            str(bad),
            "--user",
            "user",
            "--item",
            "item",
            "--rating",
            "rating",
        ]
    )
    err = capsys.readouterr().err
    assert code == 1
    assert f"{bad}, line 3, column 'rating'" in err
    assert main(["--db", str(db_file), "datasets", "list", "--json"]) == 0
    assert capsys.readouterr().out.strip() == "[]"


def test_preview_detects_delimiter_and_header(tmp_path: Path) -> None:
    path = tmp_path / "p.tsv"
    path.write_text("uid\tiid\tscore\n007\tx\t4\n7\ty\t5\n")
    preview = preview_csv(path)
    assert preview.sep == "\t" and preview.has_header
    assert preview.columns == ["uid", "iid", "score"]
    assert preview.rows[0] == ["007", "x", "4"]
