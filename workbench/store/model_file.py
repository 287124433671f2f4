"""A model file you can hand on: one zip holding a saved model, readable by nothing that can run code.

Layout (every member is data, never code):

- ``manifest.json``: format name and version, product version, the model's name, family, config, split,
  summary and evaluations, the dataset's name, kind, scale, counts and fingerprint, the size and SHA-256 of
  every other member, and the SHA-256 of the manifest itself (without that field);
- ``weights.safetensors``: the model's tensors (safetensors cannot execute code on load);
- ``id_maps.json``: the user and item ids (row order of the weights), JSON extras such as vocabularies,
  and the item titles so recommendations stay readable where the dataset is absent.

Export goes through the store's public model loader; import decodes and checks everything (members,
checksums, format version, tensors, a model rebuilt from them) before anything is written, then saves
with the store's public ``save_model``.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import zipfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func, insert, select

import workbench
from workbench.core.files import atomic_output
from workbench.errors import NotFoundError, WorkbenchError
from workbench.models.base import ModelArtifact, Recommender
from workbench.store.artifacts import ArtifactError, tensors_from_bytes, tensors_to_bytes
from workbench.store.db import Database
from workbench.store.schema import DatasetRow, InteractionRow, ItemRow, UserRow

FORMAT_NAME = "rec-workbench-model"
FORMAT_VERSION = 1
FILE_SUFFIX = ".recmodel"
MANIFEST = "manifest.json"
WEIGHTS = "weights.safetensors"
ID_MAPS = "id_maps.json"
MEMBERS = (MANIFEST, WEIGHTS, ID_MAPS)
#: JSON members above this are refused before being read (a manifest is a few kilobytes)
_MAX_MANIFEST_BYTES = 16 * 2**20
#: views that read the dataset's interactions; listed when an imported model arrives without its dataset
DATASET_VIEWS = ("evaluation on the stored split", "user histories on Recommend and Inspect",
                 "the dataset's charts and tables", "per-user fit on held-out items")


class ModelFileError(WorkbenchError):
    """A model file cannot be imported (not ours, damaged, newer format, unexpected payload)."""


@dataclass
class ModelFileExport:
    """What ``export_model_file`` wrote."""

    path: Path
    model_id: int
    model_name: str
    size_bytes: int


@dataclass
class ModelFileImport:
    """What ``import_model_file`` stored; ``unavailable`` lists views that need the missing dataset."""

    model_id: int
    model_name: str
    dataset_id: int
    dataset_name: str
    dataset_matched: bool  # the model's own dataset (same fingerprint) is in this database
    unavailable: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return dict(self.__dict__)


# --- fingerprint ------------------------------------------------------------------------------------

def dataset_fingerprint(db: Database, dataset_id: int) -> str:
    """SHA-256 of a dataset's identity: kind, scale, sorted user and item ids, interaction aggregates.

    Order-independent and computed with aggregate queries plus the id lists, so it stays cheap at millions
    of interactions while telling apart datasets that differ in ids, size, values or times.
    """
    digest = hashlib.sha256()
    with db.session() as session:
        row = session.get(DatasetRow, dataset_id)
        if row is None:
            raise NotFoundError(f"no dataset with id {dataset_id}")
        count, total, times = session.execute(
            select(func.count(InteractionRow.id), func.sum(InteractionRow.value),
                   func.sum(InteractionRow.timestamp))
            .where(InteractionRow.dataset_id == dataset_id)).one()
        digest.update(json.dumps([row.kind, row.rating_min, row.rating_max, int(count or 0),
                                  round(float(total or 0.0), 3), int(times or 0)]).encode())
        for table in (UserRow, ItemRow):
            ids = sorted(session.scalars(select(table.external_id).where(table.dataset_id == dataset_id)))
            digest.update(b"\x00" + "\x1f".join(ids).encode("utf-8"))
    return digest.hexdigest()


# --- export -----------------------------------------------------------------------------------------

def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _manifest_checksum(manifest: dict[str, Any]) -> str:
    body = {k: v for k, v in manifest.items() if k != "manifest_sha256"}
    return _sha256(json.dumps(body, sort_keys=True, ensure_ascii=False).encode("utf-8"))


def export_model_file(db: Database, model: int | str, path: str | os.PathLike[str]) -> ModelFileExport:
    """Write model ``model`` (id or name) to one file at ``path``; written beside it, then renamed."""
    from workbench.store.datasets import get_dataset_info
    from workbench.store.models import item_titles, list_evaluations, load_artifact

    artifact, info = load_artifact(db, model)
    dataset = get_dataset_info(db, info.dataset_id)
    titles = item_titles(db, info.dataset_id, artifact.items) if artifact.items else {}
    weights = tensors_to_bytes(artifact.tensors)
    id_maps = json.dumps({"users": [str(u) for u in artifact.users],
                          "items": [str(i) for i in artifact.items],
                          "meta": artifact.meta,
                          "item_titles": [titles.get(str(i), "") for i in artifact.items]},
                         ensure_ascii=False, default=_json_default).encode("utf-8")
    evaluations = [{"protocol": e.protocol, "k": e.k, "metrics": e.metrics,
                    "created_at": e.created_at.isoformat(timespec="seconds")}
                   for e in list_evaluations(db, info.id)]
    manifest: dict[str, Any] = {
        "format": FORMAT_NAME,
        "format_version": FORMAT_VERSION,
        "product": "Rec Workbench",
        "product_version": workbench.__version__,
        "exported_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "model": {"name": info.name, "family": artifact.family, "config": artifact.config,
                  "split": info.split, "summary": info.summary, "evaluations": evaluations,
                  "created_at": info.created_at.isoformat(timespec="seconds"),
                  "n_users": len(artifact.users), "n_items": len(artifact.items)},
        "dataset": {"name": dataset.name, "fingerprint": dataset_fingerprint(db, dataset.id),
                    "kind": dataset.kind, "rating_min": dataset.rating_min, "rating_max": dataset.rating_max,
                    "n_users": dataset.n_users, "n_items": dataset.n_items,
                    "n_interactions": dataset.n_interactions},
        "files": {WEIGHTS: {"size": len(weights), "sha256": _sha256(weights)},
                  ID_MAPS: {"size": len(id_maps), "sha256": _sha256(id_maps)}},
    }
    manifest = json.loads(json.dumps(manifest, default=_json_default))
    manifest["manifest_sha256"] = _manifest_checksum(manifest)
    target = Path(path)
    # the archive is closed before the partial file replaces the target
    with atomic_output(target, f"the model file {target}") as partial, \
            zipfile.ZipFile(partial, "w", allowZip64=True) as archive:
        archive.writestr(MANIFEST, json.dumps(manifest, indent=1, ensure_ascii=False),
                         compress_type=zipfile.ZIP_DEFLATED)
        archive.writestr(ID_MAPS, id_maps, compress_type=zipfile.ZIP_DEFLATED)
        # Weights are stored, not deflated: float tensors barely compress and stay quick to read.
        archive.writestr(WEIGHTS, weights, compress_type=zipfile.ZIP_STORED)
    return ModelFileExport(path=target, model_id=info.id, model_name=info.name,
                           size_bytes=target.stat().st_size)


def _json_default(value: Any) -> Any:
    if hasattr(value, "tolist"):
        return value.tolist()
    if isinstance(value, set | frozenset):
        return sorted(value)
    if isinstance(value, datetime):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON-serialisable")


# --- reading ----------------------------------------------------------------------------------------

@dataclass
class ModelFile:
    """A decoded and verified model file (nothing stored yet)."""

    manifest: dict[str, Any]
    artifact: ModelArtifact
    model: Recommender
    item_titles: list[str]


def read_model_file(path: str | os.PathLike[str]) -> ModelFile:
    """Open, verify and decode a model file; every problem is a ``ModelFileError`` naming the file."""
    source = Path(path)
    name = source.name
    if not source.is_file():
        raise ModelFileError(f"{source}: no such file")
    try:
        with zipfile.ZipFile(source) as archive:
            return _read_archive(archive, name)
    except zipfile.BadZipFile as exc:
        raise ModelFileError(f"{name} is not a Rec Workbench model file, or it is truncated "
                             f"({exc})") from exc
    except (zipfile.LargeZipFile, EOFError, OSError) as exc:
        raise ModelFileError(f"{name} cannot be read: it is truncated or damaged ({exc})") from exc


def _read_archive(archive: zipfile.ZipFile, name: str) -> ModelFile:
    members = {info.filename: info for info in archive.infolist()}
    if MANIFEST not in members:
        raise ModelFileError(f"{name} is not a Rec Workbench model file (no {MANIFEST})")
    extra = sorted(set(members) - set(MEMBERS))
    if extra:
        raise ModelFileError(f"{name} holds unexpected content ({', '.join(extra[:5])}); a model file "
                             "holds only weights and JSON, so it was refused")
    manifest = _json_member(archive, members[MANIFEST], name)
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT_NAME:
        raise ModelFileError(f"{name} is not a Rec Workbench model file (unknown manifest format)")
    version = manifest.get("format_version")
    if not isinstance(version, int):
        raise ModelFileError(f"{name} has no readable format version")
    if version > FORMAT_VERSION:
        raise ModelFileError(f"{name} uses model file format {version}, newer than this version of Rec "
                             f"Workbench ({workbench.__version__}) reads (format {FORMAT_VERSION}); "
                             "update Rec Workbench to import it")
    if manifest.get("manifest_sha256") != _manifest_checksum(manifest):
        raise ModelFileError(f"{name} was altered after export (its manifest checksum does not match)")
    files = manifest.get("files")
    if not isinstance(files, dict) or set(files) != {WEIGHTS, ID_MAPS}:
        raise ModelFileError(f"{name} has a malformed manifest (list of files)")
    for member in (WEIGHTS, ID_MAPS):
        if member not in members:
            raise ModelFileError(f"{name} is incomplete: {member} is missing")
        if members[member].file_size != files[member].get("size"):
            raise ModelFileError(f"{name} is truncated or altered: {member} has "
                                 f"{members[member].file_size} bytes, the manifest says "
                                 f"{files[member].get('size')}")
    weights = _member_bytes(archive, members[WEIGHTS], name, files[WEIGHTS]["sha256"])
    id_maps = _json_member(archive, members[ID_MAPS], name, files[ID_MAPS]["sha256"], limit=None)
    if not isinstance(id_maps, dict) or not isinstance(id_maps.get("users"), list) \
            or not isinstance(id_maps.get("items"), list):
        raise ModelFileError(f"{name} has malformed id maps")
    try:
        tensors = tensors_from_bytes(weights, what=f"weights in {name}")
    except ArtifactError as exc:
        raise ModelFileError(str(exc)) from exc
    model_part = manifest.get("model") or {}
    artifact = ModelArtifact(family=str(model_part.get("family", "")),
                             config=dict(model_part.get("config") or {}),
                             users=[str(u) for u in id_maps["users"]],
                             items=[str(i) for i in id_maps["items"]],
                             meta=dict(id_maps.get("meta") or {}), tensors=tensors)
    from workbench.store.models import model_from_artifact

    try:
        model = model_from_artifact(artifact)
    except WorkbenchError as exc:
        raise ModelFileError(f"{name}: {exc}") from exc
    titles = id_maps.get("item_titles")
    titles = [str(t) for t in titles] if isinstance(titles, list) and len(titles) == len(artifact.items) \
        else [""] * len(artifact.items)
    return ModelFile(manifest=manifest, artifact=artifact, model=model, item_titles=titles)


def _member_bytes(archive: zipfile.ZipFile, info: zipfile.ZipInfo, name: str, sha256: str | None,
                  limit: int | None = None) -> bytes:
    if limit is not None and info.file_size > limit:
        raise ModelFileError(f"{name}: {info.filename} is implausibly large ({info.file_size:,} bytes)")
    buffer = io.BytesIO()
    digest = hashlib.sha256()
    try:
        with archive.open(info) as fh:
            while chunk := fh.read(2**22):
                digest.update(chunk)
                buffer.write(chunk)
    except (zipfile.BadZipFile, EOFError, OSError, ValueError) as exc:  # CRC mismatch, cut-off data
        raise ModelFileError(f"{name} is truncated, altered or damaged ({info.filename}: {exc})") from exc
    if sha256 is not None and digest.hexdigest() != sha256:
        raise ModelFileError(f"{name} was altered or damaged: the checksum of {info.filename} does not match")
    return buffer.getvalue()


def _json_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, name: str, sha256: str | None = None,
                 limit: int | None = _MAX_MANIFEST_BYTES) -> Any:
    data = _member_bytes(archive, info, name, sha256, limit)
    try:
        return json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ModelFileError(f"{name}: {info.filename} is not readable JSON ({exc})") from exc


# --- import -----------------------------------------------------------------------------------------

def import_model_file(db: Database, path: str | os.PathLike[str], dataset: int | str | None = None,
                      name: str | None = None) -> ModelFileImport:
    """Store the model of a model file; returns where it went and what is unavailable without its data.

    ``dataset`` (name or id) links the model to that dataset; without it, a dataset of this database with
    the same fingerprint is used, and when there is none a dataset holding only the model's users, items
    and titles is created (the model scores and recommends; views that need interactions are unavailable).
    Everything is verified before anything is written; a failure after that removes what was written.
    """
    from workbench.store.datasets import delete_dataset, get_dataset_info, list_datasets
    from workbench.store.models import record_evaluation, save_model

    decoded = read_model_file(path)
    manifest = decoded.manifest
    ds_part = dict(manifest.get("dataset") or {})
    model_part = dict(manifest.get("model") or {})
    fingerprint = str(ds_part.get("fingerprint", ""))
    warnings: list[str] = []
    created_dataset: int | None = None
    if dataset is not None:
        target = get_dataset_info(db, dataset)
        matched = dataset_fingerprint(db, target.id) == fingerprint
        if not matched:
            warnings.append(f"dataset '{target.name}' is not the one the model was trained on "
                            f"('{ds_part.get('name')}'): stored metrics and the split may not apply to it")
        _check_ids_overlap(db, target.id, decoded.artifact, warnings)
    else:
        candidates = list_datasets(db)
        candidates.sort(key=lambda d: d.name != ds_part.get("name"))  # same name first
        found = next((c for c in candidates if c.n_interactions == ds_part.get("n_interactions")
                      and dataset_fingerprint(db, c.id) == fingerprint), None)
        matched = found is not None
        if found is not None:
            target = found
        else:
            created_dataset = _create_standalone_dataset(db, ds_part, decoded)
            target = get_dataset_info(db, created_dataset)
    try:
        model_id = save_model(db, decoded.model, target.id, name or str(model_part.get("name") or "") or None,
                              dict(model_part.get("split") or {}),
                              summary=dict(model_part.get("summary") or {}))
        for evaluation in model_part.get("evaluations") or []:
            if isinstance(evaluation, dict) and isinstance(evaluation.get("metrics"), dict):
                record_evaluation(db, model_id, str(evaluation.get("protocol", "imported")),
                                  int(evaluation.get("k", 10)), evaluation["metrics"])
    except BaseException:  # a cancel too: the dataset this import made goes, then it goes on up
        if created_dataset is not None:
            delete_dataset(db, created_dataset)
        raise
    from workbench.store.models import get_model_info

    model_info = get_model_info(db, model_id)
    return ModelFileImport(model_id=model_id, model_name=model_info.name, dataset_id=target.id,
                           dataset_name=target.name, dataset_matched=matched,
                           unavailable=[] if created_dataset is None else list(DATASET_VIEWS),
                           warnings=warnings)


def _check_ids_overlap(db: Database, dataset_id: int, artifact: ModelArtifact, warnings: list[str]) -> None:
    with db.session() as session:
        items = set(session.scalars(select(ItemRow.external_id).where(ItemRow.dataset_id == dataset_id)))
    if not items.intersection(artifact.items):
        raise ModelFileError("none of the model's items is in the chosen dataset; import it without "
                             "--dataset (or choose its own dataset)")
    missing = len(set(artifact.items) - items)
    if missing:
        warnings.append(f"{missing} of the model's {len(artifact.items)} items are not in the chosen dataset")


def _create_standalone_dataset(db: Database, ds_part: dict[str, Any], decoded: ModelFile) -> int:
    """A dataset holding only the model's users, items and titles (no interactions), in one transaction."""
    base = str(ds_part.get("name") or "imported")
    artifact = decoded.artifact
    with db.session() as session:
        taken = set(session.scalars(select(DatasetRow.name)))
        name = base if base not in taken else next(f"{base} (imported {n})" for n in range(1, 10**6)
                                                      if f"{base} (imported {n})" not in taken)
        kind = ds_part.get("kind") if ds_part.get("kind") in ("explicit", "implicit") else "implicit"
        row = DatasetRow(name=name, kind=kind, rating_min=ds_part.get("rating_min"),
                         rating_max=ds_part.get("rating_max"),
                         source=f"model file (dataset '{base}' not in this database)",
                         n_users=len(artifact.users), n_items=len(artifact.items), n_interactions=0,
                         import_report={"model_file_only": True, "fingerprint": ds_part.get("fingerprint"),
                                        "unavailable": list(DATASET_VIEWS)})
        session.add(row)
        session.flush()
        if artifact.users:
            session.execute(insert(UserRow), [{"dataset_id": row.id, "external_id": u, "features": {}}
                                              for u in artifact.users])
        if artifact.items:
            session.execute(insert(ItemRow), [{"dataset_id": row.id, "external_id": i, "title": t, "text": "",
                                               "categories": [], "attributes": {}}
                                              for i, t in zip(artifact.items, decoded.item_titles,
                                                              strict=True)])
        return row.id
