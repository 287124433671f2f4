"""Model artifacts as bytes: tensors in safetensors, everything else as JSON. Nothing here can run code.

Two layouts share one encoder:

- a *model row* keeps the tensors in ``ModelRow.weights`` and the JSON parts in their own columns
  (``config``; ``id_maps = {"users": [...], "items": [...], "meta": {...}}``);
- a *checkpoint* (``TrainingRunRow.checkpoint``) is one self-contained blob: the JSON parts travel in the
  safetensors header metadata, so a run can be resumed from that single column.
"""

from __future__ import annotations

import json
import struct
from typing import Any

import torch
from safetensors import SafetensorError
from safetensors.torch import load as st_load
from safetensors.torch import save as st_save

from workbench.core.training import ModelArtifact
from workbench.errors import WorkbenchError

# Keys of the safetensors header metadata used by self-contained checkpoints.
_META_KEYS = ("family", "config", "users", "items", "meta")
_FORMAT_KEY = "workbench_format"
_FORMAT = "rec-workbench-artifact/1"


class ArtifactError(WorkbenchError):
    """Stored weights are unreadable (corrupted, truncated or not written by Rec Workbench)."""


def _plain_tensors(tensors: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
    # safetensors refuses shared or non-contiguous storage; a CPU copy of each tensor is always accepted.
    out: dict[str, torch.Tensor] = {}
    for key, tensor in tensors.items():
        if not isinstance(tensor, torch.Tensor):
            raise WorkbenchError(f"artifact tensor '{key}' is a {type(tensor).__name__}, not a tensor")
        out[key] = tensor.detach().to("cpu").contiguous().clone()
    return out


def tensors_to_bytes(tensors: dict[str, torch.Tensor], metadata: dict[str, str] | None = None) -> bytes:
    """Safetensors bytes of ``tensors`` (moved to CPU), with optional string metadata in the header."""
    return st_save(_plain_tensors(tensors), metadata=metadata)


def tensors_from_bytes(blob: bytes, *, what: str = "weights") -> dict[str, torch.Tensor]:
    """Tensors of a safetensors blob; anything else raises ``ArtifactError`` (never executes code)."""
    if not isinstance(blob, bytes | bytearray | memoryview) or len(blob) < 8:
        raise ArtifactError(f"stored {what} are empty or truncated; the model cannot be loaded")
    try:
        _read_header(bytes(blob))
        return st_load(bytes(blob))
    except (SafetensorError, ValueError, RuntimeError, OverflowError) as exc:
        raise ArtifactError(f"stored {what} are corrupted or not in safetensors format ({exc}); "
                            "the model cannot be loaded") from exc


def _read_header(blob: bytes) -> dict[str, Any]:
    """The JSON header of a safetensors blob (validated enough to give a clear error early)."""
    (length,) = struct.unpack("<Q", blob[:8])
    if length <= 0 or 8 + length > len(blob):
        raise ValueError("header length does not fit the blob")
    try:
        header = json.loads(blob[8:8 + length].decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValueError(f"unreadable header: {exc}") from exc
    if not isinstance(header, dict):
        raise ValueError("header is not a JSON object")
    return header


def blob_metadata(blob: bytes) -> dict[str, str]:
    """The string metadata stored in a safetensors header (empty when none)."""
    try:
        header = _read_header(bytes(blob))
    except (ValueError, struct.error) as exc:
        raise ArtifactError(f"stored weights are corrupted ({exc})") from exc
    meta = header.get("__metadata__") or {}
    if not isinstance(meta, dict):
        raise ArtifactError("stored weights have malformed metadata")
    return {str(k): str(v) for k, v in meta.items()}


# --- model rows -------------------------------------------------------------------------------------

def artifact_to_row_parts(artifact: ModelArtifact) -> tuple[dict[str, Any], dict[str, Any], bytes]:
    """``(config, id_maps, weights)`` for the columns of ``ModelRow``."""
    config = _json_safe(artifact.config, "config")
    id_maps = {"users": [str(u) for u in artifact.users], "items": [str(i) for i in artifact.items],
               "meta": _json_safe(artifact.meta, "meta")}
    weights = tensors_to_bytes(artifact.tensors, {_FORMAT_KEY: _FORMAT, "family": artifact.family})
    return config, id_maps, weights


def artifact_from_row_parts(family: str, config: dict[str, Any], id_maps: dict[str, Any],
                            weights: bytes) -> ModelArtifact:
    """Rebuild the artifact stored in a ``ModelRow``'s columns."""
    tensors = tensors_from_bytes(weights)
    if not isinstance(id_maps, dict) or "users" not in id_maps or "items" not in id_maps:
        raise ArtifactError("stored model has no id maps; it cannot be loaded")
    return ModelArtifact(family=family, config=dict(config or {}), users=list(id_maps["users"]),
                         items=list(id_maps["items"]), meta=dict(id_maps.get("meta") or {}),
                         tensors=tensors)


# --- self-contained blobs (checkpoints) -------------------------------------------------------------

def artifact_to_bytes(artifact: ModelArtifact) -> bytes:
    """One safetensors blob holding the tensors and, in its header, family, config, id maps and meta."""
    metadata = {
        _FORMAT_KEY: _FORMAT,
        "family": artifact.family,
        "config": json.dumps(_json_safe(artifact.config, "config")),
        "users": json.dumps([str(u) for u in artifact.users]),
        "items": json.dumps([str(i) for i in artifact.items]),
        "meta": json.dumps(_json_safe(artifact.meta, "meta")),
    }
    return tensors_to_bytes(artifact.tensors, metadata)


def artifact_from_bytes(blob: bytes, *, what: str = "checkpoint") -> ModelArtifact:
    """Inverse of ``artifact_to_bytes``; a foreign or damaged blob raises ``ArtifactError``."""
    tensors = tensors_from_bytes(blob, what=what)
    meta = blob_metadata(blob)
    if meta.get(_FORMAT_KEY) != _FORMAT or any(k not in meta for k in _META_KEYS):
        raise ArtifactError(f"stored {what} was not written by Rec Workbench; it cannot be loaded")
    try:
        return ModelArtifact(family=meta["family"], config=json.loads(meta["config"]),
                             users=json.loads(meta["users"]), items=json.loads(meta["items"]),
                             meta=json.loads(meta["meta"]), tensors=tensors)
    except json.JSONDecodeError as exc:
        raise ArtifactError(f"stored {what} has unreadable metadata ({exc})") from exc


def _json_safe(value: Any, what: str) -> Any:
    """Round-trip through JSON so what we store is exactly what we will read back (tuples -> lists)."""
    try:
        return json.loads(json.dumps(value, default=_json_default))
    except (TypeError, ValueError) as exc:
        raise WorkbenchError(f"model {what} is not JSON-serialisable: {exc}") from exc


def _json_default(value: Any) -> Any:
    # numpy scalars and arrays sneak into meta dicts; store them as plain numbers / lists.
    if hasattr(value, "tolist"):
        return value.tolist()
    if isinstance(value, set | frozenset):
        return sorted(value)
    raise TypeError(f"{type(value).__name__} is not JSON-serialisable")
