"""Which column of an interactions file holds what: guessed from header names, else from the usual order.

The import wizard pre-selects its column choices from these guesses and the command line imports a file
without ``--user/--item`` from them, so both read an unfamiliar file the same way.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from workbench.core.delimited import is_number
from workbench.data.csv_import import CsvPreview, CsvSpec, preview_csv
from workbench.errors import InputError

ROLES = ("user", "item", "rating", "timestamp")
#: words that name each role's column, most telling first
GUESSES = {
    "user": ("user", "uid", "customer", "client", "visitor", "member", "person", "account"),
    "item": ("item", "movie", "product", "iid", "track", "book", "article", "song", "sku", "film", "video"),
    "rating": ("rating", "score", "stars", "value", "grade", "preference", "weight"),
    "timestamp": ("timestamp", "time", "date", "ts", "when", "created"),
}


@dataclass(frozen=True)
class ColumnGuess:
    """Guessed 0-based positions per role (None: no such column) and, for the id roles, the other
    columns that would have fitted as well (a file where they are not empty is ambiguous)."""

    positions: dict[str, int | None]
    by_name: bool  # False: the header named no user/item column, the positions are the usual order
    rivals: dict[str, tuple[int, ...]] = field(default_factory=dict)

    def ambiguous_roles(self) -> list[str]:
        """The id roles the file does not settle: no header name for them, or several names fit."""
        if not self.by_name:
            return ["user", "item"]
        return [role for role in ("user", "item") if self.rivals.get(role)]


def _tokens(name: str) -> list[str]:
    """Lower-case words of a column name: "movieId" and "movie_id" both give ["movie", "id"]."""
    spaced = re.sub(r"([a-z0-9])([A-Z])", r"\1 \2", name)
    return [t for t in re.split(r"[^a-z0-9]+", spaced.lower()) if t]


def _matches(keyword: str, name: str) -> bool:
    # short keywords ("ts", "uid") only as whole words: "ts" is inside "ratings" and "counts"
    tokens = _tokens(name)
    if len(keyword) <= 3:
        return keyword in tokens
    return keyword in "".join(tokens)


def _exact(keyword: str, name: str) -> bool:
    """The name is the keyword itself, or the keyword and "id" ("user", "user_id", "userId")."""
    return _tokens(name) in ([keyword], [keyword, "id"])


def _column_kind(rows: list[list[str]], position: int) -> str:
    """ "time" for unix seconds (whole numbers after 1973), "number" for other numbers, else "text"."""
    values = [r[position] for r in rows if position < len(r) and r[position] != ""]
    if not values or not all(is_number(v) for v in values):
        return "text"
    numbers = [float(v) for v in values]
    return "time" if all(n >= 1e8 and n == int(n) for n in numbers) else "number"


def guess_columns(columns: list[str], has_header: bool, rows: list[list[str]] | None = None) -> ColumnGuess:
    """Guess the user / item / rating / timestamp columns of a file.

    With a header, each role takes the first column whose name carries one of its words (a name that is
    exactly the word, or the word and "id", wins over one that only contains it). Without a usable
    header the usual order applies: user, item[, rating[, timestamp]]; given sample ``rows``, a third or
    fourth column is taken only when its values are numbers, and whole numbers past 1973 as unix seconds
    are the timestamp.
    """
    positions: dict[str, int | None] = dict.fromkeys(ROLES)
    rivals: dict[str, tuple[int, ...]] = {}
    if has_header:
        taken: set[int] = set()
        for role in ("user", "item", "timestamp", "rating"):
            for keyword in GUESSES[role]:
                hits = [i for i, name in enumerate(columns) if i not in taken and _matches(keyword, name)]
                if not hits:
                    continue
                exact = [i for i in hits if _exact(keyword, columns[i])]
                chosen = exact[0] if exact else hits[0]
                positions[role] = chosen
                taken.add(chosen)
                if len(exact) != 1 and len(hits) > 1:
                    rivals[role] = tuple(i for i in hits if i != chosen)
                break
    if positions["user"] is not None and positions["item"] is not None:
        return ColumnGuess(positions, by_name=True, rivals=rivals)
    order: dict[str, int | None] = {"user": 0 if columns else None, "item": 1 if len(columns) > 1 else None,
                                    "rating": None, "timestamp": None}
    for position in range(2, min(4, len(columns))):
        kind = "number" if rows is None else _column_kind(rows, position)
        role = "timestamp" if kind == "time" or (kind == "number" and position == 3) else "rating"
        if kind != "text" and order[role] is None:
            order[role] = position
    return ColumnGuess(order, by_name=False)


def guess_csv_spec(
    path: str | Path,
    sep: str | None = None,
    header: bool | None = None,
    encoding: str | None = None,
) -> tuple[CsvSpec, CsvPreview]:
    """A ``CsvSpec`` for ``path`` with every column guessed (see ``guess_columns``), and the preview the
    guess was made on.

    Raises ``InputError`` naming the file and the candidate columns when the user or item column cannot
    be told: a header that names neither, several columns that fit, or a file without header and with
    more than the two id columns whose third column is not a rating.
    """
    preview = preview_csv(path, sep=sep, header=header, encoding=encoding)
    guess = guess_columns(preview.columns, preview.has_header, preview.rows)
    ambiguous = guess.ambiguous_roles()
    if not guess.by_name and not preview.has_header:
        # a headerless file in the usual order (user, item[, rating[, timestamp]]) is the common layout;
        # it is ambiguous only when extra columns do not read as rating and timestamp
        used = sum(p is not None for p in guess.positions.values())
        ambiguous = [] if used == len(preview.columns) else ambiguous
    if ambiguous:
        names = [f"'{c}'" if preview.has_header else str(i) for i, c in enumerate(preview.columns)]
        raise InputError(
            f"cannot tell which column holds the {' and '.join(ambiguous)} ids; the columns are "
            f"{', '.join(names)}: name them with --user and --item (header names or 0-based positions)",
            file=str(path),
        )

    def ref(role: str) -> str | int | None:
        position = guess.positions[role]
        if position is None:
            return None
        return preview.columns[position] if preview.has_header else position

    user, item = ref("user"), ref("item")
    assert user is not None and item is not None
    spec = CsvSpec(
        user=user,
        item=item,
        rating=ref("rating"),
        timestamp=ref("timestamp"),
        sep=preview.sep,
        header=preview.has_header,
        encoding=encoding,
    )
    return spec, preview


def default_dataset_name(path: Path) -> str:
    """A dataset name for ``path``: a folder's name, a file's stem, or its folder's name for a file of a
    MovieLens release or a stem too short to mean anything (``ml-100k`` for ``ml-100k/u.data``, not ``u``)."""
    if path.is_dir():
        return path.name
    folder = path.resolve().parent
    release = (folder / "u.data").is_file() or (folder / "movies.csv").is_file()
    if (release or len(path.stem) <= 2) and folder.name:
        return folder.name
    return path.stem


__all__ = ["GUESSES", "ROLES", "ColumnGuess", "default_dataset_name", "guess_columns", "guess_csv_spec"]
