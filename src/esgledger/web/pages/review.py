"""The review queue (approve or reject, one by one or in bulk) and period locks."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Request

from esgledger.errors import EsgError, InputError, Problem
from esgledger.model import Observation
from esgledger.services import comments, entry, evidence, observations, outbox, workflow
from esgledger.services import entities as entity_service
from esgledger.services.authz import visible_entities
from esgledger.services.context import Context
from esgledger.services.evidence import Evidence
from esgledger.web.auth import CurrentContext
from esgledger.web.pages.common import page, problems_of, redirect

__all__ = ["router"]

router = APIRouter(include_in_schema=False)


@dataclass(frozen=True)
class QueueItem:
    observation: Observation
    last_year: float | None
    swing: float | None
    evidence: list[Evidence]
    comments: int


def _queue(ctx: Context, entity: str | None, period: str | None) -> list[QueueItem]:
    year = int(period[:4]) if period and period[:4].isdigit() else None
    exact = period if period and len(period) == 7 else None
    found = observations.list_observations(
        ctx, entity=entity or None, status="submitted", year=year, period=exact
    )
    mine = set(visible_entities(ctx, "data.review", sorted({o.entity for o in found})))
    items: list[QueueItem] = []
    cache: dict[tuple[str, str], Any] = {}
    for o in found:
        if o.entity not in mine:
            continue
        key = (o.entity, o.period[:4])
        if key not in cache:
            ev: dict[tuple[str, str], list[Evidence]] = defaultdict(list)
            for e in evidence.list_evidence(ctx, o.entity, o.period[:4]):
                ev[(e.period, e.indicator)].append(e)
            cm: dict[tuple[str, str], int] = defaultdict(int)
            for c in comments.list_comments(ctx, o.entity, o.period[:4]):
                cm[(c.period, c.indicator)] += 1
            cache[key] = (entry.last_year_values(ctx, o.entity, o.period[:4]), ev, cm)
        last, ev, cm = cache[key]
        ly = last.get((o.period, o.indicator))
        items.append(
            QueueItem(
                o,
                ly,
                entry.swing(o.value, ly),
                ev[(o.period, o.indicator)],
                cm[(o.period, o.indicator)],
            )
        )
    return items


def _review_page(
    request: Request, ctx: Context, entity: str | None, period: str | None, **extra: Any
) -> Any:
    ents = entity_service.list_entities(ctx)
    codes = set(visible_entities(ctx, "data.review", [e.code for e in ents]))
    return page(
        request,
        ctx,
        "review.html",
        {
            "items": _queue(ctx, entity, period),
            "entities": [e for e in ents if e.code in codes],
            "entity": entity,
            "period": period,
            **extra,
        },
        here="review",
        status_code=422 if extra.get("problems") else 200,
    )


@router.get("/review")
def review_queue(request: Request, ctx: CurrentContext, entity: str = "", period: str = "") -> Any:
    return _review_page(request, ctx, entity or None, period or None)


@router.post("/review")
async def review_act(request: Request, ctx: CurrentContext) -> Any:
    data = await request.form()
    picks = [v for v in data.getlist("pick") if isinstance(v, str)]
    action = data.get("action")
    reason = data.get("reason")
    reason_text = reason.strip() if isinstance(reason, str) else ""
    f_entity = data.get("f_entity")
    f_period = data.get("f_period")
    entity = f_entity if isinstance(f_entity, str) and f_entity else None
    period = f_period if isinstance(f_period, str) and f_period else None
    groups: dict[tuple[str, str], list[str]] = defaultdict(list)
    for pick in picks:
        parts = pick.split("|")
        if len(parts) == 3:
            groups[(parts[0], parts[1])].append(parts[2])
    try:
        if not groups:
            raise InputError([Problem("form", None, "pick", None, "at least one value", "pick")])
        n = 0
        if action == "reject":
            if not reason_text:
                raise InputError(
                    [Problem("form", None, "reason", "", "a reason for rejecting", "reason")]
                )
            for (ent, per), codes in sorted(groups.items()):
                change = workflow.reject(ctx, ent, per, reason_text, indicators=codes)
                n += change.changed
                outbox.notify_rejection(
                    ctx,
                    entity=ent,
                    period=per,
                    reason=reason_text,
                    indicators=codes,
                    ref=f"{ent}/{per}/{ctx.now().isoformat()}",
                )
            flash = "review.done_reject"
        else:
            for (ent, per), codes in sorted(groups.items()):
                n += workflow.review(ctx, ent, per, indicators=codes).changed
            flash = "review.done_approve"
    except EsgError as error:
        if error.http_status >= 500:
            raise
        return _review_page(request, ctx, entity, period, problems=problems_of(error))
    query = "&".join(f"{k}={v}" for k, v in (("entity", entity), ("period", period)) if v)
    return redirect("/review" + (f"?{query}" if query else ""), flash, n=n)


def _locks_page(request: Request, ctx: Context, **extra: Any) -> Any:
    return page(
        request,
        ctx,
        "locks.html",
        {
            "locks": workflow.locks(ctx),
            "restatements": workflow.restatements(ctx),
            "entities": entity_service.list_entities(ctx),
            **extra,
        },
        here="locks",
        status_code=422 if extra.get("problems") else 200,
    )


@router.get("/locks")
def locks_page(request: Request, ctx: CurrentContext) -> Any:
    return _locks_page(request, ctx)


@router.post("/locks")
async def locks_act(request: Request, ctx: CurrentContext) -> Any:
    data = await request.form()

    def text(name: str) -> str:
        v = data.get(name)
        return v.strip() if isinstance(v, str) else ""

    entity = text("entity")
    who = None if entity in ("", "*") else entity
    period = text("period")
    try:
        if text("action") == "unlock":
            workflow.unlock(ctx, who, period, text("reason"))
            flash = "locks.unlocked"
        else:
            try:
                workflow.approve(ctx, who, period)
            except EsgError as first:
                # every value approved already (say after an unlock): lock again
                if first.http_status >= 500:
                    raise
                try:
                    workflow.lock(ctx, who, period)
                except EsgError:
                    raise first from None
            flash = "locks.done"
    except EsgError as error:
        if error.http_status >= 500:
            raise
        return _locks_page(request, ctx, problems=problems_of(error))
    return redirect("/locks", flash, entity=entity or "*", period=period)
