"""The engine on the demo ledger: explain Scope 2 for the group, and the seed's intensity."""

from __future__ import annotations

import json
import math

import pytest

from esgledger.cli import run
from esgledger.demo.build import build_demo
from esgledger.store import Ledger


@pytest.fixture
def demo_db(sqlite_url, tmp_path, monkeypatch):
    with Ledger.open(sqlite_url) as led:
        build_demo(led, tmp_path / "out")
    monkeypatch.setenv("ESGLEDGER_DATABASE_URL", sqlite_url)
    return sqlite_url


def test_explain_group_scope2_location_on_the_demo(demo_db, capsys):
    code = run(["explain", "ghg.scope2.location", "--entity", "NRE", "--period", "2024", "--json"])
    data = json.loads(capsys.readouterr().out)
    assert code == 0
    with Ledger.open(demo_db) as led:
        with_electricity = {
            o.entity for o in led.observations(indicator="energy.electricity.purchased", year=2024)
        }
    entities = data["lineage"]["entities"]
    assert {e["entity"] for e in entities} >= with_electricity
    for ent in entities:
        for obs in ent["observations"]:
            if obs["indicator"] != "energy.electricity.purchased":
                continue
            grid = [f for f in obs["factors"] if f["role"] == "location-based grid factor"]
            assert len(grid) == 1, ent["entity"]
            assert grid[0]["why"] and grid[0]["source"] and grid[0]["edition"]
            want = obs["value"] * obs["fraction"] * grid[0]["value"]
            assert math.isclose(obs["contribution"], want)
    total = sum(e["consolidated"] for e in entities)
    assert math.isclose(total, data["value"], rel_tol=1e-9)


def test_demo_energy_intensity_matches_the_seed_report(demo_db, capsys):
    # The seed report gives 919 kgce per tonne of REO for 2024 (energy intensity, as reported).
    assert run(["explain", "intensity.energy_per_treo", "-e", "NRE", "-p", "2024", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["unit"] == "kgce/tREO"
    assert data["value"] == pytest.approx(919, rel=1e-3)
