"""Cleaning at import: missing ids, duplicate (user, item) pairs, iterated k-core; all vectorised."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from workbench.errors import InputError

DuplicateRule = Literal["last", "mean", "max"]
DUPLICATE_RULES = ("last", "mean", "max")


@dataclass(frozen=True)
class CleaningOptions:
    """How to clean interactions: the duplicate rule and the k-core minimums (0 = no minimum)."""

    duplicates: DuplicateRule = "last"
    min_user_interactions: int = 0
    min_item_interactions: int = 0

    def __post_init__(self) -> None:
        if self.duplicates not in DUPLICATE_RULES:
            raise InputError(
                f"unknown duplicate rule {self.duplicates!r}; use one of {', '.join(DUPLICATE_RULES)}"
            )
        if self.min_user_interactions < 0 or self.min_item_interactions < 0:
            raise InputError("minimum interactions per user/item must be >= 0")


def _codes(ids: np.ndarray | pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """Integer codes and stripped distinct ids; missing or blank ids get code -1.

    Stripping and blank checks run on the distinct values only, which is what keeps 1M rows cheap.
    Arrow strings (the fast CSV reader's) are dictionary-encoded by Arrow, with no Python object per row.
    """
    if isinstance(ids, pa.Array):
        codes, uniques = _arrow_codes(ids)
    else:
        codes, uniques = pd.factorize(ids)
        uniques = np.asarray(uniques, dtype=object)
    stripped = pd.Series(uniques, dtype=object).astype(str).str.strip()
    blank = (stripped == "").to_numpy()
    if (stripped.to_numpy() != uniques).any():
        # Padding made distinct spellings of one id: re-factorize the stripped values.
        recode, uniques = pd.factorize(stripped.to_numpy(dtype=object))
        codes = np.where(codes >= 0, recode[codes], -1)
        uniques = np.asarray(uniques, dtype=object)
        blank = uniques == ""
    if blank.any():
        codes = np.where((codes >= 0) & blank[np.maximum(codes, 0)], -1, codes)
    return codes.astype(np.int64), uniques


def _arrow_codes(ids: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """First-appearance codes of Arrow strings, as ``pd.factorize`` gives them for Python strings."""
    if ids.null_count == 0 and pc.all(pc.utf8_is_digit(ids)).as_py() and not pc.any(
            pc.and_(pc.starts_with(ids, "0"), pc.greater(pc.utf8_length(ids), 1))).as_py():
        # Plain decimal ids without leading zeros (most exports) map one-to-one onto integers, which
        # hash twice as fast as the strings.
        try:
            numbers = ids.cast(pa.int64()).to_numpy()
        except pa.ArrowException:  # longer than int64, or digits that are not 0-9
            pass
        else:
            codes, distinct = pd.factorize(numbers)
            return codes, distinct.astype(str).astype(object)
    encoded = ids.dictionary_encode()
    return (encoded.indices.fill_null(-1).to_numpy().astype(np.int64),
            encoded.dictionary.to_numpy(zero_copy_only=False).astype(object))


@dataclass(frozen=True)
class Cleaned:
    """Cleaned interactions as integer codes into their distinct (stripped) ids, file order kept.

    Every code is used: ids whose rows were all dropped are gone from ``user_ids``/``item_ids``.
    """

    user_codes: np.ndarray
    user_ids: np.ndarray
    item_codes: np.ndarray
    item_ids: np.ndarray
    values: np.ndarray
    timestamps: np.ndarray | None
    report: dict[str, Any]


def clean(
    users: np.ndarray,
    items: np.ndarray,
    values: np.ndarray,
    timestamps: np.ndarray | None,
    options: CleaningOptions,
    report: dict[str, Any] | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray | None, dict[str, Any]]:
    """Apply ``options`` and return the cleaned arrays (file order kept, ids stripped) and the report.

    The report counts rows read, rows dropped for each reason and rows kept.
    """
    c = clean_codes(users, items, values, timestamps, options, report)
    return c.user_ids[c.user_codes], c.item_ids[c.item_codes], c.values, c.timestamps, c.report


def clean_codes(
    users: np.ndarray | pa.Array,
    items: np.ndarray | pa.Array,
    values: np.ndarray,
    timestamps: np.ndarray | None,
    options: CleaningOptions,
    report: dict[str, Any] | None = None,
) -> Cleaned:
    """``clean`` keeping the ids as codes, so the writer need not factorize millions of strings again."""
    report = dict(report or {})
    report.setdefault("rows_read", len(users))
    report["duplicate_rule"] = options.duplicates
    ucode, user_ids = _codes(users)
    icode, item_ids = _codes(items)

    keep = (ucode >= 0) & (icode >= 0)
    report["dropped_missing_ids"] = int(report.get("dropped_missing_ids", 0)) + int((~keep).sum())
    if not keep.all():
        ucode, icode, values = ucode[keep], icode[keep], values[keep]
        timestamps = None if timestamps is None else timestamps[keep]

    ucode, icode, values, timestamps, n_dup = _resolve_duplicates(
        ucode, icode, values, timestamps, options.duplicates
    )
    report["dropped_duplicates"] = n_dup

    ucode, icode, values, timestamps, rounds, dropped_u, dropped_i = _k_core(
        ucode, icode, values, timestamps, options.min_user_interactions, options.min_item_interactions
    )
    report["min_user_interactions"] = options.min_user_interactions
    report["min_item_interactions"] = options.min_item_interactions
    report["k_core_rounds"] = rounds
    report["dropped_k_core"] = dropped_u + dropped_i
    report["dropped_k_core_users"] = dropped_u
    report["dropped_k_core_items"] = dropped_i
    report["rows_kept"] = len(ucode)
    ucode, user_ids = _compact(ucode, user_ids)
    icode, item_ids = _compact(icode, item_ids)
    return Cleaned(ucode, user_ids, icode, item_ids, values, timestamps, report)


def _compact(codes: np.ndarray, uniques: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Drop the distinct ids no code points at any more, renumbering the codes (order kept)."""
    used = np.zeros(len(uniques), dtype=bool)
    used[codes] = True
    if used.all():
        return codes, uniques
    remap = np.cumsum(used) - 1
    return remap[codes], uniques[used]


def _resolve_duplicates(
    ucode: np.ndarray,
    icode: np.ndarray,
    values: np.ndarray,
    timestamps: np.ndarray | None,
    rule: str,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray | None, int]:
    n = len(ucode)
    if n == 0:
        return ucode, icode, values, timestamps, 0
    key = ucode.astype(np.int64) * (int(icode.max()) + 1) + icode
    # One hash pass finds the rows whose pair repeats; the sorts below then run on those rows only,
    # usually a small share of a big file.
    duplicated = pd.Series(key).duplicated(keep=False).to_numpy()
    if not duplicated.any():
        return ucode, icode, values, timestamps, 0
    rows = np.flatnonzero(duplicated)
    rows = rows[np.argsort(key[rows], kind="stable")]  # grouped by pair, file order within a group
    starts = np.ones(len(rows), dtype=bool)
    starts[1:] = key[rows[1:]] != key[rows[:-1]]
    n_dup = int(len(rows) - starts.sum())
    dup_group = np.cumsum(starts) - 1
    # The last row of each group (after the tie-breaker) wins.
    if rule == "last" and timestamps is not None:
        rows = rows[np.lexsort((rows, timestamps[rows], dup_group))]
    elif rule == "max":
        rows = rows[np.lexsort((rows, values[rows], dup_group))]
    is_last = np.ones(len(rows), dtype=bool)
    is_last[:-1] = dup_group[1:] != dup_group[:-1]
    chosen = rows[is_last]
    new_values = values[chosen]
    new_ts = None if timestamps is None else timestamps[chosen]
    if rule == "mean":
        new_values = np.bincount(dup_group, weights=values[rows]) / np.bincount(dup_group)
        if timestamps is not None:
            latest = np.full(len(chosen), np.iinfo(np.int64).min, dtype=np.int64)
            np.maximum.at(latest, dup_group, timestamps[rows])
            new_ts = latest
    # Surviving rows in file order: the unrepeated ones and each group's chosen row, carrying the
    # group's resolved value.
    keep = ~duplicated
    keep[chosen] = True
    values = values.copy()
    values[chosen] = np.asarray(new_values, dtype=values.dtype)
    if timestamps is not None and new_ts is not None:
        timestamps = timestamps.copy()
        timestamps[chosen] = new_ts.astype(timestamps.dtype)
    return (ucode[keep], icode[keep], values[keep], None if timestamps is None else timestamps[keep],
            n_dup)


def _k_core(
    ucode: np.ndarray,
    icode: np.ndarray,
    values: np.ndarray,
    timestamps: np.ndarray | None,
    min_user: int,
    min_item: int,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray | None, int, int, int]:
    if min_user <= 1 and min_item <= 1:
        return ucode, icode, values, timestamps, 0, 0, 0
    keep = np.ones(len(ucode), dtype=bool)
    rounds = dropped_u = dropped_i = 0
    while True:
        rounds += 1
        changed = False
        if min_user > 1:
            counts = np.bincount(ucode[keep], minlength=int(ucode.max(initial=-1)) + 1)
            bad = keep & (counts[ucode] < min_user)
            if bad.any():
                dropped_u += int(bad.sum())
                keep &= ~bad
                changed = True
        if min_item > 1:
            counts = np.bincount(icode[keep], minlength=int(icode.max(initial=-1)) + 1)
            bad = keep & (counts[icode] < min_item)
            if bad.any():
                dropped_i += int(bad.sum())
                keep &= ~bad
                changed = True
        if not changed or not keep.any():
            break
    return (
        ucode[keep],
        icode[keep],
        values[keep],
        None if timestamps is None else timestamps[keep],
        rounds,
        dropped_u,
        dropped_i,
    )
