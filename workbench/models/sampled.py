"""Sampled softmax with a log-Q correction (Yi et al., RecSys 2019): the ranking loss whose cost per sample
does not grow with the catalogue.

A full softmax scores every item of the catalogue for every training example, which is what makes a
100K-item shop slow. Here each example's positive competes with the other examples' positives (in-batch
negatives, drawn in proportion to popularity) and with a shared set of uniformly drawn items. Subtracting
the log of each candidate's expected count among the candidates (``candidate_log_q``) removes the bias
toward popular items that in-batch sampling would otherwise add, so the loss agrees with the full softmax
in expectation as the number of negatives grows. Accidental hits (a candidate that is the example's own
positive item) are masked out.
"""

from __future__ import annotations

from typing import Any

import torch
import torch.nn.functional as F


def candidate_log_q(item_counts: torch.Tensor, batch_size: int, n_uniform: int) -> torch.Tensor:
    """Log of each item's expected number of occurrences among one batch's candidates.

    ``item_counts`` is how often each item is a positive in the training samples (in-batch candidates are
    drawn in that proportion); ``n_uniform`` items are drawn uniformly on top.
    """
    counts = item_counts.double()
    total = counts.sum().clamp(min=1.0)
    expected = batch_size * counts / total + n_uniform / max(len(counts), 1)
    return torch.log(expected.clamp(min=1e-12)).float()


def sampled_softmax_loss(query: torch.Tensor, pos_rows: torch.Tensor, pos_vecs: torch.Tensor,
                         neg_rows: torch.Tensor | None, neg_vecs: torch.Tensor | None,
                         log_q: torch.Tensor, *, pos_bias: torch.Tensor | None = None,
                         neg_bias: torch.Tensor | None = None, temperature: float = 1.0,
                         weight: torch.Tensor | None = None) -> torch.Tensor:
    """Mean cross-entropy of each example's positive against in-batch and uniform negatives.

    ``query`` (B, d): user or sequence vectors; ``pos_rows`` (B,) item rows of the positives and
    ``pos_vecs`` (B, d) their vectors; ``neg_rows`` (N,) and ``neg_vecs`` (N, d) the shared uniform
    negatives (may be None); ``log_q`` (n_items,) from ``candidate_log_q``; optional item biases added to
    the logits; ``weight`` (B,) per-example weights (e.g. 0 for padding positions).
    """
    rows = pos_rows if neg_rows is None else torch.cat([pos_rows, neg_rows])
    vecs = pos_vecs if neg_vecs is None else torch.cat([pos_vecs, neg_vecs])
    # per-candidate terms (bias, log-Q correction) enter the product itself: one pass over the
    # batch x candidates logits instead of one per term
    column = -log_q[rows]
    if pos_bias is not None:
        bias = pos_bias if neg_bias is None or neg_rows is None else torch.cat([pos_bias, neg_bias])
        column = column + bias
    scaled = query if temperature == 1.0 else query / temperature
    logits = torch.addmm(column[None, :], scaled, vecs.T)
    batch = len(pos_rows)
    target = torch.arange(batch, device=query.device)
    # the example's own item elsewhere among the candidates is not a negative. Masked in place and outside
    # autograd: the product's backward does not read its output, and the cross-entropy's gradient at a
    # -inf logit is already 0 (its softmax share), so recording the mask would only copy and zero a
    # batch x candidates gradient for nothing
    ex, cand = accidental_hits(pos_rows, rows)
    with torch.no_grad():
        logits.index_put_((ex, cand), torch.full((), float("-inf"), device=logits.device))
    losses = F.cross_entropy(logits, target, reduction="none")
    if weight is None:
        return losses.mean()
    return (losses * weight).sum() / weight.sum().clamp(min=1e-12)


def accidental_hits(pos_rows: torch.Tensor, rows: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """(example, candidate) index pairs where candidate ``rows[c]`` is example ``a``'s own positive
    ``pos_rows[a]`` and ``c != a`` (``rows`` starts with ``pos_rows``). Found through one sort of the
    candidates rather than a batch x candidates comparison: a step touches only the few hits."""
    ordered, perm = torch.sort(rows, stable=True)
    lo = torch.searchsorted(ordered, pos_rows)
    count = torch.searchsorted(ordered, pos_rows, right=True) - lo  # >= 1: the example's own column
    ex = torch.repeat_interleave(torch.arange(len(pos_rows), device=rows.device), count)
    first = torch.cumsum(count, 0) - count
    cand = perm[lo[ex] + torch.arange(len(ex), device=rows.device) - first[ex]]
    other = cand != ex
    return ex[other], cand[other]


class _CrossEntropy(torch.autograd.Function):
    """``F.cross_entropy(logits, target)`` (the mean) whose backward pass turns the saved log-softmax into
    the gradient in place (softmax minus the one-hot target, scaled): no batch x candidates table of zeros
    for the picked entries and no second table for the gradient. Its graph runs backward once."""

    @staticmethod
    def forward(ctx: Any, logits: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        log_p = torch.log_softmax(logits, 1)
        ctx.save_for_backward(log_p, target)
        return -log_p.gather(1, target[:, None]).mean()

    @staticmethod
    def backward(ctx: Any, grad: torch.Tensor) -> tuple[torch.Tensor, None]:
        log_p, target = ctx.saved_tensors
        out = log_p.exp_()
        out[torch.arange(len(target), device=target.device), target] -= 1.0
        return out.mul_(grad / len(target)), None


def distinct_sampled_softmax_loss(query: torch.Tensor, target: torch.Tensor, vecs: torch.Tensor,
                                  counts: torch.Tensor, column: torch.Tensor, *,
                                  temperature: float = 1.0) -> torch.Tensor:
    """``sampled_softmax_loss`` with each distinct candidate scored once: the same loss and gradients.

    ``query`` (B, d); ``vecs`` (C, d) the step's distinct candidates (positives and drawn negatives
    alike); ``target`` (B,) the column of each example's positive among them; ``counts`` (C,) how often
    each candidate occurs among the B positives and the drawn negatives; ``column`` (C,) per-candidate terms
    (item bias minus log-Q). A candidate occurring n times adds n equal terms to every other example's
    softmax denominator, so it is one column with log(n) added; an example's own positive counts once
    (its other occurrences are the accidental hits ``sampled_softmax_loss`` masks), so log(n) comes off
    again at its own column. Popular items recur in a batch: fewer columns, and no search for the hits.
    """
    log_n = counts.to(vecs.dtype).log()
    scaled = query if temperature == 1.0 else query / temperature
    logits = torch.addmm((column + log_n)[None, :], scaled, vecs.T)
    # outside autograd: a constant shift of some logits changes neither the product's backward (it does
    # not read its output) nor the cross-entropy's (it reads the shifted logits)
    with torch.no_grad():
        logits[torch.arange(len(target), device=target.device), target] -= log_n[target]
    return _CrossEntropy.apply(logits, target)
