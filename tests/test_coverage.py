"""``esgledger coverage`` on a tiny ledger (SQLite and PostgreSQL), counted by hand.

The SSE catalogue has 25 lines: 4 elements and 21 topics. In the built-in
mappings, 10 are narrative only (GOV, STR, IRO, 4, 12, 13, 14, 18, 19, 21):
answered whenever their section is in the report. The other 15 need data
(MT, 1, 2, 3, 5, 6, 7, 8, 9, 10, 11, 15, 16, 17, 20).

The tiny ledger:
- GRP 2024     water.fresh      1000 m3  → SSE 7 (water)
- SUB 2024-03  employees.total    50     → SSE 17 (employees), a monthly row
- SUB 2023     fuel.diesel        10 t   → energy.total_tce and ghg.scope1 can be
  computed (metrics.yaml), so SSE MT, 1 and 6 are answered in 2023.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from esgledger.cli import run
from esgledger.model import Entity, ImportBatch, Observation, Period
from esgledger.report.coverage import codes_with_data, ledger_coverage, observations_in
from esgledger.report.indexes import DEFAULT_OUTLINE
from esgledger.store import Ledger


def _obs(entity: str, period: str, indicator: str, value: float, unit: str) -> Observation:
    return Observation(entity, period, indicator, value, unit, f"{value:g}", unit, source="test")


ENTITIES = (
    Entity("GRP", "Group", "集团", None, "group", None, "operational", "CN-NM"),
    Entity("SUB", "Subsidiary", "子公司", "GRP", "subsidiary", 100.0, "operational", "CN-NM"),
)
OBSERVATIONS = (
    _obs("GRP", "2024", "water.fresh", 1000, "m3"),
    _obs("SUB", "2024-03", "employees.total", 50, "person"),
    _obs("SUB", "2023", "fuel.diesel", 10, "t"),
)


def _fill(ledger: Ledger) -> None:
    ledger.import_batch(ImportBatch(ENTITIES, OBSERVATIONS), actor="tester")


def _template(tmp_path: Path) -> Path:
    """A report template whose sections are exactly the default outline."""
    base = tmp_path / "tmpl"
    base.mkdir()
    doc = {
        "version": 1,
        "title": {"en": "Test report", "zh": "测试报告"},
        "sections": [
            {"id": s.id, "title": {"en": s.title_en, "zh": s.title_zh}} for s in DEFAULT_OUTLINE
        ],
    }
    (base / "report.yaml").write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    (base / "report.html.j2").write_text("<html></html>", encoding="utf-8")
    (base / "style.css").write_text("", encoding="utf-8")
    return base


def test_period_scoping_and_codes_by_hand() -> None:
    assert codes_with_data(observations_in(OBSERVATIONS, Period(2024))) == {
        "water.fresh",
        "employees.total",
    }
    assert codes_with_data(observations_in(OBSERVATIONS, Period(2024, 3))) == {"employees.total"}
    assert codes_with_data(observations_in(OBSERVATIONS, Period(2023))) == {"fuel.diesel"}


@pytest.mark.parametrize(
    ("period", "answered", "gap", "answered_with_data"),
    [
        # 10 narrative + SSE 7 and 17
        (None, 12, 13, {"7", "17"}),  # default: the latest year with data, 2024
        ("2024", 12, 13, {"7", "17"}),
        # 10 narrative + MT, 1, 6 (diesel → energy.total_tce, ghg.scope1)
        ("2023", 13, 12, {"MT", "1", "6"}),
        # 10 narrative + 17 (the monthly employees row)
        ("2024-03", 11, 14, {"17"}),
        ("2022", 10, 15, set()),
    ],
)
def test_ledger_coverage_by_hand(
    ledger: Ledger, period: str | None, answered: int, gap: int, answered_with_data: set[str]
) -> None:
    _fill(ledger)
    index = ledger_coverage(ledger, "sse", period=period, outline=DEFAULT_OUTLINE)
    assert index.period == (period or "2024")
    assert index.counts() == {"answered": answered, "partial": 0, "omitted": 0, "gap": gap}
    assert answered + gap == 25
    assert {line.code for line in index.lines if line.status == "answered" and line.with_data} == (
        answered_with_data
    )
    assert index.coverage_pct() == pytest.approx(100 * answered / 25)


def test_user_omission_turns_a_gap_into_an_omission(ledger: Ledger, tmp_path: Path) -> None:
    _fill(ledger)
    path = tmp_path / "omissions.csv"
    path.write_text(
        "framework,disclosure,reason,explanation_en,explanation_zh\n"
        "sse,20,confidentiality,Case details are confidential.,案件细节保密。\n",
        encoding="utf-8",
    )
    index = ledger_coverage(ledger, "sse", period="2024", outline=DEFAULT_OUTLINE, omissions=path)
    # 2024 had 13 gaps; SSE 20 (anti-corruption) is one of them.
    assert index.counts() == {"answered": 12, "partial": 0, "omitted": 1, "gap": 12}
    assert index.omitted_by_reason()["confidentiality"] == 1


def test_empty_ledger_has_no_period(ledger: Ledger) -> None:
    index = ledger_coverage(ledger, "sse", outline=DEFAULT_OUTLINE)
    assert index.period is None
    assert index.counts() == {"answered": 10, "partial": 0, "omitted": 0, "gap": 15}


def test_cli_json(sqlite_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with Ledger.open(sqlite_url) as ledger:
        _fill(ledger)
    template = _template(tmp_path)
    args = ["--db", sqlite_url, "coverage", "--framework", "sse", "--json"]
    assert run([*args, "--template", str(template), "--period", "2023"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["framework"] == "sse" and data["period"] == "2023"
    assert (data["total"], data["answered"], data["omitted"], data["gap"]) == (25, 13, 0, 12)
    assert data["coverage_pct"] == 52.0  # 13 / 25
    assert [g["code"] for g in data["gaps"]] == [
        "2", "3", "5", "7", "8", "9", "10", "11", "15", "16", "17", "20",
    ]  # fmt: skip
    seven = next(g for g in data["gaps"] if g["code"] == "7")
    assert seven["sections"] == ["environment.water"]
    assert "water.fresh" in seven["indicators"]


def test_cli_table_and_errors(sqlite_url: str, tmp_path: Path, capsys) -> None:
    with Ledger.open(sqlite_url) as ledger:
        _fill(ledger)
    template = _template(tmp_path)
    base = ["--db", sqlite_url, "coverage", "--template", str(template)]
    assert run([*base, "--framework", "gri"]) == 0
    out = capsys.readouterr().out
    assert "period 2024" in out and "gaps" in out and "305-1" in out
    assert run([*base, "--framework", "esrs"]) == 3  # not found
    assert "unknown framework 'esrs'" in capsys.readouterr().err
    assert run([*base, "--framework", "sse", "--period", "24"]) == 2
    assert "bad period '24'" in capsys.readouterr().err
    assert run([*base, "--framework", "sse", "--lang", "fr"]) == 3  # not found
    assert run([*base, "--framework", "sse", "--omissions", str(tmp_path / "none.csv")]) == 2
    assert "cannot read" in capsys.readouterr().err
