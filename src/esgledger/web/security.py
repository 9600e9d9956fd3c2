"""Security headers, the request size limit and the browser cookie, on every response.

- ``Content-Security-Policy``: only our own origin; no inline script or style
  (no ``unsafe-inline``), ``frame-ancestors 'none'``, forms post only to us;
- ``X-Content-Type-Options: nosniff``, ``Referrer-Policy: same-origin``,
  ``X-Frame-Options: DENY``, ``Cross-Origin-Opener-Policy``,
  ``Strict-Transport-Security`` under https;
- API answers are ``Cache-Control: no-store``;
- a request body over the upload limit is refused with 413 before it is read.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable

from fastapi import FastAPI, Request, Response
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from esgledger.web import csrf

__all__ = ["CSP", "SECURITY_HEADERS", "BodyLimit", "install", "is_https"]

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; "
    "base-uri 'none'; object-src 'none'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}


def is_https(request: Request) -> bool:
    """Whether the browser is on https (behind a proxy: with ``--proxy-headers``)."""
    return request.url.scheme == "https"


def secure_cookie(request: Request) -> bool:
    mode: str = request.app.state.settings.secure_cookies
    return mode == "true" or (mode == "auto" and is_https(request))


class BodyLimit:
    """Refuse request bodies larger than ``limit`` bytes (413, problem+json)."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.limit:
            await self._refuse(scope, send)
            return
        seen = 0
        started = False

        async def guarded_receive() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit:
                    raise _TooLarge(self.limit)
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, guarded_receive, tracking_send)
        except _TooLarge:
            if not started:
                await self._refuse(scope, send)

    async def _refuse(self, scope: Scope, send: Send) -> None:
        mb = self.limit // (1024 * 1024)
        body = json.dumps(
            {
                "type": "urn:esgledger:problem:request-too-large",
                "title": "Request too large",
                "status": 413,
                "detail": f"the request is larger than the upload limit of {mb} MB",
                "instance": scope.get("path", ""),
                "problems": [],
            }
        ).encode()
        headers = [
            (b"content-type", b"application/problem+json"),
            (b"content-length", str(len(body)).encode()),
            *((k.lower().encode(), v.encode()) for k, v in SECURITY_HEADERS.items()),
        ]
        await send({"type": "http.response.start", "status": 413, "headers": headers})
        await send({"type": "http.response.body", "body": body})


class _TooLarge(StarletteHTTPException):
    """Raised inside the app while a body is read: answered by the problem handler."""

    def __init__(self, limit: int) -> None:
        mb = limit // (1024 * 1024)
        super().__init__(413, f"the request is larger than the upload limit of {mb} MB")


def install(app: FastAPI) -> None:
    @app.middleware("http")
    async def _headers(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        response = await call_next(request)
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        if is_https(request):
            response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
        if request.url.path.startswith("/api/") or request.url.path == "/openapi.json":
            response.headers.setdefault("Cache-Control", "no-store")
        browser = getattr(request.state, "browser_id", None)
        if browser and csrf.ANON_COOKIE not in request.cookies:
            response.set_cookie(
                csrf.ANON_COOKIE,
                browser,
                httponly=True,
                samesite="lax",
                secure=secure_cookie(request),
                path="/",
            )
        return response
