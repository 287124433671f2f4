"""Pretrained sentence vectors of a dataset's item texts, cached in the store.

Vectors are keyed by item, encoder name and encoder version, and carry a hash of the text they were made
from: an item whose title, text or categories changed is embedded again, the others are read back. Each
batch is written in its own transaction, so a cancelled run keeps the batches it finished.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from sqlalchemy import delete, select

from workbench.core.interactions import ItemContent
from workbench.core.progress import CancelToken, Progress
from workbench.models.sentence import EncoderId, embed_texts, encoder_id, item_text, text_hash
from workbench.store.db import Database
from workbench.store.schema import ItemEmbeddingRow, ItemRow


def item_text_vectors(db: Database, dataset_id: int, content: ItemContent, *, device: str = "cpu",
                      batch_size: int = 64, progress: Callable[[Progress], None] | None = None,
                      cancel: CancelToken | None = None) -> tuple[EncoderId, np.ndarray, int]:
    """(encoder, one vector per row of ``content``, how many items were embedded now rather than read)."""
    ident = encoder_id()
    texts = [item_text(t, x, c) for t, x, c in zip(content.titles, content.texts, content.categories,
                                                    strict=True)]
    hashes = [text_hash(t) for t in texts]
    with db.session() as session:
        pk: dict[str, int] = {external_id: row_id for external_id, row_id in session.execute(
            select(ItemRow.external_id, ItemRow.id).where(ItemRow.dataset_id == dataset_id))}
        cached = {row.item_id: row for row in session.execute(
            select(ItemEmbeddingRow.item_id, ItemEmbeddingRow.text_hash, ItemEmbeddingRow.vector)
            .where(ItemEmbeddingRow.dataset_id == dataset_id, ItemEmbeddingRow.encoder == ident.name,
                   ItemEmbeddingRow.encoder_version == ident.version)).all()}
    item_pks = [pk.get(i) for i in content.items.ids]
    vectors: list[np.ndarray | None] = [None] * len(texts)
    todo: list[int] = []
    for row, (item_pk, digest) in enumerate(zip(item_pks, hashes, strict=True)):
        hit = cached.get(item_pk) if item_pk is not None else None
        if hit is not None and hit.text_hash == digest:
            vectors[row] = np.frombuffer(hit.vector, dtype="<f4")
        else:
            todo.append(row)
    for start in range(0, len(todo), batch_size):
        if cancel is not None:
            cancel.raise_if_cancelled()
        rows = todo[start:start + batch_size]
        batch = embed_texts([texts[r] for r in rows], device=device, batch_size=batch_size)
        stored = [(r, v) for r, v in zip(rows, batch, strict=True) if item_pks[r] is not None]
        with db.session() as session:
            session.execute(delete(ItemEmbeddingRow).where(
                ItemEmbeddingRow.item_id.in_([item_pks[r] for r, _ in stored]),
                ItemEmbeddingRow.encoder == ident.name, ItemEmbeddingRow.encoder_version == ident.version))
            session.add_all(ItemEmbeddingRow(dataset_id=dataset_id, item_id=item_pks[r], encoder=ident.name,
                                             encoder_version=ident.version, text_hash=hashes[r],
                                             dim=len(v), vector=np.asarray(v, dtype="<f4").tobytes())
                            for r, v in stored)
        for r, v in zip(rows, batch, strict=True):
            vectors[r] = v
        if progress is not None:
            progress(Progress(done=min(start + batch_size, len(todo)), total=len(todo),
                              message="embedding item texts"))
    dim = next((len(v) for v in vectors if v is not None), 0)
    matrix = np.stack([np.asarray(v, dtype=np.float32) for v in vectors]) if vectors else \
        np.zeros((0, dim), dtype=np.float32)
    return ident, matrix, len(todo)
