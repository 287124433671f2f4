"""The explanation commands through ``workbench.cli.main`` on a real database file."""

from __future__ import annotations

import json

import pytest

from workbench.cli import main


@pytest.fixture(scope="module")
def trained_db(tmp_path_factory):
    from workbench.data.demo import load_demo
    from workbench.evaluation.splits import SplitSpec
    from workbench.store.db import open_database
    from workbench.training.runner import train

    path = tmp_path_factory.mktemp("cli") / "wb.db"
    db = open_database(path)
    try:
        load_demo(db, name="demo")
        split = SplitSpec(kind="user_ratio", test_fraction=0.2, seed=1)
        ease = train(db, "demo", "ease", {"l2": 50.0}, split, device="cpu", name="ease-demo")
        content = train(db, "demo", "content", {"epochs": 1, "dim": 16, "filters": 16, "word_dim": 8,
                                                "max_tokens": 16, "batch_size": 4096}, split, device="cpu",
                        name="content-demo")
    finally:
        db.close()
    return path, ease.model_id, content.model_id


def _run(capsys, *argv: str) -> dict:
    code = main(list(argv))
    out = capsys.readouterr()
    assert code == 0, out.err
    return json.loads(out.out)


def test_explain_and_recommend_json(trained_db, capsys) -> None:
    path, ease_id, _ = trained_db
    from workbench.store.db import open_database
    from workbench.store.models import load_model

    db = open_database(path)
    try:
        model, _ = load_model(db, ease_id)
    finally:
        db.close()
    user = model.users.ids[0]
    payload = _run(capsys, "--db", str(path), "recommend", str(ease_id), "--user", user, "--n", "3",
                   "--explain", "--json")
    assert len(payload["recommendations"]) == 3
    for rec in payload["recommendations"]:
        exp = rec["explanation"]
        assert sum(exp["parts"].values()) == pytest.approx(rec["score"], abs=1e-4)
        assert exp["history"] and {"item", "contribution"} <= set(exp["history"][0])
    item = payload["recommendations"][0]["item"]
    one = _run(capsys, "--db", str(path), "explain", "ease-demo", "--user", user, "--item", item, "--json")
    assert one["item"] == item and sum(one["parts"].values()) == pytest.approx(one["score"], abs=1e-4)


def test_coldstart_inspect_faithfulness_json(trained_db, capsys) -> None:
    path, ease_id, content_id = trained_db
    from workbench.store.db import open_database
    from workbench.store.models import load_model

    db = open_database(path)
    try:
        model, _ = load_model(db, ease_id)
    finally:
        db.close()
    picked = list(model.items.ids[:3])
    cold = _run(capsys, "--db", str(path), "coldstart", str(ease_id), "--items", ",".join(picked), "--n", "4",
                "--json")
    assert len(cold["recommendations"]) == 4
    assert not set(picked) & {r["item"] for r in cold["recommendations"]}
    assert all("explanation" in r for r in cold["recommendations"])
    item = _run(capsys, "--db", str(path), "coldstart-item", str(content_id), "--title", "Trail tent",
                "--text", "waterproof hiking camping backpack", "--categories", "Outdoor", "--n", "5",
                "--json")
    assert len(item["users"]) == 5 and len(item["similar_items"]) == 5
    ins = _run(capsys, "--db", str(path), "inspect", str(ease_id), "--similar", picked[0], "--json")
    assert len(ins["similar"]) == 10 and sum(ins["score_distribution"]["counts"]) > 0
    faith = _run(capsys, "--db", str(path), "faithfulness", str(ease_id), "--pairs", "20", "--json")
    assert faith["pairs"] == 20 and faith["mean_drop_attributed"] > faith["mean_drop_random"]
    code = main(["--db", str(path), "coldstart-item", str(ease_id), "--title", "x"])
    assert code == 1 and "cannot score an item without interactions" in capsys.readouterr().err
    code = main(["--db", str(path), "coldstart", str(ease_id), "--items", "no-such-item"])
    assert code == 1 and "no-such-item" in capsys.readouterr().err
