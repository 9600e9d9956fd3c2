"""The stakeholder survey in the browser: the manager's list, form and response rates, and
the respondent's questionnaire at ``/s/{token}`` (no sign-in: the link token authorises;
CSRF still holds through the browser-bound token of every form and script post).

``static/survey.js`` saves each answer as it is chosen (``POST /s/{token}/answer``);
without it the "save" button saves the whole form.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from esgledger.errors import EsgError
from esgledger.services import assess, surveys
from esgledger.services.context import Context
from esgledger.services.sessions import ANONYMOUS
from esgledger.web.auth import CurrentContext
from esgledger.web.pages.common import page, problems_of, redirect

router = APIRouter(include_in_schema=False)


def _anon(request: Request) -> Context:
    return Context(request.app.state.ledger, ANONYMOUS)


@router.get("/surveys")
def survey_list(request: Request, ctx: CurrentContext, year: int | None = None) -> Any:
    year = year or ctx.now().year
    groups = assess.questionnaire_data(ctx, year)[1]
    return page(
        request,
        ctx,
        "surveys.html",
        {"surveys": surveys.list_surveys(ctx), "year": year, "groups": groups},
        here="surveys",
    )


@router.post("/surveys")
async def survey_create(request: Request, ctx: CurrentContext) -> Any:
    data = await request.form()

    def text(name: str) -> str:
        v = data.get(name)
        return v.strip() if isinstance(v, str) else ""

    try:
        year = int(text("year") or "0")
        expires = date.fromisoformat(text("expires")) if text("expires") else date.min
        groups = assess.questionnaire_data(ctx, year)[1]
        counts = {g.code: int(text(f"n:{g.code}") or "0") for g in groups}
        shared = [g.code for g in groups if text(f"shared:{g.code}")]
        made = surveys.create_survey(ctx, year, text("title"), expires, counts, shared)
    except ValueError:
        return redirect("/surveys")
    except EsgError as error:
        if error.http_status >= 500:
            raise
        return page(
            request,
            ctx,
            "surveys.html",
            {
                "surveys": surveys.list_surveys(ctx),
                "year": text("year"),
                "groups": [],
                "problems": problems_of(error),
            },
            here="surveys",
            status_code=422,
        )
    base = str(request.base_url).rstrip("/")
    return page(request, ctx, "survey_links.html", {"made": made, "base": base}, here="surveys")


@router.get("/surveys/{survey_id}")
def survey_rates(request: Request, ctx: CurrentContext, survey_id: int) -> Any:
    survey, rates = surveys.survey_rates(ctx, survey_id)
    return page(request, ctx, "survey.html", {"survey": survey, "rates": rates}, here="surveys")


def _answers(data: Any, topics: list[str]) -> dict[str, tuple[str | None, str | None]]:
    out: dict[str, tuple[str | None, str | None]] = {}
    for code in topics:
        i, f = data.get(f"impact:{code}"), data.get(f"financial:{code}")
        if isinstance(i, str) or isinstance(f, str):
            out[code] = (i if isinstance(i, str) else None, f if isinstance(f, str) else None)
    return out


@router.get("/s/{token}")
def questionnaire(request: Request, token: str) -> Any:
    q = surveys.open_link(_anon(request), token)
    if q.token != token:  # a group link: this respondent's own link
        return redirect(f"/s/{q.token}")
    return page(request, None, "questionnaire.html", {"q": q})


@router.post("/s/{token}")
async def questionnaire_post(request: Request, token: str) -> Any:
    anon = _anon(request)
    data = await request.form()
    codes = surveys.survey_topics(anon)
    answers = _answers(data, codes)
    try:
        if data.get("action") == "submit":
            surveys.submit_answers(anon, token, answers)
            return page(request, None, "questionnaire_done.html", {})
        surveys.save_answers(anon, token, answers)
    except EsgError as error:
        if error.http_status >= 500 or error.http_status in (404, 409, 429):
            raise
        q = surveys.open_link(anon, token)
        return page(
            request,
            None,
            "questionnaire.html",
            {"q": q, "problems": problems_of(error)},
            status_code=422,
        )
    return redirect(f"/s/{token}?saved=1")


@router.post("/s/{token}/answer")
async def questionnaire_answer(request: Request, token: str) -> Any:
    anon = _anon(request)
    data = await request.form()
    codes = surveys.survey_topics(anon)
    surveys.save_answers(anon, token, _answers(data, codes))
    return JSONResponse({"ok": True}, headers={"Cache-Control": "no-store"})
