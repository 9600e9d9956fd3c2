"""Accessible, editable report files (issue 12 item 6): tagged PDF/UA-1 with XMP and
searchable chart text, PDF/A-3b on request; DOCX with a filled TOC, headers and page
numbers, chart alt text, languages and unbroken header words; XLSX with display units,
precision, no literal apostrophes, Chinese throughout; the build log."""

import io
import re
import shutil
import subprocess
import zipfile
from dataclasses import replace

import pytest
from docx import Document
from openpyxl import load_workbook

from esgledger.report.build import compose_publication, publish
from esgledger.report.charts import chart_alt, chart_svg
from esgledger.report.definition import load_definition
from esgledger.report.model import Chart
from esgledger.report.render.base import RenderOptions
from esgledger.report.render.docx import column_widths, render_docx_bytes, text_width_mm
from esgledger.report.render.pdf import render_pdf_bytes
from esgledger.report.render.xlsx import render_xlsx_bytes
from report_helpers import sample_data

POPPLER = shutil.which("pdfinfo") is not None
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


@pytest.fixture(scope="module")
def publication():
    return compose_publication(load_definition(), sample_data(), ["en", "zh"])


@pytest.fixture(scope="module")
def pdf_files(publication, tmp_path_factory):
    folder = tmp_path_factory.mktemp("pdf")
    archive = replace(publication, options=RenderOptions(pdf_archive=True))
    out = {}
    for name, pub in (("ua", publication), ("a", archive)):
        path = folder / f"zh-{name}.pdf"
        path.write_bytes(render_pdf_bytes(pub, "zh"))
        out[name] = path
    return out


def poppler(*args: str) -> str:
    return subprocess.run(args, capture_output=True, text=True, check=True).stdout


def pdf_objects(data: bytes) -> bytes:
    """Every object of a PDF as text, object streams inflated (for /Lang, /Alt, tags)."""
    import zlib

    parts = [data]
    for m in re.finditer(rb"stream\r?\n(.*?)endstream", data, re.S):
        try:
            parts.append(zlib.decompress(m.group(1)))
        except zlib.error:
            continue
    return b"\n".join(parts)


def charts_of(report):
    return [b for s in report.sections for b in s.blocks if isinstance(b, Chart)]


# --- PDF -----------------------------------------------------------------------------


@pytest.mark.skipif(not POPPLER, reason="poppler-utils (pdfinfo, pdftotext) not installed")
def test_pdf_is_tagged_pdf_ua_with_language_and_xmp(publication, pdf_files):
    report = publication.edition("zh")
    info = poppler("pdfinfo", str(pdf_files["ua"]))
    assert re.search(r"Tagged:\s+yes", info)
    assert re.search(r"Author:\s+中国北方稀土", info)
    meta = poppler("pdfinfo", "-meta", str(pdf_files["ua"]))
    assert 'pdfuaid:part="1"' in meta
    assert "<rdf:li>zh-CN</rdf:li>" in meta  # dc:language
    assert report.title in meta  # dc:title
    assert "<dc:creator>" in meta and "<dc:description>" in meta
    assert "pdfaid" not in meta  # not PDF/A unless asked
    objects = pdf_objects(pdf_files["ua"].read_bytes())
    assert b"/StructTreeRoot" in objects
    assert b"/Lang (zh-CN)" in objects
    assert b"/DisplayDocTitle true" in objects
    # every chart is a Figure with its text alternative as /Alt
    assert objects.count(b"/S /Figure") >= len(charts_of(report))
    assert objects.count(b"/Alt") >= len(charts_of(report))


@pytest.mark.skipif(not POPPLER, reason="poppler-utils (pdfinfo, pdftotext) not installed")
def test_pdf_a3b_on_request_is_still_tagged_and_claims_pdf_ua(pdf_files):
    assert re.search(r"Tagged:\s+yes", poppler("pdfinfo", str(pdf_files["a"])))
    meta = poppler("pdfinfo", "-meta", str(pdf_files["a"]))
    assert 'pdfaid:part="3"' in meta and 'pdfaid:conformance="B"' in meta
    assert 'pdfuaid:part="1"' in meta
    assert b"/OutputIntents" in pdf_objects(pdf_files["a"].read_bytes())  # sRGB


@pytest.mark.skipif(not POPPLER, reason="poppler-utils (pdfinfo, pdftotext) not installed")
def test_chart_labels_are_searchable_text_in_the_pdf(pdf_files):
    text = poppler("pdftotext", str(pdf_files["ua"]), "-")
    # tick labels of the materiality matrix's axes exist only in the chart
    assert "4.75" in text and "3.25" in text
    assert "财务重要性" in text  # an axis title
    # the heat map's likelihood axis title is in the chart too, not only in the table
    assert text.count("可能性") >= 2


def test_chart_svg_keeps_text_and_carries_its_alternative(publication):
    chart = next(c for c in charts_of(publication.edition("zh")) if c.chart == "stacked_bars")
    svg = chart_svg(chart)
    assert "<text" in svg  # text, not glyph paths
    assert re.search(r"<svg[^>]*role=\"img\"[^>]*><title>", svg)
    alt = chart_alt(chart)
    assert alt.startswith(chart.title) and chart.series[0].name in alt
    # the values in words: 2024 Scope 1 of the hand-made data is 380,000 tCO2e
    assert "380,000" in alt


# --- DOCX ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def docx_zh(publication):
    return render_docx_bytes(publication, "zh")


def test_docx_toc_is_filled_and_updated_on_open(publication, docx_zh):
    report = publication.edition("zh")
    package = zipfile.ZipFile(io.BytesIO(docx_zh))
    settings = package.read("word/settings.xml").decode()
    assert '<w:updateFields w:val="true"/>' in settings
    doc = Document(io.BytesIO(docx_zh))
    toc = [p for p in doc.paragraphs if p.style.name.startswith("toc ")]
    assert [p.text.rstrip("\t") for p in toc] == [s.title for s in report.sections]
    body = package.read("word/document.xml").decode()
    assert 'TOC \\o "1-2"' in body
    assert body.count("PAGEREF _Toc") == len(report.sections)
    assert body.count("<w:bookmarkStart") >= len(report.sections)  # each heading a target


def test_docx_has_header_and_page_numbers_except_on_the_cover(publication, docx_zh):
    doc = Document(io.BytesIO(docx_zh))
    section = doc.sections[0]
    assert section.different_first_page_header_footer
    assert publication.edition("zh").company in section.header.paragraphs[0].text
    footer = section.footer._element.xml
    assert " PAGE " in footer and "第 " in section.footer.paragraphs[0].text


def test_docx_charts_have_alt_text_and_names(publication, docx_zh):
    charts = charts_of(publication.edition("zh"))
    doc = Document(io.BytesIO(docx_zh))
    props = [s._inline.docPr for s in doc.inline_shapes]
    assert len(props) == len(charts)
    for pr, chart in zip(props, charts, strict=True):
        assert pr.get("descr") == chart_alt(chart)
        assert pr.get("title") == chart.title
        assert not pr.get("name").startswith("Picture")


def test_docx_runs_are_tagged_in_their_language(publication, docx_zh):
    styles = zipfile.ZipFile(io.BytesIO(docx_zh)).read("word/styles.xml").decode()
    assert re.search(r'<w:lang w:val="zh-CN" w:eastAsia="zh-CN"', styles)
    en = render_docx_bytes(publication, "en")
    styles = zipfile.ZipFile(io.BytesIO(en)).read("word/styles.xml").decode()
    assert re.search(r'<w:lang w:val="en-US" w:eastAsia="zh-CN"', styles)  # names in Chinese
    assert 'en-US" w:eastAsia="en-US' not in styles


def test_table_header_words_never_break(publication):
    # six columns, the fourth a tenth of 174 mm: 17.4 mm is too narrow for "Likelihood"
    header = ["Type", "Risk or opportunity", "Horizon", "Likelihood", "Magnitude", "Response"]
    widths = column_widths((14, 18, 12, 10, 10, 36), header)
    assert sum(widths) == pytest.approx(174.0)
    for word, width in zip(header, widths, strict=True):
        for part in word.split():
            assert width >= text_width_mm(part)
    assert widths[5] < 174 * 36 / 100  # the room came from the widest column
    doc = Document(io.BytesIO(render_docx_bytes(publication, "en")))
    for table in doc.tables:
        first = table.rows[0]._tr
        if first.find(f"{W}trPr/{W}tblHeader") is None:
            continue  # a grid of KPI cells, no header
        for cell in table.rows[0].cells:
            words = cell.text.split()
            width_mm = cell.width / 36000
            assert all(text_width_mm(w) < width_mm for w in words), cell.text


# --- XLSX ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def annex_zh(publication):
    return load_workbook(io.BytesIO(render_xlsx_bytes(publication, "zh")))


def test_xlsx_uses_display_units_and_the_printed_precision(annex_zh):
    ws = annex_zh.worksheets[0]
    header = [c.value for c in ws[1]]
    unit, value, printed = header.index("单位"), header.index("数值"), header.index("报告中显示")
    rows = list(ws.iter_rows(min_row=2))
    units = {r[unit].value for r in rows}
    assert not units & {"percent", "person_time", "kgce/tREO", "MWh", "person"}  # ledger codes
    assert {"兆瓦时", "千克标准煤/吨REO", "%"} <= units
    by_printed = {r[printed].value: r[value] for r in rows}
    # 919 kgce/tREO (seed, 2024) is printed without decimals, and so is its cell
    assert by_printed["919千克标准煤/吨REO"].number_format == "#,##0"
    # (919 − 997) / 997 = −7.82 %: printed "-7.8%", the cell keeps −7.8235 shown with 1 decimal
    cell = by_printed["-7.8%"]
    assert cell.data_type == "n" and cell.value == pytest.approx((919 - 997) / 997 * 100)
    assert cell.number_format == "#,##0.0"
    assert all(isinstance(r[header.index("期间")].value, int) for r in rows)


def test_xlsx_has_no_literal_apostrophes_and_signed_figures_stay_text(annex_zh):
    ws = annex_zh.worksheets[0]
    printed = [c for c in ws["K"][1:] if isinstance(c.value, str)]
    assert not [c.value for c in printed if c.value.startswith("'")]
    signed = [c for c in printed if c.value.startswith(("-", "+"))]
    assert signed and all(c.quotePrefix and c.data_type == "s" for c in signed)


def test_xlsx_zh_is_chinese_throughout_and_warnings_are_in_the_build_log(annex_zh, tmp_path):
    assert annex_zh.sheetnames == ["数据", "索引", "说明"]
    ws = annex_zh.worksheets[0]
    for row in ws.iter_rows(min_row=2, values_only=True):
        section, run, source = row[2], row[12], row[13]
        assert re.search(r"[\u4e00-\u9fff]", section), section  # a section title, not an id
        assert run != "ledger"
        assert not (source or "").startswith(("sum of", "calc", "observation")), source
    about = {r[0]: r[1] for r in annex_zh["说明"].iter_rows(values_only=True)}
    assert "提示" not in about  # no warnings in the annex
    assert "esg-report-2024-build-log.txt" in about["构建说明"]
    assert about["报告日期"] == "2025年3月31日"

    paths = publish(sample_data(), ["en", "zh"], ["xlsx"], tmp_path)
    assert [p.name for p in paths] == ["esg-report-2024-en.xlsx", "esg-report-2024-zh.xlsx"]
    log = (tmp_path / "esg-report-2024-build-log.txt").read_text(encoding="utf-8")
    assert "files:\n  esg-report-2024-en.xlsx\n  esg-report-2024-zh.xlsx\n" in log
    # the hand-made data has no board figures: the table row is left out, with a warning
    assert "no values for board.size: row left out of the table" in log
    assert log.count("board.size") == 1  # each warning once, not once per language


@pytest.mark.skipif(not POPPLER, reason="poppler-utils (pdfinfo) not installed")
def test_publish_makes_pdf_a_on_request_and_logs_it(tmp_path):
    (path,) = publish(sample_data(), ["en"], ["pdf"], tmp_path, pdf_archive=True)
    meta = poppler("pdfinfo", "-meta", str(path))
    assert 'pdfaid:part="3"' in meta and "<rdf:li>en</rdf:li>" in meta
    log = (tmp_path / "esg-report-2024-build-log.txt").read_text(encoding="utf-8")
    assert "PDF: PDF/A-3b and PDF/UA-1" in log
