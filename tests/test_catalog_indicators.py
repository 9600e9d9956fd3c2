"""The indicator catalogue is well formed: codes, units, ranges, names."""

from __future__ import annotations

import csv
import io
import re
from importlib import resources

import pytest
from hypothesis import given
from hypothesis import strategies as st

from esgledger.catalog.indicators import find_indicators, get_indicator, load_indicators
from esgledger.errors import NotFoundError
from esgledger.units import convert, is_compatible, parse_unit

# The 17 activity codes issue 2 fixes as a stable interface, with their units.
STABLE = {
    "energy.electricity.purchased": "MWh",
    "energy.electricity.green": "MWh",
    "energy.electricity.self_generated_renewable": "MWh",
    "energy.steam.purchased": "t",
    "energy.heat.purchased": "GJ",
    "fuel.raw_coal": "t",
    "fuel.coke": "t",
    "fuel.diesel": "t",
    "fuel.gasoline": "t",
    "fuel.fuel_oil": "t",
    "fuel.lpg": "t",
    "fuel.natural_gas": "m3",
    "fuel.coke_oven_gas": "m3",
    "production.reo": "t",
    "water.fresh": "m3",
    "water.recycled": "m3",
    "employees.total": "person",
}
CODE = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$")
CJK = re.compile(r"[\u4e00-\u9fff]")


def _raw_rows() -> list[dict[str, str]]:
    text = (
        resources.files("esgledger.catalog")
        .joinpath("data/indicators.csv")
        .read_text(encoding="utf-8-sig")
    )
    return list(csv.DictReader(io.StringIO(text)))


def test_catalogue_has_at_least_120_unique_codes() -> None:
    rows = _raw_rows()
    codes = [r["code"] for r in rows]
    assert len(codes) >= 120
    duplicates = sorted({c for c in codes if codes.count(c) > 1})
    assert duplicates == []
    assert len(load_indicators()) == len(rows)


def test_header_is_the_documented_one() -> None:
    text = resources.files("esgledger.catalog").joinpath("data/indicators.csv").read_text("utf-8")
    assert text.splitlines()[0] == "code,name_en,name_zh,unit,pillar,kind,aggregation,min,max,group"


def test_stable_codes_keep_their_units() -> None:
    catalogue = load_indicators()
    assert {c: catalogue[c].unit for c in STABLE} == STABLE
    # and they are the first 17 rows, in the order issue 2 lists them
    assert [r["code"] for r in _raw_rows()[:17]] == list(STABLE)


@pytest.mark.parametrize("code", sorted(load_indicators()))
def test_every_row_is_well_formed(code: str) -> None:
    ind = get_indicator(code)
    assert CODE.match(ind.code), "lowercase dotted English code"
    assert ind.name_en and ind.name_en == ind.name_en.strip()
    assert CJK.search(ind.name_zh), "a Chinese name"
    assert ind.pillar in ("E", "S", "G")
    assert ind.kind in ("quantity", "ratio", "count", "currency", "text")
    assert ind.aggregation in ("sum", "weighted", "none")
    assert ind.group and CODE.match("x." + ind.group)
    parse_unit(ind.unit)  # raises UnitError if the unit does not parse
    if ind.min is not None and ind.max is not None:
        assert ind.min <= ind.max
    if ind.kind != "text":
        assert ind.min is not None and ind.min >= 0, "ESG quantities are not negative"


@pytest.mark.parametrize("code", sorted(load_indicators()))
def test_units_fit_the_kind(code: str) -> None:
    ind = get_indicator(code)
    if ind.unit == "percent":
        assert ind.kind == "ratio"
        assert (ind.min, ind.max) == (0, 100)
    if ind.kind == "currency":
        assert ind.unit == "CNY"
        # users may submit 万元: 1.5 万元 is 15,000 CNY
        assert convert(1.5, "万元", ind.unit) == pytest.approx(15_000)
    if ind.kind == "count":
        assert ind.unit in ("person", "case", "person_time")
    if ind.kind == "quantity":
        assert not is_compatible(ind.unit, "percent"), "a quantity has a physical unit"
    if ind.aggregation == "sum":
        assert ind.kind in ("quantity", "count", "currency")


def test_catalogue_covers_what_a_report_like_the_seed_discloses() -> None:
    groups = {i.group for i in load_indicators().values()}
    wanted = {
        "energy", "water", "wastewater", "air", "waste", "environmental_management",
        "certification", "employment", "training", "safety", "occupational_health",
        "innovation", "supply_chain", "customers", "community", "board", "disclosure",
        "business_ethics",
    }  # fmt: skip
    assert wanted <= groups
    for code in (
        "air.so2", "air.nox", "air.particulates", "waste.hazardous.generated",
        "waste.nonhazardous.generated", "env.investment", "cert.iso14001.entities",
        "cert.iso45001.entities", "cert.iso50001.entities", "employees.female",
        "employees.age.under30", "employees.edu.bachelor", "employees.region.other",
        "employees.type.full_time", "employees.new_hires", "employees.turnover_rate",
        "training.hours_per_employee", "training.coverage", "safety.fatalities",
        "safety.lost_time_injuries", "safety.ltifr", "safety.investment", "rd.expenditure",
        "rd.staff", "patents.granted", "patents.applied", "suppliers.domestic",
        "suppliers.audited", "customers.satisfaction", "customers.complaints",
        "community.donations", "community.volunteer.hours", "board.size",
        "board.independent", "board.female", "board.meetings",
        "disclosure.interim_announcements", "anticorruption.training.participants",
    ):  # fmt: skip
        get_indicator(code)


def test_units_convert_as_users_submit_them() -> None:
    # 1 万千瓦时 = 10,000 kWh = 10 MWh; 1 万立方米 = 10,000 m3; 1 ML = 1,000 m3
    assert convert(1, "万千瓦时", get_indicator("energy.electricity.purchased").unit) == 10
    assert convert(1, "万立方米", get_indicator("fuel.natural_gas").unit) == 10_000
    assert convert(1, "ML", get_indicator("water.recycled").unit) == pytest.approx(1_000)
    assert convert(2, "人", get_indicator("employees.total").unit) == 2


def test_search_and_unknown_code() -> None:
    assert {i.code for i in find_indicators("电力")} >= {"energy.electricity.purchased"}
    assert "board.female_share" in {i.code for i in find_indicators("FEMALE DIRECTORS")}
    with pytest.raises(NotFoundError, match="unknown indicator"):
        get_indicator("energy.nope")


@given(
    code=st.sampled_from(sorted(c for c, i in load_indicators().items() if i.kind != "text")),
    data=st.data(),
)
def test_allows_agrees_with_the_range(code: str, data: st.DataObject) -> None:
    ind = get_indicator(code)
    lo = ind.min if ind.min is not None else -1e12
    hi = ind.max if ind.max is not None else 1e12
    inside = data.draw(st.floats(min_value=lo, max_value=hi, allow_nan=False))
    assert ind.allows(inside)
    assert not ind.allows(lo - 1)
    if ind.max is not None:
        assert not ind.allows(hi + 1)
