"""The :class:`Ledger` repository: the one way the rest of esgledger reads and writes the store.

Writes happen in :meth:`Ledger.transaction` (one transaction, all or nothing;
on SQLite writers are serialized). Observations are versioned: a changed value
becomes a new version and the old row stays (``is_current`` false), with an
audit event carrying both.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, datetime
from types import TracebackType
from typing import Any

from alembic.util import CommandError
from sqlalchemy import Connection, Engine, exc, select

from esgledger.errors import EsgError, StorageError
from esgledger.model import Entity, ImportBatch, ImportResult, Observation
from esgledger.settings import load_settings
from esgledger.store import migrate
from esgledger.store.audit import AuditEvent, AuditReport, append_event, iter_events, verify_chain
from esgledger.store.database import WRITE_OPTION, describe_db_error, make_engine, safe_url
from esgledger.store.identity import ensure_user
from esgledger.store.importer import write_batch
from esgledger.store.rows import check_actor, entity_from_row, observation_from_row, period_filter
from esgledger.store.schema import entities as t_entities
from esgledger.store.schema import observations as t_obs
from esgledger.store.schema import users as t_users

__all__ = ["Ledger", "check_actor", "entity_from_row", "observation_from_row", "period_filter"]

_MIGRATION_LOCK_ID = 0x65736731  # 'esg1': PostgreSQL advisory lock taken while migrating


class Ledger:
    """An open ledger database. Use :meth:`open`; close it or use it as a context manager."""

    def __init__(self, engine: Engine, url: str) -> None:
        self._engine = engine
        self.url = url
        self._write_lock = threading.RLock()

    # -- lifecycle -----------------------------------------------------------------

    @classmethod
    def open(cls, url: str | None = None, *, migrate_to_head: bool = True) -> Ledger:
        """Open the ledger at ``url`` (default: settings) and migrate it to the newest schema."""
        target = load_settings(url).database_url
        ledger = cls(make_engine(target), target)
        try:
            if migrate_to_head:
                ledger.migrate()
        except BaseException:
            ledger.close()
            raise
        return ledger

    def close(self) -> None:
        self._engine.dispose()

    def __enter__(self) -> Ledger:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc_value: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Ledger({safe_url(self.url)!r})"

    @property
    def engine(self) -> Engine:
        return self._engine

    @property
    def dialect(self) -> str:
        """``sqlite`` or ``postgresql``."""
        return self._engine.dialect.name

    def revision(self) -> str | None:
        """The schema revision the database is at."""
        with self.read() as conn:
            return migrate.current_revision(conn)

    def migrate(self) -> bool:
        """Migrate to the newest packaged revision; return whether anything ran."""
        head = migrate.head_revision()
        if self.revision() == head:
            return False
        try:
            with self.transaction() as conn:
                if self.dialect == "postgresql":  # one migrating process at a time
                    conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({_MIGRATION_LOCK_ID})")
                migrate.upgrade(conn)
        except CommandError as error:
            raise StorageError(
                f"cannot migrate the database {safe_url(self.url)}: {error}",
                hint="the database may have been created by a newer esgledger; upgrade esgledger",
            ) from None
        return True

    # -- transactions ----------------------------------------------------------------

    @contextmanager
    def read(self) -> Iterator[Connection]:
        """A read-only connection (its own transaction, rolled back at the end)."""
        try:
            with self._engine.connect() as conn:
                yield conn
        except exc.DBAPIError as error:
            raise StorageError(f"database read failed: {describe_db_error(error)}") from None

    @contextmanager
    def transaction(self) -> Iterator[Connection]:
        """One write transaction: committed at the end, rolled back on any error."""
        with self._write_lock:
            try:
                with self._engine.connect() as conn:
                    conn.execution_options(**{WRITE_OPTION: True})
                    with conn.begin():
                        yield conn
            except EsgError:
                raise
            except exc.OperationalError as error:
                msg = describe_db_error(error)
                hint = (
                    "another process is writing to the ledger; try again"
                    if "locked" in msg
                    else None
                )
                raise StorageError(f"database write failed: {msg}", hint=hint) from None
            except exc.DBAPIError as error:
                raise StorageError(
                    f"database refused the change (nothing was written): {describe_db_error(error)}"
                ) from None

    # -- audit -----------------------------------------------------------------------

    def append_audit(
        self, conn: Connection, *, actor: str, action: str, ref: str, payload: Any
    ) -> AuditEvent:
        """Append one hash-chained event inside the caller's transaction."""
        return append_event(conn, actor=actor, action=action, ref=ref, payload=payload)

    def audit_events(
        self,
        *,
        since: int = 0,
        limit: int | None = None,
        action: str | None = None,
        ref: str | None = None,
        newest: bool = False,
    ) -> list[AuditEvent]:
        """Audit events in order (``seq > since``; at most ``limit``: the first ones, or with
        ``newest`` the last ones, still oldest first)."""
        out: list[AuditEvent] = []
        if limit is not None and limit <= 0:
            return out
        with self.read() as conn:
            if newest and limit is not None:
                return list(
                    deque(iter_events(conn, since=since, action=action, ref=ref), maxlen=limit)
                )
            for ev in iter_events(conn, since=since, action=action, ref=ref):
                out.append(ev)
                if limit is not None and len(out) >= limit:
                    break
        return out

    def verify_audit(self) -> AuditReport:
        """Check the whole hash chain; raises :class:`~esgledger.errors.AuditError` if broken."""
        with self.read() as conn:
            return verify_chain(conn)

    # -- reads -----------------------------------------------------------------------

    def entities(self) -> list[Entity]:
        """Every entity, ordered by code."""
        with self.read() as conn:
            rows = conn.execute(select(t_entities).order_by(t_entities.c.code)).all()
        return [entity_from_row(r) for r in rows]

    def observations(
        self,
        entity: str | None = None,
        period: str | None = None,
        indicator: str | None = None,
        year: int | None = None,
        *,
        status: str | None = None,
        history: bool = False,
    ) -> list[Observation]:
        """Observations (current versions unless ``history``), ordered by key and version.

        ``period`` matches exactly; ``year`` matches the year and its months.
        """
        q = select(t_obs)
        if not history:
            q = q.where(t_obs.c.is_current.is_(True))
        if entity is not None:
            q = q.where(t_obs.c.entity == entity)
        if period is not None:
            q = q.where(t_obs.c.period == period)
        if indicator is not None:
            q = q.where(t_obs.c.indicator == indicator)
        if year is not None:
            q = q.where(period_filter(f"{year:04d}"))
        if status is not None:
            q = q.where(t_obs.c.status == status)
        q = q.order_by(t_obs.c.entity, t_obs.c.period, t_obs.c.indicator, t_obs.c.version)
        with self.read() as conn:
            return [observation_from_row(r) for r in conn.execute(q)]

    def users(self) -> list[dict[str, Any]]:
        """Known users (username, display_name, role, created_at)."""
        with self.read() as conn:
            rows = conn.execute(select(t_users).order_by(t_users.c.username)).all()
        return [dict(r._mapping) for r in rows]

    # -- writes ----------------------------------------------------------------------

    def ensure_user(self, conn: Connection, username: str) -> None:
        """Record ``username`` for attribution if it is not known yet (no password, no roles)."""
        check_actor(username)
        ensure_user(conn, username, now=datetime.now(UTC))

    def import_batch(
        self,
        batch: ImportBatch,
        *,
        actor: str,
        reason: str | None = None,
        dry_run: bool = False,
        expected_versions: Mapping[tuple[str, str, str], int] | None = None,
    ) -> ImportResult:
        """Write a validated batch in one transaction (see :mod:`esgledger.store.importer`).

        ``expected_versions``: (entity, period, indicator) → the version the
        change was based on (If-Match), checked inside the write transaction.

        ``reason`` makes changes to approved (locked) periods restatements;
        without it such a change raises :class:`~esgledger.errors.LockedError`.
        ``dry_run`` does everything, refusals included, then rolls back: what
        would change, with nothing written.
        """
        check_actor(actor)
        try:
            with self.transaction() as conn:
                result = write_batch(
                    conn, batch, actor=actor, reason=reason, expected_versions=expected_versions
                )
                if dry_run:
                    raise _RollBack(result)
        except _RollBack as done:
            return replace(done.result, dry_run=True)
        return result


class _RollBack(Exception):
    """Leaves a dry run's transaction so that it is rolled back, carrying its result."""

    def __init__(self, result: ImportResult) -> None:
        super().__init__("dry run")
        self.result = result
