"""The curve widget's public API: runs added, re-keyed, hidden, removed; the best-epoch marker."""

from __future__ import annotations

import numpy as np
import pytest


def test_curves_api_adds_rekeys_and_removes_runs(qtbot):
    from workbench.ui.curves import TrainingCurves

    curves = TrainingCurves()
    qtbot.addWidget(curves)
    curves.add_run(-1, "new mf run", "rating", "MSE")
    for epoch, metric in ((1, 1.10), (2, 0.95), (3, 0.99)):
        curves.add_epoch(-1, epoch, 1.0 / epoch, None, metric, "rmse")  # rmse: lower is better
    curves.add_batch(-1, 1, 5, 10, 2.0)
    assert curves.best_epoch(-1) == 2
    x, y = curves.curve_data(-1, "best")
    assert list(x) == [2.0] and y[0] == pytest.approx(0.95)
    colour = curves.run_colour(-1)
    curves.rekey_run(-1, 7, "run 7 · mf")  # the stored id arrives: same points, same colour
    assert curves.run_ids() == [7] and not curves.has_run(-1)
    assert curves.run_colour(7) == colour and curves.run_label(7) == "run 7 · mf"
    assert curves.epochs(7) == [1, 2, 3] and curves.last_epoch(7) == 3
    assert len(curves.curve_data(7, "batch")[0]) == 1
    assert curves.run_objective(7) == "rating" and curves.shown_objectives() == ["rating"]
    curves.add_run(8, "run 8 · bpr", "ranking")
    curves.set_history(8, [{"epoch": 1, "train_loss": 0.7, "valid_metric": 0.1, "metric_name": "ndcg@10",
                            "is_best": True}, {"epoch": 2, "train_loss": 0.6, "valid_metric": 0.2,
                                               "metric_name": "ndcg@10", "is_best": False}])
    assert curves.best_epoch(8) == 1  # the stored flag wins over "higher is better"
    assert curves.run_colour(8) != colour
    curves.set_run_visible(7, False)
    assert not curves.is_run_visible(7) and curves.legend_entries() == ["run 8 · bpr"]
    curves.remove_run(8)
    assert curves.run_ids() == [7]
    with pytest.raises(ValueError):
        curves.add_run(9, "x", "sideways")  # an objective without a row of plots
    curves.clear()
    assert curves.run_ids() == [] and curves.legend_entries() == []
    assert np.all(np.isfinite(y))


def test_a_stored_rating_run_gets_the_rating_row_in_chinese_too(qtbot, qapp, app_context):
    """The row comes from the run's objective, not from its loss label (translated, it says no "rating")."""
    from tests.ui.helpers import add_small_dataset
    from workbench.training.runner import train
    from workbench.ui.i18n import install_language
    from workbench.ui.pages.train import TrainPage

    dataset_id = add_small_dataset(app_context.db)
    rating, ranking = (train(app_context.db, dataset_id, "mf", {"dim": 4, "objective": objective}, None,
                             epochs=1).run_id for objective in ("rating", "ranking"))
    assert install_language("zh_CN", qapp)
    try:
        page = TrainPage(app_context)
        qtbot.addWidget(page)
        for run_id in (rating, ranking):
            page.run_list.set_ticked(run_id, True)
        assert page.curves.run_objective(rating) == "rating"
        assert page.curves.run_objective(ranking) == "ranking"
        assert page.curves.shown_objectives() == ["ranking", "rating"]
    finally:
        install_language("en", qapp)
