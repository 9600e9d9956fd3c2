"""Early-warning rules: each returns alert candidates (plain dicts with a stable ``key``).

- :func:`quota_burn_down`: year-to-date standard coal plus a seasonal forecast
  of the remaining months against the entity's annual quota. The forecast
  spreads the year by the previous year's monthly profile when it is known
  (forecast = YTD ÷ the share of the year the elapsed months had last year),
  otherwise evenly by month. Above the quota: critical; above 95 %: warning.
- :func:`intensity_limit`: energy per unit of product against a limit value
  entered by the user with the standard it comes from.
- :func:`hour_spikes`: an hour above ``factor`` × the mean of the same hour
  on the same weekday of the previous weeks.
- :func:`data_gaps`: days whose completeness is below the threshold.

The key makes an alert idempotent: evaluating again does not repeat it.
"""

from __future__ import annotations

import calendar
from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from typing import Any

import polars as pl

from esgledger.energy.checks import COMPLETENESS
from esgledger.energy.meters import Meter
from esgledger.energy.rollups import expected_readings

__all__ = ["data_gaps", "forecast_year", "hour_spikes", "intensity_limit", "quota_burn_down"]

SPIKE_FACTOR = 2.0
SPIKE_WEEKS = 4
QUOTA_WARNING = 0.95


def _alert(
    rule: str,
    severity: str,
    entity: str,
    period: str,
    message: str,
    *,
    meter: str = "",
    value: float | None = None,
    threshold: float | None = None,
) -> dict[str, Any]:
    return {
        "key": f"{rule}:{entity}:{meter}:{period}",
        "rule": rule,
        "severity": severity,
        "entity": entity,
        "meter": meter,
        "period": period,
        "message": message,
        "value": value,
        "threshold": threshold,
    }


def forecast_year(
    monthly: Mapping[int, float], through: int, profile: Mapping[int, float] | None = None
) -> float:
    """The year's forecast from months 1..``through`` (``monthly``: month → tce).

    ``profile``: last year's month → tce (its shares set the seasonality).
    """
    ytd = sum(v for m, v in monthly.items() if m <= through)
    if profile and sum(profile.values()) > 0:
        total = sum(profile.values())
        elapsed = sum(v for m, v in profile.items() if m <= through) / total
        if elapsed > 0:
            return ytd / elapsed
    return ytd * 12 / through if through else 0.0


def quota_burn_down(
    entity: str,
    year: int,
    through: int,
    monthly: Mapping[int, float],
    quota_tce: float,
    *,
    profile: Mapping[int, float] | None = None,
    source: str = "",
) -> list[dict[str, Any]]:
    """A critical/warning alert when the year's forecast exceeds (95 % of) the quota."""
    forecast = forecast_year(monthly, through, profile)
    ytd = sum(v for m, v in monthly.items() if m <= through)
    share = forecast / quota_tce if quota_tce else 0.0
    if share <= QUOTA_WARNING:
        return []
    severity = "critical" if share > 1 else "warning"
    how = "last year's monthly profile" if profile else "an even spread by month"
    where = f" ({source})" if source else ""
    return [
        _alert(
            "quota",
            severity,
            entity,
            f"{year:04d}-{through:02d}",
            f"forecast {forecast:,.1f} tce for {year} ({share:.1%} of the quota "
            f"{quota_tce:,.1f} tce{where}); year to date {ytd:,.1f} tce through month "
            f"{through}, seasonality from {how}",
            value=forecast,
            threshold=quota_tce,
        )
    ]


def intensity_limit(
    entity: str,
    period: str,
    tce: float,
    output_t: float | None,
    limit_kgce_per_t: float,
    standard: str,
    *,
    product: str = "",
) -> list[dict[str, Any]]:
    """An alert when energy per unit of product exceeds the limit value."""
    if not output_t:
        return []
    intensity = tce * 1000.0 / output_t
    if intensity <= limit_kgce_per_t:
        return []
    return [
        _alert(
            "intensity",
            "critical",
            entity,
            period,
            f"{intensity:,.1f} kgce/t {product} above the limit {limit_kgce_per_t:,.1f} kgce/t "
            f"({standard})",
            value=intensity,
            threshold=limit_kgce_per_t,
        )
    ]


def hour_spikes(
    hours: pl.DataFrame,
    meters: Mapping[str, Meter],
    period: str,
    *,
    factor: float = SPIKE_FACTOR,
    weeks: int = SPIKE_WEEKS,
) -> list[dict[str, Any]]:
    """Hours of ``period`` (a month ``YYYY-MM``) above ``factor`` × the same hour of earlier weeks.

    ``hours``: hour rollups ``meter, bucket, total`` covering the period and
    the ``weeks`` before it. Needs at least two earlier weeks with data.
    """
    out: list[dict[str, Any]] = []
    if hours.height == 0:
        return out
    frame = hours.with_columns(
        (pl.col("bucket") + ":00").str.to_datetime("%Y-%m-%dT%H:%M", strict=False).alias("_t")
    )
    lookup = {(m, t): v for m, t, v in frame.select("meter", "_t", "total").iter_rows()}
    for meter, t, total in (
        frame.filter(pl.col("bucket").str.starts_with(period))
        .select("meter", "_t", "total")
        .iter_rows()
    ):
        before = [lookup.get((meter, t - timedelta(weeks=k))) for k in range(1, weeks + 1)]
        known = [v for v in before if v is not None]
        if len(known) < 2:
            continue
        mean = sum(known) / len(known)
        if mean > 0 and total > factor * mean:
            m = meters[meter]
            out.append(
                _alert(
                    "spike",
                    "warning",
                    m.entity,
                    t.strftime("%Y-%m-%dT%H"),
                    f"{total:,.2f} {m.unit} in the hour from {t:%Y-%m-%d %H}:00 is "
                    f"{total / mean:.1f}× the same hour of the previous {len(known)} weeks "
                    f"({mean:,.2f})",
                    meter=meter,
                    value=total,
                    threshold=factor * mean,
                )
            )
    return out


def data_gaps(
    days: pl.DataFrame,
    meters: Mapping[str, Meter],
    period: str,
    *,
    threshold: float = COMPLETENESS,
) -> list[dict[str, Any]]:
    """Days of ``period`` (``YYYY-MM``) with completeness below ``threshold`` (absent days too)."""
    year, month = int(period[:4]), int(period[5:7])
    present = {(m, b): n for m, b, n in days.select("meter", "bucket", "readings").iter_rows()}
    out: list[dict[str, Any]] = []
    for m in meters.values():
        if not any(k[0] == m.code for k in present):
            continue
        for d in range(1, calendar.monthrange(year, month)[1] + 1):
            bucket = date(year, month, d).isoformat()
            n = present.get((m.code, bucket), 0)
            share = n / expected_readings(m, bucket)
            if share < threshold:
                out.append(
                    _alert(
                        "gap",
                        "warning",
                        m.entity,
                        bucket,
                        f"{n} of {expected_readings(m, bucket)} readings on {bucket} "
                        f"({share:.1%} complete, below {threshold:.0%})",
                        meter=m.code,
                        value=share,
                        threshold=threshold,
                    )
                )
    return out


def month_profile(values: Sequence[tuple[str, float]], year: int) -> dict[int, float]:
    """Month → value of ``year`` from (``YYYY-MM``, value) pairs."""
    return {int(b[5:7]): v for b, v in values if b.startswith(f"{year:04d}-")}
