"""Identity: users, passwords, memberships and API tokens.

Passwords are hashed with argon2id (pwdlib); API tokens are random, shown once,
and stored as their SHA-256. Every change is audited; no password, hash or
token ever reaches the audit trail.

Sign-in failures say one thing ("unknown user or wrong password"), whether the
user is unknown, disabled or the password wrong, and an unknown user costs the
same hash as a known one, so that user names cannot be enumerated.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from functools import cache

from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher

from esgledger.errors import (
    AuthError,
    ConflictError,
    Hint,
    InputError,
    NotFoundError,
    PermissionDenied,
)
from esgledger.model import TokenInfo, UserInfo
from esgledger.services.authz import UNKNOWN_ENTITY_HINT, authorize
from esgledger.services.context import (
    GROUP,
    LOCAL_ADMIN,
    ROLES,
    Context,
    Membership,
    Principal,
    Role,
    system_clock,
)
from esgledger.store import Connection
from esgledger.store import identity as repo
from esgledger.store.audit import NewEvent, append_events
from esgledger.store.ledger import Ledger

__all__ = [
    "PASSWORD_MIN",
    "TOKEN_PREFIX",
    "add_membership",
    "add_user",
    "authenticate_password",
    "authenticate_token",
    "change_password",
    "create_token",
    "disable_user",
    "enable_user",
    "hash_password",
    "list_tokens",
    "list_users",
    "principal_for",
    "remove_membership",
    "revoke_token",
    "set_password",
    "verify_password",
]

PASSWORD_MIN = 8
PASSWORD_MAX = 1024
TOKEN_PREFIX = "esgl_"  # noqa: S105 - not a secret
_USERNAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$")
_BAD_SIGN_IN = "unknown user or wrong password"
_BAD_TOKEN = "invalid, expired or revoked token"  # noqa: S105 - a message


@cache
def _hasher() -> PasswordHash:
    return PasswordHash((Argon2Hasher(),))


@cache
def _dummy_hash() -> str:
    return _hasher().hash(secrets.token_hex(16))


def hash_password(password: str) -> str:
    """The argon2id hash of ``password`` (after the length rules)."""
    _check_password(password)
    return _hasher().hash(password)


def verify_password(password: str, password_hash: str | None) -> bool:
    """Whether ``password`` matches; a missing hash costs a dummy verification."""
    if password_hash is None:
        _hasher().verify(password, _dummy_hash())
        return False
    try:
        return bool(_hasher().verify(password, password_hash))
    except Exception:  # a malformed stored hash is a failed sign-in, never a crash
        return False


def _check_password(password: str) -> None:
    if len(password) < PASSWORD_MIN:
        raise InputError(
            f"the password is too short: at least {PASSWORD_MIN} characters are needed",
            hint=Hint("choose a longer password", kind="option", name="password"),
        )
    if len(password) > PASSWORD_MAX:
        raise InputError(f"the password is too long: at most {PASSWORD_MAX} characters")


def _check_username(username: str) -> str:
    name = username.strip()
    if not _USERNAME.match(name):
        raise InputError(
            f"bad user name {username!r}: expected 1 to 64 letters, digits or . _ @ -, "
            "starting with a letter or digit",
            hint=Hint("choose another user name", kind="option", name="username"),
        )
    if name == LOCAL_ADMIN:
        raise InputError(f"{LOCAL_ADMIN!r} is the built-in local administrator's name")
    return name


def _check_role(role: str) -> Role:
    for r in ROLES:
        if r == role:
            return r
    raise InputError(
        f"unknown role {role!r}: expected one of {', '.join(ROLES)}",
        hint=Hint("choose a role", kind="option", name="role"),
    )


def _check_entity(ledger: Ledger, entity: str) -> str:
    if entity == GROUP:
        return entity
    if entity not in {e.code for e in ledger.entities()}:
        raise NotFoundError(f"unknown entity {entity!r}", hint=UNKNOWN_ENTITY_HINT)
    return entity


def _principal(ledger: Ledger, username: str, auth: str) -> Principal:
    with ledger.read() as conn:
        user = repo.get_user(conn, username)
        rows = repo.memberships_of(conn, username) if user is not None else []
    if user is None or user.disabled:
        raise AuthError(_BAD_SIGN_IN)
    memberships = tuple(Membership(u, e, _check_role(r)) for u, e, r in rows)
    return Principal(username, memberships, display_name=user.display_name, auth=auth)


def authenticate_password(ledger: Ledger, username: str, password: str) -> Principal:
    """The principal whose password this is; :class:`AuthError` (one message) otherwise."""
    with ledger.read() as conn:
        user = repo.get_user(conn, username.strip())
    ok = verify_password(password, None if user is None else user.password_hash)
    if user is None or not ok or user.disabled:
        raise AuthError(_BAD_SIGN_IN)
    return _principal(ledger, user.username, "password")


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def authenticate_token(ledger: Ledger, token: str, *, now: datetime | None = None) -> Principal:
    """The principal an API token belongs to (records its last use); :class:`AuthError` if
    the token is unknown, expired or revoked, or its user disabled."""
    at = now or system_clock()
    digest = _token_hash(token.strip())
    with ledger.transaction() as conn:
        info = repo.token_by_hash(conn, digest)
        if info is None or info.revoked_at is not None:
            raise AuthError(_BAD_TOKEN)
        if info.expires_at is not None and _aware(info.expires_at) <= at:
            raise AuthError(_BAD_TOKEN)
        user = repo.get_user(conn, info.username)
        if user is None or user.disabled:
            raise AuthError(_BAD_TOKEN)
        repo.touch_token(conn, info.id, at)
    return _principal(ledger, info.username, "token")


def _aware(d: datetime) -> datetime:
    return d if d.tzinfo is not None else d.replace(tzinfo=UTC)


def principal_for(ledger: Ledger, username: str) -> Principal:
    """The principal of a known, enabled user, with their memberships (for ``--as``).

    The built-in local administrator's name gives :meth:`Principal.local_admin`.
    """
    if username == LOCAL_ADMIN:
        return Principal.local_admin()
    try:
        return _principal(ledger, username, "local")
    except AuthError:
        raise AuthError(
            f"no enabled user {username!r} in this ledger",
            hint=Hint("list the users", kind="command", name="users.list"),
        ) from None


def _audit(
    ctx: Context, conn: Connection, action: str, ref: str, payload: dict[str, object]
) -> None:
    append_events(conn, [NewEvent(ctx.actor, action, ref, payload)])


def _existing(conn: Connection, username: str) -> repo.UserRow:
    user = repo.get_user(conn, username)
    if user is None:
        raise NotFoundError(
            f"no user {username!r}", hint=Hint("list the users", kind="command", name="users.list")
        )
    return user


def add_user(
    ctx: Context,
    username: str,
    *,
    role: str,
    entities: Iterable[str] = (),
    password: str | None = None,
    display_name: str = "",
) -> UserInfo:
    """Add a user holding ``role`` on each of ``entities`` (none given: the whole group).

    Without a password the user can act only through the CLI (``--as``) or an
    API token. A user recorded earlier only for attribution (no password, no
    memberships) is taken over.
    """
    name = _check_username(username)
    the_role = _check_role(role)
    scope = [e.strip() for e in entities if e.strip()] or [GROUP]
    for e in scope:
        authorize(ctx, "users.manage", None if e == GROUP else e)
        _check_entity(ctx.ledger, e)
    hashed = hash_password(password) if password is not None else None
    now = ctx.now()
    with ctx.ledger.transaction() as conn:
        user = repo.get_user(conn, name)
        if user is not None and (user.password_hash is not None or repo.memberships_of(conn, name)):
            raise ConflictError(
                f"user {name!r} already exists",
                hint=Hint("add a membership instead", kind="command", name="users.grant"),
            )
        if user is None:
            repo.insert_user(
                conn, name, display_name=display_name or name, password_hash=hashed, now=now
            )
        elif hashed is not None:
            repo.set_password_hash(conn, name, hashed)
        for e in scope:
            repo.insert_membership(conn, name, e, the_role, actor=ctx.actor, now=now)
        _audit(
            ctx,
            conn,
            "user.add",
            name,
            {
                "display_name": display_name or name,
                "password": hashed is not None,
                "memberships": [{"entity": e, "role": the_role} for e in scope],
            },
        )
    return _user_info(ctx, name)


def _user_info(ctx: Context, username: str) -> UserInfo:
    with ctx.ledger.read() as conn:
        for u in repo.list_users(conn):
            if u.username == username:
                return u
    raise NotFoundError(f"no user {username!r}")


def list_users(ctx: Context) -> list[UserInfo]:
    """Every user and their memberships (administrators and auditors)."""
    try:
        authorize(ctx, "users.manage")
    except (PermissionDenied, NotFoundError):
        authorize(ctx, "audit.read")
    with ctx.ledger.read() as conn:
        return repo.list_users(conn)


def _set_disabled(ctx: Context, username: str, disabled: bool) -> UserInfo:
    authorize(ctx, "users.manage")
    if username == ctx.actor and disabled:
        raise ConflictError("you cannot disable yourself")
    with ctx.ledger.transaction() as conn:
        user = _existing(conn, username)
        if user.disabled != disabled:
            repo.set_disabled(conn, username, disabled, now=ctx.now())
            _audit(ctx, conn, "user.disable" if disabled else "user.enable", username, {})
    return _user_info(ctx, username)


def disable_user(ctx: Context, username: str) -> UserInfo:
    """Disable a user: no sign-in, no token, no ``--as`` (their history stays)."""
    return _set_disabled(ctx, username, True)


def enable_user(ctx: Context, username: str) -> UserInfo:
    """Enable a disabled user again."""
    return _set_disabled(ctx, username, False)


def change_password(ctx: Context, old: str, new: str) -> None:
    """The signed-in user changes their own password (the old one must match)."""
    if ctx.principal.is_local_admin:
        raise ConflictError("the built-in local administrator has no password")
    with ctx.ledger.read() as conn:
        user = repo.get_user(conn, ctx.actor)
    if user is None or not verify_password(old, user.password_hash):
        raise AuthError("the current password is wrong")
    hashed = hash_password(new)
    with ctx.ledger.transaction() as conn:
        repo.set_password_hash(conn, ctx.actor, hashed)
        _audit(ctx, conn, "user.password", ctx.actor, {"by": "self"})


def set_password(ctx: Context, username: str, new: str | None) -> None:
    """An administrator sets (or, with ``None``, removes) a user's password."""
    authorize(ctx, "users.manage")
    hashed = None if new is None else hash_password(new)
    with ctx.ledger.transaction() as conn:
        _existing(conn, username)
        repo.set_password_hash(conn, username, hashed)
        _audit(ctx, conn, "user.password", username, {"by": "admin", "removed": new is None})


def add_membership(ctx: Context, username: str, entity: str, role: str) -> bool:
    """Give ``username`` ``role`` on ``entity`` and its subtree (``*``: the group).

    Returns whether it was new."""
    the_role = _check_role(role)
    authorize(ctx, "users.manage", None if entity == GROUP else entity)
    _check_entity(ctx.ledger, entity)
    with ctx.ledger.transaction() as conn:
        _existing(conn, username)
        added = repo.insert_membership(
            conn, username, entity, the_role, actor=ctx.actor, now=ctx.now()
        )
        if added:
            _audit(ctx, conn, "membership.add", username, {"entity": entity, "role": the_role})
    return added


def remove_membership(ctx: Context, username: str, entity: str, role: str | None = None) -> int:
    """Take away ``username``'s memberships on ``entity`` (only ``role`` if given)."""
    if role is not None:
        _check_role(role)
    authorize(ctx, "users.manage", None if entity == GROUP else entity)
    with ctx.ledger.transaction() as conn:
        _existing(conn, username)
        n = repo.delete_membership(conn, username, entity, role)
        if n:
            _audit(ctx, conn, "membership.remove", username, {"entity": entity, "role": role})
    if not n:
        raise NotFoundError(f"user {username!r} holds no such membership on {entity!r}")
    return n


def create_token(
    ctx: Context, username: str, *, expires_days: int | None = None, name: str = ""
) -> tuple[str, TokenInfo]:
    """A new API token for ``username``: (the token, shown only now; its public facts).

    Users may create their own tokens; administrators anyone's."""
    if username != ctx.actor or ctx.principal.is_local_admin:
        authorize(ctx, "users.manage")
    if expires_days is not None and not 1 <= expires_days <= 3650:
        raise InputError(
            f"expiry of {expires_days} days: expected 1 to 3650 days",
            hint=Hint("choose an expiry", kind="option", name="expires_days"),
        )
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token_id = secrets.token_hex(6)
    now = ctx.now()
    expires = None if expires_days is None else now + timedelta(days=expires_days)
    with ctx.ledger.transaction() as conn:
        user = _existing(conn, username)
        if user.disabled:
            raise ConflictError(f"user {username!r} is disabled")
        info = repo.insert_token(
            conn,
            token_id=token_id,
            username=username,
            name=name.strip()[:200],
            token_hash=_token_hash(token),
            actor=ctx.actor,
            now=now,
            expires_at=expires,
        )
        _audit(
            ctx,
            conn,
            "token.create",
            username,
            {"id": token_id, "name": info.name, "expires_at": info.as_dict()["expires_at"]},
        )
    return token, info


def list_tokens(ctx: Context, username: str | None = None) -> list[TokenInfo]:
    """Tokens of ``username`` (default: everyone's, for administrators; one's own otherwise)."""
    if username is None or username != ctx.actor:
        authorize(ctx, "users.manage")
    with ctx.ledger.read() as conn:
        return repo.list_tokens(conn, None if username is None else [username])


def revoke_token(ctx: Context, token_id: str) -> TokenInfo:
    """Revoke a token (its owner or an administrator); it stops working at once."""
    with ctx.ledger.read() as conn:
        info = repo.token_by_id(conn, token_id)
    if info is None:
        raise NotFoundError(f"no token {token_id!r}")
    if info.username != ctx.actor or ctx.principal.is_local_admin:
        authorize(ctx, "users.manage")
    with ctx.ledger.transaction() as conn:
        if info.revoked_at is None:
            repo.revoke_token(conn, token_id, ctx.now())
            _audit(ctx, conn, "token.revoke", info.username, {"id": token_id})
        found = repo.token_by_id(conn, token_id)
    assert found is not None
    return found
