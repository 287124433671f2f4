"""Writing a file so that readers never see half of it: beside the target, then renamed over it."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from workbench.errors import WorkbenchError


@contextmanager
def atomic_output(target: Path, what: str = "") -> Iterator[Path]:
    """Yield a partial path beside ``target`` to write to; on success it replaces ``target``, on any
    failure (cancel included) it is removed and ``target`` stays as it was. An ``OSError`` (disk full, no
    permission) becomes a ``WorkbenchError`` naming ``what`` (default: the file)."""
    partial = target.with_name(target.name + ".part")
    try:
        yield partial
        partial.replace(target)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise WorkbenchError(f"cannot write {what or target}: {exc.strerror or exc}") from exc
    except BaseException:  # a cancel or a bug: no partial file is left behind, then it goes on up
        partial.unlink(missing_ok=True)
        raise


__all__ = ["atomic_output"]
