"""The sampled softmax with log-Q correction agrees with the full softmax in expectation."""

from __future__ import annotations

import torch
import torch.nn.functional as F

from workbench.models.sampled import candidate_log_q, sampled_softmax_loss


def _setup(seed: int = 0):
    gen = torch.Generator().manual_seed(seed)
    n_items, dim, batch = 12, 4, 8
    items = torch.randn(n_items, dim, generator=gen)
    queries = torch.randn(batch, dim, generator=gen)
    counts = torch.tensor([40.0, 20, 10, 8, 6, 5, 4, 3, 2, 1, 1, 1])  # popular head, long tail
    return gen, items, queries, counts


def test_gradient_matches_full_softmax_in_expectation() -> None:
    gen, items, queries, counts = _setup()
    batch, n_uniform = len(queries), 400
    log_q = candidate_log_q(counts, batch, n_uniform)
    full_grad = torch.zeros_like(queries)
    sampled_grad = torch.zeros_like(queries)
    draws = 300
    for _ in range(draws):
        pos = torch.multinomial(counts, batch, replacement=True, generator=gen)
        neg = torch.randint(0, len(items), (n_uniform,), generator=gen)
        q = queries.clone().requires_grad_(True)
        F.cross_entropy(q @ items.T, pos, reduction="sum").backward()
        full_grad += q.grad
        q = queries.clone().requires_grad_(True)
        loss = sampled_softmax_loss(q, pos, items[pos], neg, items[neg], log_q) * batch
        loss.backward()
        sampled_grad += q.grad
    err = (sampled_grad - full_grad).norm() / full_grad.norm()
    assert err < 0.1, f"sampled gradient is {err:.3f} away from the full softmax gradient"


def test_without_correction_the_estimate_is_biased() -> None:
    # the same estimator without log-Q (a zero correction) drifts toward popular items: the test above
    # would not pass by accident
    gen, items, queries, counts = _setup(1)
    batch, n_uniform = len(queries), 4
    full_grad = torch.zeros_like(queries)
    biased_grad = torch.zeros_like(queries)
    for _ in range(300):
        pos = torch.multinomial(counts, batch, replacement=True, generator=gen)
        neg = torch.randint(0, len(items), (n_uniform,), generator=gen)
        q = queries.clone().requires_grad_(True)
        F.cross_entropy(q @ items.T, pos, reduction="sum").backward()
        full_grad += q.grad
        q = queries.clone().requires_grad_(True)
        loss = sampled_softmax_loss(q, pos, items[pos], neg, items[neg], torch.zeros(len(items)))
        (loss * batch).backward()
        biased_grad += q.grad
    assert (biased_grad - full_grad).norm() / full_grad.norm() > 0.2


def test_accidental_hits_and_weights() -> None:
    items = torch.eye(3)
    query = torch.tensor([[5.0, 0.0, 0.0], [0.0, 5.0, 0.0]])
    pos = torch.tensor([0, 0])  # both examples have item 0: neither is the other's negative
    log_q = torch.zeros(3)
    loss = sampled_softmax_loss(query, pos, items[pos], None, None, log_q)
    assert torch.isclose(loss, torch.tensor(0.0), atol=1e-6)
    neg = torch.tensor([1, 2])
    weighted = sampled_softmax_loss(query, pos, items[pos], neg, items[neg], log_q,
                                    weight=torch.tensor([1.0, 0.0]))
    only_first = sampled_softmax_loss(query[:1], pos[:1], items[pos[:1]], neg, items[neg], log_q)
    assert torch.isclose(weighted, only_first, atol=1e-6)
