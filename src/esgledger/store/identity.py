"""Repository of users, memberships and API tokens: functions taking a Connection.

Passwords arrive here already hashed and tokens as their SHA-256; this module
never sees a secret in the clear.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, delete, select, update

from esgledger.model import TokenInfo, UserInfo
from esgledger.store.schema import users as t_users
from esgledger.store.schema_identity import api_tokens as t_tokens
from esgledger.store.schema_identity import memberships as t_members

__all__ = [
    "UserRow",
    "delete_membership",
    "ensure_user",
    "get_user",
    "insert_membership",
    "insert_token",
    "insert_user",
    "list_tokens",
    "list_users",
    "memberships_of",
    "revoke_token",
    "set_disabled",
    "set_password_hash",
    "token_by_hash",
    "token_by_id",
    "touch_token",
]


@dataclass(frozen=True)
class UserRow:
    username: str
    display_name: str
    password_hash: str | None
    disabled: bool
    created_at: datetime


def _user(r: Any) -> UserRow:
    return UserRow(r.username, r.display_name, r.password_hash, bool(r.disabled), r.created_at)


def get_user(conn: Connection, username: str) -> UserRow | None:
    r = conn.execute(select(t_users).where(t_users.c.username == username)).first()
    return None if r is None else _user(r)


def insert_user(
    conn: Connection,
    username: str,
    *,
    display_name: str,
    password_hash: str | None,
    now: datetime,
) -> None:
    conn.execute(
        t_users.insert().values(
            username=username,
            display_name=display_name or username,
            password_hash=password_hash,
            disabled=False,
            created_at=now,
        )
    )


def ensure_user(conn: Connection, username: str, *, now: datetime) -> None:
    """Record ``username`` for attribution if it is not known yet (no password, no roles)."""
    if get_user(conn, username) is None:
        insert_user(conn, username, display_name=username, password_hash=None, now=now)


def set_password_hash(conn: Connection, username: str, password_hash: str | None) -> None:
    conn.execute(
        update(t_users).where(t_users.c.username == username).values(password_hash=password_hash)
    )


def set_disabled(conn: Connection, username: str, disabled: bool, *, now: datetime) -> None:
    conn.execute(
        update(t_users)
        .where(t_users.c.username == username)
        .values(disabled=disabled, disabled_at=now if disabled else None)
    )


def memberships_of(conn: Connection, username: str | None = None) -> list[tuple[str, str, str]]:
    """(username, entity, role) rows, ordered."""
    q = select(t_members.c.username, t_members.c.entity, t_members.c.role)
    if username is not None:
        q = q.where(t_members.c.username == username)
    q = q.order_by(t_members.c.username, t_members.c.entity, t_members.c.role)
    return [(r.username, r.entity, r.role) for r in conn.execute(q)]


def insert_membership(
    conn: Connection, username: str, entity: str, role: str, *, actor: str, now: datetime
) -> bool:
    """Add a membership; ``False`` if it was already there."""
    found = conn.execute(
        select(t_members.c.role).where(
            t_members.c.username == username,
            t_members.c.entity == entity,
            t_members.c.role == role,
        )
    ).first()
    if found is not None:
        return False
    conn.execute(
        t_members.insert().values(
            username=username, entity=entity, role=role, created_at=now, created_by=actor
        )
    )
    return True


def delete_membership(conn: Connection, username: str, entity: str, role: str | None) -> int:
    q = delete(t_members).where(t_members.c.username == username, t_members.c.entity == entity)
    if role is not None:
        q = q.where(t_members.c.role == role)
    return int(conn.execute(q).rowcount or 0)


def list_users(conn: Connection) -> list[UserInfo]:
    members: dict[str, list[tuple[str, str]]] = {}
    for username, entity, role in memberships_of(conn):
        members.setdefault(username, []).append((entity, role))
    rows = conn.execute(select(t_users).order_by(t_users.c.username)).all()
    return [
        UserInfo(
            username=r.username,
            display_name=r.display_name,
            disabled=bool(r.disabled),
            has_password=r.password_hash is not None,
            created_at=r.created_at,
            memberships=tuple(members.get(r.username, ())),
        )
        for r in rows
    ]


def _token(r: Any) -> TokenInfo:
    return TokenInfo(
        id=r.id,
        username=r.username,
        name=r.name,
        created_at=r.created_at,
        expires_at=r.expires_at,
        last_used_at=r.last_used_at,
        revoked_at=r.revoked_at,
    )


def insert_token(
    conn: Connection,
    *,
    token_id: str,
    username: str,
    name: str,
    token_hash: str,
    actor: str,
    now: datetime,
    expires_at: datetime | None,
) -> TokenInfo:
    conn.execute(
        t_tokens.insert().values(
            id=token_id,
            username=username,
            name=name,
            token_hash=token_hash,
            created_at=now,
            created_by=actor,
            expires_at=expires_at,
        )
    )
    found = token_by_id(conn, token_id)
    assert found is not None
    return found


def token_by_hash(conn: Connection, token_hash: str) -> TokenInfo | None:
    r = conn.execute(select(t_tokens).where(t_tokens.c.token_hash == token_hash)).first()
    return None if r is None else _token(r)


def token_by_id(conn: Connection, token_id: str) -> TokenInfo | None:
    r = conn.execute(select(t_tokens).where(t_tokens.c.id == token_id)).first()
    return None if r is None else _token(r)


def touch_token(conn: Connection, token_id: str, now: datetime) -> None:
    conn.execute(update(t_tokens).where(t_tokens.c.id == token_id).values(last_used_at=now))


def revoke_token(conn: Connection, token_id: str, now: datetime) -> None:
    conn.execute(update(t_tokens).where(t_tokens.c.id == token_id).values(revoked_at=now))


def list_tokens(conn: Connection, usernames: Sequence[str] | None = None) -> list[TokenInfo]:
    q = select(t_tokens)
    if usernames is not None:
        q = q.where(t_tokens.c.username.in_(list(usernames)))
    q = q.order_by(t_tokens.c.username, t_tokens.c.created_at, t_tokens.c.id)
    return [_token(r) for r in conn.execute(q)]
