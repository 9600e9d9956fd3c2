"""XLSX data annex: every printed figure with entity, period, unit, framework codes and
lineage reference; text that could start a formula is neutralized.

Made to be read and reused by an analyst in the report's language:

- values are numbers, shown at the precision the report prints them with
  (``919``, ``-7.8``), periods are numbers too;
- units as the report prints them (``%``, ``person-times`` / ``人次``,
  ``m³/tREO`` / ``立方米/吨REO``), never the ledger's codes (``percent``);
- the Chinese workbook is Chinese throughout: sheet names, headers, section
  titles, sources and calculation runs;
- a figure printed with a sign (``-7.8%``) is text marked as text (Excel's
  quote prefix), not text with a literal apostrophe;
- the builder's warnings are in the build log next to the files
  (:mod:`~esgledger.report.render.buildlog`); the about sheet says where.
"""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

from esgledger.report.model import Figure, IndexTable, Lang, Report
from esgledger.report.numbers import format_date, unit_label
from esgledger.report.render.base import Publication, normalize_zip, publication_time, safe_text
from esgledger.report.render.buildlog import build_log_name, build_warnings

__all__ = ["XlsxRenderer", "annex_rows", "render_xlsx_bytes"]

_COLUMNS = (
    ("annex.id", 9),
    ("annex.ref", 48),
    ("annex.section", 18),
    ("annex.label", 40),
    ("annex.code", 32),
    ("annex.entity", 12),
    ("annex.entity_name", 30),
    ("annex.period", 9),
    ("annex.value", 16),
    ("annex.unit", 20),
    ("annex.printed", 26),
    ("annex.frameworks", 24),
    ("annex.run", 18),
    ("annex.source", 30),
)


_VALUE_COLUMN = 9  # 1-based: "annex.value"

# Strings of the workbook that are not report labels (en, zh).
_TEXT: dict[str, tuple[str, str]] = {
    "build_log": ("Build notes", "构建说明"),
    "build_log_none": ("none; see {name}", "无；见 {name}"),
    "build_log_some": ("{n} notes in {name}, next to this file", "{n} 条，见同一文件夹中的 {name}"),
}
# Runs that are not calculation runs: where the value was read from (en, zh).
_RUNS: dict[str, tuple[str, str]] = {
    "ledger": ("ledger", "台账"),
    "assessment": ("materiality assessment", "重要性评估"),
    "register": ("climate risk register", "气候风险登记册"),
}
# Units the report prints that the unit catalogue of numbers.py does not list (en, zh).
_UNITS: dict[str, tuple[str, str]] = {
    "percentage point": ("percentage points", "个百分点"),
}
# Sources of a figure as sources.py words them, in Chinese.
_SOURCES_ZH: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"^observation$"), "台账数值"),
    (
        re.compile(r"^sum of (\d+) entities' observations \((\w+) boundary\)$"),
        "{0}个主体数值之和（{1}边界）",
    ),
    (re.compile(r"^calc breakdown by carrier$"), "计算：按能源品种分解"),
    (re.compile(r"^calc (.+)$"), "计算：{0}"),
)
_BOUNDARY_ZH = {"operational": "运营控制权", "financial": "财务控制权", "equity": "股权比例"}
_NUMBER = re.compile(r"[-+−]?\d[\d,]*(?:\.(\d+))?")
# a signed number with at most a unit after it: letters, CJK, %, superscripts, "/" and spaces
_SIGNED_NUMBER = re.compile(r"[-+−]\d[\d,]*(?:\.\d+)?[ %A-Za-z²³₂·/\u4e00-\u9fff]*")


def _text(key: str, lang: Lang, **kw: Any) -> str:
    en, zh = _TEXT[key]
    return (zh if lang == "zh" else en).format(**kw)


def display_unit(unit: str | None, lang: Lang) -> str:
    """How the annex shows ``unit``: as the report prints it, never the ledger's code."""
    if not unit:
        return ""
    if unit in _UNITS:
        en, zh = _UNITS[unit]
        return zh if lang == "zh" else en
    return unit_label(unit, lang)


def display_source(source: str, lang: Lang) -> str:
    """A figure's source in the workbook's language."""
    if lang != "zh":
        return source
    for pattern, text in _SOURCES_ZH:
        m = pattern.match(source)
        if m:
            parts = [_BOUNDARY_ZH.get(g, g) for g in m.groups()]
            return text.format(*parts)
    return source


def decimals_of(fig: Figure) -> int:
    """The decimals the report prints ``fig`` with (from its printed text); for a scaled
    figure (``16.04亿元`` of a value in yuan) the decimals its magnitude needs."""
    m = _NUMBER.search(fig.printed)
    if m:
        places = len(m.group(1) or "")
        shown = float(m.group(0).replace(",", "").replace("−", "-"))
        if abs(shown - fig.value) <= 0.5 * 10**-places + 1e-9 * abs(fig.value):
            return places
    return 0 if abs(fig.value) >= 100 or fig.value == round(fig.value) else 2


def number_format(decimals: int) -> str:
    """An Excel number format with thousands separators and ``decimals`` places."""
    return "#,##0" + ("." + "0" * decimals if decimals > 0 else "")


def _period(text: str) -> int | str:
    return int(text) if text.isdigit() else text


def annex_rows(report: Report, entity_names: dict[str, tuple[str, str]]) -> list[list[Any]]:
    """The data annex as rows (header first), in the order figures were printed."""
    lang = report.lang
    rows: list[list[Any]] = [[report.label(key) for key, _ in _COLUMNS]]
    sections = {s.id: s.title for s in report.sections}
    for f in report.figure_list():
        names = entity_names.get(f.ref.entity)
        name = (names[1] if lang == "zh" else names[0]) if names else ""
        runs = _RUNS.get(f.ref.run)
        run = (runs[1] if lang == "zh" else runs[0]) if runs else f.ref.run
        rows.append(
            [
                f.id,
                str(f.ref),
                sections.get(f.note, f.note),
                f.label,
                f.ref.code,
                f.ref.entity,
                name,
                _period(f.ref.period),
                f.value,
                display_unit(f.unit, lang),
                f.printed,
                "; ".join(f.frameworks),
                run,
                display_source(f.source, lang),
            ]
        )
    return rows


def _put(ws: Any, row: int, col: int, value: Any) -> Any:
    cell = ws.cell(row=row, column=col)
    if isinstance(value, str):
        if _SIGNED_NUMBER.fullmatch(value):
            # a figure printed with its sign ("-7.8%") is text: marked as text, so no
            # spreadsheet reads it as a formula, yet shown without a literal apostrophe
            cell.value = value
            cell.quotePrefix = True
        else:
            cell.value = safe_text(value)
        cell.data_type = "s"
    else:
        cell.value = value
    return cell


def render_xlsx_bytes(publication: Publication, lang: Lang) -> bytes:
    """The data annex workbook of one edition, byte-identical for identical input."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill

    report = publication.edition(lang)
    when = publication_time(report.report_date)
    wb = Workbook()
    head_font = Font(name="Arial", bold=True, color="FFFFFF")  # in every office suite
    head_fill = PatternFill("solid", fgColor="1B7F5C")

    ws = wb.active
    ws.title = report.label("annex.sheet")
    figures = report.figure_list()
    for r, values in enumerate(annex_rows(report, publication.entity_names), start=1):
        for c, value in enumerate(values, start=1):
            cell = _put(ws, r, c, value)
            if r == 1:
                cell.font = head_font
                cell.fill = head_fill
            elif c == _VALUE_COLUMN:
                cell.number_format = number_format(decimals_of(figures[r - 2]))
    for c, (_, width) in enumerate(_COLUMNS, start=1):
        ws.column_dimensions[ws.cell(row=1, column=c).column_letter].width = width
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = ws.dimensions

    wi = wb.create_sheet(report.label("annex.index"))
    headers = [
        report.label("annex.framework"),
        report.label("code"),
        report.label("disclosure"),
        report.label("location"),
        report.label("omission"),
    ]
    for c, h in enumerate(headers, start=1):
        cell = _put(wi, 1, c, h)
        cell.font = head_font
        cell.fill = head_fill
    r = 2
    for section in report.sections:
        for block in section.blocks:
            if not isinstance(block, IndexTable):
                continue
            for row in block.rows:
                values = [block.title, row.code, row.title, row.section_title, row.omission]
                for c, v in enumerate(values, start=1):
                    _put(wi, r, c, v)
                r += 1
    for c, width in enumerate((28, 14, 60, 30, 30), start=1):
        wi.column_dimensions[wi.cell(row=1, column=c).column_letter].width = width
    wi.freeze_panes = "A2"

    wa = wb.create_sheet(report.label("annex.about"))
    about = [
        (report.label("annex.title"), report.title),
        (report.label("annex.company"), report.company),
        *([(report.label("annex.status"), report.draft_note)] if report.draft_note else []),
        *([(report.label("annex.notice"), report.notice)] if report.notice else []),
        (report.label("annex.period"), report.period),
        (report.label("report_date"), format_date(report.report_date, lang)),
        (report.label("annex.figures"), len(report.figures)),
        (report.label("annex.lineage"), report.label("annex.lineage_help")),
    ]
    log, notes = build_log_name(report.period), len(build_warnings(publication))
    about.append(
        (
            _text("build_log", lang),
            _text("build_log_some", lang, n=notes, name=log)
            if notes
            else _text("build_log_none", lang, name=log),
        )
    )
    for i, (k, v) in enumerate(about, start=1):
        _put(wa, i, 1, k).font = Font(name="Arial", bold=True)
        _put(wa, i, 2, v).alignment = Alignment(horizontal="left")
    wa.column_dimensions["A"].width = 18
    wa.column_dimensions["B"].width = 100

    for sheet in (ws, wi, wa):  # printable: landscape A4, one page wide, header row repeated
        sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
        sheet.page_setup.orientation = "landscape"
        sheet.page_setup.fitToWidth = 1
        sheet.page_setup.fitToHeight = 0
        sheet.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = "1:1"
    wi.print_title_rows = "1:1"

    wb.properties.creator = "esgledger"
    wb.properties.title = report.title
    wb.properties.language = "zh-CN" if lang == "zh" else "en"
    wb.properties.created = when
    wb.properties.modified = when
    buf = io.BytesIO()
    wb.save(buf)
    return normalize_zip(buf.getvalue(), when)


class XlsxRenderer:
    """One data-annex workbook per language."""

    name = "xlsx"
    suffix = ".xlsx"

    def render(self, publication: Publication, lang: Lang, out_path: Path) -> Path:
        out_path.write_bytes(render_xlsx_bytes(publication, lang))
        return out_path
