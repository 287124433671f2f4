"""Lazy table models over the store: rows arrive page by page as the view scrolls (``fetchMore``).

Sorting (header click) becomes ``ORDER BY`` and the filter box becomes ``filter_text`` in
``workbench.store.datasets.page_rows``, so even 1,000,000 interactions cost one page query at a time.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any, Protocol

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QRunnable,
    Qt,
    QThreadPool,
    Signal,
)

from workbench.store import datasets as datasets_store
from workbench.store.db import Database

PAGE_SIZE = 500

Index = QModelIndex | QPersistentModelIndex


class RowSource(Protocol):
    """Where a ``PagedTableModel`` reads: a total count and pages, both under a filter and an order."""

    def columns(self) -> list[str]: ...

    def count(self, filter_text: str) -> int: ...

    def page(self, offset: int, limit: int, filter_text: str, order_by: str | None,
             descending: bool) -> tuple[list[str], list[Sequence[Any]]]: ...


class DatasetTableSource:
    """Users, items or interactions of one dataset, through ``store.datasets.count_rows``/``page_rows``."""

    def __init__(self, db: Database, dataset_id: int, table: str) -> None:
        self._store = datasets_store
        self.db = db
        self.dataset_id = dataset_id
        self.table = table
        self._columns: list[str] | None = None

    def columns(self) -> list[str]:
        if self._columns is None:
            self._columns, _ = self._store.page_rows(self.db, self.dataset_id, self.table, offset=0, limit=1)
        return list(self._columns)

    def count(self, filter_text: str) -> int:
        return int(self._store.count_rows(self.db, self.dataset_id, self.table,
                                          filter_text=filter_text or None))

    def page(self, offset: int, limit: int, filter_text: str, order_by: str | None,
             descending: bool) -> tuple[list[str], list[Sequence[Any]]]:
        columns, rows = self._store.page_rows(self.db, self.dataset_id, self.table, offset=offset,
                                              limit=limit, filter_text=filter_text or None,
                                              order_by=order_by, descending=descending)
        self._columns = list(columns)
        return list(columns), list(rows)


def default_format(column: str, value: Any) -> str:
    """Display text: unix timestamps as UTC date-times, means with 2 decimals, lists joined."""
    if value is None:
        return ""
    if column == "timestamp" and isinstance(value, int | float):
        try:
            return datetime.fromtimestamp(float(value), UTC).strftime("%Y-%m-%d %H:%M")
        except (OverflowError, OSError, ValueError):  # not unix seconds (milliseconds, a sequence number)
            return _display(value)
    if column.startswith("mean") and isinstance(value, float):
        return f"{value:.2f}"
    return _display(value)


def _display(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    if isinstance(value, dict):
        return ", ".join(f"{k}={v}" for k, v in value.items())
    return str(value)


class _LoadSignals(QObject):
    done = Signal(int, object)  # generation, (total, columns, rows) or an exception


class _LoadTask(QRunnable):
    """Count + first page of a new filter/order, off the GUI thread (queries can take seconds at 1M rows)."""

    def __init__(self, generation: int, source: RowSource, page_size: int, filter_text: str,
                 order_by: str | None, descending: bool) -> None:
        super().__init__()
        self.signals = _LoadSignals()
        self.args = (generation, source, page_size, filter_text, order_by, descending)

    def run(self) -> None:
        generation, source, page_size, filter_text, order_by, descending = self.args
        result: object
        try:
            total = source.count(filter_text)
            columns, rows = (source.page(0, page_size, filter_text, order_by, descending) if total
                             else ([], []))
            result = (total, columns, rows)
        except Exception as exc:  # the thread boundary: any error goes to the GUI thread, which shows it
            result = exc
        with contextlib.suppress(RuntimeError):  # the model (and its receiving end) may be gone
            self.signals.done.emit(generation, result)


class PagedTableModel(QAbstractTableModel):
    """A read-only table that loads ``PAGE_SIZE`` rows at a time from a ``RowSource``.

    ``total`` is the number of rows matching the filter (``total_changed(int)`` after each reset);
    ``set_filter(text)`` and ``sort(column, order)`` restart from the first page. The first load (default
    order, no filter: cheap) runs inline; with ``background`` (the default) later reloads run count + first
    page on a worker thread and swap the rows in when they arrive, dropping results a newer reload made
    stale, so a slow sort never freezes the window. ``loaded()`` follows every completed (re)load;
    ``loading`` is true while one is on its way; ``load_failed(str)`` reports a query error.
    """

    total_changed = Signal(int)
    loaded = Signal()
    load_failed = Signal(str)

    def __init__(self, source: RowSource, page_size: int = PAGE_SIZE,
                 formatter: Callable[[str, Any], str] | None = None, parent: Any = None,
                 background: bool = True) -> None:
        super().__init__(parent)
        self.source = source
        self.page_size = page_size
        self.formatter = formatter
        self.filter_text = ""
        self.order_by: str | None = None
        self.descending = False
        self._columns: list[str] = source.columns()
        self._rows: list[Sequence[Any]] = []
        self.total = 0
        self._exhausted = False
        self._fetching = False
        self.background = background
        self._generation = 0
        self.loading = False
        # One worker per model: queued stale loads are dropped before they start (see _reload).
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)
        self._reload(inline=True)

    # -- loading ----------------------------------------------------------------------------------
    def _reload(self, inline: bool = False) -> None:
        self._generation += 1
        if inline or not self.background:
            self.beginResetModel()
            self._rows = []
            self.total = self.source.count(self.filter_text)
            self._exhausted = self.total == 0
            if not self._exhausted:
                self._append_page()
            self.endResetModel()
            self.loading = False
            self.total_changed.emit(self.total)
            self.loaded.emit()
            return
        self.loading = True  # the old rows stay visible (and fetchMore pauses) until the new ones arrive
        self._pool.clear()
        task = _LoadTask(self._generation, self.source, self.page_size, self.filter_text, self.order_by,
                         self.descending)
        task.signals.done.connect(self._on_loaded, Qt.ConnectionType.QueuedConnection)
        self._pool.start(task)

    def _on_loaded(self, generation: int, result: object) -> None:
        if generation != self._generation:
            return  # a newer filter/order is already on its way
        self.loading = False
        if isinstance(result, Exception):
            self.load_failed.emit(str(result))
            return
        assert isinstance(result, tuple)  # (total, columns, rows) from _LoadTask
        total, columns, rows = result
        self.beginResetModel()
        if columns:
            self._columns = list(columns)
        self._rows = list(rows)
        self.total = int(total)
        self._exhausted = len(self._rows) < self.page_size or len(self._rows) >= self.total
        self.endResetModel()
        self.total_changed.emit(self.total)
        self.loaded.emit()

    def wait(self, msecs: int = -1) -> bool:
        """Block until background loads finish (tests, shutdown); ``loaded`` still arrives via the loop."""
        return self._pool.waitForDone(msecs)

    def _append_page(self) -> list[Sequence[Any]]:
        columns, rows = self.source.page(len(self._rows), self.page_size, self.filter_text, self.order_by,
                                         self.descending)
        if columns:
            self._columns = list(columns)
        self._rows.extend(rows)
        if len(rows) < self.page_size or len(self._rows) >= self.total:
            self._exhausted = True
        return rows

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008 (Qt's default)
        return not parent.isValid() and not self._exhausted and not self.loading

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008
        # Views (and the model tester) may call back into fetchMore while rows are being inserted; while a
        # reload is on its way the rows shown belong to the old order, so nothing is appended.
        if parent.isValid() or self._exhausted or self._fetching or self.loading:
            return
        self._fetching = True
        try:
            _columns, rows = self.source.page(len(self._rows), self.page_size, self.filter_text,
                                              self.order_by, self.descending)
            if len(rows) < self.page_size or len(self._rows) + len(rows) >= self.total:
                self._exhausted = True
            if not rows:
                return
            first = len(self._rows)
            self.beginInsertRows(QModelIndex(), first, first + len(rows) - 1)
            self._rows.extend(rows)
            self.endInsertRows()
        finally:
            self._fetching = False

    def set_filter(self, text: str) -> None:
        """Keep only rows whose text columns contain ``text`` (the store decides which columns)."""
        text = text.strip()
        if text != self.filter_text:
            self.filter_text = text
            self._reload()

    def refresh(self) -> None:
        self._reload()

    # -- Qt model API -----------------------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._columns)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._rows) or index.column() >= len(self._columns):
            return None
        value = self._rows[index.row()][index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return (self.formatter or default_format)(self._columns[index.column()], value)
        if role == Qt.ItemDataRole.ToolTipRole:
            text = _display(value)
            return text if len(text) > 40 else None
        if role == Qt.ItemDataRole.TextAlignmentRole and isinstance(value, int | float):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.UserRole:
            return value
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            if 0 <= section < len(self._columns):
                return self._columns[section].replace("_", " ")
            return None
        return str(section + 1)

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(self._columns):
            return
        order_by = self._columns[column]
        descending = order == Qt.SortOrder.DescendingOrder
        if (order_by, descending) != (self.order_by, self.descending):
            self.order_by = order_by
            self.descending = descending
            self._reload()

    def column_names(self) -> list[str]:
        return list(self._columns)

    def row_values(self, row: int) -> Sequence[Any]:
        return self._rows[row]
