"""The ``report`` command: build the report (HTML, PDF, DOCX, XLSX; English and Chinese)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from esgledger.cli.app import (
    app,
    console,
    emit_json,
    err_console,
    open_context,
)
from esgledger.cli.paths import input_text, output_folder
from esgledger.errors import ReportError

__all__ = ["init_template_cmd", "report_app", "report_cmd"]

report_app = typer.Typer(
    help="Build the sustainability report from the ledger.",
    invoke_without_command=True,
    no_args_is_help=False,
)
app.add_typer(report_app, name="report")


@report_app.callback(invoke_without_command=True)
def report_cmd(
    ctx: typer.Context,
    period: Annotated[
        int | None, typer.Option("--period", help="Reporting year, e.g. 2024.")
    ] = None,
    lang: Annotated[
        str, typer.Option("--lang", help="Languages, comma-separated: en, zh.")
    ] = "en,zh",
    fmt: Annotated[
        str,
        typer.Option("--format", help="Formats, comma-separated: html, pdf, docx, xlsx."),
    ] = "html,pdf,docx,xlsx",
    out: Annotated[
        Path, typer.Option("--out", help="Folder the report files are written to.")
    ] = Path("out/report"),
    template: Annotated[
        Path | None,
        typer.Option("--template", help="A template folder (see: esgledger report init-template)."),
    ] = None,
    targets: Annotated[
        Path | None,
        typer.Option("--targets", help="A targets file (YAML) whose progress the report shows."),
    ] = None,
    boundary: Annotated[
        str,
        typer.Option("--boundary", help="Consolidation boundary: operational, financial, equity."),
    ] = "operational",
    report_date: Annotated[
        str | None,
        typer.Option("--date", help="Report date (YYYY-MM-DD; default 31 March of the next year)."),
    ] = None,
    pdf_a: Annotated[
        bool,
        typer.Option("--pdf-a", help="Write the PDF as PDF/A-3b (archival) as well as PDF/UA-1."),
    ] = False,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the files written as JSON.")
    ] = False,
) -> None:
    """Build the report for one year in the chosen languages and formats.

    Example: esgledger report --period 2024 --lang en,zh --format html,pdf,docx,xlsx --out DIR
    """
    if ctx.invoked_subcommand is not None:
        return
    if period is None:
        raise ReportError("no reporting year given", hint="add --period YEAR, e.g. --period 2024")
    when: date | None = None
    if report_date:
        try:
            when = date.fromisoformat(report_date)
        except ValueError:
            raise ReportError(
                f"bad report date {report_date!r}", hint="write it as YYYY-MM-DD"
            ) from None
    if template is not None and not template.is_dir():
        raise ReportError(
            f"--template {str(template)!r}: expected a template folder "
            "(make one with: esgledger report init-template DIR)"
        )
    if targets is not None:
        input_text("--targets", targets, "a targets file (YAML, UTF-8)")
    output_folder("--out", out)

    from esgledger.services.reports import build_report

    progress = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err_console,
        transient=True,
        disable=as_json or not err_console.is_terminal,
    )
    task = progress.add_task("reading the ledger and computing", total=None)

    def step(done: int, total: int, description: str) -> None:
        progress.update(task, description=description, completed=done, total=total)

    with open_context() as session, progress:
        paths = build_report(
            session,
            period,
            lang.split(","),
            fmt.split(","),
            out,
            step,
            template=template,
            report_date=when,
            targets=targets,
            boundary=boundary,
            pdf_archive=pdf_a,
        )
    from esgledger.report.render.buildlog import build_log_name

    log = out / build_log_name(period)
    if as_json:
        emit_json({"period": period, "files": [str(p) for p in paths], "build_log": str(log)})
        return
    for p in paths:  # a path is shown as it is, never read as rich markup
        console.print(f"wrote {p}", markup=False, soft_wrap=True)
    console.print(f"build log (warnings for the builder): {log}", markup=False, soft_wrap=True)


@report_app.command("init-template")
def init_template_cmd(
    directory: Annotated[Path, typer.Argument(help="New folder for the template copy.")],
) -> None:
    """Copy the default report template (report.yaml, Markdown sections, HTML, CSS) to DIRECTORY.

    Edit it, then build with: esgledger report --period YEAR --template DIRECTORY
    """
    from esgledger.report.definition import copy_default_template

    output_folder("DIRECTORY", directory)
    copy_default_template(directory)
    console.print(f"template copied to {directory}", markup=False, soft_wrap=True)
