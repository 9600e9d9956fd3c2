"""Independent verification on a held-out style data set (issues 2 and 3, "Done when").

The data set in ``tests/data/verify/`` was written for this module only: a
group of seven entities (a 100 % subsidiary, an 83 % subsidiary holding a 50 %
joint venture, a 30 % associate without control, an acquisition on
2024-04-01 and a divestment on 2024-09-30, in six provinces, whose 2023 and
2024 factors fall back to the latest published provincial year), 2023 and 2024 observations in
mixed units (kWh, MWh, GWh, 万千瓦时, 万立方米, m3, kg, 吨, t, 万吨, TJ, GJ),
annual and monthly rows.

A second, smaller data set (``variant/``) covers what the first does not:
financial control without operational control, a mid-month acquisition whose
child inherits the window, a divested parent with a child, a joint venture
typed ``JV``, green electricity above purchased, self-generated solar, coke,
gasoline, LPG, fuel oil and coke oven gas, and the years 2021 (the first
published residual factor) and 2022.

Every expected figure below is computed by hand from the raw cells of
``observations.csv`` and the factor values of the reference sheet
(/work/shared/reference/FACTORS.md), never by calling the engine; the engine's
figures are read through the CLI (``esgledger import`` then ``esgledger
explain METRIC --json``) on SQLite and on PostgreSQL and must agree within
0.01 %.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import create_engine, func, select

from esgledger.cli import run
from esgledger.units import convert

DATA = Path(__file__).parent / "data" / "verify"
ENTITIES_CSV = DATA / "entities.csv"
OBSERVATIONS_CSV = DATA / "observations.csv"
REL = 1e-4  # 0.01 %

# --------------------------------------------------------------------------------------
# Factors, each with its source (FACTORS.md and docs/methodology.md)
# --------------------------------------------------------------------------------------

# GB/T 2589-2020 Annex A reference values (kgce per kg = tce per t, etc.)
TCE_ELEC = 0.1229  # kgce/kWh = tce/MWh, equivalent value; the table value (methodology:
#                   860/7000 rounded), not the strict 3600/29307 = 0.12284
TCE_COAL = 0.7143  # raw coal, kgce/kg = tce/t
TCE_DIESEL = 1.4571  # diesel, kgce/kg = tce/t
TCE_GAS = 1.2143 / 1000  # natural gas 1.2143 kgce/m3 -> tce/m3
TCE_HEAT = 0.03412  # heat 0.03412 kgce/MJ = tce/GJ
# Purchased steam to heat by the enthalpy method (FACTORS.md): (2777 - 83.74) kJ/kg
STEAM_GJ_PER_T = (2777 - 83.74) / 1000  # = 2.69326 GJ/t
TCE_STEAM = STEAM_GJ_PER_T * TCE_HEAT  # = 0.0918940 tce/t

# China enterprise GHG accounting guidelines: CO2 = NCV x carbon content x oxidation x 44/12
NCV_COAL, CC_COAL, OF_COAL = 20.908, 26.37, 0.94  # GJ/t, tC/TJ, -
NCV_DIESEL, CC_DIESEL, OF_DIESEL = 42.652, 20.20, 0.98  # GJ/t, tC/TJ, -
NCV_GAS, CC_GAS, OF_GAS = 389.31, 15.30, 0.99  # GJ/10^4 m3, tC/TJ, -
EF_COAL = NCV_COAL / 1000 * CC_COAL * OF_COAL * 44 / 12  # tCO2/t      (FACTORS.md: 1.9003)
EF_DIESEL = NCV_DIESEL / 1000 * CC_DIESEL * OF_DIESEL * 44 / 12  # tCO2/t (3.0959)
EF_GAS = NCV_GAS / 1000 * CC_GAS * OF_GAS * 44 / 12 / 1e4  # tCO2/m3 (21.622 per 10^4 m3)

# IPCC 2006 Vol. 2 Table 2.3 (stationary, manufacturing), kg/TJ, with AR6 GWPs (CH4 27.9, N2O 273)
GWP_CH4, GWP_N2O = 27.9, 273.0
NONCO2_COAL = NCV_COAL / 1000 * (10 * GWP_CH4 + 1.5 * GWP_N2O) / 1000  # tCO2e/t (coal 10, 1.5)
NONCO2_DIESEL = NCV_DIESEL / 1000 * (3 * GWP_CH4 + 0.6 * GWP_N2O) / 1000  # oil products 3, 0.6
NONCO2_GAS = NCV_GAS / 1000 * (1 * GWP_CH4 + 0.1 * GWP_N2O) / 1000 / 1e4  # gas 1, 0.1 per m3

# More carriers (the variant data set). GB/T 2589-2020 Annex A:
TCE_COKE, TCE_GASOLINE, TCE_LPG, TCE_FUEL_OIL = 0.9714, 1.4714, 1.7143, 1.4286  # kgce/kg
TCE_COG = 0.5714 / 1000  # coke oven gas 0.5714 kgce/m3 (lower bound) -> tce/m3
# China guidelines defaults; coke, gasoline and coke oven gas as printed in FACTORS.md, LPG and
# fuel oil from the same guidelines' table of defaults (FACTORS.md does not print them):
EF_COKE = 28.435 / 1000 * 29.50 * 0.93 * 44 / 12  # tCO2/t (FACTORS.md: 2.8604)
EF_GASOLINE = 43.070 / 1000 * 18.90 * 0.98 * 44 / 12  # tCO2/t (2.9251)
EF_COG = 179.81 / 1000 * 13.58 * 0.99 * 44 / 12 / 1e4  # tCO2/m3 (8.864 per 10^4 m3)
EF_LPG = 50.179 / 1000 * 17.20 * 0.98 * 44 / 12  # tCO2/t: NCV 50.179 GJ/t, 17.20 tC/TJ, 0.98
EF_FUEL_OIL = 41.816 / 1000 * 21.10 * 0.98 * 44 / 12  # NCV 41.816 GJ/t, 21.10 tC/TJ, 0.98
# IPCC 2006 Table 2.3: coke as coal (10, 1.5), oil products (3, 0.6), gaseous fuels (1, 0.1)
NONCO2_COKE = 28.435 / 1000 * (10 * GWP_CH4 + 1.5 * GWP_N2O) / 1000
NONCO2_GASOLINE = 43.070 / 1000 * (3 * GWP_CH4 + 0.6 * GWP_N2O) / 1000
NONCO2_FUEL_OIL = 41.816 / 1000 * (3 * GWP_CH4 + 0.6 * GWP_N2O) / 1000
NONCO2_LPG = 50.179 / 1000 * (1 * GWP_CH4 + 0.1 * GWP_N2O) / 1000
NONCO2_COG = 179.81 / 1000 * (1 * GWP_CH4 + 0.1 * GWP_N2O) / 1000 / 1e4

# Scope 2 (MEE/NBS announcements): heat 0.11 tCO2/GJ; steam via its heat content
EF_HEAT = 0.11
# Location-based grid factor per entity, selection rule of FACTORS.md: the province for the
# year, else its latest earlier year, then the grid region, then national. No factor is
# published for 2024, and none for Inner Mongolia 2023, so:
GRID = {
    "HOLD": 0.558,  # CN-BJ: Beijing 2022 (latest earlier year) for 2023 and 2024
    "NMSMELT": 0.6849,  # CN-NM: Inner Mongolia 2022 (2023 not found)
    "JXSEP": 0.5752,  # CN-JX: Jiangxi 2022 (secondary copy)
    "GSJV": 0.4772,  # CN-GS: Gansu 2022 (MEE/NBS announcement of 2024-12-20; latest earlier)
    "SDASSOC": 0.641,  # CN-SD: Shandong 2022 (same announcement; latest earlier year)
    "JSNEW": 0.5978,  # CN-JS: Jiangsu 2022 (same announcement; latest earlier year)
    "TJOLD": 0.7041,  # CN-TJ: Tianjin 2022
}
RESIDUAL = 0.6096  # national residual mix 2023, also the latest for 2024 (tCO2/MWh)

# Inclusion windows (2024 is a leap year: 366 days)
ACQ_2024 = 275 / 366  # JSNEW acquired 2024-04-01: Apr 1 - Dec 31 = 30+31+30+31+31+30+31+30+31
DIV_2024 = 274 / 366  # TJOLD divested 2024-09-30: Jan 1 - Sep 30 = 31+29+31+30+31+30+31+31+30


@dataclass(frozen=True)
class Activity:
    """One entity-year's own activity in canonical units, after inclusion fractions."""

    elec: float = 0.0  # purchased electricity, MWh
    green: float = 0.0  # of which green, MWh
    coal: float = 0.0  # raw coal, t
    diesel: float = 0.0  # diesel (stationary), t
    gas: float = 0.0  # natural gas, m3
    steam: float = 0.0  # purchased steam, t
    heat: float = 0.0  # purchased heat, GJ
    selfgen: float = 0.0  # self-generated renewable electricity, MWh
    coke: float = 0.0  # t
    gasoline: float = 0.0  # t (stationary)
    lpg: float = 0.0  # t
    fuel_oil: float = 0.0  # t
    cog: float = 0.0  # coke oven gas, m3


# Raw cells converted by hand: 1 万千瓦时 = 10^4 kWh = 10 MWh; 1 GWh = 1000 MWh;
# 1 万立方米 = 10^4 m3; 1 万吨 = 10^4 t; 1 TJ = 1000 GJ; kg / 1000 = t.
NM_2024_KWH = [2310000, 2185000, 2402500, 2350000, 2298000, 2276400]
NM_2024_KWH += [2412000, 2455500, 2330000, 2367800, 2289000, 2401200]
JS_2024_WAN_KWH = [41.2, 39.8, 43.5, 44.0, 45.6, 47.3, 49.1, 48.7, 46.2, 44.9, 43.3, 45.8]
TJ_2024_DIESEL_KG = [1500, 1420, 1610, 1550, 1480, 1530, 1600, 1575, 1490, 1510, 1460, 1525]

OWN: dict[tuple[str, int], Activity] = {
    ("HOLD", 2023): Activity(elec=118.6 * 10, gas=30500),  # 118.6 万千瓦时; 30500 m3
    ("HOLD", 2024): Activity(elec=1250.5, gas=3.2e4),  # "1,250.5" MWh; 3.2 万立方米
    ("NMSMELT", 2023): Activity(
        elec=27.4 * 1000, green=2800, coal=13500, diesel=91.2, steam=26000
    ),  # 27.4 GWh
    ("NMSMELT", 2024): Activity(
        elec=sum(NM_2024_KWH) / 1000,  # twelve monthly rows in kWh
        green=3.5 * 1000,  # 3.5 GWh
        coal=12800,  # "12,800" 吨
        diesel=86500 / 1000,  # 86500 kg
        steam=2.4e4,  # 2.4 万吨
    ),
    ("JXSEP", 2023): Activity(elec=17900, green=3000000 / 1000, gas=1480000, heat=4.8 * 1000),
    ("JXSEP", 2024): Activity(elec=1850 * 10, green=4200, gas=156.4e4, heat=5200),
    ("GSJV", 2023): Activity(elec=9100, coal=2150, diesel=27500 / 1000),
    # 2024 diesel: the annual row (30 t) wins over the twelve monthly rows of 2.4 吨 (28.8 t);
    # methodology: "the annual row is used and the monthly rows are shown as superseded".
    ("GSJV", 2024): Activity(elec=9.6 * 1000, coal=2050, diesel=30),
    ("SDASSOC", 2023): Activity(elec=4300, gas=78e4),
    ("SDASSOC", 2024): Activity(elec=450 * 10, gas=800000),
    # JSNEW 2023 (480 万千瓦时) lies before the acquisition: it counts 0.
    ("JSNEW", 2023): Activity(),
    ("JSNEW", 2024): Activity(
        elec=sum(JS_2024_WAN_KWH[3:]) * 10,  # April-December only (monthly rows in the window)
        green=1000 * ACQ_2024,  # annual row prorated by days
        gas=65e4 * ACQ_2024,  # 65 万立方米, annual row prorated by days
    ),
    ("TJOLD", 2023): Activity(elec=7020, diesel=18.4),
    ("TJOLD", 2024): Activity(
        elec=6480 * DIV_2024,  # "6,480" MWh annual row prorated by days
        diesel=sum(TJ_2024_DIESEL_KG[:9]) / 1000,  # January-September monthly rows only
        heat=1200 * DIV_2024,  # annual row prorated by days
    ),
}

CODES = ("HOLD", "NMSMELT", "JXSEP", "GSJV", "SDASSOC", "JSNEW", "TJOLD")
YEARS = (2023, 2024)

# Consolidation shares: SHARE[boundary][(subtree root, member)] (methodology, Consolidation).
SHARE: dict[str, dict[tuple[str, str], float]] = {
    "operational": {
        # every entity with control = operational counts 100 %; the associate (none) 0 %
        ("HOLD", "HOLD"): 1,
        ("HOLD", "NMSMELT"): 1,
        ("HOLD", "TJOLD"): 1,
        ("HOLD", "JXSEP"): 1,
        ("HOLD", "GSJV"): 1,  # JXSEP operates the joint venture
        ("HOLD", "SDASSOC"): 0,
        ("HOLD", "JSNEW"): 1,
        ("NMSMELT", "TJOLD"): 1,
        ("JXSEP", "GSJV"): 1,
    },
    "equity": {
        # ownership multiplied along the chain to the subtree root
        ("HOLD", "HOLD"): 1,
        ("HOLD", "NMSMELT"): 1.00,
        ("HOLD", "TJOLD"): 1.00 * 0.60,
        ("HOLD", "JXSEP"): 0.83,
        ("HOLD", "GSJV"): 0.83 * 0.50,  # FACTORS.md worked check: 41.5 %
        ("HOLD", "SDASSOC"): 0.30,
        ("HOLD", "JSNEW"): 0.70,
        ("NMSMELT", "TJOLD"): 0.60,
        ("JXSEP", "GSJV"): 0.50,
    },
    "financial": {
        # controlled entities 100 %; the joint venture is jointly controlled and counts at its
        # 50 % (GHG Protocol table of approaches; FACTORS.md worked check); the associate 0 %
        ("HOLD", "HOLD"): 1,
        ("HOLD", "NMSMELT"): 1,
        ("HOLD", "TJOLD"): 1,
        ("HOLD", "JXSEP"): 1,
        ("HOLD", "GSJV"): 0.50,
        ("HOLD", "SDASSOC"): 0,
        ("HOLD", "JSNEW"): 1,
        ("NMSMELT", "TJOLD"): 1,
        ("JXSEP", "GSJV"): 0.50,
    },
}


def own_metric(metric: str, a: Activity, grid: float, residual: float) -> float:
    """One entity's own figure for ``metric`` (hand formulas of the method).

    ``grid`` and ``residual`` are the location-based and market-based electricity factors
    chosen for the entity and year (tCO2/MWh).
    """
    steam_heat_gj = a.heat + a.steam * STEAM_GJ_PER_T
    if metric == "energy.total_tce":
        return (
            (a.elec + a.selfgen) * TCE_ELEC  # green is part of purchased: no extra energy
            + a.coal * TCE_COAL
            + a.diesel * TCE_DIESEL
            + a.gas * TCE_GAS
            + a.steam * TCE_STEAM
            + a.heat * TCE_HEAT
            + a.coke * TCE_COKE
            + a.gasoline * TCE_GASOLINE
            + a.lpg * TCE_LPG
            + a.fuel_oil * TCE_FUEL_OIL
            + a.cog * TCE_COG
        )
    if metric == "energy.renewable_tce":
        # green electricity counts as renewable only up to the electricity purchased
        return (min(a.green, a.elec) + a.selfgen) * TCE_ELEC
    if metric == "ghg.scope1.co2":
        return (
            a.coal * EF_COAL
            + a.diesel * EF_DIESEL
            + a.gas * EF_GAS
            + a.coke * EF_COKE
            + a.gasoline * EF_GASOLINE
            + a.lpg * EF_LPG
            + a.fuel_oil * EF_FUEL_OIL
            + a.cog * EF_COG
        )
    if metric == "ghg.scope1":
        return (
            own_metric("ghg.scope1.co2", a, grid, residual)
            + a.coal * NONCO2_COAL
            + a.diesel * NONCO2_DIESEL
            + a.gas * NONCO2_GAS
            + a.coke * NONCO2_COKE
            + a.gasoline * NONCO2_GASOLINE
            + a.lpg * NONCO2_LPG
            + a.fuel_oil * NONCO2_FUEL_OIL
            + a.cog * NONCO2_COG
        )
    if metric == "ghg.scope2.location":
        return a.elec * grid + steam_heat_gj * EF_HEAT
    if metric == "ghg.scope2.market":
        # green certificates count zero; never below zero when green exceeds purchased
        return max(a.elec - a.green, 0.0) * residual + steam_heat_gj * EF_HEAT
    raise AssertionError(metric)


@dataclass(frozen=True)
class Scenario:
    """A data set's hand-made tables: own activity, shares, grid and residual factors."""

    own: dict[tuple[str, int], Activity]
    shares: dict[str, dict[tuple[str, str], float]]
    grid: dict[tuple[str, int], float]  # (entity, year) -> location factor
    residual: dict[int, float | None]  # year -> residual factor (None: use the grid factor)

    def members(self, root: str, boundary: str) -> dict[str, float]:
        """The entities of ``root``'s subtree with their shares (the root itself at 100 %)."""
        out = {root: 1.0}
        for (top, member), share in self.shares[boundary].items():
            if top == root and member != root:
                out[member] = float(share)
        return out

    def expected(self, metric: str, root: str, year: int, boundary: str) -> float:
        """``metric`` for ``root`` consolidated over its subtree under ``boundary``."""
        if metric == "energy.total_gj":  # one conversion: 1 tce = 29.307 GJ
            return self.expected("energy.total_tce", root, year, boundary) * 29.307
        if metric.startswith("ghg.total."):
            scope2 = "ghg.scope2." + metric.rsplit(".", 1)[1]
            return self.expected("ghg.scope1", root, year, boundary) + self.expected(
                scope2, root, year, boundary
            )
        total = 0.0
        for code, share in self.members(root, boundary).items():
            activity = self.own.get((code, year), Activity())
            grid = self.grid.get((code, year), 0.0)
            residual = self.residual[year]
            total += share * own_metric(
                metric, activity, grid, grid if residual is None else residual
            )
        return total


MAIN = Scenario(
    own=OWN,
    shares=SHARE,
    grid={(code, year): factor for code, factor in GRID.items() for year in YEARS},
    residual={2023: RESIDUAL, 2024: RESIDUAL},
)


def expected(metric: str, root: str, year: int, boundary: str) -> float:
    """An expected figure of the main data set."""
    return MAIN.expected(metric, root, year, boundary)


# --------------------------------------------------------------------------------------
# The variant data set (tests/data/verify/variant/): financial control only, a mid-month
# acquisition with a child, a divested parent with a child, a "JV" typed joint venture, green
# above purchased, self-generated solar, coke / gasoline / LPG / fuel oil / coke oven gas,
# 2021 (the first residual factor) and 2022 (provincial factors of the year).
# --------------------------------------------------------------------------------------

VARIANT = DATA / "variant"
V2_2024 = 169 / 366  # V2 acquired 2024-07-16: Jul 16-31 (16) + Aug-Dec (31+30+31+30+31) = 169
V4_2022 = 181 / 365  # V4 divested 2022-06-30: Jan-Jun 31+28+31+30+31+30 = 181 of 365

VARIANT_OWN: dict[tuple[str, int], Activity] = {
    ("V0", 2021): Activity(elec=500),
    # 80 万千瓦时; green 900000 kWh exceeds it (market-based electricity 0, not negative)
    ("V0", 2022): Activity(elec=800, green=900, selfgen=120, lpg=12),
    ("V0", 2024): Activity(elec=0.85 * 1000, gasoline=8500 / 1000),  # 0.85 GWh; 8500 kg
    ("V1", 2022): Activity(elec=3200, coke=1500, fuel_oil=40000 / 1000),  # 40000 千克
    ("V1", 2024): Activity(elec=330 * 10, coke=1400),  # 330 万千瓦时
    # monthly rows of 100 MWh: January-June 0, July 16/31 (mid-month), August-December full
    ("V2", 2024): Activity(elec=100 * (16 / 31 + 5), cog=50e4 * V2_2024),  # 50 万立方米 prorated
    ("V3", 2022): Activity(),  # before its parent V2 was acquired: 1800 MWh count 0
    ("V3", 2024): Activity(elec=2000 * V2_2024),  # inherits V2's inclusion window
    ("V4", 2022): Activity(elec=1000 * V4_2022),
    ("V4", 2024): Activity(),  # 900 MWh after the divestment count 0
    ("V5", 2022): Activity(gas=6 * 1e4),  # 1 万立方米 a month, January-June (V4's window)
    ("V5", 2024): Activity(),  # 100000 m3 after its parent's divestment count 0
    ("V6", 2022): Activity(elec=600),
    ("V6", 2024): Activity(elec=600),
}
VARIANT_GRID = {
    ("V0", 2021): 0.5834,  # CN-SH: Shanghai 2021 (MEE/NBS Announcement 2024 No. 12)
    ("V0", 2022): 0.5849,  # Shanghai 2022 (announcement of 2024-12-20)
    ("V0", 2024): 0.5849,  # Shanghai 2022 (latest earlier year)
    ("V1", 2022): 0.7252,  # CN-HE: Hebei 2022
    ("V1", 2024): 0.7252,  # Hebei 2022 (latest earlier year beats the grid region's 2023)
    ("V2", 2024): 0.4403,  # CN-GD: Guangdong 2022 (latest earlier year)
    ("V3", 2024): 0.4044,  # CN-GX: Guangxi 2022 (latest earlier year)
    ("V4", 2022): 0.7096,  # CN-SX: Shanxi 2022
    ("V6", 2022): 0.1404,  # CN-SC: Sichuan 2022 (the example; not the SW grid 0.2268)
    ("V6", 2024): 0.1404,  # Sichuan 2022 (latest earlier year beats the SW grid 2023)
}
VARIANT_SHARE: dict[str, dict[tuple[str, str], float]] = {
    "operational": {
        ("V0", "V1"): 0,  # financial control only
        ("V0", "V2"): 1,
        ("V0", "V3"): 1,
        ("V0", "V4"): 1,
        ("V0", "V5"): 1,
        ("V0", "V6"): 0,
        ("V2", "V3"): 1,
        ("V4", "V5"): 1,
    },
    "financial": {
        ("V0", "V1"): 1,
        ("V0", "V2"): 1,
        ("V0", "V3"): 1,
        ("V0", "V4"): 1,
        ("V0", "V5"): 1,
        ("V0", "V6"): 0.40,  # type JV: jointly controlled, counted at its 40 %
        ("V2", "V3"): 1,
        ("V4", "V5"): 1,
    },
    "equity": {
        ("V0", "V1"): 0.75,
        ("V0", "V2"): 1.00,
        ("V0", "V3"): 1.00 * 0.90,
        ("V0", "V4"): 0.55,
        ("V0", "V5"): 0.55 * 1.00,
        ("V0", "V6"): 0.40,
        ("V2", "V3"): 0.90,
        ("V4", "V5"): 1.00,
    },
}
VARIANT_SCENARIO = Scenario(
    own=VARIANT_OWN,
    shares=VARIANT_SHARE,
    grid=VARIANT_GRID,
    # residual mix (national, excluding market-traded non-fossil electricity): 2021 0.5942
    # (MEE/NBS Announcement 2024 No. 12); 2022 0.5856; 2024 -> 2023's 0.6096
    residual={2021: 0.5942, 2022: 0.5856, 2024: 0.6096},
)


METRIC_UNITS = {
    "energy.total_tce": "tce",
    "energy.total_gj": "GJ",
    "energy.renewable_tce": "tce",
    "ghg.scope1.co2": "tCO2",
    "ghg.scope1": "tCO2e",
    "ghg.scope2.location": "tCO2e",
    "ghg.scope2.market": "tCO2e",
    "ghg.total.location": "tCO2e",
    "ghg.total.market": "tCO2e",
}
CORE = ("energy.total_tce", "ghg.scope1.co2", "ghg.scope2.location", "ghg.scope2.market")


# --------------------------------------------------------------------------------------
# Hand checks of the hand figures themselves (a wrong expectation must not hide)
# --------------------------------------------------------------------------------------


def test_derived_factors_match_the_reference_sheet() -> None:
    # FACTORS.md prints the derived CO2 factors and the steam heat content rounded
    assert pytest.approx(1.9003, abs=5e-5) == EF_COAL
    assert pytest.approx(3.0959, abs=5e-5) == EF_DIESEL
    assert pytest.approx(21.622, abs=5e-4) == EF_GAS * 1e4
    assert pytest.approx(2.693, abs=5e-4) == STEAM_GJ_PER_T
    # the worked checks: 1000 kg diesel, 10,000 m3 gas
    assert convert(1000, "kg", "t") * EF_DIESEL == pytest.approx(3.0959, abs=5e-5)
    assert convert(1, "万立方米", "m3") * EF_GAS == pytest.approx(21.622, abs=5e-4)


def test_hand_group_figures() -> None:
    # A few group figures spelled out, so the table-driven expectations above are checked too.
    # Operational control, 2024, energy: electricity of the six controlled entities
    elec = (
        1250.5  # HOLD
        + 28_077_400 / 1000  # NMSMELT, sum of its twelve monthly kWh rows
        + 18_500  # JXSEP 1850 万千瓦时
        + 9_600  # GSJV 9.6 GWh
        + 10 * (44.0 + 45.6 + 47.3 + 49.1 + 48.7 + 46.2 + 44.9 + 43.3 + 45.8)  # JSNEW Apr-Dec
        + 6480 * 274 / 366  # TJOLD prorated
    )
    assert sum(NM_2024_KWH) == 28_077_400
    coal = 12_800 + 2_050
    diesel = 86.5 + 30 + 13.755  # NMSMELT, GSJV (annual row), TJOLD Jan-Sep kg / 1000
    assert sum(TJ_2024_DIESEL_KG[:9]) == 13_755
    gas = 32_000 + 1_564_000 + 650_000 * 275 / 366  # HOLD, JXSEP, JSNEW prorated
    steam = 24_000
    heat = 5_200 + 1_200 * 274 / 366
    tce = (
        elec * 0.1229
        + coal * 0.7143
        + diesel * 1.4571
        + gas * 1.2143e-3
        + steam * 2.69326 * 0.03412
        + heat * 0.03412
    )
    assert expected("energy.total_tce", "HOLD", 2024, "operational") == pytest.approx(
        tce, rel=1e-12
    )
    # 20.908e-3 x 26.37 x 0.94 x 44/12 = 1.900299; 42.652e-3 x 20.20 x 0.98 x 44/12 = 3.095910;
    # 389.31e-3 x 15.30 x 0.99 x 44/12 = 21.62189 per 10^4 m3
    co2 = coal * 1.900299 + diesel * 3.095910 + gas * 21.62189e-4
    assert expected("ghg.scope1.co2", "HOLD", 2024, "operational") == pytest.approx(co2, rel=2e-6)


# --------------------------------------------------------------------------------------
# CLI helpers
# --------------------------------------------------------------------------------------


def cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = run(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def explain(
    capsys: pytest.CaptureFixture[str], url: str, metric: str, entity: str, year: int, boundary: str
) -> dict[str, Any]:
    code, out, err = cli(
        capsys,
        "--db",
        url,
        "explain",
        metric,
        "--entity",
        entity,
        "--period",
        str(year),
        "--boundary",
        boundary,
        "--json",
    )
    assert code == 0, err
    data: dict[str, Any] = json.loads(out)
    return data


def import_dataset(capsys: pytest.CaptureFixture[str], url: str, *files: Path) -> dict[str, Any]:
    paths = [str(p) for p in (files or (ENTITIES_CSV, OBSERVATIONS_CSV))]
    code, out, err = cli(capsys, "--db", url, "import", *paths, "--json")
    assert code == 0, err
    data: dict[str, Any] = json.loads(out)
    return data


def value_in(data: dict[str, Any], unit: str) -> float:
    """The explained value converted to ``unit`` (unit-aware comparison)."""
    assert data["value"] is not None, data["metric"]
    return convert(float(data["value"]), str(data["unit"]), unit)


def assert_close(got: float, want: float, label: str) -> None:
    if want == 0:
        assert got == pytest.approx(0.0, abs=1e-9), label
    else:
        assert abs(got - want) <= REL * abs(want), f"{label}: got {got}, want {want}"


# --------------------------------------------------------------------------------------
# The held-out figures through import + explain, on both engines
# --------------------------------------------------------------------------------------


def test_heldout_figures_through_explain(
    any_db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    result = import_dataset(capsys, any_db_url)
    assert result["entities_added"] == 7
    assert result["observations_added"] == 86
    # before the acquisition (JSNEW 2023, 2024-01..03) and after the divestment (TJOLD 2024-10..12)
    assert sorted(w["row"] for w in result["warnings"]) == [57, 58, 59, 60, 84, 85, 86]

    # Every figure on SQLite; on PostgreSQL (the same engine code, storage differs) the
    # group, the joint venture, the acquisition and the divestment, to keep CI short.
    on_sqlite = any_db_url.startswith("sqlite")
    codes = CODES if on_sqlite else ("HOLD", "GSJV", "JSNEW", "TJOLD")
    years = YEARS if on_sqlite else (2024,)
    checked = 0
    for boundary in ("operational", "equity"):
        for year in years:
            for entity in codes:
                for metric in CORE:
                    data = explain(capsys, any_db_url, metric, entity, year, boundary)
                    assert data["boundary"] == boundary
                    want = expected(metric, entity, year, boundary)
                    got = value_in(data, METRIC_UNITS[metric])
                    assert_close(got, want, f"{metric} {entity} {year} {boundary}")
                    checked += 1
    # the group's other headline figures, and financial control for the group
    for boundary in ("operational", "equity", "financial"):
        for year in years:
            metrics = METRIC_UNITS if boundary != "financial" else CORE
            for metric in metrics:
                if boundary != "financial" and metric in CORE:
                    continue
                data = explain(capsys, any_db_url, metric, "HOLD", year, boundary)
                got = value_in(data, METRIC_UNITS[metric])
                assert_close(got, expected(metric, "HOLD", year, boundary), f"{metric} {year}")
                checked += 1
    assert checked == 2 * len(years) * (len(codes) * 4 + 5) + len(years) * 4


def _lineage_entity(data: dict[str, Any], code: str) -> dict[str, Any]:
    for item in data["lineage"]["entities"]:
        if item["entity"] == code:
            found: dict[str, Any] = item
            return found
    raise AssertionError(f"{code} not in the lineage of {data['metric']}")


def test_heldout_lineage_says_why(sqlite_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    import_dataset(capsys, sqlite_url)
    eq = explain(capsys, sqlite_url, "energy.total_tce", "HOLD", 2024, "equity")
    assert _lineage_entity(eq, "GSJV")["share"] == pytest.approx(0.83 * 0.50)
    assert _lineage_entity(eq, "TJOLD")["share"] == pytest.approx(0.60)
    assert _lineage_entity(eq, "SDASSOC")["share"] == pytest.approx(0.30)
    fin = explain(capsys, sqlite_url, "energy.total_tce", "HOLD", 2024, "financial")
    assert _lineage_entity(fin, "GSJV")["share"] == pytest.approx(0.50)

    loc = explain(capsys, sqlite_url, "ghg.scope2.location", "HOLD", 2024, "operational")
    # the divested entity's annual electricity row is prorated 274/366 and says so
    tj = _lineage_entity(loc, "TJOLD")
    (row,) = [o for o in tj["observations"] if o["indicator"] == "energy.electricity.purchased"]
    assert row["fraction"] == pytest.approx(274 / 366)
    assert row["raw_value"] == "6,480"
    # the acquired entity's January-March rows count 0, April-December 1
    js = _lineage_entity(loc, "JSNEW")
    fractions = {o["period"]: o["fraction"] for o in js["observations"]}
    assert [fractions[f"2024-{m:02d}"] for m in range(1, 13)] == [0.0] * 3 + [1.0] * 9
    # grid factor rows chosen by the selection rule
    chosen = {}
    for item in loc["lineage"]["entities"]:
        for o in item["observations"]:
            for f in o["factors"]:
                if o["indicator"] == "energy.electricity.purchased" and "grid" in f["id"]:
                    chosen[item["entity"]] = (f["id"], f["value"])
    assert chosen["NMSMELT"] == ("grid:energy.electricity:CN-NM:2022-2022", 0.6849)
    assert chosen["GSJV"] == ("grid:energy.electricity:CN-GS:2022-2022", 0.4772)
    assert chosen["JSNEW"] == ("grid:energy.electricity:CN-JS:2022-2022", 0.5978)
    assert chosen["TJOLD"] == ("grid:energy.electricity:CN-TJ:2022-2022", 0.7041)


# --------------------------------------------------------------------------------------
# Issue 2: export -> import round trip, and a 10,000-row file with one bad cell
# --------------------------------------------------------------------------------------


def _rows(path: Path) -> list[tuple[str, ...]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return [tuple(r) for r in csv.reader(fh)]


@pytest.mark.parametrize(("folder", "n_obs"), [(DATA, 86), (DATA / "variant", 44)])
def test_heldout_export_import_round_trip(
    any_db_url: str,
    sqlite_url: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    folder: Path,
    n_obs: int,
) -> None:
    entities_csv, observations_csv = folder / "entities.csv", folder / "observations.csv"
    import_dataset(capsys, any_db_url, entities_csv, observations_csv)
    first = tmp_path / "first"
    code, _, err = cli(capsys, "--db", any_db_url, "export", "--format", "csv", "--out", str(first))
    assert code == 0, err
    # the export carries every cell exactly as submitted (order aside)
    assert sorted(_rows(first / "observations.csv")[1:]) == sorted(_rows(observations_csv)[1:])
    exported_entities = {r[0]: r for r in _rows(first / "entities.csv")[1:]}
    original_entities = {r[0]: r for r in _rows(entities_csv)[1:]}
    assert exported_entities.keys() == original_entities.keys()
    for code_, row in original_entities.items():
        # "83%" is stored as the number 83 and written back as "83"
        assert exported_entities[code_] == tuple(c.rstrip("%") for c in row)

    # re-import into the same ledger: nothing changes
    again = import_dataset(capsys, any_db_url, first / "entities.csv", first / "observations.csv")
    assert again["observations_unchanged"] == n_obs
    assert again["observations_added"] == again["observations_updated"] == 0
    assert again["entities_unchanged"] == 7

    # import the export into a fresh ledger and export again: byte for byte the same files
    other = sqlite_url if any_db_url != sqlite_url else f"{sqlite_url}.2"
    import_dataset(capsys, other, first / "entities.csv", first / "observations.csv")
    second = tmp_path / "second"
    code, _, err = cli(capsys, "--db", other, "export", "--format", "csv", "--out", str(second))
    assert code == 0, err
    for name in ("entities.csv", "observations.csv"):
        assert (first / name).read_bytes() == (second / name).read_bytes(), name

    # the workbook route gives the same ledger too
    book = tmp_path / "ledger.xlsx"
    code, _, err = cli(capsys, "--db", any_db_url, "export", "--format", "xlsx", "--out", str(book))
    assert code == 0, err
    third_db = f"sqlite:///{tmp_path / 'third.db'}"
    import_dataset(capsys, third_db, book)
    third = tmp_path / "third"
    code, _, err = cli(capsys, "--db", third_db, "export", "--format", "csv", "--out", str(third))
    assert code == 0, err
    for name in ("entities.csv", "observations.csv"):
        assert (first / name).read_bytes() == (third / name).read_bytes(), name


BAD_ROW = 7_322  # spreadsheet row (header is row 1)


def _big_file(path: Path, column: str, bad: str) -> None:
    """10,000 observation rows over the data set's entities, one bad cell at BAD_ROW."""
    indicators = [
        ("energy.electricity.purchased", "万千瓦时"),
        ("fuel.natural_gas", "m3"),
        ("fuel.diesel", "kg"),
        ("water.fresh", "m3"),
        ("energy.heat.purchased", "GJ"),
    ]
    entities = ["HOLD", "NMSMELT", "JXSEP", "GSJV", "SDASSOC"]  # no inclusion windows
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(["entity", "period", "indicator", "value", "unit", "source", "comment"])
    n = 0
    for year in range(1990, 2025):
        for month in range(1, 13):
            for entity in entities:
                for indicator, unit in indicators:
                    if n == 10_000:
                        break
                    n += 1
                    row = [entity, f"{year}-{month:02d}", indicator, f"{n % 997 + 1}.5", unit]
                    row += ["bulk", ""]
                    if n + 1 == BAD_ROW:
                        row[{"value": 3, "unit": 4}[column]] = bad
                    writer.writerow(row)
    assert n == 10_000
    path.write_text(buf.getvalue(), encoding="utf-8")


def _sqlite_fingerprint(url: str) -> dict[str, str]:
    db = Path(url.removeprefix("sqlite:///"))
    return {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(db.parent.glob(db.name + "*"))
    }


def _row_counts(url: str) -> dict[str, int]:
    from esgledger.store.migrate import target_metadata

    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return {
                name: int(conn.execute(select(func.count()).select_from(table)).scalar_one())
                for name, table in sorted(target_metadata().tables.items())
            }
    finally:
        engine.dispose()


@pytest.mark.parametrize(
    ("column", "bad", "expected_text"),
    [
        ("value", "1O5.5", "a number"),
        ("unit", "m3", "MWh"),  # a volume for electricity (row 7322 is electricity)
    ],
)
def test_bad_cell_in_10000_rows_writes_nothing(
    any_db_url: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    column: str,
    bad: str,
    expected_text: str,
) -> None:
    import_dataset(capsys, any_db_url)  # a ledger with data in it
    big = tmp_path / "observations.csv"
    _big_file(big, column, bad)
    counts = _row_counts(any_db_url)
    assert counts["entities"] == 7
    assert counts["observations"] == 86
    assert counts["audit_events"] > 0
    before = _sqlite_fingerprint(any_db_url) if any_db_url.startswith("sqlite") else {}

    # a valid new entity in a second file must not be written either (all or nothing)
    extra = tmp_path / "entities.csv"
    extra.write_text(
        ENTITIES_CSV.read_text(encoding="utf-8")
        + "NEWCO,New Co.,新公司,HOLD,subsidiary,100,operational,CN-SH,,\n",
        encoding="utf-8",
    )
    code, out, err = cli(capsys, "--db", any_db_url, "import", str(extra), str(big))
    assert code == 2
    message = " ".join(err.split())  # the console wraps long lines
    assert f"observations.csv, row {BAD_ROW}, column {column}: got '{bad}'" in message
    assert expected_text in message
    assert "Traceback" not in err + out
    assert message.count("row ") == 1  # the only problem

    assert _row_counts(any_db_url) == counts
    if any_db_url.startswith("sqlite"):
        assert before  # the ledger file exists
        assert _sqlite_fingerprint(any_db_url) == before

    # the same files without the bad cell import (so the rejection was that cell's doing)
    _big_file(big, column, "1.5" if column == "value" else "万千瓦时")
    code, out, err = cli(capsys, "--db", any_db_url, "import", str(extra), str(big), "--json")
    assert code == 0, err
    assert json.loads(out)["observations_added"] == 10_000
    assert _row_counts(any_db_url)["entities"] == 8


# --------------------------------------------------------------------------------------
# Regressions found while verifying: unit spellings of real reports, percent cells
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("unit", "target", "factor"),
    [
        ("KWh", "MWh", 1e-3),  # the way many Chinese reports write kilowatt-hours
        ("kwh", "MWh", 1e-3),
        ("万KWh", "MWh", 10.0),  # 10^4 kWh = 10 MWh
        ("万 kWh", "MWh", 10.0),
        ("亿kWh", "MWh", 1e5),  # 10^8 kWh
        ("Nm³", "m3", 1.0),  # normal cubic metres of gas
        ("万Nm3", "m3", 1e4),
        ("标准立方米", "m3", 1.0),
        ("万标准立方米", "m3", 1e4),
        ("百万千焦", "GJ", 1.0),  # 10^6 kJ = 1 GJ
        ("万tce", "tce", 1e4),
        ("万 吨", "t", 1e4),
    ],
)
def test_report_unit_spellings(unit: str, target: str, factor: float) -> None:
    assert convert(2.5, unit, target) == pytest.approx(2.5 * factor, rel=1e-12)


@given(
    value=st.floats(min_value=0, max_value=1e9, allow_nan=False),
    unit=st.sampled_from(["kWh", "MWh", "GWh", "千瓦时", "tce", "t", "GJ", "m3"]),
)
def test_wan_and_yi_multiply_any_unit(value: float, unit: str) -> None:
    assert convert(value, f"万{unit}", unit) == pytest.approx(value * 1e4, rel=1e-12)
    assert convert(value, f"亿 {unit}", unit) == pytest.approx(value * 1e8, rel=1e-12)


def test_percent_formatted_ownership_cell_is_a_percentage(
    sqlite_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # In Excel, typing 83% stores 0.83 with a percent number format; it means 83 %, not 0.83 %.
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "entities"
    entities = _rows(ENTITIES_CSV)
    sheet.append(list(entities[0]))
    for row in entities[1:]:
        cells: list[Any] = list(row)
        pct = row[5].rstrip("%")
        cells[5] = float(pct) / 100 if pct else None
        sheet.append(cells)
        sheet.cell(sheet.max_row, 6).number_format = "0%" if row[0] != "JXSEP" else "0.0%"
    obs = book.create_sheet("observations")
    for obs_row in _rows(OBSERVATIONS_CSV):
        obs.append(list(obs_row))
    path = tmp_path / "group.xlsx"
    book.save(path)

    import_dataset(capsys, sqlite_url, path)
    code, out, err = cli(capsys, "--db", sqlite_url, "entities", "--json")
    assert code == 0, err
    owned = {e["code"]: e["ownership_pct"] for e in json.loads(out)}
    assert owned == {
        "HOLD": None,
        "NMSMELT": 100,
        "JXSEP": 83,
        "GSJV": 50,
        "SDASSOC": 30,
        "JSNEW": 70,
        "TJOLD": 60,
    }
    data = explain(capsys, sqlite_url, "energy.total_tce", "HOLD", 2024, "equity")
    assert_close(
        value_in(data, "tce"), expected("energy.total_tce", "HOLD", 2024, "equity"), "equity"
    )


def test_month_formatted_date_cells_are_months(
    sqlite_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Excel turns a typed 2024-03 into the date 2024-03-01 shown as a month (mmm-yy, or
    # yyyy"年"m"月" in Chinese Excel); such a cell means the month, not an unreadable period.
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "entities"
    for row in _rows(ENTITIES_CSV):
        sheet.append(list(row))
    obs = book.create_sheet("observations")
    formats = ["mmm-yy", 'yyyy"年"m"月"', "yyyy-mm"]
    for i, obs_row in enumerate(_rows(OBSERVATIONS_CSV)):
        cells: list[Any] = list(obs_row)
        monthly = len(obs_row[1]) == 7
        if monthly:
            cells[1] = datetime(int(obs_row[1][:4]), int(obs_row[1][5:]), 1)
        obs.append(cells)
        if monthly:
            obs.cell(obs.max_row, 2).number_format = formats[i % 3]
    path = tmp_path / "months.xlsx"
    book.save(path)

    result = import_dataset(capsys, sqlite_url, path)
    assert result["observations_added"] == 86
    for metric in CORE:
        data = explain(capsys, sqlite_url, metric, "HOLD", 2024, "operational")
        want = expected(metric, "HOLD", 2024, "operational")
        assert_close(value_in(data, METRIC_UNITS[metric]), want, metric)


def test_variant_figures_through_explain(
    any_db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    result = import_dataset(
        capsys, any_db_url, VARIANT / "entities.csv", VARIANT / "observations.csv"
    )
    assert result["observations_added"] == 44
    checks = [("V0", 2021)] + [(e, y) for e in ("V0", "V2", "V4") for y in (2022, 2024)]
    if not any_db_url.startswith("sqlite"):  # every figure on SQLite; a sample on PostgreSQL
        checks = [("V0", 2021), ("V2", 2022), ("V4", 2024)]
    metrics = (*CORE, "ghg.scope1", "energy.renewable_tce", "ghg.total.market")
    for boundary in ("operational", "financial", "equity"):
        for entity, year in checks:
            for metric in metrics:
                data = explain(capsys, any_db_url, metric, entity, year, boundary)
                want = VARIANT_SCENARIO.expected(metric, entity, year, boundary)
                got = value_in(data, METRIC_UNITS[metric])
                assert_close(got, want, f"{metric} {entity} {year} {boundary}")


def test_store_level_refusal_writes_nothing(
    any_db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # All or nothing also when the files are valid but the store refuses them: 2023 is
    # approved (locked) and the 10,000 rows include 2023-01..04, so the whole import is refused.
    import_dataset(capsys, any_db_url)
    # one person's ledger: separation of duties switched off by the administrator
    code, _, err = cli(capsys, "--db", any_db_url, "settings", "separation-of-duties", "off")
    assert code == 0, err
    for step in ("submit", "review", "approve"):
        code, _, err = cli(capsys, "--db", any_db_url, step, "--period", "2023")
        assert code == 0, err
    big = tmp_path / "observations.csv"
    _big_file(big, "value", "1.5")  # no bad cell
    counts = _row_counts(any_db_url)
    before = _sqlite_fingerprint(any_db_url) if any_db_url.startswith("sqlite") else {}

    code, out, err = cli(capsys, "--db", any_db_url, "import", str(big))
    assert code == 4  # LockedError: a conflict with the ledger's state
    assert "Traceback" not in err + out
    assert "2023" in " ".join(err.split())
    assert _row_counts(any_db_url) == counts
    if before:
        assert _sqlite_fingerprint(any_db_url) == before
