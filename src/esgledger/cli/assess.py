"""Assessment commands: ``materiality import|run|show|questionnaire`` and
``risks import|show|export``.

Thin adapters over :mod:`esgledger.services.assess`, :mod:`esgledger.assess` and
:mod:`esgledger.intake.assessment_files` (questionnaire, export and chart files).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from esgledger.cli.app import add_row, app, console, emit_json, open_context
from esgledger.cli.paths import choice, output_file, output_folder
from esgledger.services import assess

__all__ = [
    "materiality_app",
    "materiality_import_cmd",
    "materiality_questionnaire_cmd",
    "materiality_run_cmd",
    "materiality_show_cmd",
    "risks_app",
    "risks_export_cmd",
    "risks_import_cmd",
    "risks_show_cmd",
]

materiality_app = typer.Typer(
    help="Double materiality assessment: topics, survey, tiers, matrix.", no_args_is_help=True
)
risks_app = typer.Typer(
    help="Climate risk and opportunity register (IFRS S2).", no_args_is_help=True
)
app.add_typer(materiality_app, name="materiality")
app.add_typer(risks_app, name="risks")

JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]
LangOpt = Annotated[
    str, typer.Option("--lang", metavar="en|zh", help="Language of names and charts: en or zh.")
]
CHART_SUFFIXES = (".png", ".svg", ".pdf")
FilesArg = Annotated[
    list[Path],
    typer.Argument(metavar="FILE", help="CSV (UTF-8) or XLSX files.", show_default=False),
]
DryRunOpt = Annotated[bool, typer.Option("--dry-run", help="Validate only; write nothing.")]


@materiality_app.command("import")
def materiality_import_cmd(
    files: FilesArg,
    year: Annotated[
        int | None,
        typer.Option(
            "--year", "-y", metavar="YYYY", help="Assessment year (needed unless only topics)."
        ),
    ] = None,
    replace: Annotated[
        bool, typer.Option("--replace", help="Drop the year's stored responses first.")
    ] = False,
    dry_run: DryRunOpt = False,
    as_json: JsonOpt = False,
) -> None:
    """Import topics, stakeholder groups, survey responses or expert scores (CSV/XLSX).

    Scores are whole numbers 1-5; group weights sum to 1 (or 100 as percentages).

    A file's kind is told by its header (see docs/materiality.md); filled
    questionnaires from `materiality questionnaire` are read as responses.
    Every problem is listed and nothing is written if there is one.
    """
    with open_context() as ctx:
        res = assess.import_materiality(ctx, files, year=year, replace=replace, dry_run=dry_run)
    if as_json:
        emit_json(
            {
                "year": res.year,
                "topics": res.topics,
                "groups": res.groups,
                "responses": res.responses,
                "expert": res.expert,
                "dry_run": dry_run,
            }
        )
        return
    verb = "would import" if dry_run else "imported"
    when = f" for {res.year}" if res.year is not None else ""
    console.print(
        f"{verb}{when}: {res.topics} topics, {res.groups} groups, "
        f"{res.responses} responses, {res.expert} expert scores",
        soft_wrap=True,
    )


@materiality_app.command("run")
def materiality_run_cmd(
    year: Annotated[int, typer.Option("--year", "-y", metavar="YYYY", help="Assessment year.")],
    method: Annotated[
        str | None,
        typer.Option(
            "--method",
            metavar="survey|expert",
            help="survey or expert (default: survey if there are responses).",
        ),
    ] = None,
    highly: Annotated[
        float, typer.Option(metavar="SCORE", help="Lowest score of 'highly material' (1-5 scale).")
    ] = 4.0,
    moderately: Annotated[
        float,
        typer.Option(metavar="SCORE", help="Lowest score of 'moderately material' (1-5 scale)."),
    ] = 3.5,
    material: Annotated[
        float, typer.Option(metavar="SCORE", help="Lowest score of 'material' (1-5 scale).")
    ] = 3.0,
    as_json: JsonOpt = False,
) -> None:
    """Score the year's survey (or expert scores), assign tiers and store the result."""
    from esgledger.assess.materiality import Thresholds
    from esgledger.errors import Problem, ValidationError

    if method not in (None, "survey", "expert"):
        raise ValidationError([Problem("--method", None, None, method, "survey or expert")])
    th = Thresholds(highly, moderately, material)
    with open_context() as ctx:
        res = assess.run_materiality(ctx, year, method=method, thresholds=th)  # type: ignore[arg-type]
    if as_json:
        emit_json(res.as_dict())
        return
    counts = ", ".join(f"{len(v)} {k}" for k, v in res.by_tier().items())
    console.print(
        f"materiality {year} ({res.method}, {res.respondents} respondents): {counts}",
        soft_wrap=True,
    )


@materiality_app.command("show")
def materiality_show_cmd(
    year: Annotated[
        int | None,
        typer.Option("--year", "-y", metavar="YYYY", help="Assessment year (default: latest)."),
    ] = None,
    as_json: JsonOpt = False,
    lang: LangOpt = "en",
    chart: Annotated[
        Path | None,
        typer.Option(
            "--chart",
            metavar="FILE.png|svg",
            help="Also write the matrix chart (.png, .svg or .pdf).",
        ),
    ] = None,
) -> None:
    """Show a stored assessment: ranked topics, tiers, sensitivity and change."""
    choice("--lang", lang, ("en", "zh"))
    if chart is not None:
        output_file("--chart", chart, CHART_SUFFIXES, "chart")
    with open_context() as ctx:
        res = assess.materiality_result(ctx, year)
    if chart is not None:
        from esgledger.intake.assessment_files import matrix_chart

        matrix_chart(res, chart, lang=lang)
    if as_json:
        emit_json(res.as_dict())
        return
    zh = lang == "zh"
    title = f"materiality {res.year} ({res.method}"
    title += ", synthetic survey)" if res.synthetic else ")"
    table = Table(title=title)
    for col in ("rank", "code", "topic", "impact", "financial", "tier", "change"):
        table.add_column(col, justify="right" if col in {"rank", "impact", "financial"} else "left")
    moves = {c.topic: c.movement for c in res.changes}
    for r in res.topics:
        add_row(
            table,
            str(r.rank),
            r.code,
            r.name_zh if zh else r.name_en,
            f"{r.impact:.2f}",
            f"{r.financial:.2f}",
            r.tier,
            moves.get(r.code, ""),
        )
    console.print(table)
    if res.sensitivity:
        names = sorted({s.topic for s in res.sensitivity})
        console.print(
            f"sensitive to a ±0.25 threshold move: {', '.join(names)}", soft_wrap=True, markup=False
        )
    if chart is not None:
        console.print(f"matrix chart written to {chart}", soft_wrap=True, markup=False)


@materiality_app.command("questionnaire")
def materiality_questionnaire_cmd(
    out: Annotated[
        Path, typer.Option("--out", "-o", metavar="PATH", help="Workbook to write (.xlsx).")
    ],
    year: Annotated[int, typer.Option("--year", "-y", metavar="YYYY", help="Assessment year.")],
    respondent: Annotated[
        str, typer.Option(metavar="ID", help="Pre-fill this respondent id.")
    ] = "",
    group: Annotated[
        str, typer.Option(metavar="CODE", help="Pre-fill this stakeholder group code.")
    ] = "",
) -> None:
    """Write the questionnaire workbook (read by `materiality import` once filled)."""
    from esgledger.intake.assessment_files import write_questionnaire

    output_file("--out", out, (".xlsx",), "workbook")
    with open_context() as ctx:
        topics, groups = assess.questionnaire_data(ctx, year)
    if group and groups:
        choice("--group", group, tuple(g.code for g in groups))
    write_questionnaire(out, topics, groups, year=year, respondent=respondent, group=group)
    console.print(
        f"questionnaire with {len(topics)} topics written to {out}", soft_wrap=True, markup=False
    )


@risks_app.command("import")
def risks_import_cmd(files: FilesArg, dry_run: DryRunOpt = False, as_json: JsonOpt = False) -> None:
    """Replace the climate register with the files' (risks and horizons CSV, or one XLSX).

    risks.csv: one row per risk or opportunity (format in docs/risks.md);
    likelihood and magnitude are whole numbers 1-5, financial effects are
    ranges in CNY (yuan). horizons.csv: horizon (short, medium, long),
    from_year, to_year.
    """
    with open_context() as ctx:
        reg = assess.import_register(ctx, files, dry_run=dry_run)
    if as_json:
        emit_json(
            {
                "risks": len(reg.risks),
                "opportunities": len(reg.opportunities),
                "horizons": len(reg.horizons),
                "dry_run": dry_run,
            }
        )
        return
    verb = "would import" if dry_run else "imported"
    console.print(
        f"{verb} {len(reg.risks)} risks, {len(reg.opportunities)} opportunities, "
        f"{len(reg.horizons)} horizons",
        soft_wrap=True,
    )


@risks_app.command("show")
def risks_show_cmd(
    as_json: JsonOpt = False,
    lang: LangOpt = "en",
    heatmap: Annotated[
        Path | None,
        typer.Option(
            "--heatmap",
            metavar="FILE.png|svg",
            help="Also write the heat map (.png, .svg or .pdf).",
        ),
    ] = None,
) -> None:
    """Show the climate register ranked by likelihood x magnitude."""
    choice("--lang", lang, ("en", "zh"))
    if heatmap is not None:
        output_file("--heatmap", heatmap, CHART_SUFFIXES, "chart")
    with open_context() as ctx:
        reg = assess.climate_register(ctx)
    if heatmap is not None:
        from esgledger.intake.assessment_files import heatmap_chart

        heatmap_chart(reg, heatmap, lang=lang)
    if as_json:
        emit_json(reg.as_dict())
        return
    zh = lang == "zh"
    hs = ", ".join(f"{h.code} {h.from_year}-{h.to_year}" for h in reg.horizons)
    table = Table(title=f"climate register (horizons: {hs or 'not defined'})")
    for col in ("code", "category", "title", "horizons", "L", "M", "score", "owner"):
        table.add_column(col, justify="right" if col in {"L", "M", "score"} else "left")
    for i in reg.ranked():
        add_row(
            table,
            i.code,
            i.category_label("zh" if zh else "en"),
            (i.title_zh or i.title_en) if zh else (i.title_en or i.title_zh),
            ", ".join(i.horizons),
            str(i.likelihood),
            str(i.magnitude),
            str(i.score),
            i.owner,
        )
    console.print(table)
    if heatmap is not None:
        console.print(f"heat map written to {heatmap}", soft_wrap=True, markup=False)


@risks_app.command("export")
def risks_export_cmd(
    out: Annotated[
        Path, typer.Option("--out", "-o", metavar="PATH", help="Folder (csv) or workbook (xlsx).")
    ],
    fmt: Annotated[str, typer.Option("--format", metavar="csv|xlsx", help="csv or xlsx.")] = "csv",
) -> None:
    """Export the register in the import format (csv: a folder with risks.csv and
    horizons.csv; xlsx: one workbook with sheets risks and horizons)."""
    from esgledger.intake.assessment_files import write_register

    choice("--format", fmt, ("csv", "xlsx"))
    if fmt == "csv":
        output_folder("--out", out)
    else:
        output_file("--out", out, (".xlsx",), "workbook")
    with open_context() as ctx:
        reg = assess.climate_register(ctx)
    paths = write_register(reg, out, fmt)
    console.print("written: " + ", ".join(str(p) for p in paths), soft_wrap=True, markup=False)
