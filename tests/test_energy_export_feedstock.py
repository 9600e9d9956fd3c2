"""Issue 11 item 6: exported energy is deducted from consumption, feedstock is separated
(in the energy total, no combustion CO2). Factors: GB/T 2589-2020 Annex A — electricity
0.1229 kgce/kWh (equivalent value), raw coal 0.7143 kgce/kg, heat 0.03412 kgce/MJ."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from esgledger.calc import compute
from esgledger.cli import run
from esgledger.model import Entity, Observation

ENTS = [Entity("E", "E", "E", None, "group", None, "operational", "CN-JX")]


def _o(ind: str, v: float, unit: str) -> Observation:
    return Observation("E", "2024", ind, v, unit, str(v), unit)


ROWS = [
    _o("energy.electricity.purchased", 1000, "MWh"),
    _o("energy.electricity.exported", 200, "MWh"),
    _o("energy.heat.exported", 1000, "GJ"),
    _o("fuel.raw_coal.feedstock", 100, "t"),
]
# 1,000 MWh x 0.1229 = 122.9 tce; exported 200 MWh x 0.1229 = 24.58 tce and 1,000 GJ x
# 0.03412 = 34.12 tce; feedstock 100 t x 0.7143 = 71.43 tce
EXPORTED = 200 * 0.1229 + 1000 * 0.03412
FEED = 100 * 0.7143
TOTAL = 1000 * 0.1229 - EXPORTED + FEED


def test_export_deducted_and_feedstock_separated():
    r = compute(ENTS, ROWS)
    val = lambda m: r.value(m, "E", 2024).value  # noqa: E731
    assert math.isclose(val("energy.exported_tce"), EXPORTED)
    assert math.isclose(val("energy.feedstock_tce"), FEED)
    assert math.isclose(val("energy.total_tce"), TOTAL)
    # Scope 2 is not reduced by exports: 1,000 MWh x Jiangxi 2022 0.5752 tCO2/MWh (MEE/NBS)
    assert math.isclose(val("ghg.scope2.location"), 1000 * 0.5752)
    assert val("ghg.scope1") == 0  # feedstock is not burnt


def test_explain_names_the_deduction(
    sqlite_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys
):
    monkeypatch.setenv("ESGLEDGER_DATABASE_URL", sqlite_url)
    (tmp_path / "e.csv").write_text(
        "code,name_en,name_zh,parent,type,ownership_pct,control,region,included_from,included_to\n"
        "E,E,E,,group,,operational,CN-JX,,\n",
        encoding="utf-8",
    )
    lines = "".join(f"E,2024,{o.indicator},{o.raw_value},{o.raw_unit},meter,\n" for o in ROWS)
    (tmp_path / "o.csv").write_text(
        "entity,period,indicator,value,unit,source,comment\n" + lines, encoding="utf-8"
    )
    assert run(["import", str(tmp_path / "e.csv"), str(tmp_path / "o.csv")]) == 0
    capsys.readouterr()
    argv = ["explain", "energy.total_tce", "--entity", "E", "--period", "2024", "--json"]
    assert run(argv) == 0
    out = json.loads(capsys.readouterr().out)
    assert math.isclose(out["value"], TOTAL)
    obs = {o["indicator"]: o for e in out["lineage"]["entities"] for o in e["observations"]}
    assert math.isclose(obs["energy.electricity.exported"]["contribution"], -200 * 0.1229)
    assert any("deducted" in n for n in obs["energy.electricity.exported"]["notes"])
    assert any("feedstock" in n for n in obs["fuel.raw_coal.feedstock"]["notes"])
