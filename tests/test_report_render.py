"""Renderers: self-contained HTML, A4 PDF with CJK font, editable DOCX, XLSX data annex;
determinism and timestamps; a clear error without a CJK font."""

import io
import re
import shutil
import subprocess
import time
import zipfile
from datetime import UTC, date, datetime

import pytest
from docx import Document
from openpyxl import load_workbook

from esgledger import chartstyle as fonts  # the CJK font lookup lives there
from esgledger.errors import ReportError
from esgledger.report.build import compose_publication, output_name, publish
from esgledger.report.charts import chart_png, chart_svg
from esgledger.report.definition import load_definition
from esgledger.report.model import Chart
from esgledger.report.render import get_renderer
from esgledger.report.render.base import safe_text
from esgledger.report.render.docx import render_docx_bytes
from esgledger.report.render.html import render_html
from esgledger.report.render.pdf import render_pdf_bytes
from esgledger.report.render.xlsx import render_xlsx_bytes
from report_helpers import sample_data

POPPLER = shutil.which("pdftotext") is not None


@pytest.fixture(scope="module")
def publication():
    return compose_publication(load_definition(), sample_data(), ["en", "zh"])


@pytest.fixture(scope="module")
def pdfs(publication):
    return {lang: render_pdf_bytes(publication, lang) for lang in ("en", "zh")}


def charts_of(report):
    return [b for s in report.sections for b in s.blocks if isinstance(b, Chart)]


# --- HTML ----------------------------------------------------------------------------


def test_html_is_one_self_contained_responsive_printable_file(publication):
    html = render_html(publication, "zh")
    assert html.startswith("<!DOCTYPE html>")
    assert '<html lang="zh-CN">' in html
    assert '<meta name="viewport"' in html
    assert "@media (max-width: 600px)" in html
    assert "@media print" in html
    assert "<link" not in html
    assert "<script" not in html
    assert not re.search(r'\s(src|href)="(https?:)?//', html)
    assert html.count("<svg") == len(charts_of(publication.edition("zh")))
    assert "819,687" in html  # seed 2024 purchased electricity


EVIL = (
    '<script>alert(1)</script><img src=x onerror=alert(2)>"\'><a href="javascript:alert(3)">x</a>'
)


def test_names_from_data_are_text_in_every_place_of_the_page():
    from html.parser import HTMLParser

    from esgledger.report.data import IndexEntry, MaterialTopic, RiskItem

    data = sample_data()
    data.company_en = data.company_zh = EVIL
    data.entity_names["NRE"] = (EVIL, EVIL)
    data.topics[0] = MaterialTopic("T01", EVIL, EVIL, 4.4, 4.2, "highly material")
    data.risks[0] = RiskItem(
        "R1", EVIL, EVIL, EVIL, 4, 3, horizon=EVIL, kind_en=EVIL, kind_zh=EVIL,
        response_en=EVIL, response_zh=EVIL,
    )  # fmt: skip
    data.indexes["gri"].append(IndexEntry("gri", "2-2", EVIL, EVIL, (), "not applicable", EVIL))
    pub = compose_publication(load_definition(), data, ["en", "zh"])

    class Elements(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.bad: list[object] = []

        def handle_starttag(self, tag, attrs):
            if tag in ("script", "img", "iframe"):
                self.bad.append(tag)
            for name, value in attrs:
                if name.startswith("on") or (value or "").lower().startswith("javascript:"):
                    self.bad.append((tag, name, value))

    for lang in ("en", "zh"):
        for mode in ("html", "pdf"):
            page = render_html(pub, lang, mode)
            parser = Elements()
            parser.feed(page)
            assert parser.bad == [], (lang, mode)
            assert page.count("&lt;script&gt;") >= 8  # cover/masthead, tables, index, ...


@pytest.mark.parametrize("where", ["report.html.j2", "style.css"])
def test_page_template_and_style_sheet_are_sandboxed(tmp_path, where):
    from dataclasses import replace

    from esgledger.report.definition import default_template_dir

    escape = "{{ ''.__class__.__mro__[1].__subclasses__() }}"
    text = (default_template_dir() / where).read_text(encoding="utf-8") + escape
    pub = compose_publication(load_definition(), sample_data(), ["en"])
    pub = replace(pub, **{"html_template" if where.endswith("j2") else "css": text})
    with pytest.raises(ReportError, match=f"{where}: access to attribute '__class__'"):
        render_html(pub, "en")


def test_html_is_byte_identical_across_runs(publication):
    first = render_html(publication, "en")
    chart_svg.cache_clear()
    again = compose_publication(load_definition(), sample_data(), ["en"])
    assert render_html(again, "en") == first


_DIGESTS = """
import hashlib, sys
sys.path.insert(0, sys.argv[1])
from report_helpers import sample_data
from esgledger.report.build import compose_publication
from esgledger.report.definition import load_definition
from esgledger.report.render.html import render_html
from esgledger.report.render.xlsx import render_xlsx_bytes
pub = compose_publication(load_definition(), sample_data(), ["en", "zh"])
for lang in ("en", "zh"):
    print(hashlib.sha256(render_html(pub, lang).encode()).hexdigest())
    print(hashlib.sha256(render_xlsx_bytes(pub, lang)).hexdigest())
"""


@pytest.mark.slow
def test_html_and_xlsx_are_byte_identical_across_processes():
    # In one process every set and dict iterates in the same order; a fresh process with
    # another hash seed shows whether any output depends on that order.
    import os
    import sys
    from pathlib import Path

    tests = str(Path(__file__).parent)
    runs = []
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        done = subprocess.run(
            [sys.executable, "-c", _DIGESTS, tests],
            capture_output=True,
            text=True,
            env=env,
            check=True,
        )
        runs.append(done.stdout.split())
    assert len(runs[0]) == 4
    assert runs[0] == runs[1]


def test_svg_ids_are_unique_on_the_page(publication):
    html = render_html(publication, "en")
    ids = re.findall(r'\sid="([^"]+)"', html)
    assert len(ids) == len(set(ids))


# --- charts --------------------------------------------------------------------------


def test_charts_render_chinese_labels_without_missing_glyphs(publication, recwarn):
    chart_svg.cache_clear()
    chart_png.cache_clear()
    for chart in charts_of(publication.edition("zh")):
        assert chart_svg(chart).startswith("<svg")
        assert chart_png(chart)[:8] == b"\x89PNG\r\n\x1a\n"
    assert [str(w.message) for w in recwarn] == []  # matplotlib warns on a missing glyph


def test_charts_are_deterministic(publication):
    chart = charts_of(publication.edition("en"))[0]
    svg, png = chart_svg(chart), chart_png(chart)
    chart_svg.cache_clear()
    chart_png.cache_clear()
    assert chart_svg(chart) == svg
    assert chart_png(chart) == png
    assert "<dc:date>" not in svg


# --- XLSX ----------------------------------------------------------------------------


def test_xlsx_lists_every_figure_with_numbers_as_numbers(publication):
    report = publication.edition("en")
    wb = load_workbook(io.BytesIO(render_xlsx_bytes(publication, "en")))
    ws = wb.worksheets[0]
    header = [c.value for c in ws[1]]
    assert header[:3] == ["Figure", "Lineage reference", "Section"]
    rows = list(ws.iter_rows(min_row=2))
    assert len(rows) == len(report.figures)
    for row in rows:
        value = row[header.index("Value")]
        assert value.data_type == "n"
        assert isinstance(value.value, int | float)
        fig = report.figures[row[0].value]
        assert row[1].value == str(fig.ref)
        assert value.value == pytest.approx(fig.value)
    codes = {r[header.index("Framework codes")].value for r in rows}
    assert "GRI 302-1" in codes


def test_xlsx_neutralizes_formula_text():
    data = sample_data()
    data.company_en = '=HYPERLINK("http://evil","x")'
    data.entity_names["NRE"] = ("+cmd|' /C calc'!A0", "@SUM(1)")
    pub = compose_publication(load_definition(), data, ["en"])
    wb = load_workbook(io.BytesIO(render_xlsx_bytes(pub, "en")))
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f"
                if isinstance(cell.value, str) and cell.value.startswith(("=", "+", "-", "@")):
                    # only a figure printed with its sign, and then marked as text
                    assert re.fullmatch(r"[-+][\d,.]+[%\w ]*", cell.value), cell.value
                    assert cell.quotePrefix, cell.value
    names = {c.value for c in wb.worksheets[0]["G"][1:]}
    assert "'+cmd|' /C calc'!A0" in names


@pytest.mark.parametrize(
    ("text", "expected"),
    [("=1+1", "'=1+1"), ("-5", "'-5"), ("@x", "'@x"), ("+", "'+"), ("ok", "ok"), ("", "")],
)
def test_safe_text(text, expected):
    assert safe_text(text) == expected


def test_xlsx_and_docx_are_byte_identical_across_runs(publication):
    x1, d1 = render_xlsx_bytes(publication, "zh"), render_docx_bytes(publication, "zh")
    time.sleep(2.1)  # ZIP entry times have a two-second resolution
    assert render_xlsx_bytes(publication, "zh") == x1
    assert render_docx_bytes(publication, "zh") == d1


def pdf_date(data: bytes, tmp_path) -> str:
    path = tmp_path / "d.pdf"
    path.write_bytes(data)
    out = subprocess.run(["pdfinfo", "-isodates", str(path)], capture_output=True, text=True)
    match = re.search(r"CreationDate:\s+(\S+)", out.stdout)
    assert match, out.stdout
    return match.group(1)


@pytest.mark.skipif(not POPPLER, reason="poppler-utils (pdfinfo) not installed")
def test_timestamps_come_from_source_date_epoch(publication, pdfs, monkeypatch, tmp_path):
    report_day = datetime(2025, 3, 31)
    docx = Document(io.BytesIO(render_docx_bytes(publication, "en")))
    assert docx.core_properties.created.replace(tzinfo=None) == report_day
    wb = load_workbook(io.BytesIO(render_xlsx_bytes(publication, "en")))
    assert wb.properties.modified == report_day
    assert pdf_date(pdfs["en"], tmp_path) == "2025-03-31T00:00:00Z"

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")  # 2023-11-14 22:13:20 UTC
    when = datetime.fromtimestamp(1700000000, tz=UTC).replace(tzinfo=None)
    docx = Document(io.BytesIO(render_docx_bytes(publication, "en")))
    assert docx.core_properties.created.replace(tzinfo=None) == when
    data = render_xlsx_bytes(publication, "en")
    assert b"2023-11-14T22:13:20Z" in zipfile.ZipFile(io.BytesIO(data)).read("docProps/core.xml")
    assert pdf_date(render_pdf_bytes(publication, "en"), tmp_path) == "2023-11-14T22:13:20Z"

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "yesterday")
    with pytest.raises(ReportError, match="SOURCE_DATE_EPOCH"):
        render_docx_bytes(publication, "en")


# --- DOCX ----------------------------------------------------------------------------


def test_docx_uses_heading_styles_tables_and_pictures(publication):
    report = publication.edition("zh")
    doc = Document(io.BytesIO(render_docx_bytes(publication, "zh")))
    styles = [p.style.name for p in doc.paragraphs]
    assert styles.count("Heading 1") == sum(1 for s in report.sections if s.level == 1)
    assert styles.count("Heading 2") == sum(1 for s in report.sections if s.level == 2)
    assert len(doc.inline_shapes) == len(charts_of(report))
    assert len(doc.tables) >= 10
    texts = " ".join(c.text for t in doc.tables for r in t.rows for c in r.cells)
    assert "819,687" in texts


# --- PDF -----------------------------------------------------------------------------


@pytest.mark.skipif(not POPPLER, reason="poppler-utils (pdftotext, pdffonts) not installed")
def test_pdf_is_a4_with_toc_page_numbers_and_embedded_cjk_font(pdfs, tmp_path):
    path = tmp_path / "zh.pdf"
    path.write_bytes(pdfs["zh"])
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True)
    assert re.search(r"Page size:\s+595\.\d+ x 841\.\d+ pts \(A4\)", info.stdout)
    fonts_out = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True).stdout
    cjk = [line for line in fonts_out.splitlines() if "NotoSansCJK" in line.replace("-", "")]
    assert cjk and all(" yes yes " in line for line in cjk)  # embedded, subset
    text = subprocess.run(
        ["pdftotext", "-layout", "-f", "2", "-l", "3", str(path), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "目录" in text
    assert re.search(r"关于本报告\s*\.*\s*\d+", text)  # table of contents with page numbers
    body = subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "819,687" in body
    assert "\ufffd" not in body


@pytest.mark.skipif(not POPPLER, reason="poppler-utils not installed")
def test_pdf_has_running_header_and_page_footer(pdfs, tmp_path):
    path = tmp_path / "en.pdf"
    path.write_bytes(pdfs["en"])
    page5 = subprocess.run(
        ["pdftotext", "-f", "5", "-l", "5", str(path), "-"], capture_output=True, text=True
    ).stdout
    assert "China Northern Rare Earth" in page5  # running header: the company
    assert re.search(r"^\s*5\s*$", page5, re.M)  # footer: the page number


def test_no_cjk_font_is_a_clear_report_error(publication, monkeypatch, tmp_path):
    monkeypatch.setattr(fonts, "_font_entries", lambda: [("DejaVu Sans", "/x/DejaVuSans.ttf")])
    fonts._cached.cache_clear()
    chart_svg.cache_clear()
    try:
        with pytest.raises(ReportError, match="no CJK font"):
            render_pdf_bytes(publication, "zh")
        with pytest.raises(ReportError, match="fonts-noto-cjk"):
            publish(sample_data(), ["zh"], ["html"], tmp_path)
        assert not (tmp_path / output_name(2024, "zh", ".html")).exists()
    finally:
        fonts._cached.cache_clear()
        chart_svg.cache_clear()


def test_unknown_format_and_language():
    with pytest.raises(ReportError, match="unknown report format 'odt'"):
        get_renderer("odt")
    with pytest.raises(ReportError, match="unknown language 'fr'"):
        publish(sample_data(), ["fr"], ["html"], None)  # type: ignore[arg-type]


def test_publish_writes_every_language_and_format(tmp_path):
    seen = []
    paths = publish(
        sample_data(),
        ["en", "zh"],
        ["html", "xlsx"],
        tmp_path,
        lambda done, total, what: seen.append((done, total, what)),
        report_date=date(2025, 4, 30),
    )
    assert [p.name for p in paths] == [
        "esg-report-2024-en.html",
        "esg-report-2024-en.xlsx",
        "esg-report-2024-zh.html",
        "esg-report-2024-zh.xlsx",
    ]
    assert seen[-1][:2] == (5, 5)
    assert "2025-04-30" in paths[0].read_text(encoding="utf-8")


def test_chart_labels_cannot_inject_markup():
    from esgledger.report.model import ChartSeries

    evil = "--><script>alert(1)</script><!--"
    chart = Chart(
        id="evil",
        chart="materiality",
        title="t",
        points=((3.0, 4.0, evil), (4.0, 3.5, "ok")),
        series=(ChartSeries("Highly material", ()), ChartSeries("Material", ())),
        x_label=evil,
        y_label="y",
    )
    svg = chart_svg(chart)
    assert "<script" not in svg
    assert "&lt;script&gt;" in svg  # the label survives only as escaped text in a comment


def test_pdf_is_byte_identical_across_runs(publication, pdfs):
    assert render_pdf_bytes(publication, "en") == pdfs["en"]
