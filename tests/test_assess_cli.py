"""The materiality and risks commands, end to end through esgledger.cli.run."""

from __future__ import annotations

import json

import pytest
from openpyxl import load_workbook

from esgledger.cli import run
from esgledger.store import Ledger
from esgledger.store.assessments import demo_files, load_demo


def cli(db: str, *args: str) -> int:
    """``esgledger --db DB ARGS...``: the exit code."""
    return run(["--db", db, *args])


@pytest.fixture
def db(tmp_path):
    return f"sqlite:///{tmp_path / 'cli.db'}"


def test_materiality_show_json_after_demo(db, capsys):
    with Ledger.open(db) as ledger:
        load_demo(ledger)
    assert cli(db, "materiality", "show", "--json") == 0
    data = json.loads(capsys.readouterr().out)
    assert data["year"] == 2024 and data["synthetic"] is True
    tiers = [t["tier"] for t in data["topics"]]
    assert (
        tiers.count("highly material"),
        tiers.count("moderately material"),
        tiers.count("material"),
    ) == (5, 18, 5)
    first = data["topics"][0]
    assert {"code", "name_en", "name_zh", "impact", "financial", "tier"} <= set(first)
    assert isinstance(first["impact"], float)


def test_import_run_show_questionnaire(db, tmp_path, capsys):
    f = demo_files()
    assert (
        cli(
            db,
            "materiality",
            "import",
            str(f["demo_groups.csv"]),
            str(f["demo_survey_2024.csv"]),
            "--year",
            "2024",
        )
        == 0
    )
    assert cli(db, "materiality", "run", "--year", "2024") == 0
    out = capsys.readouterr().out
    assert "5 highly material, 18 moderately material, 5 material, 0 not material" in out
    chart = tmp_path / "m.svg"
    assert cli(db, "materiality", "show", "--lang", "zh", "--chart", str(chart)) == 0
    assert chart.read_bytes().startswith(b"<?xml")
    assert "应对" in capsys.readouterr().out  # a Chinese topic name (the table may wrap it)
    q = tmp_path / "q.xlsx"
    assert (
        cli(
            db,
            "materiality",
            "questionnaire",
            "-o",
            str(q),
            "--year",
            "2025",
            "--respondent",
            "p1",
            "--group",
            "employees",
        )
        == 0
    )
    wb = load_workbook(q)
    ws = wb["responses"]
    ws["F2"], ws["G2"] = 4, 4
    wb.save(q)
    g = str(f["demo_groups.csv"])
    assert cli(db, "materiality", "import", g, str(q), "--year", "2025") == 0
    assert "1 responses" in capsys.readouterr().out


def test_bad_input_exits_2_with_every_problem(db, tmp_path, capsys):
    bad = tmp_path / "r.csv"
    bad.write_text(
        "respondent,group,topic,impact,financial\np,employees,nope,9,1\n", encoding="utf-8"
    )
    assert (
        cli(
            db,
            "materiality",
            "import",
            str(demo_files()["demo_groups.csv"]),
            str(bad),
            "--year",
            "2024",
        )
        == 2
    )
    err = capsys.readouterr().err
    assert "2 problems; nothing was written" in err
    assert "r.csv, row 2, column topic: got 'nope'" in err
    assert "r.csv, row 2, column impact: got '9'" in err
    assert "Traceback" not in err
    assert cli(db, "materiality", "show") == 3  # not found
    assert "no materiality assessment has been run" in capsys.readouterr().err
    assert cli(db, "materiality", "run", "--year", "2024", "--highly", "3") == 2


def test_risks_import_show_export(db, tmp_path, capsys):
    f = demo_files()
    assert cli(db, "risks", "import", str(f["demo_risks.csv"]), str(f["demo_horizons.csv"])) == 0
    assert "imported 7 risks, 6 opportunities, 3 horizons" in capsys.readouterr().out
    assert cli(db, "risks", "show", "--json") == 0
    data = json.loads(capsys.readouterr().out)
    assert len(data["items"]) == 13 and data["ifrs_s2"]["S2.10(d)"] is True
    heat = tmp_path / "h.png"
    assert cli(db, "risks", "show", "--heatmap", str(heat)) == 0
    assert heat.read_bytes()[:4] == b"\x89PNG"
    capsys.readouterr()
    out = tmp_path / "reg.xlsx"
    assert cli(db, "risks", "export", "--format", "xlsx", "--out", str(out)) == 0
    assert cli(db, "risks", "import", str(out)) == 0
    capsys.readouterr()
    assert cli(db, "risks", "show", "--json") == 0
    assert json.loads(capsys.readouterr().out)["items"] == data["items"]


def test_paths_with_brackets_are_printed_as_they_are(db, tmp_path, capsys):
    # "[/]" in a folder name is not rich markup: the command must not crash after its work
    with Ledger.open(db) as ledger:
        load_demo(ledger)
    folder = tmp_path / "a[/]b"
    folder.mkdir(parents=True)
    heat = folder / "heat.svg"
    assert cli(db, "risks", "show", "--heatmap", str(heat)) == 0
    assert f"heat map written to {heat}" in capsys.readouterr().out
    assert cli(db, "risks", "export", "--format", "csv", "--out", str(folder / "reg")) == 0
    assert str(folder / "reg" / "risks.csv") in capsys.readouterr().out
