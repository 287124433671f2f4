"""Train page: real widgets, real SQLite, real torch training on a tiny planted dataset."""

from __future__ import annotations

import numpy as np
import pytest

from workbench.store.db import Database


def add_small_dataset(db: Database, name: str = "tiny", n_users: int = 40, n_items: int = 30,
                      per_user: int = 12, seed: int = 0) -> int:
    """A small explicit dataset with titles and timestamps, written through the ORM; returns its id.

    Two user groups each prefer one half of the catalogue (a structure models can learn).
    """
    from workbench.store.schema import DatasetRow, InteractionRow, ItemRow, UserRow

    rng = np.random.default_rng(seed)
    with db.session() as session:
        dataset = DatasetRow(name=name, kind="explicit", rating_min=1.0, rating_max=5.0, source="test",
                             n_users=n_users, n_items=n_items, n_interactions=n_users * per_user)
        session.add(dataset)
        session.flush()
        users = [UserRow(dataset_id=dataset.id, external_id=f"u{u}") for u in range(n_users)]
        items = [ItemRow(dataset_id=dataset.id, external_id=f"i{i}", title=f"Film {i}",
                         categories=["A" if i < n_items // 2 else "B"]) for i in range(n_items)]
        session.add_all(users + items)
        session.flush()
        for u, user in enumerate(users):
            liked = np.arange(n_items // 2) + (0 if u % 2 == 0 else n_items // 2)
            other = np.setdiff1d(np.arange(n_items), liked)
            chosen = np.concatenate([rng.choice(liked, per_user - 3, replace=False),
                                     rng.choice(other, 3, replace=False)])
            for k, i in enumerate(chosen):
                rating = 5.0 if i in liked else 1.0 + float(rng.integers(0, 2))
                session.add(InteractionRow(dataset_id=dataset.id, user_id=user.id, item_id=items[int(i)].id,
                                           value=rating, timestamp=1_600_000_000 + u * 10_000 + k * 100))
        return dataset.id


@pytest.fixture
def tiny_ctx(app_context):
    app_context.tiny_dataset_id = add_small_dataset(app_context.db)
    app_context.datasets_changed.emit()
    return app_context


@pytest.fixture(autouse=True)
def _needs_dataset_store():
    pytest.importorskip("workbench.store.datasets", reason="helper A's dataset store is not there yet")


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


def _train_page(qtbot, ctx, family: str, epochs: int):
    from workbench.ui.pages.train import TrainPage

    page = TrainPage(ctx)
    qtbot.addWidget(page)
    page.set_family(family)
    page.epochs_spin.setValue(epochs)
    return page


def test_training_plots_points_live_and_saves_a_model(qtbot, tiny_ctx):
    from workbench.store.models import list_models
    from workbench.store.runs import get_run

    page = _train_page(qtbot, tiny_ctx, "mf", 3)
    page.config_form.editor("dim").setValue(8)
    page.config_form.editor("patience").setValue(0)
    with qtbot.waitSignal(page.epoch_plotted, timeout=30_000) as first:
        page.start_training()
    run_id, epoch = first.args
    assert epoch == 1
    with qtbot.waitSignal(page.training_finished, timeout=60_000) as done:
        pass
    model_id = done.args[0]
    series = page.curves.series(run_id)
    x, y = series.items["train"].getData()
    assert list(x) == [1.0, 2.0, 3.0] and np.all(np.isfinite(y))
    mx, _my = series.items["metric"].getData()
    assert len(mx) == 3 and series.metric_name
    assert len(series.batch_x) >= 1
    assert get_run(tiny_ctx.db, run_id).status == "completed"
    assert model_id in [m.id for m in list_models(tiny_ctx.db)]
    assert page.progress.value() == 1000


def test_cancel_records_the_run_as_cancelled_and_keeps_its_curve(qtbot, tiny_ctx):
    from workbench.store.runs import get_run

    page = _train_page(qtbot, tiny_ctx, "mf", 500)
    page.config_form.editor("patience").setValue(0)
    page.config_form.editor("batch_size").setValue(16)  # many batches: the cancel lands mid-epoch
    with qtbot.waitSignal(page.epoch_plotted, timeout=30_000):
        page.start_training()
    with qtbot.waitSignal(page.training_cancelled, timeout=30_000) as cancelled:
        page.cancel_training()
    run_id = cancelled.args[0]
    assert run_id > 0
    run = get_run(tiny_ctx.db, run_id)
    assert run.status == "cancelled"
    assert 1 <= len(run.epochs) < 500
    assert len(page.curves.series(run_id).epochs) >= 1
    assert "cancelled" in page.status_label.text()
    assert page.start_button.isEnabled()


def test_stored_runs_reopen_after_restart(qtbot, tiny_ctx):
    from PySide6.QtCore import Qt

    from workbench.training.runner import train
    from workbench.ui.pages.train import TrainPage

    result = train(tiny_ctx.db, tiny_ctx.tiny_dataset_id, "mf", {"dim": 4, "patience": 0}, None, epochs=2)
    page = TrainPage(tiny_ctx)  # a fresh page, as after a restart
    qtbot.addWidget(page)
    assert page.runs_list.count() == 1
    item = page.runs_list.item(0)
    assert item.checkState() == Qt.CheckState.Checked  # the newest run is drawn on first show
    x, _ = page.curves.series(result.run_id).items["train"].getData()
    assert list(x) == [1.0, 2.0]
    item.setCheckState(Qt.CheckState.Unchecked)
    assert not page.curves.series(result.run_id).items["train"].isVisible()
