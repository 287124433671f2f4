"""Recommend page: a user's history and top-N from a real trained model."""

from __future__ import annotations

from tests.ui.helpers import add_small_dataset


def test_recommendations_exclude_history_and_fill_table_and_chart(qtbot, app_context):
    from workbench.training.runner import train
    from workbench.ui.pages.recommend import RecommendPage

    dataset_id = add_small_dataset(app_context.db)
    result = train(app_context.db, dataset_id, "ease", {}, None)
    page = RecommendPage(app_context)
    qtbot.addWidget(page)
    if page.model is None:
        with qtbot.waitSignal(page.model_loaded, timeout=10_000):
            page.select_model(result.model_id)
    assert page.user_completer.model().rowCount() == 40
    page.n_spin.setValue(7)
    with qtbot.waitSignal(page.recommendations_shown, timeout=10_000) as shown:
        page.show_recommendations("u3")
    assert shown.args == ["u3"]
    history = page.history_items()
    recommended = page.recommended_items()
    assert len(history) == 12
    assert len(recommended) == 7
    assert not set(recommended) & set(history)
    assert page.recs_table.item(0, 2).text().startswith("Film ")
    assert len(page.bars.opts["width"]) == 7
    scores = [float(page.recs_table.item(r, 3).text()) for r in range(7)]
    assert scores == sorted(scores, reverse=True)


def test_unknown_user_is_reported(qtbot, app_context):
    from workbench.training.runner import train
    from workbench.ui.pages.recommend import RecommendPage

    train(app_context.db, add_small_dataset(app_context.db), "pop", {}, None)
    page = RecommendPage(app_context)
    qtbot.addWidget(page)
    with qtbot.waitSignal(page.request_failed, timeout=10_000) as failed:
        page.show_recommendations("nobody")
    assert "nobody" in failed.args[0]
    assert page.message.isVisible() or page.message.text()


def test_empty_database_shows_the_empty_state(qtbot, app_context):
    from workbench.ui.pages.recommend import RecommendPage

    page = RecommendPage(app_context)
    qtbot.addWidget(page)
    assert page.stack.currentIndex() == 0
    assert "No model yet" in page.empty.title_label.text()
