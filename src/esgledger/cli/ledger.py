"""Ledger commands: ``init``, ``entities``, ``indicators``, ``show``, ``audit``, the workflow.

Each command opens the ledger, calls one library function and prints the
result (a rich view, or JSON with ``--json``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table
from rich.text import Text
from rich.tree import Tree

from esgledger.catalog.indicators import find_indicators
from esgledger.cli.app import add_row, app, console, emit_json, open_context
from esgledger.cli.paths import choice
from esgledger.errors import InputError
from esgledger.model import STATUSES, Entity, Observation, StatusChange
from esgledger.services import audit, entities, observations, session, workflow
from esgledger.services.context import Context

__all__ = [
    "Context",
    "approve_cmd",
    "audit_app",
    "audit_log_cmd",
    "audit_verify_cmd",
    "entities_cmd",
    "entity_json",
    "indicators_cmd",
    "init_cmd",
    "locks_cmd",
    "observation_json",
    "review_cmd",
    "show_cmd",
    "submit_cmd",
]

JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]
PeriodOpt = Annotated[
    str,
    typer.Option(
        "--period",
        "-p",
        metavar="YYYY[-MM]",
        help="Period: a year (2024, with its months) or 2024-03.",
    ),
]
EntityOpt = Annotated[
    str | None,
    typer.Option(
        "--entity", "-e", metavar="CODE", help="Only this entity (default: all entities)."
    ),
]
IndicatorOpt = Annotated[
    str | None, typer.Option("--indicator", "-i", metavar="CODE", help="Only this indicator code.")
]


def entity_json(e: Entity) -> dict[str, Any]:
    """An entity as the JSON object of ``esgledger entities --json``."""
    return e.as_dict()


def observation_json(o: Observation) -> dict[str, Any]:
    """An observation as the JSON object of ``esgledger show --json``."""
    return asdict(o)


@app.command("init")
def init_cmd(
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the database, schema and counts as JSON.")
    ] = False,
) -> None:
    """Create the ledger database (or migrate it to the newest schema)."""
    with open_context() as ctx:
        info = session.ledger_info(ctx)
    if as_json:
        emit_json(info)
        return
    console.print(
        f"ledger ready: {info['database']} (schema {info['revision']}, "
        f"{info['entities']} entities, {info['audit_events']} audit events)"
    )


def _label(e: Entity) -> str:
    facts = [e.type or "entity", e.control, e.region]
    if e.ownership_pct is not None:
        facts.insert(1, f"{e.ownership_pct:g}% held by parent")
    if e.included_from or e.included_to:
        facts.append(f"included {e.included_from or '…'} to {e.included_to or '…'}")
    names = " / ".join(n for n in (e.name_en, e.name_zh) if n)
    return f"[bold]{escape(e.code)}[/] {escape(names)} [dim]({escape(', '.join(facts))})[/]"


@app.command("entities")
def entities_cmd(as_json: JsonOpt = False) -> None:
    """Show the entity tree (the group, its branches and subsidiaries)."""
    with open_context() as ctx:
        found = entities.list_entities(ctx)
    if as_json:
        emit_json([entity_json(e) for e in found])
        return
    if not found:
        console.print("no entities yet; load some with: esgledger import entities.csv")
        return
    codes = {e.code for e in found}
    children: dict[str | None, list[Entity]] = {}
    for e in found:
        parent = e.parent if e.parent in codes else None
        children.setdefault(parent, []).append(e)
    root = Tree(f"{len(found)} entities", guide_style="dim")

    def add(node: Tree, parent: str | None) -> None:
        for e in children.get(parent, []):
            add(node.add(_label(e)), e.code)

    add(root, None)
    console.print(root)


@app.command("indicators")
def indicators_cmd(
    query: Annotated[
        str,
        typer.Argument(
            metavar="WORD", help="Text to search in codes and names (English or Chinese)."
        ),
    ] = "",
    pillar: Annotated[
        str | None, typer.Option("--pillar", metavar="E|S|G", help="Only this pillar: E, S or G.")
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """List or search the indicator catalogue."""
    found = find_indicators(query)
    if pillar:
        wanted = choice("--pillar", pillar.upper(), ("E", "S", "G"))
        found = [i for i in found if i.pillar == wanted]
    if as_json:
        emit_json([asdict(i) for i in found])
        return

    def range_of(i: Any) -> str:
        lo = "" if i.min is None else f"{i.min:g}"
        hi = "" if i.max is None else f"{i.max:g}"
        return f"{lo}…{hi}" if lo or hi else ""

    if console.width < _WIDE:  # a table of seven columns is unreadable: one entry per item
        console.print(f"{len(found)} indicators", style="bold")
        for i in found:
            facts = ", ".join(x for x in (i.unit, i.pillar, i.kind, range_of(i)) if x)
            line = Text(i.code, style="bold")
            line.append(f"  ({facts})")
            console.print(line)
            console.print(Text(f"    {i.name_en}"))
            console.print(Text(f"    {i.name_zh}"))
        return
    table = Table(title=f"{len(found)} indicators")
    table.add_column("code", no_wrap=True)
    for col in ("name", "名称", "unit", "pillar", "kind", "range"):
        table.add_column(col)
    for i in found:
        add_row(table, i.code, i.name_en, i.name_zh, i.unit, i.pillar, i.kind, range_of(i))
    console.print(table)


_WIDE = 140  # terminal columns from which `indicators` prints a table


@app.command("show")
def show_cmd(
    entity: EntityOpt = None,
    period: Annotated[
        str | None,
        typer.Option(
            "--period", "-p", metavar="YYYY[-MM]", help="Only this exact period (2024 or 2024-03)."
        ),
    ] = None,
    indicator: IndicatorOpt = None,
    year: Annotated[
        int | None,
        typer.Option(
            "--year", "-y", metavar="YYYY", help="Only this year (annual and monthly rows)."
        ),
    ] = None,
    status: Annotated[
        str | None,
        typer.Option(
            "--status",
            metavar="STATUS",
            help="Only this status: draft, submitted, reviewed, approved.",
        ),
    ] = None,
    history: Annotated[
        bool, typer.Option("--history", help="Include superseded versions.")
    ] = False,
    limit: Annotated[
        int,
        typer.Option("--limit", metavar="N", help="Rows to print in the table (JSON prints all)."),
    ] = 200,
    as_json: JsonOpt = False,
) -> None:
    """Show observations (current versions), filtered by entity, period, indicator, status.

    Values are shown in the indicator's unit and as submitted (value and unit).
    """
    if status is not None:
        choice("--status", status, STATUSES)
    if limit < 0:
        raise InputError(f"--limit {limit}: expected a number of rows, 0 or more")
    with open_context() as ctx:
        rows = observations.list_observations(
            ctx,
            entity=entity,
            period=period,
            indicator=indicator,
            status=status,
            year=year,
            history=history,
        )
    if as_json:
        emit_json([observation_json(o) for o in rows])
        return
    table = Table(title=f"{len(rows)} observations")
    table.add_column("entity", no_wrap=True)
    table.add_column("period", no_wrap=True)
    table.add_column("indicator", overflow="fold", min_width=12)
    table.add_column("value (unit)", justify="right", min_width=10)
    table.add_column("as submitted", min_width=8)
    table.add_column("source", overflow="fold")
    table.add_column("status", no_wrap=True)
    table.add_column("v", justify="right", no_wrap=True)
    for o in rows[:limit]:
        add_row(
            table,
            o.entity,
            o.period,
            o.indicator,
            f"{o.value:,.6g} {o.unit}",
            f"{o.raw_value} {o.raw_unit}".strip(),
            o.source,
            o.status,
            str(o.version),
        )
    console.print(table)
    if len(rows) > limit:
        console.print(f"… {len(rows) - limit} more rows; narrow the filters or use --json")


audit_app = typer.Typer(
    help="The hash-chained audit trail: verify it, read it.", no_args_is_help=True
)
app.add_typer(audit_app, name="audit")


@audit_app.command("verify")
def audit_verify_cmd(as_json: JsonOpt = False) -> None:
    """Recompute the audit trail's hash chain; exit 2 naming the first bad event if broken."""
    with open_context() as ctx:
        report = audit.verify_audit(ctx)
    if as_json:
        emit_json(report.as_dict())
        return
    console.print(
        f"audit trail OK: {report.events} events, head {report.head_hash[:16]}… "
        f"(seq {report.head_seq})"
    )


@audit_app.command("log")
def audit_log_cmd(
    since: Annotated[
        int, typer.Option("--since", metavar="SEQ", help="Only events after this seq.")
    ] = 0,
    limit: Annotated[
        int | None,
        typer.Option(
            "--limit",
            metavar="N",
            help="At most this many events: the newest N, or with --since the first N after it.",
        ),
    ] = None,
    action: Annotated[
        str | None,
        typer.Option(
            "--action", metavar="ACTION", help="Only this action, e.g. observation.update."
        ),
    ] = None,
    ref: Annotated[
        str | None,
        typer.Option(
            "--ref", metavar="REF", help="Only this reference, e.g. SUB/2024/water.fresh."
        ),
    ] = None,
    actor: Annotated[
        str | None, typer.Option("--actor", metavar="USERNAME", help="Only this user's events.")
    ] = None,
    entity: EntityOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """List audit events in order (who did what, when, to which thing)."""
    if limit is not None and limit < 0:
        raise InputError(f"--limit {limit}: expected a number of events, 0 or more")
    with open_context() as ctx:
        events = audit.audit_events(
            ctx,
            since=since,
            limit=limit,
            action=action,
            ref=ref,
            actor=actor,
            entity=entity,
            newest=since == 0,
        )
    if as_json:
        emit_json([e.as_dict() for e in events])
        return
    table = Table(title=f"{len(events)} audit events")
    for col in ("seq", "at", "actor", "action", "ref"):
        table.add_column(col)
    for e in events:
        add_row(table, str(e.seq), e.at[:19].replace("T", " "), e.actor, e.action, e.ref)
    console.print(table)


def _print_change(change: StatusChange, as_json: bool) -> None:
    if as_json:
        emit_json(change.as_dict())
        return
    scope = f"{change.entity or 'all entities'} {change.period}"
    msg = f"{change.action}: {change.changed} observation(s) in {scope}"
    if change.locked:
        msg += "; period locked"
    console.print(msg)


def _step(
    step: Callable[..., StatusChange],
    period: str,
    entity: str | None,
    indicator: str | None,
    as_json: bool,
) -> None:
    """Run one workflow step (``submit`` or ``review``) on the scope and print it."""
    with open_context() as ctx:
        change = step(ctx, entity, period, indicators=[indicator] if indicator else None)
    _print_change(change, as_json)


@app.command("submit")
def submit_cmd(
    period: PeriodOpt,
    entity: EntityOpt = None,
    indicator: IndicatorOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Submit draft observations of a period for review (draft → submitted)."""
    _step(workflow.submit, period, entity, indicator, as_json)


@app.command("review")
def review_cmd(
    period: PeriodOpt,
    entity: EntityOpt = None,
    indicator: IndicatorOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Mark submitted observations of a period as reviewed (submitted → reviewed)."""
    _step(workflow.review, period, entity, indicator, as_json)


@app.command("approve")
def approve_cmd(period: PeriodOpt, entity: EntityOpt = None, as_json: JsonOpt = False) -> None:
    """Approve a reviewed period and lock it; later changes need a restatement reason.

    Approved restatements (changes to a locked period) become the current values.
    """
    with open_context() as ctx:
        change = workflow.approve(ctx, entity, period)
    _print_change(change, as_json)


@app.command("locks")
def locks_cmd(as_json: JsonOpt = False) -> None:
    """List approved, locked periods."""
    with open_context() as ctx:
        found = workflow.locks(ctx)
    data = [lk.as_dict() for lk in found]
    if as_json:
        emit_json(data)
        return
    table = Table(title=f"{len(found)} locked periods")
    for col in ("entity", "period", "locked at", "by"):
        table.add_column(col)
    for d in data:
        add_row(table, d["entity"], d["period"], d["locked_at"][:19], d["locked_by"])
    console.print(table)
