"""What-if page: a new user's recommendations from picked items, a new item's audience and neighbours."""

from __future__ import annotations

from tests.ui.helpers import add_content_dataset, train_model


def _page(qtbot, app_context, model_id: int):
    from workbench.ui.pages.whatif import WhatIfPage

    page = WhatIfPage(app_context)
    qtbot.addWidget(page)
    if page.loaded is None or page.loaded.info.id != model_id:
        with qtbot.waitSignal(page.model_loaded, timeout=10_000):
            page.select_model(model_id)
    return page


def test_new_user_gets_recommendations_without_the_picked_items(qtbot, app_context):
    dataset_id = add_content_dataset(app_context.db)
    page = _page(qtbot, app_context, train_model(app_context.db, dataset_id, "ease"))
    assert page.item_list.count() == 30
    page.search_edit.setText("galaxy")
    assert 0 < page.item_list.count() < 30
    picks = ["i0", "i1", "i2"]
    with qtbot.waitSignal(page.user_recommended, timeout=10_000) as done:
        for item in picks:
            page.add_item(item)
    assert done.args == [10]
    recommended = page.recommended_items()
    assert len(recommended) == 10 and not set(recommended) & set(picks)
    # the picks are sci-fi films, so the new user's top items are mostly sci-fi too (items 0..14)
    assert sum(int(i[1:]) < 15 for i in recommended[:5]) >= 4
    # the first result is explained at once, by the picked items
    panel = page.explanation_panel
    qtbot.waitUntil(lambda: panel.explanation is not None, timeout=5_000)
    assert panel.explanation["item"] == recommended[0]
    assert set(panel.history_items()) <= set(picks) and panel.history_items()


def test_new_item_finds_similar_items_and_an_audience(qtbot, app_context):
    dataset_id = add_content_dataset(app_context.db)
    page = _page(qtbot, app_context, train_model(app_context.db, dataset_id, "content", {"epochs": 4}))
    assert page.item_button.isEnabled()
    assert page.category_list.count() == 2
    page.tabs.setCurrentIndex(1)
    page.title_edit.setText("Rocket galaxy")
    page.text_edit.setPlainText("An alien starship crosses the planet.")
    page.set_categories(["scifi"])
    assert page.chosen_categories() == ["scifi"]
    with qtbot.waitSignal(page.item_answered, timeout=10_000) as answered:
        page.item_button.click()
    assert answered.args == [10]
    similar = page.similar_items()
    assert len(similar) == 10
    assert sum(int(i[1:]) < 15 for i in similar[:5]) >= 4  # sci-fi neighbours for a sci-fi description
    assert page.audience_table.rowCount() == 10 and page.audience_bars is not None


def test_new_item_needs_a_content_model(qtbot, app_context):
    dataset_id = add_content_dataset(app_context.db)
    page = _page(qtbot, app_context, train_model(app_context.db, dataset_id, "mf", {"epochs": 2}))
    assert not page.item_button.isEnabled()
    assert "content or hybrid" in page.item_note.text()


def test_why_panel_follows_the_results_when_more_items_are_picked(qtbot, app_context):
    dataset_id = add_content_dataset(app_context.db)
    page = _page(qtbot, app_context, train_model(app_context.db, dataset_id, "ease"))
    panel = page.explanation_panel
    with qtbot.waitSignal(page.user_recommended, timeout=10_000):
        page.add_item("i0")
    qtbot.waitUntil(lambda: panel.explanation is not None, timeout=5_000)
    one_pick = panel.explanation["score"]
    with qtbot.waitSignal(page.user_recommended, timeout=10_000):
        page.add_item("i1")
        page.add_item("i2")
    table = page.user_results_table
    # the panel explains the (selected) first row of the new results, not the one-item profile
    assert [index.row() for index in table.selectionModel().selectedRows()] == [0]
    assert panel.explanation["item"] == table.item(0, 1).text()
    assert f"{panel.explanation['score']:.4f}" == table.item(0, 3).text()
    assert panel.explanation["score"] != one_pick
    assert set(panel.history_items()) <= {"i0", "i1", "i2"} and len(panel.history_items()) > 1
