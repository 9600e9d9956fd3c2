"""Read everything a report prints from the ledger into plain :class:`ReportData`.

- calculated metrics (energy in tce, GHG by scope, intensities) from the
  calculation engine, consolidated over the entity tree under the boundary;
  their lineage run is ``calc-<first 12 hex of the run's inputs hash>``, so the
  same ledger always gives the same reference;
- indicator values from observations, each entity's value for a year by the
  one rule the engine uses (:mod:`esgledger.calc.yearvalue`: prorated by the
  inclusion window, the annual row over monthly rows): for summable
  indicators the group figure is the sum over every entity that reported it
  (the root's own row included) times its consolidation share, as the engine
  consolidates; for the others the root's own value (run ``ledger``);
- energy by carrier (tce) from the engine's breakdown, for the energy-mix chart;
- targets and their progress (``calc.targets``), the materiality assessment
  and the climate register (``store.assessments``), and the four content
  indexes (``report.indexes``).

This module reads; it never writes to the ledger.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from esgledger.catalog.indicators import load_indicators
from esgledger.errors import EsgError, NotFoundError, ReportError
from esgledger.model import Entity, Observation
from esgledger.report.data import (
    Datum,
    MaterialTopic,
    ReportData,
    RiskItem,
    TargetStatus,
)
from esgledger.report.definition import ReportDefinition

if TYPE_CHECKING:
    from esgledger.assess.materiality import MaterialityResult
    from esgledger.calc.result import RunResult
    from esgledger.store import Ledger

__all__ = ["CARRIERS", "FRAMEWORKS", "add_materiality", "collect", "collect_from"]

FRAMEWORKS = ("gri", "sse", "sasac", "issb")

# Energy carriers of the energy-mix chart: metric suffix → indicator code prefixes.
CARRIERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("electricity", ("energy.electricity",)),
    ("steam", ("energy.steam", "energy.heat")),
    ("natural_gas", ("fuel.natural_gas",)),
    ("raw_coal", ("fuel.raw_coal", "fuel.washed_coal", "fuel.coke")),
    ("coke_oven_gas", ("fuel.coke_oven_gas",)),
    ("oil", ("fuel.diesel", "fuel.gasoline", "fuel.fuel_oil", "fuel.lpg", "fuel.kerosene")),
)


def _root(entities: Sequence[Entity]) -> Entity:
    roots = [e for e in entities if not e.parent]
    if not roots:
        raise ReportError("the ledger's entity tree has no root (an entity without a parent)")
    children: dict[str, int] = defaultdict(int)
    for e in entities:
        if e.parent:
            children[e.parent] += 1
    return sorted(roots, key=lambda e: (-children[e.code], e.code))[0]


def _carrier(indicator: str) -> str:
    for name, prefixes in CARRIERS:
        if any(indicator == p or indicator.startswith(p + ".") for p in prefixes):
            return name
    return "other"


def _frameworks_of() -> Any:
    from esgledger.catalog.frameworks import disclosures_for

    return disclosures_for


def _add_calc(data: ReportData, result: RunResult, run: str, labels: Any) -> None:
    for v in result.values:
        if v.value is None:
            continue
        data.add(
            Datum(
                v.metric,
                v.entity,
                v.period,
                float(v.value),
                v.unit,
                run=run,
                frameworks=tuple(labels(v.metric)),
                source=f"calc {v.lineage_ref}",
            )
        )
    try:
        parts = result.breakdown(data.root)
    except EsgError:
        return
    mix: dict[tuple[str, str], float] = defaultdict(float)
    for row in parts.iter_rows(named=True):
        if row["scope"] != "energy":
            continue
        mix[(_carrier(str(row["source"])), str(row["period"]))] += float(row["value"])
    for (carrier, period), value in sorted(mix.items()):
        data.add(
            Datum(
                f"energy.tce.{carrier}",
                data.root,
                period,
                value,
                "tce",
                run=run,
                frameworks=tuple(labels("energy.total_tce")),
                source="calc breakdown by carrier",
            )
        )


def _add_observed(
    data: ReportData,
    entities: Sequence[Entity],
    observations: Sequence[Observation],
    labels: Any,
    share: Callable[[str], float],
) -> None:
    from esgledger.calc.targets import observed_values

    indicators = load_indicators()
    summable = {c for c, i in indicators.items() if i.aggregation == "sum"}
    values = observed_values(observations, summable, entities=entities)
    own: dict[tuple[str, str], dict[str, float]] = defaultdict(dict)
    units: dict[str, str] = {}
    for (code, entity, year), val in values.items():
        own[(code, str(year))][entity] = val.value
        units[code] = val.unit
    names = {e.code for e in entities}
    for (code, period), by_entity in sorted(own.items()):
        for entity, value in by_entity.items():
            if entity in names and entity != data.root and (code, entity, period) not in data.data:
                data.add(
                    Datum(
                        code,
                        entity,
                        period,
                        value,
                        units[code],
                        run="ledger",
                        frameworks=tuple(labels(code)),
                        source="observation",
                    )
                )
        if (code, data.root, period) in data.data:
            continue
        if code in summable:
            weights = {e: share(e) for e in by_entity}
            counted = [e for e, w in weights.items() if w > 0]
            if not counted:
                continue
            total = sum(v * weights[e] for e, v in by_entity.items())
            source = (
                "observation"
                if counted == [data.root]
                else f"sum of {len(counted)} entities' observations ({data.boundary} boundary)"
            )
        elif data.root in by_entity:
            total, source = by_entity[data.root], "observation"
        else:
            continue
        data.add(
            Datum(
                code,
                data.root,
                period,
                total,
                units[code],
                run="ledger",
                frameworks=tuple(labels(code)),
                source=source,
            )
        )


def _add_targets(data: ReportData, targets_file: Path, years: Sequence[int], root: str) -> None:
    from esgledger.calc.formula import Value
    from esgledger.calc.targets import assess_targets, load_targets

    targets = load_targets(targets_file.read_text(encoding="utf-8-sig"), file=str(targets_file))
    values = {
        (d.code, d.entity, int(d.period)): Value(d.value, d.unit)
        for d in data.data.values()
        if d.period.isdigit()
    }
    for t in targets:
        history = []
        for y in years:
            p = assess_targets([t], values, year=y)[0]
            history.append((y, p.actual))
        cur = assess_targets([t], values, year=data.period)[0]
        stated = t.target_value
        decimals = (
            len(repr(float(stated)).split(".")[1].rstrip("0"))
            if stated is not None and float(stated) != int(stated)
            else None
        )
        group = root if tuple(t.entities) == (root,) else "+".join(t.entities)
        data.targets.append(
            TargetStatus(
                metric=t.metric,
                entity=group,
                baseline_year=t.baseline_year,
                baseline_value=cur.baseline if cur.baseline is not None else float("nan"),
                target_year=t.target_year,
                target_value=cur.target if cur.target is not None else float("nan"),
                unit=cur.unit,
                current_year=data.period,
                current_value=cur.actual,
                progress_pct=None if data.period <= t.baseline_year else cur.progress_pct,
                status=reported_status(
                    cur.status,
                    data.period,
                    t.baseline_year,
                    t.target_year,
                    cur.expected,
                    cur.actual,
                    str(cur.direction),
                ),
                target_decimals=decimals,
                name_en=t.name_en,
                name_zh=t.name_zh,
                id=t.id,
                history=tuple(history),
            )
        )


def reported_status(
    status: str,
    year: int,
    baseline_year: int,
    target_year: int,
    expected: float | None,
    actual: float | None,
    direction: str,
) -> str:
    """A target's status as a report prints it.

    *Achieved* only once the target year's value is in; before that a target
    met early is *on track* or *off track* against the straight path from the
    baseline. In the baseline year itself there is no progress to judge yet.
    """
    if status == "no data":
        return status
    if year <= baseline_year < target_year:
        return "baseline"
    if year < target_year and status == "achieved":
        if expected is None or actual is None:
            return "on track"
        ok = actual <= expected if direction == "decrease" else actual >= expected
        return "on track" if ok else "off track"
    return status


def add_materiality(data: ReportData, result: MaterialityResult) -> None:
    """Add an assessment result to ``data``: its ranked topics with their tiers, and the
    tier limits it used (so the matrix drawn from data agrees with the tiers)."""
    data.materiality = result
    th = result.thresholds
    data.materiality_thresholds = (th.material, th.moderately, th.highly)
    data.topics.extend(
        MaterialTopic(t.code, t.name_en, t.name_zh, t.impact, t.financial, t.tier, t.rank)
        for t in result.topics
    )


def _add_assessments(data: ReportData, ledger: Ledger) -> None:
    from esgledger.store import assessments

    try:
        result = assessments.materiality_result(ledger, data.period)
    except NotFoundError:  # no assessment for the year; any other error is the user's to see
        result = None
    if result is not None:
        add_materiality(data, result)
    register = assessments.load_register(ledger)
    if register.items:
        data.register = register
        data.risks.extend(
            RiskItem(
                code=i.code,
                kind=i.category,
                name_en=i.title_en,
                name_zh=i.title_zh,
                likelihood=i.likelihood,
                magnitude=i.magnitude,
                horizon=",".join(i.horizons),
                is_opportunity=i.kind == "opportunity",
                kind_en=i.category_label("en"),
                kind_zh=i.category_label("zh"),
                response_en=i.response_en,
                response_zh=i.response_zh,
            )
            for i in register.ranked()
        )


def _add_indexes(data: ReportData, definition: ReportDefinition | None) -> None:
    """The four content indexes, laid out on the template's sections (default: built-in)."""
    from esgledger.report import indexes
    from esgledger.report.definition import load_definition

    outline = indexes.outline_of((definition or load_definition()).sections)
    have = {d.code for d in data.data.values() if d.period == str(data.period)}
    available = indexes.available_codes(have)
    for fw in FRAMEWORKS:
        idx = indexes.build_index(fw, outline, available, period=str(data.period))
        data.index_titles[fw] = (idx.name_en, idx.name_zh)
        data.indexes[fw] = indexes.index_entries(idx)
        data.index_notes[fw] = (
            indexes.index_note(idx, data.company_en, data.period, "en"),
            indexes.index_note(idx, data.company_zh, data.period, "zh"),
        )


def collect_from(
    entities: Sequence[Entity],
    observations: Sequence[Observation],
    period: int,
    *,
    result: RunResult | None = None,
    boundary: str = "operational",
) -> ReportData:
    """Report data from plain entities, observations and (optionally) an engine run.

    Group figures of summable indicators are consolidated over the entity tree
    with the engine's boundary rules (``calc.boundary``): operational or
    financial control count an entity fully or not at all, equity share by
    its ownership chain.
    """
    from esgledger.calc.boundary import build_tree

    if not entities:
        raise ReportError(
            "the ledger has no entities",
            hint="import data first (esgledger import, or esgledger demo)",
        )
    root = _root(entities)
    data = ReportData(
        company_en=root.name_en,
        company_zh=root.name_zh,
        root=root.code,
        period=period,
        entity_names={e.code: (e.name_en, e.name_zh) for e in entities},
    )
    labels = _frameworks_of()
    data.boundary = boundary
    tree = build_tree(entities, boundary)  # type: ignore[arg-type]

    def share(code: str) -> float:
        return tree.share(code, root.code) if code in tree.ancestors else 0.0

    recorded = result.options.get("statuses") if result is not None else None
    if isinstance(recorded, dict):
        data.statuses = {str(k): int(v) for k, v in recorded.items()}
    else:
        data.statuses = dict(Counter(o.status for o in observations))
    if result is not None:
        run = f"calc-{result.inputs_hash[:12]}"
        data.run_id = run
        data.boundary = result.boundary
        _add_calc(data, result, run, labels)
    _add_observed(data, entities, observations, labels, share)
    return data


def collect(
    ledger: Ledger,
    period: int,
    *,
    boundary: str = "operational",
    targets: Path | None = None,
    definition: ReportDefinition | None = None,
    years: int = 4,
) -> ReportData:
    """Everything the report for ``period`` prints, read from ``ledger``."""
    entities = ledger.entities()
    first = period - years + 1
    observations = [o for y in range(first, period + 1) for o in ledger.observations(year=y)]
    if not any(o.period.startswith(str(period)) for o in observations):
        raise ReportError(
            f"the ledger has no observations for {period}",
            hint="import the year's data first, or choose another --period",
        )
    from esgledger.services.calc import compute_ledger

    result = compute_ledger(
        ledger,
        periods=list(range(first, period + 1)),
        boundary=boundary,  # type: ignore[arg-type]
    )
    data = collect_from(entities, observations, period, result=result, boundary=boundary)
    if targets is not None:
        _add_targets(data, targets, list(range(first, period + 1)), data.root)
    _add_assessments(data, ledger)
    _add_indexes(data, definition)
    return data
