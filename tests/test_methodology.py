"""Issue 11: complete MEE/NBS grid factors, the national fallback, stated factor fallbacks,
and reported-vs-computed reconciliation — on the CLI (``explain --json``, ``check --json``)
and in the pure checks. Every expectation is computed by hand with the factor and its
source in a comment."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from esgledger.calc import compute
from esgledger.catalog.factors import load_factors
from esgledger.cli import run
from esgledger.model import Entity, Observation
from esgledger.quality import run_checks
from esgledger.quality.methodology import ReportedValue, check_reported_vs_computed

ENTITIES = """code,name_en,name_zh,parent,type,ownership_pct,control,region,\
included_from,included_to
G,Group,集团,,group,,operational,CN-SC,,
YN,Yunnan plant,云南厂,G,subsidiary,100,operational,CN-YN,,
GS,Gansu plant,甘肃厂,G,subsidiary,100,operational,CN-GS,,
NR,No-region office,无地区办公室,G,subsidiary,100,operational,,,
"""

OBSERVATIONS = """entity,period,indicator,value,unit,source,comment
G,2022,energy.electricity.purchased,1000,MWh,bill,
YN,2022,energy.electricity.purchased,2000,MWh,bill,
GS,2022,energy.electricity.purchased,10000,MWh,bill,
GS,2024,energy.electricity.purchased,10000,MWh,bill,
NR,2022,energy.electricity.purchased,100,MWh,bill,
GS,2022,ghg.scope2.reported,5857,tCO2e,annual report,
YN,2022,ghg.scope2.reported,215,tCO2e,annual report,
"""

# MEE/NBS announcement of 2024-12-20, annex (2022 factors), tCO2/MWh:
SICHUAN_2022 = 0.1404  # provincial average, Sichuan (not the Southwest grid's 0.2268)
YUNNAN_2022 = 0.1073  # provincial average, Yunnan (not the Southern grid's 0.3869)
GANSU_2022 = 0.4772  # provincial average, Gansu (not the Northwest grid's 0.5857)
NATIONAL_2022 = 0.5366  # national average
RESIDUAL_2022 = 0.5856  # national average excluding market-traded non-fossil electricity


@pytest.fixture
def db(any_db_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> str:
    monkeypatch.setenv("ESGLEDGER_DATABASE_URL", any_db_url)
    monkeypatch.setenv("ESGLEDGER_DATA_DIR", str(tmp_path))
    (tmp_path / "entities.csv").write_text(ENTITIES, encoding="utf-8")
    (tmp_path / "observations.csv").write_text(OBSERVATIONS, encoding="utf-8")
    assert run(["import", str(tmp_path / "entities.csv"), str(tmp_path / "observations.csv")]) == 0
    return any_db_url


def _json(capsys: pytest.CaptureFixture[str], *args: str) -> dict:
    capsys.readouterr()
    assert run([*args, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def _factor(data: dict, entity: str, year_role: str = "grid") -> dict:
    for item in data["lineage"]["entities"]:
        if item["entity"] == entity:
            for o in item["observations"]:
                for f in o["factors"]:
                    if f["id"].startswith(year_role + ":"):
                        return f
    raise AssertionError(entity)


def test_provincial_factors_in_explain_json(db, capsys):
    data = _json(capsys, "explain", "ghg.scope2.location", "--entity", "G", "--period", "2022")
    # 1,000 MWh x 0.1404 + 2,000 x 0.1073 + 10,000 x 0.4772 + 100 x 0.5366 (no region)
    want = 1000 * SICHUAN_2022 + 2000 * YUNNAN_2022 + 10000 * GANSU_2022 + 100 * NATIONAL_2022
    assert math.isclose(data["value"], want, rel_tol=1e-9)  # 5,181.06 tCO2e
    sc = _factor(data, "G")
    assert (sc["id"], sc["value"]) == ("grid:energy.electricity:CN-SC:2022-2022", 0.1404)
    assert "2024-12-20" in sc["source"] and sc["table"] == "Annex: provincial average factors"
    assert _factor(data, "YN")["value"] == YUNNAN_2022
    nr = _factor(data, "NR")
    assert (nr["id"], nr["value"]) == ("grid:energy.electricity:CN:2022-2022", NATIONAL_2022)
    assert "no region" in nr["why"]


def test_market_based_uses_the_national_residual(db, capsys):
    data = _json(capsys, "explain", "ghg.scope2.market", "--entity", "G", "--period", "2022")
    # every MWh at the national residual 0.5856 (no instruments): 13,100 MWh
    assert math.isclose(data["value"], 13_100 * RESIDUAL_2022, rel_tol=1e-9)


def test_a_year_without_its_factor_says_so_in_explain_and_check(db, capsys):
    data = _json(capsys, "explain", "ghg.scope2.location", "--entity", "GS", "--period", "2024")
    # no 2024 (nor 2023 provincial) factor: Gansu 2022, the nearest earlier published year
    assert math.isclose(data["value"], 10_000 * GANSU_2022)
    assert "latest earlier year 2022" in _factor(data, "GS")["why"]
    findings = _json(capsys, "check", "--period", "2024")["findings"]
    fallback = [f for f in findings if f["check"] == "factor_fallback" and f["entity"] == "GS"]
    assert {f["severity"] for f in fallback} == {"info"}
    texts = " ".join(f["message"] for f in fallback)
    assert "no location-based grid factor published for 2024" in texts
    assert "latest earlier year 2022" in texts and "0.4772" in texts
    # the residual mix: 2023's 0.6096 for 2024
    assert "latest earlier year 2023" in texts


def test_entity_without_region_uses_national_with_a_finding(db, capsys):
    findings = _json(capsys, "check", "--period", "2022")["findings"]
    nr = [f for f in findings if f["check"] == "no_region"]
    assert [(f["entity"], f["severity"]) for f in nr] == [("NR", "warning")]
    assert "national grid factor" in nr[0]["message"]


def test_reported_vs_computed_names_both_values(db, capsys):
    findings = _json(capsys, "check", "--period", "2022")["findings"]
    rec = {f["entity"]: f for f in findings if f["check"] == "reported_vs_computed"}
    # GS: reported 5,857 (the Northwest grid's 0.5857 x 10,000) vs computed 4,772
    # (Gansu 0.4772 x 10,000): +22.7 %, beyond 1 %
    assert set(rec) == {"GS"}
    msg = rec["GS"]["message"]
    assert "5,857 tCO2e" in msg and "4,772 tCO2e" in msg and "+22.7 %" in msg
    assert "ghg.scope2.location" in msg
    # YN: reported 215 vs computed 2,000 x 0.1073 = 214.6: 0.19 % apart, within 1 %


def test_reconciliation_tolerance_pure():
    computed = {("E", "energy.total_tce", 2024): (1000.0, "tce")}
    # 20 % gap: one finding; 0.5 % gap: none (default tolerance 1 %)
    got = list(
        check_reported_vs_computed(
            [ReportedValue("E", "energy.total.reported", 2024, 1200.0, "tce")], computed
        )
    )
    assert len(got) == 1 and "1,200 tce" in got[0].message and "1,000 tce" in got[0].message
    assert "+20.0 %" in got[0].message
    ok = [ReportedValue("E", "energy.total.reported", 2024, 1005.0, "tce")]
    assert list(check_reported_vs_computed(ok, computed)) == []
    # the reported unit is converted first: 1.2 万吨标准煤 = 12,000 tce
    wan = [ReportedValue("E", "energy.total.reported", 2024, 1.0, "万tce")]
    got = list(check_reported_vs_computed(wan, computed))
    assert "10,000 tce" in got[0].message


def test_run_checks_without_computed_figures_skips_reconciliation():
    ents = [Entity("E", "E", "E", None, "group", None, "operational", "CN-SC")]
    rows = [Observation("E", "2022", "ghg.scope2.reported", 999.0, "tCO2e", "999", "tCO2e")]
    from esgledger.catalog.indicators import load_indicators

    found = run_checks(rows, ents, load_indicators())
    assert not [f for f in found if f.check == "reported_vs_computed"]


def test_engine_sichuan_and_yunnan_2022():
    ents = [
        Entity("G", "G", "G", None, "group", None, "operational", "CN-SC"),
        Entity("Y", "Y", "Y", "G", "subsidiary", 100.0, "operational", "CN-53"),  # GB/T 2260
    ]
    rows = [
        Observation("G", "2022", "energy.electricity.purchased", 1000.0, "MWh", "1000", "MWh"),
        Observation("Y", "2022", "energy.electricity.purchased", 1000.0, "MWh", "1000", "MWh"),
    ]
    r = compute(ents, rows)
    assert math.isclose(r.value("ghg.scope2.location", "Y", 2022).value or 0, 107.3)
    assert math.isclose(r.value("ghg.scope2.location", "G", 2022).value or 0, 140.4 + 107.3)


def test_every_province_has_2021_and_2022_factors_and_fossil_factors():
    fs = load_factors()
    provinces = {f.region for f in fs.search(kind="grid") if f.region.count("-") == 1}
    provinces.discard("CN")
    # 30 provinces are published (Tibet has no provincial row: it uses the Southwest grid)
    assert len(provinces) == 30 and "CN-XZ" not in provinces
    for p in provinces:
        for year in (2021, 2022):
            sel = fs.select("grid", ("energy.electricity",), entity="", region=p, year=year)
            assert sel is not None and sel.factor.region == p and sel.factor.covers(year)
            assert sel.factor.source.startswith("MEE and NBS")
            assert sel.factor.edition == f"factor year {year}" and sel.factor.table
    # national fossil-power factor (reference only): 2021 0.8426, 2022 0.8325, 2023 0.8273
    fossil = {f.year_from: f.value for f in fs.search(kind="grid_fossil")}
    assert fossil == {2021: 0.8426, 2022: 0.8325, 2023: 0.8273}
    # 2021 factors cite Announcement 2024 No. 12 of 2024-04-12
    sel = fs.select("grid", ("energy.electricity",), entity="", region="CN-GS", year=2021)
    assert sel is not None and sel.factor.value == 0.4955
    assert "2024 No. 12" in sel.factor.source and "2024-04-12" in sel.factor.source


def test_rounding_note_when_printed_parts_do_not_add_up():
    from esgledger.report.tables import _rounding_gap

    # the example: Scope 1 346,201 + Scope 2 563,026 = 909,227, but the total is
    # the rounded unrounded sum 909,226 (e.g. 346,200.6 + 563,025.8 = 909,226.4)
    printed: dict[str, tuple[str | None, ...]] = {
        "ghg.scope1": ("346,201",),
        "ghg.scope2.location": ("563,026",),
        "ghg.total.location": ("909,226",),
    }
    assert _rounding_gap(printed)
    printed["ghg.total.location"] = ("909,227",)
    assert not _rounding_gap(printed)
    # a total without both parts in the table: nothing to compare
    assert not _rounding_gap({"ghg.total.location": ("909,226",), "ghg.scope1": ("346,201",)})


def test_factor_citations_name_guideline_table_and_edition():
    for f in load_factors().factors:
        assert f.source and f.edition is not None, f.id
        if f.kind in ("ncv", "carbon_content", "oxidation"):
            # the guideline by name and document number, and the appendix table
            assert "other non-ferrous metal smelting" in f.source, f.id
            assert "[2015] No. 1722" in f.source and f.table.startswith("Appendix"), f.id
        if f.kind == "gwp" and f.subject.startswith("AR6."):
            # 27.9 (CH4) and 273 (N2O) are GWP-100 of AR6 WG I Chapter 7 SM Table 7.SM.7
            assert f.table == "Table 7.SM.7 (GWP-100)", f.id
    assert "NDRC industry guidelines" not in " ".join(f.source for f in load_factors().factors)


def test_green_share_is_capped_at_purchased_electricity():
    ents = [Entity("E", "E", "E", None, "group", None, "operational", "CN-SC")]
    rows = [
        Observation("E", "2024", "energy.electricity.purchased", 100.0, "MWh", "100", "MWh"),
        Observation("E", "2024", "energy.electricity.green", 300.0, "MWh", "300", "MWh"),
    ]
    r = compute(ents, rows)
    # renewable = min(300, 100) MWh x 0.1229 tce/MWh (GB/T 2589-2020, equivalent value)
    assert math.isclose(r.value("energy.renewable_tce", "E", 2024).value or 0, 12.29)
    assert math.isclose(r.value("energy.renewable_share", "E", 2024).value or 0, 100.0)
    exp = r.explain("energy.renewable_tce", "E", 2024)
    assert "only up to the electricity purchased" in " ".join(
        n for e in exp["lineage"]["entities"] for n in e["notes"]
    )
