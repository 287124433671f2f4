"""The headless front: ``python -m workbench [--db DB] COMMAND ...`` over the same core as the GUI.

Each command group lives in ``workbench/commands/<group>.py`` and exposes ``register(subparsers)``;
handlers take ``(args, ctx)`` and return an exit code. Errors the user can fix are ``WorkbenchError``s:
printed to stderr, exit code 1.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from workbench.errors import WorkbenchError

COMMAND_MODULES = ("datasets", "training", "explain", "screenshot", "exports", "tune")
#: commands that build Qt widgets (and may run background jobs beside them): torch's workers sleep there
WINDOWED_COMMANDS = frozenset({"screenshot"})


@dataclass
class Context:
    """What a command handler needs: the database target and the output mode."""

    db_target: str | None
    as_json: bool
    _db: Any = field(default=None, repr=False)

    def db(self) -> Any:
        """The opened (and upgraded) database, opened once on first use."""
        if self._db is None:
            from workbench.store.db import open_database

            self._db = open_database(self.db_target)
        return self._db

    def emit(self, payload: Any, text: str | Callable[[], str] | None = None) -> None:
        """Print ``payload`` as JSON with ``--json``, else the human text (or a plain JSON dump)."""
        if self.as_json:
            print(json.dumps(payload, indent=2, default=str, ensure_ascii=False))
        elif text is not None:
            print(text() if callable(text) else text)
        else:
            print(json.dumps(payload, indent=2, default=str, ensure_ascii=False))


def _json_parent() -> argparse.ArgumentParser:
    parent = argparse.ArgumentParser(add_help=False)
    parent.add_argument("--json", action="store_true", default=argparse.SUPPRESS,
                        help="machine-readable JSON output")
    return parent


JSON_PARENT = _json_parent()


def build_parser() -> argparse.ArgumentParser:
    import importlib

    parser = argparse.ArgumentParser(prog="workbench", description="Rec Workbench, headless.",
                                     parents=[JSON_PARENT])
    parser.add_argument("--db", default=None,
                        help="database path or SQLAlchemy URL (default: $WORKBENCH_DB or the per-user file)")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(f"workbench.commands.{name}").register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    ctx = Context(db_target=args.db, as_json=bool(getattr(args, "json", False)))
    handler: Callable[[argparse.Namespace, Context], int] | None = getattr(args, "handler", None)
    if handler is None:
        parser.print_help()
        return 2
    if args.command not in WINDOWED_COMMANDS:
        # one thread runs torch here and no window waits on the cores: workers may spin between operations
        from workbench.core.threads import let_workers_spin

        let_workers_spin()
    try:
        return handler(args, ctx) or 0
    except WorkbenchError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # the reader went away (`... | head`): not an error of ours; silence the flush at exit
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    finally:
        if ctx._db is not None:
            ctx._db.close()


if __name__ == "__main__":
    raise SystemExit(main())
