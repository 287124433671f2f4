"""``datasets`` command group: import (csv, movielens, items), demo, list, show, delete."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from workbench.cli import JSON_PARENT, Context
from workbench.core.delimited import normalise_sep
from workbench.core.progress import Progress
from workbench.errors import InputError


def _scale(text: str | None) -> tuple[float, float] | None:
    if text is None:
        return None
    try:
        low, high = (float(v) for v in text.split(","))
    except ValueError:
        raise InputError(f"--scale must be MIN,MAX (for example 1,5), not '{text}'") from None
    if low >= high:
        raise InputError(f"--scale MIN must be below MAX, got '{text}'")
    return low, high


def _progress(ctx: Context) -> Any:
    if ctx.as_json or not sys.stderr.isatty():
        return None

    def show(event: Progress) -> None:
        fraction = event.fraction
        pct = f"{100 * fraction:5.1f}%" if fraction is not None else ""
        print(f"\r{pct} {event.message}".ljust(60), end="", file=sys.stderr, flush=True)

    return show


def _import_text(report: Any) -> str:
    c = report.cleaning
    dropped = (
        ", ".join(
            f"{k.removeprefix('dropped_')}: {v}"
            for k, v in c.items()
            if k.startswith("dropped_") and k.count("_") == 1 + k.removeprefix("dropped_").count("_") and v
        )
        or "nothing dropped"
    )
    return (
        f"imported '{report.name}' (id {report.dataset_id}): {report.n_users:,} users, {report.n_items:,} "
        f"items, {report.n_interactions:,} {report.kind} interactions in {report.elapsed_s:.1f}s "
        f"({dropped})"
    )


def _csv_spec(args: argparse.Namespace) -> tuple[Any, str | None]:
    """The file's ``CsvSpec`` from the options, with the columns not named guessed from the file; and the
    line that tells what was guessed and how to override it (None when nothing was guessed)."""
    from dataclasses import replace

    from workbench.data.columns import guess_csv_spec
    from workbench.data.csv_import import Column, CsvSpec

    header = False if args.no_header else (True if args.header else None)
    given = {"sep": normalise_sep(args.sep), "header": header, "encoding": args.encoding,
             "rating_scale": _scale(args.scale), "kind": "implicit" if args.implicit else None}
    if args.user is not None and args.item is not None:
        return CsvSpec(user=args.user, item=args.item, rating=args.rating, timestamp=args.timestamp,
                       **given), None
    guessed, _ = guess_csv_spec(args.file, sep=given["sep"], header=header, encoding=args.encoding)
    roles = ("user", "item", "rating", "timestamp")
    named = {role: getattr(args, role) for role in roles if getattr(args, role) is not None}
    # a guess that falls on a column named for another role gives way to it
    taken = {str(value) for value in named.values()}
    chosen: dict[str, Column | None] = {
        role: named[role] if role in named
        else (None if str(getattr(guessed, role)) in taken else getattr(guessed, role))
        for role in roles}
    user, item = chosen["user"], chosen["item"]
    if user is None or item is None:
        raise InputError(f"{args.file}: the user and item columns could not both be told apart; "
                         "name them with --user and --item")
    spec = replace(guessed, user=user, item=item, rating=chosen["rating"], timestamp=chosen["timestamp"],
                   rating_scale=given["rating_scale"], kind=given["kind"])
    shown = ", ".join(f"{role} = {chosen[role]!r}" for role in chosen if chosen[role] is not None)
    note = (f"columns guessed from {Path(args.file).name}: {shown}; "
            "override with --user, --item, --rating, --timestamp")
    return spec, note


def _cmd_import_csv(args: argparse.Namespace, ctx: Context) -> int:
    from workbench.data.cleaning import CleaningOptions
    from workbench.data.columns import default_dataset_name
    from workbench.data.csv_import import import_csv
    from workbench.data.movielens import movielens_layout

    path = Path(args.file)
    if movielens_layout(path) is not None:
        raise InputError(f"{path} is a MovieLens folder: import it with 'datasets import movielens {path}'")
    spec, note = _csv_spec(args)
    if note is not None:
        print(note, file=sys.stderr)
    cleaning = CleaningOptions(
        duplicates=args.duplicates, min_user_interactions=args.min_user, min_item_interactions=args.min_item
    )
    report = import_csv(
        ctx.db(), path, spec, name=args.name or default_dataset_name(path), cleaning=cleaning,
        progress=_progress(ctx)
    )
    payload = report.to_dict()
    payload["columns"] = {"user": spec.user, "item": spec.item, "rating": spec.rating,
                          "timestamp": spec.timestamp}
    ctx.emit(payload, lambda: _import_text(report))
    return 0


def _cmd_import_movielens(args: argparse.Namespace, ctx: Context) -> int:
    from workbench.data.cleaning import CleaningOptions
    from workbench.data.movielens import import_movielens

    cleaning = CleaningOptions(
        duplicates=args.duplicates, min_user_interactions=args.min_user, min_item_interactions=args.min_item
    )
    report = import_movielens(
        ctx.db(), Path(args.dir), name=args.name, cleaning=cleaning, progress=_progress(ctx)
    )
    ctx.emit(report.to_dict(), lambda: _import_text(report))
    return 0


def _cmd_import_items(args: argparse.Namespace, ctx: Context) -> int:
    from workbench.data.content import import_item_content

    report = import_item_content(
        ctx.db(),
        Path(args.file),
        args.dataset,
        id_column=args.id,
        title_column=args.title,
        text_column=args.text,
        categories_column=args.categories,
        encoding=args.encoding,
    )
    text = f"{report.matched:,} of {report.rows:,} items matched dataset '{report.dataset}'" + (
        f"; {report.unmatched:,} unmatched (e.g. {', '.join(report.unmatched_ids)})"
        if report.unmatched
        else ""
    )
    ctx.emit(report.to_dict(), text)
    return 0


def _cmd_demo(args: argparse.Namespace, ctx: Context) -> int:
    from workbench.data.demo import load_demo

    name = args.name or ("demo" if args.lang == "en" else f"demo-{args.lang}")
    report = load_demo(ctx.db(), name=name, seed=args.seed, lang=args.lang)
    ctx.emit(report.to_dict(), lambda: _import_text(report))
    return 0


def _cmd_embed(args: argparse.Namespace, ctx: Context) -> int:
    from workbench.core.device import resolve_device
    from workbench.store.datasets import load_dataset
    from workbench.store.embeddings import item_text_vectors

    data = load_dataset(ctx.db(), args.name)
    if data.content is None or data.dataset_id is None:
        raise InputError(f"dataset '{data.name}' has no item content to embed (import items first)")
    ident, vectors, embedded = item_text_vectors(ctx.db(), data.dataset_id, data.content,
                                                 device=resolve_device(args.device),
                                                 batch_size=args.batch_size, progress=_progress(ctx))
    payload = {"dataset": data.name, "encoder": ident.name, "encoder_version": ident.version,
               "items": len(vectors), "embedded": embedded, "cached": len(vectors) - embedded,
               "dim": int(vectors.shape[1]) if vectors.ndim == 2 else 0}
    ctx.emit(payload, lambda: f"{payload['items']} item texts of '{data.name}' as {ident.name} vectors: "
                              f"{embedded} embedded now, {payload['cached']} from the cache")
    return 0


def _cmd_list(args: argparse.Namespace, ctx: Context) -> int:
    from workbench.store.datasets import list_datasets

    infos = list_datasets(ctx.db())

    def text() -> str:
        if not infos:
            return "no datasets (try: datasets demo)"
        lines = [f"{'id':>4}  {'name':<24} {'kind':<9} {'users':>9} {'items':>9} {'interactions':>13}"]
        lines += [
            f"{i.id:>4}  {i.name:<24} {i.kind:<9} {i.n_users:>9,} {i.n_items:>9,} {i.n_interactions:>13,}"
            for i in infos
        ]
        return "\n".join(lines)

    ctx.emit([i.to_dict() for i in infos], text)
    return 0


def _cmd_show(args: argparse.Namespace, ctx: Context) -> int:
    from datetime import UTC, datetime

    from workbench.store.datasets import get_dataset_info, top_users
    from workbench.store.stats import dataset_stats

    info = get_dataset_info(ctx.db(), args.name)
    payload = info.to_dict()
    payload["top_users"] = top_users(ctx.db(), info.id, 10)
    stats = dataset_stats(ctx.db(), info.id).to_dict()
    payload["stats"] = stats

    def spread(key: str) -> str:
        s = stats[key]
        return f"{s['min']:g} / {s['median']:g} / {s['mean']:.1f} / {s['max']:g} (min / median / mean / max)"

    histogram = ", ".join(f"{r['value']:g}: {r['count']:,}" for r in stats["ratings"])

    def when(seconds: int | None) -> str:
        return "-" if seconds is None else f"{datetime.fromtimestamp(seconds, UTC):%Y-%m-%d}"

    def text() -> str:
        scale = (
            f"{info.rating_min:g}..{info.rating_max:g}"
            if info.rating_min is not None and info.rating_max is not None
            else "-"
        )
        return "\n".join(
            [
                f"dataset      {info.name} (id {info.id})",
                f"kind         {info.kind}",
                f"rating scale {scale}",
                f"users        {info.n_users:,}",
                f"items        {info.n_items:,}",
                f"interactions {info.n_interactions:,}",
                f"source       {info.source}",
                f"created      {info.created_at:%Y-%m-%d %H:%M}",
                f"top users    {', '.join(payload['top_users'])}",
                f"per user     {spread('interactions_per_user')}",
                f"per item     {spread('interactions_per_item')}",
                f"time range   {when(stats['time_min'])} .. {when(stats['time_max'])}",
            ] + ([f"ratings      {histogram}"] if info.kind == "explicit" else [])
        )

    ctx.emit(payload, text)
    return 0


def _cmd_delete(args: argparse.Namespace, ctx: Context) -> int:
    from workbench.store.datasets import delete_dataset

    info = delete_dataset(ctx.db(), args.name)
    ctx.emit({"deleted": info.name, "id": info.id}, f"deleted dataset '{info.name}'")
    return 0


def _cleaning_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--duplicates",
        choices=("last", "mean", "max"),
        default="last",
        help="rule for repeated (user, item) pairs (default: last by time, else file order)",
    )
    parser.add_argument(
        "--min-user", type=int, default=0, metavar="K", help="k-core: minimum interactions per user"
    )
    parser.add_argument(
        "--min-item", type=int, default=0, metavar="K", help="k-core: minimum interactions per item"
    )


def register(subparsers: Any) -> None:
    """Add the ``datasets`` group to the CLI."""
    group = subparsers.add_parser(
        "datasets", help="import, list, show and delete datasets", parents=[JSON_PARENT]
    )
    sub = group.add_subparsers(dest="datasets_command", required=True, metavar="ACTION")

    imp = sub.add_parser("import", help="import a file or folder", parents=[JSON_PARENT])
    kinds = imp.add_subparsers(dest="import_kind", required=True, metavar="FORMAT")

    csv_p = kinds.add_parser("csv", help="a delimited file of interactions", parents=[JSON_PARENT])
    csv_p.add_argument("file")
    csv_p.add_argument("--user", help="user id column (header name or 0-based position; default: guessed "
                       "from the header, else the first column)")
    csv_p.add_argument("--item", help="item id column (header name or 0-based position; default: guessed "
                       "from the header, else the second column)")
    csv_p.add_argument("--rating", help="rating column; without it the feedback is implicit (guessed too "
                       "when --user or --item is left out)")
    csv_p.add_argument("--timestamp",
                       help="timestamp column (unix seconds or ISO 8601; guessed like --rating)")
    csv_p.add_argument("--sep", help="delimiter (default: detected; '\\t' or 'tab' for tabs)")
    header = csv_p.add_mutually_exclusive_group()
    header.add_argument("--no-header", action="store_true", help="the first line is data")
    header.add_argument("--header", action="store_true", help="the first line holds column names")
    csv_p.add_argument("--encoding", help="text encoding (default: UTF-8, BOM accepted)")
    csv_p.add_argument("--scale", help="declared rating scale MIN,MAX; ratings outside are refused")
    csv_p.add_argument("--implicit", action="store_true", help="treat values as implicit feedback")
    csv_p.add_argument("--name", help="dataset name (default: the file name without extension, or its "
                       "folder's name for a MovieLens file)")
    _cleaning_args(csv_p)
    csv_p.set_defaults(handler=_cmd_import_csv)

    ml = kinds.add_parser(
        "movielens", help="a MovieLens folder (100K or the newer CSV layout)", parents=[JSON_PARENT]
    )
    ml.add_argument("dir")
    ml.add_argument("--name", help="dataset name (default: the folder name)")
    _cleaning_args(ml)
    ml.set_defaults(handler=_cmd_import_movielens)

    items = kinds.add_parser(
        "items", help="item content (CSV or JSON lines) for an existing dataset", parents=[JSON_PARENT]
    )
    items.add_argument("file")
    items.add_argument("--dataset", required=True, help="dataset name or id")
    items.add_argument("--id", help="item id column (default: item_id/item/id/...)")
    items.add_argument("--title", help="title column")
    items.add_argument("--text", help="free text / description column")
    items.add_argument("--categories", help="categories column ('|' or ';' separated, or a JSON list)")
    items.add_argument("--encoding", help="text encoding (default: UTF-8)")
    items.set_defaults(handler=_cmd_import_items)

    demo = sub.add_parser("demo", help="generate and store the demo shop", parents=[JSON_PARENT])
    demo.add_argument("--name", help="dataset name (default: demo, or demo-zh for --lang zh)")
    demo.add_argument("--seed", type=int, default=0)
    demo.add_argument("--lang", choices=("en", "zh"), default="en",
                      help="language of titles, descriptions and categories (zh: Chinese)")
    demo.set_defaults(handler=_cmd_demo)

    embed = sub.add_parser("embed", help="embed item texts with the pretrained sentence encoder (cached; "
                           "needs the 'pretrained' extra)", parents=[JSON_PARENT])
    embed.add_argument("name", help="dataset name or id")
    embed.add_argument("--device", default="auto", help="auto, cpu, cuda or mps")
    embed.add_argument("--batch-size", type=int, default=64, help="texts per batch")
    embed.set_defaults(handler=_cmd_embed)

    lst = sub.add_parser("list", help="list datasets", parents=[JSON_PARENT])
    lst.set_defaults(handler=_cmd_list)

    show = sub.add_parser("show", help="describe one dataset: counts, rating histogram, interactions per "
                          "user and per item, time range", parents=[JSON_PARENT])
    show.add_argument("name", help="dataset name or id")
    show.set_defaults(handler=_cmd_show)

    rm = sub.add_parser("delete", help="delete a dataset and its models and runs", parents=[JSON_PARENT])
    rm.add_argument("name", help="dataset name or id")
    rm.set_defaults(handler=_cmd_delete)
