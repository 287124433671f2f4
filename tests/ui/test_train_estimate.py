"""The Train page's estimate line: shown before Start, follows the model and its settings, and warns
when the run would be refused for memory."""

from __future__ import annotations

from tests.ui.helpers import add_small_dataset


def test_estimate_follows_family_and_settings_and_warns_when_too_large(qtbot, app_context, monkeypatch):
    from workbench.core import memory
    from workbench.ui.pages.train import TrainPage

    app_context.tiny_dataset_id = add_small_dataset(app_context.db)
    page = TrainPage(app_context)
    qtbot.addWidget(page)
    page.refresh_datasets()
    page.set_family("bpr")
    label = page.estimate_label
    assert label.fits and "needs about" in label.text() and "free" in label.text()
    assert "per epoch" in label.text()
    small = label.text()
    page.settings.config_form.editor("dim").setValue(1024)  # a settings change updates the line
    assert label.text() != small
    page.set_family("ease")
    assert "needs about" in label.text() and "per epoch" in label.text()
    monkeypatch.setattr(memory, "free_memory_bytes", lambda: 1 << 20)
    page.set_family("hybrid")
    assert not label.fits and "Too large" in label.text() and "refused" in label.text()


def test_content_estimate_measures_the_item_texts_in_the_background(qtbot, app_context):
    from workbench.models.registry import family_class
    from workbench.store.datasets import get_dataset_info, load_item_content
    from workbench.training.resources import estimate, format_bytes
    from workbench.ui.pages.train import TrainPage

    dataset_id = add_small_dataset(app_context.db)
    page = TrainPage(app_context)
    qtbot.addWidget(page)
    page.refresh_datasets()
    page.set_family("content")
    label = page.estimate_label
    info = get_dataset_info(app_context.db, dataset_id)
    cls, size = family_class("content"), (info.n_users, info.n_items, info.n_interactions)
    settings = page.settings.model_settings()
    bound = format_bytes(estimate(cls, settings, *size).peak_bytes)
    measured = format_bytes(estimate(cls, settings, *size, load_item_content(app_context.db, dataset_id))
                            .peak_bytes)
    assert measured != bound  # a few short titles need far less than the bounds for any text
    # the line first shows the bounds, then what the run's own check will use, once the texts are read
    qtbot.waitUntil(lambda: f"needs about {measured}" in label.text(), timeout=15_000)
    page.settings.config_form.editor("dim").setValue(128)  # other settings reuse the measured texts
    assert page._shape_pending is None
    assert format_bytes(estimate(cls, page.settings.model_settings(), *size,
                                 load_item_content(app_context.db, dataset_id)).peak_bytes) in label.text()
