"""DOCX: python-docx with Word's own Heading styles, real tables and PNG charts.

The document stays editable in Word: headings drive the navigation pane and
the table-of-contents field (Word fills it in on open / F9).
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from esgledger.report.charts import PALETTE, chart_png
from esgledger.report.fonts import find_cjk_font
from esgledger.report.model import (
    Chart,
    FigureTable,
    GridTable,
    IndexTable,
    KpiHighlights,
    Lang,
    Prose,
    Report,
)
from esgledger.report.numbers import format_date
from esgledger.report.render.base import Publication, normalize_zip, publication_time

__all__ = ["DocxRenderer", "render_docx_bytes"]

_ACCENT = PALETTE[0]
_TEXT_MM = 174.0  # A4 less two 18 mm margins, as in the PDF


def _rgb(hex_colour: str) -> Any:
    from docx.shared import RGBColor

    return RGBColor.from_string(hex_colour.lstrip("#").upper())


_LATIN_FONT = "Arial"  # in every Word; LibreOffice maps it to the metric-equal Liberation Sans


def _set_east_asian_font(style: Any, family: str) -> None:
    """Chinese in ``family``, Latin letters and digits in Arial (not the theme's Calibri,
    which LibreOffice lacks and would replace with a serif font)."""
    from docx.oxml.ns import qn

    rpr = style.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.append(fonts)
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attr), None)
    fonts.set(qn("w:ascii"), _LATIN_FONT)
    fonts.set(qn("w:hAnsi"), _LATIN_FONT)
    fonts.set(qn("w:eastAsia"), family)


def _layout(table: Any, shares: tuple[float, ...]) -> None:
    """Column widths as shares of the text width (Word and LibreOffice would split evenly)
    and table text at 9 pt, a size smaller than the running text as in print."""
    from docx.shared import Mm, Pt

    table.autofit = False
    total = sum(shares)
    widths = [Mm(_TEXT_MM * share / total) for share in shares]
    for column, width in zip(table.columns, widths, strict=False):
        column.width = width
    for row in table.rows:
        cells = row.cells
        if len({id(c._tc) for c in cells}) < len(cells):
            continue  # a merged (group) row spans the grid
        for cell, width in zip(cells, widths, strict=False):
            cell.width = width
    for row in table.rows:
        for cell in row.cells:
            for para in cell.paragraphs:
                for run in para.runs:
                    run.font.size = Pt(9)


def _shares(n: int, style: str = "") -> tuple[float, ...]:
    """Relative column widths of a table of ``n`` columns: the label column widest."""
    known = {
        "targets": (30, 16, 11, 11, 11, 10, 11),
        "risks": (14, 18, 12, 10, 10, 36),
        "topics": (9, 39, 17, 17, 18),
    }
    if style in known and len(known[style]) == n:
        return known[style]
    return (3.0, *[1.0] * (n - 1)) if n > 1 else (1.0,)


def _toc_field(paragraph: Any) -> None:
    from docx.oxml.ns import qn

    run = paragraph.add_run()
    for kind, text in (("begin", None), (None, 'TOC \\o "1-2" \\h \\z \\u'), ("separate", None)):
        if kind:
            el = run._r.makeelement(qn("w:fldChar"), {qn("w:fldCharType"): kind})
        else:
            el = run._r.makeelement(qn("w:instrText"), {qn("xml:space"): "preserve"})
            el.text = text
        run._r.append(el)
    paragraph.add_run("…")
    end = paragraph.add_run()
    end._r.append(end._r.makeelement(qn("w:fldChar"), {qn("w:fldCharType"): "end"}))


def _shade(cell: Any, hex_colour: str) -> None:
    from docx.oxml.ns import qn

    tcpr = cell._tc.get_or_add_tcPr()
    shd = tcpr.makeelement(
        qn("w:shd"), {qn("w:val"): "clear", qn("w:color"): "auto", qn("w:fill"): hex_colour[1:]}
    )
    tcpr.append(shd)


def _header_row(table: Any, texts: list[str], numeric: tuple[bool, ...] = ()) -> None:
    """The first row as a shaded header, repeated at the top of every page it breaks onto."""
    from docx.oxml.ns import qn
    from docx.shared import RGBColor

    trpr = table.rows[0]._tr.get_or_add_trPr()
    trpr.append(trpr.makeelement(qn("w:tblHeader"), {qn("w:val"): "true"}))
    for i, (cell, text) in enumerate(zip(table.rows[0].cells, texts, strict=True)):
        cell.text = ""
        run = cell.paragraphs[0].add_run(text)
        run.bold = True
        run.font.color.rgb = RGBColor(0xFF, 0xFF, 0xFF)
        _shade(cell, _ACCENT)
        if i < len(numeric) and numeric[i]:
            _right(cell)


def _caption(doc: Any, text: str) -> None:
    """A table or chart title, kept on the page of what it names."""
    doc.add_paragraph(text, style="Caption").paragraph_format.keep_with_next = True


def _right(cell: Any) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT


class _Writer:
    def __init__(self, report: Report) -> None:
        from docx import Document
        from docx.shared import Mm, Pt

        self.report = report
        self.doc = Document()
        page = self.doc.sections[0]  # A4 with the PDF's margins, so charts fit the text width
        page.page_width, page.page_height = Mm(210), Mm(297)
        page.left_margin = page.right_margin = Mm(18)
        page.top_margin, page.bottom_margin = Mm(22), Mm(20)
        family = find_cjk_font().family
        for name in (
            "Normal",
            "Title",
            "Subtitle",
            "Heading 1",
            "Heading 2",
            "Heading 3",
            "Caption",
        ):
            style = self.doc.styles[name]
            _set_east_asian_font(style, family)
        normal = self.doc.styles["Normal"]
        normal.font.size = Pt(10.5)
        for name in ("Heading 1", "Heading 2", "Title"):
            self.doc.styles[name].font.color.rgb = _rgb(_ACCENT)

    def prose(self, block: Prose) -> None:
        for item in block.items:
            if item.kind == "h":
                para = self.doc.add_heading("", level=3)
            elif item.kind == "li":
                para = self.doc.add_paragraph(style="List Bullet")
            elif item.kind == "oli":
                para = self.doc.add_paragraph(style="List Number")
            else:
                para = self.doc.add_paragraph()
            for r in item.runs:
                text = self.report.figures[r.figure].printed if r.figure else r.text
                run = para.add_run(text)
                run.bold = r.bold or bool(r.figure)
                run.italic = r.italic

    def kpis(self, block: KpiHighlights, heading: str = "") -> None:
        if block.title and block.title != heading:  # not the section's title again
            _caption(self.doc, block.title)
        cols = 3
        rows = (len(block.kpis) + cols - 1) // cols
        table = self.doc.add_table(rows=rows, cols=cols)
        table.style = "Table Grid"
        for i, k in enumerate(block.kpis):
            cell = table.cell(i // cols, i % cols)
            cell.text = ""
            value = cell.paragraphs[0].add_run(k.printed)
            value.bold = True
            value.font.color.rgb = _rgb(_ACCENT)
            cell.add_paragraph(k.label)
            _shade(cell, "#f2f6f4")

    def table(self, block: FigureTable) -> None:
        _caption(self.doc, block.title)
        L = self.report.labels
        headers = [L["indicator"], L["unit"], *[str(y) for y in block.years]]
        if block.show_yoy:
            headers.append(L["yoy"])
        table = self.doc.add_table(rows=1, cols=len(headers))
        table.style = "Table Grid"
        _header_row(table, headers, (False, False, *[True] * (len(headers) - 2)))
        for r in block.rows:
            cells = table.add_row().cells
            cells[0].text = r.label
            cells[1].text = r.unit
            values = [c or "—" for c in r.cells]
            if block.show_yoy:
                values.append(r.yoy or "—")
            for i, v in enumerate(values):
                cells[2 + i].text = v
                _right(cells[2 + i])
        _layout(table, (30, 12, *[13.0] * (len(headers) - 2)))
        if block.note:
            self.doc.add_paragraph(block.note, style="Caption")

    def grid(self, block: GridTable) -> None:
        _caption(self.doc, block.title)
        table = self.doc.add_table(rows=1, cols=len(block.header))
        table.style = "Table Grid"
        _header_row(table, list(block.header), block.numeric)
        for row in block.rows:
            cells = table.add_row().cells
            for cell, c in zip(cells, row, strict=True):
                cell.text = c.text
                if c.num:
                    _right(cell)
        _layout(table, _shares(len(block.header), block.style))
        if block.note:
            self.doc.add_paragraph(block.note, style="Caption")

    def chart(self, block: Chart) -> None:
        from docx.shared import Cm

        _caption(self.doc, block.title)
        # charts are drawn at the text width of A4 (17.4 cm); the page here is A4 too
        width = Cm(10) if block.chart == "heatmap" and block.source is None else Cm(17.4)
        self.doc.add_picture(io.BytesIO(chart_png(block)), width=width)
        if block.caption:
            self.doc.add_paragraph(block.caption, style="Caption")

    def index(self, block: IndexTable) -> None:
        L = self.report.labels
        if block.note:
            self.doc.add_paragraph(block.note)
        if not block.rows:
            return
        table = self.doc.add_table(rows=1, cols=3)
        table.style = "Table Grid"
        _header_row(table, [L["code"], L["disclosure"], L["location"]])
        group = ""
        for r in block.rows:
            if r.group and r.group != group:
                group = r.group
                cells = table.add_row().cells
                merged = cells[0].merge(cells[2])
                merged.text = group
                merged.paragraphs[0].runs[0].bold = True
                _shade(merged, "#f2f6f4")
            cells = table.add_row().cells
            cells[0].text = r.code
            cells[1].text = r.title
            cells[2].text = (
                (f"{r.section_title}\n{r.omission}" if r.omission else r.section_title)
                if r.section
                else r.omission
            )
        _layout(table, (14, 46, 40))

    def write(self) -> bytes:
        from docx.enum.text import WD_BREAK

        rep = self.report
        self.doc.add_paragraph(rep.company, style="Subtitle")
        self.doc.add_heading(rep.title, level=0)
        if rep.subtitle:
            self.doc.add_paragraph(rep.subtitle, style="Subtitle")
        if rep.draft_note:
            self.doc.add_paragraph().add_run(rep.draft_note).bold = True
        if rep.notice:
            self.doc.add_paragraph().add_run(rep.notice).bold = True
        colon = "：" if rep.lang == "zh" else ": "
        self.doc.add_paragraph(
            f"{rep.labels['report_date']}{colon}{format_date(rep.report_date, rep.lang)}"
        )
        self.doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        self.doc.add_paragraph(rep.labels["contents"], style="Title")
        _toc_field(self.doc.add_paragraph())
        for section in rep.sections:
            if section.level == 1:
                self.doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
            self.doc.add_heading(section.title, level=section.level)
            for b in section.blocks:
                if isinstance(b, Prose):
                    self.prose(b)
                elif isinstance(b, KpiHighlights):
                    self.kpis(b, section.title)
                elif isinstance(b, FigureTable):
                    self.table(b)
                elif isinstance(b, Chart):
                    self.chart(b)
                elif isinstance(b, IndexTable):
                    self.index(b)
                elif isinstance(b, GridTable):
                    self.grid(b)
        when = publication_time(rep.report_date)
        props = self.doc.core_properties
        props.title = rep.title
        props.author = rep.company
        props.last_modified_by = "esgledger"
        props.language = "zh-CN" if rep.lang == "zh" else "en"
        props.created = when
        props.modified = when
        props.revision = 1
        buf = io.BytesIO()
        self.doc.save(buf)
        return normalize_zip(buf.getvalue(), when)


def render_docx_bytes(publication: Publication, lang: Lang) -> bytes:
    """The DOCX of one edition."""
    return _Writer(publication.edition(lang)).write()


class DocxRenderer:
    """One Word document per language."""

    name = "docx"
    suffix = ".docx"

    def render(self, publication: Publication, lang: Lang, out_path: Path) -> Path:
        out_path.write_bytes(render_docx_bytes(publication, lang))
        return out_path
