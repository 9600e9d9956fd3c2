"""Time-zone-aware timestamps of readings: parsed as a whole column (polars), stored in UTC.

Accepted spellings: ISO 8601 dates with a time, ``T`` or a space between,
``-`` or ``/`` in the date, seconds and fractions optional, and an optional
offset (``Z``, ``+08:00``, ``+0800``). A timestamp without an offset is local
time of the meter's time zone (Asia/Shanghai by default); a local time that
does not exist (a daylight-saving gap) does not parse, an ambiguous one takes
the earlier instant. Spreadsheet date cells arrive as ISO text already.

A reading's timestamp marks the **end** of the interval it covers: the reading
at 00:15 is the consumption from 00:00 to 00:15, and the reading at midnight
belongs to the day before (see :func:`bucket_expr`).
"""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import polars as pl

__all__ = ["EXPECTED", "parse_column", "parse_one"]

#: What a timestamp must look like, for error messages.
EXPECTED = "a date and time such as 2025-03-01 00:15 or 2025-03-01T00:15:00+08:00"

_PATTERN = (
    r"^(\d{4}-\d{1,2}-\d{1,2})(?:[ T](\d{1,2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?))?"
    r"\s*(Z|[+-]\d{2}:?\d{2})?$"
)


def parse_column(text: pl.Expr, tz: pl.Expr | str) -> pl.Expr:
    """UTC ``Datetime`` from a String expression (null where it does not parse).

    ``tz`` is the time zone of timestamps without an offset: one name, or an
    expression giving a name per row (each distinct name is converted apart).
    """
    norm = text.str.strip_chars().str.replace_all("/", "-").str.to_uppercase()
    parts = norm.str.extract_groups(_PATTERN)
    day = parts.struct.field("1")
    clock = parts.struct.field("2").fill_null("00:00:00")
    clock = pl.when(clock.str.len_chars() <= 5).then(clock + ":00").otherwise(clock)
    naive = pl.concat_str([day, pl.lit(" "), clock]).str.to_datetime(
        "%Y-%m-%d %H:%M:%S%.f", strict=False, time_unit="us"
    )
    offset = parts.struct.field("3")
    sign = pl.when(offset.str.starts_with("-")).then(-1).otherwise(1)
    digits = offset.str.replace_all(r"[+\-:]", "")
    minutes = sign * (
        digits.str.slice(0, 2).cast(pl.Int64, strict=False) * 60
        + digits.str.slice(2, 2).cast(pl.Int64, strict=False)
    )
    minutes = pl.when(offset == "Z").then(0).otherwise(minutes)
    with_offset = (naive - pl.duration(minutes=minutes)).dt.replace_time_zone("UTC")
    local = _localise(naive, tz)
    return pl.when(offset.is_null()).then(local).otherwise(with_offset)


def _localise(naive: pl.Expr, tz: pl.Expr | str) -> pl.Expr:
    def one(name: str) -> pl.Expr:
        return naive.dt.replace_time_zone(
            name, ambiguous="earliest", non_existent="null"
        ).dt.convert_time_zone("UTC")

    if isinstance(tz, str):
        return one(tz)
    raise TypeError("pass one time-zone name; split the frame by time zone first")


def parse_one(text: str, tz: str) -> datetime | None:
    """One timestamp (see :func:`parse_column`) as an aware UTC datetime, or None."""
    frame = pl.DataFrame({"t": [text]}, schema={"t": pl.String})
    value = frame.select(parse_column(pl.col("t"), tz)).item()
    if value is None:
        return None
    assert isinstance(value, datetime)
    return value.astimezone(UTC)


def local(ts: datetime, tz: str) -> datetime:
    """``ts`` in the time zone ``tz``."""
    return ts.astimezone(ZoneInfo(tz))
