"""Top-N core, recommendation and similar-item exports (CSV, Parquet) and the ``export`` CLI."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import numpy as np
import pyarrow.parquet as pq
import pytest
import scipy.sparse as sp

from tests.planted import make_dataset
from tests.test_postgres import pg_admin, pg_url  # noqa: F401 (fixtures: a fresh database per test)
from workbench.cli import main
from workbench.commands.exports import TerminalProgress
from workbench.core.progress import Cancelled, CancelToken, Progress
from workbench.errors import InputError, WorkbenchError
from workbench.evaluation.ranking import top_n_of_scores
from workbench.models.ranking import top_n, user_chunk
from workbench.store.db import Database, open_database
from workbench.store.models import load_model
from workbench.training.export import (
    dataset_interactions,
    export_recommendations,
    export_similar_items,
    read_user_file,
    recommend_for_user,
    user_history,
)
from workbench.training.runner import train


@pytest.fixture(scope="module")
def trained(tmp_path_factory) -> tuple[Path, int, int]:
    """A database with the tiny dataset and an mf (item vectors) and a pop (no vectors) model."""
    path = tmp_path_factory.mktemp("exports") / "workbench.db"
    db = open_database(path)
    make_dataset(db, "tiny")
    mf = train(db, "tiny", "mf", {"dim": "8", "batch_size": "32"}, epochs=2, device="cpu").model_id
    pop = train(db, "tiny", "pop", device="cpu").model_id
    db.close()
    return path, mf, pop


@pytest.fixture
def db(trained):
    database = open_database(trained[0])
    yield database
    database.close()


def test_top_n_masks_seen_and_known_and_breaks_ties_by_item() -> None:
    scores = np.array([[0.5, 0.9, 0.9, np.nan, 0.1], [1.0, 1.0, 1.0, 1.0, 1.0]], dtype=np.float32)
    items, top = top_n_of_scores(scores.copy(), 3)
    assert items.tolist() == [[1, 2, 0], [0, 1, 2]]
    assert top[0].tolist() == pytest.approx([0.9, 0.9, 0.5])

    class Fixed:
        seen = sp.csr_matrix(np.array([[0, 1, 0, 0, 0], [1, 0, 0, 0, 0]]))

        def score(self, rows):
            return scores[rows]

    known = sp.csr_matrix(np.array([[0, 0, 1, 0, 0], [0, 0, 0, 0, 0]]))
    items, top = top_n(Fixed(), np.array([0, 1]), 5, True, known)  # type: ignore[arg-type]
    assert items.tolist() == [[0, 4, -1, -1, -1], [1, 2, 3, 4, -1]]  # NaN and masked items never listed
    assert np.isnan(top[0, 2:]).all()


def test_user_chunk_keeps_the_score_block_bounded() -> None:
    assert user_chunk(1_000_000) * 1_000_000 * 4 <= 256 * 2**20
    assert user_chunk(10**10) == 1 and user_chunk(10) == 4096


def test_recommendations_csv_and_parquet_match_the_recommend_page(db: Database, trained, tmp_path) -> None:
    _, mf, _ = trained
    path_csv, path_pq = tmp_path / "recs.csv", tmp_path / "recs.parquet"
    progress: list[Progress] = []
    report = export_recommendations(db, mf, path_csv, n=4, progress=progress.append)
    assert report.n_users == 60 and report.n_rows == 240 and progress[-1].fraction == 1.0
    export_recommendations(db, mf, path_pq, n=4)
    with path_csv.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    table = pq.read_table(path_pq).to_pylist()
    assert [(r["user"], r["item"], int(r["rank"])) for r in rows] == \
        [(r["user"], r["item"], r["rank"]) for r in table]
    assert list(table[0]) == ["user", "item", "rank", "score", "title"]
    model, info = load_model(db, mf)
    for user in ("u0", "u17", "u59"):
        history = [h.item for h in user_history(db, info.dataset_id, user)]
        expected = recommend_for_user(model, user, 4, history)
        mine = [(r["item"], r["score"]) for r in table if r["user"] == user]
        assert [i for i, _ in mine] == [i for i, _ in expected]
        assert [s for _, s in mine] == pytest.approx([s for _, s in expected], rel=1e-6)
        assert not set(history) & {i for i, _ in mine}


def test_dataset_interactions_reads_every_interaction(db: Database, trained) -> None:
    model, info = load_model(db, trained[1])
    known = dataset_interactions(db, info.dataset_id, model)
    assert known.nnz == 60 * 15 and known.shape == (60, 40)


def test_similar_items_by_vectors_and_by_cooccurrence(db: Database, trained, tmp_path) -> None:
    _, mf, pop = trained
    report = export_similar_items(db, mf, tmp_path / "mf.csv", n=3)
    assert report.similarity.startswith("item vectors") and report.n_rows == 40 * 3
    model, _ = load_model(db, mf)
    vectors = model.item_embeddings()
    unit = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
    cosine = unit @ unit.T
    np.fill_diagonal(cosine, -np.inf)
    with (tmp_path / "mf.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    first = [r for r in rows if r["item"] == model.items.external(0)]
    assert [r["similar_item"] for r in first] == model.items.externals(np.argsort(-cosine[0])[:3])
    assert float(first[0]["score"]) == pytest.approx(cosine[0].max(), rel=1e-4)
    assert {"title", "similar_title"} <= set(rows[0])

    report = export_similar_items(db, pop, tmp_path / "pop.parquet", n=3)
    assert report.similarity.startswith("co-occurrence")
    table = pq.read_table(tmp_path / "pop.parquet").to_pylist()
    pop_model, _ = load_model(db, pop)
    seen = pop_model.seen.toarray() > 0
    both = (seen[:, [0]] & seen).sum(axis=0) / np.sqrt(seen[:, 0].sum() * seen.sum(axis=0))
    both[0] = -np.inf
    first = [r for r in table if r["item"] == pop_model.items.external(0)]
    assert first[0]["score"] == pytest.approx(both.max(), rel=1e-5)
    assert all(r["item"] != r["similar_item"] for r in table)


def test_cancelled_or_refused_exports_write_nothing(db: Database, trained, tmp_path) -> None:
    token = CancelToken()
    token.cancel()
    with pytest.raises(Cancelled):
        export_recommendations(db, trained[1], tmp_path / "c.csv", cancel=token)
    with pytest.raises(WorkbenchError, match=r"use a \.csv or \.parquet"):
        export_recommendations(db, trained[1], tmp_path / "c.xlsx")
    with pytest.raises(WorkbenchError, match="none of the requested users"):
        export_recommendations(db, trained[1], tmp_path / "c.csv", users=["ghost"])
    assert list(tmp_path.iterdir()) == []


def test_user_file_reading(tmp_path) -> None:
    users = tmp_path / "users.csv"
    users.write_text("user_id,segment\nu1,a\n\nu2,b\nu1,a\n", encoding="utf-8")
    assert read_user_file(users) == ["u1", "u2"]
    (tmp_path / "empty.txt").write_text("\n")
    with pytest.raises(InputError, match=r"empty\.txt: no user ids"):
        read_user_file(tmp_path / "empty.txt")
    (tmp_path / "bad.txt").write_bytes(b"\xff\xfe\x00u1")
    with pytest.raises(InputError, match=r"bad\.txt: not UTF-8"):
        read_user_file(tmp_path / "bad.txt")


def test_terminal_progress_lines_when_not_a_terminal() -> None:
    stream = io.StringIO()
    progress = TerminalProgress(stream)
    for done in range(0, 101, 5):
        progress(Progress(done, 100, f"{done} users"))
    lines = stream.getvalue().splitlines()
    assert len(lines) == 11 and lines[-1].startswith("100% 100 users")


def test_cli_exports(trained, tmp_path, capsys) -> None:
    path, mf, _ = trained
    users = tmp_path / "users.txt"
    users.write_text("u3\nu4\nnobody\n", encoding="utf-8")
    out = tmp_path / "some.parquet"
    code = main(["--db", str(path), "export", "recommendations", str(mf), "--n", "5", "--out", str(out),
                 "--users", str(users), "--json"])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    payload = json.loads(captured.out)
    assert payload["rows"] == 10 and payload["unknown_users"] == ["nobody"]
    assert "1 user(s) unknown" in captured.err and "100%" in captured.err  # progress on stderr
    assert sorted(set(pq.read_table(out).column("user").to_pylist())) == ["u3", "u4"]

    code = main(["--db", str(path), "export", "similar-items", "pop-tiny", "--n", "2",
                 "--out", str(tmp_path / "sim.csv")])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    assert "co-occurrence" in captured.out and "80 similar-item rows" in captured.out
    code = main(["--db", str(path), "export", "recommendations", str(mf), "--out", str(tmp_path / "x.txt")])
    assert code == 1 and "use a .csv or .parquet" in capsys.readouterr().err


def test_user_history_is_the_users_rows_newest_first(db: Database) -> None:
    history = user_history(db, 1, "u5")
    assert len(history) == 15 and all(h.title.startswith("Film ") for h in history)
    stamps = [h.timestamp for h in history]
    assert stamps == sorted(stamps, reverse=True) and stamps[0] == 1_600_000_000 + 5 * 1000 + 14


def test_top_n_of_scores_matches_a_full_sort_with_ties_and_masks() -> None:
    rng = np.random.default_rng(3)
    scores = rng.integers(0, 6, size=(50, 40)).astype(np.float32)  # many ties
    scores[rng.random(scores.shape) < 0.3] = -np.inf
    scores[0, :] = -np.inf  # nothing left to recommend
    scores[1, :-3] = -np.inf  # fewer candidates than n
    for n in (1, 5, 40, 60):
        items, top = top_n_of_scores(scores.copy(), n)
        for row in range(len(scores)):
            finite = [i for i in range(40) if np.isfinite(scores[row, i])]
            expected = sorted(finite, key=lambda i: (-scores[row, i], i))[:n]
            width = min(n, 40)
            assert items[row].tolist() == expected + [-1] * (width - len(expected))
            assert np.array_equal(top[row, :len(expected)], scores[row, expected])


def test_exports_on_postgresql(pg_url: str, tmp_path) -> None:  # noqa: F811 (the fixture)
    pg = open_database(pg_url)
    try:
        make_dataset(pg, "tiny")
        model_id = train(pg, "tiny", "ease", device="cpu").model_id
        model, info = load_model(pg, model_id)
        assert dataset_interactions(pg, info.dataset_id, model).nnz == 60 * 15
        report = export_recommendations(pg, model_id, tmp_path / "pg.parquet", n=3)
        assert report.n_rows == 180
        table = pq.read_table(tmp_path / "pg.parquet").to_pylist()
        history = {h.item for h in user_history(pg, info.dataset_id, "u0")}
        assert len(history) == 15 and not history & {r["item"] for r in table if r["user"] == "u0"}
    finally:
        pg.close()
