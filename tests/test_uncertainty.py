"""Issue 11 item 8: uncertainty by error propagation (IPCC 2006 Vol. 1 Ch. 3, Approach 1,
Eqs. 3.1 and 3.2), from each observation's provenance tier and each factor's confidence,
as ``uncertainty_pct`` of ``explain --json``."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from esgledger.calc import compute
from esgledger.calc.uncertainty import ACTIVITY_PCT, FACTOR_PCT
from esgledger.cli import run
from esgledger.model import Entity, Observation

ENTS = [Entity("E", "E", "E", None, "group", None, "operational", "CN-JX")]


def _o(ind: str, v: float, unit: str, prov: str) -> Observation:
    return Observation("E", "2024", ind, v, unit, str(v), unit, provenance=prov)  # type: ignore[arg-type]


ROWS = [
    _o("energy.electricity.purchased", 100, "MWh", "measured"),
    _o("fugitive.gas.hfc134a", 0.2, "t", "estimated"),
    _o("process.limestone", 100, "t", "calculated"),
]
# Defaults (esgledger's assumptions, docs/methodology.md): activity measured 2 %,
# calculated 5 %, estimated 20 %; factor of confidence "high" 5 %; GWPs excluded.
assert (ACTIVITY_PCT["measured"], ACTIVITY_PCT["calculated"], ACTIVITY_PCT["estimated"]) == (
    2,
    5,
    20,
)
assert FACTOR_PCT["high"] == 5
# Jiangxi 2022 grid factor 0.5752 tCO2/MWh (MEE/NBS announcement of 2024-12, confidence high)
S2 = 100 * 0.5752
# HFC-134a AR6 1,530 (Table 7.SM.7): 0.2 t -> 306 t; limestone 0.43971 tCO2/t (IPCC 2006
# Vol. 3 Table 2.1, confidence high): 100 t -> 43.971 t
HFC, LIME = 0.2 * 1530, 100 * 0.43971


def _u_s2() -> float:
    # product: sqrt(2^2 + 5^2) = 5.385 %
    return math.sqrt(2**2 + 5**2)


def _u_s1() -> float:
    # sum (Eq. 3.1): sqrt((306 x 20 %)^2 + (43.971 x 5 %)^2 + (43.971 x 5 %)^2) / 349.971
    var = (HFC * 0.20) ** 2 + (LIME * 0.05) ** 2 + (LIME * 0.05) ** 2
    return 100 * math.sqrt(var) / (HFC + LIME)


def test_scope_totals_have_a_propagated_uncertainty():
    r = compute(ENTS, ROWS)
    s2 = r.explain("ghg.scope2.location", "E", 2024)
    assert math.isclose(s2["value"], S2)
    assert s2["uncertainty_pct"] == round(_u_s2(), 2)  # 5.39
    s1 = r.explain("ghg.scope1", "E", 2024)
    assert s1["uncertainty_pct"] == round(_u_s1(), 2)  # 17.51
    total = r.explain("ghg.total.location", "E", 2024)
    var = (S2 * _u_s2() / 100) ** 2 + ((HFC + LIME) * _u_s1() / 100) ** 2
    assert total["uncertainty_pct"] == round(100 * math.sqrt(var) / (S2 + HFC + LIME), 2)
    assert r.explain("energy.total_tce", "E", 2024)["uncertainty_pct"] is None  # not a GHG sum


def test_uncertainty_on_the_cli(
    sqlite_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys
):
    monkeypatch.setenv("ESGLEDGER_DATABASE_URL", sqlite_url)
    (tmp_path / "e.csv").write_text(
        "code,name_en,name_zh,parent,type,ownership_pct,control,region,included_from,included_to\n"
        "E,E,E,,group,,operational,CN-JX,,\n",
        encoding="utf-8",
    )
    (tmp_path / "o.csv").write_text(
        "entity,period,indicator,value,unit,source,comment,provenance\n"
        "E,2024,energy.electricity.purchased,100,MWh,bill,,measured\n",
        encoding="utf-8",
    )
    assert run(["import", str(tmp_path / "e.csv"), str(tmp_path / "o.csv")]) == 0
    capsys.readouterr()
    argv = ["explain", "ghg.scope2.location", "--entity", "E", "--period", "2024", "--json"]
    assert run(argv) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["uncertainty_pct"] == round(_u_s2(), 2)
