"""Web sign-in: sessions, failed-login throttling and idempotent creating requests.

The portal keeps no state in memory: a session is a row (the cookie carries a
random token, the row its SHA-256), failed sign-ins are counted in the
database, and a creating POST's response is stored under its
``Idempotency-Key``. So any worker process serves any request, and logging
out, a password change or disabling a user revokes sessions at once.

Throttling: after :data:`USER_LIMIT` failed sign-ins for one user name (known
or not, so the lock says nothing about which names exist) within
:data:`WINDOW`, or :data:`ADDRESS_LIMIT` from one address, sign-in for that
name or address is refused for :data:`LOCKOUT`, even with the right password.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from esgledger.errors import AuthError, ConflictError, InputError, Problem
from esgledger.services import identity
from esgledger.services.context import Context, Principal
from esgledger.store import web as repo

__all__ = [
    "ADDRESS_LIMIT",
    "ANONYMOUS",
    "LOCKOUT",
    "SESSION_LIFETIME",
    "USER_LIMIT",
    "WINDOW",
    "SignIn",
    "TooManyAttempts",
    "change_password",
    "fingerprint",
    "hash_token",
    "remember_response",
    "replayed_response",
    "revoke_user_sessions",
    "session_principal",
    "sign_in",
    "sign_out",
]

USER_LIMIT = 5
ADDRESS_LIMIT = 20
WINDOW = timedelta(minutes=15)
LOCKOUT = timedelta(minutes=15)
SESSION_LIFETIME = timedelta(hours=12)
#: how stale ``last_seen_at`` may get before a request refreshes it (saves a write per request)
_TOUCH_EVERY = timedelta(minutes=5)
_FAILED = "sign-in failed: unknown user name or wrong password"

#: Who acts before anyone has signed in (sign-in itself runs as this principal).
ANONYMOUS = Principal(username="anonymous", display_name="anonymous", auth="none")


class TooManyAttempts(AuthError):
    """Sign-in is throttled after repeated failures (429)."""

    http_status = 429
    title = "Too many sign-in attempts"

    def __init__(self, message: str, *, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


@dataclass(frozen=True)
class SignIn:
    """A new session: the cookie value (shown once) and who signed in."""

    token: str
    principal: Principal
    expires_at: datetime


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _keys(username: str, address: str) -> tuple[str, str]:
    return f"user:{username.strip().casefold()[:180]}", f"addr:{address[:64]}"


def _check_throttle(ctx: Context, keys: tuple[str, str]) -> None:
    now = ctx.now()
    with ctx.ledger.read() as conn:
        counts = repo.get_failures(conn, list(keys))
    for count in counts.values():
        if count.locked_until is not None and count.locked_until > now:
            wait = int((count.locked_until - now).total_seconds()) + 1
            raise TooManyAttempts(
                f"too many failed sign-ins; try again in {(wait + 59) // 60} minutes",
                retry_after=wait,
            )


def _record_failure(ctx: Context, keys: tuple[str, str]) -> None:
    now = ctx.now()
    limits = {keys[0]: USER_LIMIT, keys[1]: ADDRESS_LIMIT}
    with ctx.ledger.transaction() as conn:
        counts = repo.get_failures(conn, list(keys))
        for key, limit in limits.items():
            old = counts.get(key)
            if old is None or now - old.window_start > WINDOW:
                failures, start = 1, now
            else:
                failures, start = old.failures + 1, old.window_start
            locked = now + LOCKOUT if failures >= limit else None
            repo.put_failures(conn, repo.FailureCount(key, failures, start, locked))


def sign_in(
    ctx: Context,
    username: str,
    password: str,
    *,
    address: str = "",
    user_agent: str = "",
    previous_token: str | None = None,
    lifetime: timedelta = SESSION_LIFETIME,
) -> SignIn:
    """Check the password and open a new session (a new id every time: no fixation).

    Every refusal reads the same (unknown name, wrong password, disabled user),
    so sign-in does not reveal which user names exist. ``previous_token`` (the
    session cookie the browser sent, if any) is revoked.
    """
    keys = _keys(username, address)
    _check_throttle(ctx, keys)
    try:
        principal = identity.authenticate_password(ctx.ledger, username, password)
    except AuthError:
        _record_failure(ctx, keys)
        raise AuthError(_FAILED) from None
    token = secrets.token_urlsafe(32)
    now = ctx.now()
    expires = now + lifetime
    with ctx.ledger.transaction() as conn:
        repo.clear_failures(conn, keys[0])
        if previous_token:
            repo.revoke_session(conn, hash_token(previous_token), now)
        repo.insert_session(
            conn,
            token_hash=hash_token(token),
            username=principal.username,
            now=now,
            expires_at=expires,
            address=address,
            user_agent=user_agent,
        )
    return SignIn(token=token, principal=principal, expires_at=expires)


def session_principal(ctx: Context, token: str) -> Principal:
    """Who holds the session ``token``; AuthError if it is unknown, revoked or expired.

    The user's memberships are read afresh, and a disabled user is refused.
    """
    digest = hash_token(token)
    now = ctx.now()
    with ctx.ledger.read() as conn:
        row = repo.find_session(conn, digest)
    if row is None or row.revoked_at is not None or row.expires_at <= now:
        raise AuthError("your session has ended; sign in again")
    principal = identity.principal_for(ctx.ledger, row.username)
    if now - row.last_seen_at > _TOUCH_EVERY:
        with ctx.ledger.transaction() as conn:
            repo.touch_session(conn, digest, now)
    return Principal(
        username=principal.username,
        memberships=principal.memberships,
        display_name=principal.display_name,
        is_local_admin=principal.is_local_admin,
        auth="session",
    )


def sign_out(ctx: Context, token: str) -> None:
    """Revoke the session ``token`` (nothing happens for an unknown one)."""
    with ctx.ledger.transaction() as conn:
        repo.revoke_session(conn, hash_token(token), ctx.now())


def revoke_user_sessions(ctx: Context, username: str, *, keep_token: str | None = None) -> int:
    """Revoke every session of ``username`` but ``keep_token``'s (after a disable or reset)."""
    keep = hash_token(keep_token) if keep_token else None
    with ctx.ledger.transaction() as conn:
        return repo.revoke_user_sessions(conn, username, ctx.now(), keep=keep)


def change_password(ctx: Context, current: str, new: str, *, keep_token: str | None = None) -> None:
    """The signed-in user changes their own password; their other sessions end."""
    try:
        identity.change_password(ctx, current, new)
    except AuthError:
        raise InputError(
            [
                Problem(
                    file="request",
                    row=None,
                    column="current_password",
                    value=None,
                    expected="your current password",
                    field="current_password",
                )
            ],
            what="password change",
        ) from None
    revoke_user_sessions(ctx, ctx.principal.username, keep_token=keep_token)


# -- idempotency keys ---------------------------------------------------------------


def fingerprint(method: str, path: str, body: bytes) -> str:
    """What a request asked for: a repeated key must come with the same request."""
    h = hashlib.sha256()
    for part in (method.upper().encode(), path.encode("utf-8"), body):
        h.update(len(part).to_bytes(8, "big"))
        h.update(part)
    return h.hexdigest()


def replayed_response(ctx: Context, key: str, fingerprint_: str) -> repo.StoredResponse | None:
    """The stored response of an earlier request with this key, or ``None``.

    The same key with a different request is a :class:`ConflictError`.
    """
    _check_key(key)
    with ctx.ledger.read() as conn:
        stored = repo.find_response(conn, ctx.principal.username, key)
    if stored is not None and stored.fingerprint != fingerprint_:
        raise ConflictError(
            "this Idempotency-Key was already used for a different request",
            hint="use a new key for a new request",
        )
    return stored


def remember_response(
    ctx: Context, key: str, fingerprint_: str, status_code: int, body: str
) -> repo.StoredResponse:
    """Store a creating request's response under ``key``; an earlier one wins a race."""
    _check_key(key)
    with ctx.ledger.transaction() as conn:
        stored = repo.find_response(conn, ctx.principal.username, key)
        if stored is not None:
            return stored
        repo.save_response(
            conn,
            username=ctx.principal.username,
            key=key,
            fingerprint=fingerprint_,
            status_code=status_code,
            body=body,
            now=ctx.now(),
        )
    return repo.StoredResponse(fingerprint_, status_code, body)


def _check_key(key: str) -> None:
    if not 1 <= len(key) <= 200 or not key.isprintable():
        raise InputError(
            [
                Problem(
                    file="request",
                    row=None,
                    column="Idempotency-Key",
                    value=key[:60],
                    expected="1 to 200 printable characters",
                    field="Idempotency-Key",
                )
            ],
            what="request header",
        )
