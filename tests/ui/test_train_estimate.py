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
