"""External holdout files: read ``user, item[, rating]`` rows, align them to a model, evaluate.

Used by ``evaluate MODEL --test FILE`` and the Models page, so results can be compared with other tools
on identical data. Bad rows raise ``InputError`` naming the file, line and column.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sp

from workbench.core.delimited import detect_header, detect_sep, normalise_sep, split_rows
from workbench.core.interactions import Dataset
from workbench.core.progress import CancelToken
from workbench.errors import InputError
from workbench.evaluation.protocol import align_holdout, evaluate_holdout


@dataclass(frozen=True)
class HoldoutRows:
    """The rows of a holdout file: external user and item ids, and ratings when the file has them."""

    users: list[str]
    items: list[str]
    ratings: np.ndarray | None
    has_header: bool
    sep: str

    def __len__(self) -> int:
        return len(self.users)


def read_holdout(path: str | Path, sep: str | None = None) -> HoldoutRows:
    """Read a holdout file: ``user, item[, rating[, ...]]`` per line, with or without a header.

    The delimiter and the header are detected by the same rules as an interaction import
    (``workbench.core.delimited``) unless ``sep`` is given (``"\\t"`` is accepted for a tab). Columns after
    the rating are ignored.
    """
    path = Path(path)
    name = str(path)
    if not path.is_file():
        raise InputError("file not found", file=name)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"cannot decode as UTF-8 (byte {exc.start})", file=name) from exc
    numbered = [(n, line) for n, line in enumerate(text.splitlines(), start=1) if line.strip()]
    if not numbered:
        raise InputError("the file is empty", file=name)
    lines = [line for _, line in numbered]
    sep = normalise_sep(sep) or detect_sep(lines[:200])
    split = split_rows(lines, sep)
    has_header = detect_header(split[:200])
    rows = iter(split)
    first = [c.strip() for c in next(rows)]
    with_rating = len(first) >= 3
    users: list[str] = []
    items: list[str] = []
    ratings: list[float] = []
    all_rows = ([] if has_header else [first]) + list(rows)
    numbers = [n for n, _ in numbered[1:]] if has_header else [n for n, _ in numbered]
    for number, row in zip(numbers, all_rows, strict=True):
        if len(row) < 2:
            raise InputError(f"expected at least 2 columns (user, item), found {len(row)}", file=name,
                             line=number, column="2")
        user, item = row[0].strip(), row[1].strip()
        if not user or not item:
            raise InputError(f"empty {'user' if not user else 'item'} id", file=name, line=number,
                             column="1" if not user else "2")
        users.append(user)
        items.append(item)
        if with_rating:
            if len(row) < 3 or not row[2].strip():
                raise InputError("missing rating", file=name, line=number, column="3")
            try:
                ratings.append(float(row[2]))
            except ValueError:
                raise InputError(f"rating {row[2].strip()!r} is not a number", file=name, line=number,
                                 column="3") from None
    if not users:
        raise InputError("no rows after the header", file=name)
    return HoldoutRows(users, items, np.asarray(ratings, dtype=np.float32) if with_rating else None,
                       has_header, sep)


def known_interactions(model: Any, data: Dataset) -> sp.csr_matrix:
    """Everything the dataset holds, in the model's rows: the history masked from the ranking.

    Not only ``model.seen``, which lacks the rows the model kept aside for validation.
    """
    inter = data.interactions
    u = model.users.rows(list(inter.users.ids))[inter.user_idx]
    i = model.items.rows(list(inter.items.ids))[inter.item_idx]
    keep = (u >= 0) & (i >= 0)
    known = sp.csr_matrix((np.ones(int(keep.sum()), dtype=np.float32), (u[keep], i[keep])),
                          shape=(len(model.users), len(model.items)))
    if model.seen is not None:
        known = known + sp.csr_matrix(model.seen, dtype=np.float32)
    known.data[:] = 1.0
    return known


def evaluate_holdout_file(model: Any, data: Dataset, path: str | Path, k: int = 10, sep: str | None = None,
                          cancel: CancelToken | None = None) -> dict[str, float]:
    """Metrics of ``model`` (trained on ``data``) on an external holdout file.

    Rows whose user or item the model does not know are dropped and counted (``holdout_rows``,
    ``holdout_unknown_user``, ``holdout_unknown_item`` in the result); the dataset's interactions are
    the known history. Raises ``InputError`` for a bad file or one with no usable row.
    """
    rows = read_holdout(path, sep)
    frame: dict[str, Any] = {"user": rows.users, "item": rows.items}
    if rows.ratings is not None:
        frame["rating"] = rows.ratings
    aligned = align_holdout(model.users, model.items, frame)
    if aligned.n_kept == 0:
        raise InputError(f"none of the {aligned.n_rows} rows has a user and an item known to the model",
                         file=str(path))
    if cancel is not None:
        cancel.raise_if_cancelled()
    inter = data.interactions
    rating_range = None
    if inter.rating_min is not None and inter.rating_max is not None:
        rating_range = (float(inter.rating_min), float(inter.rating_max))
    content = data.content
    if content is not None and content.items != model.items:
        content = None  # categories must align with the model's item rows
    extra: dict[str, Any] = {"cancel": cancel} if cancel is not None else {}
    metrics = evaluate_holdout(model, known_interactions(model, data), aligned.user_rows, aligned.item_rows,
                               aligned.ratings, k, content=content, rating_range=rating_range,
                               rating_metrics=model.predicts_ratings, **extra)
    out = {str(key): float(value) for key, value in metrics.items() if value is not None}
    out.update({"holdout_rows": float(aligned.n_rows), "holdout_unknown_user": float(aligned.n_unknown_user),
                "holdout_unknown_item": float(aligned.n_unknown_item)})
    return out


__all__ = ["HoldoutRows", "evaluate_holdout_file", "known_interactions", "read_holdout"]
