"""The factor library: emission, conversion and GWP factors with their provenance.

Defaults live in ``data/factors.csv`` (one row per factor, with source document,
edition, table, validity years, region, confidence and a note) and
``data/factors_grid_regions.csv`` (which provincial grid belongs to which
regional grid). Users add or override factors per entity and year by importing
a file with the same columns (:func:`read_factor_file`).

Selection (:meth:`FactorSet.select`) follows one rule for every kind of factor:

1. a user factor for the entity whose validity covers the year;
2. otherwise, walking the region chain — the entity's province (``CN-NM``), its
   regional grid (``CN-GRID-N``), the nation (``CN``), then region-less
   defaults — the first level with a factor for the year, or failing that the
   latest earlier year;
3. as a last resort, the earliest later year (said so in the reason).

The reason returned with each choice goes into the lineage.
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections import defaultdict
from collections.abc import Collection, Iterable, Sequence
from dataclasses import asdict, dataclass, replace
from functools import lru_cache
from importlib import resources
from typing import Any

from esgledger.catalog.indicators import load_indicators
from esgledger.errors import Problem, UnitError, ValidationError
from esgledger.units import convert, normalize_unit_text

__all__ = [
    "FACTOR_COLUMNS",
    "KINDS",
    "Factor",
    "FactorSet",
    "Selection",
    "canonical_unit",
    "load_factors",
    "normalize_region",
    "per",
    "read_factor_file",
    "region_chain",
]

FACTOR_COLUMNS = (
    "kind",
    "subject",
    "region",
    "entity",
    "year_from",
    "year_to",
    "value",
    "unit",
    "source",
    "edition",
    "table",
    "confidence",
    "note",
)

#: Kinds of factor and what they mean. ``{unit}`` is the subject's activity unit.
KINDS: dict[str, str] = {
    "tce": "standard-coal conversion, tce per {unit}",
    "tce_equal": (
        "standard-coal conversion at the equal value (等价值: the coal consumption of power "
        "supply of the year), tce per {unit}"
    ),
    "ncv": "net calorific value, GJ per {unit}",
    "density": "density of a liquid fuel, t per m3 (volume to mass)",
    "carbon_content": "carbon content per unit of energy, t C per TJ",
    "oxidation": "carbon oxidation rate, a fraction",
    "ch4": "CH4 emitted per unit of energy, t per TJ",
    "n2o": "N2O emitted per unit of energy, t per TJ",
    "gwp": "global warming potential (subject SET.GAS, e.g. AR6.CH4)",
    "grid": "location-based grid factor, tCO2 per MWh",
    "residual": "market-based residual-mix factor, tCO2 per MWh",
    "grid_fossil": "national fossil-power factor, tCO2 per MWh (reference; not applied by default)",
    "heat": "purchased heat factor, tCO2 per GJ",
    "steam_enthalpy": "enthalpy of purchased steam, kJ per kg",
    "steam_feedwater": "enthalpy of the feed water, kJ per kg",
    "process": "process emissions, tCO2 per {unit}",
    "scope3": "Scope 3 emissions, tCO2e per {unit}",
}

# Subjects that are not indicator codes, with their activity unit.
_SPECIAL_SUBJECTS = {"energy.electricity": "MWh", "energy.heat": "GJ"}
_FIXED_UNITS = {
    "carbon_content": "t/TJ",
    "density": "t/m**3",
    "oxidation": "dimensionless",
    "ch4": "t/TJ",
    "n2o": "t/TJ",
    "gwp": "dimensionless",
    "grid": "tCO2e/MWh",
    "residual": "tCO2e/MWh",
    "grid_fossil": "tCO2e/MWh",
    "heat": "tCO2e/GJ",
    "steam_enthalpy": "kJ/kg",
    "steam_feedwater": "kJ/kg",
}
_PER_UNIT = {"tce": "tce", "tce_equal": "tce", "ncv": "GJ", "process": "tCO2e", "scope3": "tCO2e"}
_GRID_KINDS = frozenset({"grid", "residual", "grid_fossil"})


def per(numerator: str, denominator: str) -> str:
    """A pint expression for ``numerator / denominator`` (each as users write units)."""
    return f"({normalize_unit_text(numerator)}) / ({normalize_unit_text(denominator)})"


def _subject_unit(subject: str) -> str | None:
    if subject in _SPECIAL_SUBJECTS:
        return _SPECIAL_SUBJECTS[subject]
    ind = load_indicators().get(subject)
    return ind.unit if ind else None


def canonical_unit(kind: str, subject: str) -> str | None:
    """The unit the engine uses for a factor of ``kind`` about ``subject`` (None if unknown)."""
    if kind in _FIXED_UNITS:
        return _FIXED_UNITS[kind]
    unit = _subject_unit(subject)
    if unit is None or kind not in _PER_UNIT:
        return None
    return per(_PER_UNIT[kind], unit)


@dataclass(frozen=True)
class Factor:
    """One factor and where it comes from."""

    kind: str
    subject: str
    value: float
    unit: str
    region: str = ""
    entity: str = ""
    year_from: int | None = None
    year_to: int | None = None
    source: str = ""
    edition: str = ""
    table: str = ""
    confidence: str = ""
    note: str = ""
    origin: str = "default"

    @property
    def id(self) -> str:
        """A stable identifier: kind, subject, region, entity and validity."""
        years = f"{self.year_from or ''}-{self.year_to or ''}"
        where = (self.entity and f"entity={self.entity}") or self.region or "*"
        return f"{self.kind}:{self.subject}:{where}:{years}"

    def covers(self, year: int) -> bool:
        lo = self.year_from if self.year_from is not None else -(10**6)
        hi = self.year_to if self.year_to is not None else 10**6
        return lo <= year <= hi

    def in_unit(self, unit: str) -> float:
        """The value expressed in ``unit``."""
        return convert(self.value, self.unit, unit)

    def canonical_value(self) -> float:
        """The value in :func:`canonical_unit` (the engine's unit)."""
        unit = canonical_unit(self.kind, self.subject)
        return self.value if unit is None else self.in_unit(unit)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["id"] = self.id
        return data


@dataclass(frozen=True)
class Selection:
    """A factor chosen for an entity and year, and why."""

    factor: Factor
    reason: str


def _region_label(region: str) -> str:
    if region == "CN":
        return "national"
    if region.startswith("CN-GRID-"):
        return f"regional grid {region}"
    if region.startswith("CN-"):
        return f"province {region}"
    return f"region {region}" if region else "default"


@lru_cache(maxsize=1)
def _province_table() -> tuple[dict[str, str], dict[str, str]]:
    raw = resources.files("esgledger.catalog").joinpath("data/factors_grid_regions.csv")
    rows = list(csv.DictReader(io.StringIO(raw.read_text(encoding="utf-8-sig"))))
    grids = {r["province"].strip(): r["grid_region"].strip() for r in rows}
    numeric = {r["numeric_code"].strip(): r["province"].strip() for r in rows}
    return grids, numeric


def _grid_regions() -> dict[str, str]:
    return _province_table()[0]


def normalize_region(region: str) -> str:
    """A region code as the factor library spells it: upper case, GB/T 2260 numbers mapped.

    ``cn-nm`` and the older numeric ``CN-15`` both become ``CN-NM``.
    """
    code = region.strip().upper()
    return _province_table()[1].get(code, code)


def region_chain(region: str) -> tuple[str, ...]:
    """Regions to try for an entity in ``region``, most specific first, ending with ''."""
    chain: list[str] = []
    region = normalize_region(region)
    if region:
        chain.append(region)
    grid = _grid_regions().get(region)
    if grid:
        chain.append(grid)
    if (region == "CN" or region.startswith("CN-")) and "CN" not in chain:
        chain.append("CN")
    chain.append("")
    return tuple(chain)


class FactorSet:
    """An immutable set of factors (defaults plus user overrides) with a version."""

    def __init__(self, factors: Iterable[Factor], *, version: str) -> None:
        self.factors: tuple[Factor, ...] = tuple(factors)
        self.version = version
        index: dict[tuple[str, str], list[Factor]] = defaultdict(list)
        for f in self.factors:
            index[(f.kind, f.subject)].append(f)
        self._index = dict(index)
        self.entities_with_overrides = frozenset(f.entity for f in self.factors if f.entity)

    def __len__(self) -> int:
        return len(self.factors)

    def with_overrides(self, overrides: Iterable[Factor]) -> FactorSet:
        """This set plus user factors (which win over defaults for the same key)."""
        extra = tuple(replace(f, origin="user") for f in overrides)
        if not extra:
            return self
        keys = {(f.kind, f.subject, f.region, f.entity, f.year_from, f.year_to) for f in extra}
        kept = [
            f
            for f in self.factors
            if (f.kind, f.subject, f.region, f.entity, f.year_from, f.year_to) not in keys
        ]
        digest = _digest(extra)
        return FactorSet([*kept, *extra], version=f"{self.version}+user.{digest}")

    def search(self, query: str = "", *, kind: str | None = None) -> list[Factor]:
        """Factors whose kind, subject, region, entity, source or note contains ``query``."""
        q = query.strip().lower()
        out = []
        for f in self.factors:
            if kind and f.kind != kind:
                continue
            hay = " ".join((f.kind, f.subject, f.region, f.entity, f.source, f.note, f.id))
            if not q or q in hay.lower():
                out.append(f)
        return out

    def select(
        self, kind: str, subjects: Sequence[str], *, entity: str, region: str, year: int
    ) -> Selection | None:
        """The factor to use (see the module docstring for the rule), or None."""
        for subject in subjects:
            found = self._select_one(kind, subject, entity=entity, region=region, year=year)
            if found is not None:
                return found
        return None

    def _select_one(
        self, kind: str, subject: str, *, entity: str, region: str, year: int
    ) -> Selection | None:
        candidates = self._index.get((kind, subject), [])
        if not candidates:
            return None
        own = [f for f in candidates if entity and f.entity == entity and f.covers(year)]
        if own:
            best = _narrowest(own)
            return Selection(best, f"user factor for entity {entity} valid in {year}")
        shared = [f for f in candidates if not f.entity]
        chain = region_chain(region)
        skipped: list[str] = []
        lead = ""
        if not normalize_region(region) and kind in _GRID_KINDS:
            # an entity without a region: the national grid factor (a quality finding says so)
            chain = ("CN", "")
            lead = "entity has no region, so the "
        for level in chain:
            at_level = [f for f in shared if f.region == level]
            if not at_level:
                if level:
                    skipped.append(_region_label(level))
                continue
            label = _region_label(level)
            covering = [f for f in at_level if f.covers(year)]
            if not level:
                why_level = "default value (not region-specific)"
            elif skipped:
                why_level = f"{label} (none for {', '.join(skipped)})"
            else:
                why_level = f"{lead}{label} factor" if lead else label
            if covering:
                best = _narrowest(covering)
                when = "" if best.year_from is None and best.year_to is None else f" for {year}"
                return Selection(best, f"{why_level}{when}")
            earlier = [f for f in at_level if f.year_to is not None and f.year_to < year]
            if earlier:
                best = max(earlier, key=lambda f: (f.year_to or 0, f.origin == "user"))
                return Selection(
                    best,
                    f"{why_level}: not published for {year}; "
                    f"latest earlier year {best.year_to} used",
                )
            skipped.append(f"{label} in {year} or earlier")
        later = [f for f in shared if f.region in chain and f.year_from is not None]
        if later:
            best = min(later, key=lambda f: (chain.index(f.region), f.year_from or 0))
            return Selection(
                best,
                f"{_region_label(best.region)}: nothing published for {year} or earlier; "
                f"earliest later year {best.year_from} used",
            )
        return None


def _narrowest(factors: Sequence[Factor]) -> Factor:
    def width(f: Factor) -> tuple[int, int, str]:
        lo = f.year_from if f.year_from is not None else -(10**6)
        hi = f.year_to if f.year_to is not None else 10**6
        return (0 if f.origin == "user" else 1, hi - lo, f.id)

    return min(factors, key=width)


def _digest(factors: Iterable[Factor]) -> str:
    text = "\n".join(
        sorted("|".join(str(getattr(f, c)) for c in (*FACTOR_COLUMNS, "origin")) for f in factors)
    )
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


def _opt_int(text: str) -> int | None:
    text = text.strip()
    return int(text) if text else None


def _parse_rows(
    text: str, *, file: str, user: bool, known_entities: Collection[str] | None
) -> list[Factor]:
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    header = [h.strip() for h in (reader.fieldnames or [])]
    problems: list[Problem] = []
    required = ("kind", "subject", "value", "unit")
    for col in required:
        if col not in header:
            problems.append(Problem(file, 1, col, None, f"a column named {col!r}"))
    if problems:
        raise ValidationError(problems, what=f"factor file {file}")
    out: list[Factor] = []
    seen: dict[str, int] = {}
    for rowno, raw in enumerate(reader, start=2):
        row = {(k or "").strip(): (v or "").strip() for k, v in raw.items() if k}
        kind = row.get("kind", "")
        if not kind or kind.startswith("#"):
            continue
        before = len(problems)
        subject = row.get("subject", "")
        if kind not in KINDS:
            problems.append(Problem(file, rowno, "kind", kind, f"one of {', '.join(KINDS)}"))
        if not subject:
            problems.append(Problem(file, rowno, "subject", subject, "a subject"))
        try:
            value = float(row.get("value", "").replace(",", ""))
            if value != value or value in (float("inf"), float("-inf")) or value < 0:
                raise ValueError
        except ValueError:
            problems.append(Problem(file, rowno, "value", row.get("value"), "a number >= 0"))
            value = 0.0
        years: list[int | None] = []
        for col in ("year_from", "year_to"):
            try:
                years.append(_opt_int(row.get(col, "")))
            except ValueError:
                problems.append(Problem(file, rowno, col, row.get(col), "a year such as 2024"))
                years.append(None)
        if years[0] is not None and years[1] is not None and years[0] > years[1]:
            problems.append(
                Problem(file, rowno, "year_to", row.get("year_to"), "a year >= year_from")
            )
        entity = row.get("entity", "")
        if entity and known_entities is not None and entity not in known_entities:
            problems.append(Problem(file, rowno, "entity", entity, "a known entity code"))
        unit = row.get("unit", "")
        if kind in KINDS and subject:
            target = canonical_unit(kind, subject)
            if target is None and user:
                problems.append(
                    Problem(
                        file,
                        rowno,
                        "subject",
                        subject,
                        "an indicator code (see esgledger indicators), energy.electricity "
                        "or energy.heat",
                    )
                )
            elif target is not None:
                try:
                    convert(1.0, unit, target)
                except UnitError:
                    problems.append(
                        Problem(
                            file,
                            rowno,
                            "unit",
                            unit,
                            f"a unit convertible to {target} ({KINDS[kind].split(',')[0]})",
                        )
                    )
        if len(problems) > before:
            continue
        factor = Factor(
            kind=kind,
            subject=subject,
            value=value,
            unit=unit,
            region=normalize_region(row.get("region", "")) if user else row.get("region", ""),
            entity=entity,
            year_from=years[0],
            year_to=years[1],
            source=row.get("source", "") or (file if user else ""),
            edition=row.get("edition", ""),
            table=row.get("table", ""),
            confidence=row.get("confidence", "") or ("user" if user else ""),
            note=row.get("note", ""),
            origin="user" if user else "default",
        )
        if factor.id in seen:
            problems.append(
                Problem(
                    file,
                    rowno,
                    None,
                    factor.id,
                    f"one row per kind, subject, region, entity and years "
                    f"(same as row {seen[factor.id]})",
                )
            )
            continue
        seen[factor.id] = rowno
        out.append(factor)
    if problems:
        raise ValidationError(problems, what=f"factor file {file}")
    return out


def read_factor_file(
    text: str, *, file: str = "factors.csv", known_entities: Collection[str] | None = None
) -> list[Factor]:
    """User factors from CSV text with the columns of :data:`FACTOR_COLUMNS`.

    ``kind, subject, value, unit`` are required; ``entity`` (an entity code) and
    ``year_from``/``year_to`` scope the factor. Every problem is reported in
    one :class:`ValidationError`.
    """
    return _parse_rows(text, file=file, user=True, known_entities=known_entities)


@lru_cache(maxsize=1)
def load_factors() -> FactorSet:
    """The packaged default factors (cached; immutable)."""
    raw = resources.files("esgledger.catalog").joinpath("data/factors.csv")
    text = raw.read_text(encoding="utf-8-sig")
    factors = _parse_rows(text, file="factors.csv", user=False, known_entities=None)
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]
    return FactorSet(factors, version=f"defaults.{digest}")
