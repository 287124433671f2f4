"""The array snapshot stored with each imported dataset: loading through it gives exactly what the rows give,
it is written in the import's transaction, and it goes with its dataset."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import delete, func, select

from tests.planted import make_dataset
from workbench.core.interactions import Dataset
from workbench.core.progress import Cancelled
from workbench.data.content import import_item_content
from workbench.data.csv_import import CsvSpec, import_csv
from workbench.data.movielens import import_movielens
from workbench.store import blobs
from workbench.store.datasets import delete_dataset, interaction_arrays, list_datasets, load_dataset
from workbench.store.db import Database
from workbench.store.schema import BlobPartRow

DATA = Path(__file__).parent / "data"


def _snapshot_parts(db: Database, dataset_id: int | None = None) -> int:
    query = select(func.count()).select_from(BlobPartRow).where(BlobPartRow.dataset_id.isnot(None))
    if dataset_id is not None:
        query = query.where(BlobPartRow.dataset_id == dataset_id)
    with db.session() as session:
        return session.scalar(query) or 0


def _from_rows(db: Database, name: str, dataset_id: int) -> Dataset:
    """The dataset loaded from its rows alone (its snapshot removed)."""
    with db.session() as session:
        session.execute(delete(BlobPartRow).where(BlobPartRow.dataset_id == dataset_id))
    return load_dataset(db, name)


def _assert_same(fast: Dataset, slow: Dataset) -> None:
    a, b = fast.interactions, slow.interactions
    assert a.users.to_list() == b.users.to_list() and a.items.to_list() == b.items.to_list()
    np.testing.assert_array_equal(a.user_idx, b.user_idx)
    np.testing.assert_array_equal(a.item_idx, b.item_idx)
    np.testing.assert_array_equal(a.values, b.values)
    if b.timestamps is None:
        assert a.timestamps is None
    else:
        np.testing.assert_array_equal(a.timestamps, b.timestamps)
    assert (a.kind, a.rating_min, a.rating_max) == (b.kind, b.rating_min, b.rating_max)
    assert fast.content.titles == slow.content.titles


def test_csv_import_loads_the_same_through_its_snapshot_as_through_its_rows(db: Database,
                                                                           tmp_path: Path) -> None:
    rng = np.random.default_rng(3)
    n = 3000
    path = tmp_path / "shop.csv"
    lines = ["user,item,stars,ts"] + [  # text ids in no particular order, duplicates, timestamps
        f"c{u:03d},{'0' * (i % 3)}{i},{r},{t}" for u, i, r, t in zip(
            rng.integers(0, 200, n), rng.integers(0, 150, n), rng.integers(1, 6, n),
            rng.integers(1_500_000_000, 1_700_000_000, n), strict=True)]
    path.write_text("\n".join(lines) + "\n")
    other = tmp_path / "other.csv"
    other.write_text("u,i\nz,q\ny,q\nz,r\n")
    import_csv(db, other, CsvSpec("u", "i"), name="other")  # row ids of the next import do not start at 1
    report = import_csv(db, path, CsvSpec("user", "item", "stars", "ts"), name="shop")
    items = tmp_path / "items.csv"
    items.write_text("item,title\n1,One\n001,Zero-one\n7,Seven\n")
    import_item_content(db, items, "shop")

    assert _snapshot_parts(db, report.dataset_id) >= 1
    arrays = interaction_arrays(db, report.dataset_id)
    assert arrays is not None and len(arrays.user_pos) == report.n_interactions
    fast = load_dataset(db, "shop")
    _assert_same(fast, _from_rows(db, "shop", report.dataset_id))
    assert interaction_arrays(db, report.dataset_id) is None
    _assert_same(load_dataset(db, "other"), _from_rows(db, "other", 1))


def test_movielens_with_catalogue_only_items_and_a_multi_part_snapshot(db: Database, monkeypatch) -> None:
    monkeypatch.setattr(blobs, "PART_BYTES", 64)  # a snapshot bigger than one field
    report = import_movielens(db, DATA / "ml-latest-tiny", name="tiny")
    assert _snapshot_parts(db, report.dataset_id) > 1
    _assert_same(load_dataset(db, "tiny"), _from_rows(db, "tiny", report.dataset_id))


def test_snapshot_is_part_of_the_import_transaction_and_of_its_dataset(db: Database, tmp_path: Path,
                                                                      monkeypatch) -> None:
    import workbench.data.writer as writer

    path = tmp_path / "x.csv"
    path.write_text("u,i\n1,a\n2,a\n2,b\n")
    real = writer.write_snapshot

    def write_then_fail(conn, dataset_id, arrays) -> None:
        real(conn, dataset_id, arrays)
        raise Cancelled()  # the import stops after its snapshot was written, before it commits

    monkeypatch.setattr(writer, "write_snapshot", write_then_fail)
    with pytest.raises(Cancelled):
        import_csv(db, path, CsvSpec("u", "i"), name="x")
    assert _snapshot_parts(db) == 0 and list_datasets(db) == []
    monkeypatch.undo()
    report = import_csv(db, path, CsvSpec("u", "i"), name="x")
    assert _snapshot_parts(db, report.dataset_id) == 1
    delete_dataset(db, "x")
    assert _snapshot_parts(db) == 0


def test_datasets_without_a_snapshot_load_from_their_rows(db: Database) -> None:
    make_dataset(db, "rows-only", n_users=20, n_items=10, per_user=4)  # written row by row, no snapshot
    assert interaction_arrays(db, 1) is None
    data = load_dataset(db, "rows-only")
    assert len(data.interactions) == 80 and data.interactions.n_items == 10
