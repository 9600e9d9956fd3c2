"""The metric codes the engine produces (a stable interface) and what each one is.

Base metrics are sums of per-observation contributions (a column of the
engine's row frame); derived metrics are computed from base metrics of the
same entity and period. Intensities are evaluated with the safe formula
language of :mod:`esgledger.calc.formula`.
"""

from __future__ import annotations

from dataclasses import dataclass

from esgledger.calc.formula import Definition

__all__ = [
    "DERIVED",
    "GJ_PER_TCE",
    "INTENSITIES",
    "METRICS",
    "SCOPE3_CATEGORIES",
    "Metric",
    "scope3_metric",
]

#: GB/T 2589-2020: 1 kgce = 29 307 kJ, so 1 tce = 29.307 GJ.
GJ_PER_TCE = 29.307

#: GHG Protocol Corporate Value Chain (Scope 3) Standard, the 15 categories.
SCOPE3_CATEGORIES: dict[int, str] = {
    1: "Purchased goods and services",
    2: "Capital goods",
    3: "Fuel- and energy-related activities",
    4: "Upstream transportation and distribution",
    5: "Waste generated in operations",
    6: "Business travel",
    7: "Employee commuting",
    8: "Upstream leased assets",
    9: "Downstream transportation and distribution",
    10: "Processing of sold products",
    11: "Use of sold products",
    12: "End-of-life treatment of sold products",
    13: "Downstream leased assets",
    14: "Franchises",
    15: "Investments",
}


@dataclass(frozen=True)
class Metric:
    """One metric code: its unit, a description and how it is obtained."""

    code: str
    unit: str
    description: str
    column: str | None = None  # base metric: the row-frame column summed
    formula: str | None = None  # derived metric: text shown in the lineage
    inputs: tuple[str, ...] = ()


def scope3_metric(category: int) -> str:
    return f"ghg.scope3.cat{category:02d}"


_BASE = [
    Metric(
        "energy.total_tce",
        "tce",
        "Total energy consumption in standard coal, electricity at the equivalent value (当量值)",
        "tce",
    ),
    Metric(
        "energy.total_tce.equal",
        "tce",
        "Total energy consumption in standard coal, electricity at the equal value (等价值, "
        "the year's coal consumption of power supply)",
        "tce_eq",
    ),
    Metric(
        "energy.feedstock_tce",
        "tce",
        "Energy used as feedstock (raw material, not burnt), in standard coal; part of the total",
        "feed_tce",
    ),
    Metric(
        "energy.exported_tce",
        "tce",
        "Energy exported to others (electricity, heat), in standard coal at the equivalent value "
        "(当量值); deducted from the total",
        "export_tce",
    ),
    Metric(
        "energy.renewable_tce",
        "tce",
        "Renewable electricity (green purchased and self-generated) in standard coal",
        "renew_tce",
    ),
    Metric("ghg.scope1", "tCO2e", "Scope 1 emissions, all gases", "s1"),
    Metric("ghg.scope1.co2", "tCO2", "Scope 1 CO2 (combustion, process, fugitive)", "co2_all"),
    Metric("ghg.scope1.ch4", "tCO2e", "Scope 1 CH4 (combustion and direct), as CO2e", "ch4e"),
    Metric("ghg.scope1.n2o", "tCO2e", "Scope 1 N2O (combustion and direct), as CO2e", "n2oe"),
    Metric("ghg.scope1.hfcs", "tCO2e", "Scope 1 HFCs, as CO2e", "hfcs"),
    Metric("ghg.scope1.pfcs", "tCO2e", "Scope 1 PFCs (CF4, C2F6, C3F8), as CO2e", "pfcs"),
    Metric("ghg.scope1.sf6", "tCO2e", "Scope 1 SF6, as CO2e", "sf6"),
    Metric("ghg.scope1.nf3", "tCO2e", "Scope 1 NF3, as CO2e", "nf3"),
    Metric("ghg.scope1.fugitive", "tCO2e", "Scope 1 fugitive emissions", "fugitive"),
    Metric("ghg.scope1.stationary", "tCO2e", "Scope 1 stationary combustion", "s1_stationary"),
    Metric("ghg.scope1.mobile", "tCO2e", "Scope 1 mobile combustion", "s1_mobile"),
    Metric("ghg.scope1.process", "tCO2e", "Scope 1 process emissions (all gases)", "process"),
    Metric("ghg.scope2.location", "tCO2e", "Scope 2 emissions, location-based", "s2loc"),
    Metric("ghg.scope2.market", "tCO2e", "Scope 2 emissions, market-based", "s2mkt"),
    Metric("ghg.scope3", "tCO2e", "Scope 3 emissions, all categories reported", "s3"),
    Metric("production.reo", "tREO", "Output in rare-earth oxide equivalent", "reo"),
]
_BASE += [
    Metric(scope3_metric(n), "tCO2e", f"Scope 3 category {n}: {name}", "s3")
    for n, name in SCOPE3_CATEGORIES.items()
]

_DERIVED = [
    Metric(
        "energy.total_gj",
        "GJ",
        "Total energy consumption in GJ",
        formula="energy.total_tce * 29.307 GJ/tce",
        inputs=("energy.total_tce",),
    ),
    Metric(
        "energy.renewable_share",
        "percent",
        "Share of renewable electricity in total energy consumption (standard coal basis)",
        formula="energy.renewable_tce / energy.total_tce * 100 %",
        inputs=("energy.renewable_tce", "energy.total_tce"),
    ),
    Metric(
        "ghg.total.location",
        "tCO2e",
        "Scope 1 plus Scope 2 (location-based)",
        formula="ghg.scope1 + ghg.scope2.location",
        inputs=("ghg.scope1", "ghg.scope2.location"),
    ),
    Metric(
        "ghg.total.market",
        "tCO2e",
        "Scope 1 plus Scope 2 (market-based)",
        formula="ghg.scope1 + ghg.scope2.market",
        inputs=("ghg.scope1", "ghg.scope2.market"),
    ),
    Metric(
        "intensity.energy_per_treo",
        "kgce/tREO",
        "Energy intensity per tonne of REO output",
        formula="energy.total_tce / production.reo",
        inputs=("energy.total_tce", "production.reo"),
    ),
    Metric(
        "intensity.ghg_per_treo",
        "tCO2e/tREO",
        "GHG intensity (Scope 1 + 2 location-based) per tonne of REO output",
        formula="ghg.total.location / production.reo",
        inputs=("ghg.total.location", "production.reo"),
    ),
]

#: Every metric by code (base first, then derived).
METRICS: dict[str, Metric] = {m.code: m for m in [*_BASE, *_DERIVED]}
DERIVED: dict[str, Metric] = {m.code: m for m in _DERIVED}

#: Intensities, evaluated per entity and period with :func:`esgledger.calc.formula.evaluate`.
INTENSITIES: dict[str, Definition] = {
    "intensity.energy_per_treo": Definition("energy.total_tce / production.reo", "kgce/tREO"),
    "intensity.ghg_per_treo": Definition("ghg.total.location / production.reo", "tCO2e/tREO"),
}
