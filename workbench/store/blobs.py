"""Values larger than one database field allows, stored as ordered parts inside the caller's transaction.

SQLite and PostgreSQL both cap one value at 1 GB, and an EASE model over 17,000 items is already bigger.
Such a value is cut into parts of ``PART_BYTES`` in ``blob_parts``: model weights and run checkpoints
keep their first part in their own column (so small values, the common case, stay a single field),
a dataset's array snapshot lives in ``blob_parts`` whole. The parts are written in the same transaction as
their owner row, so a killed process leaves either everything or nothing, and they cascade with their
owner, so deleting a model, run or dataset deletes its parts. The bytes are safetensors, never pickle.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Literal

from sqlalchemy import Connection, delete, func, insert, select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from workbench.errors import WorkbenchError
from workbench.store.schema import BlobPartRow

#: bytes per part: far below the 1 GB field limit, and small enough that writing one part at a time
#: keeps the driver's own copies of it cheap
PART_BYTES = 64 * 1024 * 1024

Owner = Literal["model_id", "run_id", "dataset_id"]


class StorageError(WorkbenchError):
    """The database refused to store a value (disk full, a server limit, a dropped connection)."""


def split_head(blob: bytes | bytearray | memoryview) -> tuple[bytes, Iterator[memoryview]]:
    """The first part (for the owner's own column) and the rest as views, without copying them."""
    view = memoryview(blob)
    size = PART_BYTES
    return bytes(view[:size]), (view[s:s + size] for s in range(size, len(view), size))


def _owner_column(owner: Owner) -> ColumnElement[int | None]:
    column: ColumnElement[int | None] = getattr(BlobPartRow, owner)
    return column


def write_parts(session: Session | Connection, owner: Owner, owner_id: int,
                parts: Iterable[bytes | memoryview], *, first: int) -> None:
    """Replace the owner's parts with ``parts`` (numbered from ``first``), one insert per part."""
    session.execute(delete(BlobPartRow).where(_owner_column(owner) == owner_id))
    for number, part in enumerate(parts, start=first):
        session.execute(insert(BlobPartRow), {owner: owner_id, "part": number, "data": bytes(part)})


def read_parts(session: Session | Connection, owner: Owner, owner_id: int,
               head: bytes | None = None) -> bytes:
    """``head`` followed by the owner's parts in order, fetched one at a time (peak memory: the value)."""
    column = _owner_column(owner)
    ids = session.execute(select(BlobPartRow.id).where(column == owner_id)
                          .order_by(BlobPartRow.part)).scalars().all()
    if not ids:
        return bytes(head or b"")
    out = bytearray(head or b"")
    for part_id in ids:
        out += session.execute(select(BlobPartRow.data).where(BlobPartRow.id == part_id)).scalar() or b""
    return bytes(out)


def parts_size(owner: Owner) -> tuple[ColumnElement[int | None], ColumnElement[int]]:
    """``(owner column, total bytes of its parts)`` for a grouped subquery (model sizes in listings)."""
    column = _owner_column(owner)
    return column, func.coalesce(func.sum(func.length(BlobPartRow.data)), 0)


def storage_error(what: str, size: int, exc: DBAPIError) -> StorageError:
    """A clear message for a database that refused to store ``size`` bytes of ``what``."""
    return StorageError(f"the database refused to store the {what} ({size / 1e6:,.1f} MB): {exc.orig}. "
                        "Nothing was saved; free disk space, or train a smaller model "
                        "(fewer items, a lower dimension), then try again")
