"""Known before training: every family's memory estimate, the refusal when it does not fit (nothing
written), the mf objective picked from the data, and the validation sample recorded with each epoch."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from tests.planted import load_stored, make_dataset
from workbench.core import memory
from workbench.errors import WorkbenchError
from workbench.evaluation.splits import SplitSpec
from workbench.models.registry import FAMILIES
from workbench.store import models as model_store
from workbench.store import runs as run_store
from workbench.training.resources import estimate, require_fits
from workbench.training.runner import train


@pytest.mark.parametrize("family", list(FAMILIES))
def test_every_family_estimates_memory_that_grows_with_the_data(family: str) -> None:
    cls = FAMILIES[family]
    config = cls.Config()
    small = cls.estimate_peak_bytes(config, 1_000, 1_000, 50_000)
    large = cls.estimate_peak_bytes(config, 100_000, 100_000, 10_000_000)
    assert isinstance(small, int) and 0 < small < large
    seconds = cls.estimate_epoch_seconds(config, 1_000, 1_000, 50_000)
    assert seconds is None or seconds > 0


def test_ease_estimate_is_quadratic_in_the_catalogue_and_points_to_lighter_families() -> None:
    cls = FAMILIES["ease"]
    config = cls.Config()
    big, half = (cls.estimate_peak_bytes(config, 1000, n, 10_000) for n in (40_000, 20_000))
    grow = big - half
    assert grow > 3 * 4 * (40_000 ** 2 - 20_000 ** 2) * 0.9  # three dense float32 squares
    with pytest.raises(WorkbenchError, match="itemknn"):
        require_fits(cls, {}, 100_000, 100_000, 10_000_000)  # 120 GB: more than any test machine has


def test_estimate_reads_string_settings_and_reports_free_memory(monkeypatch) -> None:
    monkeypatch.setattr(memory, "free_memory_bytes", lambda: 8 << 30)
    est = estimate(FAMILIES["bpr"], {"dim": "32"}, 1000, 500, 20_000)
    assert est.fits and est.free_bytes == 8 << 30
    assert "8.0 GB free" in est.summary() and "per epoch" in est.summary()


@pytest.fixture
def tiny(db):
    return load_stored(db, make_dataset(db, "tiny"))


def test_runner_refuses_before_writing_anything(db, tiny, monkeypatch) -> None:
    monkeypatch.setattr(memory, "free_memory_bytes", lambda: 1 << 20)  # 1 MB free
    with pytest.raises(WorkbenchError) as err:
        train(db, tiny, "hybrid", {"dim": "16"}, SplitSpec("user_ratio", seed=1), epochs=1)
    message = str(err.value)
    assert "'hybrid' on 60 users x 40 items" in message
    assert "needs about" in message and "1 MB is free" in message and "nothing was started" in message
    assert "smaller 'dim' or 'max_tokens' (now 16, 64)" in message and "bpr" in message
    assert run_store.list_runs(db) == [] and model_store.list_models(db) == []


def test_cli_prints_the_refusal_without_a_traceback(db_path: Path, capsys, monkeypatch) -> None:
    from workbench.cli import main
    from workbench.store.db import open_database

    database = open_database(db_path)
    make_dataset(database, "tiny")
    database.close()
    monkeypatch.setattr(memory, "free_memory_bytes", lambda: 1 << 20)
    code = main(["--db", str(db_path), "train", "--dataset", "tiny", "--model", "ease"])
    err = capsys.readouterr().err
    assert code != 0 and "needs about" in err and "Traceback" not in err
    code = main(["--db", str(db_path), "train", "--dataset", "tiny", "--model", "ease", "--estimate",
                 "--json"])
    payload = json.loads(capsys.readouterr().out)
    assert code == 0 and payload["fits"] is False and payload["peak_bytes"] > payload["free_bytes"]
    database = open_database(db_path)
    try:
        assert run_store.list_runs(database) == []
    finally:
        database.close()


def test_mf_picks_the_ranking_objective_on_implicit_data(db) -> None:
    data = load_stored(db, make_dataset(db, "implicit", implicit=True))
    result = train(db, data, "mf", {"dim": "8", "batch_size": "64"}, SplitSpec("user_ratio", seed=1),
                   epochs=2)
    run = run_store.get_run(db, result.run_id)
    assert run.epochs[0].metric_name == "ndcg@10"  # ranked, not refused
    assert "rmse" not in result.metrics and result.metrics["ndcg@10"] > 0
    assert run.epochs[0].extra["valid_users"] > 0  # how many users early stopping ranked
    explicit = train(db, load_stored(db, make_dataset(db, "explicit")), "mf", {"dim": "8"},
                     SplitSpec("user_ratio", seed=1), epochs=1)
    assert "rmse" in explicit.metrics  # ratings where there are ratings


def _shop(n_items: int, words_per_text: int) -> tuple[Any, Any]:
    """Implicit data and item content with ``words_per_text`` Zipf-distributed words per text."""
    from workbench.core.ids import IdMap
    from workbench.core.interactions import Interactions, ItemContent

    rng = np.random.default_rng(0)
    items = IdMap(tuple(f"i{k}" for k in range(n_items)))
    texts = [" ".join(f"w{int(x)}" for x in rng.zipf(1.3, words_per_text) % 5000) for _ in range(n_items)]
    categories = [[f"c{k % 7}"] + ([f"d{k % 3}"] if k % 2 else []) for k in range(n_items)]
    content = ItemContent(items=items, titles=[f"item {k % 50}" for k in range(n_items)], texts=texts,
                          categories=categories)
    users = rng.integers(0, 50, 8 * n_items)
    data = Interactions(users, np.arange(8 * n_items) % n_items, np.ones(8 * n_items, dtype=np.float32),
                        IdMap(tuple(f"u{k}" for k in range(50))), items, kind="implicit")
    return data, content


@pytest.mark.parametrize("family", ["content", "hybrid"])
def test_content_estimate_measures_the_texts_the_encoder_will_hold(family: str) -> None:
    cls = FAMILIES[family]
    data, content = _shop(120, words_per_text=6)
    config = cls.Config(epochs=1, dim=8, word_dim=8, filters=8)
    shape = cls.text_shape(config, content)
    assert shape is not None
    model = cls(config)
    model.fit_all(data, content=content)
    # exactly the token and feature columns training builds, and no fewer words than it keeps
    assert shape.tokens == model.buffers["tokens"].shape[1]
    assert shape.features == model.buffers["feats"].shape[1] == 2
    assert model.meta["n_words"] <= shape.words <= model.meta["n_words"] + 2
    # short texts need less than the bounds that must hold for any text; long ones more than short ones
    n = (data.n_users, data.n_items, len(data))
    short = cls.estimate_peak_bytes_with_content(config, *n, content)
    assert short < cls.estimate_peak_bytes(config, *n)
    _, long_content = _shop(120, words_per_text=60)
    assert cls.estimate_peak_bytes_with_content(config, *n, long_content) > short
    assert estimate(cls, config, *n, content).peak_bytes == short


def test_content_estimate_extrapolates_a_sampled_catalogue(monkeypatch) -> None:
    import workbench.models.content_base as content_base

    cls = FAMILIES["content"]
    config = cls.Config(max_tokens=16)
    _, content = _shop(400, words_per_text=12)
    whole = cls.text_shape(config, content)
    monkeypatch.setattr(content_base, "SHAPE_SAMPLE", 100)
    sampled = cls.text_shape(config, content)
    assert whole is not None and sampled is not None
    assert sampled.words >= 0.8 * whole.words  # the vocabulary beyond the sample is extrapolated upward
    # a sample whose longest text is already half of ``max_tokens`` assumes the rest may fill it
    assert whole.tokens == 14 and sampled.tokens == 16
    assert cls.text_shape(cls.Config(text_encoder="pretrained"), content) is None
