"""Cleaning at import: missing ids, duplicate (user, item) pairs, iterated k-core; all vectorised."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd

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


def _codes(ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Integer codes and stripped distinct ids; missing or blank ids get code -1.

    Stripping and blank checks run on the distinct values only, which is what keeps 1M rows cheap.
    """
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
    users: np.ndarray,
    items: np.ndarray,
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
    # One stable sort finds the duplicate groups (file order within each); the rule's tie-breaking
    # sort then runs on the duplicated rows only, usually a small share of a big file.
    perm = np.argsort(key, kind="stable")
    sorted_key = key[perm]
    starts = np.ones(n, dtype=bool)
    starts[1:] = sorted_key[1:] != sorted_key[:-1]
    n_dup = int(n - starts.sum())
    if n_dup == 0:
        return ucode, icode, values, timestamps, 0
    group = np.cumsum(starts) - 1
    duplicated = np.bincount(group)[group] > 1
    single = perm[~duplicated]
    rows = perm[duplicated]  # grouped by key, file order within a group
    dup_group = group[duplicated]
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
        local = np.cumsum(np.r_[True, is_last[:-1]]) - 1  # group number among the duplicated groups
        new_values = np.bincount(local, weights=values[rows]) / np.bincount(local)
        if timestamps is not None:
            latest = np.full(len(chosen), np.iinfo(np.int64).min, dtype=np.int64)
            np.maximum.at(latest, local, timestamps[rows])
            new_ts = latest
    # Surviving rows back in file order.
    kept = np.concatenate([single, chosen])
    back = np.argsort(kept, kind="stable")
    kept_values = np.concatenate([values[single], np.asarray(new_values, dtype=values.dtype)])[back]
    kept_ts = None if timestamps is None or new_ts is None else \
        np.concatenate([timestamps[single], new_ts.astype(timestamps.dtype)])[back]
    kept = kept[back]
    return ucode[kept], icode[kept], kept_values, kept_ts, n_dup


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
