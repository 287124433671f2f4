"""Delimiter and header detection for delimited text: one set of rules for every reader of such files.

Interaction imports, holdout files and the import wizard's preview all ask these functions, so a file
is read the same way wherever it is opened.
"""

from __future__ import annotations

import csv
import io
import re

import numpy as np

#: the delimiters tried, in order of preference when two fit equally well
DELIMITERS = (",", "\t", ";", "|", " ")
#: how the command line may spell a tab
_TAB_NAMES = ("\\t", "tab", "TAB")


def normalise_sep(sep: str | None) -> str | None:
    """``sep`` as the character itself: ``"\\t"`` or ``"tab"`` typed on a command line mean a tab."""
    if sep is None or sep == "":
        return None
    return "\t" if sep in _TAB_NAMES else sep


def is_number(text: str) -> bool:
    """True when ``text`` parses as a float."""
    try:
        float(text)
    except ValueError:
        return False
    return True


def detect_sep(lines: list[str]) -> str:
    """The delimiter whose count is the same non-zero number on (nearly) every sampled line (``,`` when
    none fits)."""
    lines = [ln for ln in lines if ln.strip()][:50]
    best: tuple[float, int, str] | None = None
    for sep in DELIMITERS:
        counts = np.array([ln.count(sep) for ln in lines])
        if not len(counts) or counts.max() == 0:
            continue
        values, freq = np.unique(counts, return_counts=True)
        mode = values[np.argmax(freq)]
        if mode == 0:
            continue
        consistency = float(freq.max()) / len(counts)
        candidate = (consistency, int(mode) if sep != " " else 0, sep)
        if best is None or candidate[:2] > best[:2]:
            best = candidate
    if best is None:
        return ","
    return best[2]


def _has_digit(text: str) -> bool:
    return any(ch.isdigit() for ch in text)


def detect_header(rows: list[list[str]]) -> bool:
    """True when the first row looks like column names rather than data."""
    if len(rows) < 2:
        return bool(rows) and not any(is_number(v) for v in rows[0])
    first, rest = rows[0], rows[1:]
    for col, value in enumerate(first):
        others = [r[col] for r in rest if col < len(r) and r[col] != ""]
        if others and not is_number(value) and sum(is_number(v) for v in others) >= 0.9 * len(others):
            return True
    # All-text columns: names are word-like and do not recur as values below.
    wordlike = all(re.fullmatch(r"[A-Za-z_][A-Za-z0-9_ .\-]*", v or "") for v in first)
    recurs = any(first[c] in {r[c] for r in rest if c < len(r)} for c in range(len(first)))
    # Ids such as "u1, i7" are word-like too: a first row shaped like the rows below it (digits in the same
    # columns) is data.
    shaped_like_data = any(_has_digit(v) for v in first) and all(
        _has_digit(first[c]) == all(_has_digit(r[c]) for r in rest if c < len(r)) for c in range(len(first))
    )
    return wordlike and not recurs and not shaped_like_data


def split_rows(lines: list[str], sep: str) -> list[list[str]]:
    """The non-blank ``lines`` split into fields (quotes honoured; runs of spaces are one delimiter)."""
    if sep == " ":
        return [ln.split() for ln in lines if ln.strip()]
    return [row for row in csv.reader(io.StringIO("\n".join(lines)), delimiter=sep) if row]


__all__ = ["DELIMITERS", "detect_header", "detect_sep", "is_number", "normalise_sep", "split_rows"]
