"""Data entry per entity and campaign; a value's page (versions, evidence, comments); downloads.

``GET /entry/check`` is the small JSON endpoint the form's script calls as you
type: it runs the importer's own rules on one value and says its change
against last year.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Request, UploadFile
from fastapi.responses import JSONResponse, Response

from esgledger.errors import EsgError, NotFoundError, PermissionDenied
from esgledger.services import campaigns, comments, entry, evidence, observations
from esgledger.services.authz import authorize
from esgledger.services.context import Context
from esgledger.services.entry import EntryValue
from esgledger.settings import load_settings
from esgledger.web.auth import CurrentContext
from esgledger.web.i18n import expected_text, lang_of
from esgledger.web.pages.common import page, problems_of, redirect

__all__ = ["router"]

router = APIRouter(include_in_schema=False)


def _may(ctx: Context, action: str, entity: str) -> bool:
    try:
        authorize(ctx, action, entity)
    except (PermissionDenied, NotFoundError):
        return False
    return True


def _entry_page(request: Request, ctx: Context, campaign_id: int, entity: str, **extra: Any) -> Any:
    form = entry.entry_form(ctx, campaign_id, entity)
    c = campaigns.get_campaign(ctx, campaign_id)
    assignment = next(a for a in c.assignments if a.entity == entity)
    today = ctx.now().date()
    data = {
        "form": form,
        "campaign": c,
        "assignment": assignment,
        "overdue": today > assignment.due,
        "locked": entry.is_locked(ctx, entity, c.period),
        "can_enter": _may(ctx, "data.enter", entity),
        "values": {},
        "units": {},
        "comments": {},
        "bad": {},
        "need_comment": set(),
        **extra,
    }
    status = 422 if extra.get("problems") else 200
    return page(request, ctx, "entry.html", data, here="home", status_code=status)


@router.get("/entry/check")
def entry_check(
    request: Request,
    ctx: CurrentContext,
    entity: str,
    period: str,
    indicator: str,
    value: str = "",
    unit: str = "",
    comment: str = "",
) -> JSONResponse:
    result = entry.check_value(
        ctx,
        entity=entity,
        period=period,
        indicator=indicator,
        value=value,
        unit=unit,
        comment=comment,
    )
    body = result.as_dict()
    lang = lang_of(request)
    for p in body["problems"]:  # type: ignore[attr-defined]
        p["expected"] = expected_text(lang, str(p["expected"]))
    return JSONResponse(body, headers={"Cache-Control": "no-store"})


@router.get("/entry/{campaign_id}/{entity}")
def entry_page(request: Request, ctx: CurrentContext, campaign_id: int, entity: str) -> Any:
    return _entry_page(request, ctx, campaign_id, entity)


@router.post("/entry/{campaign_id}/{entity}")
async def entry_save(request: Request, ctx: CurrentContext, campaign_id: int, entity: str) -> Any:
    data = await request.form()
    fields = {k: v for k, v in data.items() if isinstance(v, str)}
    units = {k[2:]: v for k, v in fields.items() if k.startswith("u:")}
    notes = {k[2:]: v for k, v in fields.items() if k.startswith("c:")}
    typed: dict[tuple[str, str], str] = {}
    values: list[EntryValue] = []
    for key, raw in fields.items():
        if not key.startswith("v:"):
            continue
        _, period, code = key.split(":", 2)
        typed[(period, code)] = raw
        if raw.strip():
            values.append(
                EntryValue(period, code, raw, units.get(code, ""), notes.get(code, "").strip())
            )
    reason = fields.get("reason", "").strip() or None
    action = fields.get("action", "save")
    try:
        result = entry.save_values(ctx, entity, values, reason=reason)
        if action == "submit":
            n = entry.submit_values(ctx, campaign_id, entity)
            return redirect(f"/entry/{campaign_id}/{entity}", "entry.submitted", n=n)
    except EsgError as error:
        if error.http_status >= 500:
            raise
        problems = problems_of(error)
        bad: dict[str, str] = {}
        need: set[str] = set()
        for p in problems:
            if p.field and p.field.startswith("values[") and p.row is not None:
                if 0 <= p.row < len(values):
                    v = values[p.row]
                    bad[f"v-{v.period}-{v.indicator}"] = expected_text(lang_of(request), p.expected)
            elif p.field and p.field.startswith("c:"):
                need.add("c:" + p.field.rsplit(":", 1)[-1])
        return _entry_page(
            request,
            ctx,
            campaign_id,
            entity,
            problems=problems,
            values=typed,
            units=units,
            comments=notes,
            bad=bad,
            need_comment=need,
            reason=reason,
        )
    return redirect(
        f"/entry/{campaign_id}/{entity}",
        "entry.saved",
        added=result.observations_added,
        updated=result.observations_updated,
    )


def _value_page(
    request: Request,
    ctx: Context,
    entity: str,
    period: str,
    indicator: str,
    campaign: int | None,
    **extra: Any,
) -> Any:
    ind = entry.indicator_catalogue().get(indicator)
    if ind is None:
        raise NotFoundError(f"unknown indicator {indicator!r}")
    year = int(period[:4])
    history = [
        o
        for o in observations.list_observations(
            ctx, entity=entity, indicator=indicator, year=year, history=True
        )
        if o.period == period or (len(period) == 4 and o.period.startswith(period))
    ]
    data = {
        "entity": entity,
        "period": period,
        "indicator": ind,
        "campaign": campaign,
        "history": history,
        "evidence": evidence.list_evidence(ctx, entity, period, indicator),
        "thread": comments.list_comments(ctx, entity, period, indicator),
        "can_enter": _may(ctx, "data.enter", entity),
        "can_comment": _may(ctx, "data.comment", entity),
        "max_mib": load_settings().evidence_max_bytes // (1024 * 1024),
        **extra,
    }
    status = 422 if extra.get("problems") else 200
    return page(request, ctx, "value.html", data, status_code=status)


def _back(entity: str, period: str, indicator: str, campaign: int | None) -> str:
    path = f"/value/{quote(entity)}/{quote(period)}/{quote(indicator)}"
    return path + (f"?campaign={campaign}" if campaign else "")


@router.get("/value/{entity}/{period}/{indicator}")
def value_page(
    request: Request,
    ctx: CurrentContext,
    entity: str,
    period: str,
    indicator: str,
    campaign: int | None = None,
) -> Any:
    return _value_page(request, ctx, entity, period, indicator, campaign)


@router.post("/value/{entity}/{period}/{indicator}/comment")
async def value_comment(
    request: Request,
    ctx: CurrentContext,
    entity: str,
    period: str,
    indicator: str,
    campaign: int | None = None,
) -> Any:
    data = await request.form()
    body = data.get("body")
    try:
        comments.add_comment(
            ctx,
            entity=entity,
            period=period,
            indicator=indicator,
            body=body if isinstance(body, str) else "",
        )
    except EsgError as error:
        if error.http_status >= 500:
            raise
        return _value_page(
            request, ctx, entity, period, indicator, campaign, problems=problems_of(error)
        )
    return redirect(_back(entity, period, indicator, campaign))


@router.post("/value/{entity}/{period}/{indicator}/evidence")
async def value_evidence(
    request: Request,
    ctx: CurrentContext,
    entity: str,
    period: str,
    indicator: str,
    campaign: int | None = None,
) -> Any:
    data = await request.form()
    upload = data.get("file")
    limit = load_settings().evidence_max_bytes
    try:
        if not isinstance(upload, UploadFile) and not hasattr(upload, "read"):
            content, name = b"", ""
        else:
            assert upload is not None and not isinstance(upload, str)
            content = await upload.read(limit + 1)
            name = upload.filename or "evidence"
            await upload.close()
        evidence.attach_evidence(
            ctx,
            entity=entity,
            period=period,
            indicator=indicator,
            filename=name,
            data=content,
            max_bytes=limit,
        )
    except EsgError as error:
        if error.http_status >= 500:
            raise
        return _value_page(
            request, ctx, entity, period, indicator, campaign, problems=problems_of(error)
        )
    return redirect(_back(entity, period, indicator, campaign))


@router.get("/evidence/{evidence_id}")
def evidence_download(ctx: CurrentContext, evidence_id: int) -> Response:
    """The file, always as a download (never rendered inline), after an authorisation check."""
    found = evidence.open_evidence(ctx, evidence_id)
    name = found.evidence.filename
    ascii_name = "".join(
        ch if (ch.isascii() and ch.isalnum()) or ch in "._-" else "_" for ch in name
    )
    return Response(
        found.data,
        media_type=found.evidence.content_type,
        headers={
            "Content-Disposition": (
                f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name)}"
            ),
            "X-Content-Type-Options": "nosniff",
            "Cache-Control": "private, no-store",
            "Content-Security-Policy": "default-src 'none'; sandbox",
        },
    )
