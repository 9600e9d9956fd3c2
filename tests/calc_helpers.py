"""A hand-computed multi-entity data set for the calculation tests.

Group GRP (Inner Mongolia) with a wholly owned subsidiary, an 83 % subsidiary
under financial control holding a 50 % joint venture, a 30 % associate, an
acquisition (included from 2024-04-01, monthly data) and a divestment
(included to 2024-06-30, annual data). Units are mixed on purpose.

The expected figures are computed here by hand from the factors, with their
sources in comments, without calling the engine.
"""

from __future__ import annotations

import csv
from pathlib import Path

from esgledger.intake import ENTITY_COLUMNS, OBSERVATION_COLUMNS

CO2_PER_C = 44 / 12

ENTITIES = [
    # code, name_en, name_zh, parent, type, ownership_pct, control, region, from, to
    ("GRP", "Group", "集团", "", "group", "", "operational", "CN-NM", "", ""),
    ("SUBA", "Sub A", "甲公司", "GRP", "subsidiary", "100", "operational", "CN-NM", "", ""),
    ("SUBB", "Sub B", "乙公司", "GRP", "subsidiary", "83", "financial", "CN-JS", "", ""),
    ("JV", "Joint venture", "合营公司", "SUBB", "jv", "50", "financial", "CN-JX", "", ""),
    ("ASSOC", "Associate", "联营公司", "GRP", "associate", "30", "none", "CN-GS", "", ""),
    (
        "ACQ",
        "Acquired",
        "新收购公司",
        "GRP",
        "subsidiary",
        "100",
        "operational",
        "CN-TJ",
        "2024-04-01",
        "",
    ),
    (
        "DIV",
        "Divested",
        "已出售公司",
        "SUBA",
        "subsidiary",
        "60",
        "operational",
        "CN-NM",
        "",
        "2024-06-30",
    ),
]

OBSERVATIONS = [
    # entity, period, indicator, value, unit, source
    ("GRP", "2024", "fuel.natural_gas", "12", "万立方米", "meter"),  # 120,000 m3
    ("SUBA", "2024", "energy.electricity.purchased", "5000", "万千瓦时", "bill"),  # 50,000 MWh
    ("SUBA", "2024", "energy.electricity.green", "8", "GWh", "certificates"),  # 8,000 MWh
    ("SUBA", "2024", "fuel.raw_coal", "2000", "吨", "weighbridge"),
    ("SUBB", "2024", "energy.electricity.purchased", "12000000", "kWh", "bill"),  # 12,000 MWh
    ("SUBB", "2024", "fuel.diesel", "50000", "kg", "invoices"),  # 50 t
    ("SUBB", "2024", "energy.heat.purchased", "3000", "GJ", "bill"),
    ("JV", "2024", "fuel.coke", "400", "t", "ledger"),
    ("JV", "2024", "energy.electricity.purchased", "2000", "MWh", "bill"),
    ("ASSOC", "2024", "energy.electricity.purchased", "1000", "MWh", "bill"),
    ("DIV", "2024", "energy.electricity.purchased", "3660", "MWh", "bill"),
    ("DIV", "2024", "fuel.natural_gas", "100000", "m3", "meter"),
    ("GRP", "2024", "production.reo", "1000", "t", "production report"),
]
OBSERVATIONS += [
    ("ACQ", f"2024-{m:02d}", "energy.electricity.purchased", "100000", "kWh", "bill")
    for m in range(1, 13)
]  # 100 MWh a month; only April-December (9 months) are inside the window
OBSERVATIONS += [
    ("ACQ", f"2024-{m:02d}", "fuel.gasoline", "2000", "kg", "fuel cards") for m in range(1, 13)
]  # 2 t a month

# --- factors (sources in FACTORS.md) --------------------------------------------------
# GB/T 2589-2020 Annex A, tce per canonical unit
TCE = {
    "fuel.natural_gas": 1.2143e-3,  # 1.2143 kgce/m3
    "fuel.raw_coal": 0.7143,  # kgce/kg = tce/t
    "fuel.diesel": 1.4571,
    "fuel.coke": 0.9714,
    "fuel.gasoline": 1.4714,
    "energy.electricity.purchased": 0.1229,  # 0.1229 kgce/kWh = tce/MWh (equivalent value)
    "energy.heat.purchased": 0.03412,  # 0.03412 kgce/MJ = tce/GJ
}
# China enterprise GHG guidelines: NCV (TJ per unit) x carbon content (tC/TJ) x oxidation
CO2 = {
    "fuel.natural_gas": 389.31e-7 * 15.30 * 0.99 * CO2_PER_C,  # 389.31 GJ/10^4 m3
    "fuel.raw_coal": 20.908e-3 * 26.37 * 0.94 * CO2_PER_C,
    "fuel.diesel": 42.652e-3 * 20.20 * 0.98 * CO2_PER_C,
    "fuel.coke": 28.435e-3 * 29.50 * 0.93 * CO2_PER_C,
    "fuel.gasoline": 43.070e-3 * 18.90 * 0.98 * CO2_PER_C,
}
# MEE/NBS grid factors for 2024 by the selection rule (tCO2/MWh)
GRID_2024 = {
    "CN-NM": 0.6849,  # Inner Mongolia 2022 (2023 not published: latest earlier year)
    "CN-JS": 0.5978,  # Jiangsu 2022 (MEE/NBS annex of 2024-12; 2023 provinces not shipped)
    "CN-JX": 0.5752,  # Jiangxi 2022 (latest earlier year, before the region)
    "CN-GS": 0.4772,  # Gansu 2022 (MEE/NBS annex of 2024-12; 2023 provinces not shipped)
    "CN-TJ": 0.7041,  # Tianjin 2022
}
RESIDUAL_2024 = 0.6096  # national residual 2023 (latest earlier year)
HEAT = 0.11  # tCO2/GJ

# Each entity's link to its parent (GHG Protocol Corporate Standard, chapter 3):
# operational control: 100 % if control=operational; financial control: 100 % if
# operational or financial, a joint venture at its ownership; equity: ownership.
LINKS = {
    "operational": {"SUBA": 1, "SUBB": 0, "JV": 0, "ASSOC": 0, "ACQ": 1, "DIV": 1},
    "financial": {"SUBA": 1, "SUBB": 1, "JV": 0.5, "ASSOC": 0, "ACQ": 1, "DIV": 1},
    "equity": {"SUBA": 1, "SUBB": 0.83, "JV": 0.5, "ASSOC": 0.30, "ACQ": 1, "DIV": 0.60},
}
PARENT = {"SUBA": "GRP", "SUBB": "GRP", "JV": "SUBB", "ASSOC": "GRP", "ACQ": "GRP", "DIV": "SUBA"}

# inclusion fractions of 2024 (a leap year: 366 days)
DIV_FRACTION = 182 / 366  # 1 January to 30 June
ACQ_MONTHS = 9  # April to December


def activity() -> dict[str, dict[str, float]]:
    """Each entity's 2024 activity in canonical units, after its inclusion window."""
    return {
        "GRP": {"fuel.natural_gas": 120_000.0},
        "SUBA": {
            "energy.electricity.purchased": 50_000.0,
            "green": 8_000.0,
            "fuel.raw_coal": 2_000.0,
        },
        "SUBB": {
            "energy.electricity.purchased": 12_000.0,
            "fuel.diesel": 50.0,
            "energy.heat.purchased": 3_000.0,
        },
        "JV": {"fuel.coke": 400.0, "energy.electricity.purchased": 2_000.0},
        "ASSOC": {"energy.electricity.purchased": 1_000.0},
        "ACQ": {
            "energy.electricity.purchased": 100.0 * ACQ_MONTHS,
            "fuel.gasoline": 2.0 * ACQ_MONTHS,
        },
        "DIV": {
            "energy.electricity.purchased": 3_660.0 * DIV_FRACTION,
            "fuel.natural_gas": 100_000.0 * DIV_FRACTION,
        },
    }


REGION = {e[0]: e[7] for e in ENTITIES}


def entity_figures(code: str) -> dict[str, float]:
    """One entity's own (100 %) energy tce, Scope 1 CO2, Scope 2 location and market."""
    a = activity()[code]
    tce = sum(v * TCE[k] for k, v in a.items() if k in TCE)
    co2 = sum(v * CO2[k] for k, v in a.items() if k in CO2)
    elec = a.get("energy.electricity.purchased", 0.0)
    heat = a.get("energy.heat.purchased", 0.0)
    green = a.get("green", 0.0)
    loc = elec * GRID_2024[REGION[code]] + heat * HEAT
    mkt = max(elec - green, 0.0) * RESIDUAL_2024 + heat * HEAT
    return {
        "energy.total_tce": tce,
        "ghg.scope1.co2": co2,
        "ghg.scope2.location": loc,
        "ghg.scope2.market": mkt,
    }


CHILDREN = {
    "GRP": ["SUBA", "SUBB", "ASSOC", "ACQ"],
    "SUBA": ["DIV"],
    "SUBB": ["JV"],
}


def expected(boundary: str, node: str = "GRP") -> dict[str, float]:
    """Consolidated 2024 figures for ``node``: each member's figures x the product of the
    links on its path up to ``node`` (e.g. JV in GRP under equity: 0.50 * 0.83 = 0.415)."""
    links = LINKS[boundary]

    def members(code: str) -> list[str]:
        out = [code]
        for c in CHILDREN.get(code, []):
            out += members(c)
        return out

    totals = dict.fromkeys(entity_figures("GRP"), 0.0)
    for code in members(node):
        share, cur = 1.0, code
        while cur != node:
            share *= links[cur]
            cur = PARENT[cur]
        for k, v in entity_figures(code).items():
            totals[k] += share * v
    return totals


def write_files(folder: Path) -> list[Path]:
    """entities.csv and observations.csv in the interchange format."""
    ents = folder / "entities.csv"
    with ents.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(ENTITY_COLUMNS)
        w.writerows(ENTITIES)
    obs = folder / "observations.csv"
    with obs.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(OBSERVATION_COLUMNS)
        w.writerows([(*o, "") for o in OBSERVATIONS])
    return [ents, obs]
