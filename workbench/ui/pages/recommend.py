"""The Recommend page: pick a model and a user, see their history and their top-N with scores.

The right-hand ``explanation_area`` is left for the explanation views (a later page part adds widgets to
``explanation_layout`` and listens to ``recommendations_shown`` / ``item_selected``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QStringListModel, Qt, Signal, Slot
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QCompleter,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QSplitter,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from workbench.core.progress import CancelToken, Progress
from workbench.store.db import STORE_ERRORS
from workbench.ui.context import AppContext
from workbench.ui.explain_panel import attach_to_recommend_page
from workbench.ui.i18n import translate
from workbench.ui.plots import color, make_plot, set_label_ticks
from workbench.ui.widgets import EmptyState, InlineMessage, pass_clicks_through

HISTORY_LIMIT = 500
LABEL_AXIS_WIDTH = 150  # px of the chart's item-title axis; longer titles are elided


@dataclass
class RecommendResult:
    """What one recommendation request produced (built on a worker thread)."""

    model_id: int
    user: str
    items: list[str]
    scores: list[float]
    titles: list[str]
    history: list[Any] = field(default_factory=list)  # HistoryEntry, newest first
    explicit: bool = True  # the model's scores are predicted ratings


def _when(timestamp: int | None) -> str:
    if timestamp is None:
        return ""
    return datetime.fromtimestamp(int(timestamp), tz=UTC).strftime("%Y-%m-%d")


class RecommendPage(QWidget):
    """Top-N recommendations of one user from one saved model.

    Signals: ``recommendations_shown(str user)``, ``item_selected(str item)`` (a recommendation row
    clicked), ``model_loaded(int model_id)``, ``request_failed(str message)``.
    Attributes for the explanation views: ``model`` (the loaded ``Recommender``), ``model_info``,
    ``result`` (the last ``RecommendResult``), ``explanation_area`` / ``explanation_layout``.
    """

    recommendations_shown = Signal(str)
    item_selected = Signal(str)
    model_loaded = Signal(int)
    request_failed = Signal(str)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.model: Any = None
        self.model_info: Any = None
        self.result: RecommendResult | None = None
        self._cache: dict[int, tuple[Any, Any]] = {}
        self._job: Any = None

        outer = QVBoxLayout(self)
        outer.setContentsMargins(12, 12, 12, 12)
        self.stack = QStackedWidget()
        outer.addWidget(self.stack)
        self.empty = EmptyState(
            translate("RecommendPage", "No model yet"),
            translate(
                "RecommendPage",
                "Train one on the Train page, then pick a user here to see their recommendations.",
            ),
        )
        self.stack.addWidget(self.empty)
        body = QWidget()
        self.stack.addWidget(body)
        layout = QVBoxLayout(body)
        layout.setContentsMargins(0, 0, 0, 0)

        controls = QHBoxLayout()
        controls.addWidget(QLabel(translate("RecommendPage", "Model")))
        self.model_combo = QComboBox()
        self.model_combo.setMinimumWidth(260)
        self.model_combo.currentIndexChanged.connect(self._on_model_changed)
        controls.addWidget(self.model_combo, 2)
        controls.addWidget(QLabel(translate("RecommendPage", "User")))
        self.user_edit = QLineEdit()
        self.user_edit.setPlaceholderText(translate("RecommendPage", "type a user id…"))
        self.user_edit.setToolTip(
            translate("RecommendPage", "User id; suggestions come from the model's users")
        )
        self.user_edit.setClearButtonEnabled(True)
        self.user_completer = QCompleter([], self)
        self.user_completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.user_completer.setFilterMode(Qt.MatchFlag.MatchStartsWith)
        self.user_completer.setMaxVisibleItems(15)
        self.user_edit.setCompleter(self.user_completer)
        pass_clicks_through(self.user_completer)
        self.user_edit.returnPressed.connect(self.show_recommendations)
        self.user_completer.activated.connect(lambda _text: self.show_recommendations())
        controls.addWidget(self.user_edit, 1)
        controls.addWidget(QLabel(translate("RecommendPage", "N")))
        self.n_spin = QSpinBox()
        self.n_spin.setRange(1, 200)
        self.n_spin.setValue(10)
        self.n_spin.setToolTip(translate("RecommendPage", "How many recommendations"))
        controls.addWidget(self.n_spin)
        self.show_button = QPushButton(translate("RecommendPage", "Recommend"))
        self.show_button.setDefault(True)
        self.show_button.clicked.connect(self.show_recommendations)
        controls.addWidget(self.show_button)
        layout.addLayout(controls)
        self.message = InlineMessage()
        layout.addWidget(self.message)

        split = QSplitter(Qt.Orientation.Horizontal)
        split.setChildrenCollapsible(False)
        history_box = QGroupBox(translate("RecommendPage", "History"))
        history_layout = QVBoxLayout(history_box)
        self.history_table = self._make_table(
            [
                translate("RecommendPage", "Item"),
                translate("RecommendPage", "Title"),
                translate("RecommendPage", "Rating"),
                translate("RecommendPage", "Date"),
            ]
        )
        history_layout.addWidget(self.history_table)
        self.history_label = QLabel(
            translate("RecommendPage", "Pick a user to see what they interacted with.")
        )
        self.history_label.setObjectName("Hint")
        self.history_label.setWordWrap(True)
        history_layout.addWidget(self.history_label)
        split.addWidget(history_box)

        recs_box = QGroupBox(translate("RecommendPage", "Recommendations"))
        recs_layout = QVBoxLayout(recs_box)
        recs_split = QSplitter(Qt.Orientation.Vertical)
        self.recs_table = self._make_table(
            [
                "#",
                translate("RecommendPage", "Item"),
                translate("RecommendPage", "Title"),
                translate("RecommendPage", "Score"),
            ]
        )
        self.recs_table.itemSelectionChanged.connect(self._on_recommendation_selected)
        recs_split.addWidget(self.recs_table)
        self.chart = make_plot(
            translate("RecommendPage", "Top-N scores"),
            x_label=translate("RecommendPage", "score"),
            x_units=translate("RecommendPage", "higher is better"),
        )
        self.chart.setMinimumHeight(200)
        self.chart.getPlotItem().getAxis("left").setWidth(LABEL_AXIS_WIDTH)
        recs_split.addWidget(self.chart)
        recs_split.setSizes([360, 260])  # the table first: the chart repeats its scores
        self.bars: pg.BarGraphItem | None = None
        recs_layout.addWidget(recs_split)
        split.addWidget(recs_box)

        # The explanation views plug in here (kept separate so this page needs no change for them).
        self.explanation_area = QGroupBox(translate("RecommendPage", "Why these items?"))
        self.explanation_area.setObjectName("ExplanationArea")
        self.explanation_layout = QVBoxLayout(self.explanation_area)
        self.explanation_placeholder = QLabel(
            translate("RecommendPage", "Explanations of the selected recommendation will appear here.")
        )
        self.explanation_placeholder.setObjectName("Hint")
        self.explanation_placeholder.setWordWrap(True)
        self.explanation_placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.explanation_layout.addWidget(self.explanation_placeholder)
        split.addWidget(self.explanation_area)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 4)
        split.setStretchFactor(2, 2)
        split.setSizes([380, 520, 260])
        layout.addWidget(split, 1)
        attach_to_recommend_page(self)  # the "why this item" panel under the recommendations

        ctx.models_changed.connect(self.refresh_models)
        ctx.database_changed.connect(lambda _text: self._on_database_changed())
        self.refresh_models()

    @staticmethod
    def _make_table(headers: list[str]) -> QTableWidget:
        table = QTableWidget(0, len(headers))
        table.setHorizontalHeaderLabels(headers)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        table.setAlternatingRowColors(True)
        table.verticalHeader().setVisible(False)
        header = table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        title_column = headers.index(translate("RecommendPage", "Title"))
        header.setSectionResizeMode(title_column, QHeaderView.ResizeMode.Stretch)
        # long titles wrap onto a second line instead of being cut to a few words
        table.setWordWrap(True)
        table.setTextElideMode(Qt.TextElideMode.ElideRight)
        table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        return table

    # --- models ----------------------------------------------------------------------------------
    @Slot()
    def refresh_models(self) -> None:
        """Reload the model combo from the store."""
        from workbench.store.models import list_models

        current = self.model_combo.currentData()
        try:
            models = list_models(self.ctx.db)
        except STORE_ERRORS as exc:
            models = []
            self.message.show_message(translate("RecommendPage", "Cannot list models: {exc}").format(exc=exc), "error")  # noqa: E501
        known = {m.id for m in models}
        self._cache = {k: v for k, v in self._cache.items() if k in known}
        self.model_combo.blockSignals(True)
        self.model_combo.clear()
        for info in models:
            self.model_combo.addItem(f"{info.name}  ({info.family} on {info.dataset_name})", info.id)
        index = self.model_combo.findData(current)
        self.model_combo.setCurrentIndex(index if index >= 0 else (0 if models else -1))
        self.model_combo.blockSignals(False)
        self.stack.setCurrentIndex(1 if models else 0)
        if self.model_combo.currentData() != current or current not in known:
            self._on_model_changed()

    def _on_database_changed(self) -> None:
        self._cache.clear()
        self.refresh_models()

    def select_model(self, model_id: int) -> None:
        """Choose a model by id (tests, other pages)."""
        index = self.model_combo.findData(model_id)
        if index < 0:
            self.refresh_models()
            index = self.model_combo.findData(model_id)
        if index >= 0:
            self.model_combo.setCurrentIndex(index)

    @Slot()
    def _on_model_changed(self) -> None:
        """Load the chosen model in the background, to fill the user completer."""
        model_id = self.model_combo.currentData()
        self.model, self.model_info = None, None
        if model_id is None:
            return
        if model_id in self._cache:
            self._use_model(model_id)
            return
        db = self.ctx.db

        def work(cancel: CancelToken, progress: Callable[[Progress], None], _emit: Any) -> Any:
            from workbench.store.models import load_model

            return load_model(db, model_id)

        job = self.ctx.job_slots.submit(
            "recommend-model",
            translate("RecommendPage", "Load model {model_id}").format(model_id=model_id),
            work,
            kind="load",
        )
        job.finished.connect(lambda loaded, m=model_id: self._on_model_loaded(m, loaded))
        job.failed.connect(self._fail)

    def _on_model_loaded(self, model_id: int, loaded: tuple[Any, Any]) -> None:
        self._cache[model_id] = loaded
        if self.model_combo.currentData() == model_id:
            self._use_model(model_id)

    def _use_model(self, model_id: int) -> None:
        self.model, self.model_info = self._cache[model_id]
        users = list(self.model.users.ids) if self.model.users is not None else []
        self.user_completer.setModel(QStringListModel(users, self.user_completer))
        self.user_edit.setPlaceholderText(
            translate("RecommendPage", "user id, e.g. {value}").format(value=users[0])
            if users
            else translate("RecommendPage", "type a user id…")
        )
        self.user_edit.setToolTip(
            translate(
                "RecommendPage", "User id, one of the model's {users:,} users; suggestions appear as you type"
            ).format(users=len(users))
        )
        self.model_loaded.emit(model_id)

    # --- recommendations -------------------------------------------------------------------------
    @Slot()
    def show_recommendations(self, user: str | None = None) -> None:
        """Compute and show the top-N of ``user`` (default: the user box) in the background."""
        if user is not None and not isinstance(user, str):
            user = None  # clicked(bool) from the button
        model_id = self.model_combo.currentData()
        user = (user if user is not None else self.user_edit.text()).strip()
        if model_id is None:
            self.message.show_message(translate("RecommendPage", "Choose a model first."), "warning")
            return
        if not user:
            self.message.show_message(translate("RecommendPage", "Type a user id."), "warning")
            return
        if self.user_edit.text().strip() != user:
            self.user_edit.setText(user)
        if self._job is not None and self._job.is_active:
            self._job.cancel()
        n = self.n_spin.value()
        db = self.ctx.db
        cached = self._cache.get(model_id)

        def work(cancel: CancelToken, progress: Callable[[Progress], None], _emit: Any) -> RecommendResult:
            from workbench.store.models import load_model
            from workbench.training.export import item_titles_all, recommend_for_user, user_history

            model, info = cached if cached is not None else load_model(db, model_id)
            cancel.raise_if_cancelled()
            history = user_history(db, info.dataset_id, user)
            # everything the user already has is left out, held-out test rows included
            recs = recommend_for_user(model, user, n, [entry.item for entry in history])
            titles = item_titles_all(db, info.dataset_id)
            history = history[:HISTORY_LIMIT]
            items = [item for item, _ in recs]
            return RecommendResult(
                model_id=model_id,
                user=user,
                items=items,
                scores=[float(s) for _, s in recs],
                titles=[titles.get(item, "") for item in items],
                history=history,
                explicit=model.predicts_ratings,
            )

        self.message.clear_message()
        self.show_button.setEnabled(False)
        job = self.ctx.job_slots.submit(
            "recommend", translate("RecommendPage", "Recommend for user {user}").format(user=user), work,
            kind="recommend",
        )
        self._job = job
        job.finished.connect(self._on_result)
        job.failed.connect(self._fail)
        job.done.connect(lambda: self.show_button.setEnabled(True))

    def _fail(self, message: str) -> None:
        self.message.show_message(message, "error")
        self.request_failed.emit(message)

    @Slot(object)
    def _on_result(self, result: RecommendResult) -> None:
        self.result = result
        if result.model_id in self._cache:
            self.model, self.model_info = self._cache[result.model_id]
        self._fill_history(result)
        self._fill_recommendations(result)
        self._draw_chart(result)
        if not result.items:
            self.message.show_message(
                translate(
                    "RecommendPage", "No recommendations left for user {user}: they have seen every item."
                ).format(user=result.user),
                "info",
            )
        self.recommendations_shown.emit(result.user)

    def _fill_history(self, result: RecommendResult) -> None:
        table = self.history_table
        table.setSortingEnabled(False)
        table.setRowCount(len(result.history))
        for r, entry in enumerate(result.history):
            cells = [entry.item, entry.title, f"{entry.value:g}", _when(entry.timestamp)]
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if c == 1 and entry.title:
                    item.setToolTip(f"{entry.title} ({entry.item})")
                if c == 2:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                table.setItem(r, c, item)
        # Titles say more than ids in a narrow column; the id stays in the tooltip (and the hidden column).
        table.setColumnHidden(0, any(entry.title for entry in result.history))
        shown = len(result.history)
        more = " (newest first; first 500 shown)" if shown >= HISTORY_LIMIT else " (newest first)"
        self.history_label.setText(
            translate("RecommendPage", "User {user}: {shown:,} interactions{more}.").format(
                user=result.user, shown=shown, more=more
            )
        )

    def _fill_recommendations(self, result: RecommendResult) -> None:
        table = self.recs_table
        # titles say more than ids; the id stays in the title's tool tip (and the hidden column)
        table.setColumnHidden(1, any(result.titles))
        table.setRowCount(len(result.items))
        for r, (item_id, title, score) in enumerate(
            zip(result.items, result.titles, result.scores, strict=True)
        ):
            cells = [str(r + 1), item_id, title, f"{score:.4f}"]
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if c in (0, 3):
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                if c == 2 and title:
                    item.setToolTip(f"{title} ({item_id})")
                table.setItem(r, c, item)

    def _draw_chart(self, result: RecommendResult) -> None:
        plot_item = self.chart.getPlotItem()
        if self.bars is not None:
            plot_item.removeItem(self.bars)
            self.bars = None
        n = len(result.items)
        if n == 0:
            return
        scores = np.asarray(result.scores, dtype=float)
        y = np.arange(n)[::-1].astype(float)  # best at the top
        left = min(0.0, float(scores.min()))
        self.bars = pg.BarGraphItem(
            x0=left, y=y, height=0.7, width=scores - left, brush=color(0), pen=pg.mkPen("w", width=0.5)
        )
        plot_item.addItem(self.bars)
        labels = [(float(y[i]), f"{i + 1}. {result.titles[i] or result.items[i]}") for i in range(n)]
        set_label_ticks(plot_item.getAxis("left"), labels, LABEL_AXIS_WIDTH)
        plot_item.setYRange(-0.6, n - 0.4, padding=0)
        plot_item.enableAutoRange(axis="x")

    @Slot()
    def _on_recommendation_selected(self) -> None:
        rows = self.recs_table.selectionModel().selectedRows()
        if rows and self.result is not None and rows[0].row() < len(self.result.items):
            self.item_selected.emit(self.result.items[rows[0].row()])

    def recommended_items(self) -> list[str]:
        """Item ids in the recommendations table, in rank order."""
        return [self.recs_table.item(r, 1).text() for r in range(self.recs_table.rowCount())]

    def history_items(self) -> list[str]:
        """Item ids in the history table."""
        return [self.history_table.item(r, 0).text() for r in range(self.history_table.rowCount())]
