"""Units that measure something else than the indicator, bridged through a cited factor.

A fuel reported in energy (GJ, MWh, TJ) becomes its physical quantity through
the fuel's net calorific value (``ncv``), and a fuel reported by volume (L, m3
for a liquid) through its density (``density``, t/m3); purchased steam
reported as heat (GJ, MWh) becomes tonnes through its heat content (enthalpy
minus feed water, ``steam_enthalpy`` and ``steam_feedwater``). The factor is
the one the calculation uses for the same entity and year (a measured NCV
imported for the entity wins over the default), so energy and CO2 rest on one
NCV basis. Each conversion is reported with the factor and its source.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from esgledger.catalog.indicators import Indicator
from esgledger.errors import UnitError
from esgledger.model import Entity
from esgledger.units import convert, dimensionality

if TYPE_CHECKING:
    from esgledger.catalog.factors import FactorSet, Selection

__all__ = ["UnitBridge"]

_ENERGY = "GJ"
_VOLUME = "m**3"


def _measures(unit: str, reference: str) -> bool:
    try:
        return dimensionality(unit) == dimensionality(reference)
    except UnitError:
        return False


class UnitBridge:
    """Factors from a unit of another quantity to an indicator's unit, per entity and year."""

    def __init__(self, factors: FactorSet | None) -> None:
        self._factors = factors
        self._cache: dict[tuple[str, str, str, str, int], tuple[float, str] | str | None] = {}

    @property
    def factors(self) -> FactorSet:
        if self._factors is None:
            from esgledger.catalog.factors import load_factors

            self._factors = load_factors()
        return self._factors

    def factor(
        self, raw_unit: str, ind: Indicator, entity: Entity, year: int
    ) -> tuple[float, str] | str | None:
        """(factor to ``ind.unit``, provenance note), what was expected, or None (no bridge)."""
        key = (raw_unit, ind.code, entity.code, entity.region, year)
        if key not in self._cache:
            self._cache[key] = self._factor(raw_unit, ind, entity, year)
        return self._cache[key]

    def _select(self, kind: str, subject: str, entity: Entity, year: int) -> Selection | None:
        return self.factors.select(
            kind, (subject,), entity=entity.code, region=entity.region, year=year
        )

    def _factor(
        self, raw_unit: str, ind: Indicator, entity: Entity, year: int
    ) -> tuple[float, str] | str | None:
        code = ind.code
        fuel = code.removesuffix(".mobile") if code.startswith("fuel.") else None
        if fuel is not None and _measures(raw_unit, _ENERGY):
            sel = self._select("ncv", fuel, entity, year)
            if sel is None:
                return f"a unit convertible to {ind.unit}, or a net calorific value for {fuel}"
            per_unit = sel.factor.canonical_value()  # GJ per indicator unit
            factor = convert(1.0, raw_unit, _ENERGY) / per_unit
            return factor, _note("net calorific value", sel, per_unit, f"GJ/{ind.unit}")
        if fuel is not None and _measures(raw_unit, _VOLUME) and not _measures(ind.unit, _VOLUME):
            sel = self._select("density", fuel, entity, year)
            if sel is None:
                return (
                    f"a unit convertible to {ind.unit}, or a density factor for {fuel} "
                    "(kind density, e.g. 0.84 t/m3, with its source)"
                )
            t_per_m3 = sel.factor.in_unit("t/m**3")
            factor = convert(1.0, raw_unit, _VOLUME) * t_per_m3 * convert(1.0, "t", ind.unit)
            return factor, _note("density", sel, t_per_m3, "t/m3")
        if code == "energy.steam.purchased" and _measures(raw_unit, _ENERGY):
            h = self._select("steam_enthalpy", code, entity, year)
            fw = self._select("steam_feedwater", code, entity, year)
            if h is None or fw is None:
                return f"a unit convertible to {ind.unit}, or steam enthalpy factors"
            gj_per_t = (h.factor.in_unit("kJ/kg") - fw.factor.in_unit("kJ/kg")) / 1000.0
            factor = convert(1.0, raw_unit, _ENERGY) / gj_per_t * convert(1.0, "t", ind.unit)
            note = (
                f"converted to {ind.unit} through the steam heat content "
                f"({h.factor.value:g} - {fw.factor.value:g}) kJ/kg = {gj_per_t:.6g} GJ/t "
                f"({h.factor.source}; {fw.factor.source})"
            )
            return factor, note
        return None


def _note(what: str, sel: Selection, value: float, unit: str) -> str:
    f = sel.factor
    where = f"{f.source}, {f.table}" if f.table else f.source
    return f"converted through the {what} {value:.6g} {unit} ({where}; {sel.reason})"
