"""CLI adapters: import (--dry-run, --json), export, template; errors exit 2."""

from __future__ import annotations

import json

import openpyxl
import pytest

from esgledger.cli import run
from esgledger.store import Ledger
from intake_helpers import BAD, BASE, HELD_OUT


@pytest.fixture
def db(any_db_url, monkeypatch):
    monkeypatch.setenv("ESGLEDGER_DATABASE_URL", any_db_url)
    return any_db_url


def test_import_json_and_dry_run(db, capsys):
    files = [str(HELD_OUT / "entities.csv"), str(HELD_OUT / "observations.csv")]
    assert run(["import", *files, "--dry-run", "--json"]) == 0
    dry = json.loads(capsys.readouterr().out)
    assert dry["dry_run"] is True and dry["observations_added"] == 16
    with Ledger.open(db) as led:
        assert led.observations() == []
    assert run(["import", *files, "--json"]) == 0
    done = json.loads(capsys.readouterr().out)
    assert (done["entities_added"], done["observations_added"]) == (6, 16)
    assert done["warnings"][0]["row"] == 11 and "inclusion window" in done["warnings"][0]["message"]
    assert run(["import", *files]) == 0
    out = capsys.readouterr().out
    assert "observations" in out and "16" in out and "2 warning(s)" in out


def test_import_error_exits_2_without_traceback(db, capsys):
    assert run(["import", str(BASE / "entities.csv")]) == 0
    assert run(["import", str(BAD / "bad_number" / "observations.csv")]) == 2
    err = capsys.readouterr().err
    assert "import rejected: 6 problems; nothing was written" in err
    assert "row 2, column value" in err and "Traceback" not in err


def test_export_and_template(db, tmp_path, capsys):
    files = [str(HELD_OUT / "entities.csv"), str(HELD_OUT / "observations.csv")]
    assert run(["import", *files]) == 0
    assert run(["export", "--format", "csv", "--out", str(tmp_path / "csv")]) == 0
    assert (tmp_path / "csv" / "observations.csv").read_text(encoding="utf-8-sig").count("\n") == 17
    assert run(["export", "--format", "xlsx", "--out", str(tmp_path / "all.xlsx")]) == 0
    assert openpyxl.load_workbook(tmp_path / "all.xlsx").sheetnames == ["entities", "observations"]
    assert run(["export", "--format", "pdf", "--out", str(tmp_path / "x")]) == 2
    out = tmp_path / "xf.xlsx"
    assert run(["template", "--entity", "XF", "--period", "2024", "-o", str(out)]) == 0
    assert out.is_file()
    assert run(["template", "--entity", "NOPE", "--period", "2024", "-o", str(out)]) == 3
    assert run(["template", "--entity", "XF", "--period", "24", "-o", str(out)]) == 2
    assert "bad period '24'" in capsys.readouterr().err


def test_restating_an_approved_period_needs_a_reason(db, tmp_path, capsys, monkeypatch):
    """End to end through the CLI: a restatement waits for review and approval by others,
    the approved value stays current until then; a rejected one leaves it as it was."""
    files = [str(HELD_OUT / "entities.csv"), str(HELD_OUT / "observations.csv")]
    assert run(["import", *files]) == 0  # entered by the local administrator
    for user, role in (("rita", "reviewer"), ("max", "manager")):
        assert run(["users", "add", user, "--role", role]) == 0
    assert run(["submit", "--period", "2024", "--entity", "BT"]) == 0
    assert run(["--as", "rita", "review", "--period", "2024", "--entity", "BT"]) == 0
    assert run(["--as", "max", "approve", "--period", "2024", "--entity", "BT"]) == 0

    def diesel(*more):
        capsys.readouterr()
        args = ["show", "-e", "BT", "-p", "2024", "-i", "fuel.diesel", "--json", *more]
        assert run(args) == 0
        return json.loads(capsys.readouterr().out)

    (approved,) = diesel()
    changed = tmp_path / "observations.csv"
    changed.write_text(
        "entity,period,indicator,value,unit,source,comment\n"
        "BT,2024,fuel.diesel,13,吨,fuel log,corrected after audit\n",
        encoding="utf-8",
    )
    capsys.readouterr()
    assert run(["import", str(changed)]) == 4  # LockedError: a conflict
    assert "--reason" in capsys.readouterr().err
    assert run(["import", str(changed), "--reason", "meter misread", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["observations_updated"] == 1
    assert diesel() == [approved]  # the approved version is still the one read
    capsys.readouterr()
    assert run(["restatements", "--json"]) == 0
    (waiting,) = json.loads(capsys.readouterr().out)
    assert (waiting["raw_value"], waiting["status"], waiting["version"]) == ("13", "submitted", 2)
    # whoever entered it cannot review it; a reviewer can, and a manager approves
    assert run(["review", "--period", "2024", "--entity", "BT"]) == 5
    assert "separation of duties" in capsys.readouterr().err
    assert run(["--as", "rita", "review", "--period", "2024", "--entity", "BT"]) == 0
    assert run(["--as", "max", "approve", "--period", "2024", "--entity", "BT"]) == 0
    (o,) = diesel()
    assert (o["raw_value"], o["version"], o["status"]) == ("13", 2, "approved")

    # a second restatement is rejected with a reason: the approved value stays
    changed.write_text(
        "entity,period,indicator,value,unit,source,comment\n"
        "BT,2024,fuel.diesel,99,吨,fuel log,typo\n",
        encoding="utf-8",
    )
    assert run(["import", str(changed), "--reason", "second thoughts"]) == 0
    assert run(["--as", "rita", "reject", "--period", "2024", "--entity", "BT"]) == 2
    assert "--reason" in capsys.readouterr().err  # a rejection needs its reason
    assert (
        run(["--as", "rita", "reject", "-p", "2024", "-e", "BT", "--reason", "99 t is a typo"]) == 0
    )
    (o,) = diesel()
    assert (o["raw_value"], o["version"]) == ("13", 2)
    capsys.readouterr()
    assert run(["rejections", "--json"]) == 0
    (rejection,) = json.loads(capsys.readouterr().out)
    assert (rejection["reason"], rejection["rejected_by"], rejection["version"]) == (
        "99 t is a typo",
        "rita",
        3,
    )
    assert run(["restatements", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == []
    with Ledger.open(db) as led:
        events = led.audit_events()
        assert any("meter misread" in json.dumps(e.payload, ensure_ascii=False) for e in events)
        assert [e.actor for e in events if e.action == "status.approve"] == ["max", "max"]
