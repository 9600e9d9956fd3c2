"""Workflow commands beyond submit/review/approve: ``reject``, ``lock``, ``unlock``,
``rejections``, ``restatements`` and the ``settings`` of the ledger."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from esgledger.cli.app import add_row, app, console, emit_json, open_context
from esgledger.cli.ledger import EntityOpt, IndicatorOpt, JsonOpt, PeriodOpt, _print_change
from esgledger.cli.paths import choice
from esgledger.services import workflow

__all__ = ["settings_app"]

ReasonOpt = Annotated[
    str,
    typer.Option("--reason", metavar="TEXT", help="Why (required; stored and shown)."),
]


@app.command("reject")
def reject_cmd(
    period: PeriodOpt,
    reason: ReasonOpt,
    entity: EntityOpt = None,
    indicator: IndicatorOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Send submitted or reviewed values back to draft, with a reason the submitter sees."""
    with open_context() as ctx:
        change = workflow.reject(
            ctx, entity, period, reason, indicators=[indicator] if indicator else None
        )
    _print_change(change, as_json)


@app.command("lock")
def lock_cmd(period: PeriodOpt, entity: EntityOpt = None, as_json: JsonOpt = False) -> None:
    """Lock a period whose values are all approved (approve locks it too)."""
    with open_context() as ctx:
        change = workflow.lock(ctx, entity, period)
    _print_change(change, as_json)


@app.command("unlock")
def unlock_cmd(
    period: PeriodOpt, reason: ReasonOpt, entity: EntityOpt = None, as_json: JsonOpt = False
) -> None:
    """Remove a period lock (administrators), with a reason; values stay approved."""
    with open_context() as ctx:
        change = workflow.unlock(ctx, entity, period, reason)
    _print_change(change, as_json)


@app.command("rejections")
def rejections_cmd(
    entity: EntityOpt = None,
    period: Annotated[
        str | None,
        typer.Option(
            "--period", "-p", metavar="YYYY[-MM]", help="Only this period (2024 or 2024-03)."
        ),
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """List values sent back to draft, with who rejected them and why."""
    with open_context() as ctx:
        found = workflow.rejections(ctx, entity, period)
    if as_json:
        emit_json([r.as_dict() for r in found])
        return
    table = Table(title=f"{len(found)} rejections")
    for col in ("entity", "period", "indicator", "v", "by", "at", "reason"):
        table.add_column(col)
    for r in found:
        add_row(
            table,
            r.entity,
            r.period,
            r.indicator,
            str(r.version),
            r.rejected_by,
            r.rejected_at.isoformat()[:19],
            r.reason,
        )
    console.print(table)


@app.command("restatements")
def restatements_cmd(
    entity: EntityOpt = None,
    period: Annotated[
        str | None,
        typer.Option(
            "--period", "-p", metavar="YYYY[-MM]", help="Only this period (2024 or 2024-03)."
        ),
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """List restatements of locked values waiting for review and approval."""
    from dataclasses import asdict

    with open_context() as ctx:
        found = workflow.restatements(ctx, entity, period)
    if as_json:
        emit_json([asdict(o) for o in found])
        return
    table = Table(title=f"{len(found)} restatements waiting")
    for col in ("entity", "period", "indicator", "value (unit)", "status", "v"):
        table.add_column(col)
    for o in found:
        add_row(
            table,
            o.entity,
            o.period,
            o.indicator,
            f"{o.value:,.6g} {o.unit}",
            o.status,
            str(o.version),
        )
    console.print(table)


settings_app = typer.Typer(help="Settings of this ledger (administrators).", no_args_is_help=True)
app.add_typer(settings_app, name="settings")


@settings_app.command("show")
def settings_show_cmd(as_json: JsonOpt = False) -> None:
    """Show the ledger's settings."""
    with open_context() as ctx:
        data = {"separation_of_duties": "on" if workflow.separation_of_duties(ctx) else "off"}
    if as_json:
        emit_json(data)
        return
    for key, value in data.items():
        console.print(f"{key}: {value}", markup=False)


@settings_app.command("separation-of-duties")
def settings_sod_cmd(
    value: Annotated[str, typer.Argument(metavar="on|off", help="on (the default) or off.")],
) -> None:
    """Switch separation of duties on or off (off: for a one-person ledger; audited).

    On: whoever entered or submitted a value can neither review nor approve it.
    """
    wanted = choice("VALUE", value.lower(), ("on", "off"))
    with open_context() as ctx:
        workflow.set_separation_of_duties(ctx, wanted == "on")
    console.print(f"separation of duties: {wanted}", markup=False)
