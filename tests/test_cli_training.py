"""The training CLI through ``workbench.cli.main``: train, models, runs, evaluate, recommend, resume."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from tests.planted import make_dataset
from workbench.cli import main

REPO = Path(__file__).resolve().parents[1]
MF = ["--model", "mf", "--set", "dim=8", "--set", "learning_rate=0.02", "--set", "batch_size=32"]


@pytest.fixture
def cli(db_path: Path, capsys):
    """Run the CLI on the test database; returns (exit code, parsed JSON or text, stderr)."""
    from workbench.store.db import open_database

    database = open_database(db_path)
    make_dataset(database, "tiny")
    database.close()

    def run(*args: str) -> tuple[int, object, str]:
        code = main(["--db", str(db_path), *args])
        out, err = capsys.readouterr()
        try:
            payload: object = json.loads(out)
        except json.JSONDecodeError:
            payload = out
        return code, payload, err

    return run


def test_train_ease_then_list_show_recommend_rename_delete(cli) -> None:
    code, result, err = cli("train", "--dataset", "tiny", "--model", "ease", "--json")
    assert code == 0, err
    assert result["metrics"]["ndcg@10"] > 0.1 and result["epochs"] == 1
    assert "epoch   1" in err  # epoch lines go to stderr under --json
    model_id = result["model_id"]

    code, models, _ = cli("models", "list", "--json")
    assert [(m["id"], m["family"], m["dataset_name"]) for m in models] == [(model_id, "ease", "tiny")]
    code, shown, _ = cli("models", "show", str(model_id), "--json")
    assert shown["split"]["kind"] == "user_ratio" and shown["evaluations"][0]["protocol"] == "split"
    code, runs, _ = cli("runs", "list", "--json")
    assert [(r["status"], r["model_id"]) for r in runs] == [("completed", model_id)]

    code, recs, err = cli("recommend", "ease-tiny", "--user", "u1", "--n", "5", "--json")
    assert code == 0, err
    assert recs["user"] == "u1" and len(recs["recommendations"]) == 5
    assert all(r["title"].startswith("Film ") for r in recs["recommendations"])
    scores = [r["score"] for r in recs["recommendations"]]
    assert scores == sorted(scores, reverse=True)
    code, _, err = cli("recommend", str(model_id), "--user", "nobody")
    assert code == 1 and "unknown user 'nobody'" in err

    assert cli("models", "rename", str(model_id), "best")[0] == 0
    code, text, _ = cli("models", "list")
    assert "best" in text and "ease" in text
    assert cli("models", "delete", "best")[0] == 0
    code, _, err = cli("models", "show", "best")
    assert code == 1 and "no model named 'best'" in err


def test_mf_evaluate_on_split_and_on_external_files(cli, tmp_path: Path) -> None:
    code, result, err = cli("train", "--dataset", "tiny", *MF, "--epochs", "4", "--split", "random", "--json")
    assert code == 0, err
    model_id = str(result["model_id"])
    assert result["epochs"] >= 1 and "rmse" in result["metrics"]

    code, again, err = cli("evaluate", model_id, "--json")
    assert code == 0, err
    assert again["rmse"] == pytest.approx(result["metrics"]["rmse"], rel=1e-5)  # same split rebuilt
    assert {"mae", "ndcg@10", "precision@10", "recall@10"} <= set(again)

    comma = tmp_path / "holdout.csv"
    comma.write_text("user,item,rating\nu1,i000,5\nu1,i001,1\nu2,i002,4\nghost,i000,3\n")
    code, ext, err = cli("evaluate", model_id, "--test", str(comma), "--json")
    assert code == 0, err
    assert ext["protocol"] == "holdout:holdout.csv" and ext["holdout_unknown_user"] == 1.0
    assert ext["n_ratings_evaluated"] == 3.0 and 0.0 < ext["rmse"] < 4.0
    tab = tmp_path / "holdout.tsv"
    tab.write_text("u1\ti000\t5\t881250949\nu1\ti001\t1\t881250949\nu2\ti002\t4\t881250949\n")
    code, ext_tab, err = cli("evaluate", model_id, "--test", str(tab), "--json")
    assert code == 0, err
    assert ext_tab["rmse"] == pytest.approx(ext["rmse"])  # same rows, other layout
    bad = tmp_path / "bad.csv"
    bad.write_text("u1,i000,5\nu1,i001,lots\n")
    code, _, err = cli("evaluate", model_id, "--test", str(bad))
    assert code == 1 and "bad.csv, line 2" in err and "not a number" in err
    code, shown, _ = cli("models", "show", model_id, "--json")
    assert [e["protocol"] for e in shown["evaluations"]] == ["split", "split", "holdout:holdout.csv",
                                                             "holdout:holdout.tsv"]


def test_bad_settings_and_arguments_are_clear_errors(cli) -> None:
    code, _, err = cli("train", "--dataset", "tiny", "--model", "mf", "--set", "speed=9")
    assert code == 1 and "unknown setting 'speed'" in err and "learning_rate" in err
    code, _, err = cli("train", "--dataset", "tiny", "--model", "mf", "--set", "dim")
    assert code == 1 and "KEY=VALUE" in err
    code, _, err = cli("train", "--dataset", "nope", "--model", "pop")
    assert code == 1 and "nope" in err
    code, _, err = cli("train", "--resume", "99")
    assert code == 1 and "no training run with id 99" in err
    code, runs, _ = cli("runs", "list", "--json")
    assert runs == []  # argument errors happen before a run is created


def test_killed_training_is_marked_interrupted_and_resumes(cli, db_path: Path) -> None:
    # a separate process trains and is SIGKILLed by its own epoch callback right after epoch 2 is stored
    script = (
        "import os, signal, sys\n"
        "from workbench.store.db import open_database\n"
        "from workbench.training.runner import train\n"
        "def die(report):\n"
        "    if report.epoch == 2:\n"
        "        os.kill(os.getpid(), signal.SIGKILL)\n"
        "train(open_database(sys.argv[1]), 'tiny', 'mf', {'dim': '8', 'batch_size': '32', 'patience': '0'},\n"
        "      epochs=5, on_report=die)\n")
    proc = subprocess.run([sys.executable, "-c", script, str(db_path)], cwd=REPO, capture_output=True,
                          text=True, env={**os.environ, "PYTHONPATH": str(REPO)})
    assert proc.returncode == -signal.SIGKILL, proc.stderr

    code, runs, _ = cli("runs", "list", "--json")
    [run] = runs
    assert (run["status"], run["checkpoint_epoch"], run["resumable"]) == ("interrupted", 2, True)

    code, result, err = cli("train", "--resume", str(run["id"]), "--json")
    assert code == 0, err
    assert result["run_id"] == run["id"] and "rmse" in result["metrics"]
    assert "epoch   3" in err and "epoch   1" not in err  # continued after the checkpoint
    code, shown, _ = cli("runs", "show", str(run["id"]), "--json")
    assert shown["status"] == "completed" and shown["model_id"] == result["model_id"]
    # the five epochs, then MF's refit on training + validation (reported after them, marked refit)
    assert [e["epoch"] for e in shown["epochs"] if not e["extra"].get("refit")] == [1, 2, 3, 4, 5]
    code, _, err = cli("train", "--resume", str(run["id"]))
    assert code == 1 and "already completed" in err


def test_explain_flag_is_wired(cli) -> None:
    code, result, _ = cli("train", "--dataset", "tiny", "--model", "pop", "--json")
    code, out, err = cli("recommend", str(result["model_id"]), "--user", "u2", "--explain", "--json")
    if code == 0:
        assert all("explanation" in r for r in out["recommendations"])
    else:
        assert "not available" in err


def test_read_holdout_detects_layout_and_names_bad_cells(tmp_path: Path) -> None:
    from workbench.errors import InputError
    from workbench.evaluation.holdout import read_holdout

    tab = tmp_path / "h.tsv"
    tab.write_text("u1\ti1\t4\t881250949\n\nu2\ti2\t3.5\t881250950\n")
    rows = read_holdout(tab)
    assert (rows.users, rows.items, rows.sep, rows.has_header) == (["u1", "u2"], ["i1", "i2"], "\t", False)
    assert rows.ratings is not None and rows.ratings.tolist() == [4.0, 3.5]
    pairs = tmp_path / "pairs.csv"
    pairs.write_text("user_id,item_id\nu1,i1\n")
    rows = read_holdout(pairs)
    assert rows.has_header and rows.ratings is None and rows.users == ["u1"]
    bad = tmp_path / "bad.csv"
    bad.write_text("user,item,rating\nu1,i1,5\n\nu2,,4\n")
    with pytest.raises(InputError) as err:
        read_holdout(bad)
    assert (err.value.line, err.value.column) == (4, "2") and "bad.csv" in str(err.value)
    bad.write_text("u1;i1;5\nu2;i2\n")
    with pytest.raises(InputError, match="missing rating") as err:
        read_holdout(bad)
    assert (err.value.line, err.value.column) == (2, "3")
