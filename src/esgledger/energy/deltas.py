"""Readings → interval deltas, with a clear error for every reading kept aside.

:func:`prepare` takes a batch of raw readings (``row, meter, timestamp,
value`` as text, from a file, an MQTT message or an HTTP body) and returns
the rows to store and the rejects. The rules, in one place:

- the meter must be registered; the timestamp must parse (see
  :mod:`~esgledger.energy.timestamps`) and not lie in the future (beyond a
  day); the value must be a finite number;
- the same meter and time given twice with the same value is one reading
  (idempotent); with another value the later row is rejected;
- an **interval** meter's delta is its value × multiplier; a negative value
  is rejected;
- a **counter**'s delta is the difference from the previous accepted reading
  × multiplier. A fall is a *rollover* when the meter has a rollover modulus,
  the previous reading was in its upper half and the wrapped difference is
  less than half of it; a *reset* (meter replaced or zeroed) when the new
  reading is below a tenth of the previous one (the delta is then the new
  reading); otherwise the reading is rejected as a negative delta and the
  next one is compared with the last accepted reading;
- a counter reading older than the meter's newest stored reading is a *late*
  reading: it is stored as pending and the store recomputes that meter's
  deltas from there with :func:`counter_deltas` (the same rule).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

import polars as pl

from esgledger.energy import DEFAULT_TIMEZONE
from esgledger.energy.meters import Meter
from esgledger.energy.timestamps import EXPECTED, parse_column

__all__ = [
    "BATCH_SCHEMA",
    "FIRST",
    "OK",
    "PENDING",
    "REJECT_SCHEMA",
    "RESET",
    "ROLLOVER",
    "STATE_NAMES",
    "STORED_SCHEMA",
    "Prepared",
    "counter_deltas",
    "prepare",
]

OK, PENDING, FIRST, ROLLOVER, RESET, ESTIMATED = 0, 1, 2, 3, 4, 5
STATE_NAMES = {
    OK: "ok",
    PENDING: "pending",
    FIRST: "first",
    ROLLOVER: "rollover",
    RESET: "reset",
    ESTIMATED: "estimated",
}
#: A reading up to this far in the future is accepted (clock drift is a quality finding).
FUTURE_SLACK = timedelta(days=1)
_UTC = pl.Datetime("us", "UTC")

BATCH_SCHEMA: dict[str, pl.DataType] = {
    "row": pl.Int64(),
    "meter": pl.String(),
    "timestamp": pl.String(),
    "value": pl.String(),
}
REJECT_SCHEMA: dict[str, pl.DataType] = {
    "row": pl.Int64(),
    "meter": pl.String(),
    "timestamp": pl.String(),
    "value": pl.String(),
    "column": pl.String(),
    "error": pl.String(),
}
STORED_SCHEMA: dict[str, pl.DataType] = {
    "meter": pl.String(),
    "ts": _UTC,
    "value": pl.Float64(),
    "delta": pl.Float64(),
    "state": pl.Int8(),
}


@dataclass(frozen=True)
class Prepared:
    """A batch made ready: ``rows`` to store (``STORED_SCHEMA``), ``rejects`` (``REJECT_SCHEMA``).

    ``late`` counts the counter readings stored as pending (older than the
    meter's newest stored reading), whose deltas the store recomputes.
    """

    rows: pl.DataFrame
    rejects: pl.DataFrame
    late: int = 0
    duplicates: int = 0


def _reject(frame: pl.DataFrame, column: str, error: pl.Expr | str) -> pl.DataFrame:
    err = pl.lit(error) if isinstance(error, str) else error
    return frame.select(
        pl.col("row"),
        pl.col("meter"),
        pl.col("timestamp"),
        pl.col("value"),
        pl.lit(column).alias("column"),
        err.alias("error"),
    ).cast(REJECT_SCHEMA)  # type: ignore[arg-type]


_GROUPED = r"^\s*[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?\s*$"


def _num(expr: pl.Expr) -> pl.Expr:
    """Number text, with thousands separators (``1,234.5``) taken out; ``1,5`` stays bad."""
    s = expr.cast(pl.String)
    return (
        pl.when(s.str.contains(_GROUPED))
        .then(s.str.replace_all(",", "", literal=True))
        .otherwise(s)
    )


def _text(expr: pl.Expr) -> pl.Expr:
    return expr.cast(pl.String)


def prepare(
    batch: pl.DataFrame,
    meters: Mapping[str, Meter],
    last: Mapping[str, tuple[datetime, float]],
    *,
    now: datetime,
) -> Prepared:
    """The rows to store and the rejects of ``batch`` (see the module doc).

    ``last`` maps each counter meter of the batch to its newest stored
    reading (timestamp in UTC, raw value).
    """
    frame = batch.select(list(BATCH_SCHEMA)).cast(BATCH_SCHEMA)  # type: ignore[arg-type]
    frame = frame.with_columns(pl.col("meter").str.strip_chars())
    rejects: list[pl.DataFrame] = []

    known = frame["meter"].is_in(list(meters))
    rejects.append(_reject(frame.filter(~known), "meter", "a registered meter code"))
    frame = frame.filter(known)

    zones = {m.code: m.timezone for m in meters.values()}
    frame = frame.with_columns(
        pl.col("meter").replace_strict(zones, default=DEFAULT_TIMEZONE).alias("_tz")
    )
    ts: pl.Expr = pl.lit(None, dtype=_UTC)
    for zone in sorted(set(frame["_tz"].unique().to_list())):
        ts = (
            pl.when(pl.col("_tz") == zone)
            .then(parse_column(pl.col("timestamp"), zone))
            .otherwise(ts)
        )
    value = _num(pl.col("value")).str.strip_chars().cast(pl.Float64, strict=False)
    frame = frame.with_columns(ts.alias("ts"), value.alias("v")).with_columns(
        pl.when(pl.col("v").is_finite()).then(pl.col("v")).alias("v")
    )
    bad_ts = pl.col("ts").is_null()
    rejects.append(_reject(frame.filter(bad_ts), "timestamp", EXPECTED))
    frame = frame.filter(~bad_ts)
    future = pl.col("ts") > pl.lit(now + FUTURE_SLACK).cast(_UTC)
    rejects.append(
        _reject(frame.filter(future), "timestamp", "a time not more than a day in the future")
    )
    frame = frame.filter(~future)
    bad_v = pl.col("v").is_null()
    rejects.append(_reject(frame.filter(bad_v), "value", "a number"))
    frame = frame.filter(~bad_v)

    # the same meter and time twice: one reading, or a conflict
    frame = frame.sort("row")
    first = frame.group_by(["meter", "ts"], maintain_order=True).agg(
        pl.col("v").first().alias("_v0"), pl.col("row").first().alias("_r0")
    )
    frame = frame.join(first, on=["meter", "ts"], how="left")
    dup = pl.col("row") != pl.col("_r0")
    conflict = dup & (pl.col("v") != pl.col("_v0"))
    rejects.append(
        _reject(
            frame.filter(conflict),
            "value",
            pl.concat_str(
                [
                    pl.lit("the value given on row "),
                    _text(pl.col("_r0")),
                    pl.lit(" ("),
                    _text(pl.col("_v0")),
                    pl.lit(") for the same meter and time"),
                ]
            ),
        )
    )
    duplicates = frame.filter(dup & ~conflict).height
    frame = frame.filter(~dup)

    kinds = {m.code: m.kind for m in meters.values()}
    mults = {m.code: m.multiplier for m in meters.values()}
    frame = frame.with_columns(
        pl.col("meter").replace_strict(kinds, default="interval").alias("_kind"),
        pl.col("meter").replace_strict(mults, default=1.0, return_dtype=pl.Float64).alias("_m"),
    )
    out: list[pl.DataFrame] = []

    interval = frame.filter(pl.col("_kind") == "interval")
    negative = pl.col("v") < 0
    rejects.append(
        _reject(interval.filter(negative), "value", "a value ≥ 0 (the interval's consumption)")
    )
    out.append(
        interval.filter(~negative).select(
            pl.col("meter"),
            pl.col("ts"),
            pl.col("v").alias("value"),
            (pl.col("v") * pl.col("_m")).alias("delta"),
            pl.lit(OK, dtype=pl.Int8).alias("state"),
        )
    )

    counter = frame.filter(pl.col("_kind") == "counter")
    late = 0
    if counter.height:
        anchors = pl.DataFrame(
            [(m, t, v) for m, (t, v) in last.items()],
            schema={"meter": pl.String, "ts": _UTC, "value": pl.Float64},
            orient="row",
        )
        counter = counter.join(
            anchors.rename({"ts": "_last", "value": "_lv"}), on="meter", how="left"
        )
        is_late = pl.col("_last").is_not_null() & (pl.col("ts") <= pl.col("_last"))
        pending = counter.filter(is_late)
        late = pending.height
        out.append(
            pending.select(
                pl.col("meter"),
                pl.col("ts"),
                pl.col("v").alias("value"),
                pl.lit(None, dtype=pl.Float64).alias("delta"),
                pl.lit(PENDING, dtype=pl.Int8).alias("state"),
            )
        )
        fresh = counter.filter(~is_late).select(
            "row", "meter", "timestamp", "value", "ts", pl.col("v").alias("raw")
        )
        accepted, refused = counter_deltas(fresh, anchors, meters)
        out.append(accepted.select(list(STORED_SCHEMA)))
        rejects.append(refused)

    rows = pl.concat([o.cast(STORED_SCHEMA) for o in out])  # type: ignore[arg-type]
    return Prepared(
        rows=rows,
        rejects=pl.concat(rejects),
        late=late,
        duplicates=duplicates,
    )


def counter_deltas(
    fresh: pl.DataFrame, anchors: pl.DataFrame, meters: Mapping[str, Meter]
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Deltas of counter readings after their meter's anchor (the last accepted reading).

    ``fresh``: ``row, meter, timestamp, value`` (texts, for rejects), ``ts``
    and ``raw`` (the parsed reading); ``anchors``: ``meter, ts, value``.
    Returns (accepted rows with ``meter, ts, value, delta, state, row``,
    rejects).
    """
    mults = {m.code: m.multiplier for m in meters.values()}
    rolls = {m.code: m.rollover for m in meters.values() if m.rollover is not None}
    codes = fresh["meter"].unique().to_list()
    anchor = anchors.filter(pl.col("meter").is_in(codes)).select(
        pl.lit(None, dtype=pl.Int64).alias("row"),
        pl.col("meter"),
        pl.lit(None, dtype=pl.String).alias("timestamp"),
        pl.lit(None, dtype=pl.String).alias("value"),
        pl.col("ts").cast(_UTC),
        pl.col("value").cast(pl.Float64).alias("raw"),
        pl.lit(True).alias("_anchor"),
    )
    f = pl.concat(
        [
            anchor,
            fresh.select(
                pl.col("row").cast(pl.Int64),
                pl.col("meter"),
                pl.col("timestamp").cast(pl.String),
                pl.col("value").cast(pl.String),
                pl.col("ts").cast(_UTC),
                pl.col("raw").cast(pl.Float64),
                pl.lit(False).alias("_anchor"),
            ),
        ]
    ).sort(["meter", "ts"])
    f = f.with_columns(
        pl.col("meter").replace_strict(mults, default=1.0, return_dtype=pl.Float64).alias("_m"),
        pl.col("meter").replace_strict(rolls, default=None, return_dtype=pl.Float64).alias("_R"),
    )
    v, r = pl.col("raw"), pl.col("_R")

    def wrap(prev: pl.Expr) -> pl.Expr:
        return (
            r.is_not_null() & (prev >= r * 0.5) & (v >= 0) & ((r - prev + v) < r * 0.5)
        ).fill_null(False)

    def reset(prev: pl.Expr) -> pl.Expr:
        return ((v >= 0) & (v < prev * 0.1)).fill_null(False)

    prev_raw = v.shift().over("meter")
    brk = ((v < prev_raw) & (wrap(prev_raw) | reset(prev_raw))).fill_null(False)
    f = f.with_columns(brk.cast(pl.Int32).cum_sum().over("meter").alias("_seg"))
    runmax = v.cum_max().shift().over(["meter", "_seg"])
    neg = (((v < runmax).fill_null(False)) | (v < 0)) & ~pl.col("_anchor")
    f = f.with_columns(neg.alias("_neg"), runmax.alias("_max"))
    refused = _reject(
        f.filter(pl.col("_neg")),
        "value",
        pl.concat_str(
            [
                pl.lit("a counter reading not below the last accepted one ("),
                _text(pl.col("_max")),
                pl.lit("): a negative delta, not a rollover or reset"),
            ]
        ),
    )
    acc = f.filter(~pl.col("_neg"))
    prev = v.shift().over("meter")
    d = v - prev
    acc = acc.with_columns(
        pl.when(prev.is_null())
        .then(pl.lit(FIRST))
        .when(d >= 0)
        .then(pl.lit(OK))
        .when(wrap(prev))
        .then(pl.lit(ROLLOVER))
        .otherwise(pl.lit(RESET))
        .cast(pl.Int8)
        .alias("state"),
        pl.when(prev.is_null())
        .then(None)
        .when(d >= 0)
        .then(d * pl.col("_m"))
        .when(wrap(prev))
        .then((r - prev + v) * pl.col("_m"))
        .otherwise(v * pl.col("_m"))
        .alias("delta"),
    ).filter(~pl.col("_anchor"))
    accepted = acc.select(
        pl.col("meter"),
        pl.col("ts"),
        pl.col("raw").alias("value"),
        pl.col("delta").cast(pl.Float64),
        pl.col("state"),
        pl.col("row"),
    )
    return accepted, refused
