"""Store helpers: loading back into arrays, paged browsing for lazy tables, item content join."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from workbench.cli import main
from workbench.data.content import import_item_content
from workbench.data.csv_import import CsvSpec, import_csv
from workbench.errors import InputError, NotFoundError
from workbench.store.datasets import count_rows, get_dataset_info, load_dataset, load_item_content, page_rows
from workbench.store.db import Database

DATA = Path(__file__).parent / "data"


@pytest.fixture
def shop(db: Database, tmp_path: Path) -> int:
    path = tmp_path / "shop.csv"
    rows = [(u, i, 1 + (u * 3 + i) % 5, 1000 + u * 10 + i) for u in range(1, 21) for i in range(1, 4 + u % 5)]
    path.write_text("user,item,rating,ts\n" + "".join(f"u{u},i{i},{r},{t}\n" for u, i, r, t in rows))
    return import_csv(db, path, CsvSpec("user", "item", "rating", "ts")).dataset_id


def test_load_round_trip(db: Database, shop: int) -> None:
    data = load_dataset(db, shop).interactions
    assert len(data) == get_dataset_info(db, shop).n_interactions
    triples = {
        (data.users.external(u), data.items.external(i), float(v), int(t))
        for u, i, v, t in zip(data.user_idx, data.item_idx, data.values, data.timestamps, strict=True)
    }
    assert ("u3", "i2", float(1 + (9 + 2) % 5), 1032) in triples
    assert np.bincount(data.user_idx).sum() == len(data)


def test_paging_sorting_filtering(db: Database, shop: int) -> None:
    total = count_rows(db, shop, "interactions")
    assert total == get_dataset_info(db, shop).n_interactions
    columns, first = page_rows(db, shop, "interactions", 0, 5)
    assert columns == ["user", "item", "title", "value", "timestamp"] and len(first) == 5
    _, rest = page_rows(db, shop, "interactions", 5, 1000)
    assert len(first) + len(rest) == total
    _, top = page_rows(db, shop, "interactions", 0, 3, order_by="timestamp", descending=True)
    assert [r[4] for r in top] == sorted([r[4] for r in first + rest], reverse=True)[:3]
    assert count_rows(db, shop, "users", "u1") == 11  # u1, u10..u19
    columns, users = page_rows(db, shop, "users", 0, 3, order_by="interactions", descending=True)
    assert columns == ["user", "interactions", "mean_value"]
    assert [r[1] for r in users] == [7, 7, 7]
    _, filtered = page_rows(db, shop, "interactions", 0, 100, filter_text="u20")
    assert {r[0] for r in filtered} == {"u20"} and len(filtered) == count_rows(
        db, shop, "interactions", "u20"
    )
    _, items = page_rows(db, shop, "items", 0, 10)
    assert items[0][0] == "i1" and items[0][3] == 20


def test_item_content_csv_and_jsonl(db: Database, tmp_path: Path) -> None:
    path = tmp_path / "d.csv"
    path.write_text("u,i\n1,i1\n1,i2\n2,i3\n")
    import_csv(db, path, CsvSpec("u", "i"))
    report = import_item_content(db, DATA / "items.csv", "d")
    assert (report.matched, report.unmatched, report.unmatched_ids) == (2, 1, ["zz9"])
    content = load_dataset(db, "d").content
    assert content.titles[:2] == ["Red Tent", "Blue Pan"]
    assert content.texts[0] == "A waterproof tent"
    assert content.categories[:2] == [["Outdoor", "Camping"], ["Kitchen", "Cookware"]]
    report = import_item_content(db, DATA / "items.jsonl", "d")
    assert (report.matched, report.unmatched_ids) == (2, ["nope"])
    assert load_dataset(db, "d").content.categories[2] == ["Home"]
    # the content alone (what a memory estimate reads) is the loaded dataset's, without its interactions
    whole, alone = load_dataset(db, "d").content, load_item_content(db, "d")
    assert alone.items.ids == whole.items.ids
    assert (alone.titles, alone.texts, alone.categories, alone.attributes) == \
        (whole.titles, whole.texts, whole.categories, whole.attributes)


def test_item_content_errors_leave_items_unchanged(db: Database, tmp_path: Path, capsys) -> None:
    path = tmp_path / "d.csv"
    path.write_text("u,i\n1,i1\n")
    import_csv(db, path, CsvSpec("u", "i"))
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "i1", "title": "ok"}\n{"id": "i2", "title": oops}\n')
    with pytest.raises(InputError, match=r"bad.jsonl, line 2: invalid JSON"):
        import_item_content(db, bad, "d")
    with pytest.raises(InputError, match=r"column 'sku'.*unknown item id column"):
        import_item_content(db, DATA / "items.csv", "d", id_column="sku")
    with pytest.raises(NotFoundError):
        import_item_content(db, DATA / "items.csv", "nope")
    assert load_dataset(db, "d").content.titles == [""]
    code = main(
        [
            "--db",
            str(db.sqlite_path),
            "datasets",
            "import",
            "items",
            str(DATA / "items.csv"),
            "--dataset",
            "d",
            "--json",
        ]
    )
    assert code == 0 and json.loads(capsys.readouterr().out)["matched"] == 1


def test_interaction_sorts_and_filter_match_a_full_sort(db: Database, shop: int) -> None:
    _, everything = page_rows(db, shop, "interactions", 0, 1000)  # id order
    rank = {row: n for n, row in enumerate(everything)}  # rows are unique (one per user, item)
    item_rank = {r[1]: int(r[1][1:]) for r in everything}  # items were created i1, i2, ... (id order)
    for descending in (False, True):
        _, by_user = page_rows(db, shop, "interactions", 0, 1000, order_by="user", descending=descending)
        want = sorted(everything, key=lambda r: rank[r])
        want.sort(key=lambda r: r[0], reverse=descending)  # stable: ties stay in id order
        assert by_user == want
        _, page = page_rows(db, shop, "interactions", 7, 5, order_by="user", descending=descending)
        assert page == want[7:12]
        _, by_title = page_rows(db, shop, "interactions", 0, 1000, order_by="title", descending=descending)
        want = sorted(everything, key=lambda r: rank[r])
        want.sort(key=lambda r: (r[2], item_rank[r[1]]), reverse=descending)
        want_ids = [(r[2], r[1]) for r in want]
        assert [(r[2], r[1]) for r in by_title] == want_ids  # title, then item id in the same direction
    _, filtered = page_rows(db, shop, "interactions", 0, 1000, filter_text="i3", order_by="user")
    assert filtered == sorted([r for r in everything if r[1] == "i3"], key=lambda r: (r[0], rank[r]))
    assert count_rows(db, shop, "interactions", "i3") == sum(r[1] == "i3" for r in everything) > 0
