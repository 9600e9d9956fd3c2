"""Issue 11 item 6: electricity at the equal value (等价值) beside the equivalent value
(当量值), the method named in the metric and in explain. No equal-value factor is
shipped (no citable coal consumption of power supply was found), so the figure is
absent until one is imported, and present, with its factor, once it is."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from esgledger.calc import compute
from esgledger.calc.metrics import METRICS
from esgledger.catalog.factors import load_factors, read_factor_file
from esgledger.cli import run
from esgledger.model import Entity, Observation

ENTS = [Entity("E", "E", "E", None, "group", None, "operational", "CN-JX")]
ROWS = [
    Observation("E", "2024", "energy.electricity.purchased", 1000, "MWh", "1000", "MWh"),
    Observation("E", "2024", "fuel.diesel", 10, "t", "10", "t"),
]
# A user's equal-value factor, e.g. 0.3 kgce/kWh taken from the year's published coal
# consumption of power supply (the value here is a test value, not a published figure).
EQ = "kind,subject,year_from,year_to,value,unit,source\n"
EQ += "tce_equal,energy.electricity,2024,2024,0.3,kgce/kWh,test value\n"
# GB/T 2589-2020 Annex A: electricity 0.1229 kgce/kWh (equivalent value), diesel 1.4571
EQUIVALENT = 1000 * 0.1229 + 10 * 1.4571  # = 137.471 tce
EQUAL = 1000 * 0.3 + 10 * 1.4571  # = 314.571 tce


def test_methods_are_named():
    assert "当量值" in METRICS["energy.total_tce"].description
    assert "等价值" in METRICS["energy.total_tce.equal"].description


def test_equal_value_absent_without_a_factor_and_present_with_one():
    r = compute(ENTS, ROWS)
    assert math.isclose(r.value("energy.total_tce", "E", 2024).value or 0, EQUIVALENT)
    assert r.value("energy.total_tce.equal", "E", 2024).value is None
    r = compute(ENTS, ROWS, load_factors().with_overrides(read_factor_file(EQ)))
    assert math.isclose(r.value("energy.total_tce", "E", 2024).value or 0, EQUIVALENT)
    assert math.isclose(r.value("energy.total_tce.equal", "E", 2024).value or 0, EQUAL)


def test_equal_value_through_the_cli(
    sqlite_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys
):
    monkeypatch.setenv("ESGLEDGER_DATABASE_URL", sqlite_url)
    (tmp_path / "e.csv").write_text(
        "code,name_en,name_zh,parent,type,ownership_pct,control,region,included_from,included_to\n"
        "E,E,E,,group,,operational,CN-JX,,\n",
        encoding="utf-8",
    )
    (tmp_path / "o.csv").write_text(
        "entity,period,indicator,value,unit,source,comment\n"
        "E,2024,energy.electricity.purchased,1000,MWh,bill,\n"
        "E,2024,fuel.diesel,10,t,card,\n",
        encoding="utf-8",
    )
    (tmp_path / "f.csv").write_text(EQ, encoding="utf-8")
    assert run(["import", str(tmp_path / "e.csv"), str(tmp_path / "o.csv")]) == 0
    assert run(["factors", "import", str(tmp_path / "f.csv")]) == 0
    capsys.readouterr()
    argv = ["explain", "energy.total_tce.equal", "--entity", "E", "--period", "2024", "--json"]
    assert run(argv) == 0
    out = json.loads(capsys.readouterr().out)
    assert math.isclose(out["value"], EQUAL)
    assert "等价值" in out["description"]
    obs = {o["indicator"]: o for e in out["lineage"]["entities"] for o in e["observations"]}
    roles = [f["role"] for f in obs["energy.electricity.purchased"]["factors"]]
    assert roles == ["standard-coal factor (equal value, 等价值)"]
    assert math.isclose(obs["energy.electricity.purchased"]["contribution"], 300)
