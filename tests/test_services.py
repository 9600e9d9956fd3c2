"""Application services (esgledger.services) called as a library, on SQLite and PostgreSQL.

The CLI tests (test_quality_cli.py, test_cli_errors.py) check the same paths
through `esgledger ...`; these check that the services stand on their own, as
the web app will call them: no typer state, no console.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from esgledger.demo.build import build_demo
from esgledger.errors import ConfigError, ConflictError, EsgError, NotFoundError, ValidationError
from esgledger.intake import import_files
from esgledger.quality import finding_id
from esgledger.services.quality import (
    ACK_ACTION,
    acknowledge,
    acknowledgements,
    ledger_findings,
    select_findings,
)
from esgledger.services.targets import (
    DEMO_TARGETS,
    TargetsFile,
    ledger_targets,
    load_targets_file,
    targets_text,
)
from esgledger.store import Ledger

ENTITIES = """code,name_en,name_zh,parent,type,ownership_pct,control,region,\
included_from,included_to
G,Group,集团,,group,,operational,CN-NM,,
A,Plant A,甲厂,G,subsidiary,100,operational,CN-NM,,
B,Plant B,乙厂,G,subsidiary,100,operational,CN-NM,,
"""

OBSERVATIONS = """entity,period,indicator,value,unit,source,comment
A,2023,energy.steam.purchased,119186,t,test,
A,2024,energy.steam.purchased,41225,t,test,
B,2023,water.fresh,10000,m3,test,
B,2024,water.fresh,9000,m3,test,
"""

TARGETS = """version: 1
targets:
  - id: water-b
    metric: water.fresh
    entities: [B]
    baseline: {year: 2023}
    target: {year: 2025, change_pct: -20}
"""

STEAM = finding_id("yoy_change", "A", "energy.steam.purchased", "2024")


@pytest.fixture
def loaded(ledger: Ledger, tmp_path: Path) -> Ledger:
    (tmp_path / "entities.csv").write_text(ENTITIES, encoding="utf-8")
    (tmp_path / "observations.csv").write_text(OBSERVATIONS, encoding="utf-8")
    import_files(ledger, [tmp_path / "entities.csv", tmp_path / "observations.csv"], actor="tester")
    return ledger


def test_acknowledge_records_an_audit_event_and_the_finding_turns_acknowledged(
    loaded: Ledger,
) -> None:
    steam = next(f for f in ledger_findings(loaded) if f.id == STEAM)
    # (41,225 - 119,186) / 119,186 = -65.4 %, beyond the default ±30 %
    assert steam.status == "open" and "fell 65.4 %" in steam.message

    found = acknowledge(loaded, f"  {STEAM.upper()} ", "  contract ended ", actor="tester")
    assert found.id == STEAM
    [event] = loaded.audit_events(action=ACK_ACTION)
    assert (event.ref, event.actor) == (STEAM, "tester")
    assert event.payload["reason"] == "contract ended"
    assert event.payload["check"] == "yoy_change"
    now = next(f for f in ledger_findings(loaded) if f.id == STEAM)
    assert (now.status, now.note) == ("acknowledged", "contract ended")

    acknowledge(loaded, STEAM, "supply moved to plant B", actor="tester")
    assert acknowledgements(loaded) == {STEAM: "supply moved to plant B"}  # later wins
    loaded.verify_audit()


def test_select_findings_by_period_and_status(loaded: Ledger) -> None:
    acknowledge(loaded, STEAM, "contract ended", actor="tester")
    findings = ledger_findings(loaded)
    assert any(f.id == STEAM for f in findings)
    in_2024 = select_findings(findings, period="2024")
    assert in_2024 and all(f.year == 2024 for f in in_2024)
    assert all(f.year != 2024 for f in select_findings(findings, period="2023"))
    opened = select_findings(findings, open_only=True)
    assert STEAM not in {f.id for f in opened}
    assert all(f.status == "open" for f in opened)


def test_bad_acknowledgements_write_nothing(loaded: Ledger) -> None:
    with pytest.raises(NotFoundError, match="no current finding with id '0123456789ab'"):
        acknowledge(loaded, "0123456789ab", "why", actor="tester")
    with pytest.raises(ValidationError) as info:
        acknowledge(loaded, STEAM, "   ", actor="tester")
    assert [p.column for p in info.value.problems] == ["reason"]
    with pytest.raises(EsgError, match="bad threshold 0"):
        acknowledge(loaded, STEAM, "why", actor="tester", threshold=0)
    with pytest.raises(NotFoundError, match="no.such"):
        ledger_findings(loaded, required=["no.such"])
    assert loaded.audit_events(action=ACK_ACTION) == []


def test_ledger_targets_hand_computed(loaded: Ledger, tmp_path: Path) -> None:
    (tmp_path / "t.yaml").write_text(TARGETS, encoding="utf-8")
    found = load_targets_file(tmp_path / "t.yaml", data_dir=tmp_path)
    assert (found.name, found.demo) == (str(tmp_path / "t.yaml"), False)
    result = ledger_targets(loaded, found, data_dir=tmp_path, year=2024)
    [water] = result.progress
    # baseline 10,000 m3 (2023); target 10,000 × (1 - 0.20) = 8,000 m3 (2025);
    # straight-line path in 2024: 9,000; actual 9,000 → on track,
    # progress (9,000 - 10,000) / (8,000 - 10,000) = 50 %
    assert water.target == pytest.approx(8_000)
    assert water.expected == pytest.approx(9_000)
    assert water.progress_pct == pytest.approx(50.0)
    assert water.status == "on track"
    assert result.as_dict()["targets"][0]["target"] == "water-b"
    assert set(result.as_dict()) == {"file", "boundary", "targets"}
    with pytest.raises(EsgError, match="unknown boundary 'consolidated'"):
        ledger_targets(loaded, found, data_dir=tmp_path, boundary="consolidated")


def test_targets_file_fallbacks(loaded: Ledger, tmp_path: Path) -> None:
    # no file given and none in the data directory: the demo's targets stand in ...
    text, name = targets_text(None, data_dir=tmp_path)
    assert name == DEMO_TARGETS and "targets:" in text
    demo = load_targets_file(None, data_dir=tmp_path)
    assert demo.demo and demo.targets
    # ... but only on a ledger that holds the demo's entities
    with pytest.raises(ConfigError, match="no targets file") as info:
        ledger_targets(loaded, demo, data_dir=tmp_path)
    assert str(tmp_path) in str(info.value)
    # targets.yaml in the data directory wins over the demo's
    (tmp_path / "targets.yaml").write_text(TARGETS, encoding="utf-8")
    assert targets_text(None, data_dir=tmp_path) == (TARGETS, str(tmp_path / "targets.yaml"))
    # unknown codes: one ValidationError naming each
    bad = load_targets_file(tmp_path / "targets.yaml", data_dir=tmp_path)
    bad = TargetsFile(
        name="bad.yaml",
        targets=tuple(replace(t, metric="wat.er", entities=("NOPE",)) for t in bad.targets),
    )
    with pytest.raises(ValidationError) as err:
        ledger_targets(loaded, bad, data_dir=tmp_path)
    assert {p.column for p in err.value.problems} == {"targets[0].metric", "targets[0].entities"}


def test_build_demo_refuses_a_ledger_with_foreign_entities(loaded: Ledger, tmp_path: Path) -> None:
    before = (len(loaded.entities()), len(loaded.observations()), len(loaded.audit_events()))
    with pytest.raises(ConflictError, match=r"already holds entities of its own \(A, B, G\)"):
        build_demo(loaded, tmp_path / "out")
    after = (len(loaded.entities()), len(loaded.observations()), len(loaded.audit_events()))
    assert after == before
    assert not (tmp_path / "out").exists()
