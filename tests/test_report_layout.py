"""What a reader sees: charts at print size with readable, non-overlapping labels; long
tables that break across pages under a repeated header; Chinese omission notes in the
Chinese index; DOCX on A4 with repeating header rows; one chart style for every chart."""

import io
import math
import re
import shutil
import subprocess

import pytest
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Length

from esgledger import chartstyle
from esgledger.assess.charts import HeatItem, MatrixPoint, heatmap_figure, matrix_figure
from esgledger.chartstyle import TEXT_WIDTH_IN, chart_style
from esgledger.errors import ReportError
from esgledger.report.build import compose_publication
from esgledger.report.charts import chart_svg
from esgledger.report.data import IndexEntry, RiskItem
from esgledger.report.definition import load_definition
from esgledger.report.indexes import DEFAULT_OUTLINE, build_index, index_entries
from esgledger.report.model import Chart, ChartSeries, GridTable
from esgledger.report.render.docx import render_docx_bytes
from esgledger.report.render.html import render_html
from esgledger.report.render.pdf import render_pdf_bytes
from report_helpers import sample_data

POPPLER = shutil.which("pdftotext") is not None


def _renderer(fig):
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    canvas = FigureCanvasAgg(fig)
    canvas.draw()  # lays out the text, so the extents below are the drawn ones
    return canvas.get_renderer()


# --- charts ----------------------------------------------------------------------------


def _cluster(n: int) -> list[MatrixPoint]:
    """``n`` topics crowded into a 0.3 x 0.3 square (scores 3.5-3.8), one far away."""
    pts = [
        MatrixPoint(
            3.5 + 0.3 * ((i * 7) % n) / n,
            3.5 + 0.3 * ((i * 3) % n) / n,
            i + 1,
            "#2d5d8a",
            f"Topic {i + 1}",
        )
        for i in range(n)
    ]
    return [*pts, MatrixPoint(4.5, 4.4, n + 1, "#1b7f5c", "Far topic")]


def test_matrix_zooms_to_the_scores_and_keeps_the_threshold_lines():
    pts = [
        MatrixPoint(2.76, 3.2, 1, "#e0a100", "Low"),
        MatrixPoint(4.5, 4.45, 2, "#1b7f5c", "High"),
    ]
    with chart_style("en"):
        fig = matrix_figure(
            pts, thresholds=(2.0, 3.0, 4.0), x_label="x", y_label="y", legend=[("High", "#1b7f5c")]
        )
    ax = fig.axes[0]
    # lowest score 2.76 - 0.12 padding = 2.64, down to a quarter point: 2.50;
    # highest 4.5 + 0.12 = 4.62, up to a quarter point: 4.75 (not the whole 1-5 scale)
    assert ax.get_xlim() == pytest.approx((2.5, 4.75))
    assert ax.get_ylim() == pytest.approx((2.5, 4.75))
    dashed = [ln for ln in ax.get_lines() if ln.get_linestyle() == "--"]
    # thresholds 3.0 and 4.0 are inside the range, two strokes each; 2.0 is below it
    assert len(dashed) == 4
    assert sorted(
        {ln.get_xdata()[0] for ln in dashed if ln.get_xdata()[0] == ln.get_xdata()[1]}
    ) == [3.0, 4.0]
    assert fig.get_size_inches()[0] == pytest.approx(174 / 25.4)  # A4 text width


def test_matrix_markers_do_not_overlap_even_in_a_tight_cluster():
    pts = _cluster(20)
    with chart_style("en"):
        fig = matrix_figure(pts, thresholds=(3.0, 3.5, 4.0), x_label="x", y_label="y", legend=())
    renderer = _renderer(fig)
    ax = fig.axes[0]
    marks = [t for t in ax.texts if t.get_bbox_patch() is not None]
    assert len(marks) == len(pts)
    circles = []
    for t in marks:
        box = t.get_bbox_patch().get_window_extent(renderer)
        circles.append(
            ((box.x0 + box.x1) / 2, (box.y0 + box.y1) / 2, min(box.width, box.height) / 2)
        )
    for i, (x1, y1, r1) in enumerate(circles):
        for x2, y2, r2 in circles[i + 1 :]:
            # the discs may touch, not cover each other's numbers (5 % slack for anti-aliasing)
            assert math.hypot(x2 - x1, y2 - y1) >= 0.95 * (r1 + r2)
    axes_box = ax.get_window_extent(renderer)
    for x, y, _ in circles:
        assert axes_box.x0 <= x <= axes_box.x1 and axes_box.y0 <= y <= axes_box.y1
    # every topic is named beside the plot, and nothing is set below 6 pt
    names = {t.get_text() for t in fig.texts}
    assert {p.name for p in pts} <= names
    assert min(t.get_fontsize() for t in [*fig.texts, *ax.texts]) >= 6


def test_heatmap_places_every_code_in_its_cell_and_lists_every_title():
    items = [
        HeatItem("TR-P1", "Carbon pricing", 4, 4),
        HeatItem("PHY-C1", "Drought", 3, 4),
        HeatItem("TR-M1", "Demand", 3, 4),
        HeatItem("OP-E1", "Green power", 4, 3, opportunity=True),
    ]
    with chart_style("zh"):
        fig = heatmap_figure(items, x_label="可能性", y_label="影响程度", lang="zh")
    ax = fig.axes[0]
    placed = {t.get_text(): t.get_position() for t in ax.texts}
    for i in items:
        x, y = placed[i.code]
        assert abs(x - i.likelihood) < 0.5 and abs(y - i.magnitude) < 0.5  # inside its cell
    listed = " ".join(t.get_text() for t in fig.texts)
    assert "Carbon pricing (4×4)" in listed and "Green power (4×3)" in listed
    assert "蓝色为机遇" in listed  # the key, in Chinese


def test_report_charts_are_drawn_at_the_text_width():
    chart = Chart(
        id="ghg",
        chart="stacked_bars",
        title="t",
        categories=("2023", "2024"),
        series=(ChartSeries("Scope 1", (378058.0, 346201.0)), ChartSeries("Scope 2", (1.0, 2.0))),
        unit="tCO2e",
    )
    svg = chart_svg(chart)
    # 174 mm = 6.850 in = 493.2 pt: shown at 100 % of the text width, 8 pt prints as 8 pt
    width = float(re.search(r'width="([\d.]+)pt"', svg).group(1))
    assert width == pytest.approx(174 / 25.4 * 72, abs=0.2)
    assert pytest.approx(6.850, abs=1e-3) == TEXT_WIDTH_IN


def test_english_charts_need_no_cjk_font_but_chinese_ones_fail_clearly(monkeypatch):
    monkeypatch.setattr(chartstyle, "_font_entries", lambda: [("DejaVu Sans", "/x/D.ttf")])
    chartstyle._cached.cache_clear()
    try:
        assert chartstyle.chart_rc("en")["font.sans-serif"] == ["DejaVu Sans"]
        with pytest.raises(ReportError, match="fonts-noto-cjk"):
            chartstyle.chart_rc("zh")
    finally:
        monkeypatch.undo()
        chartstyle._cached.cache_clear()
    assert chartstyle.chart_rc("zh")["font.sans-serif"][0] == chartstyle.find_cjk_font().family


# --- tables and index ------------------------------------------------------------------


def test_grid_headers_align_with_their_columns():
    from esgledger.report.model import Cell

    grid = GridTable(
        "Targets",
        ("Target", "Unit", "Baseline", "Status"),
        ((Cell("A"), Cell("t"), Cell("1", num=True), Cell("Achieved")),),
    )
    assert grid.numeric == (False, False, True, False)


def test_chinese_index_prints_the_chinese_omission_note():
    index = build_index("gri", DEFAULT_OUTLINE, frozenset())
    entry = next(e for e in index_entries(index) if e.code == "207-4")
    # omissions.csv: gri 207-4, not applicable, explained in both languages
    assert entry.omission_note.startswith("The group operates and pays tax only in mainland China")
    assert entry.omission_note_zh.startswith("集团的经营与纳税均在中国境内")
    data = sample_data()
    data.indexes["gri"] = [e for e in index_entries(index) if e.code in {"2-1", "207-4", "302-1"}]
    pub = compose_publication(load_definition(), data, ["en", "zh"])
    zh = render_html(pub, "zh")
    en = render_html(pub, "en")
    assert "不适用：集团的经营与纳税均在中国境内" in zh
    assert "The group operates" not in zh
    assert "Not applicable: The group operates and pays tax" in en


def _long_index_data():
    data = sample_data()
    data.indexes["gri"] = [
        IndexEntry("gri", f"9-{i}", f"Disclosure number {i}", f"披露项{i}", ("about",))
        for i in range(1, 121)
    ]
    data.risks.extend(
        RiskItem(f"X{i}", "transition.policy", f"Extra risk {i}", f"风险{i}", 2, 2)
        for i in range(1, 41)
    )
    return data


@pytest.mark.skipif(not POPPLER, reason="poppler-utils not installed")
def test_long_table_breaks_across_pages_under_a_repeated_header(tmp_path):
    pub = compose_publication(load_definition(), _long_index_data(), ["en"])
    path = tmp_path / "en.pdf"
    path.write_bytes(render_pdf_bytes(pub, "en"))
    pages = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout.split("\f")
    holding = [i for i, p in enumerate(pages) if re.search(r"\b9-\d+\b", p)]
    assert len(holding) >= 3  # 120 rows do not fit on one A4 page
    assert holding == list(range(holding[0], holding[-1] + 1))  # consecutive, no blank page
    for i in holding:
        assert re.search(r"Code\s+Disclosure\s+Section in this report", pages[i]), i
    # the table starts on the page of its heading, not after a forced break
    assert "GRI content index" in pages[holding[0]]
    # a long table in a figure no longer jumps to a new page, leaving a blank one behind:
    # it starts right under the heat map's note, on the same page
    risk_pages = [i for i, p in enumerate(pages) if re.search(r"Extra risk \d+", p)]
    assert len(risk_pages) >= 2
    assert "placed by likelihood and magnitude" in pages[risk_pages[0]]
    for i in risk_pages:
        assert re.search(r"Risk or\s", pages[i]), i  # the header row, repeated


def test_docx_is_a4_with_repeating_header_rows_and_full_width_charts():
    pub = compose_publication(load_definition(), sample_data(), ["zh"])
    doc = Document(io.BytesIO(render_docx_bytes(pub, "zh")))
    sec = doc.sections[0]
    assert (round(sec.page_width.mm), round(sec.page_height.mm)) == (210, 297)
    text_width = Length(sec.page_width - sec.left_margin - sec.right_margin)
    assert round(text_width.mm) == 174
    assert doc.tables
    for table in doc.tables[1:]:  # the first is the KPI grid, which has no header row
        trpr = table.rows[0]._tr.trPr
        assert trpr is not None and trpr.find(qn("w:tblHeader")) is not None
    assert all(s.width <= text_width for s in doc.inline_shapes)
    assert abs(max(s.width for s in doc.inline_shapes) - text_width) < 36_000  # within 1 mm


def test_highlights_title_is_not_repeated_inside_its_own_section():
    pub = compose_publication(load_definition(), sample_data(), ["en", "zh"])
    en = render_html(pub, "en")
    # once in the contents, once as the chapter title; the KPI box (whose default title
    # is the same words) no longer prints it a third time
    assert en.count(">Performance highlights<") == 2
    zh = render_html(pub, "zh")
    assert '<h3 class="kpis-title">关键绩效</h3>' in zh  # a different title is kept
    doc = Document(io.BytesIO(render_docx_bytes(pub, "en")))
    assert [p.text for p in doc.paragraphs].count("Performance highlights") == 1  # the heading
