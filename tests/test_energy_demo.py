"""The demo's synthetic meter series: deterministic, labelled, summing to the monthly values,
with one planted spike and one gap that the alerts find."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import polars as pl

from esgledger.energy.synthetic import GAP, SPIKE, demo_meters, demo_series, monthly_targets
from esgledger.store import Ledger

# the demo's 2024 purchased electricity (demo data/observations.csv, illustrative shares)
ANNUAL = {"SMELTING": 160557.0, "HUAXING": 92954.0, "RUIXIN": 67603.0}


def _month_sums(frame: pl.DataFrame) -> dict[tuple[str, str], Decimal]:
    from datetime import datetime, timedelta

    out: dict[tuple[str, str], Decimal] = {}
    for meter, ts, value in frame.select("meter", "timestamp", "value").iter_rows():
        # an interval belongs to the month of its start (the reading marks its end)
        start = datetime.strptime(ts, "%Y-%m-%d %H:%M") - timedelta(minutes=15)
        key = (meter, f"{start:%Y-%m}")
        out[key] = out.get(key, Decimal(0)) + Decimal(value)
    return out


def test_series_are_deterministic_labelled_and_sum_to_the_monthly_values():
    a, b = demo_series(ANNUAL), demo_series(ANNUAL)
    assert a.equals(b)
    assert all("SYNTHETIC" in m.name for m in demo_meters())
    sums = _month_sums(a)
    targets = monthly_targets(ANNUAL)
    # SMELTING: 160,557 MWh / 12 = 13,379.75 MWh = 13,379,750 kWh a month, exactly
    assert targets[("SMELTING-E", "2025-03")] == Decimal("13379750.000")
    for key, kwh in targets.items():
        assert sums[key] == kwh, key
    gap_rows = a.filter(
        (pl.col("meter") == GAP[0]) & pl.col("timestamp").str.starts_with("2025-03-20")
    )
    assert gap_rows.height == 96 - 24


def test_the_demo_alerts_find_the_spike_and_the_gap(tmp_path):
    from esgledger.demo.build import DemoContext, _step_import, _step_users
    from esgledger.services.demo_energy import load_demo_energy

    with Ledger.open(f"sqlite:///{tmp_path / 'demo.db'}") as ledger:
        demo = DemoContext(ledger, Path(tmp_path))
        _step_users(demo)
        _step_import(demo)
        first = load_demo_energy(ledger, actor="demo")
        assert first["synthetic"] is True and first["readings_stored"] == 43176
        assert f"spike SMELTING {SPIKE[0]} 2025-03-12T10" in first["alerts"]
        assert f"gap HUAXING {GAP[0]} 2025-03-20" in first["alerts"]
        again = load_demo_energy(ledger, actor="demo")
        assert again["readings_stored"] == 0 and again["alerts"] == first["alerts"]
