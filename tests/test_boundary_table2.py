"""Issue 11 item 4: consolidation follows the GHG Protocol Corporate Standard, chapter 3,
Table 2 (accounting categories under the equity-share and financial-control approaches),
with financial control stated apart from operational control (optional column
``financial_control``: full, joint, none); files without the column keep their meaning."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from esgledger.calc import compute
from esgledger.cli import run
from esgledger.model import Entity, Observation

# One purchased-electricity row of 100 MWh per entity; Jiangxi 2022 grid factor 0.5752
# tCO2/MWh (MEE/NBS announcement of 2024-12) -> 57.52 tCO2e per entity at 100 %.
EACH = 100 * 0.5752

# (code, ownership %, control, financial_control, equity share, financial control share,
#  operational control share) — GHG Protocol Corporate Standard ch. 3 Table 2
TABLE2 = [
    # wholly owned, operated: 100 / 100 / 100
    ("WHOLLY", 100.0, "operational", "", 1.0, 1.0, 1.0),
    # group company / subsidiary with financial control, 60 % owned: 60 / 100
    ("SUB", 60.0, "financial", "", 0.60, 1.0, 0.0),
    # subsidiary 50 % owned but controlled (stated): 50 / 100, not a JV
    ("SUB50", 50.0, "operational", "full", 0.50, 1.0, 1.0),
    # associated company (significant influence, no financial control), 30 %: 30 / 0
    ("ASSOC", 30.0, "none", "", 0.30, 0.0, 0.0),
    # joint venture with joint financial control, 40 %, operated by a partner: 40 / 40 / 0
    ("JV", 40.0, "none", "joint", 0.40, 0.40, 0.0),
    # joint venture we operate (operational control) with joint financial control: 40 / 40 / 100
    ("JVOP", 40.0, "operational", "joint", 0.40, 0.40, 1.0),
    # operated associate without financial control (stated): 20 / 0 / 100
    ("OPASSOC", 20.0, "operational", "none", 0.20, 0.0, 1.0),
]


def _tree() -> list[Entity]:
    root = Entity("G", "Group", "集团", None, "group", None, "operational", "CN-JX")
    return [root] + [
        Entity(c, c, c, "G", "subsidiary", own, ctl, "CN-JX", financial_control=fin)  # type: ignore[arg-type]
        for c, own, ctl, fin, *_ in TABLE2
    ]


def _rows() -> list[Observation]:
    ind = "energy.electricity.purchased"
    return [Observation(c, "2024", ind, 100, "MWh", "100", "MWh") for c, *_ in TABLE2]


@pytest.mark.parametrize(("boundary", "col"), [("equity", 4), ("financial", 5), ("operational", 6)])
def test_table2_shares(boundary, col):
    r = compute(_tree(), _rows(), boundary=boundary)
    want = sum(row[col] for row in TABLE2) * EACH
    got = r.value("ghg.scope2.location", "G", 2024).value
    assert math.isclose(got or 0, want), boundary
    lineage = r.explain("ghg.scope2.location", "G", 2024)["lineage"]
    shares = {e["entity"]: e["share"] for e in lineage["entities"]}
    for row in TABLE2:
        assert math.isclose(shares.get(row[0], 0.0), row[col]), (boundary, row[0])


def test_stated_financial_control_through_the_cli(
    sqlite_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys
):
    monkeypatch.setenv("ESGLEDGER_DATABASE_URL", sqlite_url)
    head = "code,name_en,name_zh,parent,type,ownership_pct,control,region,included_from,"
    head += "included_to,financial_control\n"
    (tmp_path / "e.csv").write_text(
        head + "G,G,G,,group,,operational,CN-JX,,,\n"
        "SUB50,S,S,G,subsidiary,50,operational,CN-JX,,,full\n",
        encoding="utf-8",
    )
    (tmp_path / "o.csv").write_text(
        "entity,period,indicator,value,unit,source,comment\n"
        "SUB50,2024,energy.electricity.purchased,100,MWh,bill,\n",
        encoding="utf-8",
    )
    assert run(["import", str(tmp_path / "e.csv"), str(tmp_path / "o.csv")]) == 0
    capsys.readouterr()
    argv = ["explain", "ghg.scope2.location", "--entity", "G", "--period", "2024"]
    assert run([*argv, "--boundary", "financial", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    # 50 % owned but controlled: 100 % under financial control (not the 50 % JV rule)
    assert math.isclose(out["value"], EACH)
    bad = tmp_path / "bad.csv"
    bad.write_text(head + "X,X,X,G,subsidiary,50,operational,CN-JX,,,partly\n", encoding="utf-8")
    assert run(["import", str(bad)]) != 0
    err = capsys.readouterr().err
    assert "financial_control" in err and "partly" in err
