"""Issue 11 item 2: all seven Kyoto gases as direct emissions in tonnes of gas
(``process.gas.<gas>``, ``fugitive.gas.<gas>``), metrics per gas group, on the CLI and in
``explain --json``. Hand calculations with the GWP and its table in a comment."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from esgledger.calc import compute
from esgledger.cli import run
from esgledger.model import Entity, Observation

# IPCC AR6 WG I Chapter 7 SM, Table 7.SM.7 (GWP-100): CF4 7,380; C2F6 12,400; CH4 27.9
CF4, C2F6, CH4 = 7380, 12400, 27.9
# IPCC AR5 WG I Chapter 8 Table 8.A.1 (GWP-100): SF6 23,500; HFC-134a 1,300; CF4 6,630
SF6_AR5, HFC134A_AR5, CF4_AR5 = 23500, 1300, 6630

ENTITIES = """code,name_en,name_zh,parent,type,ownership_pct,control,region,\
included_from,included_to
RE,Rare-earth metal plant,稀土金属厂,,group,,operational,CN-JX,,
"""
OBSERVATIONS = """entity,period,indicator,value,unit,source,comment
RE,2024,process.gas.cf4,2.5,t,electrolysis mass balance,
RE,2024,process.gas.c2f6,0.25,t,electrolysis mass balance,
RE,2024,process.gas.co2,1000,t,anode carbon mass balance,
RE,2024,fugitive.gas.ch4,2,t,estimate,
RE,2024,fuel.diesel,10,t,fuel card,
"""


def _obs(rows: list[tuple[str, float]]) -> list[Observation]:
    return [Observation("E", "2024", i, v, "t", str(v), "t") for i, v in rows]


ENTS = [Entity("E", "E", "E", None, "group", None, "operational", "CN-JX")]


def test_pfcs_are_not_co2():
    r = compute(ENTS, _obs([("process.gas.cf4", 2.5), ("process.gas.c2f6", 0.25)]))
    val = lambda m: r.value(m, "E", 2024).value or 0  # noqa: E731
    # 2.5 t CF4 x 7,380 + 0.25 t C2F6 x 12,400 = 18,450 + 3,100 = 21,550 tCO2e
    assert math.isclose(val("ghg.scope1.pfcs"), 2.5 * CF4 + 0.25 * C2F6)
    assert math.isclose(val("ghg.scope1.process"), 21_550)
    assert math.isclose(val("ghg.scope1"), 21_550)
    assert val("ghg.scope1.co2") == 0  # the bug: CF4 used to land in ghg.scope1.co2


def test_fugitive_and_other_gas_sets():
    rows = _obs([("fugitive.gas.sf6", 0.01), ("fugitive.gas.hfc134a", 0.1)])
    rows.append(Observation("E", "2024", "process.gas.cf4", 1.0, "t", "1", "t"))
    r = compute(ENTS, rows, gwp="AR5")
    val = lambda m: r.value(m, "E", 2024).value or 0  # noqa: E731
    # AR5: 0.01 t SF6 x 23,500 = 235; 0.1 t HFC-134a x 1,300 = 130; 1 t CF4 x 6,630
    assert math.isclose(val("ghg.scope1.sf6"), 235)
    assert math.isclose(val("ghg.scope1.hfcs"), 130)
    assert math.isclose(val("ghg.scope1.fugitive"), 365)
    assert math.isclose(val("ghg.scope1.process"), CF4_AR5)
    assert math.isclose(val("ghg.scope1"), 365 + CF4_AR5)


def test_ar6_fluorinated_gases_and_rare_earth_process_sources():
    # IPCC AR6 WG I Ch. 7 SM Table 7.SM.7 (GWP-100): SF6 25,200; C3F8 9,290; HFC-125 3,740;
    # HFC-134a 1,530; HFC-143a 5,810
    rows = _obs(
        [
            ("fugitive.gas.sf6", 0.01),
            ("process.gas.c3f8", 0.1),
            ("fugitive.gas.hfc125", 0.1),
            ("fugitive.gas.hfc134a", 0.2),
            ("fugitive.gas.hfc143a", 0.05),
            # stoichiometry: RE2(CO3)3 -> RE2O3 + 3 CO2: 3 x 44.01 / 325.81 (La2O3) = 0.40524
            ("process.re_carbonate", 100),
            # RE2(C2O4)3 -> RE2O3 + 3 CO + 3 CO2, CO oxidised: 6 x 44.01 / 325.81 = 0.81047
            ("process.re_oxalate", 10),
            # anode carbon mass balance: 44.01 / 12.011 = 3.66416 tCO2 per t C
            ("process.anode_carbon", 50),
        ]
    )
    r = compute(ENTS, rows)
    val = lambda m: r.value(m, "E", 2024).value or 0  # noqa: E731
    assert math.isclose(val("ghg.scope1.sf6"), 0.01 * 25200)
    assert math.isclose(val("ghg.scope1.pfcs"), 0.1 * 9290)
    assert math.isclose(val("ghg.scope1.hfcs"), 0.1 * 3740 + 0.2 * 1530 + 0.05 * 5810)
    co2 = 100 * 0.40524 + 10 * 0.81047 + 50 * 3.66416  # = 231.8367 tCO2
    assert math.isclose(val("ghg.scope1.co2"), co2)
    assert math.isclose(val("ghg.scope1.process"), co2 + 929)


@pytest.fixture
def db(any_db_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> str:
    monkeypatch.setenv("ESGLEDGER_DATABASE_URL", any_db_url)
    monkeypatch.setenv("ESGLEDGER_DATA_DIR", str(tmp_path))
    (tmp_path / "entities.csv").write_text(ENTITIES, encoding="utf-8")
    (tmp_path / "observations.csv").write_text(OBSERVATIONS, encoding="utf-8")
    assert run(["import", str(tmp_path / "entities.csv"), str(tmp_path / "observations.csv")]) == 0
    return any_db_url


def _explain(capsys: pytest.CaptureFixture[str], metric: str) -> dict:
    capsys.readouterr()
    assert run(["explain", metric, "--entity", "RE", "--period", "2024", "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_rare_earth_electrolysis_through_explain(db, capsys):
    pfcs = _explain(capsys, "ghg.scope1.pfcs")
    assert math.isclose(pfcs["value"], 2.5 * CF4 + 0.25 * C2F6)
    obs = {o["indicator"]: o for e in pfcs["lineage"]["entities"] for o in e["observations"]}
    cf4 = obs["process.gas.cf4"]["factors"]
    assert [(f["id"], f["value"], f["table"]) for f in cf4] == [
        ("gwp:AR6.CF4:*:-", 7380.0, "Table 7.SM.7 (GWP-100)")
    ]
    co2 = _explain(capsys, "ghg.scope1.co2")
    # diesel 10 t x 3.0959 tCO2/t (42.652 GJ/t x 20.20 tC/TJ x 0.98 x 44/12) + 1,000 t CO2
    diesel = 10 * 42.652e-3 * 20.20 * 0.98 * 44 / 12
    assert math.isclose(co2["value"], diesel + 1000)
    ch4 = _explain(capsys, "ghg.scope1.ch4")
    # fugitive 2 t CH4 x 27.9 + diesel CH4 10 t x 42.652e-3 TJ/t x 3 kg/TJ x 27.9 (Table 2.3)
    assert math.isclose(ch4["value"], 2 * CH4 + 10 * 42.652e-3 * 3e-3 * CH4)
    total = _explain(capsys, "ghg.scope1")
    n2o = 10 * 42.652e-3 * 0.6e-3 * 273
    want = 2.5 * CF4 + 0.25 * C2F6 + diesel + 1000 + ch4["value"] + n2o
    assert math.isclose(total["value"], want, rel_tol=1e-9)
