"""Sign-in, sign-out and password change: the HTML forms and their JSON twins.

The forms: ``GET/POST /login``, ``POST /logout``, ``GET/POST /password``. The
API: ``POST /api/v1/session`` (sign in; sets the same cookie), ``DELETE
/api/v1/session``, ``GET /api/v1/me``, ``POST /api/v1/me/password``.
Machines use API tokens (``Authorization: Bearer``) instead of a session.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel, Field

from esgledger.errors import AuthError, EsgError
from esgledger.services import sessions
from esgledger.services.context import Principal
from esgledger.web import csrf
from esgledger.web.auth import CurrentContext, CurrentPrincipal, anonymous_context
from esgledger.web.security import secure_cookie
from esgledger.web.templating import render

__all__ = ["api_router", "page_router", "principal_json"]

page_router = APIRouter(include_in_schema=False)
api_router = APIRouter(prefix="/api/v1", tags=["session"])


def _address(request: Request) -> str:
    return request.client.host if request.client else ""


def _safe_next(target: str | None) -> str:
    """Only a path on this site (never ``//host`` or a scheme): no open redirect."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


def _open_session(request: Request, response: Response, username: str, password: str) -> Principal:
    settings = request.app.state.settings
    done = sessions.sign_in(
        anonymous_context(request),
        username,
        password,
        address=_address(request),
        user_agent=request.headers.get("user-agent", ""),
        previous_token=request.cookies.get(csrf.SESSION_COOKIE),
        lifetime=timedelta(hours=settings.session_hours),
    )
    request.state.new_session_token = done.token
    response.set_cookie(
        csrf.SESSION_COOKIE,
        done.token,
        max_age=settings.session_hours * 3600,
        httponly=True,
        samesite="lax",
        secure=secure_cookie(request),
        path="/",
    )
    return done.principal


def _close_session(request: Request, response: Response) -> None:
    token = request.cookies.get(csrf.SESSION_COOKIE)
    if token:
        sessions.sign_out(anonymous_context(request), token)
    response.delete_cookie(csrf.SESSION_COOKIE, path="/")


# -- pages ------------------------------------------------------------------------


@page_router.get("/login")
def login_form(request: Request, next: str = "/") -> Response:
    return render(request, "login.html", {"next": _safe_next(next), "error": None})


@page_router.post("/login")
def login_submit(
    request: Request,
    username: Annotated[str, Form(max_length=200)],
    password: Annotated[str, Form(max_length=1000)],
    next: Annotated[str, Form(max_length=2000)] = "/",
) -> Response:
    target = _safe_next(next)
    response = RedirectResponse(target, status_code=303)
    try:
        _open_session(request, response, username, password)
    except AuthError as exc:
        context = {"next": target, "error": exc.message, "username": username}
        page = render(request, "login.html", context, status_code=exc.http_status)
        retry = getattr(exc, "retry_after", None)
        if retry is not None:
            page.headers["Retry-After"] = str(retry)
        return page
    return response


@page_router.post("/logout")
def logout_submit(request: Request) -> Response:
    response = RedirectResponse("/login", status_code=303)
    _close_session(request, response)
    return response


@page_router.get("/password")
def password_form(request: Request, principal: CurrentPrincipal) -> Response:
    return render(request, "password.html", {"error": None, "done": False})


@page_router.post("/password")
def password_submit(
    request: Request,
    ctx: CurrentContext,
    current_password: Annotated[str, Form(max_length=1000)],
    new_password: Annotated[str, Form(max_length=1000)],
) -> Response:
    try:
        sessions.change_password(
            ctx,
            current_password,
            new_password,
            keep_token=request.cookies.get(csrf.SESSION_COOKIE),
        )
    except EsgError as exc:
        if exc.http_status in (401, 403):
            raise
        return render(
            request, "password.html", {"error": exc, "done": False}, status_code=exc.http_status
        )
    return render(request, "password.html", {"error": None, "done": True})


# -- API ----------------------------------------------------------------------------


class Credentials(BaseModel):
    username: str = Field(min_length=1, max_length=200)
    password: str = Field(min_length=1, max_length=1000)


class PasswordChange(BaseModel):
    current_password: str = Field(min_length=1, max_length=1000)
    new_password: str = Field(min_length=1, max_length=1000)


class Membership(BaseModel):
    entity: str
    role: str


class Me(BaseModel):
    username: str
    display_name: str
    auth: str
    memberships: list[Membership]
    csrf_token: str | None = Field(
        default=None, description="send as X-CSRF-Token on state-changing requests (sessions)"
    )


def principal_json(request: Request, principal: Principal) -> dict[str, Any]:
    return {
        "username": principal.username,
        "display_name": principal.display_name or principal.username,
        "auth": principal.auth,
        "memberships": [{"entity": m.entity, "role": m.role} for m in principal.memberships],
        "csrf_token": None if principal.auth == "token" else csrf.token_for(request),
    }


@api_router.post("/session", response_model=Me, summary="Sign in (sets the session cookie)")
def api_sign_in(request: Request, response: Response, body: Credentials) -> dict[str, Any]:
    principal = _open_session(request, response, body.username, body.password)
    return principal_json(request, principal)


@api_router.delete("/session", status_code=204, summary="Sign out")
def api_sign_out(request: Request) -> Response:
    response = Response(status_code=204)
    _close_session(request, response)
    return response


@api_router.get("/me", response_model=Me, summary="Who is signed in")
def api_me(request: Request, principal: CurrentPrincipal) -> dict[str, Any]:
    return principal_json(request, principal)


@api_router.post("/me/password", status_code=204, summary="Change your password")
def api_change_password(request: Request, ctx: CurrentContext, body: PasswordChange) -> Response:
    sessions.change_password(
        ctx,
        body.current_password,
        body.new_password,
        keep_token=request.cookies.get(csrf.SESSION_COOKIE),
    )
    return Response(status_code=204)
