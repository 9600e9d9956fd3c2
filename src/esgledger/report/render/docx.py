"""DOCX: python-docx with Word's own Heading styles, real tables and PNG charts.

The document stays editable in Word and reads well before anyone edits it:

- the table of contents is a real TOC field, already filled in (one entry per
  chapter and section, linked to a bookmark on its heading, with a PAGEREF
  field for its page) and marked to be updated when the document is opened
  (``w:updateFields``);
- running header (company, report title) and a footer with the page number on
  every page but the cover;
- every chart has alt text (title and description on ``wp:docPr``: the
  chart's text alternative) and a name, not "Picture N";
- text is tagged in its language (``w:lang``: ``zh-CN`` for Chinese, also as
  the East Asian language of an English edition);
- table columns are at least as wide as the longest word of their header, so
  no header breaks inside a word; header rows repeat on every page.
"""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

from esgledger.report.charts import PALETTE, chart_alt, chart_png
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
    header = [c.text for c in table.rows[0].cells] if table.rows else []
    body: list[list[str]] = [[] for _ in shares]
    for row in table.rows[1:]:
        cells = row.cells
        if len({id(c._tc) for c in cells}) < len(cells):
            continue  # a merged group row
        for i, cell in enumerate(cells[: len(shares)]):
            body[i].append(cell.text)
    widths = [Mm(w) for w in column_widths(shares, header, body)]
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


_CJK = re.compile(r"[\u3000-\u9fff\uff00-\uffef]")
_HEADER_PT = 9.0  # header cells: 9 pt bold
_CELL_PAD_MM = 2 * 1.9 + 1.0  # Word's default cell margins (0.19 cm a side) and a little air


def text_width_mm(text: str, size_pt: float = _HEADER_PT) -> float:
    """About how wide ``text`` sets in Arial bold / Noto Sans CJK at ``size_pt``."""
    em = size_pt * 25.4 / 72
    return sum(em if _CJK.match(ch) else em * 0.62 for ch in text)


def _words(text: str) -> list[str]:
    """What must not break: Latin words; a Chinese header of up to six characters whole."""
    out: list[str] = []
    for part in text.split():
        if _CJK.search(part) and len(part) > 6:
            out.extend(re.findall(r"[^\u3000-\u9fff]+|[\u3000-\u9fff]{1,2}", part))
        else:
            out.append(part)
    return out


_BODY_WORD_MM = 40.0  # a longer word in a body cell may break (a URL, a long code)


def _need(texts: list[str], cap: float) -> float:
    words = [w for t in texts for w in _words(t)]
    return min(cap, max((text_width_mm(w) for w in words), default=0.0))


def column_widths(
    shares: tuple[float, ...], header: list[str], body: list[list[str]] | None = None
) -> list[float]:
    """Column widths in mm: ``shares`` of the text width, each column widened to its longest
    header word (taking the width from columns with room to spare), so no word breaks; body
    words (``body``: the texts of each column) up to 40 mm wide are kept whole too."""
    total = sum(shares)
    widths = [_TEXT_MM * share / total for share in shares]
    need = [_need([h], _TEXT_MM) for h in header]
    need += [0.0] * (len(widths) - len(need))
    for i, texts in enumerate(body or []):
        if i < len(need):
            need[i] = max(need[i], _need(texts, _BODY_WORD_MM))
    need = [n + _CELL_PAD_MM if n else 0.0 for n in need]
    if sum(need) > _TEXT_MM:  # cannot all fit: the table keeps the text width
        need = [n * _TEXT_MM / sum(need) for n in need]
    for _ in range(len(widths)):  # widen the narrow, shrink the roomy, until all fit
        short = sum(max(0.0, n - w) for n, w in zip(need, widths, strict=True))
        if short <= 0.01:
            break
        room = [max(0.0, w - n) for n, w in zip(need, widths, strict=True)]
        spare = sum(room)
        if spare <= 0:
            break
        take = min(short, spare)
        widths = [
            max(w, n) if n > w else w - take * r / spare
            for n, w, r in zip(need, widths, room, strict=True)
        ]
    return widths


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


def _field_char(paragraph: Any, kind: str, parent: Any = None) -> None:
    from docx.oxml.ns import qn

    run = paragraph.add_run()
    run._r.append(run._r.makeelement(qn("w:fldChar"), {qn("w:fldCharType"): kind}))
    if parent is not None:
        parent.append(run._r)


def _instr(paragraph: Any, text: str, parent: Any = None) -> None:
    from docx.oxml.ns import qn

    run = paragraph.add_run()
    el = run._r.makeelement(qn("w:instrText"), {qn("xml:space"): "preserve"})
    el.text = f" {text} "
    run._r.append(el)
    if parent is not None:
        parent.append(run._r)


def _simple_field(paragraph: Any, instr: str, shown: str, parent: Any = None) -> None:
    """A field (PAGE, PAGEREF) with ``shown`` as its last computed result."""
    _field_char(paragraph, "begin", parent)
    _instr(paragraph, instr, parent)
    _field_char(paragraph, "separate", parent)
    run = paragraph.add_run(shown)
    if parent is not None:
        parent.append(run._r)
    _field_char(paragraph, "end", parent)


def bookmark_name(n: int) -> str:
    """The bookmark of the ``n``-th heading (Word's own TOC bookmarks are ``_Toc…``)."""
    return f"_Toc{n:08d}"


def _bookmark(paragraph: Any, n: int) -> None:
    from docx.oxml.ns import qn

    p = paragraph._p
    start = p.makeelement(
        qn("w:bookmarkStart"), {qn("w:id"): str(n), qn("w:name"): bookmark_name(n)}
    )
    end = p.makeelement(qn("w:bookmarkEnd"), {qn("w:id"): str(n)})
    ppr = p.find(qn("w:pPr"))
    p.insert(0 if ppr is None else 1, start)
    p.append(end)


def _toc(doc: Any, entries: list[tuple[int, str]]) -> None:
    """The TOC field, filled in with ``entries`` (level, title) linked to their headings'
    bookmarks (``bookmark_name(i)``) and a PAGEREF field each: not empty before any
    update, and Word updates it (with the pages) when the document opens."""
    from docx.enum.text import WD_TAB_ALIGNMENT, WD_TAB_LEADER
    from docx.oxml.ns import qn
    from docx.shared import Mm

    if not entries:
        return
    last = len(entries) - 1
    for i, (level, title) in enumerate(entries):
        para = doc.add_paragraph(style=_toc_style(doc, level))
        para.paragraph_format.tab_stops.add_tab_stop(
            Mm(_TEXT_MM), WD_TAB_ALIGNMENT.RIGHT, WD_TAB_LEADER.DOTS
        )
        if i == 0:
            _field_char(para, "begin")
            _instr(para, 'TOC \\o "1-2" \\h \\z \\u')
            _field_char(para, "separate")
        link = para._p.makeelement(
            qn("w:hyperlink"), {qn("w:anchor"): bookmark_name(i), qn("w:history"): "1"}
        )
        para._p.append(link)
        link.append(para.add_run(title)._r)
        link.append(para.add_run("\t")._r)
        _simple_field(para, f"PAGEREF {bookmark_name(i)} \\h", "", parent=link)
        if i == last:
            _field_char(para, "end")


def _toc_style(doc: Any, level: int) -> str:
    """Word's built-in "toc N" paragraph style (made when the template lacks it)."""
    from docx.enum.style import WD_STYLE_TYPE
    from docx.shared import Mm

    name = f"toc {level}"
    if name not in [s.name for s in doc.styles]:
        style = doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = doc.styles["Normal"]
        style.paragraph_format.left_indent = Mm(5 * (level - 1))
        style.paragraph_format.space_after = Mm(1)
        style.font.bold = level == 1
    return name


def _settings(doc: Any, lang: Lang) -> None:
    """Fields updated on open (the TOC's pages); the document's languages."""
    from docx.oxml.ns import qn

    settings = doc.settings.element
    update = settings.makeelement(qn("w:updateFields"), {qn("w:val"): "true"})
    compat = settings.find(qn("w:compat"))
    if compat is not None:
        compat.addprevious(update)
    else:
        settings.append(update)
    theme = settings.find(qn("w:themeFontLang"))
    if theme is not None:
        theme.set(qn("w:val"), _word_lang(lang))
        theme.set(qn("w:eastAsia"), "zh-CN")
    rpr = doc.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    tag = rpr.find(qn("w:lang"))
    if tag is None:
        tag = rpr.makeelement(qn("w:lang"), {})
        rpr.append(tag)
    tag.set(qn("w:val"), _word_lang(lang))
    tag.set(qn("w:eastAsia"), "zh-CN")


def _word_lang(lang: Lang) -> str:
    return "zh-CN" if lang == "zh" else "en-US"


def _header_footer(doc: Any, report: Report) -> None:
    """Company and title in the header, "page N" in the footer; none on the cover."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    section = doc.sections[0]
    section.different_first_page_header_footer = True
    head = section.header.paragraphs[0]
    head.text = ""
    run = head.add_run(f"{report.company} · {report.title}")
    run.font.size = Pt(8)
    run.font.color.rgb = _rgb("#5b6670")
    foot = section.footer.paragraphs[0]
    foot.alignment = WD_ALIGN_PARAGRAPH.CENTER
    if report.lang == "zh":
        foot.add_run("第 ")
        _simple_field(foot, "PAGE", "1")
        foot.add_run(" 页")
    else:
        foot.add_run("Page ")
        _simple_field(foot, "PAGE", "1")
    for r in foot.runs:
        r.font.size = Pt(8)


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
    trpr.append(trpr.makeelement(qn("w:cantSplit"), {qn("w:val"): "true"}))
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
        shape = self.doc.add_picture(io.BytesIO(chart_png(block)), width=width)
        doc_pr = shape._inline.docPr  # what a screen reader and Word's alt-text pane read
        doc_pr.set("name", block.title or block.id)
        doc_pr.set("title", block.title)
        doc_pr.set("descr", chart_alt(block))
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
        _toc(self.doc, [(min(s.level, 2), s.title) for s in rep.sections])
        for n, section in enumerate(rep.sections):
            if section.level == 1:
                self.doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
            _bookmark(self.doc.add_heading(section.title, level=section.level), n)
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
        _header_footer(self.doc, rep)
        _settings(self.doc, rep.lang)
        when = publication_time(rep.report_date)
        props = self.doc.core_properties
        props.title = rep.title
        props.author = rep.company
        props.last_modified_by = "esgledger"
        props.language = _word_lang(rep.lang)
        props.subject = rep.subtitle or rep.title
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
