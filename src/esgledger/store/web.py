"""Repository of the web portal's tables (sessions, failed logins, idempotency keys).

Plain functions taking a :class:`~sqlalchemy.Connection`; the rules (how long a
session lives, when sign-in is throttled) live in
:mod:`esgledger.services.sessions`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Connection, delete, select, update

from esgledger.store.schema_web import idempotency_keys, login_failures, web_sessions

__all__ = [
    "FailureCount",
    "SessionRow",
    "StoredResponse",
    "clear_failures",
    "delete_expired_sessions",
    "find_response",
    "find_session",
    "get_failures",
    "insert_session",
    "put_failures",
    "revoke_session",
    "revoke_user_sessions",
    "save_response",
    "touch_session",
]


def _aware(value: datetime | None) -> datetime | None:
    """SQLite hands back naive datetimes; every stored time is UTC."""
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=UTC)


@dataclass(frozen=True)
class SessionRow:
    token_hash: str
    username: str
    created_at: datetime
    expires_at: datetime
    last_seen_at: datetime
    revoked_at: datetime | None


def insert_session(
    conn: Connection,
    *,
    token_hash: str,
    username: str,
    now: datetime,
    expires_at: datetime,
    address: str,
    user_agent: str,
) -> None:
    conn.execute(
        web_sessions.insert().values(
            token_hash=token_hash,
            username=username,
            created_at=now,
            expires_at=expires_at,
            last_seen_at=now,
            address=address[:64],
            user_agent=user_agent[:300],
        )
    )


def find_session(conn: Connection, token_hash: str) -> SessionRow | None:
    row = conn.execute(select(web_sessions).where(web_sessions.c.token_hash == token_hash)).first()
    if row is None:
        return None
    m = row._mapping
    return SessionRow(
        token_hash=m["token_hash"],
        username=m["username"],
        created_at=_aware(m["created_at"]) or m["created_at"],
        expires_at=_aware(m["expires_at"]) or m["expires_at"],
        last_seen_at=_aware(m["last_seen_at"]) or m["last_seen_at"],
        revoked_at=_aware(m["revoked_at"]),
    )


def touch_session(conn: Connection, token_hash: str, now: datetime) -> None:
    conn.execute(
        update(web_sessions).where(web_sessions.c.token_hash == token_hash).values(last_seen_at=now)
    )


def revoke_session(conn: Connection, token_hash: str, now: datetime) -> None:
    conn.execute(
        update(web_sessions)
        .where(web_sessions.c.token_hash == token_hash, web_sessions.c.revoked_at.is_(None))
        .values(revoked_at=now)
    )


def revoke_user_sessions(
    conn: Connection, username: str, now: datetime, *, keep: str | None = None
) -> int:
    """Revoke every live session of ``username`` (except ``keep``); the number revoked."""
    q = update(web_sessions).where(
        web_sessions.c.username == username, web_sessions.c.revoked_at.is_(None)
    )
    if keep is not None:
        q = q.where(web_sessions.c.token_hash != keep)
    return conn.execute(q.values(revoked_at=now)).rowcount


def delete_expired_sessions(conn: Connection, before: datetime) -> int:
    return conn.execute(delete(web_sessions).where(web_sessions.c.expires_at < before)).rowcount


@dataclass(frozen=True)
class FailureCount:
    key: str
    failures: int
    window_start: datetime
    locked_until: datetime | None


def get_failures(conn: Connection, keys: list[str]) -> dict[str, FailureCount]:
    rows = conn.execute(select(login_failures).where(login_failures.c.key.in_(keys))).all()
    out: dict[str, FailureCount] = {}
    for r in rows:
        m = r._mapping
        out[m["key"]] = FailureCount(
            key=m["key"],
            failures=m["failures"],
            window_start=_aware(m["window_start"]) or m["window_start"],
            locked_until=_aware(m["locked_until"]),
        )
    return out


def put_failures(conn: Connection, count: FailureCount) -> None:
    values = {
        "failures": count.failures,
        "window_start": count.window_start,
        "locked_until": count.locked_until,
    }
    done = conn.execute(
        update(login_failures).where(login_failures.c.key == count.key).values(**values)
    ).rowcount
    if not done:
        conn.execute(login_failures.insert().values(key=count.key, **values))


def clear_failures(conn: Connection, key: str) -> None:
    conn.execute(delete(login_failures).where(login_failures.c.key == key))


@dataclass(frozen=True)
class StoredResponse:
    fingerprint: str
    status_code: int
    body: str


def find_response(conn: Connection, username: str, key: str) -> StoredResponse | None:
    row = conn.execute(
        select(
            idempotency_keys.c.fingerprint, idempotency_keys.c.status_code, idempotency_keys.c.body
        ).where(idempotency_keys.c.username == username, idempotency_keys.c.key == key)
    ).first()
    if row is None:
        return None
    return StoredResponse(fingerprint=row[0], status_code=row[1], body=row[2])


def save_response(
    conn: Connection,
    *,
    username: str,
    key: str,
    fingerprint: str,
    status_code: int,
    body: str,
    now: datetime,
) -> None:
    conn.execute(
        idempotency_keys.insert().values(
            username=username,
            key=key,
            fingerprint=fingerprint,
            status_code=status_code,
            body=body,
            created_at=now,
        )
    )
