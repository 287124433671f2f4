"""Top-N of a model with seen items masked: the one function behind ``recommend``, exports and the GUI
(the masking and ranking themselves are ``workbench.evaluation.ranking``'s, shared with evaluation).

Scores are computed for a block of users at once; the blocks callers pass are sized by ``user_chunk`` so
that the dense ``users x items`` score block stays within a fixed memory budget whatever the catalogue.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import scipy.sparse as sp
import torch

from workbench.evaluation.ranking import mask_unrankable, top_n_of_scores

if TYPE_CHECKING:
    from workbench.models.base import Recommender

#: bytes of the dense float32 score block of one chunk of users (chunk x n_items x 4)
SCORE_BLOCK_BYTES = 256 * 2**20
#: upper bound of a chunk, so progress and cancel checks stay frequent on small catalogues
MAX_USER_CHUNK = 4096


def user_chunk(n_items: int, budget_bytes: int = SCORE_BLOCK_BYTES) -> int:
    """Users per scoring block so that ``chunk x n_items`` float32 scores stay within ``budget_bytes``."""
    return int(max(1, min(MAX_USER_CHUNK, budget_bytes // max(1, 4 * n_items))))


def top_n(model: Recommender, user_rows: np.ndarray, n: int, exclude_seen: bool = True,
          known: sp.csr_matrix | None = None) -> tuple[np.ndarray, np.ndarray]:
    """(item rows, scores), each ``(len(user_rows), n)``, best first; -1 / NaN pad short lists.

    With ``exclude_seen`` the model's training items (``model.seen``) and ``known`` (users x items of the
    model's rows, e.g. everything the users have in the dataset) are masked before ranking. NaN scores
    count as -inf and are never returned; ties keep the lower item row first.
    """
    user_rows = np.asarray(user_rows, dtype=np.int64)
    scores = torch.from_numpy(np.asarray(model.score(user_rows), dtype=np.float32))
    if exclude_seen:
        for mask in (model.seen, known):
            if mask is not None:
                scores = mask_unrankable(scores, sp.csr_matrix(mask)[user_rows])
    return top_n_of_scores(scores.numpy(), n)
