"""The one unit registry of esgledger.

All custom units live in ``units.txt`` beside this file (tce, kgce, tCO2e,
tREO, CNY, person and the Chinese names with the 万 and 亿 multipliers). The
registry is built lazily on first use: importing this module does no I/O.
"""

from __future__ import annotations

import math
import re
from functools import lru_cache
from importlib import resources
from typing import Any

import pint

from esgledger.errors import UnitError

__all__ = [
    "convert",
    "dimensionality",
    "is_compatible",
    "normalize_unit_text",
    "parse_unit",
    "registry",
]

# Spellings users type that pint would not read as meant.
_ALIASES: dict[str, str] = {
    "m3": "m**3",
    "m³": "m**3",
    "Nm3": "m**3",
    "10^4 m3": "1e4 * m**3",
    "10^4m3": "1e4 * m**3",
    "10000 m3": "1e4 * m**3",
    "t": "tonne",
    "ton": "tonne",
    "tons": "tonne",
    "tonnes": "tonne",
    "%": "percent",
    "pct": "percent",
    "": "dimensionless",
    "-": "dimensionless",
    "1": "dimensionless",
    "kWh": "kilowatt_hour",
    "MWh": "megawatt_hour",
    "GWh": "gigawatt_hour",
    "TWh": "terawatt_hour",
    "万kWh": "万千瓦时",
    "万m3": "万立方米",
    "万m³": "万立方米",
    "万t": "万吨",
    "Nm³": "m**3",
    "万Nm3": "万立方米",
    "万Nm³": "万立方米",
    "标准立方米": "m**3",
    "万标准立方米": "万立方米",
    "百万千焦": "gigajoule",
    "tCO2e/MWh": "tonne_co2e / megawatt_hour",
    "tCO2/MWh": "tonne_co2e / megawatt_hour",
}

_SPACE = re.compile(r"\s+")
# kWh as reports often write it (KWh, kwh, KWH; 万KWh): the case only ever means kilowatt-hour.
_WATT_HOUR = {"kwh": "kWh", "mwh": "MWh", "gwh": "GWh", "twh": "TWh"}
_MULTIPLIERS = {"万": "1e4", "亿": "1e8"}
_CN_MULTIPLIER = re.compile(r"^(万|亿)\s+")  # "万 kWh" -> "万kWh"
# m3 / m2 / m³ inside compound units (m3/tREO, kgCO2e/m3); pint would read "m3" as a name.
_POWER = re.compile(r"(?<![A-Za-z_])(m|km|cm|mm)([23²³])(?![A-Za-z0-9_])")
_SUPERSCRIPT = {"²": "2", "³": "3"}
# CO₂ with a subscript digit; "t CO2e" / "kg CO2" with a space before the gas
_SUBSCRIPT = str.maketrans("₀₁₂₃₄₅₆₇₈₉", "0123456789")
_GAS_SPACE = re.compile(r"^(k?g|t|Mt|kt)\s+(CO2e?)(?![A-Za-z0-9_])")
# "'000 kWh", "’000 t" (thousands, as annual-report tables head their columns)
_THOUSANDS = re.compile(r"^['’‘]000\s*")
# case-insensitive tonne spellings
_TONNE_WORDS = {
    "ton",
    "tons",
    "tonne",
    "tonnes",
    "metric ton",
    "metric tons",
    "metric tonne",
    "metric tonnes",
}


@lru_cache(maxsize=1)
def registry() -> Any:
    """The shared registry, built on first call from pint's defaults and units.txt."""
    ureg: Any = pint.UnitRegistry(autoconvert_offset_to_baseunit=True, cache_folder=None)
    text = resources.files("esgledger").joinpath("units.txt").read_text(encoding="utf-8")
    ureg.load_definitions(text.splitlines())
    return ureg


def normalize_unit_text(text: str) -> str:
    """Map a unit as users write it to a pint expression (no registry needed)."""
    cleaned = _CN_MULTIPLIER.sub(r"\1", _SPACE.sub(" ", text.strip().translate(_SUBSCRIPT)))
    if _THOUSANDS.match(cleaned):
        rest = _THOUSANDS.sub("", cleaned)
        return f"1e3 * ({normalize_unit_text(rest)})" if rest else cleaned
    cleaned = _GAS_SPACE.sub(r"\1\2", cleaned)
    if cleaned.lower() in _TONNE_WORDS:
        return "tonne"
    prefix, tail = (cleaned[0], cleaned[1:]) if cleaned[:1] in ("万", "亿") else ("", cleaned)
    if tail.lower() in _WATT_HOUR:
        cleaned = prefix + _WATT_HOUR[tail.lower()]
    if cleaned in _ALIASES:
        return _ALIASES[cleaned]
    if prefix and tail[:1].isascii() and tail[:1].isalpha():  # 亿kWh, 万tce: a multiplier
        return f"{_MULTIPLIERS[prefix]} * ({normalize_unit_text(tail)})"
    return _POWER.sub(
        lambda m: f"{m.group(1)}**{_SUPERSCRIPT.get(m.group(2), m.group(2))}", cleaned
    )


@lru_cache(maxsize=4096)
def _parse(text: str) -> tuple[float, Any]:
    ureg = registry()
    expr = normalize_unit_text(text)
    try:
        quantity = ureg.parse_expression(expr)
    except Exception as exc:  # pint raises several unrelated types here
        raise UnitError(f"unknown unit {text!r}") from exc
    if isinstance(quantity, int | float):
        return float(quantity), ureg.dimensionless
    magnitude = float(quantity.magnitude)
    if not math.isfinite(magnitude) or magnitude == 0:
        raise UnitError(f"unknown unit {text!r}")
    return magnitude, quantity.units


def parse_unit(text: str) -> Any:
    """The pint quantity one ``text`` unit stands for (e.g. 万千瓦时 → 10000 kWh)."""
    magnitude, unit = _parse(text)
    return registry().Quantity(magnitude, unit)


def dimensionality(text: str) -> str:
    """The dimension of a unit as a string, e.g. '[length] ** 3'."""
    return str(parse_unit(text).dimensionality)


def is_compatible(a: str, b: str) -> bool:
    """Whether values in unit ``a`` can be converted to unit ``b``."""
    return bool(parse_unit(a).dimensionality == parse_unit(b).dimensionality)


@lru_cache(maxsize=4096)
def _factor(from_unit: str, to_unit: str) -> float:
    src = parse_unit(from_unit)
    dst = parse_unit(to_unit)
    if src.dimensionality != dst.dimensionality:
        raise UnitError(
            f"unit {from_unit!r} cannot be converted to {to_unit!r} "
            f"({src.dimensionality} is not {dst.dimensionality})"
        )
    return float((src / dst).to_base_units().magnitude)


def convert(value: float, from_unit: str, to_unit: str) -> float:
    """``value`` in ``from_unit`` expressed in ``to_unit``; UnitError on a dimension mismatch."""
    if from_unit == to_unit:
        return float(value)
    return float(value) * _factor(from_unit, to_unit)
