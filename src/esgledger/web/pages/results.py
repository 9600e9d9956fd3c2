"""Results pages: dashboard, explain drill-down, quality findings, targets, framework coverage.

Every figure is read from a stored calculation run (``services.results``);
each one links to its explanation, which goes down to the observations, their
evidence and the factors.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request

from esgledger.errors import EsgError, NotFoundError
from esgledger.services import coverage, findings, results
from esgledger.services.authz import visible_entities
from esgledger.web.auth import CurrentContext
from esgledger.web.i18n import MESSAGES, lang_of, translate
from esgledger.web.pages.common import page, problems_of, redirect
from esgledger.web.svgchart import bars, trend

__all__ = ["explain_href", "router"]

router = APIRouter(include_in_schema=False)

_BOUNDARIES = ("operational", "financial", "equity")


def explain_href(metric: str, entity: str, year: int, run: int, member: str | None = None) -> str:
    """The drill-down page of a figure (``member``: one contributing entity's page)."""
    path = f"/results/explain/{metric}" + (f"/{member}" if member else "")
    return path + "?" + urlencode({"entity": entity, "year": year, "run": run})


def _label(lang: str, code: str) -> str:
    key = f"metric.{code}"
    if key in MESSAGES:
        return translate(lang, key)
    from esgledger.services.entry import indicator_catalogue

    ind = indicator_catalogue().get(code)
    if ind is not None:
        return ind.name_zh if lang == "zh" else ind.name_en
    return results.metric_description(code)


def _int(text: str | None) -> int | None:
    return int(text) if text and text.strip().isdigit() else None


@router.get("/results")
def dashboard_page(
    request: Request,
    ctx: CurrentContext,
    entity: str | None = None,
    year: str | None = None,
    boundary: str = "operational",
    scope2: str = "location",
    run: str | None = None,
) -> Any:
    lang = lang_of(request)
    if boundary not in _BOUNDARIES:
        boundary = "operational"
    d = results.dashboard(
        ctx,
        entity=entity or None,
        year=_int(year),
        boundary=boundary,
        scope2=scope2,
        run_id=_int(run),
    )
    headline = results.SCOPE2_METRICS[d.scope2]
    total = "ghg.total.location" if d.scope2 == "location" else "ghg.total.market"

    def card(code: str) -> dict[str, Any]:
        return {
            "code": code,
            "label": _label(lang, code),
            "value": d.value(code),
            "unit": d.units.get(code, ""),
            "href": explain_href(code, d.entity, d.year, d.run_id),
            "trend": [(y, d.value(code, y)) for y in d.years],
        }

    def group(codes: tuple[str, ...] | list[str]) -> list[dict[str, Any]]:
        return [card(c) for c in codes]

    gas = [c for c in group(results.GAS_METRICS) if c["value"]]
    source = [c for c in group(results.SOURCE_METRICS) if c["value"]]
    s3 = group(list(d.scope3))
    carrier_bars = [(_label(lang, code), value) for code, value in d.energy_by_carrier.items()]
    carriers = [{"label": label, "value": value} for label, value in carrier_bars]
    headlines = group(["energy.total_tce", "ghg.scope1", headline, total, "ghg.scope3"])
    trends = [
        {
            **c,
            "svg": trend(c["label"], [(str(y), v) for y, v in c["trend"]]),
        }
        for c in group(["energy.total_tce", "ghg.scope1", headline])
    ]
    return page(
        request,
        ctx,
        "results.html",
        {
            "d": d,
            "headlines": headlines,
            "energy": group(list(results.ENERGY_METRICS)),
            "carriers": carriers,
            "carriers_svg": bars(
                translate(lang, "results.energy_by_carrier"),
                carrier_bars,
            ),
            "gas": gas,
            "gas_svg": bars(
                translate(lang, "results.scope1_by_gas"), [(c["label"], c["value"]) for c in gas]
            ),
            "source": source,
            "scope2": group(list(results.SCOPE2_METRICS.values())),
            "scope3": s3,
            "scope3_svg": bars(
                translate(lang, "results.scope3"),
                [(c["label"], c["value"] or 0.0) for c in s3],
            ),
            "observed": group(list(results.OBSERVED)),
            "intensities": group(list(results.INTENSITY_METRICS)),
            "trends": trends,
            "boundaries": _BOUNDARIES,
        },
        here="results",
    )


@router.get("/results/explain/{metric}")
def explain_page(
    request: Request,
    ctx: CurrentContext,
    metric: str,
    entity: str,
    year: str,
    run: str | None = None,
) -> Any:
    y = _int(year)
    if y is None:
        raise NotFoundError(f"bad year {year!r}")
    dd = results.drilldown(ctx, metric, entity=entity, year=y, run_id=_int(run))
    lang = lang_of(request)
    lineage = dd.data["lineage"]
    inputs = [
        {
            **i,
            "label": _label(lang, i["metric"]),
            "href": explain_href(i["metric"], entity, y, dd.run_id),
        }
        for i in lineage.get("inputs", [])
    ]
    return page(
        request,
        ctx,
        "explain.html",
        {
            "dd": dd,
            "x": dd.data,
            "label": _label(lang, metric),
            "year": y,
            "inputs": inputs,
            "members": [
                {**e, "href": explain_href(metric, entity, y, dd.run_id, e["entity"])}
                for e in lineage.get("entities", [])
            ],
            "back": "/results?" + urlencode({"entity": entity, "year": y, "run": dd.run_id}),
        },
        here="results",
    )


@router.get("/results/explain/{metric}/{member}")
def explain_member_page(
    request: Request,
    ctx: CurrentContext,
    metric: str,
    member: str,
    entity: str,
    year: str,
    run: str | None = None,
) -> Any:
    y = _int(year)
    if y is None:
        raise NotFoundError(f"bad year {year!r}")
    dd = results.drilldown(ctx, metric, entity=entity, year=y, run_id=_int(run))
    found = [e for e in dd.data["lineage"].get("entities", []) if e["entity"] == member]
    if not found:
        raise NotFoundError(f"{member!r} does not contribute to {metric} of {entity!r}")
    return page(
        request,
        ctx,
        "explain_member.html",
        {
            "dd": dd,
            "x": dd.data,
            "m": found[0],
            "label": _label(lang_of(request), metric),
            "year": y,
            "up": explain_href(metric, entity, y, dd.run_id),
        },
        here="results",
    )


def _quality_page(request: Request, ctx: CurrentContext, **extra: Any) -> Any:
    q = request.query_params
    entity = q.get("entity") or None
    period = q.get("period") or None
    status = q.get("status") or None
    check = q.get("check") or None
    rows = findings.findings_in_scope(ctx, entity=entity, period=period, status=status, check=check)
    every = findings.findings_in_scope(ctx)
    ack = set(visible_entities(ctx, "quality.ack", sorted({f.entity for f in rows})))
    return page(
        request,
        ctx,
        "quality.html",
        {
            "rows": rows,
            "can_ack": ack,
            "entities": sorted({f.entity for f in every}),
            "checks": sorted({f.check for f in every}),
            "f": {"entity": entity, "period": period, "status": status, "check": check},
            **extra,
        },
        here="quality",
        status_code=422 if extra.get("problems") else 200,
    )


@router.get("/quality")
def quality_page(request: Request, ctx: CurrentContext) -> Any:
    return _quality_page(request, ctx)


@router.post("/quality/ack")
async def quality_ack(request: Request, ctx: CurrentContext) -> Any:
    form = await request.form()
    fid, reason = form.get("finding"), form.get("reason")
    try:
        done = findings.acknowledge_in_scope(
            ctx, fid if isinstance(fid, str) else "", reason if isinstance(reason, str) else ""
        )
    except EsgError as error:
        if error.http_status >= 500 or error.http_status == 404:
            raise
        return _quality_page(request, ctx, problems=problems_of(error))
    return redirect("/quality", "quality.acked", id=done.id)


@router.get("/targets")
def targets_page(
    request: Request, ctx: CurrentContext, boundary: str = "operational", year: str | None = None
) -> Any:
    if boundary not in _BOUNDARIES:
        boundary = "operational"
    settings = request.app.state.settings
    res = findings.targets_in_scope(
        ctx, data_dir=settings.data_dir, boundary=boundary, year=_int(year)
    )
    return page(
        request,
        ctx,
        "targets.html",
        {"res": res, "boundaries": _BOUNDARIES, "boundary": boundary},
        here="targets",
    )


@router.get("/coverage")
def coverage_page(
    request: Request,
    ctx: CurrentContext,
    framework: str = "gri",
    period: str | None = None,
    status: str | None = None,
) -> Any:
    if framework not in results.FRAMEWORKS:
        framework = "gri"
    index = coverage.framework_coverage(ctx, framework, period=period or None)
    return page(
        request,
        ctx,
        "coverage.html",
        {
            "index": index,
            "frameworks": results.FRAMEWORKS,
            "framework": framework,
            "status": status if status in ("answered", "omitted", "gap") else None,
            "top": (results.result_entities(ctx) or [""])[0],
        },
        here="coverage",
    )
