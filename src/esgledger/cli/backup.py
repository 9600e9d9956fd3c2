"""``esgledger backup --out FILE`` and ``esgledger restore FILE``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from esgledger.cli.app import app, console, emit_json, open_context
from esgledger.cli.paths import output_file

__all__: list[str] = []


@app.command("backup")
def backup_cmd(
    out: Annotated[Path, typer.Option("--out", help="The archive to write (.zip).")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
) -> None:
    """Back up every table and evidence file, consistently, while the server runs."""
    from esgledger.services.backup import backup

    output_file("--out", out, (".zip",), "backup archive")
    with open_context() as ctx:
        result = backup(ctx, out)
    if as_json:
        emit_json(result)
    else:
        console.print(f"backed up {result['rows']} rows and {result['evidence']} evidence file(s)")


@app.command("restore")
def restore_cmd(
    archive: Annotated[
        Path, typer.Argument(metavar="FILE", help="A backup archive written by esgledger backup.")
    ],
    force: Annotated[
        bool, typer.Option("--force", help="Replace the data of a ledger that is not empty.")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
) -> None:
    """Restore a backup archive into an empty ledger; the audit chain is verified after."""
    from esgledger.services.backup import restore

    with open_context() as ctx:
        result = restore(ctx, archive, force=force)
    if as_json:
        emit_json(result)
    else:
        console.print(
            f"restored {result['rows']} rows; {result['audit_events']} audit events verify"
        )
