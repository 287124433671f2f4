"""Opening a workbench database: URL resolution, SQLite pragmas, backup and upgrade to the newest schema."""

from __future__ import annotations

import os
import shutil
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from platformdirs import user_data_dir
from sqlalchemy import Engine, create_engine, event, inspect
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DatabaseError as SADatabaseError
from sqlalchemy.orm import Session, sessionmaker

from workbench.errors import DatabaseError

MIGRATIONS_DIR = Path(__file__).resolve().parents[2] / "migrations"
SQLITE_MAGIC = b"SQLite format 3\x00"


def default_database_path() -> Path:
    """``workbench.db`` in the per-user data directory."""
    return Path(user_data_dir("RecWorkbench", appauthor=False)) / "workbench.db"


def resolve_url(target: str | os.PathLike[str] | None = None) -> str:
    """A path or SQLAlchemy URL; None means ``$WORKBENCH_DB`` or the per-user default file."""
    if target is None:
        target = os.environ.get("WORKBENCH_DB") or default_database_path()
    text = str(target)
    if "://" in text:
        return text
    path = Path(text).expanduser().resolve()
    return f"sqlite:///{path}"


def _sqlite_path(url: str) -> Path | None:
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database or parsed.database == ":memory:":
        return None
    return Path(parsed.database)


def alembic_config(url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def head_revision() -> str:
    head = ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()
    assert head is not None
    return head


def make_engine(url: str) -> Engine:
    """An engine with WAL, foreign keys and a busy timeout on SQLite, so a reader and a writer coexist."""
    is_sqlite = url.startswith("sqlite")
    kwargs: dict[str, object] = {}
    if is_sqlite:
        kwargs["connect_args"] = {"timeout": 30, "check_same_thread": False}
    engine = create_engine(url, **kwargs)
    if is_sqlite:
        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn: sqlite3.Connection, _record: object) -> None:
            cursor = dbapi_conn.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.close()
    return engine


@dataclass
class Database:
    """One engine per database; a short session per action or job (never shared across threads)."""

    url: str
    engine: Engine
    backup_path: Path | None = None

    def __post_init__(self) -> None:
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session whose transaction commits on success and rolls back on any error."""
        with self._sessions() as session, session.begin():
            yield session

    @property
    def sqlite_path(self) -> Path | None:
        return _sqlite_path(self.url)

    def describe(self) -> str:
        path = self.sqlite_path
        return str(path) if path else make_url(self.url).render_as_string(hide_password=True)

    def close(self) -> None:
        self.engine.dispose()


def _check_sqlite_file(path: Path) -> None:
    if not path.exists() or path.stat().st_size == 0:
        return
    with path.open("rb") as fh:
        magic = fh.read(16)
    if magic != SQLITE_MAGIC:
        raise DatabaseError(f"{path}: not a Rec Workbench database (not an SQLite file); "
                            "it was left untouched")


def _current_revision(engine: Engine) -> tuple[str | None, bool]:
    """(revision, has_tables): the stamped revision and whether the database has any tables at all."""
    try:
        with engine.connect() as conn:
            tables = inspect(conn).get_table_names()
            revision = MigrationContext.configure(conn).get_current_revision()
    except SADatabaseError as exc:
        raise DatabaseError(f"cannot read the database: {exc.orig}") from exc
    return revision, bool(tables)


def open_database(target: str | os.PathLike[str] | None = None, *, upgrade: bool = True,
                  backup: bool = True) -> Database:
    """Open (creating if needed) and upgrade a workbench database to the newest schema.

    An existing SQLite file with an older schema is first copied to ``<name>.backup-<timestamp>``.
    A database from a newer version of the workbench, or a file that is not ours, is refused untouched.
    """
    url = resolve_url(target)
    path = _sqlite_path(url)
    if path is not None:
        _check_sqlite_file(path)
        path.parent.mkdir(parents=True, exist_ok=True)
    engine = make_engine(url)
    backup_path: Path | None = None
    try:
        revision, has_tables = _current_revision(engine)
        script = ScriptDirectory.from_config(alembic_config(url))
        head = script.get_current_head()
        if revision is None and has_tables:
            raise DatabaseError(f"{path or url}: not a Rec Workbench database (it has tables but no schema "
                                "version); it was left untouched")
        if revision is not None:
            known = {rev.revision for rev in script.walk_revisions()}
            if revision not in known:
                raise DatabaseError(
                    f"{path or url}: made by a newer version of Rec Workbench (schema revision {revision}; "
                    f"this version knows up to {head}); please upgrade the application. "
                    "The database was left untouched.")
        if upgrade and revision != head:
            if backup and path is not None and revision is not None:
                backup_path = _backup(path, engine)
            with engine.begin() as conn:
                cfg = alembic_config(url)
                cfg.attributes["connection"] = conn
                command.upgrade(cfg, "head")
    except Exception:
        engine.dispose()
        raise
    return Database(url=url, engine=engine, backup_path=backup_path)


def _backup(path: Path, engine: Engine) -> Path:
    """Copy the file (after a WAL checkpoint, so the copy is complete) before a migration touches it."""
    with engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    target = path.with_name(f"{path.name}.backup-{stamp}")
    n = 1
    while target.exists():
        target = path.with_name(f"{path.name}.backup-{stamp}-{n}")
        n += 1
    shutil.copy2(path, target)
    return target
