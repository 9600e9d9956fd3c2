"""Quality and target commands: ``targets``, ``check`` and ``check ack``.

Each parses its options, opens the ledger, calls the application services
(:mod:`esgledger.services.targets`, :mod:`esgledger.services.quality`) and
prints the result. Acknowledgements of findings are audit events (action
``quality.ack``), so they are part of the hash-chained trail.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from esgledger.cli.app import (
    app,
    console,
    emit_json,
    err_console,
    open_context,
    state,
)
from esgledger.errors import EsgError, InputError
from esgledger.services.quality import ACK_ACTION

__all__ = ["ACK_ACTION", "ack_cmd", "check_cmd", "targets_cmd"]

check_app = typer.Typer(
    name="check",
    help="Data-quality checks over the ledger; `check ack ID --reason ...` acknowledges one.",
    invoke_without_command=True,
    no_args_is_help=False,
)
app.add_typer(check_app, name="check")

_STATUS_STYLE = {
    "achieved": "green",
    "on track": "green",
    "off track": "red",
    "no data": "yellow",
}
_SEVERITY_STYLE = {"error": "red", "warning": "yellow", "info": "cyan"}


@contextmanager
def _working(text: str, *, quiet: bool) -> Iterator[None]:
    """A spinner on stderr while something slow runs (not in JSON mode or when piped)."""
    if quiet or not err_console.is_terminal:
        yield
        return
    with err_console.status(text):
        yield


def _year_of(period: str | None) -> int | None:
    if period is None:
        return None
    from esgledger.model import Period

    return Period.parse(period).year


# --- targets -----------------------------------------------------------------------


def _fmt(value: float | None, digits: int = 4) -> str:
    if value is None:
        return "-"
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    return f"{value:.{digits}g}"


@app.command("targets")
def targets_cmd(
    file: Annotated[
        Path | None,
        typer.Option(
            "--file",
            "-f",
            metavar="FILE.yaml",
            help="Targets file (YAML, docs/targets.md); default: targets.yaml in "
            "ESGLEDGER_DATA_DIR (default .), or the demo's targets on the demo ledger.",
        ),
    ] = None,
    period: Annotated[
        str | None,
        typer.Option(
            "--period",
            "-p",
            metavar="YYYY",
            help="Year to assess (default: latest with data).",
        ),
    ] = None,
    boundary: Annotated[
        str,
        typer.Option(
            "--boundary",
            "-b",
            metavar="operational|financial|equity",
            help="operational, financial or equity (calc metrics).",
        ),
    ] = "operational",
    as_json: Annotated[bool, typer.Option("--json", help="Print progress as JSON.")] = False,
) -> None:
    """Progress against targets: achieved, on track or off track along a straight-line path."""
    from esgledger.services.targets import load_targets_file, targets_progress

    if boundary not in ("operational", "financial", "equity"):
        raise EsgError(f"unknown boundary {boundary!r}: expected operational, financial or equity")
    year = _year_of(period)
    data_dir = state.settings.data_dir
    found = load_targets_file(file, data_dir=data_dir)
    with _working("computing target metrics…", quiet=as_json), open_context() as ctx:
        result = targets_progress(ctx, found, data_dir=data_dir, boundary=boundary, year=year)
    if result.demo:
        err_console.print("no targets.yaml here; showing the demo data set's targets")
    name, progress = result.file, result.progress
    if as_json:
        emit_json(result.as_dict())
        return
    console.print(f"targets from {name} ({boundary} control)", markup=False)
    for p in progress:
        style = _STATUS_STYLE[p.status]
        pct = "" if p.progress_pct is None else f", {p.progress_pct:.0f} % of the way"
        console.print(
            f"[{style}]{p.status:<9}[/] [bold]{escape(p.target_id)}[/]  {p.year}{pct}",
            highlight=False,
        )
        if p.name_en:
            console.print(f"          {p.name_en}", markup=False, highlight=False)
        console.print(
            f"          {p.metric}: actual {_fmt(p.actual)} {p.unit}; "
            f"baseline {_fmt(p.baseline)} ({p.baseline_year}); "
            f"target {_fmt(p.target)} ({p.target_year}); path {_fmt(p.expected)}",
            markup=False,
            highlight=False,
            style="dim",
        )
        if p.note:
            console.print(f"          note: {p.note}", markup=False, highlight=False, style="dim")


# --- check -------------------------------------------------------------------------


_THRESHOLD = typer.Option(
    "--threshold",
    "-t",
    metavar="FRACTION",
    help="Year-on-year change flagged beyond ± this fraction (0.3 = ±30 %).",
)
_REQUIRE = typer.Option(
    "--require",
    "-r",
    metavar="CODE",
    help="Indicator every reporting entity must have (repeatable).",
)


@check_app.callback()
def check_cmd(
    ctx: typer.Context,
    period: Annotated[
        str | None,
        typer.Option(
            "--period", "-p", metavar="YYYY[-MM]", help="Only findings for this year (or month)."
        ),
    ] = None,
    threshold: Annotated[float, _THRESHOLD] = 0.3,
    require: Annotated[list[str] | None, _REQUIRE] = None,
    open_only: Annotated[
        bool, typer.Option("--open", help="Hide explained and acknowledged findings.")
    ] = False,
    limit: Annotated[
        int,
        typer.Option("--limit", metavar="N", help="Show at most this many findings (text output)."),
    ] = 200,
    as_json: Annotated[bool, typer.Option("--json", help="Print findings as JSON.")] = False,
) -> None:
    """Check the ledger's data: missing indicators, big year-on-year changes, sums, outliers."""
    if ctx.invoked_subcommand is not None:
        return
    from esgledger.quality import summarize
    from esgledger.services.quality import findings as current_findings
    from esgledger.services.quality import select_findings

    if limit < 0:
        raise InputError(f"--limit {limit}: expected a number of findings, 0 or more")
    _year_of(period)  # a bad --period fails before the ledger is opened
    with _working("checking the ledger…", quiet=as_json), open_context() as session:
        findings = current_findings(session, threshold=threshold, required=require or [])
    findings = select_findings(findings, period=period, open_only=open_only)
    summary = summarize(findings)
    if as_json:
        emit_json({"summary": summary, "findings": [f.as_dict() for f in findings]})
        return
    if not findings:
        console.print("no findings")
        return
    for f in findings[: max(limit, 0)]:
        style = _SEVERITY_STYLE[f.severity]
        status = "" if f.status == "open" else f"  [dim]({f.status})[/]"
        console.print(
            f"[{style}]{f.severity:<7}[/] [bold]{f.id}[/]  {f.entity}  {f.indicator}  "
            f"{f.period}{status}",
            highlight=False,
        )
        console.print(f"        {f.message}", markup=False, highlight=False)
        if f.note:
            note = f.note if len(f.note) <= 160 else f.note[:157] + "..."
            console.print(f"        {f.status}: {note}", markup=False, style="dim")
    if len(findings) > max(limit, 0):
        console.print(f"... and {len(findings) - max(limit, 0)} more (see --json or --limit)")
    opened = summary["open"]
    console.print(
        f"{summary['total']} findings; open: {opened['error']} errors, "
        f"{opened['warning']} warnings, {opened['info']} info; "
        f"{summary['status']['explained']} explained, "
        f"{summary['status']['acknowledged']} acknowledged"
    )
    console.print('acknowledge one with: esgledger check ack ID --reason "..."', markup=False)


@check_app.command("ack")
def ack_cmd(
    finding: Annotated[
        str, typer.Argument(metavar="ID", help="The finding's id (from esgledger check).")
    ],
    reason: Annotated[
        str, typer.Option("--reason", metavar="TEXT", help="Why the finding is acceptable.")
    ],
    threshold: Annotated[float, _THRESHOLD] = 0.3,
    require: Annotated[list[str] | None, _REQUIRE] = None,
) -> None:
    """Acknowledge a finding with an explanation (recorded in the audit trail)."""
    from esgledger.services.quality import acknowledge_finding, check_reason

    check_reason(reason)  # an empty reason fails before the ledger is opened
    with open_context() as ctx:
        found = acknowledge_finding(
            ctx,
            finding,
            reason,
            threshold=threshold,
            required=require or [],
        )
    console.print(
        f"acknowledged {found.id} ({found.entity} {found.indicator} {found.period})", markup=False
    )
