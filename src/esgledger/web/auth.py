"""Who is asking: FastAPI dependencies for the principal and the service context.

An ``Authorization: Bearer <token>`` header (API tokens, for machines) wins;
otherwise the session cookie set at sign-in. No credentials, or ones that no
longer hold (signed out, expired, user disabled), are
:class:`~esgledger.errors.AuthError` (401; pages turn it into a redirect to
the sign-in form).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Request

from esgledger.errors import AuthError
from esgledger.services import identity, sessions
from esgledger.services.context import Context, Principal
from esgledger.web.csrf import SESSION_COOKIE

__all__ = [
    "CurrentContext",
    "CurrentPrincipal",
    "OptionalPrincipal",
    "anonymous_context",
    "bearer_token",
    "current_context",
    "current_principal",
    "optional_principal",
]


def _ledger(request: Request) -> Any:
    return request.app.state.ledger


def anonymous_context(request: Request) -> Context:
    """The context before sign-in (the sign-in service runs in it)."""
    return Context(_ledger(request), sessions.ANONYMOUS)


def bearer_token(request: Request) -> str | None:
    auth = request.headers.get("authorization", "")
    if auth[:7].lower() == "bearer ":
        return auth[7:].strip() or None
    return None


def optional_principal(request: Request) -> Principal | None:
    """The signed-in principal, or ``None``; bad credentials are still an AuthError."""
    cached: Principal | None = getattr(request.state, "principal", None)
    if cached is not None:
        return cached
    anon = anonymous_context(request)
    token = bearer_token(request)
    if token is not None:
        principal = identity.authenticate_token(anon.ledger, token)
    else:
        cookie = request.cookies.get(SESSION_COOKIE)
        if not cookie:
            return None
        principal = sessions.session_principal(anon, cookie)
    request.state.principal = principal
    return principal


def current_principal(request: Request) -> Principal:
    """The signed-in principal; 401 when there is none."""
    principal = optional_principal(request)
    if principal is None:
        raise AuthError("sign in first", hint="sign in, or send an API token as Bearer")
    return principal


def current_context(
    request: Request, principal: Annotated[Principal, Depends(current_principal)]
) -> Context:
    """The service context of the signed-in principal."""
    return Context(_ledger(request), principal)


CurrentPrincipal = Annotated[Principal, Depends(current_principal)]
OptionalPrincipal = Annotated[Principal | None, Depends(optional_principal)]
CurrentContext = Annotated[Context, Depends(current_context)]
