"""Explanation panel: history bars for a recommendation, clicking a bar, highlighted words, score parts."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPointF, Qt

from tests.ui.helpers import add_content_dataset, train_model


def test_panel_draws_history_bars_and_a_click_emits_the_item(qtbot, app_context):
    from workbench.explain import explain
    from workbench.store.datasets import load_dataset
    from workbench.store.models import load_model
    from workbench.ui.explain_panel import ExplanationPanel

    dataset_id = add_content_dataset(app_context.db)
    model, _info = load_model(app_context.db, train_model(app_context.db, dataset_id, "ease"))
    item = model.recommend("u0", n=1)[0][0]
    panel = ExplanationPanel(app_context)
    panel.resize(700, 800)
    qtbot.addWidget(panel)
    panel.show()
    qtbot.waitExposed(panel)
    with qtbot.waitSignal(panel.explanation_shown, timeout=10_000) as shown:
        panel.request(model, dataset_id, "u0", item)
    assert shown.args == [item]

    expected = explain(model, load_dataset(app_context.db, dataset_id), "u0", item)
    assert panel.history_bars is not None
    assert panel.history_items() == [h.item for h in expected.history][:10]
    assert len(panel.history_items()) >= 3
    widths = np.asarray(panel.history_bars.opts["width"], dtype=float)
    assert np.allclose(widths, [abs(h.contribution) for h in expected.history][:len(widths)], atol=1e-6)
    assert all(i not in model.recommend("u0", n=30) for i in panel.history_items())

    # a real mouse click in the middle of the second bar selects that history item
    qtbot.waitUntil(lambda: panel.history_plot.width() > 100)
    x, y = panel.bar_center(1)
    view_box = panel.history_plot.getPlotItem().vb
    pos = panel.history_plot.mapFromScene(view_box.mapViewToScene(QPointF(x, y)))
    with qtbot.waitSignal(panel.history_item_selected, timeout=3_000) as clicked:
        qtbot.mouseClick(panel.history_plot.viewport(), Qt.MouseButton.LeftButton, pos=pos)
    assert clicked.args == [panel.history_items()[1]]


def test_parts_label_equals_score_and_words_are_highlighted(qtbot, app_context):
    from workbench.store.models import load_model
    from workbench.ui.explain_panel import ExplanationPanel

    dataset_id = add_content_dataset(app_context.db)
    model, _info = load_model(app_context.db,
                              train_model(app_context.db, dataset_id, "content", {"epochs": 4}))
    item = model.recommend("u1", n=1)[0][0]
    panel = ExplanationPanel(app_context)
    qtbot.addWidget(panel)
    with qtbot.waitSignal(panel.explanation_shown, timeout=20_000):
        panel.request(model, dataset_id, "u1", item)
    exp = panel.explanation
    assert exp is not None and exp["item"] == item
    score = float(exp["score"])
    # the waterfall's parts end where the score bar ends, and the label states that score
    assert f"score {score:.4f}" in panel.parts_label.text()
    assert abs(sum(exp["parts"].values()) - score) < 1e-3
    bars = panel.parts_bars.opts
    assert abs(float(bars["x0"][-1]) + float(bars["width"][-1]) - max(score, 0.0)) < 1e-6
    # the strongest word is highlighted in the HTML of the item text
    assert exp["words"], "a content model must attribute words"
    strongest = max(exp["words"], key=lambda w: abs(w["weight"]))
    assert f'">{strongest["word"]}</span>' in panel.words_html
    assert "background-color:#" in panel.words_html
    assert "Categories:" in panel.words_html
    assert "scifi" in panel.words_html or "romance" in panel.words_html


def test_recommend_page_hook_explains_the_selected_row(qtbot, app_context):
    from workbench.ui.pages.recommend import RecommendPage

    dataset_id = add_content_dataset(app_context.db)
    model_id = train_model(app_context.db, dataset_id, "itemknn")
    page = RecommendPage(app_context)
    qtbot.addWidget(page)
    panel = getattr(page, "explanation_panel", None)
    if panel is None:
        pytest.skip("the Recommend page has no explanation panel yet")
    if page.model is None:
        with qtbot.waitSignal(page.model_loaded, timeout=10_000):
            page.select_model(model_id)
    with qtbot.waitSignal(page.recommendations_shown, timeout=10_000):
        page.show_recommendations("u2")
    with qtbot.waitSignal(panel.explanation_shown, timeout=10_000) as shown:
        page.recs_table.selectRow(1)
    assert shown.args == [page.recommended_items()[1]]
    # clicking a history bar selects that item in the page's history table
    target = panel.history_items()[0]
    panel.select_history_bar(0)
    selected = page.history_table.selectionModel().selectedRows()
    assert selected and page.history_table.item(selected[0].row(), 0).text() == target


def _wheel(widget, pos: QPointF, steps: int = -3):
    from PySide6.QtCore import QPoint
    from PySide6.QtGui import QWheelEvent
    from PySide6.QtWidgets import QApplication

    event = QWheelEvent(pos, widget.mapToGlobal(pos), QPoint(0, 0), QPoint(0, 120 * steps),
                        Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier, Qt.ScrollPhase.NoScrollPhase,
                        False)
    QApplication.sendEvent(widget, event)


def test_the_wheel_over_a_bar_chart_scrolls_the_panel_and_a_map_zooms_with_a_reset(qtbot, app_context):
    from workbench.ui.explain_panel import ExplanationPanel
    from workbench.ui.plots import make_plot

    history = [{"item": f"i{k}", "title": f"Film {k}", "contribution": 1.0 / (k + 1)} for k in range(10)]
    panel = ExplanationPanel(app_context, compact=True)
    qtbot.addWidget(panel)
    panel.resize(420, 360)  # short: the column scrolls
    panel.show()
    qtbot.waitExposed(panel)
    panel.show_explanation({"item": "i42", "title": "Film 42", "user": "u1", "score": 2.5,
                            "parts": {"bias": 0.5, "collaborative": 2.0}, "history": history})
    plot = panel.history_plot
    bar = panel.scroll.verticalScrollBar()
    assert bar.maximum() > 0
    before_range = plot.getPlotItem().vb.viewRange()
    before_scroll = bar.value()
    _wheel(plot.viewport(), QPointF(plot.width() / 2, 20))
    assert plot.getPlotItem().vb.viewRange() == before_range  # no zoom, no labels piling up
    assert bar.value() > before_scroll  # the panel scrolled instead

    chart = make_plot(None, x_label="x", zoomable=True)
    qtbot.addWidget(chart)
    chart.resize(400, 300)
    chart.show()
    qtbot.waitExposed(chart)
    chart.plot(np.arange(10.0), np.arange(10.0) ** 2)
    view_box = chart.getPlotItem().vb
    qtbot.waitUntil(lambda: view_box.viewRange()[1][1] > 50)  # auto range applies on the next paint
    full = view_box.viewRange()
    assert full[0][0] <= 0 and full[0][1] >= 9
    _wheel(chart.viewport(), QPointF(200, 150), steps=3)
    zoomed = view_box.viewRange()
    assert zoomed[0][1] - zoomed[0][0] < full[0][1] - full[0][0]
    qtbot.mouseDClick(chart.viewport(), Qt.MouseButton.LeftButton, pos=chart.viewport().rect().center())
    (x0, x1), (y0, y1) = view_box.viewRange()
    assert x0 <= 0 and x1 >= 9 and y0 <= 0 and y1 >= 81  # every point in view again


def test_sequence_model_attention_is_drawn_and_hidden_for_others(qtbot, app_context):
    from workbench.store.models import load_model
    from workbench.ui.explain_panel import ExplanationPanel

    dataset_id = add_content_dataset(app_context.db)
    model, _info = load_model(app_context.db, train_model(app_context.db, dataset_id, "sasrec",
                                                          {"epochs": 2, "dim": 16, "max_len": 8}))
    item = model.recommend("u2", n=1)[0][0]
    panel = ExplanationPanel(app_context)
    qtbot.addWidget(panel)
    with qtbot.waitSignal(panel.explanation_shown, timeout=20_000):
        panel.request(model, dataset_id, "u2", item)
    attention = panel.explanation["attention"]
    assert len(attention) == 8  # the model reads the 8 most recent of the user's 10 items
    assert panel.attention_weights() == pytest.approx([a["weight"] for a in attention], abs=1e-6)
    assert sum(panel.attention_weights()) == pytest.approx(1.0, abs=1e-6)
    assert not panel.attention_plot.isHidden() and "sum to 1" in panel.attention_label.text()

    ease, _ = load_model(app_context.db, train_model(app_context.db, dataset_id, "ease"))
    with qtbot.waitSignal(panel.explanation_shown, timeout=20_000):
        panel.request(ease, dataset_id, "u2", ease.recommend("u2", n=1)[0][0])
    assert panel.attention_weights() == [] and panel.attention_plot.isHidden()
