"""MovieLens folders: the 100K layout (u.data, u.item, u.user, u.genre) and the newer CSV layout
(ratings.csv, movies.csv, tags.csv). The rating files go through the generic validated CSV reader."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from workbench.core.progress import CancelToken, ProgressCallback
from workbench.data.cleaning import CleaningOptions
from workbench.data.csv_import import CsvSpec, check_encoding, parse_csv
from workbench.data.parsed import ImportReport, ParsedDataset
from workbench.errors import InputError

ML100K_GENRES = (
    "unknown",
    "Action",
    "Adventure",
    "Animation",
    "Children's",
    "Comedy",
    "Crime",
    "Documentary",
    "Drama",
    "Fantasy",
    "Film-Noir",
    "Horror",
    "Musical",
    "Mystery",
    "Romance",
    "Sci-Fi",
    "Thriller",
    "War",
    "Western",
)


def movielens_layout(path: str | Path) -> str | None:
    """ "100k" for a folder with u.data, "csv" for one with ratings.csv (the newer releases), else None."""
    folder = Path(path)
    if not folder.is_dir():
        return None
    if (folder / "u.data").is_file():
        return "100k"
    if (folder / "ratings.csv").is_file():
        return "csv"
    return None


def detect_layout(path: str | Path) -> str:
    """The folder's MovieLens layout (see ``movielens_layout``); InputError when it is none."""
    folder = Path(path)
    if not folder.is_dir():
        raise InputError(
            "not a folder; pass the MovieLens folder (with u.data or ratings.csv)", file=str(folder)
        )
    layout = movielens_layout(folder)
    if layout is None:
        raise InputError(
            "not a MovieLens folder: expected u.data (100K layout) or ratings.csv (newer layout)",
            file=str(folder),
        )
    return layout


def _read_pipe(path: Path, names: list[str]) -> pd.DataFrame:
    encoding, _ = check_encoding(path, "latin-1")
    frame = pd.read_csv(
        path,
        sep="|",
        header=None,
        dtype=str,
        encoding=encoding,
        keep_default_na=False,
        quoting=3,
        engine="c",
        on_bad_lines="error",
        names=names,
        index_col=False,
    )
    return frame


def _genres(folder: Path) -> list[str]:
    path = folder / "u.genre"
    if not path.is_file():
        return list(ML100K_GENRES)
    frame = pd.read_csv(path, sep="|", header=None, dtype=str, encoding="latin-1", keep_default_na=False)
    frame = frame[frame[0] != ""]
    return [name for name, _ in sorted(zip(frame[0], frame[1].astype(int), strict=True), key=lambda t: t[1])]


def parse_ml100k(
    folder: Path,
    cleaning: CleaningOptions | None = None,
    cancel: CancelToken | None = None,
    progress: ProgressCallback | None = None,
) -> ParsedDataset:
    """u.data ratings with u.item titles/dates/genre flags and u.user demographics."""
    spec = CsvSpec(user=0, item=1, rating=2, timestamp=3, sep="\t", header=False, rating_scale=(1, 5))
    parsed = parse_csv(folder / "u.data", spec, cleaning, cancel=cancel, progress=progress)
    genres = _genres(folder)
    item_path = folder / "u.item"
    if item_path.is_file():
        names = ["item", "title", "release_date", "video_release_date", "url", *genres]
        try:
            items = _read_pipe(item_path, names)
        except pd.errors.ParserError as exc:
            raise InputError(f"cannot parse: {exc}", file=str(item_path)) from None
        flags = items[genres].to_numpy() == "1"
        categories = [[g for g, on in zip(genres, row, strict=True) if on] for row in flags]
        attributes = [
            {"release_date": d, "url": u} if u else {"release_date": d}
            for d, u in zip(items["release_date"], items["url"], strict=True)
        ]
        parsed.item_info = pd.DataFrame(
            {
                "external_id": items["item"].str.strip(),
                "title": items["title"],
                "text": "",
                "categories": categories,
                "attributes": attributes,
            }
        )
    user_path = folder / "u.user"
    if user_path.is_file():
        users = _read_pipe(user_path, ["user", "age", "gender", "occupation", "zip"])
        features = users[["age", "gender", "occupation", "zip"]].to_dict("records")
        parsed.user_info = pd.DataFrame({"external_id": users["user"].str.strip(), "features": features})
    parsed.source = str(folder.resolve())
    parsed.report["layout"] = "movielens-100k"
    return parsed


def parse_ml_csv(
    folder: Path,
    cleaning: CleaningOptions | None = None,
    cancel: CancelToken | None = None,
    progress: ProgressCallback | None = None,
) -> ParsedDataset:
    """ratings.csv with movies.csv titles/genres and tags.csv tags joined into item text."""
    spec = CsvSpec(
        user="userId",
        item="movieId",
        rating="rating",
        timestamp="timestamp",
        sep=",",
        header=True,
        rating_scale=(0.5, 5),
    )
    parsed = parse_csv(folder / "ratings.csv", spec, cleaning, cancel=cancel, progress=progress)
    movies_path = folder / "movies.csv"
    info: pd.DataFrame | None = None
    if movies_path.is_file():
        movies = _read_csv_columns(movies_path, ["movieId", "title", "genres"])
        categories = [
            [g for g in str(text).split("|") if g and g != "(no genres listed)"] for text in movies["genres"]
        ]
        info = pd.DataFrame(
            {
                "external_id": movies["movieId"].str.strip(),
                "title": movies["title"],
                "text": "",
                "categories": categories,
                "attributes": [{}] * len(movies),
            }
        )
    tags_path = folder / "tags.csv"
    if tags_path.is_file():
        tags = _read_csv_columns(tags_path, ["movieId", "tag"])
        tags = tags[tags["tag"].str.strip() != ""]
        joined = tags.groupby(tags["movieId"].str.strip(), sort=False)["tag"].agg(
            lambda t: ", ".join(dict.fromkeys(t.str.strip()))
        )
        if info is None:
            info = pd.DataFrame(
                {
                    "external_id": joined.index,
                    "title": "",
                    "text": joined.to_numpy(),
                    "categories": [[] for _ in range(len(joined))],
                    "attributes": [{} for _ in range(len(joined))],
                }
            )
        else:
            info["text"] = info["external_id"].map(joined).fillna("")
    parsed.item_info = info
    parsed.source = str(folder.resolve())
    parsed.report["layout"] = "movielens-csv"
    return parsed


def _read_csv_columns(path: Path, columns: list[str]) -> pd.DataFrame:
    encoding, _ = check_encoding(path)
    try:
        frame = pd.read_csv(path, dtype=str, encoding=encoding, keep_default_na=False)
    except pd.errors.ParserError as exc:
        raise InputError(f"cannot parse: {exc}", file=str(path)) from None
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise InputError(
            f"missing column(s) {', '.join(missing)}; found {', '.join(frame.columns)}",
            file=str(path),
            line=1,
            column=missing[0],
        )
    return frame


def parse_movielens(
    path: str | Path,
    cleaning: CleaningOptions | None = None,
    cancel: CancelToken | None = None,
    progress: ProgressCallback | None = None,
) -> ParsedDataset:
    """Parse whichever MovieLens layout the folder has."""
    folder = Path(path)
    if detect_layout(folder) == "100k":
        return parse_ml100k(folder, cleaning, cancel, progress)
    return parse_ml_csv(folder, cleaning, cancel, progress)


def import_movielens(
    db: Any,
    path: str | Path,
    name: str | None = None,
    cleaning: CleaningOptions | None = None,
    cancel: CancelToken | None = None,
    progress: ProgressCallback | None = None,
) -> ImportReport:
    """Import a MovieLens folder (either layout) as one dataset; default name is the folder name."""
    from workbench.data.writer import check_name_free, write_dataset

    folder = Path(path)
    name = name or folder.resolve().name
    with db.engine.connect() as conn:
        check_name_free(conn, name)
    parsed = parse_movielens(folder, cleaning, cancel, progress)
    return write_dataset(db, parsed, name, cancel=cancel, progress=progress)
