"""Results in the portal: a dashboard and the explain drill-down, read from a stored run.

Every figure comes from a stored calculation run (:mod:`esgledger.store.runs`),
never from a fresh computation, so the portal shows what a report built from
that run shows. A user sees the entities on which they may read results
(``results.read``): a viewer of one subsidiary gets that subsidiary's own,
consolidated-over-its-subtree figures, never the group's totals.

Water and waste are observed indicators (the run does not compute them): the
dashboard consolidates them the run's way, each entity's own annual value
(:func:`esgledger.calc.targets.observed_values`) times its consolidation
share in the run's boundary tree.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from esgledger.calc.metrics import METRICS, SCOPE3_CATEGORIES, scope3_metric
from esgledger.catalog.frameworks import FRAMEWORKS
from esgledger.errors import Hint, NotFoundError
from esgledger.services.authz import authorize, visible_entities
from esgledger.services.context import Context

if TYPE_CHECKING:
    from esgledger.calc.result import RunResult
    from esgledger.store.runs import StoredRun

__all__ = [
    "ENERGY_METRICS",
    "FRAMEWORKS",
    "GAS_METRICS",
    "OBSERVED",
    "SOURCE_METRICS",
    "Dashboard",
    "Drilldown",
    "dashboard",
    "drilldown",
    "metric_description",
    "result_entities",
]

ENERGY_METRICS = ("energy.total_tce", "energy.renewable_tce", "energy.renewable_share")
GAS_METRICS = (
    "ghg.scope1.co2",
    "ghg.scope1.ch4",
    "ghg.scope1.n2o",
    "ghg.scope1.hfcs",
    "ghg.scope1.pfcs",
    "ghg.scope1.sf6",
    "ghg.scope1.nf3",
)
SOURCE_METRICS = (
    "ghg.scope1.stationary",
    "ghg.scope1.mobile",
    "ghg.scope1.process",
    "ghg.scope1.fugitive",
)
SCOPE2_METRICS = {"location": "ghg.scope2.location", "market": "ghg.scope2.market"}
INTENSITY_METRICS = ("intensity.energy_per_treo", "intensity.ghg_per_treo")
#: Observed indicators the dashboard consolidates (water and waste).
OBSERVED = (
    "water.withdrawal.total",
    "water.fresh",
    "water.consumption",
    "wastewater.discharged",
    "waste.hazardous.generated",
    "waste.nonhazardous.generated",
)
#: How many years the trends show (the year and the ones before it).
TREND_YEARS = 3
_STEAM = "enthalpy"


@dataclass(frozen=True)
class Dashboard:
    """One entity's figures in one year of one stored run, with trends."""

    run_id: int
    run_created_at: str
    ledger_changed: bool
    boundary: str
    gwp: str
    scope2: str
    entity: str
    entities: tuple[str, ...]
    year: int
    years: tuple[int, ...]
    #: metric or indicator code → {year: value}
    trends: dict[str, dict[int, float | None]]
    units: dict[str, str]
    #: carrier (source indicator) → tce in ``year``
    energy_by_carrier: dict[str, float]
    scope3: tuple[str, ...] = ()
    statuses: dict[str, int] = field(default_factory=dict)

    def value(self, code: str, year: int | None = None) -> float | None:
        return self.trends.get(code, {}).get(self.year if year is None else year)


@dataclass(frozen=True)
class Drilldown:
    """The explanation of one figure, with each observation's evidence and attribution."""

    data: dict[str, Any]
    run_id: int
    #: observation id → evidence records (id, filename, content type, size)
    evidence: dict[int, list[dict[str, Any]]]
    #: observation id → who entered, submitted, reviewed, approved it, and when
    trail: dict[int, dict[str, Any]]


def metric_description(code: str) -> str:
    """The calculation metric's English description (the code itself when unknown)."""
    m = METRICS.get(code)
    return m.description if m else code


def result_entities(ctx: Context) -> list[str]:
    """The entity codes on which the user may read results (ordered as the ledger), the top
    one first."""
    codes = [e.code for e in ctx.ledger.entities()]
    visible = visible_entities(ctx, "results.read", codes)
    if not visible:
        return []
    top = _top(ctx, visible)
    return [top, *(c for c in visible if c != top)]


def _top(ctx: Context, visible: list[str]) -> str:
    parents = {e.code: e.parent for e in ctx.ledger.entities()}
    mine = set(visible)
    tops = [c for c in visible if parents.get(c) not in mine]
    if not tops:
        raise NotFoundError("no entity whose results you may read")
    roots = [c for c in tops if parents.get(c) is None]
    return (roots or tops)[0]


def _stored(
    ctx: Context, *, boundary: str, gwp: str, year: int | None, run_id: int | None
) -> StoredRun:
    from esgledger.store.runs import find_run, list_runs, load_run

    if run_id is not None:
        return load_run(ctx.ledger, run_id)
    if year is not None:
        found = find_run(ctx.ledger, boundary=boundary, gwp=gwp, steam_method=_STEAM, year=year)
        if found is not None:
            return found
    else:
        for info in reversed(list_runs(ctx.ledger)):
            if info.boundary == boundary and info.gwp == gwp:
                try:
                    return load_run(ctx.ledger, info.id)
                except NotFoundError:
                    continue
    raise NotFoundError(
        f"no stored calculation run on the {boundary} boundary"
        + (f" for {year}" if year is not None else ""),
        hint=Hint("compute and store a run", kind="command", name="compute"),
    )


def _changed(run: StoredRun) -> bool:
    from esgledger.services.explain import changes_since

    return bool(changes_since(run.actions_since))


def _observed(ctx: Context, result: RunResult, entity: str, years: list[int]) -> dict[str, Any]:
    """Consolidated water and waste of ``entity`` per year (share x each member's own value)."""
    from esgledger.calc.targets import observed_values

    members = result.tree.descendants(entity)
    observations = [
        o
        for o in ctx.ledger.observations()
        if o.indicator in OBSERVED and o.entity in members and int(o.period[:4]) in years
    ]
    own = observed_values(
        observations, set(OBSERVED), entities=ctx.ledger.entities(), codes=set(OBSERVED)
    )
    out: dict[str, dict[int, float | None]] = {c: dict.fromkeys(years) for c in OBSERVED}
    units: dict[str, str] = {}
    for (code, ent, year), value in own.items():
        if ent not in members or year not in years or value.value is None:
            continue
        share = result.tree.share(ent, entity)
        out[code][year] = (out[code][year] or 0.0) + share * value.value
        units[code] = value.unit
    return {"trends": out, "units": units}


def dashboard(
    ctx: Context,
    *,
    entity: str | None = None,
    year: int | None = None,
    boundary: str = "operational",
    gwp: str = "AR6",
    scope2: str = "location",
    run_id: int | None = None,
) -> Dashboard:
    """The dashboard of ``entity`` (default: the top entity the user may read) in ``year``.

    ``scope2`` picks the method of the headline total (``location`` or
    ``market``); both Scope 2 figures are always in the trends.
    """
    visible = result_entities(ctx)
    if entity is None:
        entity = _top(ctx, visible)
    authorize(ctx, "results.read", entity)
    if scope2 not in SCOPE2_METRICS:
        scope2 = "location"
    run = _stored(ctx, boundary=boundary, gwp=gwp, year=year, run_id=run_id)
    result = run.result
    periods = sorted(int(p) for p in result.periods if p.isdigit())
    if year is None:
        if not periods:
            raise NotFoundError(f"calculation run {run.info.id} has no annual values")
        year = periods[-1]
    if entity not in result.tree.entities:
        raise NotFoundError(f"unknown entity {entity!r} in run {run.info.id}")
    years = [y for y in range(year - TREND_YEARS + 1, year + 1)]
    wanted = {
        *ENERGY_METRICS,
        *GAS_METRICS,
        *SOURCE_METRICS,
        *SCOPE2_METRICS.values(),
        "ghg.scope1",
        "ghg.scope3",
        "ghg.total.location",
        "ghg.total.market",
        "production.reo",
        *INTENSITY_METRICS,
        *(scope3_metric(n) for n in SCOPE3_CATEGORIES),
    }
    trends: dict[str, dict[int, float | None]] = {m: dict.fromkeys(years) for m in wanted}
    units = {m: METRICS[m].unit for m in wanted}
    frame = result.frame()
    import polars as pl

    rows = frame.filter(
        (pl.col("entity") == entity)
        & pl.col("metric").is_in(sorted(wanted))
        & pl.col("period").is_in([str(y) for y in years])
    ).select("metric", "period", "value")
    for metric, period, value in rows.iter_rows():
        trends[metric][int(period)] = value
    scope3 = tuple(
        scope3_metric(n)
        for n in SCOPE3_CATEGORIES
        if any(v for v in trends[scope3_metric(n)].values())
    )
    carriers: dict[str, float] = {}
    own_rows = result.breakdown(entity)
    for period, source, scope, value in own_rows.select(
        "period", "source", "scope", "value"
    ).iter_rows():
        if scope == "energy" and period == str(year):
            carriers[source] = carriers.get(source, 0.0) + float(value)
    observed = _observed(ctx, result, entity, years)
    trends.update(observed["trends"])
    units.update(observed["units"])
    statuses = result.options.get("statuses")
    return Dashboard(
        run_id=run.info.id,
        run_created_at=run.info.created_at,
        ledger_changed=_changed(run),
        boundary=result.boundary,
        gwp=result.gwp,
        scope2=scope2,
        entity=entity,
        entities=tuple(c for c in visible if c in result.tree.entities),
        year=year,
        years=tuple(years),
        trends=trends,
        units=units,
        energy_by_carrier=dict(sorted(carriers.items(), key=lambda kv: -kv[1])),
        scope3=scope3,
        statuses=dict(statuses) if isinstance(statuses, dict) else {},
    )


def drilldown(
    ctx: Context,
    metric: str,
    *,
    entity: str,
    year: int,
    run_id: int | None = None,
    boundary: str = "operational",
    gwp: str = "AR6",
) -> Drilldown:
    """``metric`` of ``entity`` in ``year`` explained from a stored run, down to evidence.

    For an observed indicator (water, waste) the contributions are each
    member's own observations times its consolidation share.
    """
    authorize(ctx, "results.read", entity)
    run = _stored(ctx, boundary=boundary, gwp=gwp, year=year, run_id=run_id)
    if metric in METRICS:
        from esgledger.services.explain import explain

        data = explain(ctx, metric, entity=entity, period=year, run_id=run.info.id)
    elif metric in _catalogue():
        data = _observed_lineage(ctx, run, metric, entity, year)
    else:
        raise NotFoundError(f"unknown metric {metric!r}")
    ids = sorted(
        {
            int(o["id"])
            for e in data["lineage"].get("entities", [])
            for o in e["observations"]
            if o.get("id") is not None
        }
    )
    from esgledger.store.attribution import evidence_of, trail_of

    readable = set(
        visible_entities(
            ctx, "data.read", [e["entity"] for e in data["lineage"].get("entities", [])]
        )
    )
    with ctx.ledger.read() as conn:
        evidence = evidence_of(conn, ids, readable)
        trail = trail_of(conn, ids)
    return Drilldown(data=data, run_id=run.info.id, evidence=evidence, trail=trail)


@lru_cache(maxsize=1)
def _catalogue() -> dict[str, Any]:
    from esgledger.catalog.indicators import load_indicators

    return dict(load_indicators())


def _observed_lineage(
    ctx: Context, run: StoredRun, code: str, entity: str, year: int
) -> dict[str, Any]:
    from esgledger.calc.targets import observed_values

    tree = run.result.tree
    if entity not in tree.entities:
        raise NotFoundError(f"unknown entity {entity!r} in run {run.info.id}")
    members = set(tree.descendants(entity))
    rows = [
        o for o in ctx.ledger.observations(year=year) if o.indicator == code and o.entity in members
    ]
    ind = _catalogue()[code]
    summable = {code} if ind.aggregation == "sum" else set()
    own = observed_values(rows, summable, entities=ctx.ledger.entities(), codes={code})
    entities = []
    total = 0.0
    for ent in sorted({o.entity for o in rows}):
        v = own.get((code, ent, year))
        value = v.value if v is not None and v.value is not None else 0.0
        share = tree.share(ent, entity)
        total += share * value
        entities.append(
            {
                "entity": ent,
                "name_en": tree.entities[ent].name_en,
                "share": share,
                "share_path": [
                    {"entity": c, "share": link.share, "reason": link.reason}
                    for c, link in tree.path(ent, entity)
                ]
                or [{"entity": ent, "share": 1.0, "reason": "the entity itself"}],
                "value": value,
                "consolidated": share * value,
                "unit": ind.unit,
                "notes": [],
                "observations": [
                    {
                        "id": o.id,
                        "period": o.period,
                        "indicator": o.indicator,
                        "value": o.value,
                        "unit": o.unit,
                        "raw_value": o.raw_value,
                        "raw_unit": o.raw_unit,
                        "source": o.source,
                        "fraction": None,
                        "fraction_reason": "",
                        "coefficient": None,
                        "coefficient_unit": "",
                        "contribution": None,
                        "factors": [],
                        "notes": [],
                    }
                    for o in rows
                    if o.entity == ent
                ],
            }
        )
    return {
        "metric": code,
        "description": ind.name_en,
        "entity": entity,
        "period": str(year),
        "boundary": run.result.boundary,
        "value": total,
        "unit": ind.unit,
        "gwp": run.result.gwp,
        "run": {"id": run.info.id, "stored": True, "note": ""},
        "lineage": {
            "formula": "sum over entities of consolidation share x the entity's own annual value",
            "entities": entities,
        },
    }
