"""Bayesian matrix factorisation by Gibbs sampling (Salakhutdinov & Mnih 2008), the MF family's
``solver="gibbs"``.

Ratings minus their mean are modelled as user . item plus Gaussian noise; user and item factors have
Gaussian priors whose means and precisions are themselves drawn (Normal-Wishart hyper-priors), so there is
no learning rate or L2 weight to choose. Each sweep draws every item's factors given the users', then
every user's given the items'. Predictions average the samples after a burn-in: each kept sample stores the
users' *conditional means* with the item draw they were computed from (Rao-Blackwellised: the same
expectation with less noise), and the average of ``S`` kept samples is one plain dot product of their
concatenations scaled by ``1/sqrt(S)``, so the fitted model is an ordinary MF module.

Cost per sweep: one ``d x d`` outer product per rating and one ``d x d`` Cholesky solve per user and item,
computed in blocks of rows so temporary memory stays bounded.
"""

from __future__ import annotations

import math

import numpy as np
import torch

#: padded rating factors held at once while one side is sampled (float64 elements: 64 MB)
BLOCK_ELEMENTS = 1 << 23


def noise_precision(values: np.ndarray) -> float:
    """Precision of the rating noise: the noise variance is taken as 40% of the ratings' variance (2.0 on
    MovieLens' 1-5 stars, the value the BPMF paper uses), so other rating scales need no setting."""
    var = float(np.var(values)) if len(values) > 1 else 1.0
    return 1.0 / max(0.4 * var, 1e-6)


def _wishart(nu: float, scale: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """One Wishart(nu, scale) draw by the Bartlett decomposition."""
    d = scale.shape[0]
    chol = np.linalg.cholesky(scale)
    a = np.tril(rng.standard_normal((d, d)), -1)
    a[np.diag_indices(d)] = np.sqrt(rng.chisquare(nu - np.arange(d)))
    la = chol @ a
    return la @ la.T


def sample_hyper(x: torch.Tensor, rng: np.random.Generator, beta0: float = 2.0
                 ) -> tuple[torch.Tensor, torch.Tensor]:
    """(mean, precision) of the rows' Gaussian prior, drawn from its Normal-Wishart posterior given the
    rows ``x`` (prior: mean 0, beta0, nu0 = d, W0 = I)."""
    xs = x.detach().cpu().double().numpy()
    n, d = xs.shape
    mean = xs.mean(0)
    centred = xs - mean
    spread = centred.T @ centred / max(n, 1)
    beta, nu = beta0 + n, d + n
    w_inv = np.eye(d) + n * spread + (beta0 * n / beta) * np.outer(mean, mean)
    w = np.linalg.inv(w_inv)
    lam = _wishart(nu, (w + w.T) / 2, rng)
    cov = np.linalg.inv(beta * lam)
    mu = n * mean / beta + np.linalg.cholesky((cov + cov.T) / 2) @ rng.standard_normal(d)
    return torch.from_numpy(mu), torch.from_numpy(lam)


class RowsCsr:
    """One side's ratings grouped by row: row pointers, the other side's rows, residual ratings."""

    def __init__(self, rows: np.ndarray, cols: np.ndarray, residuals: np.ndarray, n_rows: int) -> None:
        order = np.argsort(rows, kind="stable")
        counts = np.bincount(rows, minlength=n_rows)
        self.indptr = np.zeros(n_rows + 1, dtype=np.int64)
        np.cumsum(counts, out=self.indptr[1:])
        self.cols = torch.from_numpy(np.ascontiguousarray(cols[order], dtype=np.int64))
        self.res = torch.from_numpy(np.ascontiguousarray(residuals[order], dtype=np.float64))
        self.n_rows = n_rows


class GibbsChain:
    """The sampler's state on one training set; ``sweep`` draws items then users."""

    def __init__(self, users: np.ndarray, items: np.ndarray, residuals: np.ndarray, n_users: int,
                 n_items: int, dim: int, alpha: float, seed: int) -> None:
        self.by_user = RowsCsr(users, items, residuals, n_users)
        self.by_item = RowsCsr(items, users, residuals, n_items)
        self.alpha = alpha
        self.rng = np.random.default_rng(seed)
        self.gen = torch.Generator().manual_seed(seed)
        self.user = 0.1 * torch.randn(n_users, dim, generator=self.gen, dtype=torch.float64)
        self.item = 0.1 * torch.randn(n_items, dim, generator=self.gen, dtype=torch.float64)
        self.user_mean = self.user.clone()

    def sweep(self) -> None:
        mu, lam = sample_hyper(self.item, self.rng)
        self.item, _ = sample_rows(self.by_item, self.user, mu, lam, self.alpha, self.gen)
        mu, lam = sample_hyper(self.user, self.rng)
        self.user, self.user_mean = sample_rows(self.by_user, self.item, mu, lam, self.alpha, self.gen)

    def kept_sample(self) -> tuple[torch.Tensor, torch.Tensor]:
        """(users' conditional means, items' draw) of this sweep, as float32."""
        return self.user_mean.float(), self.item.float()


def kept_sweeps(sweeps: int, kept: int) -> list[int]:
    """The sweeps (1-based) whose samples the model keeps: ``kept`` of them, evenly after a burn-in of the
    first fifth, the last sweep always among them."""
    burn = sweeps // 5
    after = sweeps - burn
    k = max(1, min(kept, after))
    step = after / k
    return sorted({sweeps - math.floor(j * step) for j in range(k)})


def averaged_factors(samples: list[tuple[torch.Tensor, torch.Tensor]]) -> tuple[torch.Tensor, torch.Tensor]:
    """Concatenated factors whose dot product is the mean of the samples' dot products."""
    scale = 1.0 / math.sqrt(len(samples))
    return (torch.cat([u for u, _ in samples], dim=1) * scale,
            torch.cat([v for _, v in samples], dim=1) * scale)


def _length_buckets(counts: np.ndarray, d: int) -> list[tuple[np.ndarray, int]]:
    """(rows, padded length) groups of rows whose rating counts are within 2x of each other, each small
    enough that its padded factors fit ``BLOCK_ELEMENTS``: padding wastes at most half a group."""
    order = np.argsort(counts, kind="stable")
    ranked = counts[order]
    out, k = [], 0
    while k < len(order):
        end = max(int(np.searchsorted(ranked, 2 * max(1, int(ranked[k])), side="right")), k + 1)
        end = min(end, k + max(1, BLOCK_ELEMENTS // (max(1, int(ranked[end - 1])) * d)))
        length = max(1, int(ranked[end - 1]))
        out.append((order[k:end], length))
        k = end
    return out


def sample_rows(side: RowsCsr, other: torch.Tensor, mu: torch.Tensor, lam: torch.Tensor, alpha: float,
                gen: torch.Generator) -> tuple[torch.Tensor, torch.Tensor]:
    """(draw, conditional mean) of every row's factors given the other side's factors ``other``.

    Rows are taken in groups of similar rating counts, their ratings' factors padded into one tensor, so
    each row's Gram matrix is one batched matrix product (about 6x faster than summing outer products
    per rating)."""
    d = other.shape[1]
    draw = torch.empty(side.n_rows, d, dtype=torch.float64)
    cond = torch.empty_like(draw)
    prior = lam @ mu
    counts = np.diff(side.indptr)
    for rows, length in _length_buckets(counts, d):
        starts = torch.from_numpy(side.indptr[rows])
        lens = torch.from_numpy(counts[rows])
        slots = torch.arange(length)
        real = slots[None, :] < lens[:, None]
        if len(side.cols):
            pos = torch.where(real, starts[:, None] + slots[None, :], 0)
            v, res = other[side.cols[pos]] * real[..., None], side.res[pos] * real
        else:  # no ratings at all: every row is drawn from the prior
            v, res = other.new_zeros(len(rows), length, d), other.new_zeros(len(rows), length)
        a = torch.bmm(v.transpose(1, 2), v)
        b = torch.bmm(v.transpose(1, 2), res[..., None])[..., 0]
        precision = lam[None] + alpha * a
        chol = torch.linalg.cholesky(precision)
        mean = torch.cholesky_solve((alpha * b + prior[None])[..., None], chol)[..., 0]
        z = torch.randn(len(rows), d, 1, generator=gen, dtype=torch.float64)
        at = torch.from_numpy(rows)
        draw[at] = mean + torch.linalg.solve_triangular(chol.transpose(1, 2), z, upper=True)[..., 0]
        cond[at] = mean
    return draw, cond
