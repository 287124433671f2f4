"""MovieLens: the real 100K folder (skips when absent) and the newer CSV layout from a tiny fixture."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from workbench.cli import main
from workbench.data.movielens import detect_layout, import_movielens
from workbench.errors import InputError
from workbench.store.datasets import load_dataset
from workbench.store.db import Database

TINY = Path(__file__).parent / "data" / "ml-latest-tiny"


def test_ml100k_import(db: Database, ml100k: Path) -> None:
    report = import_movielens(db, ml100k)
    assert (report.n_users, report.n_items, report.n_interactions) == (943, 1682, 100_000)
    data = load_dataset(db, report.dataset_id)
    content = data.content
    assert content is not None
    row = data.interactions.items.row("1")
    assert content.titles[row] == "Toy Story (1995)"
    assert content.categories[row] == ["Animation", "Children's", "Comedy"]
    assert len(content.category_names()) == 19
    assert data.user_features["occupation"][data.interactions.users.row("1")] == "technician"
    assert (data.interactions.rating_min, data.interactions.rating_max) == (1.0, 5.0)
    assert data.interactions.timestamps is not None


def test_newer_csv_layout(db: Database) -> None:
    assert detect_layout(TINY) == "csv"
    report = import_movielens(db, TINY, name="tiny")
    assert (report.n_users, report.n_interactions) == (3, 7)
    assert report.n_items == 5  # movie 99 has no ratings but stays in the catalogue
    data = load_dataset(db, "tiny")
    content = data.content
    items = data.interactions.items
    assert content.titles[items.row("50")] == "Usual Suspects, The (1995)"
    assert content.categories[items.row("1")] == ["Adventure", "Animation", "Children", "Comedy", "Fantasy"]
    assert content.categories[items.row("99")] == []
    assert content.texts[items.row("1")] == "pixar, fun"
    assert content.texts[items.row("50")] == "twist ending"
    assert (data.interactions.rating_min, data.interactions.rating_max) == (0.5, 5.0)


def test_not_a_movielens_folder(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="not a MovieLens folder"):
        detect_layout(tmp_path)


def test_cli_movielens(tmp_path: Path, capsys) -> None:
    db_file = str(tmp_path / "m.db")
    assert main(["--db", db_file, "datasets", "import", "movielens", str(TINY), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["name"] == "ml-latest-tiny"
