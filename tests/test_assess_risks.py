"""The climate risk and opportunity register: parsing, bad input, round trips, charts."""

from __future__ import annotations

from importlib import resources

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from esgledger.assess.charts import cjk_font_family
from esgledger.assess.materiality import Group, Response, assess
from esgledger.assess.risks import (
    CATEGORIES,
    RISK_COLUMNS,
    ClimateItem,
    ClimateRegister,
    Horizon,
    s2_coverage,
)
from esgledger.errors import ValidationError
from esgledger.intake.assessment_files import (
    default_topics,
    heatmap_chart,
    matrix_chart,
    read_register,
    write_register,
)

DATA = resources.files("esgledger.assess").joinpath("data")
DEMO = [str(DATA / "demo_risks.csv"), str(DATA / "demo_horizons.csv")]
HEAD = ",".join(RISK_COLUMNS) + "\n"


def demo():
    return read_register(DEMO)


def test_demo_register():
    reg = demo()
    assert len(reg.risks) == 7 and len(reg.opportunities) == 6
    cats = {i.category for i in reg.items}
    assert {"physical_acute", "physical_chronic", "transition_policy_legal"} <= cats
    assert [(h.code, h.from_year, h.to_year) for h in reg.horizons] == [
        ("short", 2025, 2027),
        ("medium", 2028, 2035),
        ("long", 2036, 2060),
    ]
    top = reg.ranked()[0]
    assert (top.code, top.score) == ("OP-P1", 25)  # likelihood 5 x magnitude 5
    assert all(i.title_zh and i.title_en and i.description_zh for i in reg.items)
    assert all(s2_coverage(reg).values())


def row(**kw):
    base = dict.fromkeys(RISK_COLUMNS, "")
    base.update(
        code="R1",
        category="physical_acute",
        title_en="Heat",
        description_en="Hot",
        horizons="short",
        likelihood="3",
        magnitude="2",
    )
    base.update(kw)
    return ",".join(base[c] for c in RISK_COLUMNS) + "\n"


def test_amounts_with_chinese_units(tmp_path):
    p = tmp_path / "risks.csv"
    p.write_text(
        HEAD
        + row(
            current_effect_min_cny="500万元",
            current_effect_max_cny="1.2亿元",
            anticipated_effect_max_cny="3000000",
        ),
        encoding="utf-8",
    )
    (item,) = read_register([p]).items
    # 500 万元 = 500 x 10^4 CNY; 1.2 亿元 = 1.2 x 10^8 CNY
    assert item.current_effect_min_cny == pytest.approx(5_000_000)
    assert item.current_effect_max_cny == pytest.approx(120_000_000)
    assert item.anticipated_effect_max_cny == 3_000_000


def test_bad_cells_exact(tmp_path):
    p = tmp_path / "risks.csv"
    p.write_text(
        HEAD
        + row(category="physical_storm", likelihood="7")
        + row(horizons="short;soon", magnitude="0", value_chain="retail")
        + row(code="R2", current_effect_min_cny="9", current_effect_max_cny="5", entities="NOPE")
        + row(code="R3", anticipated_effect_min_cny="-5", horizons="long"),
        encoding="utf-8",
    )
    h = tmp_path / "horizons.csv"
    h.write_text("horizon,from_year,to_year\nshort,2025,2027\nmedium,2030,2028\n", encoding="utf-8")
    with pytest.raises(ValidationError) as exc:
        read_register([p, h], known_entities={"NRE"})
    cats = ", ".join(CATEGORIES)
    assert [str(x) for x in exc.value.problems] == [
        "horizons.csv, row 3, column to_year: got '2028'; expected a year from 2030 on",
        f"risks.csv, row 2, column category: got 'physical_storm'; expected one of {cats}",
        "risks.csv, row 2, column likelihood: got '7'; expected a whole number from 1 to 5",
        "risks.csv, row 3, column code: got 'R1'; expected a code not already used in row 2",
        "risks.csv, row 3, column horizons: got 'soon'; expected short, medium or long",
        "risks.csv, row 3, column magnitude: got '0'; expected a whole number from 1 to 5",
        "risks.csv, row 3, column value_chain: got 'retail'; expected upstream, operations "
        "or downstream",
        "risks.csv, row 4, column current_effect_max_cny: got '5'; expected an amount not "
        "below current_effect_min_cny",
        "risks.csv, row 4, column entities: got 'NOPE'; expected an entity code of the ledger",
        "risks.csv, row 5, column horizons: got 'long'; expected a horizon defined in the "
        "horizons table",
        "risks.csv, row 5, column anticipated_effect_min_cny: got '-5'; expected an amount of "
        "CNY of 0 or more, e.g. 5000000 or 500万元",
    ]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_import_is_the_identity_for_the_demo(tmp_path, fmt):
    reg = demo()
    out = tmp_path / ("reg" if fmt == "csv" else "reg.xlsx")
    paths = write_register(reg, out, fmt)
    assert read_register(paths) == reg


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_neutralises_formulas_in_csv_and_xlsx(tmp_path, fmt):
    import csv

    from openpyxl import load_workbook

    evil = ClimateItem(
        code="R1",
        category="physical_acute",
        title_en='=HYPERLINK("http://evil.example","x")',
        title_zh="@SUM(1)",
        description_en="+cmd|' /C calc'!A0",
        description_zh="-rising costs",
        horizons=("short",),
        likelihood=3,
        magnitude=2,
        owner="'=already quoted",
    )
    reg = ClimateRegister((evil,), (Horizon("short", 2025, 2027),))
    paths = write_register(reg, tmp_path / ("reg" if fmt == "csv" else "reg.xlsx"), fmt)
    if fmt == "csv":
        with paths[0].open(encoding="utf-8", newline="") as fh:
            cells = [c for r in csv.reader(fh) for c in r]
    else:
        ws = load_workbook(paths[0])["risks"]
        assert all(c.data_type != "f" for r in ws.iter_rows() for c in r)
        cells = [c for r in ws.iter_rows(values_only=True) for c in r if isinstance(c, str)]
    # a spreadsheet opening the export runs nothing: every such text starts with '
    assert not [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t")]
    assert '\'=HYPERLINK("http://evil.example","x")' in cells
    assert "''=already quoted" in cells
    assert read_register(paths) == reg  # and import gives the stored text back


def test_control_characters_are_refused_in_every_file(tmp_path):
    a = tmp_path / "risks.csv"
    a.write_text(HEAD + row(description_en="Hot\x01day"), encoding="utf-8")
    b = tmp_path / "horizons.csv"
    b.write_text("horizon,from_year,to_year\nshort,2025,2027\x07\n", encoding="utf-8")
    with pytest.raises(ValidationError) as exc:
        read_register([a, b])
    assert [str(p) for p in exc.value.problems] == [
        "risks.csv, row 2, column description_en: got 'U+0001'; "
        "expected text without control characters",
        "horizons.csv, row 2, column to_year: got 'U+0007'; "
        "expected text without control characters",
    ]


text_st = st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=30).map(
    str.strip
)
amount_st = st.one_of(st.none(), st.integers(0, 10**12).map(float))
item_st = st.builds(
    ClimateItem,
    code=st.from_regex(r"[A-Z][A-Z0-9-]{0,8}", fullmatch=True),
    category=st.sampled_from(sorted(CATEGORIES)),
    title_en=text_st.filter(bool),
    title_zh=text_st,
    description_en=st.sampled_from(
        ["=SUM(A1)", "-rising costs", "plain", "@x", "+1", "'=x", "'quoted"]
    ),
    description_zh=text_st,
    horizons=st.sampled_from(
        [("short",), ("short", "medium"), ("long",), ("short", "medium", "long")]
    ),
    likelihood=st.integers(1, 5),
    magnitude=st.integers(1, 5),
    current_effect_min_cny=st.none(),
    current_effect_max_cny=amount_st,
    anticipated_effect_min_cny=st.none(),
    anticipated_effect_max_cny=amount_st,
    entities=st.sampled_from([(), ("NRE",), ("NRE", "SMELTING")]),
    value_chain=st.sampled_from([(), ("upstream",), ("operations", "downstream")]),
    response_en=text_st,
    response_zh=text_st,
    metrics=st.sampled_from([(), ("ghg.scope1", "energy.total_tce")]),
    targets=st.sampled_from([(), ("cut 10 %",)]),
    owner=text_st,
    notes=text_st,
)


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.lists(item_st, min_size=1, max_size=4, unique_by=lambda i: i.code),
    st.sampled_from(["csv", "xlsx"]),
)
def test_round_trip_property(tmp_path_factory, items, fmt):
    reg = ClimateRegister(
        tuple(items),
        (Horizon("short", 2025, 2027), Horizon("medium", 2028, 2035), Horizon("long", 2036, 2050)),
    )
    d = tmp_path_factory.mktemp("rt")
    paths = write_register(reg, d / ("r" if fmt == "csv" else "r.xlsx"), fmt)
    assert read_register(paths) == reg


def test_charts_render_in_both_languages(tmp_path):
    topics = default_topics()[:6]
    groups = [Group("A", "A", "甲", 1.0)]
    rs = [Response("p", "A", t.code, 1 + i % 5, 5 - i % 5) for i, t in enumerate(topics)]
    res = assess(2024, topics, groups=groups, responses=rs)
    assert cjk_font_family() is not None  # fonts-noto-cjk is installed
    for lang in ("en", "zh"):
        png = matrix_chart(res, tmp_path / f"m_{lang}.png", lang=lang)
        assert png[:8] == b"\x89PNG\r\n\x1a\n"
        assert heatmap_chart(demo(), tmp_path / f"h_{lang}.png", lang=lang)[:4] == b"\x89PNG"
    svg1 = matrix_chart(res, fmt="svg", lang="zh")
    assert svg1 == matrix_chart(res, fmt="svg", lang="zh")  # deterministic
    assert svg1.startswith(b"<?xml")
