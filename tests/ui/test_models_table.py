"""The Models page's table model on its own: columns follow the metrics present, gaps sort last."""

from __future__ import annotations

from datetime import datetime

from workbench.store.models import ModelInfo


def _info(model_id: int, summary: dict) -> ModelInfo:
    return ModelInfo(model_id, f"m{model_id}", 1, "tiny", "mf", {"dim": 8, "seed": 1, "lr": 0.01}, {},
                     datetime(2026, 11, 30, 12, 0), summary)


def test_models_table_columns_values_and_sort_keys(qtmodeltester):
    from PySide6.QtCore import Qt

    from workbench.ui.models_table import ModelIdRole, ModelsTableModel, SortRole, key_settings

    table = ModelsTableModel()
    table.set_models([_info(1, {"rmse": 0.91234, "ndcg@10": 0.2}), _info(2, {"ndcg@10": float("nan")})])
    qtmodeltester.check(table)
    assert table.metric_columns() == ["rmse", "ndcg@10"]  # the table's order, only metrics some model has
    header = [table.headerData(c, Qt.Orientation.Horizontal) for c in range(table.columnCount())]
    assert header == ["ID", "Name", "Dataset", "Family", "Key settings", "rmse", "ndcg@10", "Created"]
    assert table.index(0, 5).data() == "0.9123"
    assert table.index(1, 5).data() == "–" and table.index(1, 6).data() == "–"  # missing and NaN
    assert table.index(1, 6).data(SortRole) == float("-inf")
    assert table.index(1, 0).data(ModelIdRole) == 2 and table.model_by_id(2).name == "m2"
    assert table.index(0, 4).data() == key_settings({"dim": 8, "seed": 1, "lr": 0.01}) == "dim=8, lr=0.01"
    assert table.index(0, 7).data() == "2026-11-30 12:00"
