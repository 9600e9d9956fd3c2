"""Data-quality rules over meter series: one function per rule, plain findings out.

- completeness per meter and day (at least :data:`COMPLETENESS` of the
  intervals by default);
- daily against monthly agreement (the days' sum against the month's
  figure, within :data:`AGREEMENT`);
- gaps (runs of missing intervals), flat lines (the same delta for many
  intervals), spikes (a delta many times the meter's typical one), negative
  deltas (the rejects kept aside), clock drift (timestamps off the interval
  grid);
- meter balance: a parent against the sum of its children, loss in %.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any

import polars as pl

from esgledger.energy.meters import Meter
from esgledger.energy.rollups import bucket_column, expected_readings

__all__ = [
    "AGREEMENT",
    "COMPLETENESS",
    "Finding",
    "balance",
    "clock_drift",
    "completeness_by_day",
    "daily_monthly_agreement",
    "flat_lines",
    "gaps",
    "negative_deltas",
    "spikes",
]

COMPLETENESS = 0.90
AGREEMENT = 0.05
GAP_INTERVALS = 4
FLAT_INTERVALS = 32
SPIKE_FACTOR = 5.0
BALANCE_LOSS = 0.05


@dataclass(frozen=True)
class Finding:
    """One thing a rule found in one meter's (or one parent's) data."""

    check: str
    meter: str
    entity: str
    period: str
    severity: str
    message: str
    value: float | None = None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def completeness_by_day(
    days: pl.DataFrame, meters: Mapping[str, Meter], *, threshold: float = COMPLETENESS
) -> list[Finding]:
    """Days whose readings are below ``threshold`` of the expected intervals.

    ``days``: day rollups ``meter, bucket, readings`` (missing days are not
    seen here; :func:`gaps` finds them).
    """
    out: list[Finding] = []
    for meter, bucket, readings in days.select("meter", "bucket", "readings").iter_rows():
        m = meters[meter]
        share = readings / expected_readings(m, bucket)
        if share < threshold:
            out.append(
                Finding(
                    "completeness",
                    meter,
                    m.entity,
                    bucket,
                    "warning",
                    f"{readings} of {expected_readings(m, bucket)} readings ({share:.1%}), "
                    f"below {threshold:.0%}",
                    share,
                )
            )
    return out


def daily_monthly_agreement(
    days: pl.DataFrame,
    months: pl.DataFrame,
    meters: Mapping[str, Meter],
    *,
    tolerance: float = AGREEMENT,
) -> list[Finding]:
    """Months whose figure differs from the sum of its days by more than ``tolerance``."""
    sums = days.group_by(["meter", pl.col("bucket").str.slice(0, 7).alias("month")]).agg(
        pl.col("total").sum().alias("days")
    )
    joined = months.join(sums, left_on=["meter", "bucket"], right_on=["meter", "month"], how="left")
    out: list[Finding] = []
    for meter, bucket, total, by_days in joined.select(
        "meter", "bucket", "total", "days"
    ).iter_rows():
        by_days = by_days or 0.0
        base = max(abs(total), abs(by_days))
        gap = abs(total - by_days) / base if base else 0.0
        if gap > tolerance:
            out.append(
                Finding(
                    "agreement",
                    meter,
                    meters[meter].entity,
                    bucket,
                    "error",
                    f"monthly {total:,.3f} against the sum of days {by_days:,.3f} ({gap:.1%})",
                    gap,
                )
            )
    return out


def _series(rows: pl.DataFrame, meter: Meter) -> pl.DataFrame:
    return rows.filter(pl.col("meter") == meter.code).sort("ts")


def gaps(
    rows: pl.DataFrame, meters: Mapping[str, Meter], *, min_intervals: int = GAP_INTERVALS
) -> list[Finding]:
    """Runs of at least ``min_intervals`` missing intervals between stored readings."""
    out: list[Finding] = []
    for m in meters.values():
        s = _series(rows, m)
        if s.height < 2:
            continue
        step = m.interval_minutes * 60_000_000
        g = s.with_columns(
            ((pl.col("ts").diff().dt.total_microseconds() / step).round() - 1).alias("missing")
        ).filter(pl.col("missing") >= min_intervals)
        for ts, missing in g.select("ts", "missing").iter_rows():
            local = ts.astimezone(_zone(m.timezone))
            out.append(
                Finding(
                    "gap",
                    m.code,
                    m.entity,
                    local.strftime("%Y-%m-%d"),
                    "warning",
                    f"{int(missing)} intervals missing before {local:%Y-%m-%d %H:%M}",
                    float(missing),
                )
            )
    return out


def _zone(name: str) -> Any:
    from zoneinfo import ZoneInfo

    return ZoneInfo(name)


def flat_lines(
    rows: pl.DataFrame, meters: Mapping[str, Meter], *, min_intervals: int = FLAT_INTERVALS
) -> list[Finding]:
    """Runs of at least ``min_intervals`` identical deltas (a stuck meter or a copied value)."""
    out: list[Finding] = []
    for m in meters.values():
        s = _series(rows, m).filter(pl.col("delta").is_not_null())
        if s.height < min_intervals:
            continue
        runs = (
            s.with_columns((pl.col("delta") != pl.col("delta").shift()).fill_null(True).alias("_n"))
            .with_columns(pl.col("_n").cum_sum().alias("_run"))
            .group_by("_run")
            .agg(pl.len().alias("n"), pl.col("ts").first(), pl.col("delta").first())
            .filter(pl.col("n") >= min_intervals)
            .sort("ts")
        )
        for n, ts, delta in runs.select("n", "ts", "delta").iter_rows():
            local = ts.astimezone(_zone(m.timezone))
            out.append(
                Finding(
                    "flat",
                    m.code,
                    m.entity,
                    local.strftime("%Y-%m-%d"),
                    "warning",
                    f"the same delta {delta:g} for {n} intervals from {local:%Y-%m-%d %H:%M}",
                    float(n),
                )
            )
    return out


def spikes(
    rows: pl.DataFrame, meters: Mapping[str, Meter], *, factor: float = SPIKE_FACTOR
) -> list[Finding]:
    """Deltas above ``factor`` × the meter's median positive delta over the series."""
    out: list[Finding] = []
    for m in meters.values():
        s = _series(rows, m).filter(pl.col("delta").is_not_null())
        positive = s.filter(pl.col("delta") > 0)
        if positive.height < 8:
            continue
        median = float(positive["delta"].median() or 0.0)  # type: ignore[arg-type]
        if median <= 0:
            continue
        for ts, delta in (
            s.filter(pl.col("delta") > factor * median).select("ts", "delta").iter_rows()
        ):
            local = ts.astimezone(_zone(m.timezone))
            out.append(
                Finding(
                    "spike",
                    m.code,
                    m.entity,
                    local.strftime("%Y-%m-%d"),
                    "warning",
                    f"delta {delta:,.3f} at {local:%Y-%m-%d %H:%M} is {delta / median:.1f}× "
                    f"the median {median:,.3f}",
                    delta / median,
                )
            )
    return out


def negative_deltas(
    rejects: Sequence[Mapping[str, Any]], meters: Mapping[str, Meter]
) -> list[Finding]:
    """Counter readings kept aside as negative deltas, counted per meter."""
    counts: dict[str, int] = {}
    for r in rejects:
        if "negative delta" in str(r.get("error", "")) and r.get("meter") in meters:
            counts[str(r["meter"])] = counts.get(str(r["meter"]), 0) + 1
    return [
        Finding(
            "negative",
            code,
            meters[code].entity,
            "",
            "warning",
            f"{n} reading{'s' if n != 1 else ''} kept aside as negative deltas",
            float(n),
        )
        for code, n in sorted(counts.items())
    ]


def clock_drift(rows: pl.DataFrame, meters: Mapping[str, Meter]) -> list[Finding]:
    """Meters whose timestamps fall off their interval grid (the logger's clock drifts)."""
    out: list[Finding] = []
    for m in meters.values():
        s = _series(rows, m)
        if s.height == 0:
            continue
        step = m.interval_minutes * 60_000_000
        off = s.select((pl.col("ts").dt.epoch("us") % step).alias("off")).with_columns(
            pl.min_horizontal(pl.col("off"), step - pl.col("off")).alias("off")
        )
        drifted = off.filter(pl.col("off") > 0)
        if drifted.height:
            worst = float(drifted["off"].max()) / 1e6  # type: ignore[arg-type]
            out.append(
                Finding(
                    "clock",
                    m.code,
                    m.entity,
                    "",
                    "warning",
                    f"{drifted.height} of {s.height} timestamps off the "
                    f"{m.interval_minutes}-minute grid (up to {worst:.0f} s)",
                    worst,
                )
            )
    return out


def balance(
    days: pl.DataFrame, meters: Mapping[str, Meter], *, tolerance: float = BALANCE_LOSS
) -> list[Finding]:
    """Days on which a parent meter and the sum of its children differ by more than ``tolerance``.

    Loss = (parent − Σ children) / parent; a negative loss (children above
    the parent) is always an error.
    """
    children: dict[str, list[str]] = {}
    for m in meters.values():
        if m.parent is not None:
            children.setdefault(m.parent, []).append(m.code)
    out: list[Finding] = []
    for parent, kids in sorted(children.items()):
        p = days.filter(pl.col("meter") == parent).select("bucket", pl.col("total").alias("p"))
        k = (
            days.filter(pl.col("meter").is_in(kids))
            .group_by("bucket")
            .agg(pl.col("total").sum().alias("k"))
        )
        for bucket, pv, kv in p.join(k, on="bucket", how="left").sort("bucket").iter_rows():
            kv = kv or 0.0
            if not pv:
                continue
            loss = (pv - kv) / pv
            if loss < 0 or loss > tolerance:
                out.append(
                    Finding(
                        "balance",
                        parent,
                        meters[parent].entity,
                        bucket,
                        "error" if loss < 0 else "warning",
                        f"parent {pv:,.3f} against its children {kv:,.3f}: loss {loss:.1%}",
                        loss,
                    )
                )
    return out


def day_of(ts: pl.Expr, tz: str) -> pl.Expr:
    """The local day a reading's interval belongs to."""
    return bucket_column(ts, tz, "day")
