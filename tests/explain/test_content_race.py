"""Explaining a content score while other jobs score the same (cached, shared) model.

The GUI keeps one loaded model per id and runs Recommend, what-if and Explain jobs on pool threads at
once; the words-and-categories attribution must not disturb the scores those jobs compute.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import numpy as np
from conftest import fitted_model

from workbench.explain import explain


def test_content_attribution_and_scoring_of_one_model_at_once_leave_scores_unchanged(planted) -> None:
    model = fitted_model("hybrid", planted)
    users = np.arange(len(model.users))
    description = ("a new film", "ships in space and a distant star", ["scifi"])
    expected_scores = model.score(users)
    expected_new = model.score_new_item(*description)  # encodes the item: reads the text encoder
    expected_words = [w.weight for w in explain(model, planted, "u0", "i3").words or []]
    start = threading.Barrier(4)
    done = threading.Event()

    def explain_repeatedly() -> list[list[float]]:
        start.wait()
        try:
            return [[w.weight for w in explain(model, planted, "u0", "i3").words or []] for _ in range(8)]
        finally:
            done.set()

    def score_repeatedly() -> int:
        start.wait()
        rounds = 0
        while not done.is_set() or rounds < 3:
            np.testing.assert_allclose(model.score(users), expected_scores, rtol=1e-6, atol=1e-6)
            np.testing.assert_allclose(model.score_new_item(*description), expected_new, rtol=1e-6, atol=1e-6)
            rounds += 1
        return rounds

    with ThreadPoolExecutor(max_workers=4) as pool:
        explaining = pool.submit(explain_repeatedly)
        scoring = [pool.submit(score_repeatedly) for _ in range(3)]
        words = explaining.result(timeout=300)
        assert all(job.result(timeout=300) >= 3 for job in scoring)
    for attempt in words:
        np.testing.assert_allclose(attempt, expected_words, rtol=1e-5, atol=1e-6)
