"""The start page (my tasks, due dates, overdue in red, rejections to fix); the language switch."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from esgledger.services import campaigns
from esgledger.web.auth import CurrentContext
from esgledger.web.i18n import COOKIE, LANGS
from esgledger.web.pages.common import page, safe_next

router = APIRouter(include_in_schema=False)


@router.get("/")
def home(request: Request, ctx: CurrentContext) -> Any:
    tasks = campaigns.my_tasks(ctx)
    rejections = []
    for task in tasks:
        if task.role != "enter":
            continue
        found = campaigns.rejected_keys(ctx, task.assignment.entity, task.campaign.period)
        for (period, indicator), reason in sorted(found.items()):
            rejections.append(
                {
                    "entity": task.assignment.entity,
                    "period": period,
                    "indicator": indicator,
                    "reason": reason,
                    "campaign": task.campaign.id,
                }
            )
    return page(
        request,
        ctx,
        "home.html",
        {
            "tasks": tasks,
            "rejections": rejections,
            "has_enter": any(t.role == "enter" for t in tasks),
        },
        here="home",
    )


@router.get("/favicon.ico")
def favicon() -> Response:
    """Browsers ask for it on every page without an icon link (the sign-in page)."""
    data = (Path(__file__).parent.parent / "static" / "favicon.svg").read_bytes()
    return Response(data, media_type="image/svg+xml", headers={"Cache-Control": "max-age=86400"})


@router.get("/lang/{code}")
def switch_language(code: str, next: str = "/") -> RedirectResponse:
    """Remember the chosen language (a cookie for a year) and go back."""
    response = RedirectResponse(safe_next(next), status_code=303)
    if code in LANGS:
        response.set_cookie(COOKIE, code, max_age=365 * 86400, samesite="lax", httponly=True)
    return response
