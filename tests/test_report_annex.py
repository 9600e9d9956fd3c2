"""Every number printed in the report appears in the XLSX data annex with its lineage reference."""

import html as htmllib
import io
import re

import pytest
from docx import Document
from openpyxl import load_workbook

from esgledger.report.build import compose_publication
from esgledger.report.definition import load_definition
from esgledger.report.render.docx import render_docx_bytes
from esgledger.report.render.html import render_html
from esgledger.report.render.xlsx import render_xlsx_bytes
from report_helpers import sample_data

# Numbers that are not figures: years, and numbers inside names of standards and units.
NOT_FIGURES = [
    r"(?<![\d,.])(19|20)\d\d-\d\d-\d\d(?!\d)",  # the report date
    r"(?<![\d,.])(19|20)\d\d(?!\d|[,.]\d)",  # years (table headers, "in 2024", "2024年")
    r"ISO \d+",
    r"IFRS S\d",
    r"Scope \d( \+ \d)?",
    r"No\. ?\d+",
    r"第\d+号",
    r"AR\d",
    r"tCO2e?",
    r"CO2",
]
NUMBER = re.compile(r"\d[\d,]*(\.\d+)?")


def stray_numbers(text: str) -> list[str]:
    for pattern in NOT_FIGURES:
        text = re.sub(pattern, " ", text)
    return [m.group(0) for m in NUMBER.finditer(text)]


def annex(publication, lang):
    wb = load_workbook(io.BytesIO(render_xlsx_bytes(publication, lang)))
    ws = wb.worksheets[0]
    header = [c.value for c in ws[1]]
    rows = [dict(zip(header, r, strict=True)) for r in ws.iter_rows(min_row=2, values_only=True)]
    ref, printed = header[1], header[10]
    return {r[header[0]]: (r[ref], r[printed].lstrip("'")) for r in rows}


@pytest.fixture(scope="module")
def publication():
    return compose_publication(load_definition(), sample_data(), ["en", "zh"])


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_number_in_the_html_is_an_annex_figure(publication, lang):
    rows = annex(publication, lang)
    page = render_html(publication, lang)
    page = re.sub(r"<style>.*?</style>", " ", page, flags=re.S)
    page = re.sub(r"<svg.*?</svg>", " ", page, flags=re.S)  # chart drawings (axis ticks)
    page = re.sub(r'<table class="index-table">.*?</table>', " ", page, flags=re.S)

    spans = re.findall(
        r'<span class="fig" data-fig="(F\d+)" data-ref="([^"]+)">([^<]*)</span>', page
    )
    assert len(spans) > 50
    for fid, ref, text in spans:
        assert rows[fid] == (htmllib.unescape(ref), htmllib.unescape(text))
    # Everything else on the page must be free of numbers.
    rest = re.sub(r'<span class="fig".*?</span>', " ", page)
    rest = htmllib.unescape(re.sub(r"<[^>]+>", " ", rest))
    assert stray_numbers(rest) == []
    # And every annex figure is printed somewhere (text, table or chart).
    printed_ids = {fid for fid, _, _ in spans}
    charts = {
        f
        for s in publication.edition(lang).sections
        for b in s.blocks
        if b.kind == "chart"
        for series in b.series
        for f in series.figures
        if f
    }
    assert set(rows) <= printed_ids | charts | _target_only(publication, lang)


def _target_only(publication, lang):
    """Figures registered for a chart's target line (drawn, not in the text)."""
    return {f.id for f in publication.edition(lang).figure_list() if f.ref.run == "target"}


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_number_in_the_docx_is_an_annex_figure(publication, lang):
    printed = sorted({p for _, p in annex(publication, lang).values()}, key=len, reverse=True)
    doc = Document(io.BytesIO(render_docx_bytes(publication, lang)))
    texts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        if table.rows and table.rows[0].cells[0].text in ("Code", "编号"):
            continue  # content index: catalogue codes and titles, not figures
        texts += [c.text for r in table.rows for c in r.cells]
    leftovers = []
    for text in texts:
        for value in printed:
            text = text.replace(value, " ")
        leftovers += stray_numbers(text)
    assert leftovers == []


def test_the_check_can_fail():
    assert stray_numbers("We emitted 12,345 tCO2e in 2024 under ISO 14001") == ["12,345"]
