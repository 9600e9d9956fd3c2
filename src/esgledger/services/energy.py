"""Energy use cases: the monitoring view, data quality, monitoring-system data sets,
quotas and limit values, and monthly totals into the ledger.

Figures come from the incremental rollups (:mod:`esgledger.store.energy`);
the rules are the pure functions of :mod:`esgledger.energy`.
"""

from __future__ import annotations

import calendar
import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import polars as pl

from esgledger.energy.checks import COMPLETENESS, Finding
from esgledger.energy.datasets import Coefficient, carrier_totals, data_items, to_tce
from esgledger.energy.meters import Meter
from esgledger.errors import InputError, NotFoundError, Problem
from esgledger.services.authz import authorize
from esgledger.services.context import Context

__all__ = [
    "LedgerFeed",
    "MonitorView",
    "coefficients",
    "export_items",
    "interval_curve",
    "key_units",
    "monitor",
    "months_with_data",
    "quality",
    "set_limit",
    "set_quota",
    "to_ledger",
]

OUTPUT_INDICATOR = "production.reo"
SOURCE = "meters"
_MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


def _month(period: str, *, what: str = "period") -> tuple[int, int]:
    p = period.strip()
    if not _MONTH.match(p):
        raise InputError(
            [Problem(what, None, what, period, "a month YYYY-MM such as 2025-03", field=what)]
        )
    return int(p[:4]), int(p[5:7])


@functools.lru_cache(maxsize=1)
def coefficients() -> dict[str, Coefficient]:
    """Carrier indicator → standard-coal coefficient, from the factor catalogue (kind ``tce``)."""
    from esgledger.catalog.factors import load_factors
    from esgledger.catalog.indicators import load_indicators

    factors = [f for f in load_factors().search(kind="tce") if not f.region and not f.entity]
    out: dict[str, Coefficient] = {}
    for code in load_indicators():
        best = None
        for f in factors:
            if (code == f.subject or code.startswith(f.subject + ".")) and (
                best is None or len(f.subject) > len(best.subject)
            ):
                best = f
        if best is not None:
            out[code] = Coefficient(
                best.value, best.unit, f"{best.source}, {best.table}".strip(", ")
            )
    return out


def _meters(ctx: Context, entity: str | None) -> dict[str, Meter]:
    from esgledger.store import energy as repo

    with ctx.ledger.read() as conn:
        found = repo.load_meters(conn)
    if entity is None:
        return found
    if entity not in {e.code for e in ctx.entities()}:
        raise NotFoundError(f"no entity {entity!r}", hint="list them with: esgledger entities")
    return {c: m for c, m in found.items() if m.entity == entity}


def _output(ctx: Context, entity: str, months: list[str]) -> dict[tuple[str, str], float]:
    out: dict[tuple[str, str], float] = {}
    for o in ctx.ledger.observations(entity=entity, indicator=OUTPUT_INDICATOR):
        if o.period in months:
            out[(entity, o.period)] = o.value
    return out


# -- monitoring view ----------------------------------------------------------------


@dataclass
class MonitorView:
    """What the monitoring view of one entity and month shows."""

    entity: str
    period: str
    carriers: list[dict[str, Any]] = field(default_factory=list)
    total_tce: float = 0.0
    days: list[dict[str, Any]] = field(default_factory=list)
    load_curve: list[dict[str, Any]] = field(default_factory=list)
    quota: dict[str, Any] | None = None
    alerts: list[dict[str, Any]] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    meters: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {
            "entity": self.entity,
            "period": self.period,
            "meters": self.meters,
            "carriers": self.carriers,
            "total_tce": self.total_tce,
            "days": self.days,
            "load_curve": self.load_curve,
            "quota": self.quota,
            "alerts": self.alerts,
            "findings": [f.as_dict() for f in self.findings],
        }


def _ytd(
    ctx: Context, meters: Mapping[str, Meter], year: int, coeffs: Mapping[str, Coefficient]
) -> dict[int, float]:
    from esgledger.store import energy as repo

    with ctx.ledger.read() as conn:
        months = repo.rollups(conn, meters, "month", f"{year:04d}-")
    totals = carrier_totals(months, meters)
    out: dict[int, float] = {}
    for carrier, unit, bucket, total in totals.select(
        "carrier", "unit", "bucket", "total"
    ).iter_rows():
        c = coeffs.get(carrier)
        if c is not None:
            m = int(bucket[5:7])
            out[m] = out.get(m, 0.0) + to_tce(total, unit, c)
    return out


def monitor(ctx: Context, entity: str, period: str) -> MonitorView:
    """The month's carriers, daily bars, hourly load curve, month against quota, open alerts."""
    from esgledger.store import energy as repo

    year, month = _month(period)
    authorize(ctx, "data.read", entity)
    meters = _meters(ctx, entity)
    coeffs = coefficients()
    view = MonitorView(entity, period, meters=len(meters))
    with ctx.ledger.read() as conn:
        months = repo.rollups(conn, meters, "month", period)
        days = repo.rollups(conn, meters, "day", period)
        hours = repo.rollups(conn, meters, "hour", period)
        quotas = repo.quotas(conn)
        view.alerts = repo.alerts(conn, state="open", entity=entity)
    for _e, carrier, unit, _b, total, readings, expected, names in carrier_totals(
        months, meters
    ).iter_rows():
        c = coeffs.get(carrier)
        tce = to_tce(total, unit, c) if c else None
        view.total_tce += tce or 0.0
        view.carriers.append(
            {
                "carrier": carrier,
                "unit": unit,
                "total": total,
                "tce": tce,
                "readings": readings,
                "expected": expected,
                "completeness": readings / expected if expected else 0.0,
                "meters": list(names),
            }
        )
    for _e, carrier, unit, bucket, total, readings, expected, _n in carrier_totals(
        days, meters
    ).iter_rows():
        view.days.append(
            {
                "day": bucket,
                "carrier": carrier,
                "unit": unit,
                "total": total,
                "completeness": readings / expected if expected else 0.0,
            }
        )
    for _e, carrier, unit, bucket, total, _r, _x, _n in carrier_totals(hours, meters).iter_rows():
        view.load_curve.append({"hour": bucket, "carrier": carrier, "unit": unit, "total": total})
    quota = quotas.get((entity, year))
    if quota is not None:
        from esgledger.energy.warnings import forecast_year

        monthly = _ytd(ctx, meters, year, coeffs)
        profile = _ytd(ctx, meters, year - 1, coeffs)
        forecast = forecast_year(monthly, month, profile or None)
        ytd = sum(v for m, v in monthly.items() if m <= month)
        view.quota = {
            "monthly": {m: v for m, v in sorted(monthly.items()) if m <= month},
            "year": year,
            "quota_tce": quota[0],
            "source": quota[1],
            "ytd_tce": ytd,
            "forecast_tce": forecast,
            "share": forecast / quota[0] if quota[0] else None,
        }
    view.findings = quality(ctx, entity, period)
    return view


def key_units(ctx: Context) -> list[str]:
    """The entities with a key-unit meter (重点用能单位) that the user may read, by code."""
    from esgledger.services.authz import visible_entities

    codes = sorted({m.entity for m in _meters(ctx, None).values() if m.key_unit})
    return visible_entities(ctx, "data.read", codes)


def months_with_data(ctx: Context, entity: str) -> list[str]:
    """The months (``YYYY-MM``) in which the entity's meters have readings, in order."""
    from esgledger.store import energy as repo

    authorize(ctx, "data.read", entity)
    meters = _meters(ctx, entity)
    with ctx.ledger.read() as conn:
        months = repo.rollups(conn, meters, "month")
    return sorted(set(months["bucket"].to_list()))


_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def interval_curve(ctx: Context, entity: str, day: str) -> list[dict[str, Any]]:
    """The 15-minute load curve of one local day: ``end`` (HH:MM), carrier, unit, total.

    Each interval's energy is the sum of the entity's root meters' deltas per
    carrier; an interval is named by its end, so the day runs 00:15 … 24:00.
    """
    from zoneinfo import ZoneInfo

    from esgledger.energy import DEFAULT_TIMEZONE
    from esgledger.energy.rollups import bucket_column
    from esgledger.store import energy as repo

    try:
        if not _DAY.match(day.strip()):
            raise ValueError(day)
        local = datetime.strptime(day.strip(), "%Y-%m-%d")
    except ValueError:
        raise InputError(
            [Problem("day", None, "day", day, "a day YYYY-MM-DD such as 2025-03-12", field="day")]
        ) from None
    authorize(ctx, "data.read", entity)
    roots = {c: m for c, m in _meters(ctx, entity).items() if m.parent is None}
    if not roots:
        return []
    zones = {m.timezone for m in roots.values()} or {DEFAULT_TIMEZONE}
    lo = min(local.replace(tzinfo=ZoneInfo(z)) for z in zones).astimezone(UTC)
    hi = max((local + timedelta(days=1)).replace(tzinfo=ZoneInfo(z)) for z in zones)
    with ctx.ledger.read() as conn:
        rows = repo.readings_frame(conn, roots, lo, hi.astimezone(UTC))
    out: list[dict[str, Any]] = []
    for zone in sorted(zones):
        codes = [c for c, m in roots.items() if m.timezone == zone]
        part = rows.filter(pl.col("meter").is_in(codes) & pl.col("delta").is_not_null())
        part = part.filter(bucket_column(pl.col("ts"), zone, "day") == day.strip())
        part = part.with_columns(
            pl.col("meter").replace_strict({c: roots[c].carrier for c in codes}).alias("carrier"),
            pl.col("meter").replace_strict({c: roots[c].unit for c in codes}).alias("unit"),
            pl.col("ts").dt.convert_time_zone(zone).alias("_local"),
        )
        grouped = (
            part.group_by(["carrier", "unit", "_local"])
            .agg(pl.col("delta").sum().alias("total"))
            .sort(["carrier", "_local"])
        )
        for carrier, unit, at, total in grouped.iter_rows():
            end = "24:00" if at.date() > local.date() else f"{at:%H:%M}"
            out.append({"end": end, "carrier": carrier, "unit": unit, "total": float(total)})
    return out


# -- quality ------------------------------------------------------------------------


def quality(ctx: Context, entity: str, period: str) -> list[Finding]:
    """Every data-quality finding of the entity's meters in the month."""
    from esgledger.energy import checks
    from esgledger.store import energy as repo

    year, month = _month(period)
    authorize(ctx, "quality.read", entity)
    meters = _meters(ctx, entity)
    if not meters:
        return []
    lo = datetime(year, month, 1, tzinfo=UTC) - timedelta(days=1)
    hi = datetime(year + (month == 12), month % 12 + 1, 1, tzinfo=UTC) + timedelta(days=1)
    with ctx.ledger.read() as conn:
        days = repo.rollups(conn, meters, "day", period)
        months = repo.rollups(conn, meters, "month", period)
        rows = repo.readings_frame(conn, meters, lo, hi)
        rejects = repo.rejects(conn, limit=10_000)
    from esgledger.energy.rollups import bucket_column

    # keep the readings whose interval lies in the month (local time of each meter)
    parts = []
    for zone in sorted({m.timezone for m in meters.values()}):
        codes = [c for c, m in meters.items() if m.timezone == zone]
        parts.append(
            rows.filter(pl.col("meter").is_in(codes)).filter(
                bucket_column(pl.col("ts"), zone, "month") == period
            )
        )
    rows = pl.concat(parts) if parts else rows
    return [
        *checks.completeness_by_day(days, meters),
        *checks.daily_monthly_agreement(days, months, meters),
        *checks.gaps(rows, meters),
        *checks.flat_lines(rows, meters),
        *checks.spikes(rows, meters),
        *checks.negative_deltas(rejects, meters),
        *checks.clock_drift(rows, meters),
        *checks.balance(days, meters),
    ]


# -- monitoring-system data sets -------------------------------------------------------


def export_items(
    ctx: Context, period: str, *, entity: str | None = None, frequency: str = "monthly"
) -> list[dict[str, Any]]:
    """The daily or monthly data items of the month for key energy-consuming units."""
    from esgledger.store import energy as repo

    _month(period)
    if frequency not in ("daily", "monthly"):
        raise InputError(
            [Problem("frequency", None, "frequency", frequency, "daily or monthly", "frequency")]
        )
    if entity is not None:
        authorize(ctx, "results.read", entity)
    meters = _meters(ctx, entity)
    if entity is None:
        from esgledger.services.authz import visible_entities

        allowed = set(visible_entities(ctx, "results.read", {m.entity for m in meters.values()}))
        meters = {c: m for c, m in meters.items() if m.entity in allowed}
    with ctx.ledger.read() as conn:
        grain = "day" if frequency == "daily" else "month"
        roll = repo.rollups(conn, meters, grain, period)
    totals = carrier_totals(roll, meters)
    output: dict[tuple[str, str], float] = {}
    if frequency == "monthly":
        for e in sorted({m.entity for m in meters.values()}):
            output.update(_output(ctx, e, [period]))
    return data_items(totals, coefficients(), output=output)


# -- rules ---------------------------------------------------------------------------


def set_quota(ctx: Context, entity: str, year: int, quota_tce: float, source: str) -> None:
    """The entity's annual energy quota in tce (with where it comes from)."""
    from esgledger.store import energy as repo

    authorize(ctx, "meters.manage", entity)
    _meters(ctx, entity)
    if not quota_tce > 0:
        raise InputError([Problem("quota", None, "quota", str(quota_tce), "tce > 0", "quota")])
    with ctx.ledger.transaction() as conn:
        repo.put_quota(conn, entity, year, quota_tce, source)
        ctx.ledger.append_audit(
            conn,
            actor=ctx.actor,
            action="energy.quota",
            ref=f"{entity}/{year}",
            payload={"quota_tce": quota_tce, "source": source},
        )


def set_limit(
    ctx: Context, entity: str, product: str, limit: float, standard: str, unit: str = "kgce/t"
) -> None:
    """A limit value of energy per unit of product, with the standard it comes from."""
    from esgledger.store import energy as repo

    authorize(ctx, "meters.manage", entity)
    _meters(ctx, entity)
    problems = []
    if not limit > 0:
        problems.append(Problem("limit", None, "limit", str(limit), "a value > 0", "limit"))
    if not standard.strip():
        problems.append(
            Problem(
                "limit", None, "standard", standard, "the standard the limit comes from", "standard"
            )
        )
    if problems:
        raise InputError(problems, what="limit value")
    with ctx.ledger.transaction() as conn:
        repo.put_limit(conn, entity, product, limit, unit, standard.strip())
        ctx.ledger.append_audit(
            conn,
            actor=ctx.actor,
            action="energy.limit",
            ref=f"{entity}/{product}",
            payload={"limit": limit, "unit": unit, "standard": standard},
        )


# -- into the ledger -------------------------------------------------------------------


@dataclass
class LedgerFeed:
    """What :func:`to_ledger` wrote and what it held back."""

    written: list[dict[str, Any]] = field(default_factory=list)
    flagged: list[dict[str, Any]] = field(default_factory=list)
    added: int = 0
    updated: int = 0
    unchanged: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {
            "written": self.written,
            "flagged": self.flagged,
            "added": self.added,
            "updated": self.updated,
            "unchanged": self.unchanged,
        }


def to_ledger(
    ctx: Context,
    entity: str,
    period: str,
    *,
    threshold: float = COMPLETENESS,
    fill: bool = False,
) -> LedgerFeed:
    """Monthly totals per carrier of the entity's root meters → ``draft`` observations.

    Source ``meters``; the comment and the lineage table name the meters,
    reading counts and completeness. A month below ``threshold`` is flagged
    and not written, unless ``fill``: then the total is scaled up to the
    expected readings and marked as an estimate.
    """
    from esgledger.catalog.indicators import load_indicators
    from esgledger.model import ImportBatch, Observation
    from esgledger.store import energy as repo
    from esgledger.units import convert

    _month(period)
    authorize(ctx, "data.enter", entity)
    meters = _meters(ctx, entity)
    indicators = load_indicators()
    with ctx.ledger.read() as conn:
        months = repo.rollups(conn, meters, "month", period)
    feed = LedgerFeed()
    observations: list[Observation] = []
    lineage: list[dict[str, Any]] = []
    now = ctx.now()
    for _e, carrier, unit, bucket, total, readings, expected, names in carrier_totals(
        months, meters
    ).iter_rows():
        share = readings / expected if expected else 0.0
        row = {
            "entity": entity,
            "period": bucket,
            "indicator": carrier,
            "total": total,
            "unit": unit,
            "readings": readings,
            "expected": expected,
            "completeness": share,
            "meters": list(names),
            "estimated": False,
        }
        value = total
        note = ""
        if share < threshold:
            if not fill:
                feed.flagged.append(row)
                continue
            value = total / share if share else 0.0
            note = (
                f"; ESTIMATED: gap filled by scaling {total:,.3f} {unit} at {share:.1%} "
                f"completeness to all expected readings"
            )
            row["estimated"] = True
        ind = indicators.get(carrier)
        if ind is None:
            feed.flagged.append({**row, "reason": f"{carrier} is not a catalogue indicator"})
            continue
        canonical = convert(value, unit, ind.unit)
        comment = (
            f"metered: {', '.join(names)}; {readings} of {expected} readings "
            f"({share:.1%} complete){note}"
        )
        observations.append(
            Observation(
                entity=entity,
                period=bucket,
                indicator=carrier,
                value=canonical,
                unit=ind.unit,
                raw_value=repr(round(value, 6)),
                raw_unit=unit,
                source=SOURCE,
                comment=comment,
            )
        )
        row["value"] = canonical
        row["value_unit"] = ind.unit
        feed.written.append(row)
        per_meter = months.filter(pl.col("meter").is_in(list(names)))
        from esgledger.energy.rollups import expected_readings

        for meter, _g, b, t, n in per_meter.iter_rows():
            exp = expected_readings(meters[meter], b)
            lineage.append(
                {
                    "entity": entity,
                    "period": b,
                    "indicator": carrier,
                    "meter": meter,
                    "total": t,
                    "readings": n,
                    "expected": exp,
                    "completeness": n / exp if exp else 0.0,
                    "estimated": (value - total) if row["estimated"] else 0.0,
                    "created_at": now,
                }
            )
    if observations:
        result = ctx.ledger.import_batch(
            ImportBatch(entities=(), observations=tuple(observations), files=("meters",)),
            actor=ctx.actor,
        )
        feed.added = result.observations_added
        feed.updated = result.observations_updated
        feed.unchanged = result.observations_unchanged
        with ctx.ledger.transaction() as conn:
            repo.put_lineage(conn, lineage)
    return feed


def month_days(period: str) -> int:
    year, month = _month(period)
    return calendar.monthrange(year, month)[1]
