"""The Arrow fast reader gives exactly what the careful (pandas, chunked) reader gives, and hands every
file it cannot take as-is to the careful reader, whose messages name the line and column."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import workbench.data.csv_import as csv_import
from workbench.data.cleaning import CleaningOptions
from workbench.data.csv_import import CsvSpec, parse_csv
from workbench.data.parsed import ParsedDataset
from workbench.errors import InputError


@pytest.fixture
def fast_calls(monkeypatch) -> list[bool]:
    """Records each fast-reader attempt: True when it returned arrays, False when it handed over."""
    calls: list[bool] = []
    original = csv_import._Reader._read_arrow

    def spy(self, *args, **kwargs):
        result = original(self, *args, **kwargs)
        calls.append(result is not None)
        return result

    monkeypatch.setattr(csv_import._Reader, "_read_arrow", spy)
    return calls


def careful(path: Path, spec: CsvSpec, cleaning: CleaningOptions | None = None) -> ParsedDataset:
    original = csv_import._Reader._read_arrow
    csv_import._Reader._read_arrow = lambda self, *a, **k: None  # type: ignore[method-assign]
    try:
        return parse_csv(path, spec, cleaning)
    finally:
        csv_import._Reader._read_arrow = original  # type: ignore[method-assign]


def assert_same(a: ParsedDataset, b: ParsedDataset) -> None:
    assert list(a.users) == list(b.users)
    assert list(a.items) == list(b.items)
    np.testing.assert_array_equal(a.values, b.values)
    if a.timestamps is None:
        assert b.timestamps is None
    else:
        assert b.timestamps is not None
        np.testing.assert_array_equal(a.timestamps, b.timestamps)
    assert a.report == b.report
    assert a.codes is not None and b.codes is not None
    for x, y in zip(a.codes, b.codes, strict=True):
        assert list(x) == list(y)


def test_same_result_on_awkward_but_valid_file(tmp_path: Path, fast_calls: list[bool]) -> None:
    # Text ids that look like numbers or like "missing", quoted ids with the separator inside, padded
    # ids, a row without an item, repeated pairs.
    path = tmp_path / "awkward.csv"
    path.write_text(
        "user,item,rating,time\n"
        "007,NA,4,1700000000\n"
        "7,null,3.5,1700000100\n"
        '"a,b", x ,5,1700000200\n'
        "a,x,1,1700000300\n"
        "a, x,2,1700000400\n"
        "b,,3,1700000500\n"
        "007,NA,2,1699999999\n"
        "c,y,4.5,1700000600\n"
    )
    spec = CsvSpec("user", "item", "rating", "time")
    for rule in ("last", "mean", "max"):
        fast = parse_csv(path, spec, CleaningOptions(duplicates=rule))  # type: ignore[arg-type]
        assert_same(fast, careful(path, spec, CleaningOptions(duplicates=rule))) # type: ignore[arg-type]
    assert fast_calls == [True, True, True]
    fast = parse_csv(path, spec)
    assert "007" in fast.users and "7" in fast.users and "NA" in fast.items and "null" in fast.items
    assert fast.report["dropped_missing_ids"] == 1 and fast.report["dropped_duplicates"] == 2


def test_same_result_with_iso_and_fractional_times_and_no_header(tmp_path: Path,
                                                                  fast_calls: list[bool]) -> None:
    iso = tmp_path / "iso.tsv"
    iso.write_text("u1\ti1\t2024-03-01T10:00:00Z\nu2\ti1\t2024-03-02 11:30:00\nu1\ti2\t2024-03-03\n")
    spec = CsvSpec(0, 1, timestamp=2)
    assert_same(parse_csv(iso, spec), careful(iso, spec))
    fractional = tmp_path / "frac.csv"
    fractional.write_text("u,i,t\na,b,1700000000.7\nc,d,1700000001.2\n")
    spec = CsvSpec("u", "i", timestamp="t")
    fast = parse_csv(fractional, spec)
    assert fast.timestamps is not None and fast.timestamps.tolist() == [1700000000, 1700000001]
    assert_same(fast, careful(fractional, spec))
    mixed = tmp_path / "mixed.csv"  # unix seconds in some rows, ISO text in others
    mixed.write_text("u,i,t\na,b,20240301\nc,d,2024-03-01T00:00:00\n")
    fast = parse_csv(mixed, spec)
    assert fast.timestamps is not None and fast.timestamps[0] == 20240301
    assert_same(fast, careful(mixed, spec))
    assert fast_calls == [True, True, False]


def test_same_result_on_random_file_with_duplicates(tmp_path: Path, fast_calls: list[bool]) -> None:
    rng = np.random.default_rng(3)
    n = 20_000
    path = tmp_path / "r.csv"
    lines = ["u,i,r,t"] + [
        f"u{u},{i},{r},{t}"
        for u, i, r, t in zip(rng.integers(0, 500, n), rng.integers(0, 300, n), rng.integers(1, 6, n),
                              rng.integers(0, 10**9, n), strict=True)
    ]
    path.write_text("\n".join(lines) + "\n")
    spec = CsvSpec("u", "i", "r", "t")
    options = CleaningOptions(min_user_interactions=30, min_item_interactions=40)
    fast = parse_csv(path, spec, options)
    assert fast.report["dropped_duplicates"] > 0 and fast.report["dropped_k_core"] > 0
    assert_same(fast, careful(path, spec, options))
    assert fast_calls == [True]


@pytest.mark.parametrize(
    ("body", "message", "line", "column"),
    [
        ("a,x,4\nb,y,abc\n", "rating 'abc' is not a number", 3, "r"),
        ("a,x,4\nb,y,\n", "missing rating value", 3, "r"),
        ("a,x,4\nb,y,9\n", "outside the declared scale", 3, "r"),
        ("a,x,4\nb,y\n", "wrong number of fields", 3, None),
        ("a,x,4\nb,y,3,7\n", "wrong number of fields", 3, None),
        ("a,x,4\nb,y,inf\n", "is not a finite number", 3, "r"),
    ],
)
def test_bad_rows_still_named_by_the_careful_reader(tmp_path: Path, fast_calls: list[bool], body: str,
                                                    message: str, line: int, column: str | None) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("u,i,r\n" + body)
    with pytest.raises(InputError) as caught:
        parse_csv(path, CsvSpec("u", "i", "r", rating_scale=(1, 5)))
    assert message in str(caught.value)
    assert caught.value.line == line
    if column is not None:
        assert caught.value.column == column
    assert fast_calls == [False]


def test_blank_lines_and_bad_times_go_to_the_careful_reader(tmp_path: Path, fast_calls: list[bool]) -> None:
    blank = tmp_path / "blank.csv"
    blank.write_text("u,i\na,x\n\nb,y\n")
    parsed = parse_csv(blank, CsvSpec("u", "i"))
    assert parsed.report["blank_lines"] == 1 and len(parsed) == 2
    times = tmp_path / "times.csv"
    times.write_text("u,i,t\na,x,1700000000\nb,y,yesterday\n")
    with pytest.raises(InputError, match="neither unix seconds nor ISO 8601") as caught:
        parse_csv(times, CsvSpec("u", "i", timestamp="t"))
    assert caught.value.line == 3
    assert fast_calls == [False, False]


def test_other_encodings_and_space_separated_files_skip_the_fast_reader(tmp_path: Path,
                                                                        fast_calls: list[bool]) -> None:
    latin = tmp_path / "latin.csv"
    latin.write_bytes("u,i\nJosé,x\nb,y\n".encode("latin-1"))
    parsed = parse_csv(latin, CsvSpec("u", "i", encoding="latin-1"))
    assert "José" in parsed.users
    spaced = tmp_path / "spaced.txt"
    spaced.write_text("a x 4\nb y 5\n")
    assert len(parse_csv(spaced, CsvSpec(0, 1, 2, sep=" "))) == 2
    assert fast_calls == []
