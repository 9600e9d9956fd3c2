"""Engines for the ledger: URL checks, SQLite pragmas and write serialization, friendly errors.

SQLite (the default) runs in WAL mode with foreign keys on; a write transaction
starts with ``BEGIN IMMEDIATE`` so writers queue (for up to the busy timeout)
instead of failing halfway. PostgreSQL URLs without a driver use psycopg 3.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, Table, create_engine, event, exc, make_url, pool
from sqlalchemy.engine import URL

from esgledger.errors import ConfigError, StorageError

__all__ = ["WRITE_OPTION", "bulk_insert", "describe_db_error", "make_engine", "safe_url"]

#: Execution option that makes a SQLite transaction begin IMMEDIATE (a write transaction).
WRITE_OPTION = "esgledger_write"
_BUSY_TIMEOUT_S = 30
_SUPPORTED = ("sqlite", "postgresql")


def safe_url(url: str | URL) -> str:
    """The URL with any password hidden, for messages."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except exc.ArgumentError:
        return "<unparseable URL>"


def describe_db_error(error: BaseException) -> str:
    """The first line of a driver error, without SQLAlchemy's boilerplate."""
    orig = getattr(error, "orig", None) or error
    text = str(orig).strip().splitlines()
    return text[0] if text else type(orig).__name__


def _parse(url: str) -> URL:
    try:
        parsed = make_url(url)
    except exc.ArgumentError:
        raise ConfigError(
            f"bad database URL {url!r}",
            hint="use sqlite:///path/to/ledger.db or postgresql+psycopg://user@host:5432/db",
        ) from None
    if parsed.drivername == "postgres":  # the libpq / Heroku spelling
        parsed = parsed.set(drivername="postgresql+psycopg")
    backend = parsed.get_backend_name()
    if backend not in _SUPPORTED:
        raise ConfigError(
            f"unsupported database {backend!r} in {safe_url(parsed)}",
            hint="esgledger runs on SQLite (sqlite:///file.db) and PostgreSQL (postgresql+psycopg://...)",
        )
    if backend == "postgresql" and parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed


def _sqlite_engine(url: URL) -> Engine:
    database = url.database or ""
    memory = database in ("", ":memory:") or database.startswith("file::memory:")
    if not memory:
        folder = Path(database).expanduser().resolve().parent
        if not folder.is_dir():
            raise StorageError(
                f"cannot create the ledger file {database!r}: folder {str(folder)!r} does not exist"
            )
    kwargs: dict[str, Any] = {"connect_args": {"timeout": _BUSY_TIMEOUT_S}}
    if memory:
        kwargs["poolclass"] = pool.StaticPool
        kwargs["connect_args"]["check_same_thread"] = False
    engine = create_engine(url, **kwargs)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        # SQLAlchemy, not the sqlite3 module, emits BEGIN (see _on_begin)
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA foreign_keys = ON")
        cur.execute(f"PRAGMA busy_timeout = {_BUSY_TIMEOUT_S * 1000}")
        if not memory:
            _ensure_wal(cur)
            cur.execute("PRAGMA synchronous = NORMAL")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        write = conn.get_execution_options().get(WRITE_OPTION, False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

    return engine


def _ensure_wal(cur: Any) -> None:
    """Switch a new SQLite file to WAL (persistent, so only its first connection does it).

    The switch needs an exclusive lock and SQLite does not always wait for it
    through the busy handler, so two processes opening a brand-new file at the
    same moment can see "database is locked": retry until the busy timeout.
    """
    if str(cur.execute("PRAGMA journal_mode").fetchone()[0]).lower() == "wal":
        return
    deadline = time.monotonic() + _BUSY_TIMEOUT_S
    while True:
        try:
            cur.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as error:
            if "locked" not in str(error) or time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def make_engine(url: str) -> Engine:
    """An Engine for ``url``, checked by connecting once.

    Raises :class:`ConfigError` for a malformed or unsupported URL and
    :class:`StorageError` when the database cannot be reached.
    """
    parsed = _parse(url)
    try:
        if parsed.get_backend_name() == "sqlite":
            engine = _sqlite_engine(parsed)
        else:
            connect_args: dict[str, Any] = {}
            if "connect_timeout" not in parsed.query:
                connect_args["connect_timeout"] = 5
            engine = create_engine(parsed, connect_args=connect_args, pool_pre_ping=True)
    except (exc.ArgumentError, exc.NoSuchModuleError, ImportError) as error:
        raise ConfigError(f"cannot use database URL {safe_url(parsed)}: {error}") from None
    try:
        with engine.connect() as conn:
            conn.exec_driver_sql("SELECT 1")
    except exc.DBAPIError as error:
        engine.dispose()
        if parsed.get_backend_name() == "sqlite":
            hint = (
                "the path must be an esgledger SQLite file (or a new file name) in a folder "
                "you can write to; check --db or ESGLEDGER_DATABASE_URL"
            )
        else:
            hint = (
                "check that the server is running and the URL (--db or "
                "ESGLEDGER_DATABASE_URL) is right"
            )
        raise StorageError(
            f"cannot connect to the database {safe_url(parsed)}: {describe_db_error(error)}",
            hint=hint,
        ) from None
    return engine


def bulk_insert(conn: Connection, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    """Insert many rows fast, in the caller's transaction.

    SQLite: one executemany. PostgreSQL (psycopg 3): ``COPY ... FROM STDIN``,
    which is several times faster than a pipelined executemany.
    """
    if not rows:
        return
    if conn.dialect.name != "postgresql" or conn.dialect.driver != "psycopg":
        conn.execute(table.insert(), list(rows))
        return
    columns = list(rows[0])
    raw: Any = conn.connection.driver_connection
    quote = conn.dialect.identifier_preparer.quote
    statement = f"COPY {quote(table.name)} ({', '.join(quote(c) for c in columns)}) FROM STDIN"
    import psycopg

    try:
        with raw.cursor() as cur, cur.copy(statement) as copy:
            for row in rows:
                copy.write_row([row[c] for c in columns])
    except psycopg.Error as error:  # the raw driver's own errors: SQLAlchemy does not wrap them
        first = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise StorageError(f"database refused the change (nothing was written): {first}") from None
