"""XLSX data annex: every printed figure with entity, period, unit, framework codes and
lineage reference; numbers are numbers; text that could start a formula is neutralized.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from esgledger.report.model import IndexTable, Lang, Report
from esgledger.report.render.base import Publication, normalize_zip, publication_time, safe_text

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
    ("annex.unit", 12),
    ("annex.printed", 18),
    ("annex.frameworks", 24),
    ("annex.run", 18),
    ("annex.source", 30),
)


def annex_rows(report: Report, entity_names: dict[str, tuple[str, str]]) -> list[list[Any]]:
    """The data annex as rows (header first), in the order figures were printed."""
    rows: list[list[Any]] = [[report.label(key) for key, _ in _COLUMNS]]
    for f in report.figure_list():
        names = entity_names.get(f.ref.entity)
        name = (names[1] if report.lang == "zh" else names[0]) if names else ""
        rows.append(
            [
                f.id,
                str(f.ref),
                f.note,
                f.label,
                f.ref.code,
                f.ref.entity,
                name,
                f.ref.period,
                f.value,
                f.unit,
                f.printed,
                "; ".join(f.frameworks),
                f.ref.run,
                f.source,
            ]
        )
    return rows


def _put(ws: Any, row: int, col: int, value: Any) -> Any:
    cell = ws.cell(row=row, column=col)
    if isinstance(value, str):
        cell.value = safe_text(value)
        cell.data_type = "s"
    else:
        cell.value = value
    return cell


def render_xlsx_bytes(publication: Publication, lang: Lang) -> bytes:
    """The data annex workbook of one edition, byte-identical for identical input."""
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill

    report = publication.edition(lang)
    when = publication_time(report.report_date)
    wb = Workbook()
    head_font = Font(bold=True, color="FFFFFF")
    head_fill = PatternFill("solid", fgColor="1B7F5C")

    ws = wb.active
    ws.title = report.label("annex.sheet")
    for r, values in enumerate(annex_rows(report, publication.entity_names), start=1):
        for c, value in enumerate(values, start=1):
            cell = _put(ws, r, c, value)
            if r == 1:
                cell.font = head_font
                cell.fill = head_fill
            elif c == 9:
                cell.number_format = "#,##0.####"
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
        (report.label("report_date"), report.report_date.isoformat()),
        (report.label("annex.figures"), len(report.figures)),
        (report.label("annex.lineage"), report.label("annex.lineage_help")),
    ]
    about += [(report.label("annex.warning"), w) for w in report.warnings]
    for i, (k, v) in enumerate(about, start=1):
        _put(wa, i, 1, k).font = Font(bold=True)
        _put(wa, i, 2, v)
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
