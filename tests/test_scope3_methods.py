"""Issue 11 item 5: Scope 3 counts one method per activity (category, entity, year):
supplier-specific > average-data > spend-based, the others shown with fraction 0."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from esgledger.calc import compute
from esgledger.calc.scope3 import method_of
from esgledger.catalog.factors import load_factors, read_factor_file
from esgledger.cli import run
from esgledger.model import Entity, Observation

# User factors (no default Scope 3 factors are shipped): a spend factor of 0.52 kgCO2e/CNY
# and a road-freight factor of 0.1 kgCO2e/t·km, as a supplier or database would give them.
FACTORS = """kind,subject,value,unit,source
scope3,scope3.cat01.spend,0.52,kgCO2e/CNY,supplier spend factor 2024
scope3,scope3.cat04.spend,0.3,kgCO2e/CNY,freight spend factor 2024
scope3,scope3.cat04.tkm,0.1,kgCO2e/tonne/km,road freight factor 2024
"""
ENTS = [Entity("E", "E", "E", None, "group", None, "operational", "CN")]


def _o(ind: str, value: float, unit: str) -> Observation:
    return Observation("E", "2024", ind, value, unit, str(value), unit)


def test_methods_by_indicator():
    assert method_of("scope3.cat01.emissions") == "supplier-specific"
    assert method_of("scope3.cat04.tkm") == "average-data"
    assert method_of("scope3.cat01.spend") == "spend-based"


def test_the_best_method_wins_per_category():
    fs = load_factors().with_overrides(read_factor_file(FACTORS))
    rows = [
        _o("scope3.cat01.emissions", 500, "tCO2e"),  # supplier-specific
        _o("scope3.cat01.spend", 1_000_000, "CNY"),  # spend-based: ignored
        _o("scope3.cat04.tkm", 2_000_000, "tonne*km"),  # average-data
        _o("scope3.cat04.spend", 100_000, "CNY"),  # spend-based: ignored
    ]
    r = compute(ENTS, rows, fs)
    val = lambda m: r.value(m, "E", 2024).value  # noqa: E731
    # cat01: 500 tCO2e as reported (not + 1,000,000 CNY x 0.52 kg/CNY = 520 t)
    assert math.isclose(val("ghg.scope3.cat01"), 500)
    # cat04: 2,000,000 t·km x 0.1 kgCO2e/t·km / 1000 = 200 t (not + 100,000 x 0.3 / 1000 = 30)
    assert math.isclose(val("ghg.scope3.cat04"), 200)
    assert math.isclose(val("ghg.scope3"), 700)


def test_spend_alone_still_counts():
    fs = load_factors().with_overrides(read_factor_file(FACTORS))
    r = compute(ENTS, [_o("scope3.cat01.spend", 1_000_000, "CNY")], fs)
    # 1,000,000 CNY x 0.52 kgCO2e/CNY / 1000 = 520 tCO2e
    assert math.isclose(r.value("ghg.scope3.cat01", "E", 2024).value or 0, 520)


def test_explain_discloses_the_superseded_method(
    sqlite_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys
):
    monkeypatch.setenv("ESGLEDGER_DATABASE_URL", sqlite_url)
    (tmp_path / "e.csv").write_text(
        "code,name_en,name_zh,parent,type,ownership_pct,control,region,included_from,included_to\n"
        "E,E,E,,group,,operational,CN,,\n",
        encoding="utf-8",
    )
    (tmp_path / "o.csv").write_text(
        "entity,period,indicator,value,unit,source,comment\n"
        "E,2024,scope3.cat01.emissions,500,tCO2e,supplier data,\n"
        "E,2024,scope3.cat01.spend,1000000,CNY,ledger,\n",
        encoding="utf-8",
    )
    (tmp_path / "f.csv").write_text(FACTORS, encoding="utf-8")
    assert run(["import", str(tmp_path / "e.csv"), str(tmp_path / "o.csv")]) == 0
    assert run(["factors", "import", str(tmp_path / "f.csv")]) == 0
    capsys.readouterr()
    argv = ["explain", "ghg.scope3.cat01", "--entity", "E", "--period", "2024", "--json"]
    assert run(argv) == 0
    out = json.loads(capsys.readouterr().out)
    assert math.isclose(out["value"], 500)
    obs = {o["indicator"]: o for e in out["lineage"]["entities"] for o in e["observations"]}
    spend = obs["scope3.cat01.spend"]
    assert spend["fraction"] == 0 and spend["contribution"] == 0
    assert "supplier-specific > average-data > spend-based" in spend["fraction_reason"]
