"""EASE's closed form, plain and with emphasised dropout (EDLAE), against a direct solve."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from workbench.models.common import ease_weights


def _direct(x: np.ndarray, l2: float, dropout: float) -> np.ndarray:
    gram = x.T @ x
    penalty = l2 + (dropout / (1 - dropout)) * np.diag(gram)
    p = np.linalg.inv(gram + np.diag(penalty))
    b = -p / np.diag(p)[None, :]
    np.fill_diagonal(b, 0.0)
    return b


@pytest.mark.parametrize("dropout", [0.0, 0.33, 0.5])
def test_ease_weights_equal_the_direct_solve(dropout: float) -> None:
    rng = np.random.default_rng(3)
    x = (rng.random((80, 25)) < 0.2).astype(np.float64)
    got = ease_weights(sp.csr_matrix(x), 10.0, dropout=dropout).numpy()
    np.testing.assert_allclose(got, _direct(x, 10.0, dropout), rtol=1e-3, atol=1e-5)


def test_the_ease_family_reads_its_dropout_setting_and_tuning_searches_it() -> None:
    from tests.planted import planted
    from workbench.models.registry import create_model
    from workbench.tuning.space import default_space

    data = planted(n_users=40, n_items=20, per_user=6, seed=2).interactions()
    x = data.to_csr(binary=True).toarray().astype(np.float64)
    model = create_model("ease", {"l2": 5.0, "dropout": 0.5})
    model.fit_all(data)
    users = np.arange(data.n_users)
    expected = x @ _direct(x, 5.0, 0.5)
    np.testing.assert_allclose(model.score(users), expected, rtol=1e-3, atol=1e-4)
    assert "dropout" in {p.name for p in default_space("ease")}
