"""The ``coverage`` command: how much of a framework the ledger and template answer."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from esgledger.cli.app import (
    add_row,
    app,
    console,
    emit_json,
    open_context,
)
from esgledger.cli.paths import input_text
from esgledger.errors import NotFoundError

__all__ = ["coverage_cmd"]


@app.command("coverage")
def coverage_cmd(
    framework: Annotated[
        str,
        typer.Option(
            "--framework", "-f", metavar="gri|sse|sasac|issb", help="gri, sse, sasac or issb."
        ),
    ],
    period: Annotated[
        str | None,
        typer.Option(
            metavar="YYYY[-MM]",
            help="Reporting period, 2024 or 2024-03 (default: the latest year with data).",
        ),
    ] = None,
    template: Annotated[
        Path | None,
        typer.Option(
            metavar="DIR", help="Report template directory (default: the built-in template)."
        ),
    ] = None,
    omissions: Annotated[
        Path | None,
        typer.Option(
            metavar="FILE.csv",
            help="CSV (UTF-8) of omissions replacing the defaults (see docs/frameworks.md).",
        ),
    ] = None,
    lang: Annotated[
        str, typer.Option(metavar="en|zh", help="Language of titles: en or zh.")
    ] = "en",
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
) -> None:
    """Coverage of a framework: disclosures answered, omitted with a reason, and gaps."""
    from esgledger.catalog.frameworks import load_framework
    from esgledger.services.coverage import framework_coverage

    if lang not in ("en", "zh"):
        raise NotFoundError(f"unknown language {lang!r}", hint="use --lang en or --lang zh")
    load_framework(framework)  # unknown framework: a clear error before opening the ledger
    if omissions is not None:
        input_text("--omissions", omissions, "an omissions file (CSV, UTF-8)")
    with open_context() as ctx:
        index = framework_coverage(
            ctx, framework, period=period, template=template, omissions=omissions
        )
    summary = index.summary()
    if as_json:
        emit_json(summary)
        return
    console.print(
        f"[bold]{index.name(lang)}[/] — period {index.period or '(no data)'}: "
        f"{summary['coverage_pct']:.1f}% answered or omitted with a reason"
    )
    stats = Table(show_header=True)
    stats.add_column("status")
    stats.add_column("disclosures", justify="right")
    stats.add_row("answered", str(summary["answered"]))
    for reason, n in summary["omitted_by_reason"].items():
        if n:
            stats.add_row(f"omitted: {reason}", str(n))
    stats.add_row("gap", str(summary["gap"]), style="bold red" if summary["gap"] else None)
    stats.add_row("total", str(summary["total"]), style="bold")
    console.print(stats)
    if not index.gaps:
        console.print("no gaps")
        return
    gaps = Table(title="gaps: no data and no omission")
    gaps.add_column("code")
    gaps.add_column("title")
    gaps.add_column("needs data for")
    gaps.add_column("section")
    for line in index.gaps:
        add_row(
            gaps,
            line.code,
            line.title(lang),
            ", ".join(line.indicators) or "-",
            ", ".join(line.mapped_sections) or "-",
        )
    console.print(gaps)
