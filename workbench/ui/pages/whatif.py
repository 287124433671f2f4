"""The What-if page: a new user who picks a few items, and a new item described by its text, both
answered by a trained model at once, without retraining (``workbench.explain.coldstart_user/_item``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, QTimer, Signal, Slot
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from workbench.core.progress import CancelToken, Progress
from workbench.models.capabilities import EncodesNewItem
from workbench.ui.context import AppContext
from workbench.ui.explain_panel import (
    ExplanationPanel,
    LoadedModel,
    item_text,
    load_model_with_data,
    set_label_ticks,
)
from workbench.ui.i18n import translate
from workbench.ui.jobs import Job
from workbench.ui.model_page import ModelPage
from workbench.ui.pages.inspect import _fill, _table
from workbench.ui.plots import color, make_plot
from workbench.ui.widgets import InlineMessage

N_RESULTS = 10
LIST_LIMIT = 2000  # items shown in the searchable list at once (the filter narrows it)


class WhatIfPage(ModelPage):
    """New user and new item what-ifs for one saved model.

    Signals: ``model_loaded(int model_id)``, ``user_recommended(int count)`` (new-user results drawn),
    ``item_answered(int count)`` (new-item results drawn), ``failed(str message)``.
    Attributes: ``loaded`` (``LoadedModel``), ``user_result`` / ``item_result`` (the core's dicts),
    ``explanation_panel``, ``picked_table``, ``user_results_table``, ``similar_table``, ``audience_table``.
    """

    model_loaded = Signal(int)
    user_recommended = Signal(int)
    item_answered = Signal(int)

    job_kind = "whatif"

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.loaded: LoadedModel | None = None
        self.user_result: dict[str, Any] | None = None
        self.item_result: dict[str, Any] | None = None
        self._titles: dict[str, str] = {}
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(250)
        self._debounce.timeout.connect(self.recommend_for_new_user)

        layout, controls = self._build_frame(
            "Then try a new user or a new item here, without retraining.", combo_width=320)
        controls.addWidget(self.model_combo)
        self.model_note = QLabel("")
        self.model_note.setObjectName("Hint")
        self.model_note.setWordWrap(True)
        controls.addWidget(self.model_note, 1)
        layout.addLayout(controls)
        self.message = InlineMessage()
        layout.addWidget(self.message)
        self.tabs = QTabWidget()
        self.tabs.addTab(self._build_user_tab(), translate("WhatIfPage", "New user"))
        self.tabs.addTab(self._build_item_tab(), translate("WhatIfPage", "New item"))
        layout.addWidget(self.tabs, 1)

        ctx.models_changed.connect(self.refresh_models)
        ctx.database_changed.connect(lambda _text: self.refresh_models())
        self.refresh_models()

    # --- layout ----------------------------------------------------------------------------------
    def _build_user_tab(self) -> QWidget:
        tab = QSplitter(Qt.Orientation.Horizontal)
        tab.setChildrenCollapsible(False)
        pick_box = QGroupBox(translate("WhatIfPage", "1. Pick a few items"))
        pick = QVBoxLayout(pick_box)
        self.search_edit = QLineEdit()
        self.search_edit.setPlaceholderText(translate("WhatIfPage", "search titles or ids…"))
        self.search_edit.setClearButtonEnabled(True)
        self.search_edit.textChanged.connect(self._filter_items)
        pick.addWidget(self.search_edit)
        self.item_list = QListWidget()
        self.item_list.setToolTip(
            translate("WhatIfPage", "Double-click (or Enter) to add an item to the new user's history")
        )
        self.item_list.itemActivated.connect(
            lambda entry: self.add_item(entry.data(Qt.ItemDataRole.UserRole))
        )
        pick.addWidget(self.item_list, 3)
        add_row = QHBoxLayout()
        self.add_button = QPushButton(translate("WhatIfPage", "Add ↓"))
        self.add_button.clicked.connect(self._add_selected)
        add_row.addWidget(self.add_button)
        self.remove_button = QPushButton(translate("WhatIfPage", "Remove"))
        self.remove_button.clicked.connect(self._remove_selected)
        add_row.addWidget(self.remove_button)
        self.clear_button = QPushButton(translate("WhatIfPage", "Clear"))
        self.clear_button.clicked.connect(self.clear_picks)
        add_row.addWidget(self.clear_button)
        pick.addLayout(add_row)
        self.use_ratings = QCheckBox(translate("WhatIfPage", "Rate the picked items"))
        self.use_ratings.setToolTip(
            translate("WhatIfPage", "Off: every picked item counts as liked. On: the ratings below are used.")
        )
        self.use_ratings.toggled.connect(self._on_ratings_toggled)
        pick.addWidget(self.use_ratings)
        self.picked_table = _table(
            [
                translate("WhatIfPage", "Item"),
                translate("WhatIfPage", "Title"),
                translate("WhatIfPage", "Rating"),
            ]
        )
        self.picked_table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        pick.addWidget(self.picked_table, 2)
        tab.addWidget(pick_box)

        results_box = QGroupBox(translate("WhatIfPage", "2. Recommendations, at once"))
        results = QVBoxLayout(results_box)
        self.user_hint = QLabel(
            translate("WhatIfPage", "Add items on the left; the model folds them into a new user's profile.")
        )
        self.user_hint.setObjectName("Hint")
        self.user_hint.setWordWrap(True)
        results.addWidget(self.user_hint)
        self.user_results_table = _table(
            [
                "#",
                translate("WhatIfPage", "Item"),
                translate("WhatIfPage", "Title"),
                translate("WhatIfPage", "Score"),
            ]
        )
        self.user_results_table.itemSelectionChanged.connect(self._on_user_result_selected)
        results.addWidget(self.user_results_table, 1)
        tab.addWidget(results_box)

        why_box = QGroupBox(translate("WhatIfPage", "3. Why?"))
        why = QVBoxLayout(why_box)
        self.explanation_panel = ExplanationPanel(self.ctx, compact=True)
        self.explanation_panel.clear("Select a recommendation to see which picked items drove it.")
        self.explanation_panel.history_item_selected.connect(self._select_picked)
        why.addWidget(self.explanation_panel)
        tab.addWidget(why_box)
        tab.setSizes([300, 340, 460])
        return tab

    def _build_item_tab(self) -> QWidget:
        tab = QSplitter(Qt.Orientation.Horizontal)
        tab.setChildrenCollapsible(False)
        describe_box = QGroupBox(translate("WhatIfPage", "Describe the new item"))
        form = QFormLayout(describe_box)
        self.title_edit = QLineEdit()
        self.title_edit.setPlaceholderText(translate("WhatIfPage", "e.g. Ultra waterproof hiking tent"))
        form.addRow(translate("WhatIfPage", "Title"), self.title_edit)
        self.text_edit = QPlainTextEdit()
        self.text_edit.setPlaceholderText(translate("WhatIfPage", "A description in a few sentences…"))
        self.text_edit.setMinimumHeight(90)
        form.addRow(translate("WhatIfPage", "Description"), self.text_edit)
        self.category_list = QListWidget()
        self.category_list.setToolTip(translate("WhatIfPage", "Tick the categories the item belongs to"))
        self.category_list.setMinimumHeight(110)
        form.addRow(translate("WhatIfPage", "Categories"), self.category_list)
        self.extra_categories = QLineEdit()
        self.extra_categories.setPlaceholderText(translate("WhatIfPage", "other categories"))
        self.extra_categories.setToolTip(
            translate("WhatIfPage", "Categories that are not in the list, separated by commas")
        )
        form.addRow("", self.extra_categories)
        self.item_button = QPushButton(translate("WhatIfPage", "Find its audience"))
        self.item_button.clicked.connect(self.answer_new_item)
        form.addRow("", self.item_button)
        self.item_note = QLabel("")
        self.item_note.setObjectName("Hint")
        self.item_note.setWordWrap(True)
        form.addRow(self.item_note)
        tab.addWidget(describe_box)

        audience_box = QGroupBox(translate("WhatIfPage", "Users most likely to want it"))
        audience = QVBoxLayout(audience_box)
        self.audience_plot = make_plot(
            None, x_label=translate("WhatIfPage", "score"), x_units=translate("WhatIfPage", "model units")
        )
        self.audience_plot.getPlotItem().getAxis("left").setWidth(70)
        self.audience_plot.getPlotItem().getAxis("left").setLabel(
            translate("WhatIfPage", "user"), color="#333333"
        )
        audience.addWidget(self.audience_plot, 2)
        self.audience_bars: pg.BarGraphItem | None = None
        self.audience_table = _table(
            [translate("WhatIfPage", "User"), translate("WhatIfPage", "Score")], stretch="User"
        )
        audience.addWidget(self.audience_table, 1)
        tab.addWidget(audience_box)

        similar_box = QGroupBox(translate("WhatIfPage", "Most similar existing items"))
        similar = QVBoxLayout(similar_box)
        self.similar_table = _table(
            [
                translate("WhatIfPage", "Item"),
                translate("WhatIfPage", "Title"),
                translate("WhatIfPage", "Categories"),
                translate("WhatIfPage", "Similarity"),
            ]
        )
        # many genres ("Action, Adventure, Sci-Fi, …") must not squeeze the title: a fixed share, cut with a
        # tool tip, and the title wraps instead
        categories = self.similar_table.horizontalHeader()
        categories.setSectionResizeMode(2, QHeaderView.ResizeMode.Interactive)
        categories.resizeSection(2, 110)
        self.similar_table.setWordWrap(True)
        self.similar_table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        similar.addWidget(self.similar_table)
        tab.addWidget(similar_box)
        tab.setSizes([340, 290, 470])
        return tab

    def _model_loaded(self) -> bool:
        return self.loaded is not None

    @Slot()
    def _on_model_changed(self) -> None:
        model_id = self.model_combo.currentData()
        self.loaded = None
        if model_id is None:
            return
        db = self.ctx.db

        def work(cancel: CancelToken, progress: Callable[[Progress], None], _emit: Any) -> LoadedModel:
            return load_model_with_data(db, int(model_id))

        self.model_note.setText(translate("WhatIfPage", "Loading the model…"))
        self._submit("model", f"Load model {model_id}", work, self._on_loaded)

    def _on_loaded(self, loaded: LoadedModel) -> None:
        from workbench.explain.core import item_titles

        self.loaded = loaded
        model = loaded.model
        titles = item_titles(model, loaded.dataset.content)
        self._titles = dict(zip(model.items.ids, titles, strict=True))
        self._filter_items(self.search_edit.text())
        # keep picks the new model knows
        keep = [(i, r) for i, r in self.picked() if i in self._titles]
        self.picked_table.setRowCount(0)
        for item, rating in keep:
            self.add_item(item, rating, run=False)
        self._fill_categories(loaded)
        reads_content = isinstance(model, EncodesNewItem)
        self.item_button.setEnabled(reads_content)
        self.item_note.setText(
            ""
            if reads_content
            else translate(
                "WhatIfPage",
                "The {family} model cannot score an item it has never seen: new items need a model that reads item text, so train a content or hybrid model.",  # noqa: E501
            ).format(family=model.family)
        )
        self.model_note.setText(
            translate(
                "WhatIfPage",
                "{items:,} items, {users:,} users ({family}). No retraining: answers come from the trained weights.",  # noqa: E501
            ).format(items=len(model.items), users=len(model.users), family=model.family)
        )
        self.model_loaded.emit(int(loaded.info.id))
        if keep:
            self.recommend_for_new_user()

    def _fill_categories(self, loaded: LoadedModel) -> None:
        checked = set(self.chosen_categories())
        self.category_list.clear()
        content = loaded.dataset.content
        names = sorted({c for cats in content.categories for c in cats}) if content is not None else []
        for name in names:
            entry = QListWidgetItem(name)
            entry.setFlags(entry.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            entry.setCheckState(Qt.CheckState.Checked if name in checked else Qt.CheckState.Unchecked)
            self.category_list.addItem(entry)

    # --- new user --------------------------------------------------------------------------------
    def _filter_items(self, text: str) -> None:
        needle = text.strip().lower()
        self.item_list.clear()
        shown = 0
        for item, title in self._titles.items():
            label = f"{title} ({item})" if title else item
            if needle and needle not in label.lower():
                continue
            entry = QListWidgetItem(label)
            entry.setData(Qt.ItemDataRole.UserRole, item)
            self.item_list.addItem(entry)
            shown += 1
            if shown >= LIST_LIMIT:
                break

    def _add_selected(self) -> None:
        for entry in self.item_list.selectedItems():
            self.add_item(entry.data(Qt.ItemDataRole.UserRole))

    def add_item(self, item: str, rating: float | None = None, run: bool = True) -> None:
        """Add ``item`` to the new user's picks (optionally rated); recommendations follow at once."""
        item = str(item)
        if item in [i for i, _ in self.picked()] or item not in self._titles:
            return
        row = self.picked_table.rowCount()
        self.picked_table.insertRow(row)
        _fill_row(self.picked_table, row, [item, self._titles.get(item, "")])
        spin = QDoubleSpinBox()
        low, high = self._rating_range()
        spin.setRange(low, high)
        spin.setDecimals(1)
        spin.setSingleStep(0.5)
        spin.setValue(rating if rating is not None else high)
        spin.setEnabled(self.use_ratings.isChecked())
        spin.valueChanged.connect(lambda _v: self._schedule())
        self.picked_table.setCellWidget(row, 2, spin)
        if run:
            self._schedule()

    def _rating_range(self) -> tuple[float, float]:
        inter = self.loaded.dataset.interactions if self.loaded is not None else None
        if inter is not None and inter.rating_min is not None and inter.rating_max is not None:
            return float(inter.rating_min), float(inter.rating_max)
        return 0.0, 1.0 if inter is None or inter.kind == "implicit" else 5.0

    def picked(self) -> list[tuple[str, float]]:
        """The picked items with their ratings, in table order."""
        out = []
        for row in range(self.picked_table.rowCount()):
            cell = self.picked_table.item(row, 0)
            spin = self.picked_table.cellWidget(row, 2)
            if cell is not None:
                out.append((cell.text(), float(spin.value()) if isinstance(spin, QDoubleSpinBox) else 1.0))
        return out

    def _remove_selected(self) -> None:
        rows = sorted({index.row() for index in self.picked_table.selectedIndexes()}, reverse=True)
        for row in rows:
            self.picked_table.removeRow(row)
        if rows:
            self._schedule()

    def clear_picks(self) -> None:
        """Forget every picked item and the results."""
        self.picked_table.setRowCount(0)
        self.user_results_table.setRowCount(0)
        self.user_result = None
        self.explanation_panel.clear("Select a recommendation to see which picked items drove it.")

    def _on_ratings_toggled(self, on: bool) -> None:
        for row in range(self.picked_table.rowCount()):
            spin = self.picked_table.cellWidget(row, 2)
            if spin is not None:
                spin.setEnabled(on)
        self._schedule()

    def _schedule(self) -> None:
        if self.picked_table.rowCount():
            self._debounce.start()

    @Slot()
    def recommend_for_new_user(self) -> Job | None:
        """Fold the picks into a new user and show their top-10 with explanations (background job)."""
        self._debounce.stop()
        loaded, picks = self.loaded, self.picked()
        if loaded is None or not picks:
            return None
        items = [i for i, _ in picks]
        ratings = [r for _, r in picks] if self.use_ratings.isChecked() else None

        def work(cancel: CancelToken, progress: Callable[[Progress], None], _emit: Any) -> dict[str, Any]:
            from workbench.explain import coldstart_user

            result = coldstart_user(loaded.model, loaded.dataset, items, ratings, n=N_RESULTS)
            for rec in result["recommendations"]:
                if "explanation" in rec:
                    rec["explanation"]["text"] = item_text(loaded.dataset, rec["item"])
            return result

        self.message.clear_message()
        self.user_hint.setText(
            translate("WhatIfPage", "Folding in {items} picked item{value}…").format(
                items=len(items), value="s" if len(items) != 1 else ""
            )
        )
        return self._submit("user", "New user what-if", work, self._on_user_result)

    def _on_user_result(self, result: dict[str, Any]) -> None:
        self.user_result = result
        recs = result["recommendations"]
        # a kept selection would not announce itself, leaving the Why panel on the previous profile
        self.user_results_table.clearSelection()
        _fill(
            self.user_results_table,
            [
                [str(r + 1), rec["item"], rec.get("title", ""), f"{rec['score']:.4f}"]
                for r, rec in enumerate(recs)
            ],
            right=(0, 3),
        )
        picked = len(result["items"])
        self.user_hint.setText(
            translate(
                "WhatIfPage",
                "Top {recs} for a new user who picked {picked} item{value} (picked items are never recommended). Select one to see why.",  # noqa: E501
            ).format(recs=len(recs), picked=picked, value="s" if picked != 1 else "")
        )
        if recs:
            self.user_results_table.selectRow(0)
        self.user_recommended.emit(len(recs))

    def _on_user_result_selected(self) -> None:
        rows = self.user_results_table.selectionModel().selectedRows()
        if not rows or self.user_result is None:
            return
        recs = self.user_result["recommendations"]
        if rows[0].row() < len(recs) and "explanation" in recs[rows[0].row()]:
            self.explanation_panel.show_explanation(recs[rows[0].row()]["explanation"])

    def _select_picked(self, item: str) -> None:
        for row in range(self.picked_table.rowCount()):
            cell = self.picked_table.item(row, 0)
            if cell is not None and cell.text() == item:
                self.picked_table.selectRow(row)
                return

    def recommended_items(self) -> list[str]:
        """Item ids in the new user's results table, in rank order."""
        return [self.user_results_table.item(r, 1).text() for r in range(self.user_results_table.rowCount())]

    # --- new item --------------------------------------------------------------------------------
    def chosen_categories(self) -> list[str]:
        """Ticked categories plus the typed ones."""
        ticked = [
            self.category_list.item(r).text()
            for r in range(self.category_list.count())
            if self.category_list.item(r).checkState() == Qt.CheckState.Checked
        ]
        typed = [c.strip() for c in self.extra_categories.text().split(",") if c.strip()]
        return ticked + [c for c in typed if c not in ticked]

    def set_categories(self, names: list[str]) -> None:
        """Tick ``names`` in the category list (unknown ones go to the typed field)."""
        extra = []
        known = {self.category_list.item(r).text(): r for r in range(self.category_list.count())}
        for r in range(self.category_list.count()):
            self.category_list.item(r).setCheckState(Qt.CheckState.Unchecked)
        for name in names:
            if name in known:
                self.category_list.item(known[name]).setCheckState(Qt.CheckState.Checked)
            else:
                extra.append(name)
        self.extra_categories.setText(", ".join(extra))

    @Slot()
    def answer_new_item(self) -> Job | None:
        """Score the described item for every user and find its nearest items (background job)."""
        loaded = self.loaded
        if loaded is None:
            return None
        title, text = self.title_edit.text().strip(), self.text_edit.toPlainText().strip()
        categories = self.chosen_categories()
        if not (title or text or categories):
            self.message.show_message(
                translate("WhatIfPage", "Describe the new item first: a title, a description or categories."),
                "warning",
            )
            return None

        def work(cancel: CancelToken, progress: Callable[[Progress], None], _emit: Any) -> dict[str, Any]:
            from workbench.explain import coldstart_item

            return coldstart_item(loaded.model, loaded.dataset, title, text, categories, n=N_RESULTS)

        self.message.clear_message()
        return self._submit("item", "New item what-if", work, self._on_item_result)

    def _on_item_result(self, result: dict[str, Any]) -> None:
        self.item_result = result
        users = result["users"]
        _fill(self.audience_table, [[u["user"], f"{u['score']:.4f}"] for u in users], right=(1,))
        _fill(
            self.similar_table,
            [
                [s["item"], s.get("title", ""), ", ".join(s.get("categories", [])), f"{s['similarity']:.3f}"]
                for s in result["similar_items"]
            ],
            right=(3,),
        )
        for row in range(self.similar_table.rowCount()):
            cell = self.similar_table.item(row, 2)
            if cell is not None:
                cell.setToolTip(cell.text())
        plot = self.audience_plot.getPlotItem()
        if self.audience_bars is not None:
            plot.removeItem(self.audience_bars)
            self.audience_bars = None
        if users:
            scores = np.array([u["score"] for u in users], dtype=float)
            y = np.arange(len(users))[::-1].astype(float)
            left = min(0.0, float(scores.min()))
            self.audience_bars = pg.BarGraphItem(
                x0=left, y=y, width=scores - left, height=0.7, brush=color(0), pen=pg.mkPen("w", width=0.5)
            )
            plot.addItem(self.audience_bars)
            ticks = [(float(y[i]), str(u["user"])) for i, u in enumerate(users)]
            set_label_ticks(plot.getAxis("left"), ticks, 70)
            plot.setYRange(-0.6, len(users) - 0.4, padding=0)
            plot.enableAutoRange(axis="x")
        self.item_answered.emit(len(result["similar_items"]))

    def screenshot_steps(self) -> list[tuple[str, Callable[[], None] | None]]:
        """States for the screenshot command: a new user with four picks, then a described new item."""

        def new_user() -> None:
            loaded = self.loaded
            if loaded is None:
                return
            content = loaded.dataset.content
            ids = list(loaded.model.items.ids)
            picks = ids[:4]
            if content is not None:
                rows = content.items.rows(ids)
                first = [content.categories[r][0] if r >= 0 and content.categories[r] else "" for r in rows]
                common = max(set(first) - {""}, key=first.count, default="")
                picks = [i for i, c in zip(ids, first, strict=True) if c == common][:4] or picks
            for item in picks:
                self.add_item(item, run=False)
            self.recommend_for_new_user()

        def new_item() -> None:
            self.tabs.setCurrentIndex(1)
            names = [self.category_list.item(r).text() for r in range(self.category_list.count())]
            # the demo shop's catalogue is in English: the example item is too, so the text model reads it
            self.title_edit.setText("Trail hiking tent, waterproof")
            self.text_edit.setPlainText(
                "A lightweight camping tent for the mountain trail: waterproof, packs into a small backpack."
            )
            self.set_categories(names[:1] if "Outdoor" not in names else ["Outdoor"])
            self.answer_new_item()

        return [("", new_user), ("new-item", new_item)]

    def similar_items(self) -> list[str]:
        """Item ids in the similar-items table, most similar first."""
        return [self.similar_table.item(r, 0).text() for r in range(self.similar_table.rowCount())]


def _fill_row(table: QTableWidget, row: int, cells: list[str]) -> None:
    from PySide6.QtWidgets import QTableWidgetItem

    for c, text in enumerate(cells):
        item = QTableWidgetItem(text)
        if len(text) > 30:
            item.setToolTip(text)
        table.setItem(row, c, item)
