"""Intake commands: ``import``, ``export`` and ``template``."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table

from esgledger.cli.app import app, console, emit_json, err_console, state
from esgledger.cli.paths import choice, output_file, output_folder

__all__ = ["export_cmd", "import_cmd", "template_cmd"]


def _open_ledger() -> Any:
    from esgledger.store.ledger import Ledger

    return Ledger.open(state.db)


@app.command("import")
def import_cmd(
    files: Annotated[
        list[Path],
        typer.Argument(
            metavar="FILE",
            help="entities.csv, observations.csv and/or .xlsx workbooks (UTF-8 CSV).",
        ),
    ],
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Validate and report, write nothing.")
    ] = False,
    reason: Annotated[
        str | None,
        typer.Option(
            "--reason", metavar="TEXT", help="Restate approved (locked) periods, for this reason."
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
) -> None:
    """Import entities and observations (all or nothing; every problem is listed).

    entities.csv: code, name_en, name_zh, parent, type, ownership_pct, control
    (operational|financial|none), region (CN-NM or an ISO code), included_from,
    included_to (YYYY-MM-DD). observations.csv: entity, period (2024 or 2024-03),
    indicator, value, unit, source, comment; the unit may be any unit convertible
    to the indicator's (kWh, GWh, 万千瓦时, 万立方米, 吨 ...). A workbook holds the
    same columns in sheets 'entities' and 'observations'. CSV files are UTF-8.
    """
    from esgledger.intake import import_files
    from esgledger.services.calc import ledger_factors

    with _open_ledger() as ledger:
        progress = Progress(
            SpinnerColumn(),
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("rows"),
            TimeElapsedColumn(),
            console=err_console,
            transient=True,
            disable=as_json or not err_console.is_terminal,
        )
        tasks: dict[str, Any] = {}

        def advance(file: str, rows: int, total: int | None) -> None:
            if file not in tasks:
                tasks[file] = progress.add_task(f"reading {file}", total=total)
            progress.advance(tasks[file], rows)

        with progress:
            result = import_files(
                ledger,
                files,
                dry_run=dry_run,
                actor=state.settings.actor,
                reason=reason,
                progress=advance,
                factors=ledger_factors(ledger),
            )
    if as_json:
        data = asdict(result)
        data["warnings"] = [asdict(w) | {"message": str(w)} for w in result.warnings]
        emit_json(data)
        return
    table = Table(title="import (dry run: nothing written)" if dry_run else "import")
    for column in ("", "added", "updated", "unchanged"):
        table.add_column(column, justify="left" if not column else "right")
    table.add_row(
        "entities",
        str(result.entities_added),
        str(result.entities_updated),
        str(result.entities_unchanged),
    )
    table.add_row(
        "observations",
        str(result.observations_added),
        str(result.observations_updated),
        str(result.observations_unchanged),
    )
    console.print(table)
    if result.warnings:
        console.print(f"[yellow]{len(result.warnings)} warning(s):[/]")
        for w in result.warnings[:20]:
            console.print(f"  - {w}", markup=False, soft_wrap=True)
        if len(result.warnings) > 20:
            console.print(f"  ... and {len(result.warnings) - 20} more")


@app.command("export")
def export_cmd(
    out: Annotated[
        Path,
        typer.Option("--out", "-o", metavar="PATH", help="Folder (csv) or workbook file (xlsx)."),
    ],
    fmt: Annotated[
        str, typer.Option("--format", "-f", metavar="csv|xlsx", help="csv or xlsx.")
    ] = "csv",
) -> None:
    """Export entities and observations (raw values and units) in the import format.

    csv: --out is a folder that gets entities.csv and observations.csv (UTF-8 with
    BOM); xlsx: --out is a workbook (.xlsx) with sheets entities and observations.
    Existing files are replaced (each written whole, then moved into place).
    """
    from esgledger.intake import export_ledger

    choice("--format", fmt, ("csv", "xlsx"))
    if fmt == "csv":
        output_folder("--out", out)
    else:
        output_file("--out", out, (".xlsx",), "workbook")
    with _open_ledger() as ledger:
        written = export_ledger(ledger, "csv" if fmt == "csv" else "xlsx", out)
    for path in written:
        console.print(f"wrote {path}", markup=False)


@app.command("template")
def template_cmd(
    entity: Annotated[str, typer.Option("--entity", "-e", metavar="CODE", help="Entity code.")],
    period: Annotated[
        str, typer.Option("--period", "-p", metavar="YYYY[-MM]", help="Period: 2024 or 2024-03.")
    ],
    out: Annotated[
        Path, typer.Option("--out", "-o", metavar="PATH", help="Workbook to write (.xlsx).")
    ],
    indicator: Annotated[
        list[str] | None,
        typer.Option(
            "--indicator", "-i", metavar="CODE", help="Only these indicators (repeatable)."
        ),
    ] = None,
) -> None:
    """Write a collection workbook for one entity and period (fill it in, then import it)."""
    from esgledger.intake import template

    output_file("--out", out, (".xlsx",), "workbook")
    with _open_ledger() as ledger:
        path = template(ledger, entity, period, out, indicators=indicator or None)
    console.print(f"wrote {path}", markup=False)
