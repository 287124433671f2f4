"""Helpers shared by the model families: positives, seen-item matrices and their persistence."""

from __future__ import annotations

from typing import Any

import numpy as np
import scipy.sparse as sp
import torch

from workbench.core.ids import IdMap
from workbench.core.interactions import Interactions
from workbench.core.progress import CancelToken
from workbench.errors import WorkbenchError


def positive_mask(train: Interactions, threshold: float) -> np.ndarray:
    """Which interactions count as positives for ranking: all, or ratings >= ``threshold`` when > 0."""
    if threshold > 0 and train.is_explicit:
        return train.values >= threshold
    return np.ones(len(train), dtype=bool)


def positives(train: Interactions, threshold: float) -> Interactions:
    """The positive interactions; raises ``TrainingError``-like ``WorkbenchError`` when none remain."""
    mask = positive_mask(train, threshold)
    if not mask.any():
        raise WorkbenchError(f"no training interactions reach positive_threshold={threshold}")
    return train.subset(mask)


def seen_matrix(train: Interactions) -> sp.csr_matrix:
    """Binary users x items CSR of everything in training (what ``exclude_seen`` hides)."""
    csr = train.to_csr(binary=True)
    csr.data[:] = 1.0
    csr.sort_indices()
    return csr


def csr_to_tensors(prefix: str, matrix: sp.csr_matrix) -> dict[str, torch.Tensor]:
    """A CSR as index tensors (values dropped when all ones) for safetensors."""
    matrix = matrix.tocsr()
    out = {
        f"{prefix}.indptr": torch.from_numpy(matrix.indptr.astype(np.int64)),
        f"{prefix}.indices": torch.from_numpy(matrix.indices.astype(np.int64)),
    }
    if matrix.nnz and not np.all(matrix.data == 1.0):
        out[f"{prefix}.data"] = torch.from_numpy(matrix.data.astype(np.float32))
    return out


def csr_from_tensors(prefix: str, tensors: dict[str, torch.Tensor], shape: tuple[int, int]) -> sp.csr_matrix:
    """Inverse of ``csr_to_tensors``."""
    indptr = tensors[f"{prefix}.indptr"].numpy()
    indices = tensors[f"{prefix}.indices"].numpy()
    data_t = tensors.get(f"{prefix}.data")
    data = data_t.numpy() if data_t is not None else np.ones(len(indices), dtype=np.float32)
    return sp.csr_matrix((data, indices, indptr), shape=shape)


def id_maps(users: list[str], items: list[str]) -> tuple[IdMap, IdMap]:
    return IdMap(tuple(users)), IdMap(tuple(items))


def config_dict(config: Any) -> dict[str, Any]:
    """JSON-safe dict of a config dataclass (tuples become lists)."""
    import dataclasses

    return {k: list(v) if isinstance(v, tuple) else v for k, v in dataclasses.asdict(config).items()}


def user_history_vector(n_items: int, item_rows: np.ndarray, values: np.ndarray | None) -> np.ndarray:
    """Dense 1 x n_items row for a new user's history (ones unless values given)."""
    row = np.zeros(n_items, dtype=np.float32)
    item_rows = np.asarray(item_rows, dtype=np.int64)
    if (item_rows < 0).any() or (item_rows >= n_items).any():
        raise WorkbenchError("fold-in history contains unknown item rows")
    row[item_rows] = 1.0 if values is None else np.asarray(values, dtype=np.float32)
    return row


def ease_weights(x: sp.csr_matrix, l2: float, cancel: CancelToken | None = None,
                 dropout: float = 0.0) -> torch.Tensor:
    """EASE's item-item weights (zero diagonal) for binary users x items ``x``, in float32: at the peak the
    Gram matrix, its Cholesky factor and the inverse (3 n^2 floats, the Gram matrix freed once factored).

    ``dropout`` p > 0 adds ``p / (1 - p)`` times each item's own count to its penalty: the closed form of
    training with items dropped out of the input (EDLAE, Steck 2020), which keeps popular items from
    reconstructing themselves through their neighbours."""
    n = x.shape[1]
    gram = np.empty((n, n), dtype=np.float32)
    xc = x.tocsc().astype(np.float32)
    xt = xc.T.tocsr()
    step = max(1, (1 << 24) // max(1, n))
    for s in range(0, n, step):  # dense Gram matrix a block of columns at a time (its sparse form can be
        if cancel is not None:   # larger than the dense one)
            cancel.raise_if_cancelled()
        gram[:, s:s + step] = (xt @ xc[:, s:s + step]).toarray()
    diagonal = np.diag_indices(n)
    gram[diagonal] += l2 + (dropout / (1.0 - dropout)) * gram[diagonal] if dropout > 0 else l2
    g = torch.from_numpy(gram)
    # The penalised Gram matrix is symmetric positive definite: a Cholesky inverse costs half the flops of
    # a general one (the minutes a 10K-item catalogue waits); LU only where float32 rounding breaks it.
    factor, info = torch.linalg.cholesky_ex(g)
    if int(info) == 0:
        del g, gram
        p = torch.cholesky_inverse(factor)
        del factor
    else:
        del factor
        p = torch.linalg.inv(g)
        del g, gram
    diag = torch.diagonal(p).clone()
    p.div_(-diag[None, :])
    p.fill_diagonal_(0.0)
    # LAPACK may return the inverse column-major: row-major weights score the same before and after a
    # save (a matrix product's rounding depends on the layout)
    return p.contiguous()
