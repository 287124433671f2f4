"""Every metric against values worked out by hand (the arithmetic is in the comments)."""

from __future__ import annotations

import math

import numpy as np
import pytest
import scipy.sparse as sp

from workbench.evaluation import metrics as m

# Three users, K = 4, catalogue of 10 items; -1 pads a list shorter than K.
TOP = np.array([[3, 1, 4, -1],
                [2, 5, 6, 0],
                [0, 1, 2, 3]])
RELEVANT = {0: [1, 4, 7], 1: [2], 2: [9]}
N_REL = np.array([3, 1, 1])


def relevant_csr() -> sp.csr_matrix:
    rows = [u for u, items in RELEVANT.items() for _ in items]
    cols = [i for items in RELEVANT.values() for i in items]
    return sp.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(3, 10))


@pytest.fixture
def hits() -> np.ndarray:
    return m.hit_matrix(TOP, relevant_csr())


def test_hit_matrix(hits: np.ndarray) -> None:
    # user 0: 3 no, 1 yes, 4 yes, pad no; user 1: 2 yes; user 2: nothing relevant in the list
    assert hits.tolist() == [[False, True, True, False],
                             [True, False, False, False],
                             [False, False, False, False]]


def test_hit_matrix_padding_never_hits_previous_users_last_item() -> None:
    # key u * n_items + (-1) would equal (u-1, n_items-1): padding must be masked explicitly
    rel = sp.csr_matrix((np.ones(1), ([0], [9])), shape=(2, 10))
    assert m.hit_matrix(np.array([[0], [-1]]), rel).tolist() == [[False], [False]]


def test_precision(hits: np.ndarray) -> None:
    # 2/4, 1/4, 0/4 (K stays 4 although user 0 got only 3 items)
    np.testing.assert_allclose(m.precision_at_k(hits), [0.5, 0.25, 0.0])


def test_recall(hits: np.ndarray) -> None:
    # hits / |rel|: 2/3, 1/1, 0/1
    np.testing.assert_allclose(m.recall_at_k(hits, N_REL), [2 / 3, 1.0, 0.0])


def test_ndcg(hits: np.ndarray) -> None:
    # user 0: DCG = 1/log2(3) + 1/log2(4) = 0.630930 + 0.5 = 1.130930;
    #         IDCG (3 relevant, K=4) = 1 + 0.630930 + 0.5 = 2.130930 -> 0.530721
    # user 1: hit at rank 1 -> DCG = IDCG = 1 -> 1.0; user 2: 0
    np.testing.assert_allclose(m.ndcg_at_k(hits, N_REL), [1.130930 / 2.130930, 1.0, 0.0], rtol=1e-6)


def test_ndcg_ideal_capped_at_k() -> None:
    # 5 relevant, K = 2, both slots hit: IDCG uses min(5, 2) = 2 ones -> NDCG = 1
    assert m.ndcg_at_k(np.array([[True, True]]), np.array([5]))[0] == pytest.approx(1.0)


def test_average_precision(hits: np.ndarray) -> None:
    # user 0: hits at ranks 2, 3: (P@2 + P@3) / min(3, 4) = (1/2 + 2/3) / 3 = 0.388889
    # user 1: P@1 * 1 / min(1, 4) = 1; user 2: 0
    np.testing.assert_allclose(m.average_precision_at_k(hits, N_REL), [(0.5 + 2 / 3) / 3, 1.0, 0.0])


def test_average_precision_denominator_capped_at_k() -> None:
    # 5 relevant, K = 2, hit at rank 2 only: P@2 * 1 / min(5, 2) = 0.5 / 2 = 0.25
    assert m.average_precision_at_k(np.array([[False, True]]), np.array([5]))[0] == pytest.approx(0.25)


def test_reciprocal_rank_and_hit_rate(hits: np.ndarray) -> None:
    # first hits at ranks 2, 1, none
    np.testing.assert_allclose(m.reciprocal_rank_at_k(hits), [0.5, 1.0, 0.0])
    np.testing.assert_allclose(m.hit_rate_at_k(hits), [1.0, 1.0, 0.0])


def test_coverage() -> None:
    # distinct recommended items {0,1,2,3,4,5,6} = 7 of 10
    assert m.catalogue_coverage(TOP, 10) == pytest.approx(0.7)


def test_novelty() -> None:
    # 4 training users; items seen by 4, 2, 1, 0 of them: -log2(4/4)=0, -log2(2/4)=1, -log2(1/4)=2,
    # and the unseen item counts as seen once: 2
    info = m.item_self_information(np.array([4, 2, 1, 0]), 4)
    np.testing.assert_allclose(info, [0.0, 1.0, 2.0, 2.0])
    # lists [0, 1, pad] -> (0 + 1) / 2 = 0.5; [2, 3] -> 2; [pad, pad] -> NaN
    nov = m.novelty_at_k(np.array([[0, 1, -1], [2, 3, -1], [-1, -1, -1]]), info)
    np.testing.assert_allclose(nov[:2], [0.5, 2.0])
    assert math.isnan(nov[2])


def test_intra_list_diversity() -> None:
    cats = m.category_matrix([["A", "B"], ["B"], ["C"], []])
    assert cats.shape == (4, 3)
    top = np.array([[0, 1, 2], [1, 3, -1], [3, 3, -1], [0, -1, -1]])
    ild = m.intra_list_diversity(top, cats)
    # [0,1,2]: d(0,1) = 1 - 1/2 = 0.5, d(0,2) = 1 - 0/3 = 1, d(1,2) = 1 - 0/2 = 1 -> 2.5 / 3
    # [1,3]: {B} vs {} -> 1 - 0/1 = 1;  [3,3]: both empty -> distance 0;  [0]: one item -> NaN
    np.testing.assert_allclose(ild[:3], [2.5 / 3, 1.0, 0.0])
    assert math.isnan(ild[3])


def test_rmse_mae() -> None:
    # errors -1, 0, 2: RMSE = sqrt(5/3) = 1.290994, MAE = 3/3 = 1
    assert m.rmse(np.array([3, 4, 5]), np.array([4, 4, 3])) == pytest.approx(math.sqrt(5 / 3))
    assert m.mae(np.array([3, 4, 5]), np.array([4, 4, 3])) == pytest.approx(1.0)
    assert math.isnan(m.rmse(np.array([]), np.array([])))
