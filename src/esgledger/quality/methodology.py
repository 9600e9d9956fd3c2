"""Checks on how figures are computed, not only on the data: pure, like every check.

- ``reported_vs_computed``: a published total (``energy.total.reported``,
  ``ghg.scope1.reported``, ...) differs from the figure esgledger computes from
  the same ledger by more than the tolerance (1 % by default); the finding
  names both values;
- ``no_region``: an entity with electricity data has no region, so the national
  grid factor is used for it;
- ``factor_fallback``: the grid or residual factor of the entity's year is not
  published, so the nearest earlier published year (or, before the first
  publication, the earliest later one) is used.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from esgledger.catalog.factors import FactorSet, normalize_region
from esgledger.errors import UnitError
from esgledger.model import Entity
from esgledger.quality.findings import Finding, make_finding
from esgledger.units import convert

__all__ = [
    "RECONCILED",
    "ReportedValue",
    "check_factor_fallbacks",
    "check_no_region",
    "check_reported_vs_computed",
]

#: Each "as reported" indicator and the computed metric it is compared with.
RECONCILED: dict[str, str] = {
    "energy.total.reported": "energy.total_tce",
    "energy.intensity.reported": "intensity.energy_per_treo",
    "energy.renewable.share_reported": "energy.renewable_share",
    "ghg.scope1.reported": "ghg.scope1",
    "ghg.scope2.reported": "ghg.scope2.location",
}

#: Indicators whose factor is the grid factor (entity region and year matter).
_ELECTRICITY = ("energy.electricity.purchased", "energy.electricity.green")


@dataclass(frozen=True)
class ReportedValue:
    """One year's figure of an entity for an "as reported" indicator."""

    entity: str
    indicator: str
    year: int
    value: float
    unit: str


def _fmt(x: float) -> str:
    if abs(x) >= 1000:
        return f"{x:,.0f}"
    return f"{x:.4g}"


def check_reported_vs_computed(
    reported: Iterable[ReportedValue],
    computed: Mapping[tuple[str, str, int], tuple[float, str]],
    *,
    tolerance: float = 0.01,
    basis: str = "operational control",
) -> Iterable[Finding]:
    """A warning per reported figure more than ``tolerance`` (a fraction) from the computed one.

    ``computed`` maps (entity, metric, year) to (value, unit); a reported
    figure without a computed counterpart is not compared.
    """
    for rv in reported:
        metric = RECONCILED.get(rv.indicator)
        if metric is None or (rv.entity, metric, rv.year) not in computed:
            continue
        value, unit = computed[(rv.entity, metric, rv.year)]
        if not (math.isfinite(value) and math.isfinite(rv.value)):
            continue
        try:
            mine = convert(rv.value, rv.unit, unit) if rv.unit and unit else rv.value
        except UnitError:  # a unit that does not fit is the import's business
            mine = math.nan
        if not math.isfinite(mine):
            continue
        scale = max(abs(value), abs(mine))
        if scale == 0 or abs(mine - value) <= tolerance * scale:
            continue
        gap = (mine - value) / value * 100 if value else math.inf
        gap_text = f"{gap:+.1f} %" if math.isfinite(gap) else "computed value is 0"
        yield make_finding(
            "reported_vs_computed",
            "warning",
            rv.entity,
            rv.indicator,
            str(rv.year),
            f"{rv.indicator} is {_fmt(mine)} {unit}, but the computed {metric} is "
            f"{_fmt(value)} {unit} ({basis}): {gap_text}, beyond the "
            f"{tolerance * 100:g} % tolerance",
        )


def check_no_region(
    entities: Iterable[Entity], with_electricity: Iterable[tuple[str, int]]
) -> Iterable[Finding]:
    """A warning for each entity-year with electricity data and no region."""
    regionless = {e.code for e in entities if not normalize_region(e.region or "")}
    for entity, year in sorted(set(with_electricity)):
        if entity in regionless:
            yield make_finding(
                "no_region",
                "warning",
                entity,
                "energy.electricity.purchased",
                str(year),
                f"{entity} has no region: its electricity uses the national grid factor "
                "(and the national residual factor); record its province for the "
                "provincial factor",
            )


def check_factor_fallbacks(
    entities: Iterable[Entity], with_electricity: Iterable[tuple[str, int]], factors: FactorSet
) -> Iterable[Finding]:
    """An info finding when an entity-year's grid or residual factor is from another year."""
    regions = {e.code: e.region or "" for e in entities}
    for entity, year in sorted(set(with_electricity)):
        if entity not in regions:
            continue
        for kind, label in (("grid", "location-based grid"), ("residual", "residual-mix")):
            sel = factors.select(
                kind, ("energy.electricity",), entity=entity, region=regions[entity], year=year
            )
            if sel is None or sel.factor.covers(year):
                continue
            yield make_finding(
                "factor_fallback",
                "info",
                entity,
                "energy.electricity.purchased",
                str(year),
                f"no {label} factor published for {year}: {sel.reason} "
                f"({sel.factor.value:g} {sel.factor.unit}, {sel.factor.source})",
                subject=kind,
            )


def electricity_years(keys: Iterable[tuple[str, str, int]]) -> list[tuple[str, int]]:
    """(entity, year) pairs that have electricity observations, from (entity, indicator, year)."""
    return sorted({(e, y) for e, ind, y in keys if ind in _ELECTRICITY})
