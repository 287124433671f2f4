"""Item content files (CSV or JSON lines): titles, free text and categories joined to a stored dataset."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
from sqlalchemy import bindparam, select, update

from workbench.core.delimited import detect_sep
from workbench.core.progress import CancelToken
from workbench.data.csv_import import check_encoding
from workbench.errors import InputError
from workbench.store.schema import ItemRow

ID_NAMES = ("item_id", "item", "id", "movieId", "itemId", "product_id")
TITLE_NAMES = ("title", "name")
TEXT_NAMES = ("text", "description", "desc", "overview", "summary")
CATEGORY_NAMES = ("categories", "category", "genres", "tags")


@dataclass
class ContentReport:
    """How an item content file matched the dataset's items."""

    dataset: str
    rows: int
    matched: int
    unmatched: int
    unmatched_ids: list[str] = field(default_factory=list)  # the first few

    def to_dict(self) -> dict[str, Any]:
        return {
            "dataset": self.dataset,
            "rows": self.rows,
            "matched": self.matched,
            "unmatched": self.unmatched,
            "unmatched_ids": self.unmatched_ids,
        }


def _pick(
    columns: list[str],
    wanted: str | None,
    defaults: tuple[str, ...],
    role: str,
    path: Path,
    required: bool = False,
) -> str | None:
    if wanted is not None:
        if wanted not in columns:
            raise InputError(
                f"unknown {role} column '{wanted}'; available: {', '.join(columns)}",
                file=str(path),
                line=1,
                column=wanted,
            )
        return wanted
    lower = {c.lower(): c for c in columns}
    for name in defaults:
        if name.lower() in lower:
            return lower[name.lower()]
    if required:
        raise InputError(
            f"no {role} column found (tried {', '.join(defaults)}); available: "
            f"{', '.join(columns)}; name it with --id",
            file=str(path),
            line=1,
        )
    return None


def _split_categories(value: Any) -> list[str]:
    if isinstance(value, list):
        return [str(v).strip() for v in value if str(v).strip()]
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return []
    text = str(value)
    sep = "|" if "|" in text else ";"
    return [part.strip() for part in text.split(sep) if part.strip()]


def read_item_content(
    path: str | Path,
    id_column: str | None = None,
    title_column: str | None = None,
    text_column: str | None = None,
    categories_column: str | None = None,
    encoding: str | None = None,
) -> pd.DataFrame:
    """Read a content file into ``external_id, title, text, categories`` (None columns: not given)."""
    path = Path(path)
    enc, _ = check_encoding(path, encoding)
    is_jsonl = path.suffix.lower() in (".jsonl", ".ndjson", ".json")
    if is_jsonl:
        records = []
        with path.open("r", encoding=enc) as fh:
            for number, line in enumerate(fh, start=1):
                if not line.strip():
                    continue
                try:
                    record = json.loads(line)
                except json.JSONDecodeError as exc:
                    raise InputError(
                        f"invalid JSON: {exc.msg} (character {exc.colno})", file=str(path), line=number
                    ) from None
                if not isinstance(record, dict):
                    raise InputError("each line must be a JSON object", file=str(path), line=number)
                records.append(record)
        if not records:
            raise InputError("the file has no items", file=str(path))
        frame = pd.DataFrame.from_records(records)
    else:
        with path.open("rb") as fh:
            sample = fh.read(65536).decode(enc, errors="replace").splitlines()[:50]
        try:
            frame = pd.read_csv(path, sep=detect_sep(sample), dtype=str, encoding=enc, keep_default_na=False)
        except pd.errors.ParserError as exc:
            raise InputError(f"cannot parse: {exc}", file=str(path)) from None
        except pd.errors.EmptyDataError:
            raise InputError("the file is empty", file=str(path)) from None
        if frame.empty:
            raise InputError("the file has a header line but no items", file=str(path), line=2)
    columns = [str(c) for c in frame.columns]
    id_col = _pick(columns, id_column, ID_NAMES, "item id", path, required=True)
    out = pd.DataFrame({"external_id": frame[id_col].map(lambda v: "" if v is None else str(v).strip())})
    missing = (out["external_id"] == "") | frame[id_col].isna()
    if missing.any():
        first = int(missing.to_numpy().argmax())
        raise InputError(
            "missing item id", file=str(path), line=first + (1 if is_jsonl else 2), column=id_col
        )
    for role, wanted, defaults in (("title", title_column, TITLE_NAMES), ("text", text_column, TEXT_NAMES)):
        col = _pick(columns, wanted, defaults, role, path)
        out[role] = None if col is None else frame[col].fillna("").astype(str)
    cat_col = _pick(columns, categories_column, CATEGORY_NAMES, "categories", path)
    out["categories"] = None if cat_col is None else frame[cat_col].map(_split_categories)
    return out.drop_duplicates("external_id", keep="last")


def import_item_content(
    db: Any,
    path: str | Path,
    dataset: str | int,
    id_column: str | None = None,
    title_column: str | None = None,
    text_column: str | None = None,
    categories_column: str | None = None,
    encoding: str | None = None,
    cancel: CancelToken | None = None,
) -> ContentReport:
    """Join a content file to an existing dataset's items (one transaction); report matches."""
    from workbench.store.datasets import get_dataset_info

    info = get_dataset_info(db, dataset)
    frame = read_item_content(path, id_column, title_column, text_column, categories_column, encoding)
    given = [c for c in ("title", "text", "categories") if frame[c].notna().any()]
    if not given:
        raise InputError("the file has no title, text or categories column", file=str(path), line=1)
    items = ItemRow.metadata.tables[ItemRow.__tablename__]
    with db.engine.begin() as conn:
        known = set(conn.execute(select(items.c.external_id).where(items.c.dataset_id == info.id)).scalars())
        matched_mask = frame["external_id"].isin(known).to_numpy()
        matched = frame[matched_mask]
        unmatched = frame.loc[~matched_mask, "external_id"].tolist()
        if cancel is not None:
            cancel.raise_if_cancelled()
        # Bound names differ from the column names: SQLAlchemy reserves those for the SET clause.
        statement = (
            update(items)
            .where(items.c.dataset_id == info.id, items.c.external_id == bindparam("b_external_id"))
            .values({c: bindparam(f"b_{c}", type_=items.c[c].type) for c in given})
        )
        rows = [
            {"b_external_id": record.external_id, **{f"b_{c}": getattr(record, c) for c in given}}
            for record in matched.itertuples(index=False)
        ]
        if rows:
            conn.execute(statement, rows)
        if cancel is not None:
            cancel.raise_if_cancelled()
    return ContentReport(
        dataset=info.name,
        rows=len(frame),
        matched=len(matched),
        unmatched=len(unmatched),
        unmatched_ids=unmatched[:10],
    )
