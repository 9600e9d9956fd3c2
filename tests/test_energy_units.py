"""Issue 11 item 6: fuels in energy units (through the cited NCV, or a measured one per
entity) and in volume (through an entered density), steam as heat (GJ or MWh) — through
``esgledger import`` and ``explain --json``. Expectations by hand, factor and source cited."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from esgledger.cli import run

ENTITIES = """code,name_en,name_zh,parent,type,ownership_pct,control,region,\
included_from,included_to
G,Group,集团,,group,,operational,CN-NM,,
M,Measured plant,实测厂,G,subsidiary,100,operational,CN-NM,,
"""

OBSERVATIONS = """entity,period,indicator,value,unit,source,comment
G,2024,fuel.diesel,426.52,GJ,fuel card,
G,2024,fuel.gasoline,1,TJ,fuel card,
G,2024,fuel.natural_gas,3.8931,MWh,meter,
G,2024,energy.steam.purchased,2693.26,GJ,supplier,
M,2024,fuel.diesel,440,GJ,fuel card,
M,2024,fuel.fuel_oil,10000,L,tank gauge,
"""

# user factors: a measured NCV for M's diesel and a density for fuel oil, with sources
FACTORS = """kind,subject,entity,value,unit,source,note
ncv,fuel.diesel,M,44,GJ/t,lab report 2024-07,measured
density,fuel.fuel_oil,,0.94,t/m3,supplier certificate 2024,fuel oil at 20 C
"""

CO2_PER_C = 44 / 12
# China enterprise GHG accounting guidelines (NDRC, 2013-2015 industry guidelines):
DIESEL = (42.652, 20.20, 0.98)  # NCV GJ/t, carbon content tC/TJ, oxidation
GASOLINE = (43.070, 18.90, 0.98)
FUEL_OIL = (41.816, 21.10, 0.98)
NG_NCV = 389.31  # GJ per 10^4 m3


def _co2(tonnes: float, ncv: float, cc: float, ox: float) -> float:
    return tonnes * ncv / 1000 * cc * ox * CO2_PER_C


@pytest.fixture
def db(any_db_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> str:
    monkeypatch.setenv("ESGLEDGER_DATABASE_URL", any_db_url)
    monkeypatch.setenv("ESGLEDGER_DATA_DIR", str(tmp_path))
    (tmp_path / "entities.csv").write_text(ENTITIES, encoding="utf-8")
    (tmp_path / "factors.csv").write_text(FACTORS, encoding="utf-8")
    (tmp_path / "observations.csv").write_text(OBSERVATIONS, encoding="utf-8")
    assert run(["import", str(tmp_path / "entities.csv")]) == 0
    assert run(["factors", "import", str(tmp_path / "factors.csv")]) == 0
    return any_db_url


def _json(capsys: pytest.CaptureFixture[str], *args: str) -> dict:
    capsys.readouterr()
    assert run([*args, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def _obs(data: dict, entity: str, indicator: str) -> dict:
    for item in data["lineage"]["entities"]:
        if item["entity"] == entity:
            for o in item["observations"]:
                if o["indicator"] == indicator:
                    return o
    raise AssertionError((entity, indicator))


def test_energy_and_volume_units_through_cited_factors(db, tmp_path, capsys):
    out = _json(capsys, "import", str(tmp_path / "observations.csv"))
    notes = " ".join(w["message"] for w in out["warnings"])
    assert "net calorific value 42.652 GJ/t" in notes and "China enterprise GHG" in notes
    assert "net calorific value 44 GJ/t (lab report 2024-07" in notes  # measured, for M
    assert "density 0.94 t/m3 (supplier certificate 2024" in notes
    assert "steam heat content (2777 - 83.74) kJ/kg" in notes

    data = _json(capsys, "explain", "ghg.scope1.co2", "--entity", "G", "--period", "2024")
    # G diesel: 426.52 GJ / 42.652 GJ/t = 10 t
    diesel = _obs(data, "G", "fuel.diesel")
    assert math.isclose(diesel["value"], 10.0)
    assert (diesel["raw_value"], diesel["raw_unit"]) == ("426.52", "GJ")
    # G gasoline: 1 TJ = 1,000 GJ / 43.070 GJ/t = 23.2180 t
    gasoline_t = 1000 / 43.070
    # G natural gas: 3.8931 MWh = 14.01516 GJ / 389.31 GJ per 10^4 m3 = 360 m3
    gas_m3 = 3.8931 * 3.6 / NG_NCV * 1e4
    assert math.isclose(_obs(data, "G", "fuel.natural_gas")["value"], gas_m3)
    # M diesel: 440 GJ / 44 GJ/t (measured) = 10 t; its CO2 on the same NCV: 440 GJ x cc x ox
    assert math.isclose(_obs(data, "M", "fuel.diesel")["value"], 10.0)
    # M fuel oil: 10,000 L = 10 m3 x 0.94 t/m3 = 9.4 t
    assert math.isclose(_obs(data, "M", "fuel.fuel_oil")["value"], 9.4)
    want = (
        _co2(10, *DIESEL)
        + _co2(gasoline_t, *GASOLINE)
        + gas_m3 / 1e4 * NG_NCV / 1000 * 15.30 * 0.99 * CO2_PER_C
        + 440 / 1000 * 20.20 * 0.98 * CO2_PER_C  # one NCV basis: the energy given
        + _co2(9.4, *FUEL_OIL)
    )
    assert math.isclose(data["value"], want, rel_tol=1e-9)


def test_steam_as_heat(db, tmp_path, capsys):
    assert run(["import", str(tmp_path / "observations.csv")]) == 0
    data = _json(capsys, "explain", "ghg.scope2.location", "--entity", "G", "--period", "2024")
    steam = _obs(data, "G", "energy.steam.purchased")
    # 2,693.26 GJ / ((2,777 - 83.74) kJ/kg = 2.69326 GJ/t) = 1,000 t; 2,693.26 GJ x 0.11 tCO2/GJ
    assert math.isclose(steam["value"], 1000.0)
    assert math.isclose(data["value"], 2693.26 * 0.11, rel_tol=1e-9)


def test_volume_without_density_is_refused_with_the_fix(db, tmp_path, capsys):
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "entity,period,indicator,value,unit,source,comment\nG,2024,fuel.diesel,500,L,card,\n",
        encoding="utf-8",
    )
    capsys.readouterr()
    assert run(["import", str(bad)]) == 2
    err = " ".join(capsys.readouterr().err.split())
    assert "bad.csv, row 2, column unit" in err and "density factor for fuel.diesel" in err
