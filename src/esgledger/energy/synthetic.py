"""The demo's synthetic 15-minute series: deterministic, labelled synthetic.

Three key energy-consuming units of the demo group get electricity meters
for January–March 2025: SMELTING (a main meter and two sub-meters, for the
balance check), HUAXING and RUIXIN. Each month of each main meter sums
exactly to the demo's monthly value, taken as the unit's 2024 purchased
electricity (the demo's illustrative annual figure) divided by 12. The shape
(a daily cycle, lighter weekends, ±3 % noise from a seeded generator) is
invented; it is not measured data.

Two faults are planted for the demo's alerts to find:

- a **spike**: SMELTING's main meter (and its electrolysis sub-meter) draw
  six times the usual load from 10:00 to 11:00 on 2025-03-12;
- a **gap**: HUAXING sends nothing from 08:15 to 14:00 on 2025-03-20
  (24 of 96 readings missing, the day 75 % complete).

The month still sums to its value: the spike's energy is part of it, and the
readings around the gap carry the month (the series as delivered adds up).
"""

from __future__ import annotations

import calendar
import math
import random
from collections.abc import Mapping
from datetime import datetime, timedelta
from decimal import ROUND_HALF_EVEN, Decimal

import polars as pl

from esgledger.energy.meters import Meter

__all__ = ["GAP", "MONTHS", "SPIKE", "demo_meters", "demo_series", "monthly_targets"]

CARRIER = "energy.electricity.purchased"
MONTHS = ("2025-01", "2025-02", "2025-03")
#: (meter, first and last local interval end) of the planted faults
SPIKE = ("SMELTING-E", datetime(2025, 3, 12, 10, 15), datetime(2025, 3, 12, 11, 0))
GAP = ("HUAXING-E", datetime(2025, 3, 20, 8, 15), datetime(2025, 3, 20, 14, 0))
_SPIKE_FACTOR = 6.0
_CHILD_SHARES = {"SMELTING-E1": 0.62, "SMELTING-E2": 0.35}
_LABEL = "SYNTHETIC demo meter"


def demo_meters() -> list[Meter]:
    """The demo's meters (labelled synthetic in their name and certificate)."""

    def meter(code: str, entity: str, name: str, parent: str | None = None) -> Meter:
        return Meter(
            code=code,
            entity=entity,
            carrier=CARRIER,
            unit="kWh",
            kind="interval",
            parent=parent,
            line=name,
            key_unit=True,
            name=f"{_LABEL}: {name}",
            certificate="synthetic (no calibration certificate)",
        )

    return [
        meter("SMELTING-E", "SMELTING", "main incomer"),
        meter("SMELTING-E1", "SMELTING", "electrolysis", "SMELTING-E"),
        meter("SMELTING-E2", "SMELTING", "separation", "SMELTING-E"),
        meter("HUAXING-E", "HUAXING", "main incomer"),
        meter("RUIXIN-E", "RUIXIN", "main incomer"),
    ]


def monthly_targets(annual_mwh: Mapping[str, float]) -> dict[tuple[str, str], Decimal]:
    """(main meter, month) → kWh: the entity's 2024 MWh ÷ 12 (to 0.001 kWh)."""
    out: dict[tuple[str, str], Decimal] = {}
    for entity, mwh in annual_mwh.items():
        kwh = (Decimal(str(mwh)) * 1000 / 12).quantize(Decimal("0.001"), ROUND_HALF_EVEN)
        for month in MONTHS:
            out[(f"{entity}-E", month)] = kwh
    return out


def _shape(code: str, ends: list[datetime]) -> list[float]:
    rng = random.Random(f"esgledger-demo-{code}")
    out = []
    for end in ends:
        t = end - timedelta(minutes=15)
        daily = 1 + 0.15 * math.sin(2 * math.pi * (t.hour + t.minute / 60 - 8) / 24)
        weekly = 0.9 if t.weekday() >= 5 else 1.0
        out.append(daily * weekly * (1 + rng.uniform(-0.03, 0.03)))
    return out


def _month_ends(month: str) -> list[datetime]:
    y, m = int(month[:4]), int(month[5:7])
    start = datetime(y, m, 1)
    n = calendar.monthrange(y, m)[1] * 96
    return [start + timedelta(minutes=15 * (i + 1)) for i in range(n)]


def _exact(weights: list[float], total: Decimal) -> list[Decimal]:
    """Values proportional to ``weights`` to 0.001, summing exactly to ``total``."""
    s = sum(weights)
    q = Decimal("0.001")
    values = [(total * Decimal(repr(w / s))).quantize(q, ROUND_HALF_EVEN) for w in weights]
    values[-1] += total - sum(values)
    return values


def demo_series(annual_mwh: Mapping[str, float]) -> pl.DataFrame:
    """Readings ``row, meter, timestamp, value`` (local Asia/Shanghai time, text)."""
    targets = monthly_targets(annual_mwh)
    rows: list[tuple[int, str, str, str]] = []
    for (code, month), total in sorted(targets.items()):
        ends = _month_ends(month)
        weights = _shape(code, ends)
        if code == SPIKE[0]:
            weights = [
                w * _SPIKE_FACTOR if SPIKE[1] <= e <= SPIKE[2] else w
                for w, e in zip(weights, ends, strict=True)
            ]
        keep = [i for i, e in enumerate(ends) if not (code == GAP[0] and GAP[1] <= e <= GAP[2])]
        values = _exact([weights[i] for i in keep], total)
        series = [(ends[i], v) for i, v in zip(keep, values, strict=True)]
        for end, v in series:
            rows.append((len(rows), code, f"{end:%Y-%m-%d %H:%M}", str(v)))
        if code == "SMELTING-E":
            for child, share in _CHILD_SHARES.items():
                for end, v in series:
                    cv = (v * Decimal(str(share))).quantize(Decimal("0.001"), ROUND_HALF_EVEN)
                    rows.append((len(rows), child, f"{end:%Y-%m-%d %H:%M}", str(cv)))
    return pl.DataFrame(
        rows,
        schema={"row": pl.Int64, "meter": pl.String, "timestamp": pl.String, "value": pl.String},
        orient="row",
    )
