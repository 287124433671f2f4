"""The faster forms inside a training step compute what the plain forms compute: the text CNN as one
matrix product over windows, the lazy Adam of sparse embeddings, the distinct-item table of a step, and the
sampled softmax with its per-candidate terms folded into the product."""

from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F
from torch import nn

from workbench.models.content_base import ContentEncoderConfig, _ContentModule
from workbench.models.registry import create_model
from workbench.models.sampled import accidental_hits, distinct_sampled_softmax_loss, sampled_softmax_loss
from workbench.models.torch_base import LazyAdam, copy_rows


def _module(use_ids: bool = False) -> _ContentModule:
    meta = {"n_words": 50, "n_feats": 7, "n_items": 30, "n_users": 20, "mu": 0.0, "objective": "ranking"}
    torch.manual_seed(0)
    return _ContentModule(meta, ContentEncoderConfig(dim=8, word_dim=6, filters=5), use_ids=use_ids)


def test_window_cnn_equals_the_convolution_it_replaces() -> None:
    m = _module()
    gen = torch.Generator().manual_seed(1)
    tokens = torch.randint(1, 50, (9, 7), generator=gen)
    tokens[0, 3:] = 0  # short text
    tokens[1, :] = 0  # no words at all
    tokens[2, 6:] = 0
    words = m.words(tokens).detach().requires_grad_()
    reference = F.relu(m.conv(words.transpose(1, 2))).masked_fill((tokens == 0)[:, None, :], 0.0)
    expected = reference.max(dim=2).values
    weights = torch.randn(9, 5, generator=gen)  # an arbitrary loss of the encodings
    want = torch.autograd.grad((expected * weights).sum(), [words, m.conv.weight, m.conv.bias])
    got = m._encode_cnn(tokens, words)
    assert torch.allclose(got, expected, atol=1e-6)
    assert torch.equal(got[1], torch.zeros(5))  # an empty text encodes to nothing
    # the same gradients for the words and the convolution's own weights (checkpoints keep their layout),
    # none reaching padding outside every real word's window
    grads = torch.autograd.grad((got * weights).sum(), [words, m.conv.weight, m.conv.bias])
    for g, w in zip(grads, want, strict=True):
        assert torch.allclose(g, w, atol=1e-6)
    assert float(grads[1].abs().sum()) > 0
    assert float(grads[0][1].abs().sum()) == 0.0 and float(grads[0][0, 4:].abs().sum()) == 0.0


@pytest.mark.parametrize("length", [1, 2, 6])
def test_word_windows_and_their_gradient(length: int) -> None:
    from workbench.models.content_base import _Windows

    gen = torch.Generator().manual_seed(17)
    words = torch.randn(3, length, 4, generator=gen, dtype=torch.double, requires_grad=True)
    padded = F.pad(words, (0, 0, 1, 1))
    expected = torch.cat([padded[:, k:k + length] for k in range(3)], dim=2)
    assert torch.equal(_Windows.apply(words), expected)
    assert torch.autograd.gradcheck(_Windows.apply, (words,))


def test_trimmed_padding_changes_no_encoding() -> None:
    m = _module()
    gen = torch.Generator().manual_seed(2)
    tokens = torch.zeros(6, 20, dtype=torch.long)
    tokens[:, :4] = torch.randint(1, 50, (6, 4), generator=gen)
    feats = torch.zeros(6, 64, dtype=torch.long)
    feats[:, :2] = torch.randint(1, 7, (6, 2), generator=gen)
    feats[3, 1] = 0
    with torch.no_grad():
        full = m.encode_embedded(tokens, feats, *m.embed(tokens, feats))
        trimmed = m.encode(tokens, feats)
    assert torch.allclose(full[0], trimmed[0], atol=1e-6) and torch.allclose(full[1], trimmed[1], atol=1e-6)


def _train(opt_cls: type[torch.optim.Optimizer]) -> tuple[nn.Embedding, nn.Embedding, torch.optim.Optimizer]:
    torch.manual_seed(3)
    table, bias = nn.Embedding(40, 4, sparse=True), nn.Embedding(40, 1, sparse=True)
    opt = opt_cls([table.weight, bias.weight], lr=0.05)
    gen = torch.Generator().manual_seed(4)
    for _ in range(12):
        rows = torch.randint(0, 30, (25,), generator=gen)  # repeated rows: gradients must be summed
        loss = ((table(rows) - 1.0) ** 2).sum() + bias(rows).pow(2).sum()
        opt.zero_grad()
        loss.backward()
        opt.step()
    return table, bias, opt


@pytest.mark.parametrize("fused", [True, False])  # torch's fused kernel, or the plain operations
def test_lazy_adam_matches_torch_sparse_adam(fused: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(LazyAdam, "fused", fused)
    ref_table, ref_bias, ref_opt = _train(torch.optim.SparseAdam)
    table, bias, opt = _train(LazyAdam)
    if fused and tuple(int(x) for x in torch.__version__.split(".")[:2]) >= (2, 4):
        assert LazyAdam.fused  # the kernel ran (torch has it on a CPU from 2.4)
    assert torch.allclose(table.weight, ref_table.weight, atol=1e-6)
    assert torch.allclose(bias.weight, ref_bias.weight, atol=1e-6)
    ref_state, state = ref_opt.state_dict()["state"], opt.state_dict()["state"]
    assert int(state[0]["step"]) == int(ref_state[0]["step"]) == 12
    assert torch.allclose(state[0]["exp_avg_sq"], ref_state[0]["exp_avg_sq"], atol=1e-7)
    # rows no batch used (30-39) keep their initial values and zero moments
    assert float(state[0]["exp_avg"][30:].abs().sum()) == 0.0
    torch.manual_seed(3)
    assert torch.equal(table.weight[30:], nn.Embedding(40, 4).weight[30:])


@pytest.mark.parametrize("width", [1, 3, 4, 8, 12])
def test_row_copy_equals_index_copy(width: int) -> None:
    gen = torch.Generator().manual_seed(5)
    table = torch.randn(50, width, generator=gen)
    rows = torch.tensor([3, 7, 8, 40])
    src = torch.randn(4, width, generator=gen)
    expected = table.index_copy(0, rows, src)
    copy_rows(table, rows, src)
    assert torch.equal(table, expected)
    # a view that starts inside a 16-byte element takes the plain path
    base = torch.randn(50 * width + 1, generator=gen)
    view = base[1:].view(50, width)
    expected = view.index_copy(0, rows, src)
    copy_rows(view, rows, src)
    assert torch.equal(view, expected)


def test_lazy_adam_state_round_trips() -> None:
    table, _, opt = _train(LazyAdam)
    again = LazyAdam([table.weight, nn.Embedding(40, 1, sparse=True).weight], lr=0.05)
    again.load_state_dict(opt.state_dict())
    assert torch.equal(again.state[table.weight]["exp_avg"], opt.state[table.weight]["exp_avg"])


@pytest.mark.parametrize("n_items", [5, 1000])
def test_distinct_rows_match_torch_unique(n_items: int) -> None:
    model = create_model("content", {})
    model.meta = {"n_items": n_items}
    gen = torch.Generator().manual_seed(5)
    for _ in range(3):  # the scratch table is clean between steps
        rows = torch.randint(0, n_items, (300,), generator=gen)
        distinct, inverse = model._distinct(rows)
        expected, expected_inverse = torch.unique(rows, return_inverse=True)
        assert torch.equal(distinct, expected) and torch.equal(inverse, expected_inverse)


def test_sampled_softmax_folds_bias_and_log_q_into_the_logits() -> None:
    gen = torch.Generator().manual_seed(6)
    q, pos_vecs, neg_vecs = torch.randn(5, 3, generator=gen), torch.randn(5, 3, generator=gen), \
        torch.randn(4, 3, generator=gen)
    pos, neg = torch.tensor([0, 1, 1, 2, 3]), torch.tensor([1, 4, 5, 6])
    pos_bias, neg_bias = torch.randn(5, generator=gen), torch.randn(4, generator=gen)
    log_q = torch.randn(7, generator=gen)
    got = sampled_softmax_loss(q, pos, pos_vecs, neg, neg_vecs, log_q, pos_bias=pos_bias, neg_bias=neg_bias,
                               temperature=0.5)
    rows = torch.cat([pos, neg])
    logits = q @ torch.cat([pos_vecs, neg_vecs]).T / 0.5 + torch.cat([pos_bias, neg_bias]) - log_q[rows]
    hit = rows[None, :] == pos[:, None]
    hit[torch.arange(5), torch.arange(5)] = False
    expected = F.cross_entropy(logits.masked_fill(hit, float("-inf")), torch.arange(5))
    assert torch.allclose(got, expected, atol=1e-6)


def test_accidental_hits_are_the_dense_comparison() -> None:
    gen = torch.Generator().manual_seed(7)
    for _ in range(100):
        batch, n_neg, n_items = (int(torch.randint(1, hi, (1,), generator=gen)) for hi in (40, 25, 30))
        pos = torch.randint(0, n_items, (batch,), generator=gen)
        rows = torch.cat([pos, torch.randint(0, n_items, (n_neg,), generator=gen)])
        dense = rows[None, :] == pos[:, None]
        dense[torch.arange(batch), torch.arange(batch)] = False
        ex, cand = accidental_hits(pos, rows)
        found = torch.zeros_like(dense)
        found[ex, cand] = True
        assert torch.equal(found, dense) and len(ex) == int(dense.sum())  # each pair once


def test_only_the_candidates_id_vectors_get_gradients() -> None:
    model = create_model("hybrid", {"item_id_dropout": 0.0})
    model.module = _module(use_ids=True)
    model._gen = torch.Generator().manual_seed(8)
    rows = torch.tensor([5, 11])  # a step's distinct candidates
    vecs, biases = model._train_item_ids(rows)
    assert torch.allclose(vecs, model.m.item_id.weight[rows])
    (vecs.sum() + biases.sum()).backward()
    grad = model.m.item_id.weight.grad.coalesce()
    assert sorted(grad.indices()[0].tolist()) == [5, 11]
    assert sorted(model.m.item_bias.weight.grad.coalesce().indices()[0].tolist()) == [5, 11]


@pytest.mark.parametrize("n_items", [5, 1000])
def test_positions_among_distinct_rows(n_items: int) -> None:
    model = create_model("content", {})
    model.meta = {"n_items": n_items}
    gen = torch.Generator().manual_seed(13)
    for _ in range(3):  # the scratch table is clean between calls
        distinct = torch.unique(torch.randint(0, n_items, (4,), generator=gen))
        rows = torch.randint(0, n_items, (200,), generator=gen)
        got = model._positions(distinct, rows)
        expected = torch.tensor([distinct.tolist().index(r) if r in distinct.tolist() else -1
                                 for r in rows.tolist()])
        assert torch.equal(got, expected)


@pytest.mark.parametrize("family", ["content", "hybrid"])
def test_training_history_is_the_bag_over_learned_and_constant_rows(family: str) -> None:
    # the history sum a step builds equals the plain weighted sum over one table in which the candidates'
    # rows are learned and every other row is its cached encoding (+ id vector): same value, and
    # gradients only for the candidates' vectors, weighted by how often their histories read them
    n_items, d = 30, 8
    model = create_model(family, {"item_id_dropout": 0.0} if family == "hybrid" else {})
    model.module = _module(use_ids=family == "hybrid")
    model.meta = {"n_items": n_items}
    model._gen = torch.Generator().manual_seed(14)
    gen = torch.Generator().manual_seed(15)
    cached = torch.randn(n_items, d, generator=gen)
    cand = torch.tensor([1, 4, 9, 20])
    cand_vecs = torch.randn(len(cand), d, generator=gen, requires_grad=True)
    counts = torch.tensor([3, 0, 5, 1, 0])  # empty bags too, one at the end
    flat = torch.tensor([1, 2, 3, 4, 9, 9, 7, 1, 20])
    weight = torch.rand(len(flat), generator=gen)
    offsets = torch.cumsum(counts, 0) - counts
    got = model._train_history(flat, weight, offsets, cand, cand_vecs, cached)
    constant = cached.clone()
    if family == "hybrid":
        constant = constant + model.m.item_id.weight.detach()
    table = constant.index_copy(0, cand, cand_vecs)
    bag = torch.repeat_interleave(torch.arange(len(counts)), counts)
    expected = torch.zeros(len(counts), d).index_add(0, bag, table[flat] * weight[:, None])
    assert torch.allclose(got, expected, atol=1e-6)
    assert not got[1].any() and not got[4].any()  # an empty history sums to nothing
    (grad,) = torch.autograd.grad(got.sum(), cand_vecs)
    reads = torch.stack([weight[flat == r].sum() for r in cand.tolist()])
    assert torch.allclose(grad, reads[:, None].expand(-1, d), atol=1e-6)


def _softmax_case(gen: torch.Generator, batch: int, n_neg: int, n_items: int
                  ) -> tuple[torch.Tensor, ...]:
    """(positives, negatives, log-Q, queries, item vectors, item biases) of a random sampled softmax."""
    pos = torch.randint(0, n_items, (batch,), generator=gen)
    neg = torch.randint(0, n_items, (n_neg,), generator=gen)
    log_q = torch.randn(n_items, generator=gen)
    q = torch.randn(batch, 4, generator=gen, requires_grad=True)
    items = torch.randn(n_items, 4, generator=gen, requires_grad=True)
    bias = torch.randn(n_items, generator=gen, requires_grad=True)
    return pos, neg, log_q, q, items, bias


def test_sampled_softmax_gradients_match_the_dense_masked_softmax() -> None:
    # the accidental-hit mask is applied outside autograd: the gradients must still be the masked ones
    gen = torch.Generator().manual_seed(9)
    for _ in range(20):
        batch, n_neg, n_items = 12, 6, 8  # few items: many accidental hits
        pos, neg, log_q, q, items, bias = _softmax_case(gen, batch, n_neg, n_items)
        got = sampled_softmax_loss(q, pos, items[pos], neg, items[neg], log_q, pos_bias=bias[pos],
                                   neg_bias=bias[neg], temperature=0.7)
        got_grads = torch.autograd.grad(got, (q, items, bias))
        rows = torch.cat([pos, neg])
        logits = q @ items[rows].T / 0.7 + bias[rows] - log_q[rows]
        hit = rows[None, :] == pos[:, None]
        hit[torch.arange(batch), torch.arange(batch)] = False
        expected = F.cross_entropy(logits.masked_fill(hit, float("-inf")), torch.arange(batch))
        expected_grads = torch.autograd.grad(expected, (q, items, bias))
        assert torch.allclose(got, expected, atol=1e-6)
        for g, e in zip(got_grads, expected_grads, strict=True):
            assert torch.allclose(g, e, atol=1e-6)


def test_distinct_candidates_give_the_sampled_softmax_loss_and_gradients() -> None:
    # each distinct candidate scored once, log(count) added and taken off at the example's own column:
    # the loss and gradients of the softmax over every occurrence with accidental hits masked
    gen = torch.Generator().manual_seed(16)
    for trial in range(20):
        batch, n_neg, n_items = 16, 5, 6 + trial  # few items: many repeats and accidental hits
        pos, neg, log_q, q, items, bias = _softmax_case(gen, batch, n_neg, n_items)
        expected = sampled_softmax_loss(q, pos, items[pos], neg, items[neg], log_q, pos_bias=bias[pos],
                                        neg_bias=bias[neg], temperature=0.7)
        expected_grads = torch.autograd.grad(expected, (q, items, bias))
        rows, at = torch.unique(torch.cat([pos, neg]), return_inverse=True)
        got = distinct_sampled_softmax_loss(q, at[:batch], items[rows], torch.bincount(at),
                                            bias[rows] - log_q[rows], temperature=0.7)
        got_grads = torch.autograd.grad(got, (q, items, bias))
        assert torch.allclose(got, expected, atol=1e-5)
        for g, e in zip(got_grads, expected_grads, strict=True):
            assert torch.allclose(g, e, atol=1e-5)


def test_cross_entropy_equals_torch_s_with_its_gradient() -> None:
    from workbench.models.sampled import _CrossEntropy

    gen = torch.Generator().manual_seed(18)
    logits = (torch.randn(7, 11, generator=gen, dtype=torch.double) * 4).requires_grad_()
    target = torch.randint(0, 11, (7,), generator=gen)
    expected = F.cross_entropy(logits, target)
    (expected_grad,) = torch.autograd.grad(3.0 * expected, logits)  # a scaled upstream gradient
    got = _CrossEntropy.apply(logits * 1.0, target)  # a product, as in a step: its memory is reused
    (got_grad,) = torch.autograd.grad(3.0 * got, logits)
    assert torch.allclose(got, expected) and torch.allclose(got_grad, expected_grad)


@pytest.mark.parametrize("dropout", [0.0, 0.5])
def test_history_bags_hold_only_real_entries_with_mean_weights(dropout: float) -> None:
    # histories of 0, 1, 3 and 40 items (the last one drawn from), targets hidden
    model = create_model("content", {"history_sample": 8, "history_dropout": dropout})
    lengths = [0, 1, 3, 40]
    indptr = torch.tensor([0, *torch.cumsum(torch.tensor(lengths), 0).tolist()])
    indices = torch.randperm(100, generator=torch.Generator().manual_seed(11))[:sum(lengths)]  # disjoint
    model.buffers = {"hist_indptr": indptr, "hist_indices": indices}
    model._gen = torch.Generator().manual_seed(10)
    users = torch.tensor([0, 1, 2, 3, 2])
    exclude = indices[indptr[2]].repeat(5)  # user 2's first item is a target (hidden twice)
    rows, weights, offsets = model._sample_history(users, exclude)
    ends = [*offsets[1:].tolist(), len(rows)]
    for b, user in enumerate(users.tolist()):
        bag = rows[int(offsets[b]):ends[b]]
        own = indices[int(indptr[user]):int(indptr[user + 1])]
        assert len(bag) <= 8 and bool(torch.isin(bag, own).all())  # only the user's own items
        assert int(exclude[b]) not in bag.tolist()
        if dropout == 0.0 and user != 3:  # a short history is read whole, less the target
            assert sorted(bag.tolist()) == sorted(x for x in own.tolist() if x != int(exclude[b]))
        if dropout == 0.0 and user == 3:
            assert len(bag) == 8
        if len(bag):
            assert torch.allclose(weights[int(offsets[b]):ends[b]], torch.full((len(bag),), 1 / len(bag)))
    assert ends[0] == int(offsets[0]) == 0  # the empty history is an empty bag


@pytest.mark.parametrize("gather_from", [0, 1 << 30])  # index_select for every lookup, or for none
def test_step_lookup_trains_the_tables_as_the_embedding_lookup_does(
        gather_from: int, monkeypatch: pytest.MonkeyPatch) -> None:
    # words and features looked up once per distinct id: same outputs, same updates, padding row untouched
    monkeypatch.setattr("workbench.models.torch_base.GATHER_LOOKUP_IDS", gather_from)
    plain, summed = _module(), _module()
    opt_plain, opt_summed = LazyAdam([plain.words.weight, plain.feats.weight], lr=0.05), \
        LazyAdam([summed.words.weight, summed.feats.weight], lr=0.05)
    gen = torch.Generator().manual_seed(12)
    for _ in range(5):
        tokens = torch.randint(0, 12, (10, 6), generator=gen)  # few words: many repeats, padding (0) too
        feats = torch.randint(0, 7, (10, 3), generator=gen)
        target = torch.randn(10, 8, generator=gen)
        for m, opt, step_rows in ((plain, opt_plain, False), (summed, opt_summed, True)):
            opt.zero_grad()
            vec, bias = m.encode(tokens, feats, step_rows=step_rows)
            ((vec - target) ** 2).sum().add(bias.sum()).backward()
            if step_rows:
                assert m.words.weight.grad.is_coalesced()
            opt.step()
        assert torch.allclose(plain.words.weight, summed.words.weight, atol=1e-6)
        assert torch.allclose(plain.feats.weight, summed.feats.weight, atol=1e-6)
    assert not summed.words.weight.detach()[0].any() and not summed.feats.weight.detach()[0].any()


def test_step_lookup_with_the_callers_distinct_ids() -> None:
    from workbench.models.torch_base import step_lookup

    gen = torch.Generator().manual_seed(18)
    ids = torch.randint(0, 10, (30,), generator=gen)
    out_grad = torch.randn(30, 3, generator=gen)
    grads = []
    for distinct in (None, torch.unique(ids, return_inverse=True)):
        table = nn.Embedding(10, 3, sparse=True)
        with torch.no_grad():
            table.weight.copy_(torch.arange(30.0).view(10, 3))
        out = step_lookup(table, ids, distinct)
        assert torch.equal(out, table.weight.detach()[ids])
        (out * out_grad).sum().backward()
        grads.append(table.weight.grad.to_dense())
    assert torch.allclose(grads[0], grads[1])
    # ids that are themselves distinct and ascending: the rows are the lookup, gradients per row
    table = nn.Embedding(10, 3, sparse=True)
    rows = torch.tensor([1, 4, 7])
    out = step_lookup(table, rows, (rows, None))
    assert torch.equal(out, table.weight.detach()[rows])
    (out * 2.0).sum().backward()
    grad = table.weight.grad
    assert grad.is_coalesced() and torch.equal(grad.indices()[0], rows)
    assert torch.equal(grad.to_dense()[rows], torch.full((3, 3), 2.0))


def test_step_lookup_leaves_a_frozen_table_alone() -> None:
    from workbench.models.torch_base import step_lookup

    table = nn.Embedding(10, 3, sparse=True)
    table.weight.requires_grad_(False)
    other = torch.ones(3, requires_grad=True)
    (step_lookup(table, torch.tensor([1, 1, 4])) * other).sum().backward()
    assert table.weight.grad is None and other.grad is not None
    trained = nn.Embedding(10, 3, sparse=True)
    with torch.no_grad():  # scoring: a plain lookup, no hook
        assert torch.equal(step_lookup(trained, torch.tensor([2, 2])), trained.weight[[2, 2]])
    assert trained.weight.grad is None
