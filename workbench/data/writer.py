"""Writing a parsed dataset into the store: one transaction, bulk Core inserts, no ORM objects per row."""

from __future__ import annotations

import itertools
import json
import time
from collections.abc import Iterator
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import Connection, insert, select

from workbench.core.progress import CancelToken, Progress, ProgressCallback, Throttle
from workbench.data.parsed import ImportReport, ParsedDataset
from workbench.errors import InputError
from workbench.store.schema import DatasetRow

INSERT_BATCH = 100_000
REBUILD_INDEX_MIN_ROWS = 100_000  # below this, keeping the item index is as cheap as rebuilding it


def check_name_free(conn: Connection, name: str) -> None:
    """Refuse a dataset name that is taken (names are unique)."""
    if not name or not name.strip():
        raise InputError("the dataset name must not be empty")
    taken = conn.execute(select(DatasetRow.id).where(DatasetRow.name == name)).first()
    if taken is not None:
        raise InputError(f"a dataset named '{name}' already exists; choose another name or delete it first")


def _batches(rows: Iterator[tuple[Any, ...]], size: int) -> Iterator[list[tuple[Any, ...]]]:
    while batch := list(itertools.islice(rows, size)):
        yield batch


def write_dataset(
    db: Any,
    parsed: ParsedDataset,
    name: str,
    cancel: CancelToken | None = None,
    progress: ProgressCallback | None = None,
) -> ImportReport:
    """Store ``parsed`` as a new dataset called ``name`` in one transaction.

    Any error, or a cancellation polled between insert batches, rolls everything back.
    """
    started = time.perf_counter()
    emit = Throttle(progress)
    n = len(parsed)
    user_codes, user_ids = pd.factorize(parsed.users)
    item_codes, item_ids = pd.factorize(parsed.items)
    user_ids = np.asarray(user_ids, dtype=object)
    item_ids = np.asarray(item_ids, dtype=object)
    # Catalogue items described by the source but never interacted with are kept (cold items).
    item_frame = None
    if parsed.item_info is not None and len(parsed.item_info):
        info = parsed.item_info.drop_duplicates("external_id", keep="last").set_index("external_id")
        extra = info.index.difference(pd.Index(item_ids), sort=False)
        item_ids = np.concatenate([item_ids, np.asarray(extra, dtype=object)])
        item_frame = info.reindex(item_ids)
    user_features = None
    if parsed.user_info is not None and len(parsed.user_info):
        user_features = (
            parsed.user_info.drop_duplicates("external_id", keep="last")
            .set_index("external_id")["features"]
            .reindex(user_ids)
        )

    rating_min, rating_max = parsed.rating_min, parsed.rating_max
    if parsed.kind == "explicit" and n and (rating_min is None or rating_max is None):
        rating_min = float(parsed.values.min()) if rating_min is None else rating_min
        rating_max = float(parsed.values.max()) if rating_max is None else rating_max

    with db.engine.connect() as conn:
        sqlite = conn.dialect.name == "sqlite"
        if sqlite:
            # Row ids below come from this transaction's own inserts, so the per-row foreign-key
            # lookups can be skipped (this pragma only takes effect outside a transaction); a big page
            # cache keeps index pages in memory. Both are restored before the connection goes back.
            conn.exec_driver_sql("PRAGMA foreign_keys=OFF")
            conn.exec_driver_sql("PRAGMA cache_size=-131072")
            conn.commit()  # ends SQLAlchemy's autobegun (empty) transaction before the real one
        try:
            with conn.begin():
                report = _write(conn, parsed, name, sqlite, emit, cancel, rating_min, rating_max,
                                user_ids, item_ids, user_codes, item_codes, item_frame, user_features)
        finally:
            if sqlite:
                conn.exec_driver_sql("PRAGMA foreign_keys=ON")
                conn.exec_driver_sql("PRAGMA cache_size=-2000")
                conn.commit()
    report.elapsed_s = time.perf_counter() - started
    return report


def _write(conn: Connection, parsed: ParsedDataset, name: str, sqlite: bool, emit: Throttle,
           cancel: CancelToken | None, rating_min: float | None, rating_max: float | None,
           user_ids: np.ndarray, item_ids: np.ndarray, user_codes: np.ndarray, item_codes: np.ndarray,
           item_frame: pd.DataFrame | None, user_features: pd.Series | None) -> ImportReport:
    n = len(parsed)
    total_rows = len(user_ids) + len(item_ids) + n
    check_name_free(conn, name)
    dataset_id = conn.execute(
        insert(DatasetRow.__table__).values(
            name=name,
            kind=parsed.kind,
            rating_min=rating_min,
            rating_max=rating_max,
            source=parsed.source,
            n_users=len(user_ids),
            n_items=len(item_ids),
            n_interactions=n,
            import_report=parsed.report,
        )
    ).inserted_primary_key[0]

    empty = "{}"
    if user_features is None:
        user_rows = zip(
            itertools.repeat(dataset_id), user_ids.tolist(), itertools.repeat(empty), strict=False
        )
    else:
        feats = [json.dumps(f) if isinstance(f, dict) else empty for f in user_features.tolist()]
        user_rows = zip(itertools.repeat(dataset_id), user_ids.tolist(), feats, strict=False)
    conn.exec_driver_sql(
        "INSERT INTO users (dataset_id, external_id, features) VALUES (?, ?, ?)", list(user_rows)
    )
    if item_frame is None:
        item_rows = zip(
            itertools.repeat(dataset_id),
            item_ids.tolist(),
            itertools.repeat(""),
            itertools.repeat(""),
            itertools.repeat("[]"),
            itertools.repeat(empty),
            strict=False,
        )
    else:
        item_rows = zip(
            itertools.repeat(dataset_id),
            item_ids.tolist(),
            item_frame["title"].fillna("").astype(str).tolist(),
            item_frame["text"].fillna("").astype(str).tolist(),
            [
                json.dumps(c if isinstance(c, list) else [], ensure_ascii=False)
                for c in item_frame["categories"].tolist()
            ],
            [
                json.dumps(a if isinstance(a, dict) else {}, ensure_ascii=False)
                for a in item_frame["attributes"].tolist()
            ],
            strict=False,
        )
    conn.exec_driver_sql(
        "INSERT INTO items (dataset_id, external_id, title, text, categories, attributes) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        list(item_rows),
    )
    done = len(user_ids) + len(item_ids)
    emit(Progress(done, total_rows, "users and items stored"))

    # Row ids come back in insertion order (one writer holds the transaction); check, then map.
    user_rowids = _rowids(conn, "users", dataset_id, user_ids)
    item_rowids = _rowids(conn, "items", dataset_id, item_ids)
    u = user_rowids[user_codes]
    i = item_rowids[item_codes]
    # Insert in user order so the (dataset_id, user_id) index grows at its end.
    order = np.argsort(u, kind="stable")
    ts = itertools.repeat(None) if parsed.timestamps is None else parsed.timestamps[order].tolist()
    rows = zip(
        itertools.repeat(dataset_id),
        u[order].tolist(),
        i[order].tolist(),
        parsed.values[order].astype(np.float64).tolist(),
        ts,
        strict=False,
    )
    sql = (
        "INSERT INTO interactions (dataset_id, user_id, item_id, value, timestamp) VALUES (?, ?, ?, ?, ?)"
    )
    # Random inserts into the item index dominate a big import; when the new rows outnumber the
    # stored ones, rebuilding that index afterwards (one sort) is several times cheaper.
    rebuild_item_index = sqlite and n > 100_000 and n > (
        conn.exec_driver_sql("SELECT COALESCE(MAX(id), 0) FROM interactions").scalar() or 0)
    if rebuild_item_index:
        conn.exec_driver_sql("DROP INDEX IF EXISTS ix_interactions_item_id")
    for batch in _batches(iter(rows), INSERT_BATCH):
        if cancel is not None:
            cancel.raise_if_cancelled()
        conn.exec_driver_sql(sql, batch)
        done += len(batch)
        emit(Progress(done, total_rows, f"{done - len(user_ids) - len(item_ids):,} interactions stored"))
    if cancel is not None:
        cancel.raise_if_cancelled()
    if rebuild_item_index:
        conn.exec_driver_sql("CREATE INDEX ix_interactions_item_id ON interactions (item_id)")
    emit(Progress(total_rows, total_rows, "import finished"), force=True)
    return ImportReport(
    dataset_id=int(dataset_id),
    name=name,
    n_users=len(user_ids),
    n_items=len(item_ids),
    n_interactions=n,
    kind=parsed.kind,
    rating_min=rating_min,
    rating_max=rating_max,
    cleaning=parsed.report,
    elapsed_s=0.0,
    )


def _rowids(conn: Connection, table: str, dataset_id: int, externals: np.ndarray) -> np.ndarray:
    rows = conn.exec_driver_sql(
        f"SELECT id, external_id FROM {table} WHERE dataset_id = ? ORDER BY id", (dataset_id,)
    ).fetchall()
    ids = np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))
    back = np.array([r[1] for r in rows], dtype=object)
    if len(back) != len(externals) or not np.array_equal(back, externals):
        # Not in insertion order (another backend): map by value instead.
        lookup = pd.Series(ids, index=pd.Index(back))
        return lookup.reindex(externals).to_numpy(dtype=np.int64)
    return ids
