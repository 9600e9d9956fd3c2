"""User data is printed as it is, never read as rich markup ('[/]' once crashed with exit 1)."""

from __future__ import annotations

from rich.console import Console

from esgledger.cli import run
from esgledger.cli.calc import render_explanation
from esgledger.model import Entity
from esgledger.store import Ledger
from store_helpers import batch, obs


def test_names_sources_and_actors_with_brackets(sqlite_url, capsys, monkeypatch):
    from esgledger.cli.app import console

    # wide enough that no cell is cut (the console is built at import, before any setenv)
    monkeypatch.setattr(console, "width", 250)
    named = Entity("GRP", "Group [bold]", "集团", None, "group", None, "operational", "CN-NM")
    with Ledger.open(sqlite_url) as led:
        led.import_batch(
            batch(obs(entity="GRP", source="meter [/] B"), entities=[named]), actor="ops[bot]"
        )
    for argv, shown in (
        (["entities"], "Group [bold]"),
        (["show"], "meter [/] B"),
        (["audit", "log"], "ops[bot]"),
        (["locks"], "0 locked periods"),
    ):
        assert run(["--db", sqlite_url, *argv]) == 0, argv
        assert shown in capsys.readouterr().out, argv


def test_explanation_tree_prints_sources_as_they_are():
    factor = {
        "role": "emission factor",
        "value": 2.0,
        "unit": "tCO2e/t",
        "source": "[IPCC 2006] Vol. 2",
        "edition": "[/]",
        "table": "",
        "why": "entity override [x]",
    }
    observation = {
        "indicator": "fuel.coke",
        "period": "2024",
        "raw_value": "3",
        "raw_unit": "t",
        "value": 3.0,
        "unit": "t",
        "source": "meter [/]",
        "fraction": 1.0,
        "fraction_reason": "inside [the] window",
        "coefficient": 2.0,
        "coefficient_unit": "tCO2e per t",
        "contribution": 6.0,
        "factors": [factor],
        "notes": ["note [red]"],
    }
    entity = {
        "entity": "GRP",
        "name_en": "Group [bold]",
        "region": "CN-NM",
        "value": 6.0,
        "share": 1.0,
        "consolidated": 6.0,
        "share_path": [{"entity": "GRP", "share": 1.0, "reason": "the entity itself"}],
        "notes": ["[/] moved"],
        "observations": [observation],
    }
    data = {
        "metric": "ghg.scope1",
        "value": 6.0,
        "unit": "tCO2e",
        "entity": "GRP",
        "period": "2024",
        "boundary": "operational",
        "gwp": "AR6",
        "lineage": {"formula": "sum [a]", "entities": [entity]},
    }
    console = Console(width=300, record=True)
    console.print(render_explanation(data))
    text = console.export_text()
    for shown in (
        "[IPCC 2006] Vol. 2, [/]",
        "(why: entity override [x])",
        "source meter [/]",
        "(inside [the] window)",
        "note [red]",
        "Group [bold]",
        "[/] moved",
        "sum [a]",
    ):
        assert shown in text, shown


def test_target_ids_with_brackets(sqlite_url, tmp_path, capsys):
    with Ledger.open(sqlite_url) as led:
        led.import_batch(
            batch(obs(entity="GRP", indicator="water.fresh", unit="m3", canonical="m3")), actor="a"
        )
    targets = tmp_path / "targets.yaml"
    targets.write_text(
        "version: 1\n"
        "targets:\n"
        "  - id: 'water-[/]cap'\n"
        "    metric: water.fresh\n"
        "    kind: absolute\n"
        "    entities: [GRP]\n"
        "    unit: m3\n"
        "    baseline: {year: 2024}\n"
        "    target: {year: 2025, value: 900}\n"
        "    direction: decrease\n",
        encoding="utf-8",
    )
    assert run(["--db", sqlite_url, "targets", "--file", str(targets)]) == 0
    assert "water-[/]cap" in capsys.readouterr().out


def test_factor_file_names_with_brackets(sqlite_url, tmp_path, capsys):
    f = tmp_path / "grid[red].csv"
    f.write_text(
        "kind,subject,region,year_from,year_to,value,unit,source,note\n"
        "grid,energy.electricity,CN-NM,2024,2024,0.5,tCO2/MWh,supplier contract,\n",
        encoding="utf-8",
    )
    for extra in (["--dry-run"], []):
        assert run(["--db", sqlite_url, "factors", "import", str(f), *extra]) == 0, extra
        assert "grid[red].csv:" in capsys.readouterr().out, extra


def test_demo_output_folder_with_brackets(sqlite_url, tmp_path, capsys):
    out = tmp_path / "out[red]"
    assert run(["--db", sqlite_url, "demo", "--out", str(out), "--format", "none"]) == 0
    assert f"summary written to {out}/summary.json" in capsys.readouterr().out
