"""The ledger commands through esgledger.cli.run: JSON output, exit codes, help text."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import text

from esgledger.cli import run
from esgledger.store import Ledger
from store_helpers import batch, obs

COMMANDS = [
    ["init"],
    ["entities"],
    ["indicators"],
    ["show"],
    ["audit"],
    ["audit", "verify"],
    ["audit", "log"],
    ["submit"],
    ["review"],
    ["approve"],
    ["locks"],
]


@pytest.fixture
def db(any_db_url):
    with Ledger.open(any_db_url) as led:
        led.import_batch(
            batch(obs(), obs(period="2024-01", raw="81.9687", unit="万千瓦时", value=819.687)),
            actor="alice",
        )
    return any_db_url


def cli_json(capsys, *args):
    capsys.readouterr()
    code = run(list(args))
    out = capsys.readouterr().out
    assert code == 0, out
    return json.loads(out)


def test_entities_json(db, capsys):
    data = cli_json(capsys, "--db", db, "entities", "--json")
    assert [e["code"] for e in data] == ["GRP", "JV", "SUB"]
    sub = next(e for e in data if e["code"] == "SUB")
    assert sub == {
        "code": "SUB",
        "name_en": "Subsidiary",
        "name_zh": "子公司",
        "parent": "GRP",
        "type": "subsidiary",
        "ownership_pct": 83.0,
        "control": "operational",
        "region": "CN-NM",
        "included_from": "2024-07-01",
        "included_to": None,
        "financial_control": "",
    }


def test_entities_tree(db, capsys):
    assert run(["--db", db, "entities"]) == 0
    out = capsys.readouterr().out
    assert "GRP" in out and "子公司" in out and "83% held by parent" in out
    # the JV sits under SUB in the tree: it is printed after, further indented
    sub_line = next(line for line in out.splitlines() if "SUB" in line)
    jv_line = next(line for line in out.splitlines() if "JV" in line)
    assert jv_line.index("JV") > sub_line.index("SUB")


def test_show_json_filters(db, capsys):
    data = cli_json(capsys, "--db", db, "show", "--period", "2024-01", "--json")
    assert len(data) == 1
    row = data[0]
    assert (row["raw_value"], row["raw_unit"], row["value"], row["unit"]) == (
        "81.9687",
        "万千瓦时",
        819.687,  # 81.9687 万千瓦时 × 10 MWh per 万千瓦时
        "MWh",
    )
    assert len(cli_json(capsys, "--db", db, "show", "--year", "2024", "--json")) == 2
    assert cli_json(capsys, "--db", db, "show", "--entity", "JV", "--json") == []


def test_show_table(db, capsys):
    assert run(["--db", db, "show", "--limit", "1"]) == 0
    out = capsys.readouterr().out
    assert "2 observations" in out and "1 more rows" in out


def test_indicators_search_json(capsys):
    data = cli_json(capsys, "indicators", "electricity.purchased", "--json")
    assert [i["code"] for i in data] == ["energy.electricity.purchased"]
    assert data[0]["unit"] == "MWh"
    zh = cli_json(capsys, "indicators", "外购电力", "--json")
    assert "energy.electricity.purchased" in [i["code"] for i in zh]
    assert all(
        i["pillar"] == "S" for i in cli_json(capsys, "indicators", "--pillar", "s", "--json")
    )


def test_workflow_commands(db, capsys, monkeypatch):
    assert run(["--db", db, "users", "add", "carol", "--role", "manager"]) == 0
    assert cli_json(capsys, "--db", db, "submit", "-p", "2024", "--json")["changed"] == 2
    monkeypatch.setenv("ESGLEDGER_USER", "carol")  # alice entered, local-admin submitted
    assert cli_json(capsys, "--db", db, "review", "-p", "2024", "--json")["changed"] == 2
    res = cli_json(capsys, "--db", db, "approve", "-p", "2024", "--json")
    assert res == {
        "action": "approve",
        "period": "2024",
        "entity": None,
        "changed": 2,
        "locked": True,
    }
    (lock,) = cli_json(capsys, "--db", db, "locks", "--json")
    assert (lock["entity"], lock["period"], lock["locked_by"]) == ("*", "2024", "carol")
    log = cli_json(capsys, "--db", db, "audit", "log", "--json", "--action", "status.approve")
    assert log[0]["actor"] == "carol"


def test_approve_unreviewed_exits_2(db, capsys):
    assert run(["--db", db, "approve", "--period", "2024"]) == 4  # conflict
    err = capsys.readouterr().err
    assert "not reviewed yet (2 draft)" in err
    assert "Traceback" not in err


def test_audit_verify_and_tamper(db, capsys):
    data = cli_json(capsys, "--db", db, "audit", "verify", "--json")
    assert data["ok"] is True and data["events"] == 4  # 3 entities + 1 import summary
    log = cli_json(capsys, "--db", db, "audit", "log", "--json")
    assert [e["action"] for e in log] == ["entity.add"] * 3 + ["import"]
    with Ledger.open(db) as led, led.engine.begin() as conn:
        conn.execute(text("UPDATE audit_events SET actor = 'mallory' WHERE seq = 2"))
    assert run(["--db", db, "audit", "verify"]) == 7  # audit trail broken
    err = capsys.readouterr().err
    assert "audit trail broken at seq 2" in err and "Traceback" not in err


def test_init_creates_and_reports(sqlite_url, capsys):
    data = cli_json(capsys, "--db", sqlite_url, "init", "--json")
    from esgledger.store.migrate import head_revision

    assert data["revision"] == head_revision()
    assert data["entities"] == 0
    assert run(["--db", sqlite_url, "init"]) == 0
    assert "ledger ready" in capsys.readouterr().out


def test_bad_db_url_exits_2(capsys):
    assert run(["--db", "nonsense", "entities"]) == 9  # configuration
    err = capsys.readouterr().err
    assert "bad database URL 'nonsense'" in err and "Traceback" not in err


@pytest.mark.parametrize("argv", COMMANDS, ids=" ".join)
def test_every_command_has_help(argv, capsys):
    assert run([*argv, "--help"]) == 0
    out = capsys.readouterr().out
    assert "Usage" in out
    # the first line of the docstring shows up as the command's description
    assert len(out.strip().splitlines()) > 3


def test_every_command_is_documented():
    from pathlib import Path

    doc = (Path(__file__).parent.parent / "docs" / "cli.md").read_text(encoding="utf-8")
    for argv in COMMANDS:
        assert f"## esgledger {' '.join(argv)}" in doc, argv
