"""Every number printed in the report appears in the XLSX data annex with its lineage reference."""

import io
import re

import pytest
from docx import Document

from esgledger.report.build import compose_publication
from esgledger.report.definition import load_definition
from esgledger.report.render.docx import render_docx_bytes
from esgledger.report.render.html import render_html
from esgledger.report.render.xlsx import render_xlsx_bytes
from report_helpers import (
    annex_rows,
    html_figures_check,
    sample_data,
    stray_numbers,
    strip_dates,
)


def annex(publication, lang):
    return annex_rows(render_xlsx_bytes(publication, lang))


@pytest.fixture(scope="module")
def publication():
    return compose_publication(load_definition(), sample_data(), ["en", "zh"])


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_number_in_the_html_is_an_annex_figure(publication, lang):
    rows = annex(publication, lang)
    page = render_html(publication, lang)
    spans = html_figures_check(page, rows)
    assert len(spans) > 50
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
    from esgledger.report.definition import ChartBlock, load_definition

    # chart titles are text of the definition, which may name a scope ("7 key entities")
    titles = {
        b.chart.title.get(lang)
        for s in load_definition().sections
        for b in s.blocks
        if isinstance(b, ChartBlock)
    }
    cells, texts = [], [p.text for p in doc.paragraphs if p.text not in titles]
    for table in doc.tables:
        if table.rows and table.rows[0].cells[0].text in ("Code", "编号"):
            continue  # content index: catalogue codes and titles, not figures
        cells += [c.text for r in table.rows for c in r.cells]
    exact = set(printed)
    texts += [c for c in cells if c not in exact]  # a table cell is one figure, or text
    patterns = [re.compile(rf"(?<![\d.,]){re.escape(v)}(?![\d]|[.,]\d)") for v in printed]
    leftovers = []
    for text in texts:
        text = strip_dates(text)  # before a figure "3" could eat the 3 of "3月31日"
        for pattern in patterns:
            text = pattern.sub(" ", text)
        leftovers += stray_numbers(text)
    assert leftovers == []


def test_the_check_can_fail():
    assert stray_numbers("We emitted 12,345 tCO2e in 2024 under ISO 14001") == ["12,345"]
