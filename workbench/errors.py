"""Errors the user sees. Each carries enough context (file, line, column) to fix the input."""

from __future__ import annotations


class WorkbenchError(Exception):
    """Base class for errors shown to the user as a plain message (CLI: stderr, exit 1; GUI: dialog)."""


class InputError(WorkbenchError):
    """Bad input data. ``str()`` names the file, the 1-based line and the column where known."""

    def __init__(self, message: str, *, file: str | None = None, line: int | None = None,
                 column: str | None = None) -> None:
        self.message = message
        self.file = file
        self.line = line
        self.column = column
        super().__init__(self._format())

    def _format(self) -> str:
        where = []
        if self.file is not None:
            where.append(str(self.file))
        if self.line is not None:
            where.append(f"line {self.line}")
        if self.column is not None:
            where.append(f"column '{self.column}'")
        prefix = ", ".join(where)
        return f"{prefix}: {self.message}" if prefix else self.message


class DatabaseError(WorkbenchError):
    """The database cannot be opened or upgraded (newer version, not ours, unreadable)."""


class NotFoundError(WorkbenchError):
    """A dataset, model, run, user or item named by the user does not exist."""
