"""Column guessing in the core, and ``datasets import csv`` without ``--user/--item`` on real files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from workbench.cli import main
from workbench.data.columns import guess_columns, guess_csv_spec
from workbench.errors import InputError
from workbench.store.datasets import get_dataset_info
from workbench.store.db import open_database


def test_guess_columns_from_headers() -> None:
    guess = guess_columns(["movie_id", "customer", "stars", "date"], has_header=True)
    assert guess.positions == {"user": 1, "item": 0, "rating": 2, "timestamp": 3}
    assert guess.by_name and guess.ambiguous_roles() == []
    assert guess_columns(["0", "1", "2"], has_header=False).positions == {
        "user": 0, "item": 1, "rating": 2, "timestamp": None}


def test_a_points_header_is_not_taken_for_a_timestamp() -> None:
    # "ts" (a timestamp keyword) is inside "points": only whole words count for short keywords
    assert guess_columns(["visitor", "itemId", "points", "when"], has_header=True).positions["timestamp"] == 3
    assert guess_columns(["userId", "movieId", "ts"], has_header=True).positions["timestamp"] == 2


def test_an_exact_name_wins_and_two_exact_names_are_ambiguous() -> None:
    guess = guess_columns(["user_age", "user_id", "item"], has_header=True)
    assert guess.positions["user"] == 1 and guess.ambiguous_roles() == []
    guess = guess_columns(["customer", "customer_id", "product"], has_header=True)
    assert guess.ambiguous_roles() == ["user"] and guess.rivals["user"] == (1,)


def test_headerless_rating_is_guessed_only_when_numeric() -> None:
    rows = [["u1", "i1", "good"], ["u2", "i2", "bad"]]
    assert guess_columns(["0", "1", "2"], has_header=False, rows=rows).positions["rating"] is None
    rows = [["u1", "i1", "4"], ["u2", "i2", "3.5"]]
    assert guess_columns(["0", "1", "2"], has_header=False, rows=rows).positions["rating"] == 2
    rows = [["196", "242", "3", "881250949"], ["186", "302", "3", "891717742"]]  # MovieLens' u.data
    assert guess_columns(["0", "1", "2", "3"], has_header=False, rows=rows).positions == {
        "user": 0, "item": 1, "rating": 2, "timestamp": 3}


@pytest.fixture
def cli(tmp_path: Path, capsys):
    """Run the CLI on a fresh database file; returns (exit code, stdout, stderr)."""
    db_path = tmp_path / "wb.db"

    def run(*args: str) -> tuple[int, str, str]:
        code = main(["--db", str(db_path), *args])
        out, err = capsys.readouterr()
        return code, out, err

    run.db_path = db_path  # type: ignore[attr-defined]
    return run


def test_cli_imports_a_csv_without_user_and_item_options(cli, tmp_path: Path) -> None:
    path = tmp_path / "shop.csv"
    lines = ["visitor;productId;stars;when"]
    lines += [f"c{u};p{(u * 3 + k) % 7};{1 + (u + k) % 5};{1_600_000_000 + 60 * k}"
              for u in range(12) for k in range(3)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    code, out, err = cli("datasets", "import", "csv", str(path), "--json")
    assert code == 0, err
    assert "columns guessed from shop.csv: user = 'visitor', item = 'productId'" in err
    assert "override with --user, --item" in err
    report = json.loads(out)
    assert report["columns"] == {"user": "visitor", "item": "productId", "rating": "stars",
                                 "timestamp": "when"}
    db = open_database(cli.db_path)
    try:
        info = get_dataset_info(db, "shop")
        assert (info.kind, info.n_users, info.n_interactions) == ("explicit", 12, 36)
    finally:
        db.close()


def test_cli_guesses_a_headerless_file_in_the_usual_order(cli, tmp_path: Path) -> None:
    path = tmp_path / "log.tsv"
    path.write_text("".join(f"{u}\t{100 + (u + k) % 9}\t{1_600_000_000 + k}\n" for u in range(8)
                            for k in range(3)), encoding="utf-8")
    code, out, err = cli("datasets", "import", "csv", str(path), "--json")
    assert code == 0, err
    report = json.loads(out)  # unix seconds in the third column: a timestamp, so implicit feedback
    assert report["columns"] == {"user": 0, "item": 1, "rating": None, "timestamp": 2}
    assert report["name"] == "log" and report["kind"] == "implicit"
    # a column named on the command line is not guessed for another role
    code, out, err = cli("datasets", "import", "csv", str(path), "--json", "--name", "w", "--rating", "2")
    assert code == 0, err
    assert json.loads(out)["columns"] == {"user": 0, "item": 1, "rating": "2", "timestamp": None}


def test_cli_refuses_an_ambiguous_file_naming_it_and_its_columns(cli, tmp_path: Path) -> None:
    path = tmp_path / "people.csv"
    path.write_text("name,thing,colour\nann,cup,red\nbob,pen,blue\n", encoding="utf-8")
    code, _, err = cli("datasets", "import", "csv", str(path))
    assert code == 1
    assert "people.csv" in err and "'name', 'thing', 'colour'" in err and "--user and --item" in err
    with pytest.raises(InputError, match="holds the user and item ids"):
        guess_csv_spec(path)
    # naming the columns imports it
    code, _, err = cli("datasets", "import", "csv", str(path), "--user", "name", "--item", "thing")
    assert code == 0, err


def test_one_header_rule_for_imports_and_holdout_files(tmp_path: Path) -> None:
    from workbench.core.delimited import detect_header
    from workbench.evaluation.holdout import read_holdout

    # ids shaped like the rows below them are data, names are a header
    assert not detect_header([["u1", "i1"], ["u2", "i2"]])
    assert detect_header([["user", "item"], ["u1", "i1"]])
    assert detect_header([["user", "item", "rating"], ["u1", "i1", "4"]])
    path = tmp_path / "pairs.csv"
    path.write_text("u1;i1\nu2;i2\n", encoding="utf-8")
    rows = read_holdout(path)
    assert (rows.sep, rows.has_header, rows.users) == (";", False, ["u1", "u2"])
    spec, preview = guess_csv_spec(path)
    assert (preview.sep, preview.has_header, spec.user, spec.item) == (";", False, 0, 1)


def test_cli_names_a_movielens_file_after_its_release_and_points_folders_to_the_movielens_import(
        cli, tmp_path: Path) -> None:
    release = Path(__file__).parent / "data" / "ml-latest-tiny"
    code, out, err = cli("datasets", "import", "csv", str(release / "ratings.csv"), "--json")
    assert code == 0, err
    report = json.loads(out)
    assert report["name"] == "ml-latest-tiny" and report["kind"] == "explicit"
    assert report["columns"] == {"user": "userId", "item": "movieId", "rating": "rating",
                                 "timestamp": "timestamp"}
    code, _, err = cli("datasets", "import", "csv", str(release))
    assert code == 1 and "is a MovieLens folder" in err and "datasets import movielens" in err
