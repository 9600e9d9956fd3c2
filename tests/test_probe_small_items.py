"""Smaller findings of the probe (issue 15, item 7): the audit log's --limit, file names in the
import event, a joint venture without control under financial control, `indicators` at 80
columns."""

from __future__ import annotations

import pytest

from esgledger.calc.boundary import build_tree
from esgledger.cli import run
from esgledger.cli.app import console
from esgledger.intake import import_files
from esgledger.model import Entity
from esgledger.store import Ledger
from intake_helpers import BASE, OBS_HEADER, write


def test_audit_log_limit_shows_the_newest_events(any_db_url, tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(console, "width", 200)
    with Ledger.open(any_db_url) as led:
        import_files(led, [BASE / "entities.csv", BASE / "observations.csv"], actor="t")
        seqs = [e.seq for e in led.audit_events()]
    assert len(seqs) > 5
    assert run(["--db", any_db_url, "audit", "log", "--limit", "3", "--json"]) == 0
    import json

    got = [e["seq"] for e in json.loads(capsys.readouterr().out)]
    assert got == seqs[-3:]  # the newest three, oldest first
    assert (
        run(["--db", any_db_url, "audit", "log", "--since", str(seqs[0]), "--limit", "2", "--json"])
        == 0
    )
    assert [e["seq"] for e in json.loads(capsys.readouterr().out)] == seqs[1:3]  # paging on


def test_import_event_stores_file_names_not_paths(ledger, tmp_path):
    path = write(
        tmp_path / "deep" / "down" / "observations.csv",
        OBS_HEADER + "SMELT,2024,fuel.diesel,1,t,,\n",
    )
    import_files(ledger, [BASE / "entities.csv", path], actor="t")
    (event,) = [e for e in ledger.audit_events() if e.action == "import"]
    assert event.payload["files"] == ["entities.csv", "observations.csv"]
    assert event.ref == "entities.csv, observations.csv"
    assert str(tmp_path) not in repr(event.payload)


def _group(jv_control: str) -> list[Entity]:
    return [
        Entity("G", "Group", "集团", None, "group", None, "operational", "CN-NM"),
        Entity("J", "JV", "合营", "G", "joint_venture", 40.0, jv_control, "CN-NM"),  # type: ignore[arg-type]
        Entity("A", "Associate", "联营", "G", "associate", 30.0, "none", "CN-NM"),
    ]


@pytest.mark.parametrize("control", ["none", "financial", "operational"])
def test_joint_venture_counts_its_share_under_financial_control_whatever_its_control(control):
    # docs/methodology.md: a joint venture under financial control counts at its ownership
    tree = build_tree(_group(control), "financial")
    assert tree.links["J"].share == pytest.approx(0.40)
    assert tree.links["A"].share == 0.0  # an associate without control: nothing
    assert build_tree(_group(control), "operational").links["J"].share == (
        1.0 if control == "operational" else 0.0
    )


def test_indicators_is_readable_at_80_columns(capsys, monkeypatch):
    monkeypatch.setattr(console, "width", 80)
    assert run(["indicators", "electricity"]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert all(len(line) <= 80 for line in lines)
    assert "energy.electricity.purchased  (MWh, E, quantity, 0…)" in lines
    assert "    Purchased electricity" in lines and "    外购电力" in lines
    assert "…" not in "".join(line for line in lines if line.startswith("    "))  # no cut names
