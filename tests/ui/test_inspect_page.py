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
