"""Models page: table model, compare, evaluate, export, rename and delete on real trained models."""

from __future__ import annotations

import csv

import pytest

from tests.ui.helpers import add_small_dataset


@pytest.fixture
def trained(app_context):
    """A context with a tiny dataset and two fast models (EASE and popularity) trained on it."""
    from workbench.training.runner import train

    dataset_id = add_small_dataset(app_context.db)
    ids = [train(app_context.db, dataset_id, family, {}, None).model_id for family in ("ease", "pop")]
    return app_context, ids


@pytest.fixture
def page(qtbot, trained):
    from workbench.ui.pages.models import ModelsPage

    ctx, _ids = trained
    widget = ModelsPage(ctx)
    qtbot.addWidget(widget)
    return widget


def test_table_model_passes_qtmodeltester_and_lists_metrics(qtmodeltester, page, trained):
    _ctx, ids = trained
    qtmodeltester.check(page.table_model)
    assert sorted(page.model_ids()) == sorted(ids)
    assert "ndcg@10" in page.table_model.metric_columns()
    assert page.stack.currentIndex() == 1


def test_compare_two_models_fills_table_and_bar_chart(qtbot, page, trained):
    _ctx, ids = trained
    page.select_models(ids)
    with qtbot.waitSignal(page.comparison_shown, timeout=5_000) as shown:
        page.compare_selected()
    assert shown.args == [2]
    assert page.compare_table.columnCount() == 2
    metrics = [page.compare_table.verticalHeaderItem(r).text() for r in range(page.compare_table.rowCount())]
    assert "ndcg@10" in metrics
    row = metrics.index("ndcg@10")
    values = [float(page.compare_table.item(row, c).text()) for c in range(2)]
    assert all(0.0 <= v <= 1.0 for v in values)
    assert len(page.bar_items) == 2
    for bars in page.bar_items:
        assert len(bars.opts["height"]) >= 1


def test_export_writes_top_n_for_every_user(qtbot, page, trained, tmp_path):
    _ctx, ids = trained
    target = tmp_path / "recs.csv"
    with qtbot.waitSignal(page.export_finished, timeout=15_000):
        page.export_csv(ids[0], target, n=3)
    with target.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert list(rows[0]) == ["user", "item", "rank", "score", "title"]
    assert len(rows) == 40 * 3
    first = [r for r in rows if r["user"] == "u0"]
    assert [r["rank"] for r in first] == ["1", "2", "3"]
    assert float(first[0]["score"]) >= float(first[1]["score"]) >= float(first[2]["score"])
    assert first[0]["title"].startswith("Film ")


def test_export_selected_users_only(qtbot, page, trained, tmp_path):
    _ctx, ids = trained
    target = tmp_path / "some.csv"
    with qtbot.waitSignal(page.export_finished, timeout=15_000):
        page.export_csv(ids[0], target, n=2, users=["u1", "u2", "nobody"])
    with target.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert sorted({r["user"] for r in rows}) == ["u1", "u2"] and len(rows) == 4
    assert "unknown user" in page.message.text()


def test_evaluate_rename_and_delete(qtbot, page, trained):
    from workbench.store.models import get_model_info, list_evaluations, list_models

    ctx, ids = trained
    before = len(list_evaluations(ctx.db, ids[0]))
    with qtbot.waitSignal(page.evaluation_finished, timeout=15_000):
        page.evaluate_model(ids[0], k=5)
    evaluations = list_evaluations(ctx.db, ids[0])
    assert len(evaluations) == before + 1 and evaluations[-1].k == 5
    assert "ndcg@5" in evaluations[-1].metrics
    assert page.rename_model(ids[0], "my-ease")
    assert get_model_info(ctx.db, ids[0]).name == "my-ease"
    assert not page.rename_model(ids[0], "")  # refused, shown on the page
    assert page.message.text()
    page.select_models([ids[1]])
    assert page.delete_selected(confirm=False) == 1
    assert [m.id for m in list_models(ctx.db)] == [ids[0]]
    assert page.model_ids() == [ids[0]]
