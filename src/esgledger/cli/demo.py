"""The ``demo`` command: build the demo ledger and print what it holds."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from esgledger.cli.app import app, console, emit_json, err_console, open_context
from esgledger.cli.paths import output_folder

__all__ = ["demo_cmd"]


def _number(value: float | None) -> str:
    if value is None:
        return "-"
    if abs(value - round(value)) < 1e-6:
        return f"{round(value):,}"
    return f"{value:,.2f}"


@app.command("demo")
def demo_cmd(
    out: Annotated[
        Path,
        typer.Option(
            "--out", metavar="DIR", help="Folder for the demo's output files (default out/demo)."
        ),
    ] = Path("out/demo"),
    formats: Annotated[
        str,
        typer.Option(
            "--format",
            metavar="LIST",
            help="Report formats to write (comma-separated: html,pdf,docx,xlsx; 'none' for none).",
        ),
    ] = "html,pdf,docx,xlsx",
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
) -> None:
    """Load the demo company's data set into the database and summarise it.

    The demo is the rare-earth group of the seed report: its entity tree and its
    published 2022-2024 figures (group totals split over entities with labelled
    illustrative shares). It also runs the demo materiality assessment, loads the
    climate risk register, stores calculation runs and writes the 2024 report in
    English and Chinese to --out. Running it again changes nothing in the ledger.
    """
    from esgledger.services.demo import STEPS, run_demo

    output_folder("--out", out)
    report_formats = _formats(formats)

    progress = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total}"),
        TimeElapsedColumn(),
        console=err_console,
        transient=True,
        disable=as_json or not err_console.is_terminal,
    )
    task = progress.add_task("demo", total=len(STEPS))

    def step(name: str, index: int, total: int) -> None:
        progress.update(task, description=name, completed=index, total=total)

    with open_context() as ctx, progress:
        summary = run_demo(ctx, out, step, report_formats=report_formats)
    if as_json:
        emit_json(summary.as_dict())
        return
    _print_summary(summary.as_dict())


def _formats(text: str) -> tuple[str, ...]:
    from esgledger.report.build import parse_list
    from esgledger.report.render import FORMATS

    if text.strip().lower() in ("", "none"):
        return ()
    return tuple(parse_list(text, FORMATS, "format"))


def _print_summary(data: dict[str, Any]) -> None:
    imp = data["import"] or {}
    console.print(
        f"[bold]demo ledger[/]: {data['entities']} entities, {data['observations']} observations "
        f"(this run added {imp.get('entities_added', 0)} entities and "
        f"{imp.get('observations_added', 0)} observations)"
    )
    by_pillar: dict[str, dict[str, int]] = data["observations_by_pillar_year"]
    years = sorted({y for counts in by_pillar.values() for y in counts})
    table = Table(title="observations by pillar and year")
    table.add_column("pillar")
    for y in years:
        table.add_column(y, justify="right")
    for pillar, counts in by_pillar.items():
        table.add_row(pillar, *(str(counts.get(y, 0)) for y in years))
    console.print(table)
    heads = Table(title="headline figures (operational-control entities)")
    heads.add_column("figure")
    heads.add_column("year", justify="right")
    heads.add_column("value", justify="right")
    heads.add_column("unit")
    for h in data["headlines"]:
        heads.add_row(h["label"], str(h["year"]), _number(h["value"]), h["unit"])
    console.print(heads)
    extras: dict[str, Any] = data.get("extras", {})
    if "materiality" in extras:
        tiers = ", ".join(f"{n} {tier}" for tier, n in extras["materiality"]["tiers"].items())
        console.print(f"materiality {extras['materiality']['year']}: {tiers}")
    if "runs" in extras:
        runs = ", ".join(f"{b} #{r}" for b, r in extras["runs"].items())
        console.print(f"calculation runs stored: {runs} (see: esgledger explain)")
    if "users" in extras:
        console.print(
            "[bold yellow]demo users[/] (DEMO CREDENTIALS: for trying the demo only; "
            "act as one with --as USERNAME):"
        )
        for u in extras["users"]:
            console.print(
                f"  {u['username']:<15} {u['role']:<10} password: {u['password']}",
                markup=False,
            )
    if "workflow" in extras:
        w = extras["workflow"]
        console.print(
            f"approved and locked: {', '.join(w['approved'])} (submitted by "
            f"{w['submitted_by']}, reviewed by {w['reviewed_by']}, approved by "
            f"{w['approved_by']})",
            markup=False,
        )
    for path in extras.get("report", []):
        console.print(f"report: {path}", markup=False, soft_wrap=True)
    console.print(
        f"summary written to {data['out_dir']}/summary.json", markup=False, soft_wrap=True
    )
