"""CLI: `esgledger check`, `check ack` (audit trail) and `targets`, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from esgledger.cli import run
from esgledger.quality import finding_id
from esgledger.store import Ledger

ENTITIES = """code,name_en,name_zh,parent,type,ownership_pct,control,region,\
included_from,included_to
G,Group,集团,,group,,operational,CN-NM,,
A,Plant A,甲厂,G,subsidiary,100,operational,CN-NM,,
B,Plant B,乙厂,G,subsidiary,100,operational,CN-NM,,
C,Plant C,丙厂,G,subsidiary,100,operational,CN-NM,,
"""

OBSERVATIONS = """entity,period,indicator,value,unit,source,comment
A,2023,energy.steam.purchased,119186,t,test,
A,2024,energy.steam.purchased,41225,t,test,
C,2023,fuel.raw_coal,1000,t,test,
C,2024,fuel.raw_coal,900,t,test,
B,2024,energy.electricity.purchased,500,MWh,test,
B,2024,energy.electricity.green,650,MWh,test,
B,2023,water.fresh,10000,m3,test,
B,2024,water.fresh,9000,m3,test,
"""

TARGETS = """version: 1
targets:
  - id: water-b
    name_en: Fresh water of plant B down 20 % by 2025
    metric: water.fresh
    entities: [B]
    baseline: {year: 2023}
    target: {year: 2025, change_pct: -20}
  - id: coal-energy-c
    metric: energy.total_tce
    entities: [C]
    unit: tce
    baseline: {year: 2023}
    target: {year: 2025, value: 600}
"""


@pytest.fixture
def db(any_db_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> str:
    monkeypatch.setenv("ESGLEDGER_DATABASE_URL", any_db_url)
    monkeypatch.setenv("ESGLEDGER_DATA_DIR", str(tmp_path))
    (tmp_path / "entities.csv").write_text(ENTITIES, encoding="utf-8")
    (tmp_path / "observations.csv").write_text(OBSERVATIONS, encoding="utf-8")
    assert run(["import", str(tmp_path / "entities.csv"), str(tmp_path / "observations.csv")]) == 0
    return any_db_url


def _check(capsys: pytest.CaptureFixture[str], *args: str) -> dict:
    capsys.readouterr()
    assert run(["check", "--json", *args]) == 0
    return json.loads(capsys.readouterr().out)


def test_check_finds_and_ack_records_in_audit(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    out = _check(capsys)
    by_check = {(f["check"], f["entity"], f["indicator"]): f for f in out["findings"]}
    steam = by_check[("yoy_change", "A", "energy.steam.purchased")]
    # (41,225 - 119,186) / 119,186 = -65.4 %
    assert "fell 65.4 %" in steam["message"] and steam["status"] == "open"
    assert steam["id"] == finding_id("yoy_change", "A", "energy.steam.purchased", "2024")
    green = by_check[("part_exceeds_whole", "B", "energy.electricity.green")]
    assert green["severity"] == "error"
    assert out["summary"]["open"]["error"] == 1

    assert run(["check", "ack", steam["id"], "--reason", "steam supply contract ended"]) == 0
    with Ledger.open(db) as led:
        [event] = led.audit_events(action="quality.ack")
        assert event.ref == steam["id"]
        assert event.payload["reason"] == "steam supply contract ended"
        assert event.payload["indicator"] == "energy.steam.purchased"
        led.verify_audit()
    again = _check(capsys, "--period", "2024")
    acked = next(f for f in again["findings"] if f["id"] == steam["id"])
    assert (acked["status"], acked["note"]) == ("acknowledged", "steam supply contract ended")
    assert {f["period"] for f in again["findings"]} == {"2024"}
    opened = _check(capsys, "--open")
    assert steam["id"] not in {f["id"] for f in opened["findings"]}


def test_ack_errors_exit_2(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    assert run(["check", "ack", "0123456789ab", "--reason", "x"]) == 3  # not found
    assert "no current finding with id '0123456789ab'" in capsys.readouterr().err
    fid = finding_id("yoy_change", "A", "energy.steam.purchased", "2024")
    assert run(["check", "ack", fid, "--reason", "   "]) == 2
    assert "expected a non-empty explanation" in capsys.readouterr().err
    assert run(["check", "--threshold", "0"]) == 2
    assert run(["check", "--require", "no.such"]) == 3  # not found
    with Ledger.open(db) as led:
        assert led.audit_events(action="quality.ack") == []


def test_check_text_output(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    assert run(["check"]) == 0
    out = capsys.readouterr().out
    assert "energy.electricity.green (650 MWh) is more than" in out
    assert "open: 1 errors" in out
    assert run(["check", "--limit", "1"]) == 0
    out = capsys.readouterr().out
    assert "energy.electricity.green (650 MWh)" in out  # errors come first
    assert "... and " in out and "more (see --json or --limit)" in out


def test_targets_json(db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "t.yaml").write_text(TARGETS, encoding="utf-8")
    capsys.readouterr()
    assert run(["targets", "--file", str(tmp_path / "t.yaml"), "--period", "2024", "--json"]) == 0
    got = {t["target"]: t for t in json.loads(capsys.readouterr().out)["targets"]}
    water = got["water-b"]
    # baseline 10,000 m3 (2023); target 10,000 × 0.8 = 8,000 (2025); path 2024 = 9,000
    # actual 9,000 ≤ 9,000 → on track; progress (9,000 - 10,000) / (8,000 - 10,000) = 50 %
    assert water["target_value"] == pytest.approx(8_000)
    assert water["expected"] == pytest.approx(9_000)
    assert water["progress_pct"] == pytest.approx(50.0)
    assert water["status"] == "on track"
    coal = got["coal-energy-c"]
    # raw coal 0.7143 kgce/kg (GB/T 2589-2020, Annex A): 1,000 t → 714.3 tce, 900 t → 642.87 tce
    # path 2024: 714.3 + (600 - 714.3) / 2 = 657.15; 642.87 ≤ 657.15 → on track
    assert coal["baseline"] == pytest.approx(714.3, rel=1e-6)
    assert coal["actual"] == pytest.approx(642.87, rel=1e-6)
    assert coal["status"] == "on track"


def test_targets_bad_file(db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = TARGETS.replace("entities: [B]", "entities: [NOPE]").replace("water.fresh", "wat.er")
    (tmp_path / "targets.yaml").write_text(bad, encoding="utf-8")
    capsys.readouterr()
    assert run(["targets"]) == 2  # ./targets.yaml in the data directory
    err = capsys.readouterr().err
    assert "targets[0].metric" in err and "targets[0].entities" in err
    assert "Traceback" not in err


@pytest.mark.parametrize("argv", [["targets"], ["check"], ["check", "ack"]], ids=" ".join)
def test_help_and_docs(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert run([*argv, "--help"]) == 0
    assert "Usage" in capsys.readouterr().out
    doc = (Path(__file__).parent.parent / "docs" / "cli.md").read_text(encoding="utf-8")
    assert f"## esgledger {' '.join(argv)}\n" in doc


def test_only_reviewers_and_managers_acknowledge(
    db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """A submitter may read the findings but not acknowledge one (exit code 5)."""
    assert run(["users", "add", "sam", "--role", "submitter"]) == 0
    assert run(["users", "add", "rita", "--role", "reviewer"]) == 0
    capsys.readouterr()
    assert run(["--as", "sam", "check", "--json"]) == 0
    first = json.loads(capsys.readouterr().out)["findings"][0]
    assert run(["--as", "sam", "check", "ack", first["id"], "--reason", "known"]) == 5
    assert "may not acknowledge data-quality findings" in capsys.readouterr().err
    assert run(["--as", "rita", "check", "ack", first["id"], "--reason", "known"]) == 0
