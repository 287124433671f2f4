"""Inspect page: the embedding map of a real model, the user's highlights, neighbours, biases, fit."""

from __future__ import annotations

import numpy as np

from tests.ui.helpers import add_content_dataset, train_model


def test_map_has_every_item_and_highlights_history_and_recommendations(qtbot, app_context):
    from workbench.ui.pages.inspect import InspectPage

    dataset_id = add_content_dataset(app_context.db)
    model_id = train_model(app_context.db, dataset_id, "mf", {"epochs": 5})
    page = InspectPage(app_context)
    qtbot.addWidget(page)
    if page.data is None:
        with qtbot.waitSignal(page.model_loaded, timeout=10_000):
            page.select_model(model_id)
    assert page.stack.currentIndex() == 1
    model = page.data.loaded.model
    assert page.scatter is not None
    assert len(page.scatter.data) == len(model.items) == 30
    # coloured by first category: the two categories get two different brushes
    brushes = {page.scatter.data["brush"][i].color().name() for i in range(len(page.scatter.data))}
    assert len(brushes) == 2
    assert "PC 1" in page.map_plot.getPlotItem().getAxis("bottom").labelText

    with qtbot.waitSignal(page.user_shown, timeout=10_000) as shown:
        page.show_user("u0")
    assert shown.args == ["u0"]
    row = model.users.row("u0")
    n_history = model.seen[row].nnz
    assert len(page.history_scatter.data) == n_history > 0
    assert len(page.recs_scatter.data) == 10
    # highlighted points sit exactly on their items' map positions
    first_rec = page.user_data.recommendations[0][0]
    coords = page.data.emap.coords[model.items.row(first_rec)]
    assert np.allclose([page.recs_scatter.data["x"][0], page.recs_scatter.data["y"][0]], coords)
    # per-user diagnostics from the model's held-out split
    assert "ndcg@10" in page.fit_label.text()
    ranks = [int(page.diagnostics_table.item(r, 2).text()) for r in range(page.diagnostics_table.rowCount())]
    assert ranks == sorted(ranks) and all(r >= 1 for r in ranks)

    # biases of an MF model are drawn; the score histogram counts every user x item pair
    assert page.bias_stack.currentIndex() == 0 and page.bias_bars is not None
    assert len(page.bias_bars.opts["width"]) == 16
    assert sum(page.data.distribution["counts"]) == len(model.users) * len(model.items)

    # clicking a point selects its item and lists its neighbours
    point = page.scatter.points()[3]
    with qtbot.waitSignal(page.neighbours_shown, timeout=10_000) as neighbours:
        page._on_point_clicked(page.scatter, [point])
    assert neighbours.args == [model.items.ids[3]]
    assert len(page.neighbour_items()) == 10 and model.items.ids[3] not in page.neighbour_items()
    assert len(page.neighbour_scatter.data) == 10 and len(page.selected_scatter.data) == 1


def test_models_without_biases_say_so_and_empty_database_shows_empty_state(qtbot, app_context):
    from workbench.ui.pages.inspect import InspectPage

    page = InspectPage(app_context)
    qtbot.addWidget(page)
    assert page.stack.currentIndex() == 0
    assert "No model yet" in page.empty.title_label.text()

    dataset_id = add_content_dataset(app_context.db)
    model_id = train_model(app_context.db, dataset_id, "ease")
    with qtbot.waitSignal(page.model_loaded, timeout=10_000):
        app_context.models_changed.emit()
        page.select_model(model_id)
    assert page.stack.currentIndex() == 1
    assert page.bias_stack.currentIndex() == 1
    assert "no learned item biases" in page.bias_note.message_label.text().lower()
    assert len(page.scatter.data) == 30


def _shown_page(qtbot, app_context):
    from workbench.ui.pages.inspect import InspectPage

    dataset_id = add_content_dataset(app_context.db)
    model_id = train_model(app_context.db, dataset_id, "mf", {"epochs": 2})
    page = InspectPage(app_context)
    qtbot.addWidget(page)
    page.resize(1100, 700)
    page.show()
    qtbot.waitExposed(page)
    if page.data is None or page.data.loaded.info.id != model_id:
        with qtbot.waitSignal(page.model_loaded, timeout=10_000):
            page.select_model(model_id)
    return page


def test_a_click_on_the_item_box_while_user_suggestions_are_open_goes_to_the_item_box(qtbot, app_context):
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    page = _shown_page(qtbot, app_context)
    page.activateWindow()
    page.user_edit.setFocus()
    qtbot.keyClicks(page.user_edit, "u1")
    popup = page.user_completer.popup()
    qtbot.waitUntil(popup.isVisible, timeout=3_000)
    # the user ignores the suggestions and clicks into the Item box, then types an item id; the click
    # goes through the window, as a real one does (the pop-up sees it first)
    where = page.item_edit.mapTo(page.window(), page.item_edit.rect().center())
    QTest.mouseClick(page.window().windowHandle(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                     where)
    assert not popup.isVisible()
    qtbot.waitUntil(page.item_edit.hasFocus, timeout=3_000)
    qtbot.keyClicks(page.item_edit, "i3")
    assert page.item_edit.text() == "i3"
    assert page.user_edit.text() == "u1"


def test_hovering_a_highlighted_history_point_names_the_item(qtbot, app_context):
    from PySide6.QtCore import QPointF

    page = _shown_page(qtbot, app_context)
    with qtbot.waitSignal(page.user_shown, timeout=10_000):
        page.show_user("u0")
    model = page.data.loaded.model
    item = page.user_data.history[0]
    x, y = page.data.emap.coords[model.items.row(item)]
    view_box = page.map_plot.getPlotItem().vb
    scene_pos = view_box.mapViewToScene(QPointF(float(x), float(y)))
    qtbot.mouseMove(page.map_plot.viewport(), page.map_plot.mapFromScene(scene_pos))
    # the tip Qt shows is that of the topmost item under the mouse that has one
    scene = page.map_plot.scene()
    title = page.data.titles[model.items.row(item)]
    qtbot.waitUntil(lambda: bool([i.toolTip() for i in scene.items(scene_pos) if i.toolTip()]), timeout=3_000)
    tips = [i.toolTip() for i in scene.items(scene_pos) if i.toolTip()]
    assert title in tips[0] and item in tips[0]
    assert "history" in tips[0]
