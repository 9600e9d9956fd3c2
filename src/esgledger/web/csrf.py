"""CSRF protection: every state-changing request carries a token only our pages know.

The token is an HMAC (with the portal's secret key) of the browser's session
cookie, or before sign-in of a random per-browser cookie: a synchronizer token
that needs no server-side state, so any worker checks it. A form sends it as
the hidden field ``csrf_token`` (``{{ csrf_input() }}``), a script as the
``X-CSRF-Token`` header. Requests authenticated by an ``Authorization:
Bearer`` token carry no cookie a third-party page could ride on, and are exempt.

Signing in changes the session cookie, so the token changes with it.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from fastapi import Request

from esgledger.errors import PermissionDenied

__all__ = [
    "ANON_COOKIE",
    "FORM_FIELD",
    "HEADER",
    "SAFE_METHODS",
    "SESSION_COOKIE",
    "CsrfError",
    "check",
    "new_browser_id",
    "token_for",
]

SESSION_COOKIE = "esgledger_session"
ANON_COOKIE = "esgledger_browser"
FORM_FIELD = "csrf_token"
HEADER = "x-csrf-token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
_FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


class CsrfError(PermissionDenied):
    """A state-changing request without this browser's CSRF token (403)."""

    title = "Form expired"


def new_browser_id() -> str:
    return secrets.token_urlsafe(24)


def _secret(request: Request) -> bytes:
    key: str = request.app.state.secret_key
    return key.encode("utf-8")


def _basis(request: Request) -> str:
    session = getattr(request.state, "new_session_token", None) or request.cookies.get(
        SESSION_COOKIE
    )
    if session:
        return "s:" + session
    browser = request.cookies.get(ANON_COOKIE) or getattr(request.state, "browser_id", None)
    if not browser:
        browser = new_browser_id()
    request.state.browser_id = browser  # the security middleware sets the cookie
    return "b:" + browser


def token_for(request: Request) -> str:
    """This browser's CSRF token (for a hidden field or the ``X-CSRF-Token`` header)."""
    basis = _basis(request).encode("utf-8")
    return hmac.new(_secret(request), b"csrf\x00" + basis, hashlib.sha256).hexdigest()


def _is_bearer(request: Request) -> bool:
    auth = request.headers.get("authorization", "")
    return auth[:7].lower() == "bearer "


async def check(request: Request) -> None:
    """FastAPI dependency on every route: refuse an unsafe request without the token."""
    if request.method in SAFE_METHODS or _is_bearer(request):
        return
    sent = request.headers.get(HEADER)
    if sent is None and request.headers.get("content-type", "").startswith(_FORM_TYPES):
        form = await request.form()  # cached: the route reads the same parsed form
        value = form.get(FORM_FIELD)
        sent = value if isinstance(value, str) else None
    if not sent or not hmac.compare_digest(sent, token_for(request)):
        raise CsrfError(
            "this form has expired or did not come from esgledger; reload the page and try again"
        )
