"""Tune page: real widgets, real SQLite, a real search on a tiny dataset: start, watch, cancel, resume."""

from __future__ import annotations

import optuna
import pytest
from optuna.trial import TrialState

from tests.ui.helpers import add_small_dataset


@pytest.fixture
def tiny_ctx(app_context):
    app_context.tiny_dataset_id = add_small_dataset(app_context.db)
    app_context.datasets_changed.emit()
    return app_context


def test_a_trial_arrives_on_the_plot_then_cancel_then_resume(qtbot, tiny_ctx):
    from workbench.tuning.storage import open_storage
    from workbench.ui.pages.tune import TunePage

    page = TunePage(tiny_ctx)
    qtbot.addWidget(page)
    page.set_families(["bpr"])
    page.trials_spin.setValue(200)  # far more than the test waits for: it must be cancelled
    page.ranges_edit.setText("dim=8 epochs=30 patience=0")
    assert page.selected_families() == ["bpr"]

    with qtbot.waitSignal(page.trial_plotted, timeout=60_000) as first:
        page.start_search()
        assert page.is_running and not page.start_button.isEnabled() and page.cancel_button.isEnabled()
    family, number = first.args
    assert (family, number) == ("bpr", 0)
    assert page.history_points() >= 1
    assert page.trials_table.rowCount() >= 1 and page.trials_table.item(0, 0).text() == "bpr"

    with qtbot.waitSignal(page.search_cancelled, timeout=60_000):
        page.cancel_search()
    assert not page.is_running and page.start_button.isEnabled()
    search = page.search
    assert search is not None
    storage = open_storage(tiny_ctx.db)
    study = optuna.load_study(study_name=f"{search}/bpr", storage=storage)
    trials = study.get_trials(deepcopy=False)
    assert not [t for t in trials if t.state == TrialState.RUNNING]
    finished = [t for t in trials if t.state.is_finished()]
    assert len(finished) < 200
    # the stored search is listed and can be resumed; its ranking and importances are read back
    with qtbot.waitSignal(page.view_loaded, timeout=30_000):
        page.refresh_searches()
        page.searches_list.setCurrentRow(0)
        page.load_view()
    assert page.searches_list.currentItem().data(0x0100) == search
    assert page.ranking_table.rowCount() == 1 and page.ranking_table.item(0, 1).text() == "bpr"
    assert page.resume_button.isEnabled()

    cancelled = [t.number for t in trials if t.state == TrialState.FAIL and t.user_attrs.get("cancelled")]
    with qtbot.waitSignal(page.trial_plotted, timeout=60_000):
        page.resume_selected()
    with qtbot.waitSignal(page.search_cancelled, timeout=60_000):
        page.cancel_search()
    trials = optuna.load_study(study_name=f"{search}/bpr", storage=storage).get_trials(deepcopy=False)
    numbers = [t.number for t in trials]
    assert len(numbers) == len(set(numbers)) and len(trials) > len(finished)
    # the trial the first cancel interrupted was trained again by the resume, with the same settings
    for number in cancelled:
        retry = [t for t in trials if t.system_attrs.get("failed_trial") == number]
        assert len(retry) == 1 and retry[0].params == trials[number].params


def test_stored_search_shows_ranking_importances_and_opens_its_model(qtbot, tiny_ctx):
    from workbench.tuning.study import SearchRequest, run_search
    from workbench.ui.pages.tune import TunePage

    result = run_search(tiny_ctx.db, SearchRequest(dataset=tiny_ctx.tiny_dataset_id,
                                                   families=("ease", "itemknn"), n_trials=4))
    page = TunePage(tiny_ctx)
    qtbot.addWidget(page)
    with qtbot.waitSignal(page.view_loaded, timeout=30_000):
        page.refresh_searches()
        page.searches_list.setCurrentRow(0)
    assert page.search == result.search
    assert page.history_points() == 8
    assert page.ranking_table.rowCount() == 2
    assert page.ranking_table.item(0, 1).text() == result.families[0].family
    assert page.ranking_table.item(0, 8).text() == str(result.families[0].final_model_id)
    # which trial was trained, and why, for each family
    top = result.families[0]
    assert page.ranking_table.item(0, 9).text().startswith(str(top.chosen_trial))
    assert top.note and page.ranking_table.item(0, 9).toolTip() == top.note
    assert f"{top.family}: {top.note}" in page.selection_label.text()
    assert page.open_models_button.isEnabled() and page.train_best_button.isEnabled()
    page.view_family_combo.setCurrentText("itemknn")
    assert {page.param_combo.itemText(i) for i in range(page.param_combo.count())} == {"neighbours",
                                                                                       "shrinkage"}
    shown: list[str] = []
    tiny_ctx.page_requested.connect(shown.append)
    page.open_in_models()
    assert shown == ["Models"]
