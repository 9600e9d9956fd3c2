"""Hour, day and month buckets of interval deltas, and completeness.

A reading's timestamp is the end of its interval, so its bucket is the local
hour (day, month) of the instant just before it: the 00:00 reading belongs
to the previous day. Buckets are local to the meter's time zone and named by
text: ``2025-03-01T07`` (hour), ``2025-03-01`` (day), ``2025-03`` (month).

:func:`rollup` turns stored rows (``meter, ts, delta``) into additions to the
rollup table: ``meter, grain, bucket, total, readings``; the store adds them
to what is there (negated rows take a recomputed delta's old value out), so
rollups are maintained incrementally.

Completeness of a bucket is readings with a delta over the intervals the
bucket holds (:func:`expected_readings`).
"""

from __future__ import annotations

import calendar
from collections.abc import Mapping

import polars as pl

from esgledger.energy import DEFAULT_TIMEZONE
from esgledger.energy.meters import Meter

__all__ = ["GRAINS", "ROLLUP_SCHEMA", "bucket_column", "expected_readings", "rollup"]

GRAINS = ("hour", "day", "month")
_FORMATS = {"hour": "%Y-%m-%dT%H", "day": "%Y-%m-%d", "month": "%Y-%m"}
ROLLUP_SCHEMA: dict[str, pl.DataType] = {
    "meter": pl.String(),
    "grain": pl.String(),
    "bucket": pl.String(),
    "total": pl.Float64(),
    "readings": pl.Int64(),
}


def bucket_column(ts: pl.Expr, tz: str, grain: str) -> pl.Expr:
    """The bucket name of interval-end timestamps ``ts`` (UTC) in time zone ``tz``."""
    before = ts - pl.duration(microseconds=1)
    return before.dt.convert_time_zone(tz).dt.strftime(_FORMATS[grain])


def rollup(rows: pl.DataFrame, meters: Mapping[str, Meter], *, sign: int = 1) -> pl.DataFrame:
    """Additions to the rollups from stored rows ``meter, ts, delta`` (null deltas skipped).

    ``sign=-1`` gives the subtraction of rows being replaced.
    """
    frame = rows.filter(pl.col("delta").is_not_null()).select("meter", "ts", "delta")
    if frame.height == 0:
        return pl.DataFrame(schema=ROLLUP_SCHEMA)
    zones = {m.code: m.timezone for m in meters.values()}
    frame = frame.with_columns(
        pl.col("meter").replace_strict(zones, default=DEFAULT_TIMEZONE).alias("_tz")
    )
    parts: list[pl.DataFrame] = []
    for zone in sorted(frame["_tz"].unique().to_list()):
        part = frame.filter(pl.col("_tz") == zone)
        hours = (
            part.with_columns(bucket_column(pl.col("ts"), zone, "hour").alias("bucket"))
            .group_by(["meter", "bucket"])
            .agg(pl.col("delta").sum().alias("total"), pl.len().cast(pl.Int64).alias("readings"))
        )
        for grain, width in (("hour", 13), ("day", 10), ("month", 7)):
            parts.append(
                hours.with_columns(pl.col("bucket").str.slice(0, width))
                .group_by(["meter", "bucket"])
                .agg(pl.col("total").sum(), pl.col("readings").sum())
                .select(
                    "meter",
                    pl.lit(grain).alias("grain"),
                    "bucket",
                    pl.col("total") * sign,
                    pl.col("readings") * sign,
                )
            )
    return pl.concat([p.cast(ROLLUP_SCHEMA) for p in parts])  # type: ignore[arg-type]


def expected_readings(meter: Meter, bucket: str) -> int:
    """How many interval readings a complete ``bucket`` of ``meter`` holds."""
    per_hour = 60 // meter.interval_minutes if meter.interval_minutes <= 60 else 0
    if len(bucket) == 13:
        return max(per_hour, 1)
    if len(bucket) == 10:
        return meter.expected_per_day
    year, month = int(bucket[:4]), int(bucket[5:7])
    return meter.expected_per_day * calendar.monthrange(year, month)[1]


def completeness(meter: Meter, bucket: str, readings: int) -> float:
    """Share of the bucket's intervals that have a reading (0..1)."""
    expected = expected_readings(meter, bucket)
    return min(readings / expected, 1.0) if expected else 0.0
