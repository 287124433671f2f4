"""Top-N recommendations of a saved model written to CSV, and a user's history for display.

Plain core code (no Qt): the GUI runs ``export_recommendations`` as a background job, the CLI and tests
call it directly. Scoring is done a chunk of users at a time with the seen items masked in one
vectorised step, so exporting every user of MovieLens 100K takes well under a second of scoring.
"""

from __future__ import annotations

import csv
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import scipy.sparse as sp
from sqlalchemy import select

from workbench.core.progress import CancelToken, Progress, ProgressCallback, no_progress
from workbench.errors import WorkbenchError
from workbench.models.base import Recommender
from workbench.store.db import Database
from workbench.store.schema import InteractionRow, ItemRow, UserRow

USER_CHUNK = 256  # users scored per call: bounded memory (chunk x n_items floats) and frequent cancel checks
CSV_COLUMNS = ("user", "item", "rank", "score")


@dataclass
class ExportReport:
    """What an export wrote."""

    path: Path
    n_users: int
    n_rows: int
    unknown_users: list[str] = field(default_factory=list)


def top_n(model: Recommender, user_rows: np.ndarray, n: int, exclude_seen: bool = True,
          known: sp.csr_matrix | None = None) -> tuple[np.ndarray, np.ndarray]:
    """(item rows, scores), each ``(len(user_rows), n)``, best first; -1 / NaN pad short lists.

    Seen items (``model.seen``, and ``known``: users x items of the model's rows) are masked before
    ranking when ``exclude_seen``.
    """
    scores = np.asarray(model.score(np.asarray(user_rows, dtype=np.int64)), dtype=np.float64)
    if exclude_seen:
        for mask in (model.seen, known):
            if mask is None:
                continue
            seen = sp.csr_matrix(mask)[np.asarray(user_rows)]
            rows = np.repeat(np.arange(len(user_rows)), np.diff(seen.indptr))
            scores[rows, seen.indices] = -np.inf
    scores[~np.isfinite(scores)] = -np.inf
    n_items = scores.shape[1]
    n = min(n, n_items)
    if n <= 0:
        return np.empty((len(user_rows), 0), np.int64), np.empty((len(user_rows), 0))
    part = np.argpartition(-scores, n - 1, axis=1)[:, :n] if n < n_items else np.tile(
        np.arange(n_items), (len(user_rows), 1))
    part_scores = np.take_along_axis(scores, part, axis=1)
    order = np.argsort(-part_scores, axis=1, kind="stable")
    items = np.take_along_axis(part, order, axis=1)
    top_scores = np.take_along_axis(part_scores, order, axis=1)
    invalid = ~np.isfinite(top_scores)
    items[invalid] = -1
    top_scores[invalid] = np.nan
    return items, top_scores


def export_recommendations(db: Database, model_id: int | str, path: str | os.PathLike[str], n: int = 10,
                           users: Sequence[str] | None = None, include_titles: bool = True,
                           exclude_seen: bool = True, cancel: CancelToken | None = None,
                           progress: ProgressCallback | None = None) -> ExportReport:
    """Write the top-``n`` of ``users`` (all of the model's users when None) to a CSV file.

    Columns: ``user,item,rank,score`` plus ``title`` when ``include_titles`` and the items have titles.
    With ``exclude_seen`` every item the user has in the dataset is left out (not only the model's
    training part: held-out test rows are things the user already has too).
    Users unknown to the model are skipped and listed in the report; if none is known, nothing is
    written and ``WorkbenchError`` is raised. The file appears only when complete (written beside it,
    then renamed), so a cancelled export leaves nothing half-written.
    """
    from workbench.store.models import load_model

    if n < 1:
        raise WorkbenchError(f"N must be at least 1, got {n}")
    progress = progress or no_progress
    cancel = cancel or CancelToken()
    model, info = load_model(db, model_id)
    assert model.users is not None and model.items is not None
    if users is None:
        user_ids = list(model.users.ids)
        rows = np.arange(len(user_ids), dtype=np.int64)
        unknown: list[str] = []
    else:
        user_ids = [str(u).strip() for u in users]
        all_rows = model.users.rows(user_ids)
        unknown = [u for u, r in zip(user_ids, all_rows, strict=True) if r < 0]
        user_ids = [u for u, r in zip(user_ids, all_rows, strict=True) if r >= 0]
        rows = all_rows[all_rows >= 0]
    if not user_ids:
        shown = ", ".join(unknown[:5]) + ("…" if len(unknown) > 5 else "")
        raise WorkbenchError(f"none of the requested users is known to model '{info.name}' ({shown})")
    titles: list[str] | None = None
    if include_titles:
        by_id = item_titles_all(db, info.dataset_id)
        if any(by_id.values()):
            titles = [by_id.get(item, "") for item in model.items.ids]
    known = dataset_interactions(db, info.dataset_id, model) if exclude_seen else None
    item_id_array = np.asarray(model.items.ids, dtype=object)
    title_array = np.asarray(titles, dtype=object) if titles is not None else None
    target = Path(path)
    partial = target.with_name(target.name + ".part")
    n_rows = 0
    try:
        with partial.open("w", newline="", encoding="utf-8") as fh:
            writer = csv.writer(fh)
            writer.writerow(CSV_COLUMNS + (("title",) if title_array is not None else ()))
            for start in range(0, len(rows), USER_CHUNK):
                cancel.raise_if_cancelled()
                chunk = rows[start:start + USER_CHUNK]
                items, scores = top_n(model, chunk, n, exclude_seen, known)
                ranks = np.broadcast_to(np.arange(1, items.shape[1] + 1), items.shape)
                valid = items >= 0
                chunk_users = np.repeat(np.asarray(user_ids[start:start + USER_CHUNK], dtype=object),
                                        items.shape[1]).reshape(items.shape)
                columns = [chunk_users[valid], item_id_array[items[valid]], ranks[valid],
                           np.char.mod("%.6g", scores[valid].astype(float))]
                if title_array is not None:
                    columns.append(title_array[items[valid]])
                writer.writerows(zip(*columns, strict=True))
                n_rows += int(valid.sum())
                done = min(len(rows), start + USER_CHUNK)
                progress(Progress(done, len(rows), f"{done} / {len(rows)} users"))
        partial.replace(target)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return ExportReport(path=target, n_users=len(user_ids), n_rows=n_rows, unknown_users=unknown)


def dataset_interactions(db: Database, dataset_id: int, model: Recommender) -> sp.csr_matrix:
    """Users x items (the model's rows) of every interaction the dataset holds; unknown ids dropped."""
    assert model.users is not None and model.items is not None
    with db.session() as session:
        rows = session.execute(select(UserRow.external_id, ItemRow.external_id)
                               .select_from(InteractionRow)
                               .join(UserRow, UserRow.id == InteractionRow.user_id)
                               .join(ItemRow, ItemRow.id == InteractionRow.item_id)
                               .where(InteractionRow.dataset_id == dataset_id)).all()
    users = model.users.rows([u for u, _ in rows])
    items = model.items.rows([i for _, i in rows])
    keep = (users >= 0) & (items >= 0)
    return sp.csr_matrix((np.ones(int(keep.sum()), dtype=np.float32), (users[keep], items[keep])),
                         shape=(len(model.users), len(model.items)))


def recommend_for_user(model: Recommender, user_id: str, n: int, history_items: Sequence[str]
                       ) -> list[tuple[str, float]]:
    """Top-``n`` (item, score) of a known user, leaving out the model's training items and
    ``history_items`` (everything the user has in the dataset, held-out rows included)."""
    assert model.users is not None and model.items is not None
    row = model.users.row(user_id)
    if row < 0:
        raise WorkbenchError(f"unknown user '{user_id}' (not in this model's training data)")
    scores = np.asarray(model.score(np.array([row], dtype=np.int64))[0], dtype=np.float64)
    if model.seen is not None:
        scores[sp.csr_matrix(model.seen)[row].indices] = -np.inf
    history_rows = model.items.rows(list(history_items))
    scores[history_rows[history_rows >= 0]] = -np.inf
    scores[~np.isfinite(scores)] = -np.inf
    n = min(n, int(np.isfinite(scores).sum()))
    if n <= 0:
        return []
    top = np.argpartition(-scores, n - 1)[:n]
    top = top[np.argsort(-scores[top], kind="stable")]
    return [(model.items.external(i), float(scores[i])) for i in top]


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
                 .order_by(InteractionRow.timestamp.desc(), InteractionRow.id.desc()))
        if limit is not None:
            query = query.limit(limit)
        rows = session.execute(query).all()
    return [HistoryEntry(item=ext, title=title or "", value=float(value),
                         timestamp=None if ts is None else int(ts)) for ext, title, value, ts in rows]
