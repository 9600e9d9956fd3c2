"""Collection campaigns: the list, the form that opens one, the progress dashboard."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter, Request

from esgledger.errors import EsgError, PermissionDenied
from esgledger.model import STATUSES
from esgledger.services import campaigns, identity
from esgledger.services import entities as entity_service
from esgledger.services.campaigns import AssignmentInput
from esgledger.services.context import Context
from esgledger.web.auth import CurrentContext
from esgledger.web.pages.common import page, problems_of, redirect

router = APIRouter(include_in_schema=False)
FRAMEWORKS = ("gri", "sse", "sasac", "issb")


@router.get("/campaigns")
def campaign_list(request: Request, ctx: CurrentContext) -> Any:
    return page(
        request,
        ctx,
        "campaigns.html",
        {"campaigns": campaigns.list_campaigns(ctx)},
        here="campaigns",
    )


def _users(ctx: Context) -> list[str]:
    try:
        return [u.username for u in identity.list_users(ctx) if not u.disabled]
    except PermissionDenied:
        return []


def _blank(ctx: Context) -> dict[str, Any]:
    year = ctx.now().year - 1
    return {
        "period": str(year),
        "name": f"{year}",
        "monthly": False,
        "framework": "",
        "topic": "",
        "last_year": False,
        "codes": "",
        "due": "",
        "picked": set(),
        "owner": {},
        "reviewer": {},
        "due_of": {},
    }


def _new_page(request: Request, ctx: Context, form: dict[str, Any], **extra: Any) -> Any:
    return page(
        request,
        ctx,
        "campaign_new.html",
        {
            "form": form,
            "frameworks": FRAMEWORKS,
            "topics": campaigns.topics(),
            "entities": entity_service.list_entities(ctx),
            "users": _users(ctx),
            **extra,
        },
        here="campaigns",
        status_code=422 if extra.get("problems") else 200,
    )


@router.get("/campaigns/new")
def campaign_form(request: Request, ctx: CurrentContext) -> Any:
    return _new_page(request, ctx, _blank(ctx))


def _date(text: str) -> date | None:
    try:
        return date.fromisoformat(text.strip()) if text.strip() else None
    except ValueError:
        return None


@router.post("/campaigns/new")
async def campaign_open(request: Request, ctx: CurrentContext) -> Any:
    data = await request.form()

    def text(name: str) -> str:
        v = data.get(name)
        return v if isinstance(v, str) else ""

    picked = [v for v in data.getlist("entity") if isinstance(v, str)]
    form: dict[str, Any] = {
        "period": text("period").strip(),
        "name": text("name"),
        "monthly": bool(text("monthly")),
        "framework": text("framework"),
        "topic": text("topic"),
        "last_year": bool(text("last_year")),
        "codes": text("codes"),
        "due": text("due"),
        "picked": set(picked),
        "owner": {e: text(f"owner:{e}") for e in picked},
        "reviewer": {e: text(f"reviewer:{e}") for e in picked},
        "due_of": {e: text(f"due:{e}") for e in picked},
    }
    try:
        codes = [c.strip() for c in form["codes"].split() if c.strip()]
        indicators = campaigns.indicator_set(
            ctx,
            framework=form["framework"] or None,
            topic=form["topic"] or None,
            last_year_of=picked if form["last_year"] else (),
            period=form["period"],
            codes=codes,
        )
        created = campaigns.open_campaign(
            ctx,
            period=form["period"],
            name=form["name"],
            monthly=form["monthly"],
            indicators=indicators,
            due=_date(form["due"]),
            assignments=[
                AssignmentInput(e, form["owner"][e], form["reviewer"][e], _date(form["due_of"][e]))
                for e in picked
            ],
        )
    except EsgError as error:
        if error.http_status >= 500:
            raise
        return _new_page(request, ctx, form, problems=problems_of(error))
    return redirect(f"/campaigns/{created.id}")


@router.get("/campaigns/{campaign_id}")
def campaign_dashboard(request: Request, ctx: CurrentContext, campaign_id: int) -> Any:
    c = campaigns.get_campaign(ctx, campaign_id)
    rows = campaigns.progress(ctx, campaign_id)
    totals: dict[str, int] = {}
    for r in rows:
        for s, n in r.statuses.items():
            totals[s] = totals.get(s, 0) + n
    return page(
        request,
        ctx,
        "campaign.html",
        {
            "campaign": c,
            "rows": rows,
            "statuses": STATUSES,
            "totals": totals,
            "total_entered": sum(r.entered for r in rows),
            "total_expected": sum(r.expected for r in rows),
            "overdue_n": sum(1 for r in rows if r.overdue),
            "rejected_n": sum(r.rejected for r in rows),
        },
        here="campaigns",
    )


@router.post("/campaigns/{campaign_id}/close")
def campaign_close(ctx: CurrentContext, campaign_id: int) -> Any:
    campaigns.set_closed(ctx, campaign_id, True)
    return redirect(f"/campaigns/{campaign_id}")


@router.post("/campaigns/{campaign_id}/reopen")
def campaign_reopen(ctx: CurrentContext, campaign_id: int) -> Any:
    campaigns.set_closed(ctx, campaign_id, False)
    return redirect(f"/campaigns/{campaign_id}")
