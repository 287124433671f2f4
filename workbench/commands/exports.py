"""CLI: ``export recommendations M --n 10 --out FILE [--users FILE]`` and ``export similar-items M``."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any, TextIO

from workbench.core.progress import Progress


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the export command group to the top-level parser."""
    from workbench.cli import JSON_PARENT

    export = subparsers.add_parser("export", parents=[JSON_PARENT], help="write a model's top-N to a file",
                                   description="CSV or Parquet (by the --out extension), written in chunks "
                                               "with a progress bar on standard error.")
    esub = export.add_subparsers(dest="export_command", required=True, metavar="WHAT")
    r = esub.add_parser("recommendations", parents=[JSON_PARENT], help="top-N items per user",
                        description="Columns user, item, rank, score (and title). Items the user already "
                                    "has in the dataset are left out.")
    r.add_argument("model", help="model id or name")
    r.add_argument("--n", type=int, default=10, help="items per user (default 10)")
    r.add_argument("--out", required=True, type=Path, help="output file, .csv or .parquet")
    r.add_argument("--users", type=Path, help="file of user ids, one per line (default: every user)")
    r.add_argument("--include-seen", action="store_true", help="also list items the user already has")
    r.set_defaults(handler=cmd_export_recommendations)
    s = esub.add_parser("similar-items", parents=[JSON_PARENT], help="the N most similar items per item",
                        description="Columns item, similar_item, rank, score (and titles): cosine of the "
                                    "model's item vectors, or of co-occurrence in its training data when "
                                    "the model has no item vectors.")
    s.add_argument("model", help="model id or name")
    s.add_argument("--n", type=int, default=10, help="similar items per item (default 10)")
    s.add_argument("--out", required=True, type=Path, help="output file, .csv or .parquet")
    s.set_defaults(handler=cmd_export_similar)


class TerminalProgress:
    """A progress bar redrawn in place on a terminal; plain lines every 10% when redirected to a file."""

    def __init__(self, stream: TextIO | None = None, width: int = 30) -> None:
        self.stream = stream or sys.stderr
        self.width = width
        self.tty = bool(getattr(self.stream, "isatty", lambda: False)())
        self.started = time.monotonic()
        self._last_decile = -1

    def __call__(self, event: Progress) -> None:
        fraction = event.fraction or 0.0
        elapsed = time.monotonic() - self.started
        eta = f", {elapsed / fraction - elapsed:.0f}s left" if 0 < fraction < 1 else ""
        if self.tty:
            filled = round(fraction * self.width)
            bar = "#" * filled + "-" * (self.width - filled)
            end = "\n" if fraction >= 1 else ""
            self.stream.write(f"\r[{bar}] {fraction:4.0%} {event.message} ({elapsed:.0f}s{eta})\033[K{end}")
            self.stream.flush()
            return
        decile = int(fraction * 10)
        if decile > self._last_decile:
            self._last_decile = decile
            print(f"{fraction:4.0%} {event.message} ({elapsed:.0f}s{eta})", file=self.stream, flush=True)


def cmd_export_recommendations(args: argparse.Namespace, ctx: Any) -> int:
    from workbench.errors import WorkbenchError
    from workbench.training.export import export_recommendations, read_user_file

    if args.n < 1:
        raise WorkbenchError("--n must be at least 1")
    users = read_user_file(args.users) if args.users is not None else None
    report = export_recommendations(ctx.db(), args.model, args.out, n=args.n, users=users,
                                    exclude_seen=not args.include_seen, progress=TerminalProgress())
    if report.unknown_users:
        shown = ", ".join(report.unknown_users[:10]) + ("…" if len(report.unknown_users) > 10 else "")
        print(f"warning: {len(report.unknown_users)} user(s) unknown to the model were skipped: {shown}",
              file=sys.stderr)
    payload = {"path": str(report.path), "users": report.n_users, "rows": report.n_rows,
               "unknown_users": report.unknown_users}
    ctx.emit(payload, f"wrote {report.n_rows:,} recommendations for {report.n_users:,} users to "
                      f"{report.path}")
    return 0


def cmd_export_similar(args: argparse.Namespace, ctx: Any) -> int:
    from workbench.errors import WorkbenchError
    from workbench.training.export import export_similar_items

    if args.n < 1:
        raise WorkbenchError("--n must be at least 1")
    report = export_similar_items(ctx.db(), args.model, args.out, n=args.n, progress=TerminalProgress())
    payload = {"path": str(report.path), "items": report.n_users, "rows": report.n_rows,
               "similarity": report.similarity}
    ctx.emit(payload, f"wrote {report.n_rows:,} similar-item rows for {report.n_users:,} items to "
                      f"{report.path} (similarity: {report.similarity})")
    return 0
