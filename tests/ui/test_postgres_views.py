"""The GUI's first views read the store on PostgreSQL as on SQLite: the Datasets page's list, tiles and
interactions page (sorted and filtered in SQL), the Models page's table and the Train page's run list,
opened in the main window on a database holding an imported dataset and a trained model.

The PostgreSQL case needs ``WORKBENCH_TEST_PG_URL`` (a fresh database is created per test) and skips
with the reason otherwise; the SQLite case always runs."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from tests.test_postgres import pg_admin, pg_url  # noqa: F401 (fixtures: a fresh database per test)
from tests.ui.conftest import write_tiny_csv
from workbench.data.csv_import import CsvSpec, import_csv
from workbench.store.db import open_database


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return str(tmp_path / "views.db")
    return request.getfixturevalue("pg_url")


def test_main_window_first_views_show_the_rows(qtbot, db_url: str, tmp_path: Path) -> None:
    from workbench.training.runner import train
    from workbench.ui.context import AppContext
    from workbench.ui.main_window import MainWindow

    db = open_database(db_url)
    spec = CsvSpec(user="user", item="item", rating="rating", timestamp="timestamp")
    dataset_id = import_csv(db, write_tiny_csv(tmp_path / "tiny.csv"), spec, name="tiny").dataset_id
    result = train(db, dataset_id, "mf", {"dim": 4, "patience": 0}, None, epochs=2, device="cpu")
    ctx = AppContext(db)
    try:
        window = MainWindow(ctx)
        qtbot.addWidget(window)
        window.resize(1280, 800)
        window.show()

        datasets = window.show_page("Datasets")
        assert [s.name for s in datasets.summaries] == ["tiny"]
        assert datasets.list.item(0).text().startswith("tiny")
        assert datasets.view.tiles["interactions"].value_label.text() == "180"
        datasets.view.tabs.setCurrentWidget(datasets.view.interaction_tab)
        tab = datasets.view.interaction_tab
        qtbot.waitUntil(lambda: tab.model is not None and tab.model.rowCount() > 0, timeout=20_000)
        model = tab.model
        assert model.total == 180 and tab.count_label.text() == "180 interactions"
        columns = model.column_names()
        first = dict(zip(columns, model.row_values(0), strict=True))
        assert first["user"].startswith("u") and first["item"].startswith("i")
        assert first["timestamp"] >= 1_600_000_000
        with qtbot.waitSignal(model.loaded, timeout=20_000):
            model.sort(columns.index("user"), Qt.SortOrder.DescendingOrder)
        assert model.row_values(0)[columns.index("user")] == "u029"
        with qtbot.waitSignal(model.loaded, timeout=20_000):
            model.set_filter("u002")
        assert model.total == 6 and {model.row_values(r)[columns.index("user")]
                                     for r in range(model.rowCount())} == {"u002"}

        models = window.show_page("Models")
        assert models.model_ids() == [result.model_id]
        table = models.table_model
        assert table.index(0, 3).data() == "mf" and table.index(0, 2).data() == "tiny"

        trainer = window.show_page("Train")
        assert trainer.run_list.run_ids() == [result.run_id]
        assert trainer.run_list.is_ticked(result.run_id)  # the newest run is drawn on first show
        assert trainer.curves.epochs(result.run_id) == [r.epoch for r in result.reports]  # MF's refit too
        assert trainer.curves.epochs(result.run_id)[:2] == [1, 2]
        assert trainer.settings.dataset_id() == dataset_id
    finally:
        ctx.jobs.cancel_all()
        ctx.jobs.wait(10_000)
        db.close()
