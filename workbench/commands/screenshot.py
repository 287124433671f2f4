"""``python -m workbench screenshot --out DIR``: render every page of the desktop app to PNG offscreen."""

from __future__ import annotations

import argparse
import os
from typing import Any

from workbench.cli import JSON_PARENT


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("screenshot", parents=[JSON_PARENT],
                                   help="render each page of the desktop app to PNG (offscreen, 1280x800)")
    parser.add_argument("--out", required=True, help="folder for the PNG files")
    parser.add_argument("--lang", default="en", choices=["en", "zh_CN"],
                        help="interface language of the shots (default: en)")
    parser.add_argument("--no-train", action="store_true", help="skip the short training run")
    parser.set_defaults(handler=run_screenshot)


def run_screenshot(args: argparse.Namespace, ctx: Any) -> int:
    """Render the pages; the database is ``--db`` when given, else a temporary one with the demo data."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from workbench.ui.screenshot import render_screenshots  # Qt only here: the CLI core stays Qt-free

    files = render_screenshots(args.out, db_target=ctx.db_target, train=not args.no_train,
                               language=args.lang)
    ctx.emit({"files": [str(f) for f in files]}, lambda: "\n".join(str(f) for f in files))
    return 0
