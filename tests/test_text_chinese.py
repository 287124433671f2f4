"""Chinese item text: jieba word segmentation in the tokenizer, the Chinese demo and word highlights."""

from __future__ import annotations

import json
import re

import pytest

from workbench.cli import main
from workbench.data.demo import TOPICS_ZH, generate_demo
from workbench.errors import WorkbenchError
from workbench.explain.content import words_in_text
from workbench.text import Vocabulary, tokenize

HAN = re.compile(r"[\u4e00-\u9fff]")


def test_english_tokens_unchanged() -> None:
    assert tokenize("Hello, World_1 & café 42!") == ["hello", "world_1", "café", "42"]
    assert tokenize("") == []


def test_chinese_is_segmented_into_words_not_sentences() -> None:
    assert tokenize("无线蓝牙充电器适合跑步") == ["无线", "蓝牙", "充电器", "适合", "跑步"]


def test_mixed_chinese_and_english_keep_text_order() -> None:
    tokens = tokenize("华为Mate40 无线蓝牙Bluetooth耳机，USB充电")
    assert tokens == ["华为", "mate40", "无线", "蓝牙", "bluetooth", "耳机", "usb", "充电"]


def test_word_highlights_locate_segmented_words() -> None:
    title, text = "经典帐篷 001", "一款耐用的帐篷，适合露营和徒步Hiking"
    tokens = tokenize(f"{title} {text}")
    words = words_in_text(title, text, [float(i) for i in range(len(tokens))])
    assert [w.word.lower() for w in words] == tokens
    for w in words:
        source = title if w.field == "title" else text
        assert w.start >= 0 and source[w.start:w.end].lower() == w.word.lower()
    assert [w.word for w in words if w.field == "text"][-3:] == ["和", "徒步", "Hiking"]


def test_chinese_demo_has_chinese_content_that_segments_into_topic_words() -> None:
    demo = generate_demo(0, "zh")
    english = generate_demo(0)
    assert len(demo) == len(english)
    info = demo.item_info
    assert all(HAN.search(t) for t in info["title"]) and all(HAN.search(t) for t in info["text"])
    assert {c for cats in info["categories"] for c in cats} == set(TOPICS_ZH)
    # the descriptions have no spaces between words; segmentation recovers the topic words
    docs = [tokenize(t) for t in info["text"]]
    vocab = Vocabulary.build(docs)
    for words in TOPICS_ZH.values():
        assert set(words) <= set(vocab.tokens)
    # a category's items use its own words: the same planted structure as the English demo
    outdoor = [d for d, cats in zip(docs, info["categories"], strict=True) if cats[0] == "户外"]
    kitchen = [d for d, cats in zip(docs, info["categories"], strict=True) if cats[0] == "厨房"]
    count = lambda docs, w: sum(d.count(w) for d in docs)  # noqa: E731
    assert count(outdoor, "帐篷") > 3 * max(1, count(kitchen, "帐篷"))


def test_unknown_demo_language_is_refused() -> None:
    with pytest.raises(WorkbenchError, match="unknown demo language 'fr'"):
        generate_demo(0, "fr")


def test_chinese_demo_cli_and_explained_words(tmp_path, capsys) -> None:
    from workbench.evaluation.splits import SplitSpec
    from workbench.store.db import open_database
    from workbench.training.runner import train

    path = str(tmp_path / "zh.db")
    assert main(["--db", path, "datasets", "demo", "--lang", "zh", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["n_items"] == 500
    db = open_database(path)
    try:
        result = train(db, "demo-zh", "content", {"epochs": 1, "dim": 16, "filters": 16, "word_dim": 8,
                                                   "max_tokens": 24, "batch_size": 4096},
                       SplitSpec(kind="user_ratio", test_fraction=0.2, seed=1), device="cpu")
    finally:
        db.close()
    assert main(["--db", path, "recommend", str(result.model_id), "--user", "u0001", "--n", "2",
                 "--explain", "--json"]) == 0
    recs = json.loads(capsys.readouterr().out)["recommendations"]
    for rec in recs:
        words = rec["explanation"]["words"]
        text_words = [w["word"] for w in words if w["field"] == "text"]
        assert "爱好者" in text_words and all(len(w) < 6 for w in text_words)  # words, not sentences
        assert any(w["weight"] != 0 for w in words)
