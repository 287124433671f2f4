"""Writing a parsed dataset into the store: one transaction, bulk inserts, no ORM objects per row.

Each backend gets its fastest bulk path inside that one transaction: SQLite an ``executemany`` of plain
tuples (foreign-key checks off, since every row id comes from this transaction); PostgreSQL with psycopg
a ``COPY ... FROM STDIN`` stream of CSV text; any other backend SQLAlchemy's ``executemany`` of Core
inserts (multi-row VALUES where the dialect supports it).
"""

from __future__ import annotations

import csv
import io
import json
import os
import time
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import JSON, Connection, String, func, insert, select, text
from sqlalchemy import column as sql_column
from sqlalchemy import table as sql_table

from workbench.core.progress import CancelToken, Progress, ProgressCallback, Throttle
from workbench.data.parsed import ImportReport, ParsedDataset
from workbench.errors import InputError
from workbench.store.db import dbapi_cursor
from workbench.store.schema import DatasetRow, InteractionRow, ItemRow, UserRow
from workbench.store.snapshot import InteractionArrays, write_snapshot

INSERT_BATCH = 100_000
REBUILD_INDEX_MIN_ROWS = 100_000  # below this, keeping the item index is as cheap as rebuilding it
INDEX_SORT_CACHE = -8192  # KiB of page cache while indexes are rebuilt: the size of SQLite's sort runs

_TABLES = {"users": UserRow.__table__, "items": ItemRow.__table__, "interactions": InteractionRow.__table__}


def check_name_free(conn: Connection, name: str) -> None:
    """Refuse a dataset name that is taken (names are unique)."""
    if not name or not name.strip():
        raise InputError("the dataset name must not be empty")
    taken = conn.execute(select(DatasetRow.id).where(DatasetRow.name == name)).first()
    if taken is not None:
        raise InputError(f"a dataset named '{name}' already exists; choose another name or delete it first")


def bulk_method(conn: Connection) -> str:
    """How ``bulk_insert`` writes on this connection: "sqlite", "copy" (psycopg 3) or "executemany"."""
    if conn.dialect.name == "sqlite":
        return "sqlite"
    if conn.dialect.name == "postgresql" and conn.dialect.driver == "psycopg":
        return "copy"
    return "executemany"


def bulk_insert(
    conn: Connection,
    table: str,
    columns: dict[str, Sequence[Any] | np.ndarray],
    *,
    batch: int = INSERT_BATCH,
    before_batch: Callable[[], None] | None = None,
    after_batch: Callable[[int], None] | None = None,
    fixed: dict[str, int] | None = None,
) -> None:
    """Insert equally long ``columns`` (name -> values) into ``table`` inside the caller's transaction.

    ``before_batch`` runs before each batch (cancellation checks), ``after_batch(rows)`` after it
    (progress). ``None`` values are stored as NULL. ``fixed`` columns hold one integer for every row.
    """
    fixed = fixed or {}
    n = len(next(iter(columns.values()))) if columns else 0
    method = bulk_method(conn)
    if method != "sqlite":
        columns = {**{c: np.full(n, v, dtype=np.int64) for c, v in fixed.items()}, **columns}
    names = list(columns)
    if method == "copy":
        _copy_insert(conn, table, columns, n, batch, before_batch, after_batch)
        return
    if method == "sqlite":
        # A fixed value is written into the statement once rather than bound for each of millions of rows.
        targets = ", ".join([*fixed, *names])
        values = ", ".join([*(str(int(v)) for v in fixed.values()), *("?" * len(names))])
        sql = f"INSERT INTO {table} ({targets}) VALUES ({values})"
    for start in range(0, n, batch):
        if before_batch is not None:
            before_batch()
        parts = [_as_list(columns[c][start:start + batch]) for c in names]
        if method == "sqlite":
            conn.exec_driver_sql(sql, list(zip(*parts, strict=True)))
        else:
            # Untyped columns: JSON arrives already serialised and must not be encoded twice.
            target = sql_table(table, *(sql_column(c) for c in names))
            conn.execute(insert(target), [dict(zip(names, row, strict=True))
                                          for row in zip(*parts, strict=True)])
        if after_batch is not None:
            after_batch(len(parts[0]))


def _as_list(values: Sequence[Any] | np.ndarray) -> list[Any]:
    return values.tolist() if isinstance(values, np.ndarray) else list(values)


def _copy_insert(conn: Connection, table: str, columns: dict[str, Sequence[Any] | np.ndarray], n: int,
                 batch: int, before_batch: Callable[[], None] | None,
                 after_batch: Callable[[int], None] | None) -> None:
    """PostgreSQL: one COPY stream of CSV text built by pandas per batch (no Python loop per row)."""
    frame = pd.DataFrame({c: (v if isinstance(v, np.ndarray) else list(v)) for c, v in columns.items()})
    schema = _TABLES[table].c
    text_cols = [c for c in frame.columns if isinstance(schema[c].type, String | JSON)]
    # In CSV COPY an empty field is NULL unless the column is in FORCE_NOT_NULL: text columns are listed
    # there (an empty title stays ''), so only the missing numbers (timestamps) become NULL.
    for c in text_cols:
        frame[c] = frame[c].fillna("")
    force = f", FORCE_NOT_NULL ({', '.join(text_cols)})" if text_cols else ""
    sql = f"COPY {table} ({', '.join(frame.columns)}) FROM STDIN (FORMAT csv{force})"
    cursor = dbapi_cursor(conn)
    try:
        with cursor.copy(sql) as copy:
            for start in range(0, n, batch):
                if before_batch is not None:
                    before_batch()
                part = frame.iloc[start:start + batch]
                buffer = io.StringIO()
                part.to_csv(buffer, header=False, index=False, na_rep="", quoting=csv.QUOTE_MINIMAL,
                            lineterminator="\n")
                copy.write(buffer.getvalue())
                if after_batch is not None:
                    after_batch(len(part))
    finally:
        cursor.close()


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
    if parsed.codes is not None:
        user_codes, user_ids, item_codes, item_ids = parsed.codes
    else:
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
                conn.exec_driver_sql("PRAGMA threads=0")
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
    inserted = conn.execute(
        insert(DatasetRow).values(
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
    ).inserted_primary_key
    assert inserted is not None  # a single-row insert always has its key
    dataset_id = inserted[0]

    empty = "{}"
    n_users, n_items = len(user_ids), len(item_ids)
    if user_features is None:
        features: list[str] = [empty] * n_users
    else:
        features = [json.dumps(f) if isinstance(f, dict) else empty for f in user_features.tolist()]
    bulk_insert(conn, "users", {"dataset_id": [dataset_id] * n_users, "external_id": user_ids,
                                "features": features})
    if item_frame is None:
        item_columns: dict[str, Any] = {
            "dataset_id": [dataset_id] * n_items, "external_id": item_ids, "title": [""] * n_items,
            "text": [""] * n_items, "categories": ["[]"] * n_items, "attributes": [empty] * n_items,
        }
    else:
        item_columns = {
            "dataset_id": [dataset_id] * n_items,
            "external_id": item_ids,
            "title": item_frame["title"].fillna("").astype(str).tolist(),
            "text": item_frame["text"].fillna("").astype(str).tolist(),
            "categories": [
                json.dumps(c if isinstance(c, list) else [], ensure_ascii=False)
                for c in item_frame["categories"].tolist()
            ],
            "attributes": [
                json.dumps(a if isinstance(a, dict) else {}, ensure_ascii=False)
                for a in item_frame["attributes"].tolist()
            ],
        }
    bulk_insert(conn, "items", item_columns)
    done = n_users + n_items
    emit(Progress(done, total_rows, "users and items stored"))

    # Row ids come back in insertion order (one writer holds the transaction); check, then map.
    user_rowids = _rowids(conn, UserRow, dataset_id, user_ids)
    item_rowids = _rowids(conn, ItemRow, dataset_id, item_ids)
    u = user_rowids[user_codes]
    i = item_rowids[item_codes]
    # Insert in user order: the (dataset_id, user_id) index then grows at its end, or, rebuilt, sorts
    # presorted rows.
    order = np.argsort(u, kind="stable")
    # Random inserts into the item, value and time indexes dominate a big import; when the new rows
    # outnumber the stored ones, rebuilding them afterwards (one sort each) is several times cheaper, and
    # a bare table takes the rows faster even where they arrive in index order (the user index).
    # PostgreSQL: the same for the foreign keys too (one set-based check instead of three trigger
    # lookups per row). All inside this transaction, so a failure restores them; readers of
    # interactions wait for the import then, which a first big import allows.
    rebuild = n > REBUILD_INDEX_MIN_ROWS and n > (
        conn.execute(select(func.coalesce(func.max(InteractionRow.id), 0))).scalar() or 0)
    restore: list[str] = []
    if rebuild and sqlite:
        restore = _drop_sqlite_indexes(conn, "interactions", keep=set())
    elif rebuild and conn.dialect.name == "postgresql":
        restore = _drop_for_bulk_load(conn, "interactions")

    def check_cancel() -> None:
        if cancel is not None:
            cancel.raise_if_cancelled()

    def stored(rows: int) -> None:
        nonlocal done
        done += rows
        emit(Progress(done, total_rows, f"{done - n_users - n_items:,} interactions stored"))

    bulk_insert(
        conn,
        "interactions",
        {
            "user_id": u[order],
            "item_id": i[order],
            "value": parsed.values[order].astype(np.float64),
            # without times the column is simply left out (NULL)
            **({} if parsed.timestamps is None else {"timestamp": parsed.timestamps[order]}),
        },
        before_batch=check_cancel,
        after_batch=stored,
        fixed={"dataset_id": int(dataset_id)},
    )
    check_cancel()
    # The same interactions as compact arrays, for fast loading; positions follow row-id order, which is
    # the order load_dataset lists users and items in.
    write_snapshot(conn, int(dataset_id), InteractionArrays(
        user_pos=_id_order_positions(user_rowids)[user_codes[order]],
        item_pos=_id_order_positions(item_rowids)[item_codes[order]],
        values=parsed.values[order].astype(np.float32),
        timestamps=None if parsed.timestamps is None else parsed.timestamps[order].astype(np.int64),
        n_users=n_users, n_items=n_items))
    check_cancel()
    if sqlite and restore:
        # SQLite sorts each index's keys in runs the size of the page cache: runs of a few MB, sorted on
        # worker threads, then merged, build a 10M-row index about twice as fast as one big in-memory
        # sort (measured: 18 s -> 9 s for the timestamp index on 2 cores).
        conn.exec_driver_sql(f"PRAGMA threads={min(4, os.cpu_count() or 1)}")
        conn.exec_driver_sql(f"PRAGMA cache_size={INDEX_SORT_CACHE}")
    for statement in restore:
        conn.execute(text(statement))
    if conn.dialect.name == "postgresql":
        # Fresh planner statistics, so browsing queries on the new rows get sensible plans right away.
        for table in _TABLES:
            conn.execute(text(f"ANALYZE {table}"))
    emit(Progress(total_rows, total_rows, "import finished"), force=True)
    return ImportReport(
        dataset_id=int(dataset_id),
        name=name,
        n_users=n_users,
        n_items=n_items,
        n_interactions=n,
        kind=parsed.kind,
        rating_min=rating_min,
        rating_max=rating_max,
        cleaning=parsed.report,
        elapsed_s=0.0,
    )


def _drop_sqlite_indexes(conn: Connection, table: str, keep: set[str]) -> list[str]:
    """SQLite: drop ``table``'s secondary indexes except ``keep``; returns the statements restoring them."""
    rows = conn.execute(
        text("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = :table "
             "AND sql IS NOT NULL"), {"table": table}).fetchall()
    restore = []
    for name, sql in rows:
        if name not in keep:
            conn.execute(text(f'DROP INDEX "{name}"'))
            restore.append(sql)
    return restore


def _drop_for_bulk_load(conn: Connection, table: str) -> list[str]:
    """PostgreSQL: drop ``table``'s foreign keys and the indexes that back no constraint; returns the
    statements that restore them (indexes first, then the foreign keys, which are validated then)."""
    conn.execute(text("SET LOCAL maintenance_work_mem = '256MB'"))  # faster rebuilds, this import only
    foreign_keys = conn.execute(
        text(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = CAST(:table AS regclass) AND contype = 'f' ORDER BY conname"
        ),
        {"table": table},
    ).all()
    for name, _ in foreign_keys:
        conn.execute(text(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"'))
    rows = conn.execute(
        text(
            "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.schemaname = current_schema() "
            "AND i.tablename = :table AND NOT EXISTS (SELECT 1 FROM pg_constraint c "
            "WHERE c.conname = i.indexname AND c.conrelid = CAST(:table AS regclass))"
        ),
        {"table": table},
    ).all()
    for name, _ in rows:
        conn.execute(text(f'DROP INDEX "{name}"'))
    return [definition for _, definition in rows] + [
        f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}' for name, definition in foreign_keys
    ]


def _id_order_positions(rowids: np.ndarray) -> np.ndarray:
    """For each row (in code order), its position when the rows are listed by id."""
    positions = np.empty(len(rowids), dtype=np.int64)
    positions[np.argsort(rowids, kind="stable")] = np.arange(len(rowids))
    return positions


def _rowids(conn: Connection, row_class: type[UserRow] | type[ItemRow], dataset_id: int,
            externals: np.ndarray) -> np.ndarray:
    rows = conn.execute(
        select(row_class.id, row_class.external_id)
        .where(row_class.dataset_id == dataset_id)
        .order_by(row_class.id)
    ).all()
    ids = np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))
    back = np.array([r[1] for r in rows], dtype=object)
    if len(back) != len(externals) or not np.array_equal(back, externals):
        # Not in insertion order (concurrent writers interleaved ids): map by value instead.
        lookup = pd.Series(ids, index=pd.Index(back))
        return lookup.reindex(externals).to_numpy(dtype=np.int64)
    return ids
