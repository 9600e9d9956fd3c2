"""Every error as RFC 9457 ``application/problem+json``, carrying the problems list.

An :class:`~esgledger.errors.EsgError` answers with its own ``http_status``;
FastAPI's request validation becomes the same 422 shape (each problem names
the item index, the field, the value sent and what was expected); an
unforeseen exception is a 500 with no traceback. A browser asking for a page
(not ``/api``) gets an HTML page instead, and a 401 there is a redirect to the
sign-in form.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from typing import Any
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from esgledger.errors import EsgError, Problem, StaleVersionError

__all__ = [
    "PROBLEM_TYPE",
    "ProblemResponse",
    "install",
    "problem_body",
    "validation_problems",
]

PROBLEM_TYPE = "urn:esgledger:problem:"
log = logging.getLogger("esgledger.web")


class ProblemResponse(JSONResponse):
    media_type = "application/problem+json"


def _slug(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "-", name).lower()


def problem_body(
    *,
    status: int,
    title: str,
    detail: str,
    instance: str,
    kind: str,
    problems: Sequence[Problem] = (),
    extra: dict[str, Any] | None = None,
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "type": PROBLEM_TYPE + kind,
        "title": title,
        "status": status,
        "detail": detail,
        "instance": instance,
        "problems": [p.as_dict() for p in problems],
    }
    body.update(extra or {})
    return body


def _wants_html(request: Request) -> bool:
    path = request.url.path
    if path.startswith("/api/") or path in ("/openapi.json",):
        return False
    return "text/html" in request.headers.get("accept", "")


def _html(request: Request, body: dict[str, Any]) -> Response:
    if body["status"] == 401:
        target = request.url.path
        if request.url.query:
            target += "?" + request.url.query
        return RedirectResponse(f"/login?next={quote(target, safe='')}", status_code=303)
    from esgledger.web.templating import render

    return render(request, "error.html", {"problem": body}, status_code=body["status"])


def _answer(
    request: Request, body: dict[str, Any], headers: dict[str, str] | None = None
) -> Response:
    if _wants_html(request):
        return _html(request, body)
    return ProblemResponse(body, status_code=body["status"], headers=headers)


def _esg_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, EsgError)
    extra: dict[str, Any] = {}
    if exc.hint is not None:
        extra["hint"] = {"text": exc.hint.text, "kind": exc.hint.kind, "name": exc.hint.name}
    if isinstance(exc, StaleVersionError) and exc.current is not None:
        extra["current_version"] = exc.current
    headers: dict[str, str] = {}
    retry_after = getattr(exc, "retry_after", None)
    if isinstance(retry_after, int):
        headers["Retry-After"] = str(retry_after)
    body = problem_body(
        status=exc.http_status,
        title=exc.title,
        detail=exc.message,
        instance=request.url.path,
        kind=_slug(type(exc).__name__),
        problems=exc.problems,
        extra=extra,
    )
    return _answer(request, body, headers)


def _field_path(loc: Sequence[Any]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


def _shown(value: Any) -> str | None:
    if value is None:
        return None
    text = value if isinstance(value, str) else repr(value)
    return text if len(text) <= 200 else text[:197] + "..."


def validation_problems(errors: Sequence[Any]) -> list[Problem]:
    """FastAPI/pydantic errors as Problems: item index in ``row``, field in ``column``."""
    out: list[Problem] = []
    for err in errors:
        loc = list(err.get("loc", ()))
        where = loc[0] if loc else "body"
        inner = loc[1:] if where == "body" else loc
        row = next((p for p in inner if isinstance(p, int)), None)
        names = [p for p in inner if isinstance(p, str)]
        column = names[-1] if names else None
        field = _field_path(inner) if where == "body" else _field_path(loc)
        value = err.get("input")
        if err.get("type") == "missing":
            value = None
        out.append(
            Problem(
                file="request",
                row=row,
                column=column,
                value=_shown(value),
                expected=str(err.get("msg", "a valid value")),
                field=field or None,
            )
        )
    return out


def _validation_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    problems = validation_problems(exc.errors())
    n = len(problems)
    body = problem_body(
        status=422,
        title="Invalid input",
        detail=f"request rejected: {n} problem{'s' if n != 1 else ''}; nothing was written",
        instance=request.url.path,
        kind="input-error",
        problems=problems,
    )
    return _answer(request, body)


_HTTP_TITLES = {404: "Not found", 405: "Method not allowed", 413: "Request too large"}


def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    title = _HTTP_TITLES.get(exc.status_code, "Request failed")
    detail = exc.detail if isinstance(exc.detail, str) else title
    body = problem_body(
        status=exc.status_code,
        title=title,
        detail=detail,
        instance=request.url.path,
        kind=_slug(title.replace(" ", "")),
    )
    response = _answer(request, body, dict(exc.headers or {}))
    return response


def _unexpected(request: Request, exc: Exception) -> Response:
    log.exception("internal error on %s %s", request.method, request.url.path)
    body = problem_body(
        status=500,
        title="Internal error",
        detail="an internal error occurred; it has been logged",
        instance=request.url.path,
        kind="internal-error",
    )
    return _answer(request, body)


def install(app: FastAPI) -> None:
    """Register the handlers on ``app``."""
    app.add_exception_handler(EsgError, _esg_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(Exception, _unexpected)
