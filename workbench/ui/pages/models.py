"""The Models page: every trained model with its metrics; rename, delete, evaluate, compare and export."""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import (
    QSortFilterProxyModel,
    Qt,
    Signal,
    Slot,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QSplitter,
    QStackedWidget,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from workbench.core.progress import CancelToken, Progress
from workbench.errors import WorkbenchError
from workbench.store.db import STORE_ERRORS
from workbench.ui.context import AppContext
from workbench.ui.i18n import translate
from workbench.ui.job_slots import JobSlots
from workbench.ui.models_table import ModelIdRole, ModelsTableModel, SortRole, finite_number
from workbench.ui.plots import color, make_plot
from workbench.ui.widgets import EmptyState, InlineMessage

#: metrics drawn in the comparison chart (all on a 0–1-ish scale except the rating errors)
CHART_METRICS = ("ndcg", "precision", "recall", "map", "mrr", "hit_rate", "coverage", "rmse", "mae")
#: metrics in rating points, lower is better: drawn on an axis of their own, apart from the 0–1 metrics
RATING_ERRORS = ("rmse", "mae")
COMPARE_AXIS_WIDTH = 96  # px for metric names beside the horizontal bars


class ModelsPage(QWidget):
    """Trained models: table, actions, background evaluation and export, side-by-side comparison.

    Signals: ``evaluation_finished(int model_id)``, ``comparison_shown(int n_models)``,
    ``export_finished(str path)``, ``model_file_written(str path)``, ``model_imported(int model_id)``,
    ``action_failed(str message)``.
    """

    evaluation_finished = Signal(int)
    comparison_shown = Signal(int)
    export_finished = Signal(str)
    model_file_written = Signal(str)
    model_imported = Signal(int)
    action_failed = Signal(str)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.jobs = JobSlots(ctx.jobs, parent=self)
        # the bar stays while any job of the page runs
        self.jobs.active_changed.connect(lambda count: self.job_progress.setVisible(count > 0))
        outer = QVBoxLayout(self)
        outer.setContentsMargins(12, 12, 12, 12)
        self.stack = QStackedWidget()
        outer.addWidget(self.stack)
        self.empty = EmptyState(
            translate("ModelsPage", "No model yet"),
            translate("ModelsPage", "Train one on the Train page; it will be listed here with its metrics."),
        )
        self.stack.addWidget(self.empty)
        body = QWidget()
        self.stack.addWidget(body)
        layout = QVBoxLayout(body)
        layout.setContentsMargins(0, 0, 0, 0)

        actions = QHBoxLayout()
        self.rename_button = QPushButton(translate("ModelsPage", "Rename…"))
        self.rename_button.setShortcut("F2")
        self.rename_button.clicked.connect(self._ask_rename)
        self.delete_button = QPushButton(translate("ModelsPage", "Delete…"))
        self.delete_button.setShortcut("Del")
        self.delete_button.clicked.connect(lambda: self.delete_selected(confirm=True))
        self.compare_button = QPushButton(translate("ModelsPage", "Compare selected"))
        self.compare_button.setToolTip(
            translate("ModelsPage", "Select two or more models (Ctrl+click) to compare their metrics")
        )
        self.compare_button.clicked.connect(self.compare_selected)
        self.export_button = QPushButton(translate("ModelsPage", "Export top-N…"))
        self.export_button.setToolTip(
            translate("ModelsPage", "Recommendations per user or similar items per item, to CSV or Parquet")
        )
        self.export_button.clicked.connect(self._ask_export)
        self.export_model_button = QPushButton(translate("ModelsPage", "Export model…"))
        self.export_model_button.setToolTip(
            translate("ModelsPage", "Write the model to one file another workstation can import")
        )
        self.export_model_button.clicked.connect(self._ask_export_model)
        self.import_model_button = QPushButton(translate("ModelsPage", "Import model…"))
        self.import_model_button.setToolTip(
            translate("ModelsPage", "Add a model from a file written by Export model")
        )
        self.import_model_button.clicked.connect(self._ask_import_model)
        for button in (
            self.rename_button,
            self.delete_button,
            self.compare_button,
            self.export_button,
            self.export_model_button,
            self.import_model_button,
        ):
            actions.addWidget(button)
        actions.addStretch(1)
        layout.addLayout(actions)
        # evaluation on a row of its own: beside the model actions it made the page wider than a laptop
        evaluation = QHBoxLayout()
        evaluation.addWidget(QLabel(translate("ModelsPage", "Evaluate the selected models on")))
        self.protocol_combo = QComboBox()
        self.protocol_combo.addItem(translate("ModelsPage", "the model's stored split"), "split")
        self.protocol_combo.addItem(translate("ModelsPage", "a holdout file…"), "holdout")
        self.protocol_combo.setToolTip(
            translate(
                "ModelsPage",
                "Stored split: the test part the model was trained without. "
                "Holdout file: user, item[, rating] per line",
            )
        )
        self.protocol_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        evaluation.addWidget(self.protocol_combo)
        evaluation.addWidget(QLabel(translate("ModelsPage", "K")))
        self.k_spin = QSpinBox()
        self.k_spin.setRange(1, 1000)
        self.k_spin.setValue(10)
        self.k_spin.setToolTip(
            translate("ModelsPage", "Cut-off of the ranking metrics (precision@K, NDCG@K, …)")
        )
        evaluation.addWidget(self.k_spin)
        self.evaluate_button = QPushButton(translate("ModelsPage", "Evaluate"))
        self.evaluate_button.clicked.connect(self._ask_evaluate)
        evaluation.addWidget(self.evaluate_button)
        evaluation.addStretch(1)
        layout.addLayout(evaluation)

        self.message = InlineMessage()
        layout.addWidget(self.message)
        self.job_progress = QProgressBar()
        self.job_progress.setVisible(False)
        layout.addWidget(self.job_progress)

        split = QSplitter(Qt.Orientation.Vertical)
        split.setChildrenCollapsible(False)
        self.table_model = ModelsTableModel(self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.table_model)
        self.proxy.setSortRole(SortRole)
        self.table = QTableView()
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(0, Qt.SortOrder.DescendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        self.table.doubleClicked.connect(lambda _index: self._ask_rename())
        split.addWidget(self.table)

        compare_box = QGroupBox(translate("ModelsPage", "Comparison"))
        compare_layout = QHBoxLayout(compare_box)
        self.compare_table = QTableWidget()
        self.compare_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.compare_table.setMinimumWidth(280)
        compare_layout.addWidget(self.compare_table, 3)
        # metrics run down the side (names never overlap); rating errors get a chart and scale of their own
        charts = QVBoxLayout()
        self.chart = make_plot(
            translate("ModelsPage", "Ranking metrics"),
            x_label=translate("ModelsPage", "value"),
            x_units=translate("ModelsPage", "0–1, higher is better"),
        )
        self.chart.getPlotItem().getAxis("left").setWidth(COMPARE_AXIS_WIDTH)
        charts.addWidget(self.chart, 3)
        self.rating_chart = make_plot(
            translate("ModelsPage", "Rating error"),
            x_label=translate("ModelsPage", "error"),
            x_units=translate("ModelsPage", "rating points, lower is better"),
        )
        self.rating_chart.getPlotItem().getAxis("left").setWidth(COMPARE_AXIS_WIDTH)
        charts.addWidget(self.rating_chart, 1)
        self.chart_legend = QLabel("")
        self.chart_legend.setWordWrap(True)
        charts.addWidget(self.chart_legend)
        self.charts = QWidget()
        self.charts.setLayout(charts)
        charts.setContentsMargins(0, 0, 0, 0)
        compare_layout.addWidget(self.charts, 2)
        self.compare_hint = QLabel(
            translate("ModelsPage", "Select two or more models above and press Compare selected.")
        )
        self.compare_hint.setObjectName("Hint")
        self.compare_hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.compare_hint.setWordWrap(True)
        compare_layout.addWidget(self.compare_hint)
        self.bar_items: list[pg.BarGraphItem] = []  # one per model on the ranking chart
        self.rating_bar_items: list[pg.BarGraphItem] = []
        self._show_comparison_widgets(False)
        split.addWidget(compare_box)
        split.setSizes([360, 320])
        self.split = split
        layout.addWidget(split, 1)

        ctx.models_changed.connect(self.refresh)
        ctx.database_changed.connect(lambda _text: self.refresh())
        self.refresh()

    # --- table -----------------------------------------------------------------------------------
    @Slot()
    def refresh(self) -> None:
        """Reload the list of models from the store."""
        from workbench.store.models import list_models

        selected = set(self.selected_model_ids())
        try:
            models = list_models(self.ctx.db)
        except STORE_ERRORS as exc:
            models = []
            self.message.show_message(translate("ModelsPage", "Cannot list models: {exc}").format(exc=exc), "error")  # noqa: E501
        self.table_model.set_models(models)
        self.stack.setCurrentIndex(1 if models else 0)
        if selected:
            self.select_models(sorted(selected))
        self._update_buttons()

    def model_ids(self) -> list[int]:
        """Ids of the listed models in display order."""
        return [int(self.proxy.index(r, 0).data(ModelIdRole)) for r in range(self.proxy.rowCount())]

    def selected_model_ids(self) -> list[int]:
        """Ids of the selected models in display order."""
        rows = sorted({index.row() for index in self.table.selectionModel().selectedRows()})
        return [int(self.proxy.index(r, 0).data(ModelIdRole)) for r in rows]

    def select_models(self, model_ids: Sequence[int]) -> None:
        """Select the given models (others deselected)."""
        from PySide6.QtCore import QItemSelection, QItemSelectionModel

        wanted = set(model_ids)
        selection = QItemSelection()
        for r in range(self.proxy.rowCount()):
            if int(self.proxy.index(r, 0).data(ModelIdRole)) in wanted:
                selection.select(self.proxy.index(r, 0), self.proxy.index(r, self.proxy.columnCount() - 1))
        flags = QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
        self.table.selectionModel().select(selection, flags)

    @Slot()
    def _update_buttons(self) -> None:
        n = len(self.selected_model_ids())
        self.rename_button.setEnabled(n == 1)
        self.delete_button.setEnabled(n >= 1)
        self.compare_button.setEnabled(n >= 2)
        self.evaluate_button.setEnabled(n >= 1)
        self.export_button.setEnabled(n == 1)
        self.export_model_button.setEnabled(n == 1)

    # --- rename / delete -------------------------------------------------------------------------
    @Slot()
    def _ask_rename(self) -> None:
        ids = self.selected_model_ids()
        if len(ids) != 1:
            return
        info = self.table_model.model_by_id(ids[0])
        name, ok = QInputDialog.getText(
            self, "Rename model", "New name:", QLineEdit.EchoMode.Normal, info.name
        )
        if ok:
            self.rename_model(ids[0], name)

    def rename_model(self, model_id: int, name: str) -> bool:
        """Rename a model; errors (empty, taken) are shown on the page. Returns success."""
        from workbench.store.models import rename_model

        try:
            rename_model(self.ctx.db, model_id, name)
        except STORE_ERRORS as exc:
            self._fail(f"Cannot rename: {exc}")
            return False
        self.message.show_message(
            translate("ModelsPage", "Renamed model {model_id} to '{value}'.").format(
                model_id=model_id, value=name.strip()
            ),
            "ok",
        )
        self.ctx.models_changed.emit()
        return True

    def delete_selected(self, confirm: bool = True) -> int:
        """Delete the selected models (asking first when ``confirm``); returns how many were deleted."""
        from workbench.store.models import delete_model

        ids = self.selected_model_ids()
        if not ids:
            return 0
        if confirm:
            answer = QMessageBox.question(
                self,
                translate("ModelsPage", "Delete models"),
                translate(
                    "ModelsPage",
                    "Delete {ids} model(s) and their evaluations? Training runs keep their curves.",
                ).format(ids=len(ids)),
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                QMessageBox.StandardButton.No,
            )
            if answer != QMessageBox.StandardButton.Yes:
                return 0
        deleted = 0
        for model_id in ids:
            try:
                delete_model(self.ctx.db, model_id)
                deleted += 1
            except STORE_ERRORS as exc:
                self._fail(f"Cannot delete model {model_id}: {exc}")
        self.message.show_message(
            translate("ModelsPage", "Deleted {deleted} model(s).").format(deleted=deleted), "ok"
        )
        self.ctx.models_changed.emit()
        return deleted

    def _fail(self, message: str) -> None:
        self.message.show_message(message, "error")
        self.action_failed.emit(message)

    # --- background jobs -------------------------------------------------------------------------
    def _submit(self, title: str, fn: Callable[..., Any], kind: str, on_done: Callable[[Any], None]) -> Any:
        """Run an evaluation, export or import beside any others; the bar shows the newest one's progress."""
        self.job_progress.setVisible(True)
        self.job_progress.setRange(0, 0)
        self.job_progress.setFormat(title)

        def progress(fraction: float, message: str) -> None:
            if fraction >= 0:
                self.job_progress.setRange(0, 1000)
                self.job_progress.setValue(int(fraction * 1000))
            self.job_progress.setFormat(f"{title}: {message or '%p%'}")

        def cancelled() -> None:
            self.message.show_message(
                translate("ModelsPage", "{title} cancelled.").format(title=title), "warning"
            )

        return self.jobs.submit(None, title, fn, on_done, kind=kind, on_progress=progress,
                                on_failed=lambda message: self._fail(f"{title} failed: {message}"),
                                on_cancelled=cancelled)

    @Slot()
    def _ask_evaluate(self) -> None:
        holdout: str | None = None
        if self.protocol_combo.currentData() == "holdout":
            holdout, _ = QFileDialog.getOpenFileName(
                self,
                translate("ModelsPage", "Holdout file (user, item[, rating])"),
                "",
                "Text files (*.csv *.tsv *.txt *.test *.data);;All (*)",
            )
            if not holdout:
                return
        for model_id in self.selected_model_ids():
            self.evaluate_model(model_id, self.k_spin.value(), holdout)

    def evaluate_model(self, model_id: int, k: int = 10, holdout: str | None = None) -> Any:
        """Evaluate a model in the background (its stored split, or a holdout file); returns the job."""
        db = self.ctx.db

        def work(cancel: CancelToken, progress: Callable[[Progress], None], _emit: Any) -> dict[str, float]:
            from workbench.store.datasets import load_dataset
            from workbench.store.models import load_model, record_evaluation, update_summary
            from workbench.training.runner import evaluate_on_split, rebuild_split

            progress(Progress(0, None, "loading model and data"))
            model, info = load_model(db, model_id)
            data = load_dataset(db, info.dataset_id)
            cancel.raise_if_cancelled()
            progress(Progress(0, None, "scoring"))
            if holdout is None:
                metrics = evaluate_on_split(model, data, rebuild_split(data, info.split), k, cancel=cancel)
                if not metrics:
                    from workbench.errors import WorkbenchError

                    raise WorkbenchError(
                        f"model '{info.name}' was trained on all data (split 'none'): "
                        "evaluate it on a holdout file instead"
                    )
                protocol = "split"
            else:
                from workbench.evaluation.holdout import evaluate_holdout_file

                metrics = evaluate_holdout_file(model, data, holdout, k, cancel=cancel)
                protocol = f"holdout:{Path(holdout).name}"
            record_evaluation(db, model_id, protocol, k, metrics)
            if protocol == "split" and k == 10:
                update_summary(db, model_id, metrics)
            return metrics

        def done(metrics: dict[str, float]) -> None:
            headline = [
                f"{key} {value:.4f}"
                for key, value in metrics.items()
                if key in ("rmse", f"ndcg@{k}", f"recall@{k}", f"precision@{k}")
            ]
            self.message.show_message(
                translate("ModelsPage", "Model {model_id}: ").format(model_id=model_id)
                + (" · ".join(headline) or translate("ModelsPage", "evaluated")),
                "ok",
            )
            self.ctx.models_changed.emit()
            self.evaluation_finished.emit(model_id)

        where = "holdout" if holdout else "split"
        return self._submit(f"Evaluate model {model_id} ({where}, K={k})", work, "evaluation", done)

    # --- comparison ------------------------------------------------------------------------------
    def _show_comparison_widgets(self, shown: bool) -> None:
        self.compare_table.setVisible(shown)
        self.charts.setVisible(shown)
        self.compare_hint.setVisible(not shown)

    @Slot()
    def compare_selected(self) -> None:
        """Show the selected models' latest metrics side by side (table and grouped bar chart)."""
        ids = self.selected_model_ids()
        if len(ids) < 2:
            self.message.show_message(
                translate("ModelsPage", "Select at least two models to compare."), "warning"
            )
            return
        self.compare_models(ids)

    def compare_models(self, model_ids: Sequence[int]) -> None:
        """Fill the comparison table and chart for ``model_ids`` (latest evaluation, else the summary)."""
        from workbench.store.models import get_model_info, list_evaluations

        columns: list[tuple[str, dict[str, float]]] = []
        for model_id in model_ids:
            try:
                info = get_model_info(self.ctx.db, model_id)
                evaluations = list_evaluations(self.ctx.db, model_id)
            except STORE_ERRORS as exc:
                self._fail(f"Cannot read model {model_id}: {exc}")
                return
            metrics = dict(info.summary or {})
            if evaluations:
                metrics.update(evaluations[-1].metrics)
            numbers = {k: v for k, v in ((k, finite_number(v)) for k, v in metrics.items()) if v is not None}
            columns.append((f"{info.name} (#{info.id})", numbers))
        names = self._comparison_metrics(columns)
        self.compare_table.clear()
        self.compare_table.setRowCount(len(names))
        self.compare_table.setColumnCount(len(columns))
        self.compare_table.setHorizontalHeaderLabels([label for label, _ in columns])
        for c, (label, _) in enumerate(columns):
            self.compare_table.horizontalHeaderItem(c).setToolTip(label)
        self.compare_table.setVerticalHeaderLabels(names)
        for r, name in enumerate(names):
            values = [m.get(name) for _, m in columns]
            present = [v for v in values if v is not None]
            best = None
            if present:
                lower = name.startswith(("rmse", "mae"))
                best = min(present) if lower else max(present)
            for c, value in enumerate(values):
                item = QTableWidgetItem("–" if value is None else f"{value:.4f}")
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                if value is not None and value == best and len(present) > 1:
                    font = item.font()
                    font.setBold(True)
                    item.setFont(font)
                    item.setToolTip(translate("ModelsPage", "best of the compared models"))
                self.compare_table.setItem(r, c, item)
        # columns as wide as their model's name (the table scrolls sideways when they do not all fit)
        self.compare_table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        charted = [n for n in names if n.split("@")[0] in CHART_METRICS]
        self._draw_chart(columns, [n for n in charted if n.split("@")[0] not in RATING_ERRORS])
        self._draw_rating_chart(columns, [n for n in charted if n.split("@")[0] in RATING_ERRORS])
        self._show_comparison_widgets(True)
        # the list can shrink to a few rows: the comparison is what the user asked to see now
        total = sum(self.split.sizes())
        self.split.setSizes([total // 3, total - total // 3])
        self.comparison_shown.emit(len(columns))

    @staticmethod
    def _comparison_metrics(columns: list[tuple[str, dict[str, float]]]) -> list[str]:
        present = {k for _, m in columns for k in m}
        ordered = [k for k in present if "/" not in k and not k.startswith(("train_", "holdout_", "n_"))]
        base_order = {name: i for i, name in enumerate((*CHART_METRICS, "novelty", "diversity"))}
        return sorted(ordered, key=lambda k: (base_order.get(k.split("@")[0], 99), k))

    def _draw_chart(self, columns: list[tuple[str, dict[str, float]]], metrics: list[str]) -> None:
        """The 0–1 metrics as horizontal bars, one colour per model, the first metric at the top."""
        self.bar_items = self._draw_bars(self.chart, self.bar_items, columns, metrics)
        entries = [
            f"<span style='color:{color(c).name()}; font-size:12pt'>■</span>&nbsp;{html.escape(label)}"
            for c, (label, _) in enumerate(columns)
        ]
        self.chart_legend.setText("&nbsp;&nbsp;&nbsp; ".join(entries))

    def _draw_rating_chart(self, columns: list[tuple[str, dict[str, float]]], metrics: list[str]) -> None:
        """RMSE and MAE (rating points) on their own scale; hidden when no compared model has them."""
        self.rating_bar_items = self._draw_bars(self.rating_chart, self.rating_bar_items, columns, metrics)
        self.rating_chart.setVisible(bool(metrics))
        self.rating_chart.setFixedHeight(80 + 24 * len(metrics))

    @staticmethod
    def _draw_bars(
        chart: pg.PlotWidget,
        old: list[pg.BarGraphItem],
        columns: list[tuple[str, dict[str, float]]],
        metrics: list[str],
    ) -> list[pg.BarGraphItem]:
        plot_item = chart.getPlotItem()
        for item in old:
            plot_item.removeItem(item)
        bars_per_model: list[pg.BarGraphItem] = []
        n = max(1, len(columns))
        band = 0.8 / n
        y_metric = np.arange(len(metrics))[::-1].astype(float)
        for c, (label, values) in enumerate(columns):
            widths = np.array([values.get(m, np.nan) for m in metrics], dtype=float)
            y = y_metric + 0.4 - band * (c + 0.5)
            keep = np.isfinite(widths)
            bars = pg.BarGraphItem(
                x0=np.zeros(int(keep.sum())),
                y=y[keep],
                width=widths[keep],
                height=np.full(int(keep.sum()), band * 0.9),
                brush=color(c),
                pen=pg.mkPen("w", width=0.5),
                name=label,
            )
            plot_item.addItem(bars)
            bars_per_model.append(bars)
        plot_item.getAxis("left").setTicks([[(float(y_metric[i]), m) for i, m in enumerate(metrics)]])
        plot_item.setYRange(-0.6, max(0, len(metrics) - 1) + 0.6, padding=0)
        plot_item.enableAutoRange(axis="x")
        return bars_per_model

    def screenshot_steps(self) -> list[tuple[str, Callable[[], None] | None]]:
        """States for the screenshot command: the list, then up to four models compared."""

        def compare() -> None:
            ids = self.model_ids()[:4]
            if len(ids) >= 2:
                self.select_models(ids)
                self.compare_models(ids)

        return [("", None), ("compare", compare)]

    # --- export ----------------------------------------------------------------------------------
    @Slot()
    def _ask_export(self) -> None:
        from workbench.ui.export_dialog import ExportDialog

        ids = self.selected_model_ids()
        if len(ids) != 1:
            self.message.show_message(
                translate("ModelsPage", "Select one model to export its recommendations."), "warning"
            )
            return
        info = self.table_model.model_by_id(ids[0])
        dialog = ExportDialog(info.name, self)
        if dialog.exec() == ExportDialog.DialogCode.Accepted and dialog.request() is not None:
            self.run_export(ids[0], dialog.request())

    def run_export(self, model_id: int, request: Any) -> Any:
        """Run the export an ``ExportRequest`` describes in the background; returns the job."""
        from workbench.training.export import export_similar_items, read_user_file

        if request.kind == "similar-items":
            db = self.ctx.db
            target, n = str(request.path), request.n

            def work(cancel: CancelToken, progress: Callable[[Progress], None], _emit: Any) -> Any:
                return export_similar_items(db, model_id, target, n=n, cancel=cancel, progress=progress)

            return self._submit(f"Export model {model_id} similar items", work, "export", self._export_done)
        try:
            users = read_user_file(request.users_file) if request.users_file is not None else None
        except WorkbenchError as exc:
            self._fail(f"Cannot export: {exc}")
            return None
        return self.export_csv(model_id, request.path, request.n, users)

    def export_csv(
        self, model_id: int, path: str | Path, n: int = 10, users: Sequence[str] | None = None
    ) -> Any:
        """Export top-``n`` recommendations of ``users`` (all when None) to CSV/Parquet in the background."""
        from workbench.training.export import export_recommendations

        db = self.ctx.db
        target = str(path)

        def work(cancel: CancelToken, progress: Callable[[Progress], None], _emit: Any) -> Any:
            return export_recommendations(
                db, model_id, target, n=n, users=users, cancel=cancel, progress=progress
            )

        return self._submit(f"Export model {model_id} top-{n}", work, "export", self._export_done)

    def _export_done(self, report: Any) -> None:
        if report.kind == "similar-items":
            text = (
                f"Wrote {report.n_rows:,} similar items for {report.n_users:,} items to {report.path} "
                f"(similarity: {report.similarity})."
            )
        else:
            skipped = f"; {len(report.unknown_users)} unknown user(s) skipped" if report.unknown_users else ""
            text = (
                f"Wrote {report.n_rows:,} recommendations for {report.n_users:,} users "
                f"to {report.path}{skipped}."
            )
        self.message.show_message(text, "ok")
        self.export_finished.emit(str(report.path))

    # --- model files -----------------------------------------------------------------------------
    @Slot()
    def _ask_export_model(self) -> None:
        from workbench.store.model_file import FILE_SUFFIX
        from workbench.ui.export_dialog import last_export_folder, remember_export_folder

        ids = self.selected_model_ids()
        if len(ids) != 1:
            return
        info = self.table_model.model_by_id(ids[0])
        safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in info.name)
        suggested = last_export_folder() / f"{safe}{FILE_SUFFIX}"
        path, _ = QFileDialog.getSaveFileName(
            self,
            translate("ModelsPage", "Export model"),
            str(suggested),
            f"Rec Workbench models (*{FILE_SUFFIX})",
        )
        if path:
            remember_export_folder(Path(path))
            self.export_model(ids[0], path)

    def export_model(self, model_id: int, path: str | Path) -> Any:
        """Write a model file in the background; returns the job."""
        from workbench.store.model_file import export_model_file

        db = self.ctx.db

        def work(_cancel: CancelToken, _progress: Callable[[Progress], None], _emit: Any) -> Any:
            return export_model_file(db, model_id, path)

        def done(result: Any) -> None:
            self.message.show_message(
                translate(
                    "ModelsPage", "Wrote model '{model_name}' to {path} ({size_bytes:,} bytes)."
                ).format(model_name=result.model_name, path=result.path, size_bytes=result.size_bytes),
                "ok",
            )
            self.model_file_written.emit(str(result.path))

        return self._submit(f"Export model {model_id} to a file", work, "export", done)

    @Slot()
    def _ask_import_model(self) -> None:
        from workbench.store.model_file import FILE_SUFFIX
        from workbench.ui.export_dialog import last_export_folder

        path, _ = QFileDialog.getOpenFileName(
            self,
            translate("ModelsPage", "Import model"),
            str(last_export_folder()),
            f"Rec Workbench models (*{FILE_SUFFIX});;All files (*)",
        )
        if path:
            self.import_model(path)

    def import_model(self, path: str | Path, dataset: int | str | None = None) -> Any:
        """Import a model file in the background (verified before anything is written); returns the job."""
        from workbench.store.model_file import import_model_file

        db = self.ctx.db

        def work(_cancel: CancelToken, _progress: Callable[[Progress], None], _emit: Any) -> Any:
            return import_model_file(db, path, dataset=dataset)

        def done(result: Any) -> None:
            parts = [f"Imported model '{result.model_name}' on dataset '{result.dataset_name}'."]
            parts += [f"Note: {w}." for w in result.warnings]
            if result.unavailable:
                parts.append(
                    "Its dataset is not in this database: the model scores and recommends, but "
                    "these are unavailable: " + "; ".join(result.unavailable) + "."
                )
            self.message.show_message(
                " ".join(parts), "warning" if result.unavailable or result.warnings else "ok"
            )
            self.ctx.datasets_changed.emit()
            self.ctx.models_changed.emit()
            self.model_imported.emit(int(result.model_id))

        return self._submit(f"Import model from {Path(path).name}", work, "import", done)
