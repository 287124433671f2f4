"""Saved models and their evaluations: save, load, list, rename, delete.

Every function opens one short session and returns plain dataclasses (never ORM rows), so GUI workers
can call them from any thread.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from workbench.errors import NotFoundError, WorkbenchError
from workbench.models.base import ModelArtifact, Recommender
from workbench.store import blobs
from workbench.store.artifacts import artifact_from_row_parts, artifact_to_row_parts
from workbench.store.db import Database
from workbench.store.schema import DatasetRow, EvaluationRow, ItemRow, ModelRow

# Metrics copied into ``ModelRow.summary`` for tables (when the evaluation produced them).
SUMMARY_METRICS = ("rmse", "mae", "ndcg@10", "precision@10", "recall@10", "map@10", "hit_rate@10",
                   "coverage@10")


@dataclass
class ModelInfo:
    """A saved model as the UI and CLI show it."""

    id: int
    name: str
    dataset_id: int
    dataset_name: str
    family: str
    config: dict[str, Any]
    split: dict[str, Any]
    created_at: datetime
    summary: dict[str, Any] = field(default_factory=dict)
    n_users: int = 0
    n_items: int = 0
    size_bytes: int = 0

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (for ``--json`` output)."""
        out = dataclasses.asdict(self)
        out["created_at"] = self.created_at.isoformat(timespec="seconds")
        return out


@dataclass
class EvaluationInfo:
    """One stored evaluation of a model."""

    id: int
    model_id: int
    created_at: datetime
    protocol: str
    k: int
    metrics: dict[str, Any]


def _weights_size(session: Session, row: ModelRow) -> int:
    column, size = blobs.parts_size("model_id")
    return len(row.weights or b"") + int(session.scalar(select(size).where(column == row.id)) or 0)


def _info(row: ModelRow, dataset_name: str, size_bytes: int | None = None) -> ModelInfo:
    id_maps = row.id_maps or {}
    return ModelInfo(id=row.id, name=row.name, dataset_id=row.dataset_id, dataset_name=dataset_name,
                     family=row.family, config=dict(row.config or {}), split=dict(row.split or {}),
                     created_at=row.created_at, summary=dict(row.summary or {}),
                     n_users=len(id_maps.get("users", [])), n_items=len(id_maps.get("items", [])),
                     size_bytes=len(row.weights or b"") if size_bytes is None else size_bytes)


def _find(session: Session, model: int | str) -> ModelRow:
    """A model by id (int or digits) or by exact name; ambiguous names are refused."""
    text = str(model).strip()
    if isinstance(model, int) or text.isdigit():
        row = session.get(ModelRow, int(text))
        if row is not None:
            return row
        if isinstance(model, int):
            raise NotFoundError(f"no model with id {model}")
    rows = session.scalars(select(ModelRow).where(ModelRow.name == text)).all()
    if not rows:
        raise NotFoundError(f"no model named '{text}' (see `models list`)")
    if len(rows) > 1:
        ids = ", ".join(str(r.id) for r in rows)
        raise WorkbenchError(f"several models are named '{text}' (ids {ids}); use the id")
    return rows[0]


def _dataset_name(session: Session, dataset_id: int) -> str:
    row = session.get(DatasetRow, dataset_id)
    return row.name if row is not None else f"#{dataset_id}"


def _unique_name(session: Session, wanted: str, exclude_id: int | None = None) -> str:
    # startswith with autoescape: "%" and "_" in a name are literal, the same on every backend.
    taken = set(session.scalars(select(ModelRow.name)
                                .where(ModelRow.name.startswith(wanted, autoescape=True))).all())
    if exclude_id is not None:
        own = session.get(ModelRow, exclude_id)
        if own is not None:
            taken.discard(own.name)
    if wanted not in taken:
        return wanted
    n = 2
    while f"{wanted}-{n}" in taken:
        n += 1
    return f"{wanted}-{n}"


def default_model_name(db: Database, family: str, dataset_name: str) -> str:
    """``<family>-<dataset>``, made unique with a counter."""
    with db.session() as session:
        return _unique_name(session, f"{family}-{dataset_name}")


def save_model(db: Database, model: Recommender, dataset_id: int, name: str | None = None,
               split: dict[str, Any] | Any = None, summary: dict[str, Any] | None = None) -> int:
    """Persist a fitted model (safetensors weights + JSON config and id maps); returns its id.

    ``split`` is the split spec (a dataclass or dict) so the same split can be rebuilt for evaluation.
    A name already in use gets a ``-2``, ``-3``... suffix. Weights over one database field's limit are
    stored in parts, all in one transaction with the model row: a killed process leaves no model at all.
    """
    artifact = model.to_artifact()
    config, id_maps, weights = artifact_to_row_parts(artifact)
    del artifact  # the tensors are in ``weights`` now; keep peak memory at one copy for big models
    head, rest = blobs.split_head(weights)
    split_dict = _as_dict(split)
    try:
        with db.session() as session:
            dataset = session.get(DatasetRow, dataset_id)
            if dataset is None:
                raise NotFoundError(f"no dataset with id {dataset_id}")
            family = model.family
            final = _unique_name(session, name or f"{family}-{dataset.name}")
            row = ModelRow(dataset_id=dataset_id, name=final, family=family, config=config,
                           split=split_dict, id_maps=id_maps, weights=head, summary=dict(summary or {}))
            session.add(row)
            session.flush()
            blobs.write_parts(session, "model_id", row.id, rest, first=1)
            return row.id
    except DBAPIError as exc:
        raise blobs.storage_error("model weights", len(weights), exc) from exc


def _as_dict(value: Any) -> dict[str, Any]:
    if value is None:
        return {}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dataclasses.asdict(value)
    return dict(value)


def load_artifact(db: Database, model: int | str) -> tuple[ModelArtifact, ModelInfo]:
    """The stored artifact of a model (weights decoded, nothing executed) and its info."""
    with db.session() as session:
        row = _find(session, model)
        weights = blobs.read_parts(session, "model_id", row.id, head=bytes(row.weights or b""))
        info = _info(row, _dataset_name(session, row.dataset_id), size_bytes=len(weights))
        family, config, id_maps = row.family, row.config, row.id_maps
    return artifact_from_row_parts(family, config, id_maps, weights), info


def model_from_artifact(artifact: ModelArtifact) -> Recommender:
    """Rebuild a model with the registry; damage inside the tensors becomes a clear error."""
    from workbench.models import registry

    try:
        return registry.model_from_artifact(artifact)
    except WorkbenchError:
        raise
    except (KeyError, ValueError, RuntimeError, TypeError, IndexError) as exc:
        raise WorkbenchError(f"stored {artifact.family} model is damaged or from an incompatible "
                             f"version and cannot be loaded ({type(exc).__name__}: {exc})") from exc


def load_model(db: Database, model: int | str) -> tuple[Recommender, ModelInfo]:
    """A fitted model ready to score, by id or name, and its info."""
    artifact, info = load_artifact(db, model)
    return model_from_artifact(artifact), info


def get_model_info(db: Database, model: int | str) -> ModelInfo:
    """Info of one model without decoding its weights."""
    with db.session() as session:
        row = _find(session, model)
        return _info(row, _dataset_name(session, row.dataset_id), _weights_size(session, row))


def list_models(db: Database, dataset: int | str | None = None) -> list[ModelInfo]:
    """Saved models, newest first; ``dataset`` (id or name) filters."""
    # Columns only: the weights and id maps (megabytes per model) stay in the database; a model's id
    # maps are its dataset's users and items.
    with db.session() as session:
        owner, size = blobs.parts_size("model_id")
        parts = (select(owner.label("model_id"), size.label("size")).where(owner.isnot(None))
                 .group_by(owner).subquery())
        query = (select(ModelRow.id, ModelRow.name, ModelRow.dataset_id, DatasetRow.name, ModelRow.family,
                        ModelRow.config, ModelRow.split, ModelRow.created_at, ModelRow.summary,
                        DatasetRow.n_users, DatasetRow.n_items,
                        func.length(ModelRow.weights) + func.coalesce(parts.c.size, 0))
                 .join(DatasetRow, DatasetRow.id == ModelRow.dataset_id)
                 .outerjoin(parts, parts.c.model_id == ModelRow.id))
        if dataset is not None:
            query = query.where(DatasetRow.id == _dataset_id(session, dataset))
        rows = session.execute(query.order_by(ModelRow.id.desc())).all()
        return [ModelInfo(id=r[0], name=r[1], dataset_id=r[2], dataset_name=r[3], family=r[4],
                          config=dict(r[5] or {}), split=dict(r[6] or {}), created_at=r[7],
                          summary=dict(r[8] or {}), n_users=r[9], n_items=r[10], size_bytes=int(r[11] or 0))
                for r in rows]


def _dataset_id(session: Session, dataset: int | str) -> int:
    text = str(dataset).strip()
    row = session.scalars(select(DatasetRow).where(DatasetRow.name == text)).first()
    if row is None and text.isdigit():
        row = session.get(DatasetRow, int(text))
    if row is None:
        raise NotFoundError(f"no dataset '{text}' (see `datasets list`)")
    return row.id


def rename_model(db: Database, model: int | str, new_name: str) -> ModelInfo:
    """Give a model a new name (refused when empty or already used by another model)."""
    new_name = new_name.strip()
    if not new_name:
        raise WorkbenchError("a model name cannot be empty")
    if new_name.isdigit():
        raise WorkbenchError("a model name cannot be only digits (it would read as an id)")
    with db.session() as session:
        row = _find(session, model)
        clash = session.scalars(select(ModelRow).where(ModelRow.name == new_name,
                                                       ModelRow.id != row.id)).first()
        if clash is not None:
            raise WorkbenchError(f"another model (id {clash.id}) is already named '{new_name}'")
        row.name = new_name
        return _info(row, _dataset_name(session, row.dataset_id), _weights_size(session, row))


def delete_model(db: Database, model: int | str) -> ModelInfo:
    """Delete a model, its weights and its evaluations (training runs keep their history, unlinked)."""
    with db.session() as session:
        row = _find(session, model)
        info = _info(row, _dataset_name(session, row.dataset_id), _weights_size(session, row))
        session.delete(row)  # its weight parts cascade in the database
        return info


def update_summary(db: Database, model_id: int, metrics: dict[str, Any]) -> None:
    """Merge headline metrics into the model's summary."""
    with db.session() as session:
        row = _find(session, model_id)
        summary = dict(row.summary or {})
        summary.update({k: v for k, v in metrics.items() if k in SUMMARY_METRICS or k.startswith("train_")})
        row.summary = summary


def record_evaluation(db: Database, model_id: int, protocol: str, k: int, metrics: dict[str, Any]) -> int:
    """Store one evaluation of a model; returns its id."""
    clean = {str(key): _number(value) for key, value in metrics.items()}
    with db.session() as session:
        _find(session, model_id)
        row = EvaluationRow(model_id=model_id, protocol=protocol[:200], k=int(k), metrics=clean)
        session.add(row)
        session.flush()
        return row.id


def _number(value: Any) -> Any:
    # numpy scalars -> float; NaN/inf are not valid JSON, store them as None.
    try:
        number = float(value)
    except (TypeError, ValueError):
        return value
    return number if number == number and abs(number) != float("inf") else None


def list_evaluations(db: Database, model: int | str) -> list[EvaluationInfo]:
    """Evaluations of a model, oldest first."""
    with db.session() as session:
        row = _find(session, model)
        rows = session.scalars(select(EvaluationRow).where(EvaluationRow.model_id == row.id)
                               .order_by(EvaluationRow.id)).all()
        return [EvaluationInfo(id=r.id, model_id=r.model_id, created_at=r.created_at, protocol=r.protocol,
                               k=r.k, metrics=dict(r.metrics or {})) for r in rows]


def item_titles(db: Database, dataset_id: int, item_ids: list[str]) -> dict[str, str]:
    """Titles of the given external item ids of a dataset (missing ids are left out)."""
    if not item_ids:
        return {}
    with db.session() as session:
        rows = session.execute(select(ItemRow.external_id, ItemRow.title)
                               .where(ItemRow.dataset_id == dataset_id,
                                      ItemRow.external_id.in_(list(item_ids)))).all()
        return {ext: title or "" for ext, title in rows}
