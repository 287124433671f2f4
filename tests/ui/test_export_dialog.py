"""The one export dialog (recommendations or similar items, N, users, file) and model files on the
Models page, on real trained models with the worker jobs the page runs."""

from __future__ import annotations

import csv
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from tests.ui.helpers import add_small_dataset
from workbench.ui.export_dialog import LAST_FOLDER_KEY, ExportDialog, ExportRequest, last_export_folder


@pytest.fixture
def trained(app_context):
    from workbench.training.runner import train

    dataset_id = add_small_dataset(app_context.db)
    return app_context, train(app_context.db, dataset_id, "ease", {}, None).model_id


@pytest.fixture
def page(qtbot, trained):
    from workbench.ui.pages.models import ModelsPage

    widget = ModelsPage(trained[0])
    qtbot.addWidget(widget)
    return widget


def test_dialog_validates_and_remembers_the_folder(qtbot, tmp_path) -> None:
    from workbench.ui.context import app_settings

    dialog = ExportDialog("ease/tiny")
    qtbot.addWidget(dialog)
    first = Path(dialog.out_path.text())
    assert first.name == "recommendations-ease_tiny.csv" and first.parent == last_export_folder()
    dialog.kind_combo.setCurrentIndex(1)  # similar items: users do not apply, file name follows
    assert Path(dialog.out_path.text()).name == "similar-items-ease_tiny.csv"
    assert not dialog.users_all.isEnabled() and not dialog.users_path.isEnabled()
    dialog.kind_combo.setCurrentIndex(0)
    dialog.users_from_file.setChecked(True)
    assert dialog.users_path.isEnabled()
    dialog.out_path.setText(str(tmp_path / "out.xlsx"))
    dialog.accept()
    assert dialog.request() is None and "use a .csv or .parquet" in dialog.error_label.text()
    dialog.out_path.setText(str(tmp_path / "out.parquet"))
    dialog.accept()
    assert dialog.request() is None and "file of user ids" in dialog.error_label.text()
    (tmp_path / "users.txt").write_text("u1\n", encoding="utf-8")
    dialog.users_path.setText(str(tmp_path / "users.txt"))
    dialog.n_spin.setValue(7)
    dialog.accept()
    assert dialog.request() == ExportRequest("recommendations", 7, tmp_path / "out.parquet",
                                             tmp_path / "users.txt")
    assert app_settings().value(LAST_FOLDER_KEY) == str(tmp_path)
    again = ExportDialog("m")
    qtbot.addWidget(again)
    assert Path(again.out_path.text()).parent == tmp_path  # the remembered folder is offered


def test_page_dialog_exports_similar_items_on_a_job(qtbot, page, trained, tmp_path, monkeypatch) -> None:
    _ctx, model_id = trained
    target = tmp_path / "similar.parquet"

    def answer(dialog: ExportDialog) -> int:
        dialog.kind_combo.setCurrentIndex(1)
        dialog.n_spin.setValue(3)
        dialog.out_path.setText(str(target))
        dialog.accept()
        return ExportDialog.DialogCode.Accepted

    monkeypatch.setattr(ExportDialog, "exec", answer)
    page.select_models([model_id])
    with qtbot.waitSignal(page.export_finished, timeout=15_000) as blocker:
        page.export_button.click()
    assert blocker.args == [str(target)]
    table = pq.read_table(target).to_pylist()
    assert {"item", "similar_item", "rank", "score"} <= set(table[0])
    assert all(r["item"] != r["similar_item"] for r in table) and max(r["rank"] for r in table) == 3
    assert "similar items" in page.message.text()


def test_page_exports_recommendations_for_users_in_a_file(qtbot, page, trained, tmp_path) -> None:
    _ctx, model_id = trained
    users = tmp_path / "users.csv"
    users.write_text("user\nu1\nu2\nnobody\n", encoding="utf-8")
    target = tmp_path / "recs.csv"
    with qtbot.waitSignal(page.export_finished, timeout=15_000):
        page.run_export(model_id, ExportRequest("recommendations", 2, target, users))
    with target.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert sorted({r["user"] for r in rows}) == ["u1", "u2"] and len(rows) == 4
    assert "1 unknown user(s) skipped" in page.message.text()
    (tmp_path / "empty.txt").write_text("")
    with qtbot.waitSignal(page.action_failed, timeout=5_000):
        assert page.run_export(model_id, ExportRequest("recommendations", 2, target,
                                                       tmp_path / "empty.txt")) is None
    assert "no user ids" in page.message.text()


def test_page_exports_and_imports_a_model_file(qtbot, page, trained, tmp_path) -> None:
    from workbench.store.models import list_models

    ctx, model_id = trained
    path = tmp_path / "ease.recmodel"
    page.select_models([model_id])
    assert page.export_model_button.isEnabled()
    with qtbot.waitSignal(page.model_file_written, timeout=15_000):
        page.export_model(model_id, path)
    with qtbot.waitSignal(page.model_imported, timeout=15_000) as blocker:
        page.import_model(path)
    imported = blocker.args[0]
    assert imported != model_id and len(list_models(ctx.db)) == 2
    assert "Imported model" in page.message.text()
    assert imported in page.model_ids()  # the table was refreshed
    (tmp_path / "junk.recmodel").write_bytes(b"PK\x03\x04 not really")
    with qtbot.waitSignal(page.action_failed, timeout=15_000):
        page.import_model(tmp_path / "junk.recmodel")
    assert "not a Rec Workbench model file" in page.message.text()
    assert len(list_models(ctx.db)) == 2
