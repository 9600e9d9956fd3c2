"""Data-quality checks: plain observations in, findings out.

The checks (their names appear in each finding's ``check``):

- ``missing``: an indicator the entity reported the year before (or one of
  the configured required indicators) is absent this year;
- ``yoy_change``: an annual value moved by more than the threshold (±30 % by
  default) from the year before; a comment on the observation explains it.
  Each entity's value for a year is the one the engine consolidates
  (:mod:`esgledger.calc.yearvalue`: prorated by its inclusion window);
  Checked per entity and for the sum of all entities' own rows under each
  root of the tree (the group view, where a drop shared by every entity shows);
- ``monthly_vs_annual``: monthly rows that do not add up to the annual row;
- ``incomplete_months``: monthly rows for part of the year and no annual row;
- ``part_exceeds_whole``: e.g. green electricity above purchased electricity;
- ``parts_sum``: e.g. female + male employees differ from the total;
- ``peer_outlier``: an intensity far from the other entities' (robust z-score
  on the median absolute deviation);
- ``out_of_range``: a value outside the indicator's allowed range, or not finite;
- ``outside_window``: data for a period in which the entity is not included;
- ``unknown_indicator`` / ``unknown_entity``: rows the catalogue or the tree
  does not know;
- ``reported_vs_computed``, ``no_region``, ``factor_fallback``: how figures are
  computed (:mod:`esgledger.quality.methodology`; the first needs the computed
  figures, the last the factor library).

Nothing here opens a database or a file.
"""

from __future__ import annotations

import hashlib
import math
import statistics
from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date

from esgledger.calc.formula import Definition, Value, evaluate
from esgledger.calc.yearvalue import FAR_FUTURE, FAR_PAST, inclusion_windows, year_values
from esgledger.catalog.factors import FactorSet
from esgledger.catalog.indicators import Indicator
from esgledger.errors import EsgError
from esgledger.model import Entity, Observation, Period
from esgledger.quality.findings import (
    Finding,
    Severity,
    apply_acknowledgements,
    make_finding,
    sort_findings,
)
from esgledger.quality.methodology import (
    RECONCILED,
    ReportedValue,
    check_factor_fallbacks,
    check_no_region,
    check_reported_vs_computed,
    electricity_years,
)
from esgledger.quality.rules import DEFAULT_PEER_METRICS, PART_OF, SUM_OF
from esgledger.units import convert

__all__ = ["CHECKS", "CheckConfig", "run_checks"]

CHECKS: tuple[str, ...] = (
    "missing",
    "yoy_change",
    "monthly_vs_annual",
    "incomplete_months",
    "part_exceeds_whole",
    "parts_sum",
    "peer_outlier",
    "out_of_range",
    "outside_window",
    "unknown_indicator",
    "unknown_entity",
    "reported_vs_computed",
    "no_region",
    "factor_fallback",
)

# 0.6745 = the 0.75 quantile of the standard normal, so that MAD/0.6745 estimates σ
# (Iglewicz & Hoaglin 1993, "How to Detect and Handle Outliers"; cut-off 3.5).
_MAD_SCALE = 0.6745
# when MAD is 0 (over half the peers equal), σ ≈ 1.253314 × mean absolute deviation
# around the median (sqrt(π/2); the same paper's fallback).
_MEANAD_SCALE = 1.253314


@dataclass(frozen=True)
class CheckConfig:
    """Tunable parts of the checks."""

    threshold: float = 0.3
    required: tuple[str, ...] = ()
    tolerance: float = 0.005
    peer_metrics: Mapping[str, Definition] = field(
        default_factory=lambda: dict(DEFAULT_PEER_METRICS)
    )
    z_limit: float = 3.5
    min_peers: int = 5
    #: reported-vs-computed tolerance, a fraction of the larger figure (1 %)
    reconcile_tolerance: float = 0.01


def _fmt(x: float) -> str:
    """A figure as people read it: 119,186 / 0.9383 / 1.2e-05."""
    if x == 0:
        return "0"
    if abs(x) >= 1000:
        text = f"{x:,.2f}".rstrip("0").rstrip(".")
        return text
    return f"{x:.4g}"


@dataclass(frozen=True)
class _YearValue:
    value: float
    unit: str
    comment: str
    source: str  # "annual row" or "sum of N months"


class _Data:
    """Observations indexed by entity, indicator and year."""

    def __init__(
        self,
        observations: Iterable[Observation],
        entities: Mapping[str, Entity],
        indicators: Mapping[str, Indicator],
    ) -> None:
        self.entities = entities
        self.indicators = indicators
        self.raw: dict[tuple[str, str, str], Observation] = {}
        self.by_code: dict[str, list[tuple[str, Period, Observation]]] = defaultdict(list)
        self._months: dict[tuple[str, int], frozenset[int]] = {}
        self._window: dict[tuple[str, Period], bool] = {}
        self.annual: dict[tuple[str, str, int], Observation] = {}
        self.monthly: dict[tuple[str, str, int], dict[int, Observation]] = defaultdict(dict)
        self.reported: dict[tuple[str, int], set[str]] = defaultdict(set)
        self.bad: list[Observation] = []
        self.windows = inclusion_windows(entities.values())
        rows = list(observations)
        summable = {c for c, ind in indicators.items() if ind.aggregation == "sum"}
        # each entity's value for a year: the engine's rule (calc.yearvalue)
        self.values = year_values(rows, self.windows, summable)
        parsed: dict[str, tuple[Period, str] | None] = {}
        for obs in rows:
            if obs.period not in parsed:
                try:
                    one = Period.parse(obs.period)
                    parsed[obs.period] = (one, str(one))
                except EsgError:
                    parsed[obs.period] = None
            got = parsed[obs.period]
            if got is None:
                self.bad.append(obs)
                continue
            period, text = got
            self.raw[(obs.entity, obs.indicator, text)] = obs
            self.by_code[obs.indicator].append((obs.entity, period, obs))
            if period.month is None:
                self.annual[(obs.entity, obs.indicator, period.year)] = obs
            else:
                self.monthly[(obs.entity, obs.indicator, period.year)][period.month] = obs
            self.reported[(obs.entity, period.year)].add(obs.indicator)
        self.years = sorted({y for (_e, y) in self.reported})
        self.entity_codes = sorted(set(entities) | {e for (e, _y) in self.reported})

    def overlaps(self, entity: str, start: date, end: date) -> bool:
        """Whether ``entity``'s inclusion window (its ancestors' included) meets start..end."""
        window = self.windows.get(entity)
        if window is None:
            return True
        return not (end < window[0] or start > window[1])

    def included(self, entity: str, period: Period) -> bool:
        """Whether ``entity`` is included on at least one day of ``period`` (cached)."""
        key = (entity, period)
        if key not in self._window:
            self._window[key] = self.overlaps(entity, period.start, period.end)
        return self._window[key]

    def included_months(self, entity: str, year: int) -> frozenset[int]:
        key = (entity, year)
        if key not in self._months:
            self._months[key] = frozenset(
                m for m in range(1, 13) if self.included(entity, Period(year, m))
            )
        return self._months[key]

    def window_text(self, entity: str) -> str:
        window = self.windows.get(entity)
        if window is None or window == (FAR_PAST, FAR_FUTURE):
            return ""
        lo = window[0].isoformat() if window[0] != FAR_PAST else "the start"
        hi = window[1].isoformat() if window[1] != FAR_FUTURE else "open-ended"
        return f"included from {lo} to {hi}"

    def year_value(self, entity: str, indicator: str, year: int) -> _YearValue | None:
        """The entity's value for the year (:func:`~esgledger.calc.yearvalue.year_values`:
        prorated by its inclusion window, as consolidated), from its annual row or from
        a complete set of the months it is included in (summable indicators)."""
        found = self.values.get((indicator, entity, year))
        if found is None:
            return None
        obs = self.annual.get((entity, indicator, year))
        if obs is not None:
            source = "annual row" + (
                f" x {found.fraction:.4g} (inclusion window)" if found.prorated else ""
            )
            return _YearValue(found.value, found.unit, obs.comment.strip(), source)
        months = self.monthly.get((entity, indicator, year))
        ind = self.indicators.get(indicator)
        if not months or ind is None or ind.aggregation != "sum":
            return None
        expected = self.included_months(entity, year)
        if not expected or not expected <= set(months):
            return None
        comment = "; ".join(o.comment.strip() for o in months.values() if o.comment.strip())
        return _YearValue(found.value, found.unit, comment, f"sum of {len(months)} months")


def _numeric(ind: Indicator | None) -> bool:
    return ind is not None and ind.kind != "text"


# --- the checks --------------------------------------------------------------------


def _check_rows(data: _Data) -> Iterable[Finding]:
    for obs in data.bad:
        yield make_finding(
            "out_of_range",
            "error",
            obs.entity,
            obs.indicator,
            obs.period,
            f"period {obs.period!r} is not a year (YYYY) or a month (YYYY-MM)",
        )
    for code, rows in data.by_code.items():
        yield from _check_code_rows(data, code, rows)


def _check_code_rows(
    data: _Data, code: str, rows: list[tuple[str, Period, Observation]]
) -> Iterable[Finding]:
    ind = data.indicators.get(code)
    for entity, period, obs in rows:
        period_text = str(period)
        for check, severity, message in _row_problems(data, ind, code, entity, period, obs):
            yield make_finding(check, severity, entity, code, period_text, message)


def _row_problems(
    data: _Data, ind: Indicator | None, code: str, entity: str, period: Period, obs: Observation
) -> Iterable[tuple[str, Severity, str]]:
    """(check, severity, message) for each problem of one observation row."""
    if entity not in data.entities:
        yield "unknown_entity", "error", f"entity {entity!r} is not in the entity tree"
    if ind is None:
        yield "unknown_indicator", "error", f"indicator {code!r} is not in the catalogue"
    elif _numeric(ind):
        if not math.isfinite(obs.value):
            yield "out_of_range", "error", f"{code} is {obs.value!r}, not a finite number"
        elif not ind.allows(obs.value):
            yield (
                "out_of_range",
                "error",
                f"{code} is {_fmt(obs.value)} {obs.unit}; expected {ind.range_text()}",
            )
    if not data.included(entity, period):
        yield (
            "outside_window",
            "warning",
            f"{code} reported for {period}, but {entity} is "
            f"{data.window_text(entity)}; the value is left out of consolidation",
        )


def _check_missing(data: _Data, required: Sequence[str]) -> Iterable[Finding]:
    for entity in data.entity_codes:
        for year in data.years:
            if not data.overlaps(entity, date(year, 1, 1), date(year, 12, 31)):
                continue
            now = data.reported.get((entity, year), set())
            before = data.reported.get((entity, year - 1), set())
            active = bool(now or before)
            expected = set(before) | (set(required) if active else set())
            gone = sorted(expected - now)
            if not gone:
                continue
            if not now and before:
                yield make_finding(
                    "missing",
                    "warning",
                    entity,
                    "*",
                    str(year),
                    f"{entity} reported {len(before)} indicator{'s' if len(before) != 1 else ''} "
                    f"for {year - 1} "
                    f"but nothing for {year}",
                )
                continue
            for code in gone:
                why = f"reported for {year - 1}" if code in before else "required"
                yield make_finding(
                    "missing",
                    "warning",
                    entity,
                    code,
                    str(year),
                    f"{code} is missing for {year} ({why})",
                )


def _change_text(before: float, now: float, unit: str, year: int, threshold: float) -> str | None:
    """How a value moved from ``year - 1`` to ``year``, or None when within ± threshold."""
    if before == now:
        return None
    if before == 0:
        return f"rose from 0 in {year - 1} to {_fmt(now)} {unit} in {year}"
    change = (now - before) / abs(before)
    if abs(change) <= threshold:
        return None
    verb = "rose" if change > 0 else "fell"
    return (
        f"{verb} {abs(change) * 100:.1f} % from {_fmt(before)} {unit} "
        f"in {year - 1} to {_fmt(now)} {unit} in {year}"
    )


def _check_yoy(data: _Data, threshold: float) -> Iterable[Finding]:
    keys = {(e, i, y) for (e, i, y) in data.annual} | set(data.monthly)
    for entity, code, year in sorted(keys):
        if not _numeric(data.indicators.get(code)):
            continue
        now = data.year_value(entity, code, year)
        before = data.year_value(entity, code, year - 1)
        if now is None or before is None:
            continue
        prev_value = convert(before.value, before.unit, now.unit)
        text = _change_text(prev_value, now.value, now.unit, year, threshold)
        if text is None:
            continue
        window = data.window_text(entity)
        extra = f"; {entity} is {window}" if window else ""
        yield make_finding(
            "yoy_change",
            "warning",
            entity,
            code,
            str(year),
            f"{code} {text} (beyond ±{threshold * 100:g} %){extra}",
            explanation=now.comment,
        )


def _subtrees(entities: Mapping[str, Entity]) -> dict[str, list[str]]:
    """Each root of the entity tree → every entity under it (itself included)."""
    children: dict[str, list[str]] = defaultdict(list)
    for ent in entities.values():
        if ent.parent is not None and ent.parent in entities:
            children[ent.parent].append(ent.code)
    out: dict[str, list[str]] = {}
    for root in sorted(e.code for e in entities.values() if e.parent not in entities):
        stack, seen = [root], []
        while stack:
            code = stack.pop()
            if code in seen:
                continue
            seen.append(code)
            stack.extend(children.get(code, ()))
        out[root] = sorted(seen)
    return out


def _check_group_yoy(data: _Data, threshold: float) -> Iterable[Finding]:
    """Year-on-year change of the sum of every entity's own rows under each root."""
    summable = sorted(c for c, ind in data.indicators.items() if ind.aggregation == "sum")
    reported = {code for codes in data.reported.values() for code in codes}
    for root, members in _subtrees(data.entities).items():
        if len(members) < 2:
            continue
        for code in summable:
            if code not in reported:
                continue
            totals: dict[int, tuple[float, str, int]] = {}
            for year in data.years:
                parts = [data.year_value(e, code, year) for e in members]
                present = [p for p in parts if p is not None]
                if len(present) < 2:
                    continue
                unit = present[0].unit
                total = math.fsum(convert(p.value, p.unit, unit) for p in present)
                totals[year] = (total, unit, len(present))
            for year, (total, unit, count) in sorted(totals.items()):
                if year - 1 not in totals:
                    continue
                before, before_unit, _n = totals[year - 1]
                text = _change_text(
                    convert(before, before_unit, unit), total, unit, year, threshold
                )
                if text is None:
                    continue
                yield make_finding(
                    "yoy_change",
                    "warning",
                    root,
                    code,
                    str(year),
                    f"group total of {code} ({count} entities' own rows under {root}) {text} "
                    f"(beyond ±{threshold * 100:g} %)",
                    subject="group",
                )


def _check_months(data: _Data, tolerance: float) -> Iterable[Finding]:
    for (entity, code, year), months in sorted(data.monthly.items()):
        ind = data.indicators.get(code)
        expected = data.included_months(entity, year)
        annual = data.annual.get((entity, code, year))
        if annual is None:
            lacking = sorted(expected - set(months))
            if lacking and ind is not None and ind.aggregation == "sum":
                names = ", ".join(f"{year}-{m:02d}" for m in lacking)
                yield make_finding(
                    "incomplete_months",
                    "warning",
                    entity,
                    code,
                    str(year),
                    f"{code}: {len(months)} of {len(expected)} months reported and no "
                    f"annual row (missing {names})",
                )
            continue
        if ind is None or ind.aggregation != "sum":
            continue
        total = math.fsum(convert(o.value, o.unit, annual.unit) for o in months.values())
        diff = total - annual.value
        scale = max(abs(annual.value), abs(total))
        if expected <= set(months):
            if abs(diff) > tolerance * scale and abs(diff) > 1e-9:
                pct = f", {diff / annual.value * 100:+.1f} %" if annual.value else ""
                yield make_finding(
                    "monthly_vs_annual",
                    "error",
                    entity,
                    code,
                    str(year),
                    f"{code}: the {len(months)} monthly rows add up to {_fmt(total)} "
                    f"{annual.unit} but the annual row says {_fmt(annual.value)} "
                    f"{annual.unit} (difference {_fmt(diff)}{pct})",
                )
        elif diff > tolerance * scale and diff > 1e-9:
            yield make_finding(
                "monthly_vs_annual",
                "error",
                entity,
                code,
                str(year),
                f"{code}: {len(months)} monthly rows already add up to {_fmt(total)} "
                f"{annual.unit}, more than the annual row's {_fmt(annual.value)} {annual.unit}",
            )


def _check_part_whole(data: _Data) -> Iterable[Finding]:
    for part, whole in PART_OF:
        for entity, period, obs in data.by_code.get(part, ()):
            period_text = str(period)
            other = data.raw.get((entity, whole, period_text))
            if other is None:
                continue
            yield from _part_finding(
                entity, (part, obs.value, obs.unit), (whole, other.value, other.unit), period_text
            )
        # years where at least one side exists only as months
        for entity in data.entity_codes:
            for year in data.years:
                if (entity, part, year) in data.annual and (entity, whole, year) in data.annual:
                    continue
                p = data.year_value(entity, part, year)
                w = data.year_value(entity, whole, year)
                if p is None or w is None:
                    continue
                yield from _part_finding(
                    entity, (part, p.value, p.unit), (whole, w.value, w.unit), str(year)
                )


def _part_finding(
    entity: str, part_side: tuple[str, float, str], whole_side: tuple[str, float, str], period: str
) -> Iterable[Finding]:
    part, value, unit = part_side
    whole, raw_whole, whole_unit = whole_side
    whole_value = convert(raw_whole, whole_unit, unit)
    if value > whole_value * (1 + 1e-9) + 1e-9:
        yield make_finding(
            "part_exceeds_whole",
            "error",
            entity,
            part,
            period,
            f"{part} ({_fmt(value)} {unit}) is more than {whole} ({_fmt(whole_value)} {unit})",
        )


def _check_sums(data: _Data, tolerance: float) -> Iterable[Finding]:
    for whole, parts in SUM_OF:
        for entity in data.entity_codes:
            for year in data.years:
                w = data.year_value(entity, whole, year)
                ps = [data.year_value(entity, p, year) for p in parts]
                if w is None or any(p is None for p in ps):
                    continue
                total = math.fsum(convert(p.value, p.unit, w.unit) for p in ps if p is not None)
                diff = total - w.value
                if abs(diff) <= tolerance * max(abs(w.value), abs(total)) or abs(diff) < 1e-9:
                    continue
                yield make_finding(
                    "parts_sum",
                    "warning",
                    entity,
                    whole,
                    str(year),
                    f"{' + '.join(parts)} = {_fmt(total)} {w.unit}, but {whole} is "
                    f"{_fmt(w.value)} {w.unit}",
                    subject=",".join(parts),
                )


def _check_peers(data: _Data, config: CheckConfig) -> Iterable[Finding]:
    if not config.peer_metrics:
        return
    refs = set(data.indicators)
    for year in data.years:
        series: dict[str, list[tuple[str, float, str]]] = defaultdict(list)
        for entity in data.entity_codes:
            values: dict[str, Value] = {}
            for code in data.reported.get((entity, year), ()):
                yv = data.year_value(entity, code, year)
                if yv is not None and _numeric(data.indicators.get(code)):
                    values[code] = Value(yv.value, yv.unit)
            if not values:
                continue
            results = evaluate(config.peer_metrics, values, known=refs)
            for name, res in results.items():
                if res.value is not None and math.isfinite(res.value):
                    series[name].append((entity, res.value, res.unit))
        for name, items in sorted(series.items()):
            if len(items) < config.min_peers:
                continue
            xs = [v for _e, v, _u in items]
            med = statistics.median(xs)
            mad = statistics.median(abs(x - med) for x in xs)
            if mad > 0:
                scale = mad / _MAD_SCALE
            else:  # most peers equal: fall back to the mean absolute deviation
                scale = _MEANAD_SCALE * statistics.fmean(abs(x - med) for x in xs)
            if scale <= 1e-9 * abs(med):  # peers equal up to rounding
                continue
            for entity, x, unit in items:
                z = (x - med) / scale
                shown = unit.replace("**", "")
                if abs(z) > config.z_limit:
                    yield make_finding(
                        "peer_outlier",
                        "warning",
                        entity,
                        name,
                        str(year),
                        f"{name} is {_fmt(x)} {shown}, far from the {len(items)} peer "
                        f"entities (median {_fmt(med)} {shown}, robust z = {z:+.1f})",
                    )


def _check_methodology(
    data: _Data,
    cfg: CheckConfig,
    computed: Mapping[tuple[str, str, int], tuple[float, str]] | None,
    factors: FactorSet | None,
    basis: str,
) -> Iterable[Finding]:
    ents = list(data.entities.values())
    keys = [
        (e, ind, y)
        for (e, y), inds in data.reported.items()
        for ind in inds
        if data.overlaps(e, date(y, 1, 1), date(y, 12, 31))
    ]
    elec = electricity_years(keys)
    yield from check_no_region(ents, elec)
    if factors is not None:
        yield from check_factor_fallbacks(ents, elec, factors)
    if computed is not None:
        reported = []
        for entity, ind, year in keys:
            if ind not in RECONCILED:
                continue
            got = data.year_value(entity, ind, year)
            if got is not None:
                reported.append(ReportedValue(entity, ind, year, got.value, got.unit))
        yield from check_reported_vs_computed(
            reported, computed, tolerance=cfg.reconcile_tolerance, basis=basis
        )


def run_checks(
    observations: Iterable[Observation],
    entities: Iterable[Entity],
    indicators: Mapping[str, Indicator],
    *,
    years: Collection[int] | None = None,
    config: CheckConfig | None = None,
    acknowledged: Mapping[str, str] | None = None,
    fingerprints: Mapping[str, str] | None = None,
    computed: Mapping[tuple[str, str, int], tuple[float, str]] | None = None,
    factors: FactorSet | None = None,
    computed_basis: str = "operational control",
) -> list[Finding]:
    """Run every check and return the findings, errors first.

    ``years`` limits the findings to periods in those years (the year before is
    still read for comparisons); ``acknowledged`` maps finding ids to the
    reason a reviewer gave, ``fingerprints`` to the finding's fingerprint at
    that time (a finding whose values changed since is open again).
    ``computed`` ((entity, metric, year) → (value,
    unit), on ``computed_basis``) enables ``reported_vs_computed``; ``factors``
    enables ``factor_fallback``.
    """
    cfg = config or CheckConfig()
    entity_map = {e.code: e for e in entities}
    data = _Data(observations, entity_map, indicators)
    found: list[Finding] = []
    found += _check_rows(data)
    found += _check_missing(data, cfg.required)
    found += _check_yoy(data, cfg.threshold)
    found += _check_group_yoy(data, cfg.threshold)
    found += _check_months(data, cfg.tolerance)
    found += _check_part_whole(data)
    found += _check_sums(data, cfg.tolerance)
    found += _check_peers(data, cfg)
    found += _check_methodology(data, cfg, computed, factors, computed_basis)
    if years is not None:
        wanted = set(years)
        found = [f for f in found if f.year in wanted]
    unique = {f.id: f for f in found}
    stamped = _with_fingerprints(data, list(unique.values()))
    return sort_findings(apply_acknowledgements(stamped, acknowledged or {}, fingerprints))


def _with_fingerprints(data: _Data, findings: list[Finding]) -> list[Finding]:
    """Each finding with a hash of the values it is about.

    The rows hashed: the finding's entity (a group finding: every entity under
    it), its indicator (a sum rule: the whole and its parts; a peer metric or
    ``*``: every indicator of the entity), in its year and the year before —
    value, unit and period of each — plus the message (which carries derived
    figures such as a peer median). Any change to those values changes it.
    """
    rows: dict[tuple[str, int], list[Observation]] = defaultdict(list)
    for items in data.by_code.values():
        for entity, period, obs in items:
            rows[(entity, period.year)].append(obs)
    out = []
    for f in findings:
        ents = _members_under(data.entities, f.entity) if f.subject == "group" else [f.entity]
        codes: set[str] | None = {f.indicator, *f.subject.split(",")} - {"", "group"}
        if f.indicator not in data.indicators:
            codes = None  # '*' or a peer metric: everything the entity reported
        picked = sorted(
            (o.entity, o.indicator, o.period, repr(o.value), o.unit)
            for e in ents
            for y in (f.year - 1, f.year)
            for o in rows.get((e, y), ())
            if codes is None or o.indicator in codes
        )
        text = "\x1e".join("\x1f".join(r) for r in picked) + "\x1d" + f.message
        digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]
        out.append(replace(f, fingerprint=digest))
    return out


def _members_under(entities: Mapping[str, Entity], root: str) -> list[str]:
    children: dict[str, list[str]] = defaultdict(list)
    for ent in entities.values():
        if ent.parent:
            children[ent.parent].append(ent.code)
    out, stack = [], [root]
    while stack:
        code = stack.pop()
        if code in out:
            continue
        out.append(code)
        stack.extend(children.get(code, ()))
    return out
