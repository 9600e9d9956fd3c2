"""Energy commands: ``meters``, ``readings``, ``energy`` and ``alerts``.

Thin adapters: each parses its options, calls one use case of
:mod:`esgledger.services.meters`, ``readings``, ``listener``, ``energy`` or
``alerts`` with a :class:`~esgledger.services.context.Context`, and prints.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from esgledger.cli.app import add_row, app, console, emit_json, err_console, open_context, state
from esgledger.services.context import Context

__all__ = ["alerts_app", "energy_app", "meters_app", "readings_app"]

meters_app = typer.Typer(
    name="meters", help="The meter registry; MQTT listener.", no_args_is_help=True
)
readings_app = typer.Typer(name="readings", help="Meter readings in.", no_args_is_help=True)
energy_app = typer.Typer(
    name="energy",
    help="Monitoring view, data sets, quality, quotas, ledger feed.",
    no_args_is_help=True,
)
alerts_app = typer.Typer(name="alerts", help="Energy early-warning alerts.", no_args_is_help=True)
app.add_typer(meters_app, name="meters")
app.add_typer(readings_app, name="readings")
app.add_typer(energy_app, name="energy")
app.add_typer(alerts_app, name="alerts")

JsonOpt = Annotated[bool, typer.Option("--json", help="Print the result as JSON.")]
EntityOpt = Annotated[str, typer.Option("--entity", metavar="CODE", help="Entity code.")]
PeriodOpt = Annotated[str, typer.Option("--period", metavar="YYYY-MM", help="Month, e.g. 2025-03.")]


@contextmanager
def _context() -> Iterator[Context]:
    """The context of a command: the ledger of ``--db`` and the user of ``--as``."""
    with open_context() as ctx:
        yield ctx


def _num(v: float | None, digits: int = 3) -> str:
    return "-" if v is None else f"{v:,.{digits}f}"


# -- meters --------------------------------------------------------------------------


@meters_app.command("add")
def meters_add(
    code: Annotated[str, typer.Argument(metavar="CODE", help="Meter code.")],
    entity: EntityOpt,
    carrier: Annotated[
        str,
        typer.Option(
            "--carrier",
            metavar="INDICATOR",
            help="Indicator it feeds, e.g. energy.electricity.purchased.",
        ),
    ],
    unit: Annotated[
        str, typer.Option("--unit", help="Unit of the readings after the multiplier (kWh, m3 ...).")
    ],
    kind: Annotated[
        str, typer.Option("--kind", help="counter (cumulative register) or interval.")
    ] = "interval",
    multiplier: Annotated[float, typer.Option("--multiplier", help="CT/PT ratio or scale.")] = 1.0,
    rollover: Annotated[
        float | None, typer.Option("--rollover", help="Counter modulus (e.g. 1000000).")
    ] = None,
    parent: Annotated[
        str | None, typer.Option("--parent", help="Parent meter (sub-metering).")
    ] = None,
    line: Annotated[str, typer.Option("--line", help="Production line or process.")] = "",
    key_unit: Annotated[
        bool, typer.Option("--key-unit", help="A key energy-consuming unit's meter.")
    ] = False,
    interval: Annotated[int, typer.Option("--interval", help="Minutes per interval.")] = 15,
    timezone: Annotated[
        str, typer.Option("--timezone", help="IANA time zone of local timestamps.")
    ] = "Asia/Shanghai",
    calibrated_on: Annotated[str, typer.Option("--calibrated-on", metavar="YYYY-MM-DD")] = "",
    certificate: Annotated[
        str, typer.Option("--certificate", help="Calibration certificate (file or reference).")
    ] = "",
    name: Annotated[str, typer.Option("--name")] = "",
    as_json: JsonOpt = False,
) -> None:
    """Register a meter (or change it)."""
    from esgledger.services import meters

    cells = {
        "code": code,
        "entity": entity,
        "carrier": carrier,
        "unit": unit,
        "kind": kind,
        "multiplier": repr(multiplier),
        "rollover": "" if rollover is None else repr(rollover),
        "parent": parent or "",
        "line": line,
        "key_unit": "yes" if key_unit else "no",
        "interval_minutes": str(interval),
        "timezone": timezone,
        "calibrated_on": calibrated_on,
        "certificate": certificate,
        "name": name,
    }
    with _context() as ctx:
        meter = meters.add_meter(ctx, cells)
    if as_json:
        emit_json(meter.as_dict())
        return
    console.print(
        f"meter {meter.code} registered for {meter.entity} ({meter.carrier})", markup=False
    )


@meters_app.command("import")
def meters_import(
    file: Annotated[
        Path,
        typer.Argument(
            metavar="FILE", help="CSV or XLSX with code,entity,carrier,unit,... columns."
        ),
    ],
    as_json: JsonOpt = False,
) -> None:
    """Register the meters of a file (all or nothing)."""
    from esgledger.services import meters

    with _context() as ctx:
        added, updated, same = meters.import_meters(ctx, file)
    if as_json:
        emit_json({"added": added, "updated": updated, "unchanged": same})
        return
    console.print(f"meters: {added} added, {updated} updated, {same} unchanged")


@meters_app.command("list")
def meters_list(
    entity: Annotated[str | None, typer.Option("--entity", metavar="CODE")] = None,
    out: Annotated[
        Path | None, typer.Option("--out", help="Export to a .csv or .xlsx file.")
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """List (or export) the registered meters."""
    from esgledger.services import meters

    with _context() as ctx:
        if out is not None:
            n = meters.export_meters(ctx, out, entity)
            console.print(f"{n} meters written to {out}", markup=False)
            return
        found = meters.list_meters(ctx, entity)
    if as_json:
        emit_json([m.as_dict() for m in found])
        return
    table = Table(title="meters")
    for col in ("code", "entity", "carrier", "unit", "kind", "×", "parent", "key", "calibrated"):
        table.add_column(col)
    for m in found:
        add_row(
            table,
            m.code,
            m.entity,
            m.carrier,
            m.unit,
            m.kind,
            f"{m.multiplier:g}",
            m.parent or "",
            "yes" if m.key_unit else "",
            m.calibrated_on.isoformat() if m.calibrated_on else "",
        )
    console.print(table)


def _client_id(broker: str, topic: str) -> str:
    digest = hashlib.sha256(f"{state.db}|{broker}|{topic}".encode()).hexdigest()[:12]
    return f"esgledger-{digest}"


@meters_app.command("listen")
def meters_listen(
    broker: Annotated[
        str, typer.Option("--broker", metavar="mqtt://HOST:PORT", help="MQTT broker.")
    ],
    topic: Annotated[
        str, typer.Option("--topic", metavar="PATTERN", help="Topic filter, e.g. site/meters/#.")
    ],
    client_id: Annotated[
        str | None,
        typer.Option(
            "--client-id", help="Session id (default: derived from database, broker and topic)."
        ),
    ] = None,
) -> None:
    """Store readings from MQTT (JSON {meter, timestamp, value}) until interrupted.

    QoS 1 in a persistent session; a message is acknowledged only once stored,
    so nothing is lost across reconnects or restarts.
    """
    from esgledger.services.listener import listen, parse_broker

    parse_broker(broker)
    stop = threading.Event()

    def _stop(*_: Any) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    cid = client_id or _client_id(broker, topic)
    err_console.print(f"listening on {broker} topic {topic} as {cid}", markup=False)

    def report(stats: Any) -> None:
        r = stats.result
        err_console.print(
            f"{stats.messages} messages: {r.stored} stored, {r.duplicates} duplicates, "
            f"{r.rejected} rejected (lag ≤ {stats.max_lag_s:.2f} s)",
            markup=False,
        )

    with _context() as ctx:
        stats = listen(ctx, broker, topic, client_id=cid, stop=stop, on_batch=report)
    report(stats)


# -- readings ------------------------------------------------------------------------


@readings_app.command("import")
def readings_import(
    file: Annotated[
        Path, typer.Argument(metavar="FILE", help="CSV or XLSX with meter,timestamp,value columns.")
    ],
    as_json: JsonOpt = False,
) -> None:
    """Stream a file of readings into the store; bad rows go to the rejects with their error."""
    from esgledger.services import readings

    with _context() as ctx:
        result = readings.import_readings(ctx, file)
    if as_json:
        emit_json(result.as_dict())
        return
    console.print(
        f"{result.received} readings: {result.stored} stored, {result.duplicates} already "
        f"stored, {result.late} late, {result.rejected} rejected"
    )
    for p in result.problems:
        err_console.print(f"  rejected: {p}", markup=False)
    if result.rejected > len(result.problems):
        err_console.print(
            f"  ... {result.rejected - len(result.problems)} more "
            "(see: esgledger readings rejects)",
            markup=False,
        )


@readings_app.command("rejects")
def readings_rejects(
    limit: Annotated[int, typer.Option("--limit", help="How many, newest first.")] = 50,
    as_json: JsonOpt = False,
) -> None:
    """The latest rejected readings with their errors."""
    from esgledger.services import readings

    with _context() as ctx:
        rows = readings.recent_rejects(ctx, limit=limit)
    if as_json:
        emit_json(rows)
        return
    table = Table(title="rejected readings")
    for col in ("source", "file", "row", "meter", "timestamp", "value", "error"):
        table.add_column(col)
    for r in rows:
        add_row(
            table,
            r["source"],
            r["file"],
            "" if r["row"] is None else str(r["row"]),
            r["meter"],
            r["timestamp"],
            r["value"],
            f"{r['column']}: expected {r['error']}",
        )
    console.print(table)


# -- energy --------------------------------------------------------------------------


@energy_app.command("monitor")
def energy_monitor(entity: EntityOpt, period: PeriodOpt, as_json: JsonOpt = False) -> None:
    """The month of one entity: carriers, tce, daily bars, quota, open alerts, findings."""
    from esgledger.services import energy

    with _context() as ctx:
        view = energy.monitor(ctx, entity, period)
    if as_json:
        emit_json(view.as_dict())
        return
    console.print(f"[bold]{entity}[/] {period}: {view.meters} meters, {view.total_tce:,.2f} tce")
    t = Table(title="consumption by carrier")
    for col in ("carrier", "total", "unit", "tce", "completeness"):
        t.add_column(col)
    for c in view.carriers:
        add_row(
            t,
            c["carrier"],
            _num(c["total"]),
            c["unit"],
            _num(c["tce"], 2),
            f"{c['completeness']:.1%}",
        )
    console.print(t)
    if view.days:
        peak = max(d["total"] for d in view.days) or 1.0
        d = Table(title="daily")
        for col in ("day", "carrier", "total", "", "complete"):
            d.add_column(col)
        for row in view.days:
            bar = "█" * round(30 * row["total"] / peak)
            add_row(
                d, row["day"], row["carrier"], _num(row["total"]), bar, f"{row['completeness']:.0%}"
            )
        console.print(d)
    if view.quota:
        q = view.quota
        console.print(
            f"quota {q['year']}: {q['quota_tce']:,.1f} tce; year to date {q['ytd_tce']:,.1f} tce; "
            f"forecast {q['forecast_tce']:,.1f} tce ({(q['share'] or 0):.1%})",
            markup=False,
        )
    for a in view.alerts:
        console.print(
            f"alert #{a['id']} [{a['severity']}] {a['rule']} {a['period']}: {a['message']}",
            markup=False,
        )
    for f in view.findings:
        console.print(f"finding {f.check} {f.meter} {f.period}: {f.message}", markup=False)


@energy_app.command("export")
def energy_export(
    period: PeriodOpt,
    entity: Annotated[str | None, typer.Option("--entity", metavar="CODE")] = None,
    frequency: Annotated[str, typer.Option("--frequency", help="daily or monthly.")] = "monthly",
    fmt: Annotated[str, typer.Option("--format", help="csv or json.")] = "csv",
    out: Annotated[
        Path | None, typer.Option("--out", help="File to write (default: stdout).")
    ] = None,
) -> None:
    """The monitoring-system data items: total comprehensive energy, carriers, output, intensity."""
    from esgledger.errors import InputError, Problem
    from esgledger.services import energy

    if fmt not in ("csv", "json"):
        raise InputError([Problem("format", None, "format", fmt, "csv or json", "format")])
    with _context() as ctx:
        items = energy.export_items(ctx, period, entity=entity, frequency=frequency)
    if fmt == "json":
        text = json.dumps(items, ensure_ascii=False, indent=2) + "\n"
    else:
        buf = io.StringIO()
        cols = [
            "entity",
            "period",
            "frequency",
            "item",
            "carrier",
            "name_en",
            "name_zh",
            "value",
            "unit",
            "note",
        ]
        w = csv.DictWriter(buf, fieldnames=cols, lineterminator="\n")
        w.writeheader()
        w.writerows(items)
        text = buf.getvalue()
    if out is None:
        sys.stdout.write(text)
        return
    tmp = out.with_name(out.name + ".part")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(out)
    console.print(f"{len(items)} data items written to {out}", markup=False)


@energy_app.command("quality")
def energy_quality(entity: EntityOpt, period: PeriodOpt, as_json: JsonOpt = False) -> None:
    """Data-quality findings of the entity's meters in the month."""
    from esgledger.services import energy

    with _context() as ctx:
        found = energy.quality(ctx, entity, period)
    if as_json:
        emit_json([f.as_dict() for f in found])
        return
    for f in found:
        console.print(f"{f.severity} {f.check} {f.meter} {f.period}: {f.message}", markup=False)
    console.print(f"{len(found)} findings")


@energy_app.command("to-ledger")
def energy_to_ledger(
    entity: EntityOpt,
    period: PeriodOpt,
    threshold: Annotated[
        float, typer.Option("--threshold", help="Completeness below which a month is flagged.")
    ] = 0.9,
    fill: Annotated[
        bool, typer.Option("--fill", help="Scale incomplete months up, marked as estimated.")
    ] = False,
    as_json: JsonOpt = False,
) -> None:
    """Write the month's metered totals per carrier as draft observations (source meters)."""
    from esgledger.services import energy

    with _context() as ctx:
        feed = energy.to_ledger(ctx, entity, period, threshold=threshold, fill=fill)
    if as_json:
        emit_json(feed.as_dict())
        return
    for w in feed.written:
        console.print(
            f"{w['indicator']} {w['period']}: {w['value']:,.3f} {w['value_unit']} "
            f"({w['completeness']:.1%} complete{', estimated' if w['estimated'] else ''})",
            markup=False,
        )
    for f in feed.flagged:
        err_console.print(
            f"flagged, not written: {f['indicator']} {f['period']} is {f['completeness']:.1%} "
            f"complete (below {threshold:.0%})",
            markup=False,
        )
    console.print(
        f"observations: {feed.added} added, {feed.updated} updated, {feed.unchanged} unchanged"
    )


@energy_app.command("quota")
def energy_quota(
    entity: EntityOpt,
    year: Annotated[int, typer.Option("--year")],
    tce: Annotated[float, typer.Option("--tce", help="Annual energy quota in tce.")],
    source: Annotated[str, typer.Option("--source", help="Where the quota comes from.")] = "",
) -> None:
    """Set an entity's annual energy quota."""
    from esgledger.services import energy

    with _context() as ctx:
        energy.set_quota(ctx, entity, year, tce, source)
    console.print(f"quota {entity} {year}: {tce:,.1f} tce", markup=False)


@energy_app.command("limit")
def energy_limit(
    entity: EntityOpt,
    product: Annotated[str, typer.Option("--product")],
    limit: Annotated[float, typer.Option("--limit", help="kgce per t of product.")],
    standard: Annotated[str, typer.Option("--standard", help="The standard the limit comes from.")],
) -> None:
    """Set a limit value of energy per unit of product."""
    from esgledger.services import energy

    with _context() as ctx:
        energy.set_limit(ctx, entity, product, limit, standard)
    console.print(f"limit {entity} {product}: {limit:,.1f} kgce/t ({standard})", markup=False)


# -- alerts --------------------------------------------------------------------------


@alerts_app.command("evaluate")
def alerts_evaluate(entity: EntityOpt, period: PeriodOpt, as_json: JsonOpt = False) -> None:
    """Run the early-warning rules for an entity and month."""
    from esgledger.services import alerts

    with _context() as ctx:
        new = alerts.evaluate(ctx, entity, period)
    if as_json:
        emit_json(new)
        return
    for a in new:
        console.print(f"[{a['severity']}] {a['rule']} {a['period']}: {a['message']}", markup=False)
    console.print(f"{len(new)} new alerts")


@alerts_app.command("list")
def alerts_list(
    state_: Annotated[
        str | None, typer.Option("--state", help="open, acknowledged or closed.")
    ] = None,
    entity: Annotated[str | None, typer.Option("--entity", metavar="CODE")] = None,
    as_json: JsonOpt = False,
) -> None:
    """List energy alerts."""
    from esgledger.services import alerts

    with _context() as ctx:
        found = alerts.list_alerts(ctx, state=state_, entity=entity)
    if as_json:
        emit_json(found)
        return
    table = Table(title="alerts")
    for col in ("id", "severity", "state", "rule", "entity", "meter", "period", "message"):
        table.add_column(col)
    for a in found:
        add_row(
            table,
            str(a["id"]),
            a["severity"],
            a["state"],
            a["rule"],
            a["entity"],
            a["meter"],
            a["period"],
            a["message"],
        )
    console.print(table)


@alerts_app.command("ack")
def alerts_ack(
    alert_id: Annotated[int, typer.Argument(metavar="ID")],
    reason: Annotated[str, typer.Option("--reason", help="Why it is acknowledged.")],
    close: Annotated[bool, typer.Option("--close", help="Close it instead.")] = False,
) -> None:
    """Acknowledge (or close) an alert with a reason."""
    from esgledger.services import alerts

    with _context() as ctx:
        done = (
            alerts.close(ctx, alert_id, reason)
            if close
            else alerts.acknowledge(ctx, alert_id, reason)
        )
    console.print(f"alert #{alert_id} {done['state']}", markup=False)
