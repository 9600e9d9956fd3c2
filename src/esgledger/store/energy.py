"""Repository of energy management: meters, readings, rollups, rules, lineage, alerts.

Functions take a Connection in the caller's transaction. Readings arrive as
polars frames prepared by :func:`esgledger.energy.deltas.prepare`; they are
written with ``COPY`` on PostgreSQL (into monthly partitions created on
demand) and with one ``executemany`` on SQLite. A reading already stored
(same meter and time) is not written again; one stored with another value is
returned as a reject. Rollups are incremented in the same transaction.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, date, datetime
from typing import Any

import polars as pl
from sqlalchemy import Connection, and_, delete, func, select, update
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from esgledger.energy.deltas import (
    PENDING,
    REJECT_SCHEMA,
    STORED_SCHEMA,
    counter_deltas,
)
from esgledger.energy.meters import Meter
from esgledger.energy.rollups import ROLLUP_SCHEMA, rollup
from esgledger.store.database import bulk_insert
from esgledger.store.schema_energy import (
    energy_alerts,
    energy_limits,
    energy_lineage,
    energy_quotas,
    energy_rollups,
    meter_readings,
    meters,
    reading_rejects,
)

__all__ = [
    "Written",
    "add_rollups",
    "alerts",
    "latest_readings",
    "load_meters",
    "lock_readings",
    "put_meters",
    "readings_frame",
    "recompute_pending",
    "write_readings",
    "write_rejects",
]

_LOCK_ID = 0x65736772  # 'esgr': one writer of readings at a time on PostgreSQL
_UTC = pl.Datetime("us", "UTC")
_SQLITE_TS = "%Y-%m-%d %H:%M:%S.%6f"


# -- meters ------------------------------------------------------------------------


def _meter(row: Any) -> Meter:
    m = row._mapping
    return Meter(
        code=m["code"],
        entity=m["entity"],
        carrier=m["carrier"],
        unit=m["unit"],
        kind=m["kind"],
        multiplier=float(m["multiplier"]),
        rollover=None if m["rollover"] is None else float(m["rollover"]),
        parent=m["parent"],
        line=m["line"],
        key_unit=bool(m["key_unit"]),
        interval_minutes=int(m["interval_minutes"]),
        timezone=m["timezone"],
        calibrated_on=m["calibrated_on"],
        certificate=m["certificate"],
        name=m["name"],
    )


def load_meters(conn: Connection) -> dict[str, Meter]:
    """Every registered meter by code."""
    return {r.code: _meter(r) for r in conn.execute(select(meters).order_by(meters.c.code)).all()}


def put_meters(
    conn: Connection, items: Sequence[Meter], *, actor: str, now: datetime
) -> tuple[int, int, int]:
    """Add or update meters (parents first); return (added, updated, unchanged)."""
    known = load_meters(conn)
    added = updated = same = 0
    pending = list(items)
    order: list[Meter] = []
    placed = set(known)
    while pending:  # parents before children
        progress = [m for m in pending if m.parent is None or m.parent in placed]
        if not progress:
            progress = pending
        for m in progress:
            order.append(m)
            placed.add(m.code)
        pending = [m for m in pending if m not in progress]
    for m in order:
        values = {k: v for k, v in m.as_dict().items()}
        values["calibrated_on"] = m.calibrated_on
        old = known.get(m.code)
        if old is None:
            conn.execute(meters.insert().values(**values, created_at=now, created_by=actor))
            added += 1
        elif old != m:
            conn.execute(update(meters).where(meters.c.code == m.code).values(**values))
            updated += 1
        else:
            same += 1
    return added, updated, same


# -- readings ----------------------------------------------------------------------


def lock_readings(conn: Connection) -> None:
    """Serialize writers of readings (deltas depend on the previous reading).

    The lock is per schema, so ledgers in different schemas of one database
    (tests, benchmarks) do not wait for each other.
    """
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql(
            f"SELECT pg_advisory_xact_lock({_LOCK_ID}, hashtext(current_schema()))"
        )


def _aware(ts: datetime) -> datetime:
    return ts.replace(tzinfo=UTC) if ts.tzinfo is None else ts.astimezone(UTC)


def latest_readings(conn: Connection, codes: Iterable[str]) -> dict[str, tuple[datetime, float]]:
    """The newest stored reading (UTC time, raw value) of each meter that has one."""
    out: dict[str, tuple[datetime, float]] = {}
    codes = sorted(set(codes))
    if not codes:
        return out
    if conn.dialect.name == "postgresql":
        rows = conn.exec_driver_sql(
            "SELECT m.code, r.ts, r.value FROM unnest(%(codes)s::text[]) AS m(code) "
            "CROSS JOIN LATERAL (SELECT ts, value FROM meter_readings "
            "WHERE meter = m.code ORDER BY ts DESC LIMIT 1) AS r",
            {"codes": codes},
        ).all()
        return {c: (_aware(t), float(v)) for c, t, v in rows}
    t = meter_readings
    for code in codes:
        row = conn.execute(
            select(t.c.ts, t.c.value).where(t.c.meter == code).order_by(t.c.ts.desc()).limit(1)
        ).first()
        if row is not None:
            out[code] = (_aware(row.ts), float(row.value))
    return out


def _months(frame: pl.DataFrame) -> list[tuple[int, int]]:
    if frame.height == 0:
        return []
    months = frame.select(pl.col("ts").dt.year().alias("y"), pl.col("ts").dt.month().alias("m"))
    return sorted({(int(y), int(m)) for y, m in months.unique().iter_rows()})


def ensure_partitions(conn: Connection, months: Iterable[tuple[int, int]]) -> None:
    """Create the monthly partitions (UTC months) that do not exist yet (PostgreSQL)."""
    if conn.dialect.name != "postgresql":
        return
    for y, m in months:
        ny, nm = (y + 1, 1) if m == 12 else (y, m + 1)
        conn.exec_driver_sql(
            f"CREATE TABLE IF NOT EXISTS meter_readings_p{y:04d}{m:02d} PARTITION OF "
            f"meter_readings FOR VALUES FROM ('{y:04d}-{m:02d}-01 00:00:00+00') "
            f"TO ('{ny:04d}-{nm:02d}-01 00:00:00+00')"
        )


def _copy_csv(conn: Connection, table: str, frame: pl.DataFrame) -> None:
    """``COPY table (columns) FROM STDIN (FORMAT csv)`` of ``frame`` (PostgreSQL, psycopg)."""
    if frame.height == 0:
        return
    raw: Any = conn.connection.driver_connection
    cols = ", ".join(f'"{c}"' for c in frame.columns)
    with raw.cursor() as cur, cur.copy(f'COPY "{table}" ({cols}) FROM STDIN (FORMAT csv)') as cp:
        step = 200_000
        for start in range(0, frame.height, step):
            buf = io.BytesIO()
            frame.slice(start, step).write_csv(
                buf, include_header=False, datetime_format="%Y-%m-%d %H:%M:%S%.6f+00"
            )
            cp.write(buf.getvalue())


def _insert_rows(conn: Connection, frame: pl.DataFrame) -> None:
    if frame.height == 0:
        return
    if conn.dialect.name == "postgresql":
        _copy_csv(conn, "meter_readings", frame.select(list(STORED_SCHEMA)))
        return
    rows = frame.select(
        "meter",
        pl.col("ts").dt.convert_time_zone("UTC").dt.replace_time_zone(None).dt.strftime(_SQLITE_TS),
        "value",
        "delta",
        "state",
    ).iter_rows()
    raw: Any = conn.connection.driver_connection
    raw.executemany(
        "INSERT INTO meter_readings (meter, ts, value, delta, state) VALUES (?, ?, ?, ?, ?)",
        rows,
    )


def readings_frame(
    conn: Connection,
    codes: Iterable[str],
    lo: datetime | None = None,
    hi: datetime | None = None,
) -> pl.DataFrame:
    """Stored readings of ``codes`` with ``lo <= ts <= hi`` (``STORED_SCHEMA``), in order."""
    t = meter_readings
    q = select(t.c.meter, t.c.ts, t.c.value, t.c.delta, t.c.state).where(
        t.c.meter.in_(sorted(set(codes)))
    )
    if lo is not None:
        q = q.where(t.c.ts >= lo)
    if hi is not None:
        q = q.where(t.c.ts <= hi)
    rows = conn.execute(q.order_by(t.c.meter, t.c.ts)).all()
    return pl.DataFrame(
        [(r.meter, _aware(r.ts), r.value, r.delta, r.state) for r in rows],
        schema=STORED_SCHEMA,
        orient="row",
    )


class Written:
    """What :func:`write_readings` did."""

    def __init__(self) -> None:
        self.stored = 0
        self.duplicates = 0
        self.rejects: list[pl.DataFrame] = []


def write_readings(
    conn: Connection,
    rows: pl.DataFrame,
    meters_by_code: Mapping[str, Meter],
    latest: Mapping[str, tuple[datetime, float]],
) -> Written:
    """Store prepared rows that are not stored yet; add their deltas to the rollups.

    ``latest`` is each meter's newest stored reading: rows after it cannot be
    stored yet, so only meters with older rows are looked up.
    """
    out = Written()
    if rows.height == 0:
        return out
    firsts = rows.group_by("meter").agg(pl.col("ts").min().alias("lo"), pl.col("ts").max())
    overlapping = [
        (m, lo, hi) for m, lo, hi in firsts.iter_rows() if m in latest and lo <= latest[m][0]
    ]
    if overlapping:
        stored = pl.concat([readings_frame(conn, [m], lo, hi) for m, lo, hi in overlapping]).select(
            "meter", "ts", pl.col("value").alias("_stored")
        )
        joined = rows.join(stored, on=["meter", "ts"], how="left")
        exists = pl.col("_stored").is_not_null()
        clash = joined.filter(exists & (pl.col("value") != pl.col("_stored")))
        out.duplicates = joined.filter(exists).height - clash.height
        if clash.height:
            out.rejects.append(
                clash.select(
                    pl.lit(None, dtype=pl.Int64).alias("row"),
                    "meter",
                    pl.col("ts").dt.strftime("%Y-%m-%dT%H:%M:%S%z").alias("timestamp"),
                    pl.col("value").cast(pl.String),
                    pl.lit("value").alias("column"),
                    pl.concat_str(
                        [
                            pl.lit("the value already stored for this meter and time ("),
                            pl.col("_stored").cast(pl.String),
                            pl.lit(")"),
                        ]
                    ).alias("error"),
                ).cast(REJECT_SCHEMA)  # type: ignore[arg-type]
            )
        rows = joined.filter(~exists).select(list(STORED_SCHEMA))
    ensure_partitions(conn, _months(rows))
    _insert_rows(conn, rows)
    out.stored = rows.height
    add_rollups(conn, rollup(rows, meters_by_code))
    return out


def recompute_pending(conn: Connection, meters_by_code: Mapping[str, Meter]) -> pl.DataFrame:
    """Recompute counter deltas from each meter's oldest pending (late) reading on.

    Rollups are corrected by the difference; readings that become negative
    deltas are removed and returned as rejects (``REJECT_SCHEMA``).
    """
    t = meter_readings
    firsts = conn.execute(
        select(t.c.meter, func.min(t.c.ts)).where(t.c.state == PENDING).group_by(t.c.meter)
    ).all()
    refused_all: list[pl.DataFrame] = []
    for code, t0 in firsts:
        t0 = _aware(t0)
        before = conn.execute(
            select(t.c.ts, t.c.value)
            .where(t.c.meter == code, t.c.ts < t0, t.c.state != PENDING)
            .order_by(t.c.ts.desc())
            .limit(1)
        ).first()
        anchors = pl.DataFrame(
            [(code, _aware(before.ts), float(before.value))] if before is not None else [],
            schema={"meter": pl.String, "ts": _UTC, "value": pl.Float64},
            orient="row",
        )
        old = readings_frame(conn, [code], t0)
        fresh = old.select(
            pl.lit(None, dtype=pl.Int64).alias("row"),
            "meter",
            pl.col("ts").dt.strftime("%Y-%m-%dT%H:%M:%S%z").alias("timestamp"),
            pl.col("value").cast(pl.String).alias("value"),
            "ts",
            pl.col("value").alias("raw"),
        )
        accepted, refused = counter_deltas(fresh, anchors, meters_by_code)
        changes = pl.concat(
            [rollup(old, meters_by_code, sign=-1), rollup(accepted, meters_by_code)]
        )
        add_rollups(conn, changes)
        merged = old.join(
            accepted.select("ts", pl.col("delta").alias("_d"), pl.col("state").alias("_s")),
            on="ts",
            how="left",
        )
        for ts, delta, state in (
            merged.filter(pl.col("_s").is_not_null()).select("ts", "_d", "_s").iter_rows()
        ):
            conn.execute(
                update(t).where(t.c.meter == code, t.c.ts == ts).values(delta=delta, state=state)
            )
        gone = refused["timestamp"].to_list()
        if gone:
            dropped = merged.filter(pl.col("_s").is_null())["ts"].to_list()
            for ts in dropped:
                conn.execute(delete(t).where(t.c.meter == code, t.c.ts == ts))
            refused_all.append(refused)
    if not refused_all:
        return pl.DataFrame(schema=REJECT_SCHEMA)
    return pl.concat(refused_all)


def add_rollups(conn: Connection, changes: pl.DataFrame) -> None:
    """Add ``changes`` (``ROLLUP_SCHEMA``) to the stored rollups."""
    if changes.height == 0:
        return
    changes = changes.group_by(["meter", "grain", "bucket"]).agg(
        pl.col("total").sum(), pl.col("readings").sum()
    )
    t = energy_rollups
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql(
            "CREATE TEMP TABLE IF NOT EXISTS _rollup_in (meter text, grain text, bucket text, "
            "total float8, readings int) ON COMMIT DELETE ROWS"
        )
        conn.exec_driver_sql("DELETE FROM _rollup_in")
        _copy_csv(conn, "_rollup_in", changes.select(list(ROLLUP_SCHEMA)))
        conn.exec_driver_sql(
            "INSERT INTO energy_rollups (meter, grain, bucket, total, readings) "
            "SELECT meter, grain, bucket, total, readings FROM _rollup_in "
            "ON CONFLICT (meter, grain, bucket) DO UPDATE SET "
            "total = energy_rollups.total + excluded.total, "
            "readings = energy_rollups.readings + excluded.readings"
        )
        return
    stmt = sqlite_insert(t)
    stmt = stmt.on_conflict_do_update(
        index_elements=[t.c.meter, t.c.grain, t.c.bucket],
        set_={
            "total": t.c.total + stmt.excluded.total,
            "readings": t.c.readings + stmt.excluded.readings,
        },
    )
    conn.execute(stmt, changes.to_dicts())


def rollups(
    conn: Connection,
    codes: Iterable[str],
    grain: str,
    prefix: str = "",
) -> pl.DataFrame:
    """Stored rollups of ``codes`` at ``grain`` whose bucket starts with ``prefix``."""
    t = energy_rollups
    q = select(t.c.meter, t.c.grain, t.c.bucket, t.c.total, t.c.readings).where(
        t.c.meter.in_(sorted(set(codes))), t.c.grain == grain
    )
    if prefix:
        q = q.where(t.c.bucket.like(prefix + "%"))
    rows = conn.execute(q.order_by(t.c.meter, t.c.bucket)).all()
    return pl.DataFrame([tuple(r) for r in rows], schema=ROLLUP_SCHEMA, orient="row")


def rebuild_rollups(conn: Connection, meters_by_code: Mapping[str, Meter]) -> int:
    """Recompute every rollup from the readings (a repair; normally they are incremental)."""
    conn.execute(delete(energy_rollups))
    n = 0
    for code in meters_by_code:
        frame = readings_frame(conn, [code])
        add_rollups(conn, rollup(frame, meters_by_code))
        n += frame.height
    return n


# -- rejects -----------------------------------------------------------------------


def write_rejects(
    conn: Connection, rejects: pl.DataFrame, *, source: str, file: str, now: datetime
) -> int:
    """Keep rejected readings aside, each with its error."""
    if rejects.height == 0:
        return 0
    rows = [
        {
            "received_at": now,
            "source": source,
            "file": file,
            "row": r["row"],
            "meter": r["meter"] or "",
            "timestamp": r["timestamp"] or "",
            "value": r["value"] or "",
            "column": r["column"],
            "error": r["error"],
        }
        for r in rejects.iter_rows(named=True)
    ]
    bulk_insert(conn, reading_rejects, rows)
    return len(rows)


def rejects(conn: Connection, *, limit: int = 100) -> list[dict[str, Any]]:
    t = reading_rejects
    rows = conn.execute(select(t).order_by(t.c.id.desc()).limit(limit)).all()
    return [dict(r._mapping) for r in rows]


# -- rules, lineage ----------------------------------------------------------------


def put_quota(conn: Connection, entity: str, year: int, quota_tce: float, source: str) -> None:
    _upsert(
        conn, energy_quotas, {"entity": entity, "year": year}, quota_tce=quota_tce, source=source
    )


def quotas(conn: Connection) -> dict[tuple[str, int], tuple[float, str]]:
    t = energy_quotas
    return {(r.entity, r.year): (r.quota_tce, r.source) for r in conn.execute(select(t)).all()}


def put_limit(
    conn: Connection, entity: str, product: str, value: float, unit: str, standard: str
) -> None:
    _upsert(
        conn,
        energy_limits,
        {"entity": entity, "product": product},
        limit_value=value,
        unit=unit,
        standard=standard,
    )


def limits(conn: Connection) -> list[dict[str, Any]]:
    return [dict(r._mapping) for r in conn.execute(select(energy_limits)).all()]


def _upsert(conn: Connection, table: Any, key: Mapping[str, Any], **values: Any) -> None:
    where = and_(*(table.c[k] == v for k, v in key.items()))
    found = conn.execute(select(*table.primary_key.columns).where(where)).first()
    if found is None:
        conn.execute(table.insert().values(**key, **values))
    else:
        conn.execute(update(table).where(where).values(**values))


def put_lineage(conn: Connection, rows: Sequence[Mapping[str, Any]]) -> None:
    """Replace the lineage of the (entity, period, indicator) keys in ``rows``."""
    t = energy_lineage
    for key in {(r["entity"], r["period"], r["indicator"]) for r in rows}:
        conn.execute(
            delete(t).where(t.c.entity == key[0], t.c.period == key[1], t.c.indicator == key[2])
        )
    if rows:
        conn.execute(t.insert(), list(rows))


def lineage(conn: Connection, entity: str, period: str | None = None) -> list[dict[str, Any]]:
    t = energy_lineage
    q = select(t).where(t.c.entity == entity)
    if period is not None:
        q = q.where(t.c.period == period)
    return [dict(r._mapping) for r in conn.execute(q.order_by(t.c.period, t.c.meter)).all()]


# -- alerts -------------------------------------------------------------


def upsert_alert(conn: Connection, alert: Mapping[str, Any], *, now: datetime) -> bool:
    """Record an alert unless one with its key exists; return whether it is new."""
    t = energy_alerts
    if conn.execute(select(t.c.id).where(t.c.key == alert["key"])).first() is not None:
        return False
    conn.execute(t.insert().values(**alert, state="open", created_at=now, updated_at=now))
    return True


def alerts(
    conn: Connection, *, state: str | None = None, entity: str | None = None
) -> list[dict[str, Any]]:
    t = energy_alerts
    q = select(t)
    if state is not None:
        q = q.where(t.c.state == state)
    if entity is not None:
        q = q.where(t.c.entity == entity)
    return [dict(r._mapping) for r in conn.execute(q.order_by(t.c.id)).all()]


def alert(conn: Connection, alert_id: int) -> dict[str, Any] | None:
    t = energy_alerts
    row = conn.execute(select(t).where(t.c.id == alert_id)).first()
    return None if row is None else dict(row._mapping)


def set_alert_state(
    conn: Connection, alert_id: int, state: str, *, reason: str, actor: str, now: datetime
) -> None:
    t = energy_alerts
    conn.execute(
        update(t)
        .where(t.c.id == alert_id)
        .values(state=state, reason=reason, updated_by=actor, updated_at=now)
    )


def day(ts: date) -> str:
    return ts.isoformat()
