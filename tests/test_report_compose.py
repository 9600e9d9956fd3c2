"""Composing the content model: placeholders, tables, lineage, sanitization, template errors."""

import shutil
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import pytest

from esgledger.errors import ReportError, ValidationError
from esgledger.report.compose import compose_report, sanitize_markdown
from esgledger.report.definition import default_template_dir, load_definition
from esgledger.report.model import Chart, FigureTable, GridTable, IndexTable, KpiHighlights, Prose
from report_helpers import RUN, sample_data

DAY = date(2025, 3, 31)


def elements(html: str) -> list[tuple[str, list[tuple[str, str | None]]]]:
    """Every element (tag, attributes) of an HTML fragment."""
    found = []

    class Collector(HTMLParser):
        def handle_starttag(self, tag, attrs):
            found.append((tag, attrs))

    Collector().feed(html)
    return found


def make_template(tmp_path: Path, yaml_text: str, texts: dict[str, tuple[str, str]]) -> Path:
    """A template folder: the default page and CSS, the given report.yaml and texts."""
    base = tmp_path / "tpl"
    base.mkdir()
    for name in ("report.html.j2", "style.css"):
        shutil.copy(default_template_dir() / name, base / name)
    (base / "report.yaml").write_text(yaml_text, encoding="utf-8")
    for lang in ("en", "zh"):
        (base / "sections" / lang).mkdir(parents=True)
    for name, (en, zh) in texts.items():
        (base / "sections" / "en" / f"{name}.md").write_text(en, encoding="utf-8")
        (base / "sections" / "zh" / f"{name}.md").write_text(zh, encoding="utf-8")
    return base


ONE_SECTION = """
title: {en: ESG Report, zh: ESG报告}
sections:
  - id: s1
    title: {en: One, zh: 一}
    blocks:
      - text: one
"""


def compose_text(tmp_path, en, zh="中文", data=None, lang="en"):
    tpl = make_template(tmp_path, ONE_SECTION, {"one": (en, zh)})
    report = compose_report(load_definition(tpl), data or sample_data(), lang, DAY)
    block = report.sections[0].blocks[0]
    assert isinstance(block, Prose)
    return report, block


def test_fig_placeholder_prints_value_unit_and_registers_lineage(tmp_path):
    report, prose = compose_text(
        tmp_path, 'We bought {{ fig("energy.electricity.purchased") }} in {{ year }}.'
    )
    assert "819,687 MWh" in prose.html
    (fig,) = report.figure_list()
    assert fig.value == 819687  # seed 2024, purchased electricity
    assert str(fig.ref) == "energy.electricity.purchased|NRE|2024|ledger"
    assert f'data-ref="{fig.ref}"' in prose.html
    assert any(r.figure == fig.id for r in prose.items[0].runs)


def test_placeholders_year_entity_decimals_change_and_chinese_units(tmp_path):
    text = (
        '{{ fig("energy.electricity.purchased", 2023) }} / '
        '{{ fig("energy.electricity.purchased", entity="HEFA") }} / '
        '{{ num("intensity.energy_per_treo", decimals=1) }} / '
        '{{ change("energy.electricity.purchased") }} / {{ target("intensity.energy_per_treo") }}'
    )
    report, prose = compose_text(tmp_path, text, text, lang="zh")
    printed = [f.printed for f in report.figure_list()]
    # 2023: 739,771 MWh; HEFA: 1,234.5 MWh (hand-made); YoY (819,687 − 739,771) / 739,771
    assert printed == [
        "739,771兆瓦时",
        "1,235兆瓦时",  # ≥ 100 prints whole numbers, half away from zero
        "919.0",
        "+10.8%",
        "864千克标准煤/吨REO",  # 919 × (1 − 6 %) = 863.86, printed whole
    ]
    refs = [str(f.ref) for f in report.figure_list()]
    assert refs[1] == "energy.electricity.purchased|HEFA|2024|ledger"
    assert refs[2] == f"intensity.energy_per_treo|NRE|2024|{RUN}"
    assert refs[4] == "intensity.energy_per_treo|NRE|2025|target"


def test_missing_value_prints_a_dash_and_warns(tmp_path):
    report, prose = compose_text(tmp_path, 'Water: {{ fig("water.fresh") }}.')
    assert "Water: —." in prose.html
    assert report.figures == {}
    assert any("water.fresh" in w for w in report.warnings)


def test_alternatives_take_the_first_code_with_data(tmp_path):
    report, _ = compose_text(
        tmp_path, '{{ fig("energy.intensity.reported|intensity.energy_per_treo") }}'
    )
    assert report.figure_list()[0].ref.code == "intensity.energy_per_treo"


@pytest.mark.parametrize(
    "evil",
    [
        "<script>alert(1)</script>",
        '<img src=x onerror="alert(1)">',
        "[click](javascript:alert(1))",
        '<a href="javascript:alert(1)">x</a>',
        "<iframe src='https://evil.example'></iframe>",
        "<svg onload=alert(1)>",
    ],
)
def test_narrative_cannot_inject_markup(tmp_path, evil):
    _, prose = compose_text(tmp_path, f"Hello {evil} world")
    tags = elements(prose.html)
    assert {t for t, _ in tags} <= {"p", "a", "span", "strong", "em"}
    for _, attrs in tags:
        for name, value in attrs:
            assert not name.startswith("on")
            assert not (value or "").strip().lower().startswith("javascript:")


def test_sanitizer_keeps_ordinary_markdown():
    html, _ = sanitize_markdown("# Head\n\n**bold** and *it*\n\n- a\n- b\n\n[site](https://x.org)")
    assert "<h3>Head</h3>" in html  # headings are demoted below the section title
    assert "<strong>bold</strong>" in html
    assert "<li>a</li>" in html
    assert 'href="https://x.org"' in html
    assert 'rel="noopener noreferrer"' in html


def test_placeholder_output_is_escaped(tmp_path):
    data = sample_data()
    data.company_en = "<b>ACME</b> & Co"
    _, prose = compose_text(tmp_path, "{{ company }} reports.", data=data)
    assert "<b>" not in prose.html
    assert "&amp; Co" in prose.html


@pytest.mark.parametrize("forged", ["\ue000F9999\ue001", "\ue000F0001\ue001"])
def test_names_cannot_forge_or_break_a_figure(tmp_path, forged):
    # The narrative marks a figure with two private-use characters; a company or
    # entity name holding them must neither crash the report (an unknown id) nor
    # print a figure nobody placed there (a known id).
    data = sample_data()
    data.company_en = f"ACME{forged}"
    data.entity_names["HEFA"] = (f"Hefa{forged}", "和发")
    report, prose = compose_text(
        tmp_path, '{{ fig("fuel.diesel") }} {{ company }} {{ entity("HEFA") }}', data=data
    )
    assert prose.html.count('class="fig"') == 1  # only the placeholder's figure
    assert "ACMEF" in prose.html and "HefaF" in prose.html
    assert [r.figure for item in prose.items for r in item.runs if r.figure] == ["F0001"]
    assert list(report.figures) == ["F0001"]


def test_a_forged_mark_in_the_template_is_dropped(tmp_path):
    _, prose = compose_text(tmp_path, 'a {{ "\\ue000F0042\\ue001" }} b')
    assert "a  b" in prose.html
    assert 'class="fig"' not in prose.html


@pytest.mark.parametrize(
    "bad",
    ["{{ 1 // 0 }}", '{{ fig("fuel.diesel", decimals=400) }}', "{{ range(10**9) | list }}"],
)
def test_arithmetic_in_a_placeholder_is_a_report_error_with_its_line(tmp_path, bad):
    with pytest.raises(ReportError, match=r"sections/en/one.md, line 2: bad placeholder"):
        compose_text(tmp_path, f"fine\n{bad}")


def test_sandbox_blocks_python_internals(tmp_path):
    with pytest.raises(ReportError, match="sections/en/one.md"):
        compose_text(tmp_path, "{{ ''.__class__.__mro__[1].__subclasses__() }}")


def test_unknown_placeholder_names_file_and_line(tmp_path):
    with pytest.raises(ReportError, match=r"sections/en/one.md, line 3"):
        compose_text(tmp_path, "a\n\n{{ nope('x') }}")


def test_definition_problems_are_all_listed(tmp_path):
    yaml_text = """
title: {en: T, zh: T}
sections:
  - id: a
    title: {en: A, zh: 甲}
    blocks:
      - text: missing
  - id: a
    title: {en: B}
    blocks:
      - chart: {type: pie, title: {en: x, zh: x}}
"""
    tpl = make_template(tmp_path, yaml_text, {})
    with pytest.raises(ValidationError) as info:
        load_definition(tpl)
    text = str(info.value)
    assert "sections.1.title.zh" in text
    assert "sections.1.blocks.0" in text


def test_definition_missing_texts_and_duplicate_ids(tmp_path):
    yaml_text = """
title: {en: T, zh: T}
sections:
  - {id: a, title: {en: A, zh: 甲}, blocks: [{text: missing}]}
  - {id: a, title: {en: B, zh: 乙}}
"""
    tpl = make_template(tmp_path, yaml_text, {})
    with pytest.raises(ValidationError) as info:
        load_definition(tpl)
    assert len(info.value.problems) == 3  # en text, zh text, duplicate id
    assert "a unique id" in str(info.value)


def test_template_files_that_are_not_utf8_are_named(tmp_path):
    tpl = make_template(tmp_path, ONE_SECTION, {"one": ("ok", "中文")})
    (tpl / "sections" / "zh" / "one.md").write_bytes("第一行\n中文".encode("gb18030"))
    (tpl / "style.css").write_bytes(b"body {}\n/* caf\xe9 */\n")
    with pytest.raises(ValidationError) as info:
        load_definition(tpl)
    assert [(Path(p.file).name, p.row, p.expected) for p in info.value.problems] == [
        ("one.md", 1, "UTF-8 text"),
        ("style.css", 2, "UTF-8 text"),
    ]


def test_bad_yaml_names_the_line(tmp_path):
    tpl = make_template(tmp_path, "title: {en: [\n", {})
    with pytest.raises(ValidationError, match="row"):
        load_definition(tpl)


def test_default_template_composes_in_both_languages():
    data = sample_data()
    definition = load_definition()
    for lang in ("en", "zh"):
        report = compose_report(definition, data, lang, DAY)
        ids = [s.id for s in report.sections]
        for expected in (
            "about",
            "message",
            "esg_governance",
            "stakeholders",
            "materiality",
            "environment.climate",
            "environment.energy",
            "social.employees",
            "outlook",
            "appendix.data",
            "appendix.gri",
            "appendix.sse",
            "appendix.sasac",
            "appendix.issb",
        ):
            assert expected in ids
        kinds = {type(b) for s in report.sections for b in s.blocks}
        assert {Prose, FigureTable, Chart, KpiHighlights, IndexTable, GridTable} <= kinds


def test_energy_table_rows_and_yoy():
    report = compose_report(load_definition(), sample_data(), "en", DAY)
    section = next(s for s in report.sections if s.id == "environment.energy")
    table = next(b for b in section.blocks if isinstance(b, FigureTable))
    assert table.years == (2022, 2023, 2024)
    row = next(r for r in table.rows if r.label == "Purchased electricity")
    assert row.cells == ("643,017", "739,771", "819,687")
    assert row.unit == "MWh"
    assert row.yoy == "+10.8%"
    steam = next(r for r in table.rows if r.label == "Purchased steam")
    assert steam.yoy == "-65.4%"  # (41,225 − 119,186) / 119,186


def test_index_rows_have_a_location_or_an_omission():
    report = compose_report(load_definition(), sample_data(), "zh", DAY)
    index = next(
        b for s in report.sections for b in s.blocks if isinstance(b, IndexTable) and b.rows
    )
    assert index.framework == "gri"
    by_code = {r.code: r for r in index.rows}
    assert by_code["302-1"].section == "environment.energy"
    assert by_code["302-1"].section_title == "能源管理"
    assert by_code["207-4"].section is None
    assert by_code["207-4"].omission == "不适用"


def test_blocks_without_data_are_left_out_with_warnings():
    data = sample_data()
    data.targets.clear()
    data.topics.clear()
    data.risks.clear()
    data.indexes.clear()
    report = compose_report(load_definition(), data, "en", DAY)
    blocks = [b for s in report.sections for b in s.blocks]
    assert not [b for b in blocks if isinstance(b, GridTable)]
    assert {b.chart for b in blocks if isinstance(b, Chart)} == {"stacked_bars", "bars_target"}
    assert all(b.rows for b in blocks if isinstance(b, FigureTable))
    indexes = [b for b in blocks if isinstance(b, IndexTable)]
    assert len(indexes) == 4 and all(b.note and not b.rows for b in indexes)
    assert any("no targets" in w for w in report.warnings)
    assert any("chart materiality skipped" in w for w in report.warnings)


def test_group_figures_follow_the_consolidation_boundary():
    from esgledger.model import Entity, Observation
    from esgledger.report.sources import collect_from

    def ent(code, parent, control, pct):
        return Entity(code, code, code, parent, "subsidiary", pct, control, "CN-NM")

    def obs(entity, value):
        return Observation(entity, "2024", "energy.electricity.purchased", value, "MWh", "", "")

    entities = [
        ent("G", None, "operational", None),
        ent("A", "G", "operational", 100.0),
        ent("B", "G", "financial", 60.0),
        ent("C", "G", "none", 20.0),
    ]
    observations = [obs("G", 10), obs("A", 100), obs("B", 50), obs("C", 1000), obs("A", 7)]
    observations[-1] = Observation("A", "2024", "employees.total", 7, "person", "", "")
    operational = collect_from(entities, observations, 2024, boundary="operational")
    # operational control: G + A = 10 + 100 MWh; B (financial) and C (none) are outside
    assert operational.get("energy.electricity.purchased", 2024).value == 110
    assert operational.get("energy.electricity.purchased", 2024, "B").value == 50
    financial = collect_from(entities, observations, 2024, boundary="financial")
    # financial control adds B: 10 + 100 + 50 MWh
    assert financial.get("energy.electricity.purchased", 2024).value == 160
    assert financial.get("employees.total", 2024).value == 7


def test_a_chart_never_stacks_bars_of_different_units(tmp_path):
    from esgledger.report.data import Datum
    from report_helpers import ROOT

    yaml_text = """
title: {en: ESG Report, zh: ESG报告}
sections:
  - id: s1
    title: {en: One, zh: 一}
    blocks:
      - chart:
          type: energy_mix
          title: {en: Fuels, zh: 燃料}
          metrics: [fuel.coke, fuel.diesel]
"""
    data = sample_data()
    # coke: 2023 in t, 2024 in kg; one axis cannot show both, so coke is left out
    data.add(Datum("fuel.coke", ROOT, "2023", 5.0, "t"))
    data.add(Datum("fuel.coke", ROOT, "2024", 4000.0, "kg"))
    tpl = make_template(tmp_path, yaml_text, {})
    report = compose_report(load_definition(tpl), data, "en", DAY)
    (chart,) = report.sections[0].blocks
    assert isinstance(chart, Chart)
    assert [s.values for s in chart.series] == [(944.0, 1065.0, 931.0)]  # seed diesel, t
    assert chart.unit == "t"
    assert any("fuel.coke left out of the chart: unit differs" in w for w in report.warnings)


def test_a_table_row_never_mixes_units_across_years(tmp_path):
    from esgledger.report.data import Datum
    from report_helpers import ROOT

    yaml_text = """
title: {en: ESG Report, zh: ESG报告}
sections:
  - id: s1
    title: {en: One, zh: 一}
    blocks:
      - table:
          title: {en: Fuels, zh: 燃料}
          rows: [{metric: fuel.coke}, {metric: fuel.diesel}]
"""
    data = sample_data()
    data.add(Datum("fuel.coke", ROOT, "2023", 5.0, "t"))
    data.add(Datum("fuel.coke", ROOT, "2024", 4000.0, "kg"))  # 4 t: printing 5 → 4,000 is wrong
    tpl = make_template(tmp_path, yaml_text, {})
    report = compose_report(load_definition(tpl), data, "en", DAY)
    (table,) = report.sections[0].blocks
    assert isinstance(table, FigureTable)
    assert [r.cells for r in table.rows] == [("944", "1,065", "931")]  # seed diesel, t
    assert any("fuel.coke has values in kg, t" in w for w in report.warnings)
