"""Exports of a saved model: top-N recommendations per user and similar items per item, CSV or Parquet.

Plain core code (no Qt): the GUI runs these as background jobs, the CLI and tests call them directly.
Users (or items) are scored a chunk at a time, the chunk sized so its dense float32 score block stays
within a fixed budget whatever the catalogue (``workbench.models.ranking.user_chunk``), rows are written
as each chunk is ranked, and the file appears only when complete. Ranking is ``ranking.top_n``, the same
function behind ``Recommender.recommend`` and the Recommend page.

Similar items ("customers also bought") are the cosine neighbours of each item's vector when the model
has item vectors (``item_embeddings``); otherwise the cosine of co-occurrence in the model's training
interactions (items bought by the same users), which every model carries.
"""

from __future__ import annotations

import csv
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sp
from sqlalchemy import select

from workbench.core.files import atomic_output
from workbench.core.progress import CancelToken, Progress, ProgressCallback, Throttle, no_progress
from workbench.errors import InputError, WorkbenchError
from workbench.evaluation.ranking import top_n_of_scores
from workbench.models.base import Recommender
from workbench.models.ranking import top_n, user_chunk
from workbench.store.db import Database, dbapi_cursor
from workbench.store.schema import InteractionRow, ItemRow, UserRow

CSV_COLUMNS = ("user", "item", "rank", "score")
SIMILAR_COLUMNS = ("item", "similar_item", "rank", "score")
EXPORT_FORMATS = {".csv": "csv", ".parquet": "parquet", ".pq": "parquet"}
EXPORT_KINDS = ("recommendations", "similar-items")


@dataclass
class ExportReport:
    """What an export wrote (``n_users`` counts the users, or the items of a similar-items export)."""

    path: Path
    n_users: int
    n_rows: int
    unknown_users: list[str] = field(default_factory=list)
    kind: str = "recommendations"
    similarity: str = ""  # similar items: "item vectors (cosine)" or "co-occurrence (cosine)"


def export_format(path: str | os.PathLike[str]) -> str:
    """``"csv"`` or ``"parquet"`` from the file's extension; others are a clear error."""
    suffix = Path(path).suffix.lower()
    if suffix not in EXPORT_FORMATS:
        raise WorkbenchError(f"cannot tell the format of '{Path(path).name}': "
                             "use a .csv or .parquet file name")
    return EXPORT_FORMATS[suffix]


class _RowWriter:
    """Appends column chunks to a CSV or Parquet file; ``score`` is a float column in both."""

    def __init__(self, path: Path, fmt: str, columns: Sequence[str]) -> None:
        self.columns = list(columns)
        self.fmt = fmt
        self._fh: Any = None
        self._parquet: Any = None
        if fmt == "csv":
            self._fh = path.open("w", newline="", encoding="utf-8")
            self._csv = csv.writer(self._fh)
            self._csv.writerow(self.columns)
        else:
            import pyarrow as pa
            import pyarrow.parquet as pq

            types = {"rank": pa.int32(), "score": pa.float64()}
            self._schema = pa.schema([(c, types.get(c, pa.string())) for c in self.columns])
            self._parquet = pq.ParquetWriter(str(path), self._schema)

    def write(self, columns: list[np.ndarray]) -> None:
        if self.fmt == "csv":
            shown = [np.char.mod("%.6g", c.astype(float)) if name == "score" else c
                     for name, c in zip(self.columns, columns, strict=True)]
            self._csv.writerows(zip(*shown, strict=True))
        else:
            import pyarrow as pa

            arrays = [pa.array(c.tolist() if c.dtype == object else c, type=self._schema.field(name).type)
                      for name, c in zip(self.columns, columns, strict=True)]
            self._parquet.write_table(pa.Table.from_arrays(arrays, schema=self._schema))

    def close(self) -> None:
        if self._fh is not None:
            self._fh.close()
        if self._parquet is not None:
            self._parquet.close()


def _write_atomically(path: str | os.PathLike[str], columns: Sequence[str],
                      chunks: Iterator[list[np.ndarray]]) -> int:
    """Write every chunk to ``path`` (beside it, then renamed); returns the number of rows."""
    target = Path(path)
    fmt = export_format(target)
    n_rows = 0
    with atomic_output(target) as partial:
        writer = _RowWriter(partial, fmt, columns)
        try:
            for chunk in chunks:
                writer.write(chunk)
                n_rows += len(chunk[0])
        finally:
            writer.close()
    return n_rows


def read_user_file(path: str | os.PathLike[str]) -> list[str]:
    """User ids from a file: one per line (first field of a CSV/TSV line); a ``user`` header is skipped."""
    source = Path(path)
    try:
        text = source.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise InputError("no such file", file=str(source)) from None
    except UnicodeDecodeError as exc:
        raise InputError(f"not UTF-8 text (byte {exc.start})", file=str(source)) from exc
    except OSError as exc:
        raise InputError(f"cannot read ({exc.strerror or exc})", file=str(source)) from exc
    users: list[str] = []
    for number, line in enumerate(text.splitlines(), 1):
        first = line.replace("\t", ",").split(",")[0].strip().strip('"')
        if not first or (number == 1 and first.lower() in ("user", "user_id", "userid")):
            continue
        users.append(first)
    if not users:
        raise InputError("no user ids (one per line expected)", file=str(source))
    return list(dict.fromkeys(users))


def _open_export(db: Database, model_id: int | str, path: str | os.PathLike[str], n: int,
                 progress: ProgressCallback | None, cancel: CancelToken | None
                 ) -> tuple[Throttle[Progress], CancelToken, Recommender, Any]:
    """What both exports check and open first: N, the file format (from the name), the stored model."""
    from workbench.store.models import load_model

    if n < 1:
        raise WorkbenchError(f"N must be at least 1, got {n}")
    export_format(path)
    model, info = load_model(db, model_id)
    return Throttle(progress or no_progress, 0.2), cancel or CancelToken(), model, info


def export_recommendations(db: Database, model_id: int | str, path: str | os.PathLike[str], n: int = 10,
                           users: Sequence[str] | None = None, include_titles: bool = True,
                           exclude_seen: bool = True, cancel: CancelToken | None = None,
                           progress: ProgressCallback | None = None) -> ExportReport:
    """Write the top-``n`` of ``users`` (all of the model's users when None) to a CSV or Parquet file.

    Columns: ``user,item,rank,score`` plus ``title`` when ``include_titles`` and the items have titles.
    With ``exclude_seen`` every item the user has in the dataset is left out (not only the model's
    training part: held-out test rows are things the user already has too).
    Users unknown to the model are skipped and listed in the report; if none is known, nothing is
    written and ``WorkbenchError`` is raised. The file appears only when complete (written beside it,
    then renamed), so a cancelled export leaves nothing half-written.
    """
    report, cancel, model, info = _open_export(db, model_id, path, n, progress, cancel)
    assert model.users is not None and model.items is not None
    if users is None:
        user_ids = np.asarray(model.users.ids, dtype=object)
        rows = np.arange(len(user_ids), dtype=np.int64)
        unknown: list[str] = []
    else:
        wanted = [str(u).strip() for u in users]
        all_rows = model.users.rows(wanted)
        unknown = [u for u, r in zip(wanted, all_rows, strict=True) if r < 0]
        user_ids = np.asarray([u for u, r in zip(wanted, all_rows, strict=True) if r >= 0], dtype=object)
        rows = all_rows[all_rows >= 0]
    if not len(user_ids):
        shown = ", ".join(unknown[:5]) + ("…" if len(unknown) > 5 else "")
        raise WorkbenchError(f"none of the requested users is known to model '{info.name}' ({shown})")
    titles = _titles(db, info.dataset_id, model) if include_titles else None
    known = dataset_interactions(db, info.dataset_id, model) if exclude_seen else None
    item_ids = np.asarray(model.items.ids, dtype=object)
    chunk_size = user_chunk(len(item_ids))

    def chunks() -> Iterator[list[np.ndarray]]:
        for start in range(0, len(rows), chunk_size):
            cancel.raise_if_cancelled()
            items, scores = top_n(model, rows[start:start + chunk_size], n, exclude_seen, known)
            valid = items >= 0
            ranks = np.broadcast_to(np.arange(1, items.shape[1] + 1, dtype=np.int32), items.shape)
            chunk_users = np.repeat(user_ids[start:start + chunk_size], items.shape[1]).reshape(items.shape)
            columns = [chunk_users[valid], item_ids[items[valid]], ranks[valid], scores[valid]]
            if titles is not None:
                columns.append(titles[items[valid]])
            yield columns
            done = min(len(rows), start + chunk_size)
            report(Progress(done, len(rows), f"{done:,} / {len(rows):,} users"), force=done == len(rows))

    n_rows = _write_atomically(path, CSV_COLUMNS + (("title",) if titles is not None else ()), chunks())
    return ExportReport(path=Path(path), n_users=len(user_ids), n_rows=n_rows, unknown_users=unknown)


def _titles(db: Database, dataset_id: int, model: Recommender) -> np.ndarray | None:
    """Titles in the model's item-row order, or None when the items have none."""
    assert model.items is not None
    by_id = item_titles_all(db, dataset_id)
    if not any(by_id.values()):
        return None
    return np.asarray([by_id.get(item, "") for item in model.items.ids], dtype=object)


def similarity_source(model: Recommender) -> str:
    """What ``similar_items`` ranks by for this model, in words."""
    vectors = model.item_embeddings()
    return "item vectors (cosine)" if vectors is not None else "co-occurrence in training (cosine)"


def item_similarity_basis(model: Recommender) -> np.ndarray | sp.csr_matrix:
    """Unit-length rows whose dot products are the item-item cosines ``similar_items`` ranks by.

    The model's item vectors when it has them; otherwise each item's column of the model's training
    matrix (which users interacted with it), so similarity is co-occurrence. Zero rows stay zero.
    """
    vectors = model.item_embeddings()
    if vectors is not None:
        dense = np.asarray(vectors, dtype=np.float32)
        norms = np.linalg.norm(dense, axis=1, keepdims=True)
        return np.divide(dense, norms, out=np.zeros_like(dense), where=norms > 0)
    if model.seen is None:
        raise WorkbenchError(f"model family '{model.family}' has neither item vectors nor a training "
                             "record; similar items are not available")
    by_item = sp.csr_matrix(model.seen, dtype=np.float32).T.tocsr()
    by_item.data[:] = 1.0
    norms = np.sqrt(np.asarray(by_item.sum(axis=1)).ravel())
    inverse = np.divide(1.0, norms, out=np.zeros_like(norms), where=norms > 0)
    return sp.csr_matrix(sp.diags(inverse.astype(np.float32)) @ by_item)


def similar_items(basis: np.ndarray | sp.csr_matrix, item_rows: np.ndarray, n: int
                  ) -> tuple[np.ndarray, np.ndarray]:
    """(item rows, cosine), each ``(len(item_rows), n)``: the most similar other items, -1 / NaN padded.

    ``basis`` comes from ``item_similarity_basis``. Items without any signal (a zero vector, never
    seen) and pairs with nothing in common (co-occurrence 0) are never neighbours.
    """
    item_rows = np.asarray(item_rows, dtype=np.int64)
    if sp.issparse(basis):
        sims = np.asarray((basis[item_rows] @ basis.T).toarray(), dtype=np.float32)
        sims[sims <= 0] = -np.inf
    else:
        sims = np.asarray(basis[item_rows] @ basis.T, dtype=np.float32)
        empty = ~np.asarray(basis.any(axis=1), dtype=bool)
        sims[:, empty] = -np.inf
        sims[empty[item_rows]] = -np.inf
    sims[np.arange(len(item_rows)), item_rows] = -np.inf  # an item is not its own neighbour
    return top_n_of_scores(sims, n)


def export_similar_items(db: Database, model_id: int | str, path: str | os.PathLike[str], n: int = 10,
                         include_titles: bool = True, cancel: CancelToken | None = None,
                         progress: ProgressCallback | None = None) -> ExportReport:
    """Write the ``n`` most similar items of every item to a CSV or Parquet file.

    Columns: ``item,similar_item,rank,score`` (cosine) plus ``title,similar_title`` when the items have
    titles. See ``similar_items`` for what similarity means for each model.
    """
    report, cancel, model, info = _open_export(db, model_id, path, n, progress, cancel)
    assert model.items is not None
    item_ids = np.asarray(model.items.ids, dtype=object)
    basis = item_similarity_basis(model)
    titles = _titles(db, info.dataset_id, model) if include_titles else None
    n_items = len(item_ids)
    chunk_size = user_chunk(n_items)

    def chunks() -> Iterator[list[np.ndarray]]:
        for start in range(0, n_items, chunk_size):
            cancel.raise_if_cancelled()
            rows = np.arange(start, min(n_items, start + chunk_size), dtype=np.int64)
            items, scores = similar_items(basis, rows, n)
            valid = items >= 0
            ranks = np.broadcast_to(np.arange(1, items.shape[1] + 1, dtype=np.int32), items.shape)
            sources = np.repeat(rows, items.shape[1]).reshape(items.shape)[valid]
            columns = [item_ids[sources], item_ids[items[valid]], ranks[valid], scores[valid]]
            if titles is not None:
                columns += [titles[sources], titles[items[valid]]]
            yield columns
            done = int(rows[-1]) + 1
            report(Progress(done, n_items, f"{done:,} / {n_items:,} items"), force=done == n_items)

    columns = SIMILAR_COLUMNS + (("title", "similar_title") if titles is not None else ())
    n_rows = _write_atomically(path, columns, chunks())
    return ExportReport(path=Path(path), n_users=n_items, n_rows=n_rows, kind="similar-items",
                        similarity=similarity_source(model))


def dataset_interactions(db: Database, dataset_id: int, model: Recommender) -> sp.csr_matrix:
    """Users x items (the model's rows) of every interaction the dataset holds; unknown ids dropped.

    Read as integer ids in batches (never one Python object per interaction), so memory stays at a few
    bytes per interaction.
    """
    assert model.users is not None and model.items is not None
    with db.engine.connect() as conn:
        user_pairs = conn.execute(select(UserRow.id, UserRow.external_id)
                                  .where(UserRow.dataset_id == dataset_id)).all()
        item_pairs = conn.execute(select(ItemRow.id, ItemRow.external_id)
                                  .where(ItemRow.dataset_id == dataset_id)).all()
        user_row_of = _row_lookup(user_pairs, model.users.rows([e for _, e in user_pairs]))
        item_row_of = _row_lookup(item_pairs, model.items.rows([e for _, e in item_pairs]))
        users_parts: list[np.ndarray] = []
        items_parts: list[np.ndarray] = []
        # The DB-API cursor's plain tuples, in batches: several times faster than Row objects at
        # millions of interactions. The SQL is compiled for this dialect; the only literal is an int.
        query = (select(InteractionRow.user_id, InteractionRow.item_id)
                 .where(InteractionRow.dataset_id == int(dataset_id)))
        sql = str(query.compile(conn.engine, compile_kwargs={"literal_binds": True}))
        cursor = dbapi_cursor(conn)
        try:
            cursor.execute(sql)
            while batch := cursor.fetchmany(200_000):
                pairs = np.array(batch, dtype=np.int64).reshape(-1, 2)
                users_parts.append(user_row_of(pairs[:, 0]))
                items_parts.append(item_row_of(pairs[:, 1]))
        finally:
            cursor.close()
    users = np.concatenate(users_parts) if users_parts else np.zeros(0, np.int64)
    items = np.concatenate(items_parts) if items_parts else np.zeros(0, np.int64)
    keep = (users >= 0) & (items >= 0)
    matrix = sp.csr_matrix((np.ones(int(keep.sum()), dtype=np.float32), (users[keep], items[keep])),
                           shape=(len(model.users), len(model.items)))
    matrix.sum_duplicates()
    return matrix


def _row_lookup(pairs: Sequence[Any], model_rows: np.ndarray) -> Any:
    """A vectorised map from database ids to the model's rows (-1 for ids the model does not know)."""
    db_ids = np.asarray([p[0] for p in pairs], dtype=np.int64)
    order = np.argsort(db_ids)
    sorted_ids = db_ids[order]
    sorted_rows = np.asarray(model_rows, dtype=np.int64)[order]

    def lookup(ids: np.ndarray) -> np.ndarray:
        if not len(sorted_ids):
            return np.full(len(ids), -1, np.int64)
        pos = np.clip(np.searchsorted(sorted_ids, ids), 0, len(sorted_ids) - 1)
        return np.where(sorted_ids[pos] == ids, sorted_rows[pos], -1)

    return lookup


def recommend_for_user(model: Recommender, user_id: str, n: int, history_items: Sequence[str]
                       ) -> list[tuple[str, float]]:
    """Top-``n`` (item, score) of a known user, leaving out the model's training items and
    ``history_items`` (everything the user has in the dataset, held-out rows included)."""
    assert model.users is not None and model.items is not None
    row = model.users.row(user_id)
    if row < 0:
        raise WorkbenchError(f"unknown user '{user_id}' (not in this model's training data)")
    history_rows = model.items.rows(list(history_items))
    history_rows = np.unique(history_rows[history_rows >= 0])
    known = sp.csr_matrix((np.ones(len(history_rows), np.float32), (np.full(len(history_rows), row),
                                                                    history_rows)),
                          shape=(len(model.users), len(model.items)))
    items, scores = top_n(model, np.array([row]), n, True, known)
    return [(model.items.external(int(i)), float(s)) for i, s in zip(items[0], scores[0], strict=True)
            if i >= 0]


def item_titles_all(db: Database, dataset_id: int) -> dict[str, str]:
    """External item id -> title for every item of a dataset ("" where none)."""
    with db.session() as session:
        rows = session.execute(select(ItemRow.external_id, ItemRow.title)
                               .where(ItemRow.dataset_id == dataset_id)).all()
    return {ext: title or "" for ext, title in rows}


@dataclass
class HistoryEntry:
    """One past interaction of a user, as the Recommend page lists it."""

    item: str
    title: str
    value: float
    timestamp: int | None


def user_history(db: Database, dataset_id: int, user_id: str, limit: int | None = None) -> list[HistoryEntry]:
    """A user's interactions in a dataset, newest first (by timestamp, then insertion order)."""
    with db.session() as session:
        query = (select(ItemRow.external_id, ItemRow.title, InteractionRow.value, InteractionRow.timestamp)
                 .select_from(InteractionRow)
                 .join(UserRow, UserRow.id == InteractionRow.user_id)
                 .join(ItemRow, ItemRow.id == InteractionRow.item_id)
                 .where(InteractionRow.dataset_id == dataset_id, UserRow.dataset_id == dataset_id,
                        UserRow.external_id == str(user_id))
                 # "+ 0" keeps the planner off the (dataset, timestamp) index, which would walk every
                 # interaction of the dataset in time order; (dataset, user) reads only this user's rows
                 .order_by((InteractionRow.timestamp + 0).desc(), InteractionRow.id.desc()))
        if limit is not None:
            query = query.limit(limit)
        rows = session.execute(query).all()
    return [HistoryEntry(item=ext, title=title or "", value=float(value),
                         timestamp=None if ts is None else int(ts)) for ext, title, value, ts in rows]
