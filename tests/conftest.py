"""Shared fixtures. Qt runs offscreen; torch threads never spin-wait (both must be set before imports)."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]


def ml100k_dir() -> Path | None:
    """The MovieLens 100K folder (never copied into the project), or None when absent."""
    candidates = [os.environ.get("WORKBENCH_ML100K"), REPO_ROOT.parent / "shared" / "data" / "ml-100k"]
    for candidate in candidates:
        if candidate and (Path(candidate) / "u.data").is_file():
            return Path(candidate)
    return None


@pytest.fixture
def ml100k() -> Path:
    path = ml100k_dir()
    if path is None:
        pytest.skip("MovieLens 100K not found: set WORKBENCH_ML100K or place it in ../shared/data/ml-100k")
    return path


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    """A fresh database file path (created on first open)."""
    return tmp_path / "workbench.db"


@pytest.fixture
def db(db_path: Path):
    from workbench.store.db import open_database

    database = open_database(db_path)
    yield database
    database.close()


@pytest.fixture(scope="session")
def tiny_sentence_model(tmp_path_factory) -> Path:
    """A tiny sentence-transformers folder built on the spot (skips without the 'pretrained' extra)."""
    pytest.importorskip("sentence_transformers", reason="the optional 'pretrained' extra is not installed")
    from tests._sentence import build_tiny_sentence_model

    return build_tiny_sentence_model(tmp_path_factory.mktemp("sentence"))


@pytest.fixture
def sentence_model(tiny_sentence_model: Path, monkeypatch) -> Path:
    """The tiny model as the pretrained encoder of this test."""
    monkeypatch.setenv("WORKBENCH_SENTENCE_MODEL", str(tiny_sentence_model))
    return tiny_sentence_model
