"""The Inspect page: a model's item space as a map, items like a chosen one, learned item biases, the
distribution of its scores and how well it ranks one user's held-out items.

Everything that touches the model runs in quiet background jobs; the GUI thread only draws.
"""

from __future__ import annotations

import html
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QStringListModel, Qt, Signal, Slot
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCompleter,
    QGroupBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from workbench.core.progress import CancelToken, Progress
from workbench.ui.context import AppContext
from workbench.ui.explain_panel import LoadedModel, load_model_with_data
from workbench.ui.i18n import translate
from workbench.ui.model_page import ModelPage
from workbench.ui.plots import PALETTE, color, make_plot, marker_line, set_label_ticks
from workbench.ui.widgets import EmptyState, InlineMessage, pass_clicks_through

MAX_CATEGORY_COLOURS = 7
OTHER_COLOUR = "#BBBBBB"
N_RECS = 10
N_NEIGHBOURS = 10
N_BIASES = 8
BIAS_AXIS_WIDTH = 150


@dataclass
class InspectData:
    """What the page shows for one model (computed on a worker thread)."""

    loaded: LoadedModel
    emap: Any = None  # workbench.explain.inspection.EmbeddingMap | None
    map_error: str = ""
    biases: dict[str, list[tuple[str, float]]] | None = None
    bias_error: str = ""
    distribution: dict[str, Any] | None = None
    titles: list[str] = field(default_factory=list)
    split: Any = None  # the rebuilt training split, filled on first use


@dataclass
class UserData:
    """One user's history, recommendations and held-out fit."""

    user: str
    history: list[str]
    recommendations: list[tuple[str, float]]
    diagnostics: dict[str, Any] | None
    diagnostics_error: str = ""
    split: Any = None


def _table(headers: list[str], stretch: str = "") -> QTableWidget:
    table = QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels(headers)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setAlternatingRowColors(True)
    table.verticalHeader().setVisible(False)
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    stretch = stretch or translate("InspectPage", "Title")
    if stretch in headers:
        header.setSectionResizeMode(headers.index(stretch), QHeaderView.ResizeMode.Stretch)
    return table


def _fill(table: QTableWidget, rows: list[list[str]], right: tuple[int, ...] = ()) -> None:
    table.setRowCount(len(rows))
    for r, cells in enumerate(rows):
        for c, text in enumerate(cells):
            item = QTableWidgetItem(text)
            if c in right:
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            if len(text) > 30:
                item.setToolTip(text)
            table.setItem(r, c, item)


def category_colours(first_categories: list[str]) -> dict[str, str]:
    """The most frequent categories get palette colours, in frequency order; the rest share grey."""
    counts = Counter(c for c in first_categories if c)
    return {name: PALETTE[i] for i, (name, _) in enumerate(counts.most_common(MAX_CATEGORY_COLOURS))}


class InspectPage(ModelPage):
    """Embedding map, item neighbours, item biases, score distribution and per-user diagnostics.

    Signals: ``model_loaded(int model_id)`` (map and charts drawn), ``user_shown(str user)``,
    ``neighbours_shown(str item)``, ``failed(str message)``.
    Attributes: ``data`` (``InspectData``), ``scatter`` (all items), ``history_scatter``, ``recs_scatter``,
    ``neighbour_scatter``, ``selected_scatter``, ``neighbours_table``, ``diagnostics_table``.
    """

    model_loaded = Signal(int)
    user_shown = Signal(str)
    neighbours_shown = Signal(str)

    job_kind = "inspect"

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.data: InspectData | None = None
        self.user_data: UserData | None = None
        self.selected_item: str | None = None
        self._row_of: dict[str, int] = {}
        self._highlighted: dict[str, set[str]] = {}  # overlay name ("user's history", ...) -> its items

        layout, controls = self._build_frame(
            "Then look inside it here: its item map, neighbours, biases and scores.", combo_width=260)
        controls.addWidget(self.model_combo, 2)
        controls.addWidget(QLabel(translate("InspectPage", "User")))
        self.user_edit = QLineEdit()
        self.user_edit.setPlaceholderText(translate("InspectPage", "user id"))
        self.user_edit.setToolTip(translate(
            "InspectPage", "Highlight this user's history and recommendations, and check their fit"))
        self.user_edit.setClearButtonEnabled(True)
        self.user_completer = QCompleter([], self)
        self.user_completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.user_edit.setCompleter(self.user_completer)
        pass_clicks_through(self.user_completer)
        self.user_edit.returnPressed.connect(lambda: self.show_user(self.user_edit.text()))
        self.user_completer.activated.connect(lambda text: self.show_user(text))
        controls.addWidget(self.user_edit, 1)
        controls.addWidget(QLabel(translate("InspectPage", "Item")))
        self.item_edit = QLineEdit()
        self.item_edit.setPlaceholderText(translate("InspectPage", "item id, or click a point"))
        self.item_edit.setToolTip(translate("InspectPage", "Show the items most like this one"))
        self.item_edit.setClearButtonEnabled(True)
        self.item_completer = QCompleter([], self)
        self.item_completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.item_edit.setCompleter(self.item_completer)
        pass_clicks_through(self.item_completer)
        self.item_edit.returnPressed.connect(lambda: self.show_item(self.item_edit.text()))
        self.item_completer.activated.connect(lambda text: self.show_item(text))
        controls.addWidget(self.item_edit, 1)
        self.show_button = QPushButton(translate("InspectPage", "Show"))
        self.show_button.clicked.connect(self._show_clicked)
        controls.addWidget(self.show_button)
        layout.addLayout(controls)
        self.message = InlineMessage()
        layout.addWidget(self.message)

        split = QSplitter(Qt.Orientation.Horizontal)
        split.setChildrenCollapsible(False)
        map_box = QGroupBox(translate("InspectPage", "Item embedding map"))
        map_layout = QVBoxLayout(map_box)
        self.map_plot = make_plot(
            None,
            x_label=translate("InspectPage", "PC 1"),
            y_label=translate("InspectPage", "PC 2"),
            zoomable=True,
        )
        map_layout.addWidget(self.map_plot, 1)
        # the legend sits under the plot so it never hides points
        self.legend_label = QLabel("")
        self.legend_label.setWordWrap(True)
        map_layout.addWidget(self.legend_label)
        self.map_note = QLabel(
            translate(
                "InspectPage",
                "Hover a point for its title, click it for items like it; drag to pan, "
                "wheel to zoom, double-click to see all.",
            )
        )
        self.map_note.setObjectName("Hint")
        self.map_note.setWordWrap(True)
        map_layout.addWidget(self.map_note)
        split.addWidget(map_box)
        self.scatter: pg.ScatterPlotItem | None = None
        self.history_scatter: pg.ScatterPlotItem | None = None
        self.recs_scatter: pg.ScatterPlotItem | None = None
        self.neighbour_scatter: pg.ScatterPlotItem | None = None
        self.selected_scatter: pg.ScatterPlotItem | None = None

        right = QSplitter(Qt.Orientation.Vertical)
        right.setChildrenCollapsible(False)
        neighbours_box = QGroupBox(translate("InspectPage", "Items like this"))
        nb_layout = QVBoxLayout(neighbours_box)
        self.neighbours_label = QLabel(
            translate("InspectPage", "Click a point on the map or type an item id.")
        )
        self.neighbours_label.setObjectName("Hint")
        self.neighbours_label.setWordWrap(True)
        nb_layout.addWidget(self.neighbours_label)
        self.neighbours_table = _table(
            [
                translate("InspectPage", "Item"),
                translate("InspectPage", "Title"),
                translate("InspectPage", "Similarity"),
            ]
        )
        nb_layout.addWidget(self.neighbours_table)
        right.addWidget(neighbours_box)

        self.tabs = QTabWidget()
        # item biases: a chart, or a note for families without them
        self.bias_stack = QStackedWidget()
        self.bias_plot = make_plot(
            translate("InspectPage", "Highest and lowest learned item bias"),
            x_label=translate("InspectPage", "item bias"),
            x_units=translate("InspectPage", "score units"),
        )
        self.bias_plot.getPlotItem().getAxis("left").setWidth(BIAS_AXIS_WIDTH)
        self.bias_stack.addWidget(self.bias_plot)
        self.bias_note = EmptyState(translate("InspectPage", "No learned item biases"), "")
        self.bias_stack.addWidget(self.bias_note)
        self.tabs.addTab(self.bias_stack, translate("InspectPage", "Item bias"))
        scores_tab = QWidget()
        scores_layout = QVBoxLayout(scores_tab)
        scores_layout.setContentsMargins(4, 4, 4, 4)
        self.score_plot = make_plot(
            translate("InspectPage", "Distribution of scores"),
            x_label=translate("InspectPage", "score"),
            x_units=translate("InspectPage", "model units"),
            y_label=translate("InspectPage", "user–item pairs"),
            y_units=translate("InspectPage", "count"),
        )
        scores_layout.addWidget(self.score_plot, 1)
        self.score_label = QLabel("")
        self.score_label.setObjectName("Hint")
        self.score_label.setWordWrap(True)
        scores_layout.addWidget(self.score_label)
        self.tabs.addTab(scores_tab, translate("InspectPage", "Scores"))
        fit_tab = QWidget()
        fit_layout = QVBoxLayout(fit_tab)
        fit_layout.setContentsMargins(4, 4, 4, 4)
        self.fit_label = QLabel(
            translate("InspectPage", "Choose a user to see how well the model ranks their held-out items.")
        )
        self.fit_label.setWordWrap(True)
        fit_layout.addWidget(self.fit_label)
        self.diagnostics_table = _table(
            [
                translate("InspectPage", "Item"),
                translate("InspectPage", "Title"),
                translate("InspectPage", "Rank"),
                translate("InspectPage", "Score"),
            ]
        )
        fit_layout.addWidget(self.diagnostics_table, 1)
        self.tabs.addTab(fit_tab, translate("InspectPage", "User fit"))
        right.addWidget(self.tabs)
        right.setSizes([300, 360])
        split.addWidget(right)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        split.setSizes([640, 440])
        layout.addWidget(split, 1)
        self.bias_bars: pg.BarGraphItem | None = None

        ctx.models_changed.connect(self.refresh_models)
        ctx.database_changed.connect(lambda _text: self.refresh_models())
        self.refresh_models()

    def _model_loaded(self) -> bool:
        return self.data is not None

    @Slot()
    def _on_model_changed(self) -> None:
        model_id = self.model_combo.currentData()
        self.data = None
        self.user_data = None
        if model_id is None:
            return
        db = self.ctx.db

        def work(cancel: CancelToken, progress: Callable[[Progress], None], _emit: Any) -> InspectData:
            from workbench.errors import WorkbenchError
            from workbench.explain import bias_extremes, embedding_map_full, score_distribution
            from workbench.explain.core import item_titles

            loaded = load_model_with_data(db, int(model_id))
            cancel.raise_if_cancelled()
            data = InspectData(loaded, titles=item_titles(loaded.model, loaded.dataset.content))
            try:
                data.emap = embedding_map_full(loaded.model, loaded.dataset)
            except WorkbenchError as exc:
                data.map_error = str(exc)
            cancel.raise_if_cancelled()
            try:
                data.biases = bias_extremes(loaded.model, N_BIASES)
            except WorkbenchError as exc:
                data.bias_error = str(exc)
            cancel.raise_if_cancelled()
            data.distribution = score_distribution(loaded.model, bins=40)
            return data

        self.message.clear_message()
        self.map_note.setText(translate("InspectPage", "Loading the model…"))
        self._submit("model", f"Inspect model {model_id}", work, self._on_model_data)

    def _on_model_data(self, data: InspectData) -> None:
        self.data = data
        model = data.loaded.model
        self._row_of = {item: i for i, item in enumerate(model.items.ids)}
        users = list(model.users.ids)
        self.user_completer.setModel(QStringListModel(users, self.user_completer))
        self.item_completer.setModel(QStringListModel(list(model.items.ids), self.item_completer))
        if users:
            self.user_edit.setPlaceholderText(translate("InspectPage", "user id, e.g. {value}").format(value=users[0]))  # noqa: E501
        self._draw_map(data)
        self._draw_biases(data)
        self._draw_distribution(data)
        self._clear_highlights()
        self.neighbours_table.setRowCount(0)
        self.diagnostics_table.setRowCount(0)
        self.neighbours_label.setText(
            translate("InspectPage", "Click a point on the map or type an item id.")
        )
        self.fit_label.setText(
            translate("InspectPage", "Choose a user to see how well the model ranks their held-out items.")
        )
        self.model_loaded.emit(int(data.loaded.info.id))
        user = self.user_edit.text().strip()
        if user and user in model.users.ids:
            self.show_user(user)
        if self.selected_item and self.selected_item in self._row_of:
            self.show_item(self.selected_item)

    # --- embedding map ---------------------------------------------------------------------------
    def _draw_map(self, data: InspectData) -> None:
        plot = self.map_plot.getPlotItem()
        plot.clear()
        self.scatter = None
        if data.emap is None:
            self.legend_label.setText("")
            self.map_note.setText(
                translate("InspectPage", "No map: {map_error}.").format(map_error=data.map_error)
            )
            return
        emap = data.emap
        first = [cats[0] if cats else "" for cats in emap.categories]
        colours = category_colours(first)
        brushes = [pg.mkBrush(colours.get(c, OTHER_COLOUR)) for c in first]
        coords = np.asarray(emap.coords, dtype=float)
        titles = [t or i for t, i in zip(emap.titles, emap.items, strict=True)]

        def tip(x: float, y: float, data: Any) -> str:
            index = int(data)
            cats = ", ".join(emap.categories[index]) or "no category"
            item = emap.items[index]
            # the highlight rings carry no tip of their own: the point says what it is and why it is ringed
            roles = [name for name, items in self._highlighted.items() if item in items]
            return f"{titles[index]} ({item})\n{cats}" + (f"\n{', '.join(roles)}" if roles else "")

        self.scatter = pg.ScatterPlotItem(
            x=coords[:, 0],
            y=coords[:, 1],
            data=np.arange(len(coords)),
            size=7,
            brush=brushes,
            pen=pg.mkPen("#ffffff", width=0.5),
            hoverable=True,
            tip=tip,
            hoverSize=11,
            hoverPen=pg.mkPen("#000000", width=1.5),
        )
        self.scatter.sigClicked.connect(self._on_point_clicked)
        plot.addItem(self.scatter)
        entries = [(hex_colour, html.escape(name)) for name, hex_colour in colours.items()]
        if any(c not in colours for c in first):
            entries.append((OTHER_COLOUR, translate("InspectPage", "other / none")))
        dots = "&nbsp;&nbsp; ".join(
            f"<span style='color:{c}; font-size:13pt'>●</span>&nbsp;{name.replace(' ', '&nbsp;')}"
            for c, name in entries
        )
        marks = (
            "&nbsp;&nbsp; <b>○</b> " + translate("InspectPage", "user's history")
            + " &nbsp;&nbsp;<b style='color:#B8A600'>★</b> " + translate("InspectPage", "recommended")
            + " &nbsp;&nbsp;<b style='color:#CC79A7'>◇</b> "
            + translate("InspectPage", "items like the selected")
            + " &nbsp;&nbsp;<b style='color:#D55E00'>○</b> " + translate("InspectPage", "selected item")
        )
        self.legend_label.setText(
            translate("InspectPage", "{dots}<br>{marks}").format(dots=dots, marks=marks)
        )
        self.history_scatter = self._overlay(
            "o", 13, None, "#000000", translate("InspectPage", "user's history")
        )
        self.recs_scatter = self._overlay(
            "star", 18, "#F0E442", "#000000", translate("InspectPage", "recommended")
        )
        self.neighbour_scatter = self._overlay(
            "d", 13, None, "#CC79A7", translate("InspectPage", "items like the selected")
        )
        self.selected_scatter = self._overlay(
            "o", 18, None, "#D55E00", translate("InspectPage", "selected item")
        )
        if emap.method == "pca" and len(emap.explained_variance) == 2:
            vx, vy = emap.explained_variance
            axis_x = translate("InspectPage", "PC 1 ({share:.0%} of variance)").format(share=vx)
            axis_y = translate("InspectPage", "PC 2 ({share:.0%} of variance)").format(share=vy)
        else:
            axis_x, axis_y = f"{emap.method.upper()} 1", f"{emap.method.upper()} 2"
        units = translate("InspectPage", "{axis}, embedding units")
        plot.getAxis("bottom").setLabel(units.format(axis=axis_x), color="#333333", **{"font-size": "9pt"})
        plot.getAxis("left").setLabel(units.format(axis=axis_y), color="#333333", **{"font-size": "9pt"})
        plot.autoRange()
        source = (
            translate("InspectPage", "item embeddings")
            if data.loaded.model.item_embeddings() is not None
            else translate("InspectPage", "item-item weights (no embeddings in this family)")
        )
        self.map_note.setText(
            translate(
                "InspectPage",
                "{coords:,} items, PCA of the {source}. Hover a point for its title, click it for items like it; drag to pan, wheel to zoom, double-click to see all.",  # noqa: E501
            ).format(coords=len(coords), source=source)
        )

    def _overlay(self, symbol: str, size: int, brush: str | None, pen: str, name: str) -> pg.ScatterPlotItem:
        # no tool tip: an overlay's tip would cover its whole bounding box and hide the items' titles
        item = pg.ScatterPlotItem(
            symbol=symbol,
            size=size,
            brush=pg.mkBrush(brush) if brush else None,
            pen=pg.mkPen(pen, width=2),
            name=name,
        )
        item.setZValue(10)
        self.map_plot.getPlotItem().addItem(item)
        return item

    def _set_overlay(self, overlay: pg.ScatterPlotItem | None, items: list[str]) -> None:
        if overlay is None or self.data is None or self.data.emap is None:
            return
        self._highlighted[overlay.name()] = set(items)
        rows = [self._row_of[i] for i in items if i in self._row_of]
        coords = np.asarray(self.data.emap.coords, dtype=float)[rows] if rows else np.zeros((0, 2))
        overlay.setData(x=coords[:, 0], y=coords[:, 1])

    def _clear_highlights(self) -> None:
        overlays = (self.history_scatter, self.recs_scatter, self.neighbour_scatter, self.selected_scatter)
        for overlay in overlays:
            self._set_overlay(overlay, [])

    def _on_point_clicked(self, _item: Any, points: Any, _ev: Any = None) -> None:
        if self.data is None or len(points) == 0:
            return
        self.show_item(self.data.loaded.model.items.ids[int(points[0].data())])

    # --- biases and scores -----------------------------------------------------------------------
    def _draw_biases(self, data: InspectData) -> None:
        plot = self.bias_plot.getPlotItem()
        if self.bias_bars is not None:
            plot.removeItem(self.bias_bars)
            self.bias_bars = None
        if data.biases is None:
            self.bias_note.set_text(
                translate("InspectPage", "No learned item biases"),
                translate(
                    "InspectPage", "{value}. Item biases are learned by the MF, content and hybrid families."
                ).format(value=data.bias_error.capitalize()),
            )
            self.bias_stack.setCurrentIndex(1)
            return
        self.bias_stack.setCurrentIndex(0)
        highest, lowest = data.biases["highest"], data.biases["lowest"][::-1]
        rows = highest + lowest
        values = np.array([b for _, b in rows], dtype=float)
        # highest at the top, a gap, then the lowest with the very lowest at the bottom
        y = np.concatenate([np.arange(len(rows), len(lowest), -1), np.arange(len(lowest), 0, -1) - 1.0])
        y = y.astype(float)
        brushes = [color("#009E73")] * len(highest) + [color("#D55E00")] * len(lowest)
        self.bias_bars = pg.BarGraphItem(
            x0=np.minimum(values, 0.0),
            y=y,
            width=np.abs(values),
            height=0.7,
            brushes=brushes,
            pen=pg.mkPen("w", width=0.5),
        )
        plot.addItem(self.bias_bars)
        model = data.loaded.model
        ticks = [
            (float(y[i]), data.titles[model.items.row(item)] or item) for i, (item, _) in enumerate(rows)
        ]
        set_label_ticks(plot.getAxis("left"), ticks, BIAS_AXIS_WIDTH)
        plot.setYRange(-0.6, float(y.max()) + 0.6, padding=0)
        plot.enableAutoRange(axis="x")

    def _draw_distribution(self, data: InspectData) -> None:
        plot = self.score_plot.getPlotItem()
        plot.clear()
        dist = data.distribution
        if not dist:
            return
        edges = np.asarray(dist["edges"], dtype=float)
        counts = np.asarray(dist["counts"], dtype=float)
        brush = color(0)
        brush.setAlpha(170)
        plot.plot(edges, counts, stepMode="center", fillLevel=0, brush=brush, pen=pg.mkPen(color(0)))
        marker_line(self.score_plot, float(dist["mean"]), "mean")
        self.score_label.setText(
            translate(
                "InspectPage",
                "Scores of {value:,} users for every item: mean {value2:.4f}, standard deviation {value3:.4f}.",  # noqa: E501
            ).format(value=dist["users"], value2=dist["mean"], value3=dist["std"])
        )

    # --- user ------------------------------------------------------------------------------------
    def _show_clicked(self) -> None:
        if self.user_edit.text().strip():
            self.show_user(self.user_edit.text())
        if self.item_edit.text().strip():
            self.show_item(self.item_edit.text())

    def show_user(self, user: str) -> None:
        """Highlight ``user``'s history and top-10 on the map and show their held-out fit."""
        user = str(user).strip()
        data = self.data
        if data is None or not user:
            return
        if self.user_edit.text().strip() != user:
            self.user_edit.setText(user)
        model, dataset, info = data.loaded.model, data.loaded.dataset, data.loaded.info
        if model.users.row(user) < 0:
            self._fail(f"User '{user}' is not in this model's training data.")
            return
        split = data.split

        def work(cancel: CancelToken, progress: Callable[[Progress], None], _emit: Any) -> UserData:
            from workbench.errors import WorkbenchError
            from workbench.explain import user_diagnostics
            from workbench.training.runner import rebuild_split

            row = model.users.row(user)
            history = [model.items.ids[i] for i in model.seen[row].indices] if model.seen is not None else []
            recs = model.recommend(user, n=N_RECS)
            cancel.raise_if_cancelled()
            parts = split if split is not None else rebuild_split(dataset, info.split)
            try:
                diag: dict[str, Any] | None = user_diagnostics(model, dataset, parts, user, k=10)
                error = ""
            except WorkbenchError as exc:
                diag, error = None, str(exc)
            return UserData(user, history, recs, diag, error, parts)

        self.message.clear_message()
        self._submit("user", f"Inspect user {user}", work, self._on_user_data)

    def _on_user_data(self, result: UserData) -> None:
        if self.data is None:
            return
        self.data.split = result.split
        self.user_data = result
        self._set_overlay(self.history_scatter, result.history)
        self._set_overlay(self.recs_scatter, [item for item, _ in result.recommendations])
        self._draw_diagnostics(result)
        self.user_shown.emit(result.user)

    def _draw_diagnostics(self, result: UserData) -> None:
        assert self.data is not None
        diag = result.diagnostics
        if diag is None:
            self.fit_label.setText(
                translate("InspectPage", "No diagnostics for user {user}: {diagnostics_error}").format(
                    user=result.user, diagnostics_error=result.diagnostics_error
                )
            )
            self.diagnostics_table.setRowCount(0)
            return
        held = diag["held_out"]
        titles, model = self.data.titles, self.data.loaded.model
        if not held:
            kind = (self.data.loaded.info.split or {}).get("kind", "none")
            self.fit_label.setText(
                translate(
                    "InspectPage",
                    "User {user} has no held-out items in this model's split ({kind}); {value} training items.",  # noqa: E501
                ).format(user=result.user, kind=kind, value=diag["train_items"])
            )
        else:
            hit, ndcg = diag.get("hit@10", float("nan")), diag.get("ndcg@10", float("nan"))
            self.fit_label.setText(
                translate(
                    "InspectPage",
                    "<b>User {user}</b>: {value} training items, {held} held out. <b>hit@10 = {hit:.0f}</b>, <b>ndcg@10 = {ndcg:.3f}</b>. Rank 1 = the model's top pick among {value2:,} items the user did not train on.",  # noqa: E501
                ).format(
                    user=result.user,
                    value=diag["train_items"],
                    held=len(held),
                    hit=hit,
                    ndcg=ndcg,
                    value2=diag["candidates"],
                )
            )
        _fill(
            self.diagnostics_table,
            [
                [h["item"], titles[model.items.row(h["item"])], str(h["rank"]), f"{h['score']:.4f}"]
                for h in held
            ],
            right=(2, 3),
        )

    # --- items -----------------------------------------------------------------------------------
    def show_item(self, item: str) -> None:
        """Select ``item`` on the map and list the items most like it."""
        item = str(item).strip()
        data = self.data
        if data is None or not item:
            return
        if item not in self._row_of:
            self._fail(f"Item '{item}' is not in this model's catalogue.")
            return
        self.selected_item = item
        if self.item_edit.text().strip() != item:
            self.item_edit.setText(item)
        model = data.loaded.model

        def work(
            cancel: CancelToken, progress: Callable[[Progress], None], _emit: Any
        ) -> tuple[str, list[tuple[str, float]]]:
            from workbench.explain import similar_items

            return item, similar_items(model, item, N_NEIGHBOURS)

        self.message.clear_message()
        self._submit("item", f"Items like {item}", work, self._on_neighbours)

    def _on_neighbours(self, result: tuple[str, list[tuple[str, float]]]) -> None:
        if self.data is None:
            return
        item, neighbours = result
        titles, model = self.data.titles, self.data.loaded.model
        self._set_overlay(self.selected_scatter, [item])
        self._set_overlay(self.neighbour_scatter, [i for i, _ in neighbours])
        title = titles[model.items.row(item)] or item
        self.neighbours_label.setText(
            translate(
                "InspectPage",
                "Most similar to <b>{title}</b> ({item}), by cosine similarity of the item vectors:",
            ).format(title=title, item=item)
        )
        _fill(
            self.neighbours_table,
            [[i, titles[model.items.row(i)], f"{s:.3f}"] for i, s in neighbours],
            right=(2,),
        )
        self.neighbours_shown.emit(item)

    def screenshot_steps(self) -> list[tuple[str, Callable[[], None] | None]]:
        """States for the screenshot command: a user and one of their items selected, then each tab."""

        def select() -> None:
            if self.data is None:
                return
            model = self.data.loaded.model
            # a user with a modest history keeps the map readable
            counts = np.diff(model.seen.indptr) if model.seen is not None else np.zeros(1)
            user_row = int(np.argmin(np.abs(counts - 20)))
            self.show_user(model.users.ids[user_row])
            seen = model.seen[user_row].indices if model.seen is not None else []
            self.show_item(model.items.ids[int(seen[0])] if len(seen) else model.items.ids[0])

        return [
            ("", select),
            ("scores", lambda: self.tabs.setCurrentIndex(1)),
            ("user-fit", lambda: self.tabs.setCurrentIndex(2)),
        ]

    def neighbour_items(self) -> list[str]:
        """Item ids in the neighbours table, most similar first."""
        return [self.neighbours_table.item(r, 0).text() for r in range(self.neighbours_table.rowCount())]
