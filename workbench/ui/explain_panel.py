"""Why a model scores an item for a user, drawn: history contributions, highlighted words, score parts.

``ExplanationPanel`` computes an ``Explanation`` (``workbench.explain.explain``) in a background job and
draws it; ``show_explanation`` draws one computed elsewhere (the What-if page's cold-start explanations).
The module also holds the small pieces the Inspect and What-if pages share: loading a saved model with
its dataset off the GUI thread, and a model combo box.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QT_TRANSLATE_NOOP, Qt, Signal, Slot
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QLabel,
    QScrollArea,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from workbench.core.interactions import Dataset
from workbench.core.progress import CancelToken, Progress
from workbench.ui.context import AppContext
from workbench.ui.i18n import translate
from workbench.ui.job_slots import JobSlots
from workbench.ui.jobs import Job
from workbench.ui.model_texts import model_text
from workbench.ui.plots import color, make_plot, set_label_ticks

POSITIVE = "#009E73"  # raised the score (Okabe-Ito green)
NEGATIVE = "#D55E00"  # lowered it (vermillion)
TOTAL = "#444444"
HISTORY_BARS = 10
ATTENTION_BARS = 15  # most recent history positions drawn in the attention plot
ATTENTION = "#0072B2"  # Okabe-Ito blue: attention is a share, neither raising nor lowering the score
LABEL_CHARS = 24


def short(text: str, limit: int = LABEL_CHARS) -> str:
    """``text`` cut to ``limit`` characters with an ellipsis."""
    return text if len(text) <= limit else text[:limit - 1] + "…"


# --- shared by the explanation pages ------------------------------------------------------------------

#: the score parts the model families report, as shown (an unknown part keeps its own name)
PART_NAMES = {
    "base": QT_TRANSLATE_NOOP("ExplanationPanel", "base"),
    "history": QT_TRANSLATE_NOOP("ExplanationPanel", "history"),
    "global mean": QT_TRANSLATE_NOOP("ExplanationPanel", "global mean"),
    "mean": QT_TRANSLATE_NOOP("ExplanationPanel", "mean"),
    "bias": QT_TRANSLATE_NOOP("ExplanationPanel", "bias"),
    "user bias": QT_TRANSLATE_NOOP("ExplanationPanel", "user bias"),
    "item bias": QT_TRANSLATE_NOOP("ExplanationPanel", "item bias"),
    "interaction": QT_TRANSLATE_NOOP("ExplanationPanel", "interaction"),
    "content": QT_TRANSLATE_NOOP("ExplanationPanel", "content"),
    "collaborative": QT_TRANSLATE_NOOP("ExplanationPanel", "collaborative"),
    "popularity": QT_TRANSLATE_NOOP("ExplanationPanel", "popularity"),
    "factors": QT_TRANSLATE_NOOP("ExplanationPanel", "factors"),
    "similarity": QT_TRANSLATE_NOOP("ExplanationPanel", "similarity"),
    "clipping": QT_TRANSLATE_NOOP("ExplanationPanel", "clipping"),
    "other": QT_TRANSLATE_NOOP("ExplanationPanel", "other"),
}


def part_name(key: str) -> str:
    """A score part's name as shown."""
    return translate("ExplanationPanel", PART_NAMES[key]) if key in PART_NAMES else key


@dataclass
class LoadedModel:
    """A saved model ready to score, its store info and the dataset it was trained on."""

    model: Any
    info: Any
    dataset: Dataset


def load_model_with_data(db: Any, model_id: int) -> LoadedModel:
    """Load a saved model and its dataset (call on a worker thread: it reads the database)."""
    from workbench.store.datasets import load_dataset
    from workbench.store.models import load_model

    model, info = load_model(db, model_id)
    return LoadedModel(model, info, load_dataset(db, info.dataset_id))


def fill_model_combo(combo: QComboBox, db: Any) -> int:
    """Put every saved model in ``combo`` (data: model id), keeping the current one; returns the count."""
    from workbench.store.models import list_models

    current = combo.currentData()
    models = list_models(db)
    combo.blockSignals(True)
    combo.clear()
    for info in models:
        combo.addItem(f"{info.name}  ({info.family} on {info.dataset_name})", info.id)
    index = combo.findData(current)
    combo.setCurrentIndex(index if index >= 0 else (0 if models else -1))
    combo.blockSignals(False)
    return len(models)


def mix(hex_color: str, alpha: float) -> str:
    """``hex_color`` blended over white with opacity ``alpha`` (rich text has no reliable rgba)."""
    c = QColor(hex_color)
    a = max(0.0, min(1.0, alpha))
    r, g, b = (round(255 * (1 - a) + v * a) for v in (c.red(), c.green(), c.blue()))
    return f"#{r:02x}{g:02x}{b:02x}"


def highlighted_html(source: str, words: Sequence[dict[str, Any]], scale: float) -> str:
    """``source`` as HTML with each attributed word's background tinted by its weight / ``scale``."""
    out: list[str] = []
    cursor = 0
    for w in sorted((w for w in words if w.get("start", -1) >= 0), key=lambda w: w["start"]):
        start, end = int(w["start"]), int(w["end"])
        if start < cursor or end <= start:
            continue
        out.append(html.escape(source[cursor:start]))
        weight = float(w["weight"])
        strength = abs(weight) / scale if scale > 0 else 0.0
        text = html.escape(source[start:end])
        if strength < 0.05:
            out.append(text)
        else:
            background = mix(POSITIVE if weight > 0 else NEGATIVE, 0.15 + 0.75 * min(1.0, strength))
            out.append(f'<span style="background-color:{background};">{text}</span>')
        cursor = end
    out.append(html.escape(source[cursor:]))
    return "".join(out)


def item_text(dataset: Dataset, item_id: str) -> str:
    """The description of ``item_id`` in ``dataset`` ("" without content)."""
    content = dataset.content
    if content is None:
        return ""
    row = content.items.row(item_id)
    return content.texts[row] if row >= 0 else ""


def as_dict(explanation: Any) -> dict[str, Any]:
    """An ``Explanation`` or its JSON form, as the JSON form."""
    return explanation if isinstance(explanation, dict) else explanation.to_json()


class _ClickableBars(pg.BarGraphItem):
    """Horizontal bars at y = n-1..0 that report which bar a click landed on."""

    def __init__(self, on_click: Callable[[int], None], **opts: Any) -> None:
        super().__init__(**opts)
        self._on_click = on_click

    def mouseClickEvent(self, ev: Any) -> None:
        if ev.button() != Qt.MouseButton.LeftButton:
            return
        y = ev.pos().y()
        ys = np.asarray(self.opts["y"], dtype=float)
        half = float(self.opts["height"]) / 2
        hit = np.flatnonzero(np.abs(ys - y) <= half)
        if len(hit):
            ev.accept()
            self._on_click(int(hit[0]))


class ExplanationPanel(QWidget):
    """Explanation of one (user, item) score: score parts, history contributions, words and categories.

    Signals: ``history_item_selected(str item)`` (a history bar clicked), ``explanation_shown(str item)``
    (after drawing), ``explanation_failed(str message)``.
    Attributes: ``explanation`` (the JSON form drawn last), ``parts_plot``, ``history_plot``,
    ``history_bars``, ``text_view``, ``parts_label``, ``words_html``.
    """

    history_item_selected = Signal(str)
    explanation_shown = Signal(str)
    explanation_failed = Signal(str)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None, *, compact: bool = False) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.compact = compact
        self.explanation: dict[str, Any] | None = None
        self.history_bars: _ClickableBars | None = None
        self.parts_bars: pg.BarGraphItem | None = None
        self.words_html = ""
        self._history_ids: list[str] = []
        self._selected_bar = -1
        self.jobs = JobSlots(ctx.jobs, kind="explain", quiet=True, parent=self)
        self._datasets: dict[tuple[int, int], Dataset] = {}

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.header = QLabel(translate("ExplanationPanel",
                                          "Select a recommendation to see why the model suggests it."))
        self.header.setObjectName("Hint")
        self.header.setWordWrap(True)
        layout.addWidget(self.header)

        # one scrolling column: plots keep a readable height even in a narrow side panel
        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        content = QWidget()
        column = QVBoxLayout(content)
        column.setContentsMargins(0, 0, 4, 0)
        self._axis_width = axis_width = 125 if compact else 170
        self.parts_plot = make_plot(
            translate("ExplanationPanel", "Score parts"),
            x_label=translate("ExplanationPanel", "score"),
            x_units=translate("ExplanationPanel", "model units"),
        )
        self.parts_plot.getPlotItem().getAxis("left").setWidth(axis_width)
        column.addWidget(self.parts_plot)
        self.parts_label = QLabel("")
        self.parts_label.setWordWrap(True)
        self.parts_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        column.addWidget(self.parts_label)

        self.history_plot = make_plot(
            translate("ExplanationPanel", "History contributions"),
            x_label=translate("ExplanationPanel", "contribution"),
            x_units=translate("ExplanationPanel", "score units"),
        )
        self.history_plot.getPlotItem().getAxis("left").setWidth(axis_width)
        self.history_plot.setToolTip(
            translate("ExplanationPanel", "Click a bar to select that item in the history")
        )
        column.addWidget(self.history_plot)
        self.method_label = QLabel("")
        self.method_label.setObjectName("Hint")
        self.method_label.setWordWrap(True)
        column.addWidget(self.method_label)

        # sequence models: how much the prediction attended to each earlier item (shown only for them)
        self.attention_bars: pg.BarGraphItem | None = None
        self.attention_plot = make_plot(
            translate("ExplanationPanel", "Attention over the history (oldest at the top)"),
            x_label=translate("ExplanationPanel", "attention weight"),
            x_units=translate("ExplanationPanel", "share of 1"))
        self.attention_plot.getPlotItem().getAxis("left").setWidth(axis_width)
        column.addWidget(self.attention_plot)
        self.attention_label = QLabel("")
        self.attention_label.setObjectName("Hint")
        self.attention_label.setWordWrap(True)
        column.addWidget(self.attention_label)

        self.text_view = QTextBrowser()
        self.text_view.setOpenLinks(False)
        self.text_view.setMinimumHeight(190)
        column.addWidget(self.text_view, 1)
        self.scroll.setWidget(content)
        layout.addWidget(self.scroll, 1)
        self._set_content_visible(False)

    # --- requests ----------------------------------------------------------------------------------
    def request(self, model: Any, dataset: Dataset | int, user_id: str, item_id: str) -> Job:
        """Explain ``item_id`` for ``user_id`` in the background (``dataset``: loaded, or its id)."""
        db = self.ctx.db
        dataset_id = dataset if isinstance(dataset, int) else -1  # -1: loaded already, never looked up
        key = (id(db), dataset_id)
        known = dataset if isinstance(dataset, Dataset) else self._datasets.get(key)
        self.header.setText(translate("ExplanationPanel", "Explaining item {item_id} for user {user_id}…").format(item_id=item_id, user_id=user_id))  # noqa: E501

        def work(
            cancel: CancelToken, progress: Callable[[Progress], None], _emit: Any
        ) -> tuple[Dataset, dict[str, Any]]:
            from workbench.explain import explain
            from workbench.store.datasets import load_dataset

            data = known if known is not None else load_dataset(db, dataset_id)
            cancel.raise_if_cancelled()
            exp = explain(model, data, str(user_id), str(item_id), top_k=HISTORY_BARS).to_json()
            exp.setdefault("text", item_text(data, str(item_id)))
            return data, exp

        return self.jobs.submit(
            "explain",
            translate("ExplanationPanel", "Explain {item_id} for {user_id}").format(
                item_id=item_id, user_id=user_id
            ),
            work,
            lambda result: self._on_result(key, result),
            on_failed=self._on_failed,
        )

    def _on_result(self, key: tuple[int, int], result: tuple[Dataset, dict[str, Any]]) -> None:
        data, explanation = result
        if key[1] >= 0:
            self._datasets[key] = data
        self.show_explanation(explanation)

    def _on_failed(self, message: str) -> None:
        self.clear(translate("ExplanationPanel", "Cannot explain this item: {message}").format(
            message=message))
        self.explanation_failed.emit(message)

    # --- drawing -----------------------------------------------------------------------------------
    def clear(self, message: str = "Select a recommendation to see why the model suggests it.") -> None:
        """Forget the drawn explanation and show ``message``."""
        self.explanation = None
        self.header.setText(message)
        self._set_content_visible(False)

    def _set_content_visible(self, visible: bool) -> None:
        self.scroll.setVisible(visible)

    @Slot(object)
    def show_explanation(self, explanation: Any) -> None:
        """Draw an ``Explanation`` (or its JSON form); emits ``explanation_shown(item)``."""
        exp = as_dict(explanation)
        self.explanation = exp
        title = exp.get("title") or ""
        name = f"{html.escape(title)} ({html.escape(exp['item'])})" if title else html.escape(exp["item"])
        user = str(exp.get("user", ""))
        who = (
            translate("ExplanationPanel", "a new user")
            if user.startswith("(")
            else translate("ExplanationPanel", "user {user}").format(user=html.escape(user))
        )
        self.header.setText(
            translate("ExplanationPanel", "<b>{name}</b> for {who}: score <b>{value:.4f}</b>").format(
                name=name, who=who, value=exp["score"]
            )
        )
        self._draw_parts(exp)
        self._draw_history(exp)
        self._draw_attention(exp)
        self._draw_content(exp)
        self._set_content_visible(True)
        self.explanation_shown.emit(str(exp["item"]))

    def _draw_parts(self, exp: dict[str, Any]) -> None:
        plot = self.parts_plot.getPlotItem()
        if self.parts_bars is not None:
            plot.removeItem(self.parts_bars)
        keys = list(exp["parts"])
        values = np.array([float(exp["parts"][n]) for n in keys], dtype=float)
        names = [part_name(k) for k in keys]
        score = float(exp["score"])
        ends = np.cumsum(values)
        starts = ends - values
        # waterfall: each part starts where the previous one ended; the last row is the score from 0
        x0 = np.append(np.minimum(starts, ends), min(0.0, score))
        width = np.append(np.abs(values), abs(score))
        n = len(names) + 1
        y = np.arange(n)[::-1].astype(float)
        brushes = [color(POSITIVE if v >= 0 else NEGATIVE) for v in values] + [color(TOTAL)]
        self.parts_bars = pg.BarGraphItem(
            x0=x0, y=y, width=width, height=0.6, brushes=brushes, pen=pg.mkPen("w", width=0.5)
        )
        plot.addItem(self.parts_bars)
        # values are in the label under the chart; the axis keeps to names so they fit a narrow panel
        ticks = [(float(y[i]), names[i]) for i in range(len(names))]
        ticks.append((0.0, "= " + translate("ExplanationPanel", "score")))
        set_label_ticks(plot.getAxis("left"), ticks, self._axis_width)
        plot.setYRange(-0.6, n - 0.4, padding=0)
        plot.enableAutoRange(axis="x")
        self.parts_plot.setFixedHeight(90 + 26 * n)
        terms = " ".join(
            f"{'+' if v >= 0 else '−'} {abs(v):.4f} {html.escape(k)}"
            for k, v in zip(names, values, strict=True)
        )
        total = float(values.sum())
        self.parts_label.setText(
            translate("ExplanationPanel", "<b>score {score:.4f}</b> = {value}").format(
                score=score, value=terms.lstrip("+ ")
            )
            + (
                ""
                if abs(total - score) < 1e-3
                else translate("ExplanationPanel", " (parts sum to {total:.4f})").format(total=total)
            )
        )

    def _draw_history(self, exp: dict[str, Any]) -> None:
        plot = self.history_plot.getPlotItem()
        if self.history_bars is not None:
            plot.removeItem(self.history_bars)
            self.history_bars = None
        history = list(exp.get("history") or [])[:HISTORY_BARS]
        self._history_ids = [str(h["item"]) for h in history]
        self._selected_bar = -1
        method = model_text(exp.get("history_method") or "")
        notes = "; ".join(exp.get("notes") or [])
        if not history:
            plot.getAxis("left").setTicks([[]])
            self.history_plot.setFixedHeight(110)
            self.method_label.setText(
                notes
                or translate("ExplanationPanel", "This model's score does not depend on the user's history.")
            )
            return
        values = np.array([float(h["contribution"]) for h in history])
        y = np.arange(len(history))[::-1].astype(float)  # largest at the top
        self.history_bars = _ClickableBars(
            self._on_bar_clicked,
            x0=np.minimum(values, 0.0),
            y=y,
            width=np.abs(values),
            height=0.7,
            brushes=self._history_brushes(values),
            pen=pg.mkPen("w", width=0.5),
        )
        plot.addItem(self.history_bars)
        ticks = [(float(y[i]), h.get("title") or h["item"]) for i, h in enumerate(history)]
        self.history_plot.setFixedHeight(90 + 24 * len(history))
        set_label_ticks(plot.getAxis("left"), ticks, self._axis_width)
        plot.setYRange(-0.6, len(history) - 0.4, padding=0)
        plot.enableAutoRange(axis="x")
        target = exp.get("history_target") or ""
        self.method_label.setText(
            " · ".join(
                t
                for t in (
                    method,
                    translate("ExplanationPanel", "explains the {target}").format(target=target)
                    if target
                    else "",
                    notes,
                )
                if t
            )
        )

    def _draw_attention(self, exp: dict[str, Any]) -> None:
        plot = self.attention_plot.getPlotItem()
        if self.attention_bars is not None:
            plot.removeItem(self.attention_bars)
            self.attention_bars = None
        attention = list(exp.get("attention") or [])
        self.attention_plot.setVisible(bool(attention))
        self.attention_label.setVisible(bool(attention))
        if not attention:
            return
        shown = attention[-ATTENTION_BARS:]
        values = np.array([float(a["weight"]) for a in shown])
        y = np.arange(len(shown))[::-1].astype(float)  # oldest shown at the top, most recent at the bottom
        self.attention_bars = pg.BarGraphItem(x0=np.zeros(len(shown)), y=y, width=values, height=0.7,
                                              brush=QColor(ATTENTION), pen=pg.mkPen("w", width=0.5))
        plot.addItem(self.attention_bars)
        ticks = [(float(y[i]), a.get("title") or a["item"]) for i, a in enumerate(shown)]
        self.attention_plot.setFixedHeight(90 + 20 * len(shown))
        set_label_ticks(plot.getAxis("left"), ticks, self._axis_width)
        plot.setYRange(-0.6, len(shown) - 0.4, padding=0)
        plot.setXRange(0.0, max(float(values.max()), 1e-6) * 1.05, padding=0)
        older = len(attention) - len(shown)
        held = sum(float(a["weight"]) for a in attention[:older])
        rest = translate("ExplanationPanel", "; {older} older items hold {share}").format(
            older=older, share=f"{held:.0%}") if older > 0 else ""
        self.attention_label.setText(translate(
            "ExplanationPanel",
            "Which of the {n} history items the model looked at to predict what comes next "
            "(weights sum to 1, the same for every recommended item){rest}.").format(
                n=len(attention), rest=rest))

    def attention_weights(self) -> list[float]:
        """The drawn attention bar lengths, oldest first (empty when the model has no attention)."""
        if self.attention_bars is None:
            return []
        return [float(w) for w in self.attention_bars.opts["width"]]

    def _history_brushes(self, values: np.ndarray) -> list[QColor]:
        brushes = []
        for i, v in enumerate(values):
            c = color(POSITIVE if v >= 0 else NEGATIVE)
            if self._selected_bar >= 0 and i != self._selected_bar:
                c.setAlpha(90)
            brushes.append(c)
        return brushes

    def _on_bar_clicked(self, index: int) -> None:
        self.select_history_bar(index)

    def select_history_bar(self, index: int) -> None:
        """Highlight history bar ``index`` (0 = largest contribution) and emit its item."""
        if not 0 <= index < len(self._history_ids) or self.history_bars is None:
            return
        self._selected_bar = index
        values = np.asarray(self.history_bars.opts["width"], dtype=float)
        signs = np.where(np.asarray(self.history_bars.opts["x0"], dtype=float) < 0, -1.0, 1.0)
        self.history_bars.setOpts(brushes=self._history_brushes(values * signs))
        self.history_item_selected.emit(self._history_ids[index])

    def history_items(self) -> list[str]:
        """Item ids of the history bars, largest contribution first."""
        return list(self._history_ids)

    def bar_center(self, index: int) -> tuple[float, float]:
        """Data coordinates of the middle of history bar ``index`` (tests click there)."""
        assert self.history_bars is not None
        x0 = float(self.history_bars.opts["x0"][index])
        width = float(self.history_bars.opts["width"][index])
        return x0 + width / 2, float(self.history_bars.opts["y"][index])

    def _draw_content(self, exp: dict[str, Any]) -> None:
        words = exp.get("words")
        categories = exp.get("categories")
        title = exp.get("title") or ""
        if words is None and categories is None:
            self.words_html = ""
            self.text_view.setHtml(
                f"<p><b>{html.escape(title or exp['item'])}</b></p><p style='color:#666'>"
                "This model does not read item text or categories.</p>"
            )
            return
        words = list(words or [])
        scale = max((abs(float(w["weight"])) for w in words), default=0.0)
        text = self._item_text(exp, words)
        title_html = highlighted_html(title, [w for w in words if w.get("field") == "title"], scale)
        text_html = highlighted_html(text, [w for w in words if w.get("field") == "text"], scale)
        cats = sorted((categories or {}).items(), key=lambda kv: -abs(kv[1]))
        cat_scale = max((abs(v) for _, v in cats), default=0.0)
        chips = " ".join(
            f'<span style="background-color:{mix(POSITIVE if v >= 0 else NEGATIVE, 0.2 + 0.6 * abs(v) / cat_scale if cat_scale else 0.2)};">'  # noqa: E501
            f"&nbsp;{html.escape(c)} {v:+.3f}&nbsp;</span>"
            for c, v in cats
        )
        top = sorted(words, key=lambda w: -abs(float(w["weight"])))[:6]
        top_text = ", ".join(f"{html.escape(str(w['word']))} {float(w['weight']):+.3f}" for w in top)
        self.words_html = (
            f"<p style='font-size:11pt'><b>{title_html}</b></p><p>{text_html}</p>"
            + ("<p><b>" + translate("ExplanationPanel", "Categories:") + f"</b> {chips}</p>" if chips else "")
            + (
                "<p style='color:#555'><b>"
                + translate("ExplanationPanel", "Strongest words:")
                + f"</b> {top_text}</p>"
                if top_text
                else ""
            )
            + "<p style='color:#777; font-size:8pt'>"
            + translate(
                "ExplanationPanel",
                "{green} raised the content score, {orange} lowered it (integrated gradients).",
            ).format(
                green=f"<span style='background-color:{mix(POSITIVE, 0.6)}'>&nbsp;"
                + translate("ExplanationPanel", "green")
                + "&nbsp;</span>",
                orange=f"<span style='background-color:{mix(NEGATIVE, 0.6)}'>&nbsp;"
                + translate("ExplanationPanel", "orange")
                + "&nbsp;</span>",
            )
            + "</p>"
        )
        self.text_view.setHtml(self.words_html)

    @staticmethod
    def _item_text(exp: dict[str, Any], words: list[dict[str, Any]]) -> str:
        """The item's description: from the explanation when it carries it, else rebuilt from its words."""
        if exp.get("text"):
            return str(exp["text"])
        text_words = [w for w in words if w.get("field") == "text" and w.get("start", -1) >= 0]
        if not text_words:
            return ""
        end = max(int(w["end"]) for w in text_words)
        chars = [" "] * end
        for w in text_words:
            chars[int(w["start"]) : int(w["end"])] = list(str(w["word"]))
        return "".join(chars)


def attach_to_recommend_page(page: Any) -> ExplanationPanel:
    """Put an ``ExplanationPanel`` into ``RecommendPage.explanation_area`` and wire it: a selected
    recommendation is explained; a clicked history bar selects that item in the page's history table."""
    panel = ExplanationPanel(page.ctx, compact=True)
    page.explanation_placeholder.hide()
    page.explanation_layout.addWidget(panel)
    page.explanation_panel = panel
    splitter = page.explanation_area.parentWidget()
    if isinstance(splitter, QSplitter) and splitter.count() == 3:
        splitter.setSizes([370, 380, 360])  # the panel's charts need more room than a placeholder

    def explain_item(item_id: str) -> None:
        result, model, info = page.result, page.model, page.model_info
        if result is None or model is None or info is None or result.model_id != info.id:
            return
        panel.request(model, int(info.dataset_id), result.user, item_id)

    def select_history(item_id: str) -> None:
        table = page.history_table
        for row in range(table.rowCount()):
            cell = table.item(row, 0)
            if cell is not None and cell.text() == item_id:
                table.selectRow(row)
                table.scrollToItem(cell)
                return

    page.item_selected.connect(explain_item)
    page.recommendations_shown.connect(lambda _user: panel.clear())
    panel.history_item_selected.connect(select_history)
    return panel
