"""The energy monitoring page of a key energy-consuming unit (重点用能单位).

``/energy`` lists the key units the user may read; ``/energy/{entity}`` shows
one month of one of them: the load curve (hourly over the month, or
15-minute over one day), daily bars, the year against its quota (burn-down
and forecast), the open alerts (acknowledged with a reason through
:mod:`esgledger.services.alerts`) and the data-quality findings. Everything
comes from :func:`esgledger.services.energy.monitor` and
:func:`~esgledger.services.energy.interval_curve`, which authorize.
"""

from __future__ import annotations

import calendar
from typing import Any
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse

from esgledger.errors import InputError, Problem
from esgledger.services import alerts, energy
from esgledger.services.authz import visible_entities
from esgledger.services.context import Context
from esgledger.web.auth import CurrentContext
from esgledger.web.i18n import lang_of, translate
from esgledger.web.pages import energy_charts as charts
from esgledger.web.pages.common import page, problems_of, redirect

__all__ = ["router"]

router = APIRouter(include_in_schema=False)


def _default_period(ctx: Context, entity: str) -> str:
    """The newest month with readings (else the current month)."""
    months = energy.months_with_data(ctx, entity)
    return months[-1] if months else f"{ctx.now():%Y-%m}"


@router.get("/energy")
def energy_index(
    request: Request,
    ctx: CurrentContext,
    entity: str | None = None,
    period: str | None = None,
    grain: str | None = None,
    day: str | None = None,
) -> Any:
    """The key units; with ``entity`` (the page's selector form): that unit's page."""
    units = energy.key_units(ctx)
    if entity or len(units) == 1:
        query = {k: v for k, v in (("period", period), ("grain", grain), ("day", day)) if v}
        target = f"/energy/{quote(entity or units[0], safe='')}"
        return RedirectResponse(target + (f"?{urlencode(query)}" if query else ""), status_code=303)
    return page(request, ctx, "energy_index.html", {"units": units}, here="energy")


def _hour_index(bucket: str) -> int:
    """Index of the hour bucket ``YYYY-MM-DDTHH`` within the month."""
    return (int(bucket[8:10]) - 1) * 24 + int(bucket[11:13])


def _charts(lang: str, view: energy.MonitorView, grain: str, day: str, curve: list[Any]) -> Any:
    def t(key: str, **fields: Any) -> str:
        return translate(lang, key, **fields)

    year, month = int(view.period[:4]), int(view.period[5:7])
    out: dict[str, Any] = {}
    carriers = sorted({c["carrier"] for c in view.carriers})
    spikes: dict[str, str] = {}  # alerted hour → message (one band per hour, whichever meter)
    for a in view.alerts:
        if a["rule"] == "spike" and len(a["period"]) == 13:
            spikes.setdefault(a["period"], a["message"])
    main = view.carriers[0] if view.carriers else None
    carrier = main["carrier"] if main else None
    unit = main["unit"] if main else ""
    if grain == "15min":
        points = {p["end"]: p["total"] for p in curve if p["carrier"] == carrier}
        labels = [f"{(i + 1) // 4:02d}:{(i + 1) % 4 * 15:02d}" for i in range(96)]
        values = [points.get(label) for label in labels]
        bands = [
            charts.Band(int(hour[11:13]) * 4, int(hour[11:13]) * 4 + 4, message)
            for hour, message in sorted(spikes.items())
            if hour[:10] == day
        ]
        desc = t("energy.curve_day_desc", day=day, n=sum(v is not None for v in values))
    else:
        hours = calendar.monthrange(year, month)[1] * 24
        labels = [f"{i // 24 + 1}" for i in range(hours)]
        totals = {
            _hour_index(p["hour"]): p["total"] for p in view.load_curve if p["carrier"] == carrier
        }
        values = [totals.get(i) for i in range(hours)]
        bands = [
            charts.Band(_hour_index(hour), _hour_index(hour) + 1, message)
            for hour, message in sorted(spikes.items())
        ]
        desc = t(
            "energy.curve_month_desc", period=view.period, n=sum(v is not None for v in values)
        )
    out["curve"] = charts.line(
        labels, values, title=t("energy.curve"), desc=desc, unit=unit, bands=bands, ticks=8
    )
    day_bars = [
        charts.Bar(d["day"][8:], d["total"], flagged=d["completeness"] < 0.9)
        for d in view.days
        if d["carrier"] == carrier
    ]
    out["days"] = charts.bars(
        day_bars,
        title=t("energy.days"),
        desc=t("energy.days_desc", n=len(day_bars), flagged=sum(b.flagged for b in day_bars)),
        unit=unit,
        ticks=10,
    )
    q = view.quota
    if q is not None:
        monthly = [q["monthly"].get(m, 0.0) for m in range(1, month + 1)]
        out["quota"] = charts.burn_down(
            monthly,
            q["forecast_tce"],
            q["quota_tce"],
            title=t("energy.quota"),
            desc=t(
                "energy.quota_desc",
                ytd=f"{q['ytd_tce']:,.0f}",
                forecast=f"{q['forecast_tce']:,.0f}",
                quota=f"{q['quota_tce']:,.0f}",
            ),
            unit="tce",
            labels=[t("energy.month_short", m=m) for m in range(1, 13)],
        )
    out["carriers"] = carriers
    out["unit"] = unit
    out["carrier"] = carrier
    return out


def _render(
    request: Request,
    ctx: Context,
    entity: str,
    period: str | None,
    grain: str,
    day: str | None,
    problems: list[Problem],
    status_code: int = 200,
) -> Any:
    units = energy.key_units(ctx)
    chosen = (period or "").strip() or _default_period(ctx, entity)
    try:
        view = energy.monitor(ctx, entity, chosen)
    except InputError as exc:
        problems = [*problems, *problems_of(exc)]
        chosen = _default_period(ctx, entity)
        view = energy.monitor(ctx, entity, chosen)
    grain = "15min" if grain == "15min" else "hour"
    spike_days = sorted(a["period"][:10] for a in view.alerts if a["rule"] == "spike")
    the_day = (day or "").strip() or (spike_days[0] if spike_days else f"{chosen}-01")
    curve: list[Any] = []
    if grain == "15min":
        try:
            curve = energy.interval_curve(ctx, entity, the_day)
        except InputError as exc:
            problems = [*problems, *problems_of(exc)]
            grain, the_day = "hour", f"{chosen}-01"
    return page(
        request,
        ctx,
        "energy.html",
        {
            "view": view,
            "units": units if entity in units else [entity, *units],
            "entity": entity,
            "period": chosen,
            "grain": grain,
            "day": the_day,
            "charts": _charts(lang_of(request), view, grain, the_day, curve),
            "problems": problems,
            "can_ack": bool(visible_entities(ctx, "alerts.ack", [entity])),
        },
        here="energy",
        status_code=status_code,
    )


@router.get("/energy/{entity}")
def energy_page(
    request: Request,
    ctx: CurrentContext,
    entity: str,
    period: str | None = None,
    grain: str = "hour",
    day: str | None = None,
) -> Any:
    return _render(request, ctx, entity, period, grain, day, [])


@router.post("/energy/{entity}/alerts/{alert_id}")
async def energy_ack(request: Request, ctx: CurrentContext, entity: str, alert_id: int) -> Any:
    data = await request.form()
    reason = data.get("reason")
    raw = data.get("period")
    period = raw.strip() if isinstance(raw, str) else ""
    try:
        done = alerts.acknowledge(ctx, alert_id, reason if isinstance(reason, str) else "")
    except InputError as exc:
        return _render(request, ctx, entity, period, "hour", None, problems_of(exc), 422)
    back = f"/energy/{entity}" + (f"?period={quote(period)}" if period else "")
    return redirect(back, "energy.acked", id=done["id"])
