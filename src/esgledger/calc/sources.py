"""Emission sources: which indicator is what kind of source, and its coefficients.

For each (entity, year, indicator) the engine needs a handful of numbers per
canonical unit of the indicator (tce, tCO2, tCH4, ...). They are resolved here
once per distinct key — from the factor library, with the reason each factor
was chosen — and then applied to every observation row in bulk.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from esgledger.catalog.factors import FactorSet, Selection
from esgledger.catalog.indicators import load_indicators
from esgledger.errors import CalcError

__all__ = [
    "COEF_COLUMNS",
    "GASES",
    "Coefficients",
    "MissingFactor",
    "SourceClass",
    "SteamMethod",
    "classify",
    "resolve",
]

CO2_PER_C = 44.0 / 12.0
COEF_COLUMNS = (
    "c_tce",
    "c_tce_eq",
    "c_eq_missing",
    "c_feed_tce",
    "c_export_tce",
    "c_renew_tce",
    "c_co2",
    "c_ch4",
    "c_n2o",
    "c_process",
    "c_s2loc",
    "c_s2mkt",
    "c_s3",
    "c_reo",
    "c_g_ch4",
    "c_g_n2o",
    "c_g_hfcs",
    "c_g_pfcs",
    "c_g_sf6",
    "c_g_nf3",
)

#: Direct-emission gases (indicator suffix of ``process.gas.*`` / ``fugitive.gas.*``):
#: the name of its GWP factor (subject ``SET.NAME``) and its Kyoto group.
GASES: dict[str, tuple[str, str]] = {
    "co2": ("CO2", "co2"),
    "ch4": ("CH4", "ch4"),
    "n2o": ("N2O", "n2o"),
    "sf6": ("SF6", "sf6"),
    "nf3": ("NF3", "nf3"),
    "hfc23": ("HFC-23", "hfcs"),
    "hfc32": ("HFC-32", "hfcs"),
    "hfc125": ("HFC-125", "hfcs"),
    "hfc134a": ("HFC-134a", "hfcs"),
    "hfc143a": ("HFC-143a", "hfcs"),
    "hfc152a": ("HFC-152a", "hfcs"),
    "cf4": ("CF4", "pfcs"),
    "c2f6": ("C2F6", "pfcs"),
    "c3f8": ("C3F8", "pfcs"),
}
_GAS = re.compile(r"^(process|fugitive)\.gas\.([a-z0-9]+)$")

SteamMethod = str  # "enthalpy" (default) or "table"

_SCOPE3 = re.compile(r"^scope3\.cat(\d\d)\.")


@dataclass(frozen=True)
class SourceClass:
    """What kind of source an indicator is."""

    # fuel | electricity | green | self_renewable | steam | heat | process | gas_process
    # | gas_fugitive | scope3 | production | feedstock | export
    kind: str
    subjects: tuple[str, ...] = ()  # factor subjects to try, most specific first
    mobile: bool = False
    scope3_category: int | None = None


@lru_cache(maxsize=512)
def _classify_static(indicator: str) -> SourceClass | None:
    if indicator == "energy.electricity.purchased":
        return SourceClass("electricity", ("energy.electricity",))
    if indicator == "energy.electricity.green":
        return SourceClass("green", ("energy.electricity",))
    if indicator == "energy.electricity.self_generated_renewable":
        return SourceClass("self_renewable", ("energy.electricity",))
    if indicator == "energy.steam.purchased":
        return SourceClass("steam", ("energy.steam.purchased",))
    if indicator == "energy.heat.purchased":
        return SourceClass("heat", ("energy.heat",))
    if indicator == "production.reo":
        return SourceClass("production")
    if indicator == "energy.electricity.exported":
        return SourceClass("export", ("energy.electricity",))
    if indicator == "energy.heat.exported":
        return SourceClass("export", ("energy.heat",))
    if indicator.startswith("fuel.") and indicator.endswith(".feedstock"):
        return SourceClass("feedstock", (indicator.removesuffix(".feedstock"),))
    if indicator.startswith("fuel."):
        mobile = indicator.endswith(".mobile")
        base = indicator.removesuffix(".mobile")
        subjects = (indicator, base) if mobile else (indicator,)
        return SourceClass("fuel", subjects, mobile=mobile)
    g = _GAS.match(indicator)
    if g and g.group(2) in GASES:
        return SourceClass(f"gas_{g.group(1)}", (g.group(2),))
    m = _SCOPE3.match(indicator)
    if m and 1 <= int(m.group(1)) <= 15:
        return SourceClass("scope3", (indicator,), scope3_category=int(m.group(1)))
    if indicator.startswith("process."):
        return SourceClass("process", (indicator,))
    return None


def classify(indicator: str, factors: FactorSet) -> SourceClass | None:
    """The source class of ``indicator`` (None: not used by the engine).

    Besides the built-in codes, any indicator with a ``process`` factor in
    ``factors`` (e.g. imported by a user) is a process-emission source.
    """
    found = _classify_static(indicator)
    if found is None and any(f.subject == indicator for f in factors.search(kind="process")):
        return SourceClass("process", (indicator,))
    return found


@dataclass
class Coefficients:
    """Per-canonical-unit coefficients of one (entity, year, indicator) and their factors."""

    values: dict[str, float] = field(default_factory=lambda: dict.fromkeys(COEF_COLUMNS, 0.0))
    factors: list[tuple[str, Selection]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class MissingFactor:
    """A factor that the engine needed and the factor library did not have."""

    kind: str  # factor kind, e.g. ``ncv``
    subject: str  # what it applies to, e.g. ``fuel.washed_coal``
    unit: str  # the canonical unit of the indicator the factor is per, e.g. ``t``

    def __str__(self) -> str:
        return f"{self.kind} for {self.subject} (indicator unit {self.unit})"


class _Resolver:
    def __init__(
        self, factors: FactorSet, entity: str, region: str, year: int, steam_method: str
    ) -> None:
        self.fs = factors
        self.entity = entity
        self.region = region
        self.year = year
        self.steam_method = steam_method
        self.gwp = "AR6"
        self.missing: list[tuple[str, str]] = []

    def get(self, coef: Coefficients, role: str, kind: str, subjects: tuple[str, ...]) -> float:
        sel = self.fs.select(kind, subjects, entity=self.entity, region=self.region, year=self.year)
        if sel is None:
            self.missing.append((kind, subjects[0]))
            return 0.0
        coef.factors.append((role, sel))
        return sel.factor.canonical_value()

    def equal_value(self, coef: Coefficients, subject: str, per: float) -> None:
        """``c_tce_eq``: the equal value (等价值) of electricity or heat, when one is known.

        Electricity has none by default (no citable coal consumption of power supply is
        shipped): without an imported ``tce_equal`` factor the equal-value total is absent
        (``c_eq_missing``). Heat without one counts at its equivalent value.
        """
        sel = self.fs.select(
            "tce_equal", (subject,), entity=self.entity, region=self.region, year=self.year
        )
        if sel is not None:
            coef.factors.append(("standard-coal factor (equal value, 等价值)", sel))
            coef.values["c_tce_eq"] = per * sel.factor.canonical_value()
        elif subject == "energy.electricity":
            coef.values["c_eq_missing"] = 1.0
            coef.notes.append(
                f"no equal-value (等价值) factor for electricity in {self.year}: import the "
                "year's coal consumption of power supply as a tce_equal factor"
            )
        else:
            coef.values["c_tce_eq"] = coef.values["c_tce"]

    def grid(self, coef: Coefficients, market_sign: float) -> None:
        loc = self.get(coef, "location-based grid factor", "grid", ("energy.electricity",))
        sel = self.fs.select(
            "residual",
            ("energy.electricity",),
            entity=self.entity,
            region=self.region,
            year=self.year,
        )
        later = sel is not None and (sel.factor.year_from or 0) > self.year
        if sel is not None and not later:
            coef.factors.append(("market-based residual factor", sel))
            mkt = sel.factor.canonical_value()
        else:
            coef.notes.append(
                f"no residual-mix factor for {self.year} or earlier: the market-based "
                "figure uses the location-based grid factor (GHG Protocol Scope 2 hierarchy)"
            )
            mkt = loc
        if market_sign > 0:
            coef.values["c_s2loc"] = loc
        coef.values["c_s2mkt"] = market_sign * mkt


def resolve(
    indicator: str,
    source: SourceClass,
    factors: FactorSet,
    *,
    entity: str,
    region: str,
    year: int,
    steam_method: str = "enthalpy",
    gwp: str = "AR6",
) -> tuple[Coefficients, list[MissingFactor]]:
    """The coefficients of ``indicator`` for ``entity`` in ``year``, and missing factors."""
    r = _Resolver(factors, entity, region, year, steam_method)
    r.gwp = gwp
    c = Coefficients()
    v = c.values
    kind = source.kind
    subj = source.subjects
    if kind == "fuel":
        v["c_tce"] = r.get(c, "standard-coal factor", "tce", subj)
        v["c_tce_eq"] = v["c_tce"]
        ncv = r.get(c, "net calorific value", "ncv", subj)
        cc = r.get(c, "carbon content", "carbon_content", subj)
        ox = r.get(c, "oxidation rate", "oxidation", subj)
        tj = ncv / 1000.0  # TJ per unit
        v["c_co2"] = tj * cc * ox * CO2_PER_C
        v["c_ch4"] = tj * r.get(c, "CH4 factor", "ch4", subj)
        v["c_n2o"] = tj * r.get(c, "N2O factor", "n2o", subj)
    elif kind == "electricity":
        v["c_tce"] = r.get(c, "standard-coal factor (equivalent value)", "tce", subj)
        r.equal_value(c, "energy.electricity", 1.0)
        r.grid(c, 1.0)
    elif kind == "green":
        v["c_renew_tce"] = r.get(c, "standard-coal factor (equivalent value)", "tce", subj)
        r.grid(c, -1.0)
        c.notes.append(
            "green electricity is part of purchased electricity: it adds no energy, "
            "counts as renewable, and is taken out of the market-based figure (factor 0)"
        )
    elif kind == "self_renewable":
        tce = r.get(c, "standard-coal factor (equivalent value)", "tce", subj)
        v["c_tce"] = tce
        v["c_renew_tce"] = tce
        r.equal_value(c, "energy.electricity", 1.0)
    elif kind in ("steam", "heat"):
        if kind == "steam":
            h = r.get(c, "steam enthalpy", "steam_enthalpy", subj)
            fw = r.get(c, "feed-water enthalpy", "steam_feedwater", subj)
            gj = (h - fw) / 1000.0  # kJ/kg = MJ/t -> GJ per t
            c.notes.append(f"steam heat content ({h:g} - {fw:g}) kJ/kg = {gj:.6g} GJ/t")
        else:
            gj = 1.0
        if kind == "steam" and r.steam_method == "table":
            v["c_tce"] = r.get(c, "standard-coal factor of steam (table)", "tce", subj)
        else:
            v["c_tce"] = gj * r.get(c, "standard-coal factor of heat", "tce", ("energy.heat",))
        r.equal_value(c, "energy.heat", gj)
        ef = r.get(c, "purchased heat factor", "heat", ("energy.heat",))
        v["c_s2loc"] = gj * ef
        v["c_s2mkt"] = gj * ef
    elif kind == "process":
        v["c_process"] = r.get(c, "process emission factor", "process", subj)
    elif kind in ("gas_process", "gas_fugitive"):
        name, group = GASES[subj[0]]
        if group == "co2":
            v["c_process"] = 1.0  # tonnes of CO2 are tonnes of CO2e
        else:
            role = f"GWP-100 of {name} ({gwp})"
            v[f"c_g_{group}"] = r.get(c, role, "gwp", (f"{gwp}.{name}",))
        c.notes.append(
            f"tonnes of {name} emitted directly "
            f"({'fugitive' if kind == 'gas_fugitive' else 'process'} source) x GWP"
        )
    elif kind == "scope3":
        if indicator.endswith(".emissions"):
            v["c_s3"] = 1.0
            c.notes.append("emissions reported as tCO2e are counted as they are")
        else:
            v["c_s3"] = r.get(c, "Scope 3 emission factor", "scope3", subj)
    elif kind == "production":
        v["c_reo"] = 1.0
    elif kind == "feedstock":
        # energy used as raw material: in the energy total (GB/T 2589), not combusted
        tce = r.get(c, "standard-coal factor", "tce", subj)
        v["c_tce"] = v["c_tce_eq"] = v["c_feed_tce"] = tce
        c.notes.append(
            "used as feedstock (raw material), not burnt: counted in energy consumption and "
            "in energy.feedstock_tce, no combustion emissions (report process emissions of its "
            "carbon as a process source)"
        )
    elif kind == "export":
        # energy supplied to others is deducted from consumption; Scope 2 is not reduced
        tce = r.get(c, "standard-coal factor (equivalent value)", "tce", subj)
        v["c_tce"] = -tce
        v["c_export_tce"] = tce
        r.equal_value(c, subj[0], 1.0)
        v["c_tce_eq"] = -v["c_tce_eq"] if subj[0] == "energy.electricity" else -tce
        c.notes.append(
            "exported energy is deducted from energy consumption (it does not reduce Scope 2)"
        )
    else:  # pragma: no cover - classify() returns only the kinds above
        raise CalcError(f"unknown source kind {kind!r}")
    unit = load_indicators()[indicator].unit if indicator in load_indicators() else "?"
    return c, [MissingFactor(k, subject, unit) for k, subject in r.missing]
