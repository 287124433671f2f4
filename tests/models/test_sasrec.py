"""SASRec: learns a planted next-item rule, reads sequences in time (or file) order, explains by attention."""

from __future__ import annotations

import json

import numpy as np
import pytest
import torch

from workbench.core.ids import IdMap
from workbench.core.interactions import Dataset, Interactions, ItemContent
from workbench.evaluation.splits import SplitSpec, make_split
from workbench.explain.core import explain_rows
from workbench.models.capabilities import ReadsSequence
from workbench.models.registry import create_model
from workbench.models.sasrec import FILE_ORDER_NOTE, augment_sequences

N_USERS, N_ITEMS, LENGTH = 80, 30, 10
FAST = {"epochs": 25, "dim": 16, "max_len": 8, "batch_size": 32, "learning_rate": 0.01, "negatives": 16,
        "dropout": 0.1}


def cycle_data(seed: int = 0, timestamps: bool = True) -> Interactions:
    """Each user walks the items in a cycle, i -> i + 1 (mod N_ITEMS), from a random start."""
    rng = np.random.default_rng(seed)
    starts = rng.integers(0, N_ITEMS, size=N_USERS)
    users = np.repeat(np.arange(N_USERS), LENGTH)
    steps = np.tile(np.arange(LENGTH), N_USERS)
    items = (starts[users] + steps) % N_ITEMS
    when = 1_000_000 + users * 10 + steps
    # rows shuffled: only the timestamps carry the order
    order = rng.permutation(len(users)) if timestamps else np.arange(len(users))
    return Interactions(users[order], items[order], np.ones(len(users)),
                        IdMap.from_ids(f"u{u}" for u in range(N_USERS)),
                        IdMap.from_ids(f"i{i}" for i in range(N_ITEMS)), kind="implicit",
                        timestamps=when[order] if timestamps else None)


@pytest.fixture(scope="module")
def fitted():
    data = cycle_data()
    split = make_split(data, SplitSpec(kind="leave_last", k=1, seed=0))
    model = create_model("sasrec", FAST)
    model.fit_all(split.train, valid=split.valid)
    return model, split, data


def test_learns_the_planted_next_item_rule(fitted) -> None:
    model, split, _ = fitted
    test = split.test
    scores = model.score(test.user_idx)
    scores[model.seen[test.user_idx].toarray() > 0] = -np.inf
    top1 = scores.argmax(1)
    assert (top1 == test.item_idx).mean() >= 0.8
    assert model.training_notes() == []


def test_without_timestamps_uses_file_order_and_says_so() -> None:
    data = cycle_data(timestamps=False)  # the file is in walking order
    model = create_model("sasrec", {**FAST, "epochs": 2})
    model.fit_all(data)
    assert model.training_notes() == [FILE_ORDER_NOTE]
    first = model.user_sequence(0)
    np.testing.assert_array_equal(first, (first[0] + np.arange(len(first))) % N_ITEMS)


def test_attention_sums_to_one_over_the_history(fitted) -> None:
    model, _, _ = fitted
    assert isinstance(model, ReadsSequence)
    for user in range(0, N_USERS, 9):
        rows, weights = model.attention(user)
        np.testing.assert_array_equal(rows, model.user_sequence(user))
        assert len(rows) == min(LENGTH - 1, FAST["max_len"])
        assert weights.min() >= 0 and weights.sum() == pytest.approx(1.0, abs=1e-6)
    rows, weights = model.attention(history_rows=np.array([3, 4, 5]))
    assert rows.tolist() == [3, 4, 5] and weights.sum() == pytest.approx(1.0, abs=1e-6)


def test_explanations_carry_attention_for_every_item(fitted) -> None:
    model, _, data = fitted
    titles = [f"title {i}" for i in range(N_ITEMS)]
    content = ItemContent(data.items, titles, [""] * N_ITEMS, [[] for _ in range(N_ITEMS)])
    dataset = Dataset("cycle", data, content)
    items = np.array([0, 5, 7])
    out = explain_rows(model, dataset, 4, items)
    assert len(out) == 3
    for exp in out:
        assert exp.attention is not None
        assert [a.item for a in exp.attention] == [f"i{r}" for r in model.user_sequence(4)]
        assert sum(a.weight for a in exp.attention) == pytest.approx(1.0, abs=1e-6)
        assert exp.attention[0].title.startswith("title ")
        assert exp.history  # leave-one-out on the sequence the model reads
        payload = exp.to_json()
        assert json.dumps(payload) and len(payload["attention"]) == len(exp.attention)


@pytest.mark.parametrize("kind", ["crop", "mask", "reorder"])
def test_augmentations_keep_the_target_and_the_padding(kind: str) -> None:
    seq = torch.tensor([[0, 0, 3, 4, 5, 6, 7, 8, 9]] * 64)
    out = augment_sequences(seq, kind, 0.5, 99, torch.Generator().manual_seed(0))
    assert (out[:, -1] == 9).all() and (out[:, :2] == 0).all()
    changed = (out != seq).any(1)
    assert 0 < int(changed.sum()) < 64  # about half the sequences are augmented
    if kind == "reorder":
        assert (out.sort(1).values == seq.sort(1).values).all()
    if kind == "crop":
        assert ((out == 0) | (out == seq)).all()
    if kind == "mask":
        assert ((out == 99) | (out == seq)).all()


def test_content_vectors_score_items_without_interactions() -> None:
    data = cycle_data()
    cold = np.isin(data.item_idx, [0])
    words = ["red", "blue", "green"]
    content = ItemContent(data.items, [f"{words[i % 3]} thing" for i in range(N_ITEMS)], [""] * N_ITEMS,
                          [[words[i % 3]] for i in range(N_ITEMS)])
    model = create_model("sasrec", {**FAST, "use_content": True, "epochs": 3})
    model.fit_all(data.subset(~cold), content=content)
    emb = model.item_embeddings()
    assert np.abs(emb[0]).sum() > 0  # the cold item has its content vector
    assert np.isfinite(model.score(np.arange(5))).all()


def test_cli_train_leave_last_and_explain_with_attention(tmp_path, capsys) -> None:
    from workbench.cli import main

    db = str(tmp_path / "seq.db")
    assert main(["--db", db, "datasets", "demo", "--json"]) == 0
    capsys.readouterr()
    assert main(["--db", db, "train", "--dataset", "demo", "--model", "sasrec", "--split", "leave_last",
                 "--epochs", "1", "--set", "dim=16", "--set", "max_len=10", "--name", "seq", "--json"]) == 0
    trained = json.loads(capsys.readouterr().out)
    assert trained["notes"] == []  # the demo has timestamps
    assert trained["metrics"]["ndcg@10"] >= 0
    assert main(["--db", db, "recommend", "seq", "--user", "u0001", "--n", "2", "--explain", "--json"]) == 0
    recs = json.loads(capsys.readouterr().out)["recommendations"]
    for rec in recs:
        attention = rec["explanation"]["attention"]
        assert len(attention) == 10 and {"item", "title", "weight"} <= set(attention[0])
        assert sum(a["weight"] for a in attention) == pytest.approx(1.0, abs=1e-6)
    assert main(["--db", db, "explain", "seq", "--user", "u0001", "--item", recs[0]["item"], "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["attention"] == recs[0]["explanation"]["attention"]


def test_one_item_histories_are_refused_clearly() -> None:
    from workbench.models.base import TrainingError

    data = cycle_data()
    first = np.zeros(len(data), dtype=bool)
    first[np.unique(data.user_idx, return_index=True)[1]] = True
    with pytest.raises(TrainingError, match="at least 2 training interactions"):
        create_model("sasrec", FAST).fit_all(data.subset(first))
