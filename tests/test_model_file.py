"""Model files: export, verified import (refusals write nothing), round trip in a fresh database."""

from __future__ import annotations

import json
import pickle
import zipfile
from pathlib import Path

import pytest

from tests.planted import make_dataset
from workbench.cli import main
from workbench.store.db import Database, open_database
from workbench.store.model_file import (
    FORMAT_VERSION,
    MANIFEST,
    WEIGHTS,
    ModelFileError,
    _manifest_checksum,
    export_model_file,
    import_model_file,
)
from workbench.store.models import list_models, load_model
from workbench.training.runner import train

MF = {"dim": "8", "batch_size": "32"}


def _all_recommendations(db: Database, model: int | str) -> dict[str, list[tuple[str, float]]]:
    loaded, _ = load_model(db, model)
    assert loaded.users is not None
    return {user: loaded.recommend(user, n=5) for user in loaded.users.ids}


def _counts(db: Database) -> tuple[int, int]:
    from workbench.store.datasets import list_datasets

    return len(list_models(db)), len(list_datasets(db))


@pytest.fixture(scope="module")
def exported(tmp_path_factory) -> tuple[Path, dict[str, list[tuple[str, float]]]]:
    """An mf model trained on the tiny dataset, written to a model file, and its recommendations."""
    tmp_path = tmp_path_factory.mktemp("model_file")
    source = open_database(tmp_path / "source.db")
    make_dataset(source, "tiny")
    result = train(source, "tiny", "mf", MF, epochs=2, device="cpu")
    path = tmp_path / "mf.recmodel"
    written = export_model_file(source, result.model_id, path)
    assert written.size_bytes == path.stat().st_size > 0
    recs = _all_recommendations(source, result.model_id)
    source.close()
    return path, recs


def test_round_trip_without_the_dataset_keeps_scoring(exported, tmp_path: Path) -> None:
    path, recs = exported
    fresh = open_database(tmp_path / "fresh.db")
    result = import_model_file(fresh, path)
    assert not result.dataset_matched and result.unavailable  # says which views need the data
    assert result.model_name == "mf-tiny" and result.dataset_name == "tiny"
    assert _all_recommendations(fresh, result.model_id) == recs
    from workbench.store.models import item_titles, list_evaluations

    assert item_titles(fresh, result.dataset_id, ["i001"]) == {"i001": "Film 1"}
    assert list_evaluations(fresh, result.model_id)[0].protocol == "split"
    fresh.close()


def test_round_trip_finds_the_same_dataset_by_fingerprint(exported, tmp_path: Path) -> None:
    path, recs = exported
    fresh = open_database(tmp_path / "fresh.db")
    make_dataset(fresh, "other-name")  # same data under another name
    make_dataset(fresh, "different", seed=3)
    result = import_model_file(fresh, path)
    assert result.dataset_matched and result.dataset_name == "other-name" and not result.unavailable
    assert _all_recommendations(fresh, result.model_id) == recs
    assert _counts(fresh) == (1, 2)  # no dataset created
    fresh.close()


def test_import_into_a_chosen_dataset_warns_when_it_differs(exported, tmp_path: Path) -> None:
    path, _ = exported
    fresh = open_database(tmp_path / "fresh.db")
    make_dataset(fresh, "different", seed=3)
    result = import_model_file(fresh, path, dataset="different")
    assert result.dataset_name == "different" and not result.dataset_matched
    assert "not the one the model was trained on" in result.warnings[0]
    fresh.close()


def _rewrite(path: Path, target: Path, *, manifest_edit=None, keep_checksum: bool = False,
             members: dict[str, bytes] | None = None) -> Path:
    with zipfile.ZipFile(path) as archive:
        contents = {name: archive.read(name) for name in archive.namelist()}
    if manifest_edit is not None:
        manifest = json.loads(contents[MANIFEST])
        manifest_edit(manifest)
        if not keep_checksum:
            manifest["manifest_sha256"] = _manifest_checksum(manifest)
        contents[MANIFEST] = json.dumps(manifest).encode()
    contents.update(members or {})
    with zipfile.ZipFile(target, "w") as archive:
        for name, data in contents.items():
            archive.writestr(name, data)
    return target


class _Payload:
    def __reduce__(self):  # what a malicious pickle would carry
        return (print, ("code ran",))


def _cases(path: Path, tmp: Path) -> list[tuple[Path, str]]:
    data = path.read_bytes()
    altered = bytearray(data)
    with zipfile.ZipFile(path) as archive:
        offset = archive.getinfo(WEIGHTS).header_offset + 30 + len(WEIGHTS) + 200
    altered[offset] ^= 0xFF
    (tmp / "altered.recmodel").write_bytes(bytes(altered))
    (tmp / "truncated.recmodel").write_bytes(data[: len(data) // 2])
    (tmp / "text.recmodel").write_text("user,item\n1,2\n")
    (tmp / "pickle.recmodel").write_bytes(pickle.dumps(_Payload()))
    with zipfile.ZipFile(tmp / "foreign.zip", "w") as archive:
        archive.writestr("readme.txt", "hello")

    def metric(manifest: dict) -> None:
        manifest["model"]["summary"]["ndcg@10"] = 0.99

    def newer(manifest: dict) -> None:
        manifest["format_version"] = FORMAT_VERSION + 1

    weights_pickle = pickle.dumps(_Payload())
    with zipfile.ZipFile(path) as archive:
        weights = bytearray(archive.read(WEIGHTS))
    weights[-3] ^= 0x01  # one bit of one weight, repacked with a valid zip CRC

    def pickled_weights(manifest: dict) -> None:
        import hashlib

        manifest["files"][WEIGHTS] = {"size": len(weights_pickle), "sha256": hashlib.sha256(weights_pickle)
                                      .hexdigest()}

    return [
        (tmp / "altered.recmodel", "altered or damaged"),
        (tmp / "truncated.recmodel", "truncated"),
        (_rewrite(path, tmp / "bit.recmodel", members={WEIGHTS: bytes(weights)}),
         "checksum of weights.safetensors does not match"),
        (tmp / "text.recmodel", "not a Rec Workbench model file"),
        (tmp / "pickle.recmodel", "not a Rec Workbench model file"),
        (tmp / "foreign.zip", "not a Rec Workbench model file"),
        (_rewrite(path, tmp / "metric.recmodel", manifest_edit=metric, keep_checksum=True), "was altered"),
        (_rewrite(path, tmp / "newer.recmodel", manifest_edit=newer), "newer than this version"),
        (_rewrite(path, tmp / "extra.recmodel", members={"payload.pkl": weights_pickle}),
         "unexpected content"),
        (_rewrite(path, tmp / "pickled.recmodel", manifest_edit=pickled_weights,
                  members={WEIGHTS: weights_pickle}), "not in safetensors format"),
    ]


def test_import_refuses_bad_files_and_writes_nothing(exported, tmp_path: Path, capsys) -> None:
    path, _ = exported
    fresh = open_database(tmp_path / "fresh.db")
    make_dataset(fresh, "other")
    before = _counts(fresh)
    for bad, expected in _cases(path, tmp_path):
        with pytest.raises(ModelFileError, match=expected):
            import_model_file(fresh, bad)
        assert _counts(fresh) == before, bad.name
    assert "code ran" not in capsys.readouterr().out
    fresh.close()


def test_cli_export_and_import(exported, tmp_path: Path, capsys) -> None:
    path, recs = exported
    target = tmp_path / "cli.db"
    code = main(["--db", str(target), "models", "import", str(path), "--json"])
    out, err = capsys.readouterr()
    assert code == 0, err
    imported = json.loads(out)
    assert "evaluation on the stored split" in imported["unavailable"]
    again = tmp_path / "again.recmodel"
    assert main(["--db", str(target), "models", "export", "mf-tiny", "--out", str(again)]) == 0
    assert "written to" in capsys.readouterr().out
    assert main(["--db", str(tmp_path / "third.db"), "models", "import", str(again), "--name", "copy"]) == 0
    third = open_database(tmp_path / "third.db")
    assert _all_recommendations(third, "copy") == recs
    third.close()
    assert main(["--db", str(target), "models", "import", str(tmp_path / "missing.recmodel")]) == 1
    assert "no such file" in capsys.readouterr().err
    assert main(["--db", str(target), "evaluate", "mf-tiny"]) == 1  # no interactions to split
    assert "imported without its data" in capsys.readouterr().err
    code = main(["--db", str(target), "export", "recommendations", "mf-tiny", "--n", "3",
                 "--out", str(tmp_path / "recs.csv")])
    assert code == 0 and len((tmp_path / "recs.csv").read_text().splitlines()) == 1 + 60 * 3
