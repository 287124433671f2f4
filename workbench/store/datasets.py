"""Datasets in the store: list, describe, load into core containers, delete, and paged browsing."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

import numpy as np
from sqlalchemy import Connection, Text, delete, func, select, type_coerce, update

from workbench.core.ids import IdMap
from workbench.core.interactions import Dataset, Interactions, ItemContent
from workbench.errors import NotFoundError, WorkbenchError
from workbench.store.db import dbapi_cursor
from workbench.store.schema import DatasetRow, InteractionRow, ItemRow, UserRow
from workbench.store.snapshot import InteractionArrays, read_snapshot

TABLES = ("users", "items", "interactions")


@dataclass(frozen=True)
class DatasetInfo:
    """Catalogue facts about one stored dataset (plain values, safe to hand to another thread)."""

    id: int
    name: str
    kind: str
    rating_min: float | None
    rating_max: float | None
    source: str
    created_at: datetime
    n_users: int
    n_items: int
    n_interactions: int
    import_report: dict[str, Any]

    @property
    def density(self) -> float:
        """Share of the user x item cells that hold an interaction."""
        cells = self.n_users * self.n_items
        return self.n_interactions / cells if cells else 0.0

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["created_at"] = self.created_at.isoformat(timespec="seconds")
        return data


def _info(row: DatasetRow) -> DatasetInfo:
    return DatasetInfo(
        id=row.id,
        name=row.name,
        kind=row.kind,
        rating_min=row.rating_min,
        rating_max=row.rating_max,
        source=row.source,
        created_at=row.created_at,
        n_users=row.n_users,
        n_items=row.n_items,
        n_interactions=row.n_interactions,
        import_report=dict(row.import_report or {}),
    )


def list_datasets(db: Any, newest_first: bool = False) -> list[DatasetInfo]:
    """All datasets, oldest first (or newest first)."""
    order = DatasetRow.id.desc() if newest_first else DatasetRow.id
    with db.session() as s:
        return [_info(r) for r in s.scalars(select(DatasetRow).order_by(order))]


def dataset_count(db: Any) -> int:
    """How many datasets the database holds."""
    with db.session() as s:
        return int(s.scalar(select(func.count()).select_from(DatasetRow)) or 0)


def latest_dataset_id(db: Any, prefer: int | None = None) -> int | None:
    """``prefer`` when that dataset still exists, else the newest dataset's id; None when there is none."""
    with db.session() as s:
        if prefer is not None and s.get(DatasetRow, int(prefer)) is not None:
            return int(prefer)
        return s.scalar(select(DatasetRow.id).order_by(DatasetRow.id.desc()).limit(1))


def _find(session: Any, name_or_id: str | int) -> DatasetRow:
    row = session.scalars(select(DatasetRow).where(DatasetRow.name == str(name_or_id))).first()
    if row is None and (isinstance(name_or_id, int) or str(name_or_id).isdigit()):
        row = session.get(DatasetRow, int(name_or_id))
    if row is None:
        names = session.scalars(select(DatasetRow.name).order_by(DatasetRow.id)).all()
        known = ", ".join(names) if names else "none yet"
        raise NotFoundError(f"no dataset named '{name_or_id}' (datasets: {known})")
    return row


def get_dataset_info(db: Any, name_or_id: str | int) -> DatasetInfo:
    """Facts about one dataset, by name or id."""
    with db.session() as s:
        return _info(_find(s, name_or_id))


def top_users(db: Any, name_or_id: str | int, n: int = 10) -> list[str]:
    """External ids of the ``n`` most active users (ties broken by id)."""
    info = get_dataset_info(db, name_or_id)
    count = func.count().label("n")
    top = (
        select(InteractionRow.user_id, count)
        .where(InteractionRow.dataset_id == info.id)
        .group_by(InteractionRow.user_id)
        .order_by(count.desc(), InteractionRow.user_id)
        .limit(int(n))
        .subquery()
    )
    query = (
        select(UserRow.external_id)
        .join(top, UserRow.id == top.c.user_id)
        .order_by(top.c.n.desc(), top.c.user_id)
    )
    with db.engine.connect() as conn:
        return list(conn.execute(query).scalars())


def delete_dataset(db: Any, name_or_id: str | int) -> DatasetInfo:
    """Delete a dataset and everything hanging off it (users, items, interactions, models, runs)."""
    with db.session() as s:
        row = _find(s, name_or_id)
        info = _info(row)
        # Bulk deletes, children first, so a 1M-row dataset goes fast and without ORM loading.
        s.execute(delete(InteractionRow).where(InteractionRow.dataset_id == row.id))
        s.execute(delete(DatasetRow).where(DatasetRow.id == row.id))
    return info


def load_dataset(db: Any, name_or_id: str | int) -> Dataset:
    """The dataset as core containers: interactions (rows by stored order), item content, user features."""
    info = get_dataset_info(db, name_or_id)
    with db.engine.connect() as conn:
        users = conn.execute(
            # JSON columns as text, decoded below only where not empty (100K decodes cost seconds)
            select(UserRow.id, UserRow.external_id, type_coerce(UserRow.features, Text))
            .where(UserRow.dataset_id == info.id)
            .order_by(UserRow.id)
        ).all()
        items = _item_rows(conn, info.id)
        snapshot = read_snapshot(conn, info.id, info.n_interactions, len(users), len(items))
        rows: list[Any] = []
        if snapshot is None:
            rows = _interaction_rows(conn, info.id)
    user_rowids = np.fromiter((r[0] for r in users), dtype=np.int64, count=len(users))
    item_rowids = np.fromiter((r[0] for r in items), dtype=np.int64, count=len(items))
    n = len(rows)
    has_ts = n > 0 and rows[0][3] is not None
    if snapshot is not None:
        u, i = snapshot.user_pos.astype(np.int64), snapshot.item_pos.astype(np.int64)
        values, timestamps = snapshot.values, snapshot.timestamps
    elif n:
        table = np.array(rows, dtype=np.float64 if has_ts else object)
        if not has_ts:
            table = table[:, :3].astype(np.float64)
        u = np.searchsorted(user_rowids, table[:, 0].astype(np.int64))
        i = np.searchsorted(item_rowids, table[:, 1].astype(np.int64))
        values = table[:, 2].astype(np.float32)
        timestamps = table[:, 3].astype(np.int64) if has_ts else None
    else:
        u = i = np.zeros(0, dtype=np.int64)
        values = np.zeros(0, dtype=np.float32)
        timestamps = None
    interactions = Interactions(
        user_idx=u,
        item_idx=i,
        values=values,
        users=IdMap(tuple(r[1] for r in users)),
        items=IdMap(tuple(r[1] for r in items)),
        timestamps=timestamps,
        kind="implicit" if info.kind == "implicit" else "explicit",
        rating_min=info.rating_min,
        rating_max=info.rating_max,
    )
    content = _item_content(items, interactions.items)
    features = [_json(r[2], {}) for r in users]
    user_features = {
        key: [str(f.get(key, "")) for f in features] for key in sorted({k for f in features for k in f})
    }
    return Dataset(
        name=info.name,
        interactions=interactions,
        content=content,
        dataset_id=info.id,
        user_features=user_features,
    )


def _item_rows(conn: Connection, dataset_id: int) -> list[Any]:
    return list(conn.execute(
        select(ItemRow.id, ItemRow.external_id, ItemRow.title, ItemRow.text,
               type_coerce(ItemRow.categories, Text), type_coerce(ItemRow.attributes, Text))
        .where(ItemRow.dataset_id == dataset_id)
        .order_by(ItemRow.id)
    ).all())


def _item_content(items: list[Any], ids: IdMap) -> ItemContent:
    attributes: dict[str, list[str]] = {}
    parsed_attrs = [_json(r[5], {}) for r in items]
    for key in sorted({k for a in parsed_attrs for k in a}):
        attributes[key] = [str(a.get(key, "")) for a in parsed_attrs]
    return ItemContent(
        items=ids,
        titles=[r[2] or "" for r in items],
        texts=[r[3] or "" for r in items],
        categories=[list(_json(r[4], [])) for r in items],
        attributes=attributes,
    )


def load_item_content(db: Any, name_or_id: str | int) -> ItemContent:
    """The dataset's item content alone (titles, texts, categories, attributes), without its interactions:
    what a memory estimate reads of a catalogue."""
    info = get_dataset_info(db, name_or_id)
    with db.engine.connect() as conn:
        items = _item_rows(conn, info.id)
    return _item_content(items, IdMap(tuple(r[1] for r in items)))


def _interaction_rows(conn: Connection, dataset_id: int) -> list[Any]:
    """All interaction rows of a dataset, for datasets stored without an array snapshot."""
    # The raw DB-API cursor hands back plain tuples: several times faster than Row objects at 1M rows.
    # Index order (dataset_id, user_id, id): no sort step, and deterministic.
    cursor = dbapi_cursor(conn)
    try:
        cursor.execute(
            _driver_sql(
                conn,
                "SELECT user_id, item_id, value, timestamp FROM interactions WHERE dataset_id = ? "
                "ORDER BY dataset_id, user_id, id",
            ),
            (dataset_id,),
        )
        return list(cursor.fetchall())
    finally:
        cursor.close()


def interaction_arrays(db: Any, dataset_id: int) -> InteractionArrays | None:
    """The dataset's stored array snapshot (positions in id order), or None when it has none."""
    info = get_dataset_info(db, dataset_id)
    with db.engine.connect() as conn:
        counts = conn.execute(select(
            select(func.count()).where(UserRow.dataset_id == info.id).scalar_subquery(),
            select(func.count()).where(ItemRow.dataset_id == info.id).scalar_subquery())).one()
        return read_snapshot(conn, info.id, info.n_interactions, int(counts[0]), int(counts[1]))


def _driver_sql(conn: Connection, sql: str) -> str:
    """``sql`` written with ``?`` placeholders, in the paramstyle of ``conn``'s DB-API driver.

    Only for this module's fixed SQL, which has no ``?`` or ``%`` outside placeholders (patterns for
    LIKE always travel as parameters).
    """
    style = conn.dialect.paramstyle
    if style == "qmark":
        return sql
    if style in ("format", "pyformat"):
        return sql.replace("?", "%s")
    raise WorkbenchError(f"unsupported database driver paramstyle {style!r}")


def _exec(conn: Connection, sql: str, params: tuple[Any, ...]) -> Any:
    """Run fixed ``?``-placeholder SQL on any supported backend (SQLite, PostgreSQL)."""
    return conn.exec_driver_sql(_driver_sql(conn, sql), params)


def _json(value: Any, default: Any) -> Any:
    if value is None or value == "":
        return default
    # most users have no features and most items no categories: skip the decoder for those
    if value == "{}":
        return {}
    if value == "[]":
        return []
    if isinstance(value, str):
        return json.loads(value)
    return value


# Paged browsing for the GUI's lazy tables -------------------------------------------------------------

_COLUMNS = {
    "users": {"user": "u.external_id", "interactions": "n", "mean_value": "mean_value"},
    "items": {
        "item": "it.external_id",
        "title": "it.title",
        "categories": "CAST(it.categories AS TEXT)",  # PostgreSQL cannot sort the json type itself
        "interactions": "n",
        "mean_value": "mean_value",
    },
    "interactions": {
        "user": "u.external_id",
        "item": "it.external_id",
        "title": "it.title",
        "value": "x.value",
        "timestamp": "x.timestamp",
    },
}


def table_columns(table: str) -> list[str]:
    """Column names that ``page_rows`` returns for ``table``."""
    _check_table(table)
    return list(_COLUMNS[table])


def _check_table(table: str) -> None:
    if table not in _COLUMNS:
        raise WorkbenchError(f"unknown table '{table}'; use one of {', '.join(TABLES)}")


def _filter_sql(table: str, filter_text: str | None, dialect: str = "sqlite") -> tuple[str, list[Any]]:
    """The WHERE fragment of a substring filter: case-insensitive (for ASCII) on every backend, and
    ``%``/``_`` in the text match themselves."""
    if not filter_text:
        return "", []
    escaped = filter_text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    like = f"%{escaped}%"
    # SQLite's LIKE already ignores ASCII case; PostgreSQL's is case-sensitive, ILIKE is not.
    op = "ILIKE" if dialect == "postgresql" else "LIKE"
    match = f"{op} ? ESCAPE '\\'"
    if table == "users":
        return f" AND u.external_id {match}", [like]
    if table == "items":
        return f" AND (it.external_id {match} OR it.title {match})", [like, like]
    return (f" AND (u.external_id {match} OR it.external_id {match} OR it.title {match})",
            [like, like, like])


def count_rows(db: Any, dataset_id: int, table: str, filter_text: str | None = None) -> int:
    """Number of rows ``page_rows`` can page through (after the filter)."""
    _check_table(table)
    where, params = _filter_sql(table, filter_text, db.engine.dialect.name)
    if table == "users":
        sql = f"SELECT COUNT(*) FROM users u WHERE u.dataset_id = ?{where}"
    elif table == "items":
        sql = f"SELECT COUNT(*) FROM items it WHERE it.dataset_id = ?{where}"
    elif not where:
        with db.session() as s:
            return int(s.scalar(select(DatasetRow.n_interactions).where(DatasetRow.id == dataset_id)) or 0)
    else:
        where, params = _interaction_filter_sql(dataset_id, filter_text, db.engine.dialect.name)
        sql = f"SELECT COUNT(*) FROM interactions x WHERE x.dataset_id = ?{where}"
    with db.engine.connect() as conn:
        return int(_exec(conn, sql, (dataset_id, *params)).scalar() or 0)


def page_rows(
    db: Any,
    dataset_id: int,
    table: str,
    offset: int = 0,
    limit: int = 100,
    filter_text: str | None = None,
    order_by: str | None = None,
    descending: bool = False,
) -> tuple[list[str], list[tuple[Any, ...]]]:
    """One page of ``table`` ("users", "items" or "interactions") as (column names, rows of plain values).

    Users and items carry their interaction count and mean value; interactions carry external ids and the
    item title. ``filter_text`` matches ids (and titles) by substring; ``order_by`` is one of the columns.
    """
    _check_table(table)
    columns = _COLUMNS[table]
    if order_by is not None and order_by not in columns:
        raise WorkbenchError(f"cannot sort {table} by '{order_by}'; columns: {', '.join(columns)}")
    where, params = _filter_sql(table, filter_text, db.engine.dialect.name)
    direction = "DESC" if descending else "ASC"
    if db.engine.dialect.name == "postgresql":  # sort NULLs as SQLite does: smallest
        direction += " NULLS LAST" if descending else " NULLS FIRST"
    if table == "users":
        order = f"{columns[order_by]} {direction}, u.id" if order_by else "u.id"
        aggregate_first = order_by in ("interactions", "mean_value")
        stats = (
            "SELECT COUNT(*) FROM interactions x WHERE x.dataset_id = u.dataset_id AND x.user_id = u.id",
            "SELECT AVG(value) FROM interactions x WHERE x.dataset_id = u.dataset_id AND x.user_id = u.id",
        )
        base = f"FROM users u WHERE u.dataset_id = ?{where}"
        select_cols = "u.external_id"
    elif table == "items":
        order = f"{columns[order_by]} {direction}, it.id" if order_by else "it.id"
        aggregate_first = order_by in ("interactions", "mean_value")
        stats = (
            "SELECT COUNT(*) FROM interactions x WHERE x.item_id = it.id",
            "SELECT AVG(value) FROM interactions x WHERE x.item_id = it.id",
        )
        base = f"FROM items it WHERE it.dataset_id = ?{where}"
        select_cols = "it.external_id, it.title, it.categories"
    else:
        return list(columns), _interaction_page(db, dataset_id, filter_text, order_by, descending, direction,
                                                offset, limit)
    if aggregate_first:
        # Sorting by a statistic needs it for every row; otherwise compute it for the page only.
        sql = (
            f"SELECT {select_cols}, ({stats[0]}) AS n, ({stats[1]}) AS mean_value {base} "
            f"ORDER BY {order} LIMIT ? OFFSET ?"
        )
    else:
        alias = "u" if table == "users" else "it"
        sql = (
            f"SELECT {select_cols}, ({stats[0]}) AS n, ({stats[1]}) AS mean_value FROM "
            f"(SELECT * {base} ORDER BY {order} LIMIT ? OFFSET ?) {alias} ORDER BY {order}"
        )
    with db.engine.connect() as conn:
        rows = _exec(conn, sql, (dataset_id, *params, int(limit), int(offset))).fetchall()
    out = []
    for r in rows:
        r = list(r)
        if table == "items":
            r[2] = ", ".join(_json(r[2], []))
        out.append(tuple(r))
    return list(columns), out


def _interaction_filter_sql(dataset_id: int, filter_text: str | None, dialect: str) -> tuple[str, list[Any]]:
    """The interactions filter as ``user_id IN (...) OR item_id IN (...)``: the LIKE scans run over the
    (small) users and items tables and the matching interactions come through their indexes, instead of
    joining and testing every interaction."""
    if not filter_text:
        return "", []
    user_where, user_params = _filter_sql("users", filter_text, dialect)
    item_where, item_params = _filter_sql("items", filter_text, dialect)
    # Uncorrelated subqueries (dataset id as a parameter), so each runs once.
    sql = (f" AND (x.user_id IN (SELECT u.id FROM users u WHERE u.dataset_id = ?{user_where})"
           f" OR x.item_id IN (SELECT it.id FROM items it WHERE it.dataset_id = ?{item_where}))")
    return sql, [dataset_id, *user_params, dataset_id, *item_params]


def _interaction_page(db: Any, dataset_id: int, filter_text: str | None, order_by: str | None,
                      descending: bool, direction: str, offset: int, limit: int) -> list[tuple[Any, ...]]:
    """One page of interactions; every shape below walks indexes so early pages need no full sort."""
    where, params = _interaction_filter_sql(dataset_id, filter_text, db.engine.dialect.name)
    plain = "DESC" if descending else "ASC"  # for ids, never NULL
    cols = "u.external_id, it.external_id, it.title, x.value, x.timestamp"
    if order_by in (None, "value", "timestamp"):
        # Page on the interactions alone (an index walk: the (dataset_id, value|timestamp) indexes hold
        # the rowid, so ties in the sort's own direction need no sort), then join the page's rows only:
        # OFFSET 900,000 then skips index entries instead of 900,000 joined rows.
        key = f"{order_by} {direction}, id {plain}" if order_by else "id"
        order = f"x.{key.replace(', id', ', x.id')}"
        # id order is rowid order: a table scan, whereas the (dataset_id, user_id) index would need a sort
        scan = " NOT INDEXED" if order_by is None and not where and db.engine.dialect.name == "sqlite" else ""
        sql = (
            f"SELECT {cols} FROM (SELECT id, user_id, item_id, value, timestamp FROM interactions x{scan} "
            f"WHERE x.dataset_id = ?{where} ORDER BY {key} LIMIT ? OFFSET ?) x "
            f"JOIN users u ON u.id = x.user_id JOIN items it ON it.id = x.item_id ORDER BY {order}"
        )
    elif order_by == "user":
        # External ids are unique per dataset: walk users in external_id order (the unique index) and each
        # user's interactions through ix_interactions_dataset_user (id order); CROSS JOIN fixes SQLite's
        # loop order, PostgreSQL reads it as a plain inner join.
        sql = (
            f"SELECT {cols} FROM users u CROSS JOIN interactions x JOIN items it ON it.id = x.item_id "
            f"WHERE u.dataset_id = ? AND x.dataset_id = u.dataset_id AND x.user_id = u.id{where} "
            f"ORDER BY u.external_id {direction}, x.id LIMIT ? OFFSET ?"
        )
    else:
        # Titles repeat (often all empty): ties go by item id in the same direction, so the walk of
        # ix_items_dataset_title (title, rowid) then ix_interactions_item_id (id order) needs no sort.
        column = _COLUMNS["interactions"][order_by]
        sql = (
            f"SELECT {cols} FROM items it CROSS JOIN interactions x JOIN users u ON u.id = x.user_id "
            f"WHERE it.dataset_id = ? AND x.dataset_id = it.dataset_id AND x.item_id = it.id{where} "
            f"ORDER BY {column} {direction}, it.id {plain}, x.id LIMIT ? OFFSET ?"
        )
    with db.engine.connect() as conn:
        rows = _exec(conn, sql, (dataset_id, *params, int(limit), int(offset))).fetchall()
    return [tuple(r) for r in rows]


def set_item_titles(db: Any, dataset_id: int, external_ids: list[str], title: str) -> int:
    """Give the items ``external_ids`` of a dataset the display title ``title``; returns how many changed."""
    with db.session() as s:
        result = s.execute(update(ItemRow).where(ItemRow.dataset_id == dataset_id,
                                                 ItemRow.external_id.in_([str(i) for i in external_ids]))
                           .values(title=title))
        return int(result.rowcount or 0)


def dataset_counts(db: Any, dataset_id: int) -> dict[str, int]:
    """Actual row counts of a dataset's users, items and interactions (for checks and the GUI)."""
    rows: dict[str, type[UserRow] | type[ItemRow] | type[InteractionRow]] = {
        "users": UserRow, "items": ItemRow, "interactions": InteractionRow}
    with db.engine.connect() as conn:
        return {
            t: int(conn.execute(select(func.count()).where(rows[t].dataset_id == dataset_id)).scalar() or 0)
            for t in TABLES
        }


__all__ = [
    "DatasetInfo",
    "count_rows",
    "dataset_count",
    "dataset_counts",
    "delete_dataset",
    "get_dataset_info",
    "latest_dataset_id",
    "list_datasets",
    "load_dataset",
    "page_rows",
    "set_item_titles",
    "table_columns",
    "top_users",
]
