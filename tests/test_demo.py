"""The demo shop: deterministic, the promised sizes, and a structure the text and ratings both carry."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from workbench.cli import main
from workbench.data.demo import generate_demo, load_demo
from workbench.store.datasets import load_dataset
from workbench.store.db import Database


def test_demo_is_deterministic_with_sizes() -> None:
    a, b, c = generate_demo(0), generate_demo(0), generate_demo(1)
    assert len(a) == 50_000
    assert len(set(a.users)) == 1_000 and len(a.item_info) == 500
    np.testing.assert_array_equal(a.users, b.users)
    np.testing.assert_array_equal(a.values, b.values)
    assert a.item_info["text"].tolist() == b.item_info["text"].tolist()
    assert not np.array_equal(a.values, c.values)
    assert set(np.unique(a.values)) <= {1.0, 2.0, 3.0, 4.0, 5.0}
    assert len(set(zip(a.users, a.items, strict=True))) == 50_000  # no duplicate pairs


def test_demo_structure_is_learnable() -> None:
    demo = generate_demo(0)
    info = demo.item_info.set_index("external_id")
    # Items sharing a main category get higher ratings from users who like that category.
    cat = info["categories"].str[0]
    frame = {"user": demo.users, "cat": cat.reindex(demo.items).to_numpy(), "r": demo.values}
    import pandas as pd

    df = pd.DataFrame(frame)
    user_cat = df.groupby(["user", "cat"])["r"].mean().unstack()
    # Strong within-user spread across categories means preferences, not noise.
    assert float(user_cat.std(axis=1).mean()) > 0.5
    # The description words reflect the category: the top words of a category's items are its own.
    outdoor = " ".join(info.loc[cat == "Outdoor", "text"])
    kitchen = " ".join(info.loc[cat == "Kitchen", "text"])
    assert outdoor.count("tent") + outdoor.count("trail") > 3 * (
        kitchen.count("tent") + kitchen.count("trail")
    )


def test_load_demo_and_cli(db: Database, tmp_path: Path, capsys) -> None:
    report = load_demo(db, seed=0)
    assert (report.n_users, report.n_items, report.n_interactions) == (1000, 500, 50_000)
    data = load_dataset(db, "demo")
    assert all(data.content.titles) and all(data.content.texts) and all(data.content.categories)
    db_file = str(tmp_path / "cli.db")
    assert main(["--db", db_file, "datasets", "demo", "--name", "shop", "--seed", "3", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["n_interactions"] == 50_000
