"""Train page: real widgets, real SQLite, real torch training on a tiny planted dataset."""

from __future__ import annotations

import numpy as np
import pytest

from tests.ui.helpers import add_small_dataset


@pytest.fixture
def tiny_ctx(app_context):
    app_context.tiny_dataset_id = add_small_dataset(app_context.db)
    app_context.datasets_changed.emit()
    return app_context


def test_config_form_builds_editors_from_metadata_and_resets(qtbot):
    from PySide6.QtWidgets import QComboBox, QSpinBox

    from workbench.models.mf import MFConfig
    from workbench.ui.config_form import ConfigForm

    form = ConfigForm(MFConfig)
    qtbot.addWidget(form)
    defaults = {f: getattr(MFConfig(), f) for f in form.field_names()}
    assert form.settings() == defaults
    dim = form.editor("dim")
    assert isinstance(dim, QSpinBox) and (dim.minimum(), dim.maximum()) == (1, 1024)
    assert "latent" in dim.toolTip()
    assert isinstance(form.editor("objective"), QComboBox)
    dim.setValue(8)
    assert form.settings(only_changed=True) == {"dim": 8}
    form.reset()
    assert form.settings(only_changed=True) == {}


def test_automatic_settings_read_auto_and_keep_their_value(qtbot):
    from workbench.models.content import ContentConfig
    from workbench.models.hybrid import HybridConfig
    from workbench.ui.config_form import ConfigForm

    content, hybrid = ConfigForm(ContentConfig), ConfigForm(HybridConfig)
    qtbot.addWidget(content)
    qtbot.addWidget(hybrid)
    patience = content.editor("patience")
    assert patience.text() == "auto" and patience.value() == -1  # -1: chosen from the data
    assert hybrid.editor("item_item_weight").text() == "auto"
    assert hybrid.editor("patience").text() == "3"  # no automatic value: a plain number
    assert content.settings()["patience"] == -1
    patience.setValue(4)
    assert patience.text() == "4" and content.settings(only_changed=True) == {"patience": 4}


def _train_page(qtbot, ctx, family: str, epochs: int):
    from workbench.ui.pages.train import TrainPage

    page = TrainPage(ctx)
    qtbot.addWidget(page)
    page.set_family(family)
    page.settings.epochs_spin.setValue(epochs)
    return page


def test_training_plots_points_live_and_saves_a_model(qtbot, tiny_ctx):
    from workbench.store.models import list_models
    from workbench.store.runs import get_run

    page = _train_page(qtbot, tiny_ctx, "mf", 3)
    page.settings.config_form.editor("dim").setValue(8)
    page.settings.config_form.editor("patience").setValue(0)
    finished: list[int] = []  # recorded from the start: tiny runs can finish inside the first wait
    page.training_finished.connect(finished.append)
    with qtbot.waitSignal(page.epoch_plotted, timeout=30_000) as first:
        page.start_training()
    run_id, epoch = first.args
    assert epoch == 1
    qtbot.waitUntil(lambda: bool(finished), timeout=60_000)
    model_id = finished[0]
    x, y = page.curves.curve_data(run_id, "train")
    # three epochs, then MF's refit on training + validation for the best epoch count, drawn after them
    stored = get_run(tiny_ctx.db, run_id).epochs
    assert list(x) == [1.0, 2.0, 3.0] and np.all(np.isfinite(y))
    rx, ry = page.curves.curve_data(run_id, "refit")  # drawn apart, after them
    assert list(rx) == [float(e.epoch) for e in stored if e.extra.get("refit")] and len(rx) >= 1
    assert np.all(np.isfinite(ry)) and rx.min() > 3
    mx, _my = page.curves.curve_data(run_id, "metric")
    assert len(mx) == 3 and page.curves.metric_name(run_id)
    assert len(page.curves.curve_data(run_id, "batch")[0]) >= 1
    best = page.curves.best_epoch(run_id)
    assert best in (1, 2, 3) and list(page.curves.curve_data(run_id, "best")[0]) == [best]
    assert get_run(tiny_ctx.db, run_id).status == "completed"
    assert model_id in [m.id for m in list_models(tiny_ctx.db)]
    assert page.status.progress.value() == 1000


def test_cancel_records_the_run_as_cancelled_and_keeps_its_curve(qtbot, tiny_ctx):
    from workbench.store.runs import get_run

    page = _train_page(qtbot, tiny_ctx, "mf", 500)
    page.settings.config_form.editor("patience").setValue(0)
    page.settings.config_form.editor("batch_size").setValue(16)  # many batches: the cancel lands mid-epoch
    with qtbot.waitSignal(page.epoch_plotted, timeout=30_000):
        page.start_training()
    with qtbot.waitSignal(page.training_cancelled, timeout=30_000) as cancelled:
        page.cancel_training()
    run_id = cancelled.args[0]
    assert run_id > 0
    run = get_run(tiny_ctx.db, run_id)
    assert run.status == "cancelled"
    assert 1 <= len(run.epochs) < 500
    assert len(page.curves.epochs(run_id)) >= 1
    assert "cancelled" in page.status.text()
    assert page.start_button.isEnabled()


def test_stored_runs_reopen_after_restart(qtbot, tiny_ctx):
    from PySide6.QtCore import Qt

    from workbench.training.runner import train
    from workbench.ui.pages.train import TrainPage

    result = train(tiny_ctx.db, tiny_ctx.tiny_dataset_id, "mf", {"dim": 4, "patience": 0}, None, epochs=2)
    page = TrainPage(tiny_ctx)  # a fresh page, as after a restart
    qtbot.addWidget(page)
    assert page.run_list.runs_list.count() == 1
    item = page.run_list.runs_list.item(0)
    assert item.checkState() == Qt.CheckState.Checked  # the newest run is drawn on first show
    x, _ = page.curves.curve_data(result.run_id, "train")
    assert list(x) == [1.0, 2.0]
    rx, _ = page.curves.curve_data(result.run_id, "refit")  # the stored refit epochs, drawn apart
    assert list(rx) == [float(r.epoch) for r in result.reports if r.extra.get("refit")]
    item.setCheckState(Qt.CheckState.Unchecked)
    assert not page.curves.is_run_visible(result.run_id)


def test_a_cancelled_run_resumes_from_the_list_and_its_curves_continue(qtbot, tiny_ctx):
    from workbench.store.runs import get_run

    page = _train_page(qtbot, tiny_ctx, "mf", 6)
    page.settings.config_form.editor("dim").setValue(4)
    page.settings.config_form.editor("patience").setValue(0)
    page.settings.config_form.editor("batch_size").setValue(16)
    assert not page.run_list.resume_button.isEnabled()
    with qtbot.waitSignal(page.epoch_plotted, timeout=30_000):
        page.start_training()
    with qtbot.waitSignal(page.training_cancelled, timeout=30_000) as cancelled:
        page.cancel_training()
    run_id = cancelled.args[0]
    stopped = get_run(tiny_ctx.db, run_id)
    assert stopped.status == "cancelled" and stopped.resumable
    done_before = stopped.checkpoint_epoch
    assert 1 <= done_before < 6
    page.select_run(run_id)
    assert page.run_list.resume_button.isEnabled()
    with qtbot.waitSignal(page.training_finished, timeout=60_000):
        page.run_list.resume_button.click()
        assert page.is_training and not page.run_list.resume_button.isEnabled()
    run = get_run(tiny_ctx.db, run_id)
    assert run.status == "completed" and run.model_id is not None
    # continued after the checkpoint (then MF's refit on training + validation, reported after them)
    assert [e.epoch for e in run.epochs if not e.extra.get("refit")] == list(range(1, 7))
    x, y = page.curves.curve_data(run_id, "train")
    assert list(x) == [float(e) for e in range(1, 7)] and np.all(np.isfinite(y))  # one continuous curve
    rx, _ = page.curves.curve_data(run_id, "refit")
    assert list(rx) == [float(e.epoch) for e in run.epochs if e.extra.get("refit")]
    assert page.curves.run_ids() == [run_id]
    page.select_run(run_id)
    assert not page.run_list.resume_button.isEnabled()  # completed runs are not resumable
