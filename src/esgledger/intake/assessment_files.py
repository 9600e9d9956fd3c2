"""Files of the assessment area: reading topics, surveys and the climate register, and
writing the questionnaire, register exports and charts.

The engine in :mod:`esgledger.assess` takes plain data and never opens a file
(DESIGN.md); this module is where its files are opened. Reading turns each
file into a :class:`~esgledger.assess.tables.SourceFile` (its tables, or the
problems that kept it unread) and hands those to the engine's validators;
writing takes the bytes or text the engine built and puts them on disk whole
(:func:`~esgledger.intake.export.write_atomic`: a temporary file, then a rename).

Files are CSV (UTF-8, with or without BOM) or XLSX workbooks (every sheet is a
table). Problems name the file without its folder.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Collection, Sequence
from importlib import resources
from pathlib import Path

from esgledger.assess.charts import heatmap_chart as _heatmap_image
from esgledger.assess.charts import matrix_chart as _matrix_image
from esgledger.assess.materiality import Group, MaterialityResult
from esgledger.assess.risks import (
    ClimateRegister,
    Horizon,
    register_csv,
    register_from_sources,
    register_workbook,
)
from esgledger.assess.survey import SurveyBatch, questionnaire_workbook, survey_from_sources
from esgledger.assess.tables import Row, SourceFile, Table, table_from_records
from esgledger.assess.topics import Topic, parse_topics, topics_from_tables
from esgledger.errors import EsgError, Problem, ValidationError
from esgledger.intake.export import write_atomic

__all__ = [
    "CHART_FORMATS",
    "default_topics",
    "heatmap_chart",
    "matrix_chart",
    "read_register",
    "read_source",
    "read_survey_files",
    "read_tables",
    "topics_from_file",
    "write_demo_surveys",
    "write_questionnaire",
    "write_register",
]

#: Image formats a chart file can have, told by the file's suffix.
CHART_FORMATS = ("svg", "png", "pdf")


# -- reading ---------------------------------------------------------------------------


def read_tables(path: str | Path) -> list[Table]:
    """Read a CSV file (one table named after the file) or every sheet of a workbook.

    Raises :class:`ValidationError` when the file cannot be read at all.
    """
    p = Path(path)
    file = p.name
    if not p.is_file():
        what = "a file, not a folder" if p.is_dir() else "an existing file (not found)"
        raise ValidationError([Problem(file, None, None, None, what)])
    suffix = p.suffix.lower()
    if suffix == ".csv":
        data = p.read_bytes()
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            row = data[: exc.start].count(b"\n") + 1
            expected = "UTF-8 text (in Excel: save as 'CSV UTF-8')"
            raise ValidationError([Problem(file, row, None, None, expected)]) from None
        records = list(csv.reader(io.StringIO(text)))
        return [table_from_records(file, p.stem.lower(), records)]
    if suffix in {".xlsx", ".xlsm"}:
        import openpyxl

        try:
            wb = openpyxl.load_workbook(p, read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises many kinds for a broken file
            expected = f"a readable XLSX workbook (this one is not: {type(exc).__name__})"
            raise ValidationError([Problem(file, None, None, None, expected)]) from None
        try:
            tables = []
            for ws in wb.worksheets:
                records = [list(r) for r in ws.iter_rows(values_only=True)]
                tables.append(table_from_records(file, ws.title.strip().lower(), records))
            return tables
        finally:
            wb.close()
    raise ValidationError([Problem(file, None, None, p.suffix, "a .csv or .xlsx file")])


def read_source(path: str | Path) -> SourceFile:
    """One file as the engine takes it: its tables, or the problems that kept it unread."""
    try:
        return SourceFile(Path(path).name, tables=tuple(read_tables(path)))
    except ValidationError as exc:
        return SourceFile(Path(path).name, problems=tuple(exc.problems))


def default_topics() -> list[Topic]:
    """The built-in catalogue (28 topics), shipped as ``esgledger/assess/data/topics.csv``."""
    text = resources.files("esgledger.assess").joinpath("data/topics.csv").read_text("utf-8")
    records = list(csv.reader(io.StringIO(text)))
    header = tuple(records[0])
    rows = tuple(Row(i, dict(zip(header, r, strict=True))) for i, r in enumerate(records[1:], 2))
    return parse_topics(Table("topics.csv", "topics", header, rows))


def topics_from_file(path: str | Path) -> list[Topic]:
    """Read and validate a topics CSV (or the ``topics`` sheet of a workbook)."""
    return topics_from_tables(read_tables(path))


def read_survey_files(
    paths: Sequence[str | Path],
    *,
    known_topics: Sequence[Topic],
    known_groups: Sequence[Group],
    topics_only: bool = False,
) -> SurveyBatch:
    """Read and validate topic, group, response and expert files together (see
    :func:`esgledger.assess.survey.survey_from_sources`); all or nothing."""
    return survey_from_sources(
        [read_source(p) for p in paths],
        known_topics=known_topics,
        known_groups=known_groups,
        topics_only=topics_only,
    )


def read_register(
    paths: Sequence[str | Path],
    *,
    known_horizons: Sequence[Horizon] = (),
    known_entities: Collection[str] | None = None,
) -> ClimateRegister:
    """Read a register from CSV files (risks, horizons) or one workbook; all or nothing."""
    return register_from_sources(
        [read_source(p) for p in paths],
        known_horizons=known_horizons,
        known_entities=known_entities,
    )


# -- writing ---------------------------------------------------------------------------


def write_questionnaire(
    path: str | Path,
    topics: Sequence[Topic],
    groups: Sequence[Group],
    *,
    year: int,
    respondent: str = "",
    group: str = "",
) -> Path:
    """Write the questionnaire workbook; once filled, :func:`read_survey_files` reads it."""
    out = Path(path)
    data = questionnaire_workbook(topics, groups, year=year, respondent=respondent, group=group)
    write_atomic(out, data)
    return out


def write_register(register: ClimateRegister, out: str | Path, fmt: str = "csv") -> list[Path]:
    """Export the register: ``csv`` writes ``risks.csv`` and ``horizons.csv`` into the
    folder ``out``; ``xlsx`` writes one workbook with sheets ``risks`` and ``horizons``."""
    path = Path(out)
    if fmt == "csv":
        written = []
        for name, text in register_csv(register).items():
            write_atomic(path / name, text.encode("utf-8"))
            written.append(path / name)
        return written
    if fmt == "xlsx":
        write_atomic(path, register_workbook(register))
        return [path]
    raise EsgError(f"unknown export format {fmt!r}: expected csv or xlsx")


def _chart_format(path: str | Path | None, fmt: str | None) -> str:
    if fmt:
        return fmt
    if path is not None and Path(path).suffix.lower().lstrip(".") in CHART_FORMATS:
        return Path(path).suffix.lower().lstrip(".")
    return "png"


def matrix_chart(
    result: MaterialityResult,
    path: str | Path | None = None,
    *,
    lang: str = "en",
    fmt: str | None = None,
    title: bool = True,
) -> bytes:
    """The materiality matrix (:func:`esgledger.assess.charts.matrix_chart`), also written
    to ``path`` when given; the format is ``fmt``, else the path's suffix, else png."""
    data = _matrix_image(result, lang=lang, fmt=_chart_format(path, fmt), title=title)
    if path is not None:
        write_atomic(Path(path), data)
    return data


def heatmap_chart(
    register: ClimateRegister,
    path: str | Path | None = None,
    *,
    lang: str = "en",
    fmt: str | None = None,
    kinds: Sequence[str] = ("risk", "opportunity"),
    title: bool = True,
) -> bytes:
    """The register's heat map (:func:`esgledger.assess.charts.heatmap_chart`), also
    written to ``path`` when given; the format is ``fmt``, else the path's suffix, else png."""
    data = _heatmap_image(
        register, lang=lang, fmt=_chart_format(path, fmt), kinds=kinds, title=title
    )
    if path is not None:
        write_atomic(Path(path), data)
    return data


def write_demo_surveys(directory: str | Path) -> list[Path]:  # pragma: no cover - maintainer
    """Regenerate ``demo_survey_<year>.csv`` in ``directory`` (the shipped ``assess/data``)
    from :mod:`esgledger.assess.synthetic`; run by hand after changing its targets."""
    from esgledger.assess.survey import parse_groups
    from esgledger.assess.synthetic import DEMO_TARGETS, generate_survey, survey_csv

    d = Path(directory)
    groups = parse_groups(read_tables(d / "demo_groups.csv")[0])
    written = []
    for year in DEMO_TARGETS:
        rows = generate_survey(year, default_topics(), groups)
        out = d / f"demo_survey_{year}.csv"
        write_atomic(out, survey_csv(rows).encode("utf-8"))
        written.append(out)
    return written
