"""The report's materiality matrix draws the tier limits the assessment used, not the defaults."""

from __future__ import annotations

from datetime import date

import pytest

from esgledger.assess import charts as assess_charts
from esgledger.assess.materiality import Thresholds
from esgledger.report.charts import chart_svg
from esgledger.report.compose import compose_report
from esgledger.report.data import ReportData
from esgledger.report.definition import load_definition
from esgledger.report.labels import tier_label
from esgledger.report.model import Chart
from esgledger.report.sources import add_materiality
from esgledger.store.assessments import import_materiality, materiality_result, run_materiality

TOPICS = (
    "code,name_en,name_zh,dimension,sse,gri\n"
    "t1,Topic one,议题一,E,1,GRI 305\n"
    "t2,Topic two,议题二,S,17,GRI 403\n"
    "t3,Topic three,议题三,G,,\n"
)
GROUPS = "code,name_en,name_zh,weight\nA,Group A,甲,0.6\nB,Group B,乙,0.4\n"
RESPONSES = (
    "respondent,group,topic,impact,financial\n"
    "r1,A,t1,5,4\nr2,A,t1,4,4\nr3,B,t1,3,2\n"
    "r1,A,t2,2,5\nr2,A,t2,3,5\nr3,B,t2,4,4\n"
    "r1,A,t3,2,2\nr2,A,t3,3,3\nr3,B,t3,2,1\n"
)
# not the defaults (highly 4.0, moderately 3.5, material 3.0)
LIMITS = Thresholds(highly=4.7, moderately=3.8, material=3.5)


def _data_from_assessment(ledger, tmp_path) -> ReportData:
    files = []
    for name, text in (("topics.csv", TOPICS), ("groups.csv", GROUPS), ("r.csv", RESPONSES)):
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        files.append(path)
    import_materiality(ledger, files, year=2024)
    run_materiality(ledger, 2024, thresholds=LIMITS)
    data = ReportData(company_en="Co", company_zh="公司", root="CO", period=2024)
    add_materiality(data, materiality_result(ledger, 2024))
    return data


def _matrix(data: ReportData) -> Chart:
    report = compose_report(load_definition(), data, "en", date(2025, 3, 31))
    charts = [b for s in report.sections for b in s.blocks if isinstance(b, Chart)]
    return next(c for c in charts if c.chart == "materiality")


def test_matrix_from_data_draws_the_assessments_thresholds(ledger, tmp_path, monkeypatch):
    data = _data_from_assessment(ledger, tmp_path)
    assert data.materiality_thresholds == (3.5, 3.8, 4.7)
    data.materiality = None  # no result object: the report draws the matrix from its data
    chart = _matrix(data)
    assert chart.source is None
    assert chart.thresholds == (3.5, 3.8, 4.7)

    # Group weights A 0.6, B 0.4. t2: impact 0.6 × (2 + 3) / 2 + 0.4 × 4 = 3.1,
    # financial 0.6 × 5 + 0.4 × 4 = 4.6; its score 4.6 reaches 3.8 but not 4.7 →
    # moderately material (the default limit 4.0 would make it highly material).
    points = {label: (x, y) for x, y, label in chart.points}
    assert points["Topic two"] == (pytest.approx(4.6), pytest.approx(3.1))
    tiers = {label: s.name for (_, _, label), s in zip(chart.points, chart.series, strict=True)}
    assert tiers["Topic two"] == tier_label("moderately material", "en")

    drawn: list[tuple[float, ...]] = []
    real = assess_charts.matrix_figure

    def spy(points, *, thresholds, **kw):
        drawn.append(tuple(thresholds))
        return real(points, thresholds=thresholds, **kw)

    monkeypatch.setattr(assess_charts, "matrix_figure", spy)
    chart_svg.cache_clear()
    try:
        chart_svg(chart)
    finally:
        chart_svg.cache_clear()
    assert drawn == [(3.5, 3.8, 4.7)]


def test_matrix_lines_sit_at_the_thresholds(ledger, tmp_path):
    from esgledger.chartstyle import chart_style
    from esgledger.report.charts import _materiality_figure

    data = _data_from_assessment(ledger, tmp_path)
    data.materiality = None
    chart = _matrix(data)
    with chart_style("en"):
        fig = _materiality_figure(chart)
    ax = fig.axes[0]
    verticals = {
        round(float(line.get_xdata()[0]), 6)
        for line in ax.get_lines()
        if line.get_linestyle() == "--" and line.get_xdata()[0] == line.get_xdata()[1]
    }
    assert verticals == {3.5, 3.8, 4.7}


def test_without_thresholds_the_engine_defaults_are_drawn():
    from esgledger.chartstyle import chart_style
    from esgledger.report.charts import _materiality_figure
    from esgledger.report.model import ChartSeries

    chart = Chart(
        id="m",
        chart="materiality",
        title="t",
        points=((2.0, 4.4, "a"), (3.2, 2.5, "b")),
        series=(ChartSeries("Highly material", ()), ChartSeries("Material", ())),
    )
    with chart_style("en"):
        fig = _materiality_figure(chart)
    verticals = {
        round(float(line.get_xdata()[0]), 6)
        for line in fig.axes[0].get_lines()
        if line.get_linestyle() == "--" and line.get_xdata()[0] == line.get_xdata()[1]
    }
    assert verticals == {3.0, 3.5, 4.0}  # Thresholds() defaults in assess.materiality
