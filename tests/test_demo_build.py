"""`esgledger demo` builds the demo ledger, and its headline totals are the seed's figures."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from esgledger.cli import run
from esgledger.demo.build import STEPS, build_demo
from esgledger.services.calc import compute_ledger
from esgledger.store import Ledger
from esgledger.units import convert


def _total(ledger: Ledger, indicator: str, year: int, unit: str, *, skip=("ECOTECH", "ZHAOBAO")):
    """Straight sum over the operational entities (the two outside the boundary skipped)."""
    return sum(
        convert(o.value, o.unit, unit)
        for o in ledger.observations(indicator=indicator, year=year)
        if o.entity not in skip
    )


def test_demo_builds_and_totals_equal_the_seed(ledger: Ledger, tmp_path: Path) -> None:
    calls: list[tuple[str, int, int]] = []
    summary = build_demo(ledger, tmp_path / "out", lambda *a: calls.append(a))

    n = len(STEPS)
    assert calls == [(name, i, n) for i, (name, _) in enumerate(STEPS)] + [("done", n, n)]
    assert summary.entities == 25
    assert summary.import_result is not None
    assert summary.import_result.observations_added == summary.observations > 400
    assert summary.entities_by_control == {"operational": 20, "financial": 1, "none": 4}

    # Seed, Energy Consumption Performance table (2024 column) and 2024 highlights
    assert _total(ledger, "energy.electricity.purchased", 2024, "MWh") == pytest.approx(819_687)
    assert _total(ledger, "energy.electricity.purchased", 2022, "kWh") == pytest.approx(643_017e3)
    assert _total(ledger, "fuel.natural_gas", 2024, "万立方米") == pytest.approx(6_975.9526)
    assert _total(ledger, "energy.steam.purchased", 2023, "t") == pytest.approx(119_186)
    assert _total(ledger, "fuel.raw_coal", 2024, "t") == pytest.approx(90_899)
    # 8,030 ML of recycled water = 8,030,000 m3
    assert _total(ledger, "water.recycled", 2024, "m3") == pytest.approx(8_030_000)
    assert _total(ledger, "employees.total", 2024, "person") == pytest.approx(9_867)
    # R&D 1.604 billion yuan = 16.04 亿元; environmental spend 0.648 billion yuan
    assert _total(ledger, "rd.expenditure", 2024, "亿元") == pytest.approx(16.04)
    assert _total(ledger, "env.investment", 2024, "CNY") == pytest.approx(648_000_000)
    assert _total(ledger, "air.nox", 2024, "kg") == pytest.approx(347_940)

    heads = {h.indicator: h for h in summary.headlines}
    assert heads["energy.electricity.purchased"].value == pytest.approx(819_687)
    assert heads["energy.electricity.purchased"].unit == "MWh"
    assert heads["energy.intensity.reported"].value == pytest.approx(919)
    assert heads["employees.total"].value == pytest.approx(9_867)

    written = json.loads((tmp_path / "out" / "summary.json").read_text(encoding="utf-8"))
    assert written["entities"] == 25
    assert written["steps"] == [name for name, _ in STEPS]


def test_demo_twice_changes_nothing(ledger: Ledger, tmp_path: Path) -> None:
    first = build_demo(ledger, tmp_path)
    second = build_demo(ledger, tmp_path)
    assert second.import_result is not None
    assert second.import_result.observations_added == 0
    assert second.import_result.observations_updated == 0
    assert second.import_result.observations_unchanged == first.observations
    assert second.observations == first.observations


def test_engine_reproduces_the_published_intensity(sqlite_url: str, tmp_path: Path) -> None:
    """919 kgce/tREO (2024) is derived: energy table at GB/T 2589 factors / production.reo."""
    with Ledger.open(sqlite_url) as ledger:
        build_demo(ledger, tmp_path)
        result = compute_ledger(ledger, boundary="operational")
        equity = compute_ledger(ledger, boundary="equity")
    for year, published in (("2022", 1175), ("2023", 997), ("2024", 919)):
        value = result.value("intensity.energy_per_treo", "NRE", year).value
        assert value is not None and round(value) == published
    # 4% renewable share (seed): 93,750 MWh x 0.1229 tce/MWh / 267,276 tce = 4.31 %
    share = result.value("energy.renewable_share", "NRE", "2024").value
    assert share is not None and round(share) == 4
    # ownership below 100 % makes the equity-share total smaller than the control total
    op = result.value("energy.total_tce", "NRE", "2024").value
    eq = equity.value("energy.total_tce", "NRE", "2024").value
    assert op is not None and eq is not None and eq < op


def test_cli_demo(sqlite_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "demo"
    args = ["--db", sqlite_url, "demo", "--out", str(out)]
    assert run([*args, "--format", "html,xlsx", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["entities"] == 25
    # the later steps ran: the seed's tiers, one stored run per boundary, the report files
    tiers = data["extras"]["materiality"]["tiers"]
    assert tiers == {"highly material": 5, "moderately material": 18, "material": 5}
    assert sorted(data["extras"]["runs"]) == ["equity", "financial", "operational"]
    assert sorted(Path(p).name for p in data["extras"]["report"]) == [
        "esg-report-2024-en.html",
        "esg-report-2024-en.xlsx",
        "esg-report-2024-zh.html",
        "esg-report-2024-zh.xlsx",
    ]
    assert data["observations_by_pillar_year"]["E"]["2022"] > 0
    electricity = next(h for h in data["headlines"] if h["label"] == "Purchased electricity")
    assert (electricity["value"], electricity["unit"]) == (pytest.approx(819_687), "MWh")
    assert (out / "summary.json").is_file()

    assert run([*args, "--format", "none", "--json"]) == 0
    again = json.loads(capsys.readouterr().out)
    assert again["extras"]["runs"] == data["extras"]["runs"]  # identical runs are not stored twice
    assert run([*args, "--format", "none"]) == 0
    text = capsys.readouterr().out
    assert "819,687" in text and "headline figures" in text
    assert "5 highly material, 18 moderately material, 5 material" in text

    assert run([*args, "--format", "pdf,odt"]) == 2
    assert "unknown format 'odt'" in capsys.readouterr().err


def test_cli_demo_help_mentions_out(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["demo", "--help"]) == 0
    assert "--out" in capsys.readouterr().out
