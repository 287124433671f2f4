"""Generic delimited-file import: format detection, streaming validation with file/line/column errors.

Big files are read in chunks (pandas' C parser); every check is vectorised per chunk and the first bad row
is located with numpy, so the message can name the 1-based line. Ids are read as text, never as numbers.
"""

from __future__ import annotations

import codecs
import csv
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pcsv

from workbench.core.delimited import detect_header, detect_sep, normalise_sep, split_rows
from workbench.core.progress import CancelToken, Progress, ProgressCallback, Throttle
from workbench.data.cleaning import CleaningOptions, clean_codes
from workbench.data.parsed import ImportReport, ParsedDataset
from workbench.errors import InputError

CHUNK_ROWS = 250_000
SNIFF_BYTES = 64 * 1024
_SENTINEL = "__extra_field__"
_NUMBER = r"^\s*[-+]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][-+]?[0-9]+)?\s*$"

Column = str | int


@dataclass(frozen=True)
class CsvSpec:
    """Which columns hold what (a header name, or a 0-based position), and how to read the file.

    ``sep``/``header``/``encoding`` None mean detect. No rating column means implicit feedback (value 1.0);
    ``kind="implicit"`` with a rating column keeps the values as weights. ``rating_scale`` refuses values
    outside it and becomes the dataset's rating range.
    """

    user: Column
    item: Column
    rating: Column | None = None
    timestamp: Column | None = None
    sep: str | None = None
    header: bool | None = None
    encoding: str | None = None
    rating_scale: tuple[float, float] | None = None
    kind: str | None = None


@dataclass(frozen=True)
class CsvPreview:
    """The first rows of a file as text, with what was detected about it."""

    columns: list[str]
    rows: list[list[str]]
    sep: str
    has_header: bool
    encoding: str


def _line_of_offset(path: Path, offset: int) -> int:
    line = 1
    with path.open("rb") as fh:
        remaining = offset
        while remaining > 0:
            block = fh.read(min(remaining, 1 << 20))
            if not block:
                break
            line += block.count(b"\n")
            remaining -= len(block)
    return line


def check_encoding(path: str | Path, encoding: str | None = None) -> tuple[str, int]:
    """Decode the whole file once (streamed) and return (encoding for the parser, size in bytes).

    Without ``encoding`` the file must be UTF-8 (a BOM is accepted). Undecodable bytes raise an
    InputError naming the encoding tried, the line and the byte offset.
    """
    path = Path(path)
    if not path.is_file():
        raise InputError("file not found", file=str(path))
    size = path.stat().st_size
    if size == 0:
        raise InputError("the file is empty", file=str(path))
    name = encoding or "utf-8"
    try:
        codec = codecs.lookup(name)
    except LookupError:
        raise InputError(f"unknown encoding '{name}'", file=str(path)) from None
    with path.open("rb") as fh:
        head = fh.read(3)
        fh.seek(0)
        if codec.name == "utf-8" and head == codecs.BOM_UTF8:
            name = "utf-8-sig"
        decoder = codec.incrementaldecoder("strict")
        offset = 0
        while True:
            block = fh.read(1 << 22)
            final = not block
            try:
                decoder.decode(block, final=final)
            except UnicodeDecodeError as exc:
                # exc.start is relative to the decoder's pending bytes + this block.
                pending = len(exc.object) - len(block)
                at = offset - pending + exc.start
                bad = exc.object[exc.start : exc.start + 1]
                raise InputError(
                    f"cannot decode byte 0x{bad.hex()} at byte offset {at} as {codec.name}; "
                    "pass the file's encoding (for example --encoding latin-1)",
                    file=str(path),
                    line=_line_of_offset(path, at),
                ) from None
            if final:
                break
            offset += len(block)
    return name, size


def _sample_lines(path: Path, encoding: str) -> list[str]:
    with path.open("rb") as fh:
        raw = fh.read(SNIFF_BYTES)
        complete = len(raw) < SNIFF_BYTES
    text = raw.decode(encoding, errors="replace")
    lines = text.splitlines()
    if not complete and len(lines) > 1:
        lines = lines[:-1]  # the last one may be cut
    return lines[:200]


def preview_csv(
    path: str | Path,
    sep: str | None = None,
    header: bool | None = None,
    n_rows: int = 20,
    encoding: str | None = None,
) -> CsvPreview:
    """Detect delimiter, header and encoding and return the first ``n_rows`` data rows as text."""
    path = Path(path)
    enc, _ = check_encoding(path, encoding)
    lines = _sample_lines(path, enc)
    if not any(ln.strip() for ln in lines):
        raise InputError("the file is empty", file=str(path))
    sep = normalise_sep(sep) or detect_sep(lines)
    rows = split_rows(lines, sep)
    has_header = detect_header(rows) if header is None else header
    width = max(len(r) for r in rows[: n_rows + 1])
    columns = rows[0] if has_header else [str(i) for i in range(width)]
    body = rows[1:] if has_header else rows
    return CsvPreview(
        columns=list(columns),
        rows=[list(r) for r in body[:n_rows]],
        sep=sep,
        has_header=has_header,
        encoding=enc,
    )


def _resolve(column: Column, names: list[str], has_header: bool, path: Path, role: str) -> int:
    """Position of a column given by header name or 0-based position."""
    if isinstance(column, int):
        index = column
    elif has_header and column in names:
        return names.index(column)
    elif str(column).strip().lstrip("-").isdigit():
        index = int(column)
    else:
        available = ", ".join(f"'{n}'" for n in names) if has_header else f"positions 0..{len(names) - 1}"
        raise InputError(
            f"unknown {role} column '{column}'; available: {available}",
            file=str(path),
            line=1 if has_header else None,
            column=str(column),
        )
    if not 0 <= index < len(names):
        raise InputError(
            f"{role} column position {index} is out of range: the file has {len(names)} "
            f"columns (0..{len(names) - 1})",
            file=str(path),
            column=str(column),
        )
    return index


def _arrow_timestamps(column: pa.ChunkedArray) -> np.ndarray | None:
    """Unix seconds (whole or fractional, floored) or ISO 8601 text as int64 seconds; None when some
    value is neither or missing (the careful reader then names it)."""
    if column.null_count:
        return None
    try:
        return column.cast(pa.int64()).to_numpy()
    except pa.ArrowException:
        pass
    try:
        numbers = column.cast(pa.float64()).to_numpy()
    except pa.ArrowException:
        text = column.combine_chunks()
        if pc.any(pc.match_substring_regex(text, _NUMBER)).as_py():
            return None  # numbers mixed with text: the careful reader reads each row as what it is
        text = pd.Series(pd.arrays.ArrowStringArray(text))
        parsed = pd.to_datetime(text, format="ISO8601", utc=True, errors="coerce")
        if parsed.isna().any():
            return None
        return parsed.to_numpy(dtype="datetime64[s]").astype(np.int64)
    if not np.isfinite(numbers).all():
        return None
    return np.floor(numbers).astype(np.int64)


def _first_bad(mask: np.ndarray) -> int:
    return int(np.argmax(mask))


class _Reader:
    """Streams one delimited file and validates each chunk; collects the arrays for cleaning."""

    def __init__(
        self, path: Path, spec: CsvSpec, cancel: CancelToken | None, progress: ProgressCallback | None
    ) -> None:
        self.path = path
        self.spec = spec
        self.cancel = cancel
        self.emit = Throttle(progress)

    def fail(self, message: str, row: int | None = None, column: str | None = None) -> InputError:
        line = None if row is None else row + 1 + (1 if self.has_header else 0)
        return InputError(message, file=str(self.path), line=line, column=column)

    def read(self) -> tuple[dict[str, Any], dict[str, int]]:
        path, spec = self.path, self.spec
        encoding, size = check_encoding(path, spec.encoding)
        lines = _sample_lines(path, encoding)
        if not any(ln.strip() for ln in lines):
            raise InputError("the file is empty (only blank lines)", file=str(path))
        sep = normalise_sep(spec.sep) or detect_sep(lines)
        rows = split_rows(lines, sep)
        self.has_header = detect_header(rows) if spec.header is None else spec.header
        if spec.header is None and not self.has_header:
            # Names given for columns that are in the first row settle it.
            named = [
                c
                for c in (spec.user, spec.item, spec.rating, spec.timestamp)
                if isinstance(c, str) and not c.strip().isdigit()
            ]
            if named and all(c in rows[0] for c in named):
                self.has_header = True
        ncols = len(rows[0]) if rows else 0
        names = [str(v).strip() for v in rows[0]] if self.has_header else [str(i) for i in range(ncols)]
        if ncols < 2:
            raise InputError(
                f"found only one column with delimiter {sep!r}; pass the right one with --sep",
                file=str(path),
                line=1,
            )
        if self.has_header and len(rows) < 2 and size <= SNIFF_BYTES:
            raise InputError("the file has a header line but no data rows", file=str(path), line=2)
        roles = {"user": spec.user, "item": spec.item}
        if spec.rating is not None:
            roles["rating"] = spec.rating
        if spec.timestamp is not None:
            roles["timestamp"] = spec.timestamp
        pos = {role: _resolve(col, names, self.has_header, path, role) for role, col in roles.items()}
        self.display = {role: names[p] for role, p in pos.items()}
        fields = [f"c{i}" for i in range(ncols)] + [_SENTINEL]
        # The sentinel column catches lines with too many fields, the last column lines with too few.
        dtypes = {f"c{pos['user']}": str, f"c{pos['item']}": str}
        self.ncols, self.sep, self.encoding = ncols, sep, encoding
        if encoding == "utf-8" and len(sep) == 1 and sep != " ":
            line_bytes = max(1.0, len("\n".join(lines).encode()) / max(1, len(lines)))
            fast = self._read_arrow(pos, size, line_bytes)
            if fast is not None:
                return fast

        chunks: dict[str, list[np.ndarray]] = {"user": [], "item": [], "rating": [], "timestamp": []}
        stats = {"blank_lines": 0, "dropped_missing_ids": 0}
        short_rows: list[int] = []
        rows_read = 0
        with path.open("rb") as fh:
            try:
                reader = pd.read_csv(
                    fh,
                    sep=sep if sep != " " else r"\s+",
                    header=None,
                    names=fields,
                    skiprows=1 if self.has_header else 0,
                    dtype=dtypes,
                    encoding=encoding,
                    chunksize=CHUNK_ROWS,
                    skip_blank_lines=False,
                    engine="c",
                    quotechar='"',
                    na_values=[""],
                    keep_default_na=False,
                )
                for chunk in reader:
                    if self.cancel is not None:
                        self.cancel.raise_if_cancelled()
                    self._validate_chunk(chunk, pos, chunks, stats, short_rows)
                    rows_read += len(chunk)
                    self.emit(Progress(fh.tell(), size, f"{rows_read:,} rows read"))
            except pd.errors.ParserError as exc:
                raise self._parser_error(exc) from None
            except pd.errors.EmptyDataError:
                raise InputError(
                    "the file has no data rows", file=str(path), line=2 if self.has_header else 1
                ) from None
        self.emit(Progress(size, size, f"{rows_read:,} rows read"), force=True)
        if rows_read - stats["blank_lines"] == 0:
            raise InputError(
                "the file has a header line but no data rows"
                if self.has_header
                else "the file has no data rows",
                file=str(path),
                line=2 if self.has_header else 1,
            )
        arrays = {k: (np.concatenate(v) if v else None) for k, v in chunks.items()}
        stats["rows_read"] = rows_read - stats["blank_lines"]
        return arrays, stats

    def _read_arrow(
        self, pos: dict[str, int], size: int, line_bytes: float
    ) -> tuple[dict[str, Any], dict[str, int]] | None:
        """The fast path for a plain UTF-8 file: pyarrow's parser on both cores, ids kept as Arrow strings
        (no Python object per row), which makes a 10M-row import several times quicker to read.

        Returns None whenever the file needs the careful reader: a parse or conversion problem, a blank
        line, a missing or out-of-scale value. That reader then says which line and column, exactly as
        before; a clean file gives the same arrays either way.
        """
        names = [f"c{i}" for i in range(self.ncols)]
        wanted = {role: f"c{p}" for role, p in pos.items()}
        types = {wanted["user"]: pa.string(), wanted["item"]: pa.string()}
        if "rating" in wanted:
            types[wanted["rating"]] = pa.float64()
        if "timestamp" in wanted:
            types[wanted["timestamp"]] = pa.string()
        options = {
            "read_options": pcsv.ReadOptions(column_names=names, skip_rows=1 if self.has_header else 0,
                                             block_size=8 << 20),
            "parse_options": pcsv.ParseOptions(delimiter=self.sep, quote_char='"', double_quote=True,
                                               ignore_empty_lines=False),
            # Only an empty field is missing ("NA", "null" are ids like any other, as in the careful reader).
            "convert_options": pcsv.ConvertOptions(column_types=types, null_values=[""],
                                                   strings_can_be_null=True,
                                                   include_columns=list(dict.fromkeys(wanted.values()))),
        }
        batches = []
        rows = 0
        try:
            with pcsv.open_csv(self.path, **options) as reader:
                for batch in reader:
                    if self.cancel is not None:
                        self.cancel.raise_if_cancelled()
                    batches.append(batch)
                    rows += batch.num_rows
                    self.emit(Progress(min(int(rows * line_bytes), size), size, f"{rows:,} rows read"))
        except pa.ArrowException:
            return None
        if rows == 0:
            return None
        table = pa.Table.from_batches(batches)
        users = table.column(wanted["user"]).combine_chunks()
        items = table.column(wanted["item"]).combine_chunks()
        if pc.any(pc.and_(pc.is_null(users), pc.is_null(items))).as_py():
            return None  # a blank line, or one without ids: the careful reader tells them apart
        has_ids = pc.and_(pc.is_valid(users), pc.is_valid(items)).to_numpy(zero_copy_only=False)
        dropped = int((~has_ids).sum())
        arrays: dict[str, Any] = {"rating": None, "timestamp": None}
        if dropped:
            mask = pa.array(has_ids)
            users, items, table = users.filter(mask), items.filter(mask), table.filter(mask)
        arrays["user"], arrays["item"] = users, items
        if "rating" in wanted:
            values = table.column(wanted["rating"]).to_numpy()
            if not np.isfinite(values).all():  # missing, nan or inf: the careful reader names the row
                return None
            scale = self.spec.rating_scale
            if scale is not None and ((values < scale[0]) | (values > scale[1])).any():
                return None
            arrays["rating"] = values.astype(np.float64, copy=False)
        if "timestamp" in wanted:
            stamps = _arrow_timestamps(table.column(wanted["timestamp"]))
            if stamps is None:
                return None
            arrays["timestamp"] = stamps
        self.emit(Progress(size, size, f"{rows:,} rows read"), force=True)
        return arrays, {"blank_lines": 0, "dropped_missing_ids": dropped, "rows_read": rows}

    def _parser_error(self, exc: Exception) -> InputError:
        text = str(exc)
        found = re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", text)
        if found:
            # The C parser counts lines from the top of the file, header included.
            return InputError(
                f"wrong number of fields: expected {self.ncols}, found {found.group(3)}",
                file=str(self.path),
                line=int(found.group(2)),
            )
        return InputError(f"cannot parse the file: {text}", file=str(self.path))

    def _validate_chunk(
        self,
        chunk: pd.DataFrame,
        pos: dict[str, int],
        out: dict[str, list[np.ndarray]],
        stats: dict[str, int],
        short_rows: list[int],
    ) -> None:
        start = int(chunk.index[0]) if len(chunk) else 0
        extra = chunk[_SENTINEL].notna().to_numpy()
        if extra.any():
            row = start + _first_bad(extra)
            raise self.fail(f"wrong number of fields: expected {self.ncols}, found more", row)
        users = chunk[f"c{pos['user']}"]
        items = chunk[f"c{pos['item']}"]
        last = chunk[f"c{self.ncols - 1}"].isna().to_numpy()
        blank = last & users.isna().to_numpy() & chunk["c0"].isna().to_numpy()
        if blank.any():
            blank &= chunk.drop(columns=[_SENTINEL]).isna().all(axis=1).to_numpy()
        stats["blank_lines"] += int(blank.sum())
        last &= ~blank
        if last.any() and len(short_rows) < 20:
            # An empty last column is either an empty field or a short line; recount a few raw lines.
            suspects = (start + np.flatnonzero(last)[: 20 - len(short_rows)]).tolist()
            short_rows.extend(suspects)
            self._check_short_rows(suspects)
        has_ids = (users.notna() & items.notna()).to_numpy()
        stats["dropped_missing_ids"] += int((~has_ids & ~blank).sum())
        index = np.flatnonzero(has_ids)
        rows = start + index
        out["user"].append(users.to_numpy(dtype=object)[index])
        out["item"].append(items.to_numpy(dtype=object)[index])
        if "rating" in pos:
            out["rating"].append(self._numbers(chunk[f"c{pos['rating']}"].iloc[index], rows, "rating"))
        if "timestamp" in pos:
            out["timestamp"].append(self._timestamps(chunk[f"c{pos['timestamp']}"].iloc[index], rows))

    def _numbers(self, column: pd.Series, rows: np.ndarray, role: str) -> np.ndarray:
        name = self.display[role]
        missing = column.isna().to_numpy()
        if missing.any():
            raise self.fail(f"missing {role} value", int(rows[_first_bad(missing)]), name)
        if column.dtype.kind in "iuf":
            values = column.to_numpy(dtype=np.float64)
        else:
            values = pd.to_numeric(column, errors="coerce").to_numpy(dtype=np.float64)
            bad = np.isnan(values)
            if bad.any():
                at = _first_bad(bad)
                raise self.fail(f"{role} '{column.iloc[at]}' is not a number", int(rows[at]), name)
        bad = ~np.isfinite(values)
        if bad.any():
            raise self.fail(
                f"{role} '{values[_first_bad(bad)]}' is not a finite number", int(rows[_first_bad(bad)]), name
            )
        scale = self.spec.rating_scale
        if role == "rating" and scale is not None:
            outside = (values < scale[0]) | (values > scale[1])
            if outside.any():
                at = _first_bad(outside)
                raise self.fail(
                    f"rating {values[at]:g} is outside the declared scale {scale[0]:g}..{scale[1]:g}",
                    int(rows[at]),
                    name,
                )
        return values

    def _timestamps(self, column: pd.Series, rows: np.ndarray) -> np.ndarray:
        name = self.display["timestamp"]
        missing = column.isna().to_numpy()
        if missing.any():
            raise self.fail("missing timestamp", int(rows[_first_bad(missing)]), name)
        if column.dtype.kind in "iu":
            return column.to_numpy(dtype=np.int64)
        numeric = pd.to_numeric(column, errors="coerce")
        result = np.floor(numeric.to_numpy(dtype=np.float64))
        text = np.isnan(result)
        if text.any():
            parsed = pd.to_datetime(column[text], format="ISO8601", utc=True, errors="coerce")
            bad = parsed.isna().to_numpy()
            if bad.any():
                at = _first_bad(bad)
                raise self.fail(
                    f"timestamp '{column[text].iloc[at]}' is neither unix seconds nor ISO 8601",
                    int(rows[np.flatnonzero(text)[at]]),
                    name,
                )
            result[text] = parsed.to_numpy(dtype="datetime64[s]").astype(np.int64)
        return result.astype(np.int64)

    def _check_short_rows(self, short_rows: list[int]) -> None:
        """Recount the fields of the few lines whose last column was empty: short line or empty field?"""
        offset = 1 if self.has_header else 0
        wanted = {r + 1 + offset: r for r in short_rows}
        last = max(wanted)
        with self.path.open("r", encoding=self.encoding, newline="") as fh:
            for number, text in enumerate(fh, start=1):
                if number in wanted:
                    n = (
                        len(text.split())
                        if self.sep == " "
                        else len(next(csv.reader([text.rstrip("\r\n")], delimiter=self.sep), []))
                    )
                    if n < self.ncols:
                        raise InputError(
                            f"wrong number of fields: expected {self.ncols}, found {n}",
                            file=str(self.path),
                            line=number,
                        )
                if number >= last:
                    break


def parse_csv(
    path: str | Path,
    spec: CsvSpec,
    cleaning: CleaningOptions | None = None,
    cancel: CancelToken | None = None,
    progress: ProgressCallback | None = None,
) -> ParsedDataset:
    """Read, validate and clean a delimited file; raise InputError naming file/line/column on bad input."""
    path = Path(path)
    reader = _Reader(path, spec, cancel, progress)
    arrays, stats = reader.read()
    users, items = arrays["user"], arrays["item"]
    assert users is not None and items is not None
    kind = spec.kind or ("explicit" if spec.rating is not None else "implicit")
    values = arrays["rating"] if arrays["rating"] is not None else np.ones(len(users), dtype=np.float64)
    report = {
        "rows_read": stats["rows_read"],
        "blank_lines": stats["blank_lines"],
        "dropped_missing_ids": stats["dropped_missing_ids"],
    }
    cleaned = clean_codes(users, items, values, arrays["timestamp"], cleaning or CleaningOptions(), report)
    if len(cleaned.user_codes) == 0:
        raise InputError("no interactions left after cleaning (all rows were dropped)", file=str(path))
    rmin, rmax = spec.rating_scale if spec.rating_scale is not None else (None, None)
    if kind == "implicit" and spec.rating_scale is None:
        rmin = rmax = None
    return ParsedDataset(
        users=cleaned.user_ids[cleaned.user_codes],
        items=cleaned.item_ids[cleaned.item_codes],
        values=cleaned.values,
        timestamps=cleaned.timestamps,
        kind=kind,
        rating_min=rmin,
        rating_max=rmax,
        source=str(path.resolve()),
        report=cleaned.report,
        codes=(cleaned.user_codes, cleaned.user_ids, cleaned.item_codes, cleaned.item_ids),
    )


def import_csv(
    db: Any,
    path: str | Path,
    spec: CsvSpec,
    name: str | None = None,
    cleaning: CleaningOptions | None = None,
    cancel: CancelToken | None = None,
    progress: ProgressCallback | None = None,
) -> ImportReport:
    """Validate, clean and store a delimited file as a new dataset in one transaction (name: file stem)."""
    from workbench.data.writer import check_name_free, write_dataset

    path = Path(path)
    name = name or path.stem
    with db.engine.connect() as conn:
        check_name_free(conn, name)  # fail early, before reading a big file
    parsed = parse_csv(path, spec, cleaning, cancel=cancel, progress=progress)
    return write_dataset(db, parsed, name, cancel=cancel, progress=progress)
