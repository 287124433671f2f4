"""Opening a workbench database: URL resolution, SQLite pragmas, backup and upgrade to the newest schema.

The embedded default is an SQLite file; any SQLAlchemy URL works as well, and PostgreSQL (psycopg 3,
the ``postgres`` extra) is tested in CI. Only SQLite files get a backup copy before a migration.
"""

from __future__ import annotations

import logging
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
from sqlalchemy import Connection, Engine, create_engine, event, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.engine.interfaces import DBAPICursor
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, SQLAlchemyError
from sqlalchemy.exc import DatabaseError as SADatabaseError
from sqlalchemy.orm import Session, sessionmaker

from workbench.bundled import migrations_dir
from workbench.errors import DatabaseError, WorkbenchError

#: what a store call raises when the database cannot answer (a lost server, a locked or damaged file) or
#: refuses the request; a page that lists or loads from the store reports these and stays usable
STORE_ERRORS: tuple[type[Exception], ...] = (WorkbenchError, SQLAlchemyError)

SQLITE_MAGIC = b"SQLite format 3\x00"
#: Key of the PostgreSQL advisory lock that serialises schema upgrades of one database across processes.
UPGRADE_LOCK_KEY = 0x52656357  # "RecW"

log = logging.getLogger(__name__)


def default_database_path() -> Path:
    """``workbench.db`` in the per-user data directory."""
    return Path(user_data_dir("RecWorkbench", appauthor=False)) / "workbench.db"


def resolve_url(target: str | os.PathLike[str] | None = None) -> str:
    """A path or SQLAlchemy URL; None means ``$WORKBENCH_DB`` or the per-user default file."""
    if target is None:
        target = os.environ.get("WORKBENCH_DB") or default_database_path()
    text = str(target)
    if "://" in text:
        # A bare PostgreSQL URL means the driver we ship (psycopg 3), not SQLAlchemy's default psycopg2.
        for prefix in ("postgresql://", "postgres://"):
            if text.startswith(prefix):
                return "postgresql+psycopg://" + text[len(prefix):]
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
    cfg.set_main_option("script_location", str(migrations_dir()))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def migrate(conn: Connection, revision: str, *, down: bool = False) -> None:
    """Upgrade (or with ``down``, downgrade) the database behind ``conn`` to ``revision``, in its
    transaction."""
    cfg = alembic_config(conn.engine.url.render_as_string(hide_password=False))
    cfg.attributes["connection"] = conn
    (command.downgrade if down else command.upgrade)(cfg, revision)


def head_revision() -> str:
    head = ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()
    assert head is not None
    return head


def make_engine(url: str) -> Engine:
    """An engine with WAL, foreign keys and a busy timeout on SQLite, so a reader and a writer coexist.

    Server databases get pre-ping, so a connection dropped by the server is replaced transparently.
    """
    try:
        backend = make_url(url).get_backend_name()
    except ArgumentError as exc:
        raise DatabaseError(f"not a database path or SQLAlchemy URL: {url!r} ({exc})") from exc
    is_sqlite = backend == "sqlite"
    kwargs: dict[str, object] = {}
    if is_sqlite:
        kwargs["connect_args"] = {"timeout": 30, "check_same_thread": False}
    else:
        kwargs["pool_pre_ping"] = True
    try:
        engine = create_engine(url, **kwargs)
    except (ImportError, NoSuchModuleError) as exc:
        hint = " (install it with: pip install 'rec-workbench[postgres]')" if backend == "postgresql" else ""
        raise DatabaseError(f"no database driver for {make_url(url).drivername}: {exc}{hint}") from exc
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
    #: what opening did that a front end may want to show (e.g. a server database upgraded unbacked)
    notice: str | None = None

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

    @property
    def public_url(self) -> str:
        """The URL with any password masked: the only form that may be shown, logged or used as a settings
        key (the password itself comes from the URL given at start, ``PGPASSWORD`` or ``~/.pgpass``)."""
        return make_url(self.url).render_as_string(hide_password=True)

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

    An existing SQLite file with an older schema is first copied to ``<name>.backup-<timestamp>``;
    a server database (PostgreSQL) is upgraded in place without a copy (``Database.notice`` and the log
    say so: back it up with the server's tools). Concurrent openers of one PostgreSQL database upgrade
    it one at a time. A database from a newer version of the workbench, or one that is not ours, is
    refused untouched.
    """
    url = resolve_url(target)
    path = _sqlite_path(url)
    if path is not None:
        _check_sqlite_file(path)
        path.parent.mkdir(parents=True, exist_ok=True)
    engine = make_engine(url)
    shown = str(path) if path is not None else make_url(url).render_as_string(hide_password=True)
    backup_path: Path | None = None
    notice: str | None = None
    try:
        revision, has_tables = _current_revision(engine)
        script = ScriptDirectory.from_config(alembic_config(url))
        head = script.get_current_head()
        if revision is None and has_tables:
            raise DatabaseError(f"{shown}: not a Rec Workbench database (it has tables but no schema "
                                "version); it was left untouched")
        if revision is not None:
            known = {rev.revision for rev in script.walk_revisions()}
            if revision not in known:
                raise DatabaseError(
                    f"{shown}: made by a newer version of Rec Workbench (schema revision {revision}; "
                    f"this version knows up to {head}); please upgrade the application. "
                    "The database was left untouched.")
        if upgrade and revision != head:
            if backup and path is not None and revision is not None:
                backup_path = _backup(path, engine)
            elif revision is not None and path is None:
                notice = (f"{shown}: schema upgraded from revision {revision} to "
                          f"{head} in place; no backup copy is made of a server database (use its own "
                          "backup tools, e.g. pg_dump, before upgrading the application)")
            with engine.begin() as conn:
                if engine.dialect.name == "postgresql":
                    # Held to the end of this transaction; a second opener waits, then finds head.
                    conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": UPGRADE_LOCK_KEY})
                migrate(conn, "head")
    except BaseException:  # whatever stopped the open or the upgrade: the pool is released, then it goes on
        engine.dispose()
        raise
    if notice is not None:
        log.warning("%s", notice)
    return Database(url=url, engine=engine, backup_path=backup_path, notice=notice)


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


def dbapi_cursor(conn: Connection) -> DBAPICursor:
    """A raw DB-API cursor on ``conn``'s connection, for the bulk paths (plain tuples, PostgreSQL COPY)."""
    dbapi = conn.connection.dbapi_connection
    if dbapi is None:  # only once the connection has been invalidated
        raise DatabaseError("the connection to the database was lost; try again")
    return dbapi.cursor()
