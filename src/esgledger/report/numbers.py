"""Locale-aware printing of figures: number, unit and year-on-year change.

English and Chinese reports group thousands with commas; units are printed
the way each language's readers expect (``m³`` and ``tce`` in English,
``立方米`` and ``吨标准煤`` in Chinese). Precision follows the magnitude unless
a template asks for a number of decimals.
"""

from __future__ import annotations

import math
import re
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from esgledger.report.model import Lang

__all__ = [
    "MISSING",
    "format_change",
    "format_date",
    "format_number",
    "format_point_change",
    "format_value",
    "is_percent",
    "money_scale",
    "unit_label",
]

MISSING = "—"

_UNITS_EN: dict[str, str] = {
    "m3": "m³",
    "m**3": "m³",
    "percent": "%",
    "person": "people",
    "person_time": "person-times",
    "hour": "hours",
    "h": "hours",
    "case": "",
    "dimensionless": "",
    "1": "",
    "CNY": "CNY",
    "t": "t",
}
_UNITS_ZH: dict[str, str] = {
    "MWh": "兆瓦时",
    "kWh": "千瓦时",
    "GWh": "吉瓦时",
    "t": "吨",
    "tonne": "吨",
    "m3": "立方米",
    "m**3": "立方米",
    "m^3": "立方米",
    "tce": "吨标准煤",
    "kgce": "千克标准煤",
    "kgce/tREO": "千克标准煤/吨REO",
    "tce/tREO": "吨标准煤/吨REO",
    "tCO2e": "吨二氧化碳当量",
    "tCO2": "吨二氧化碳",
    "tCO2e/tREO": "吨二氧化碳当量/吨REO",
    "m3/tREO": "立方米/吨REO",
    "tREO": "吨REO",
    "GJ": "吉焦",
    "person": "人",
    "CNY": "元",
    "h": "小时",
    "hour": "小时",
    "percent": "%",
    "%": "%",
    "case": "",
    "person_time": "人次",
    "day": "天",
    "MW": "兆瓦",
    "hectare": "公顷",
    "dimensionless": "",
    "1": "",
}


def is_percent(unit: str) -> bool:
    """Whether ``unit`` is a percentage."""
    return unit.strip() in {"%", "percent", "pct"}


_CJK = re.compile(r"[\u3400-\u9fff]")
_CUBE = re.compile(r"(?<![A-Za-z])m(\^3|\*\*3|3)(?![\d])")


def unit_label(unit: str, lang: Lang) -> str:
    """How ``unit`` is printed in ``lang`` (``m^3/tREO`` → ``m³/tREO`` / ``立方米/吨REO``,
    ``tCO2e`` → ``tCO₂e`` / ``吨二氧化碳当量``)."""
    text = unit.strip()
    table = _UNITS_ZH if lang == "zh" else _UNITS_EN
    if text in table:
        return table[text]
    if "/" in text and lang == "zh":
        return "/".join(table.get(part.strip(), part.strip()) for part in text.split("/"))
    # chemical formulae as printed: tCO2e → tCO₂e (the ledger keeps the plain spelling)
    return _CUBE.sub("m³", text).replace("^2", "²").replace("CO2", "CO₂")


def _decimals(value: float, unit: str) -> int:
    if is_percent(unit):
        return 1
    if value == round(value) and abs(value) < 1e15:
        return 0
    size = abs(value)
    if size >= 100 or size == 0:
        return 0
    if size >= 1:
        return 2
    return 3


def format_number(value: float, decimals: int | None = None, unit: str = "") -> str:
    """``value`` with thousands separators and a precision fitting its magnitude."""
    if not math.isfinite(value):
        return MISSING
    places = _decimals(value, unit) if decimals is None else decimals
    # half away from zero on the decimal digits the reader sees (1,234.5 → 1,235)
    exact = Decimal(repr(value)).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    text = f"{exact:,.{places}f}"
    if text.startswith("-") and float(text.replace(",", "")) == 0:
        text = text[1:]
    return text


def money_scale(largest: float, lang: Lang) -> tuple[float, str]:
    """(divisor, unit) that prints amounts of money like ``largest`` readably.

    Chinese reports count in 万元 and 亿元; English ones in millions of CNY.
    """
    size = abs(largest)
    if lang == "zh":
        if size >= 1e8:
            return 1e8, "亿元"
        if size >= 1e4:
            return 1e4, "万元"
        return 1.0, "元"
    if size >= 1e6:
        return 1e6, "CNY million"
    return 1.0, "CNY"


def format_value(value: float | None, unit: str, lang: Lang, decimals: int | None = None) -> str:
    """Number and unit as printed in running text, e.g. ``819,687 MWh`` or ``4.0%``;
    in Chinese a Chinese unit follows the number without a space (``819,687兆瓦时``).

    Money (``CNY``) is scaled: ``16.04亿元`` in Chinese, ``CNY 1,604 million`` in English.
    """
    if value is None:
        return MISSING
    if unit.strip() in {"CNY", "yuan", "元"}:
        divisor, scaled = money_scale(value, lang)
        amount = value / divisor
        places = decimals if decimals is not None else (2 if abs(amount) < 1000 else 0)
        if decimals is None and amount == round(amount):
            places = 0
        number = format_number(value / divisor, places if divisor > 1 else decimals)
        if lang == "zh":
            return f"{number}{scaled}"
        return f"CNY {number} million" if divisor > 1 else f"CNY {number}"
    number = format_number(value, decimals, unit)
    label = unit_label(unit, lang)
    if not label:
        return number
    if label == "%":
        return f"{number}%"
    if lang == "zh" and _CJK.match(label):
        return f"{number}{label}"  # Chinese sets a Chinese unit name close: 9,867人
    return f"{number} {label}"


def format_change(current: float | None, previous: float | None) -> str | None:
    """Year-on-year change in percent with its sign (``+10.8%``); None when undefined."""
    if current is None or previous is None or previous == 0:
        return None
    if not (math.isfinite(current) and math.isfinite(previous)):
        return None
    change = (current - previous) / abs(previous) * 100
    text = f"{change:+.1f}%"
    return "0.0%" if text in {"+0.0%", "-0.0%"} else text


def format_point_change(current: float | None, previous: float | None, lang: Lang) -> str | None:
    """Year-on-year change of a percentage, in percentage points (``+1.0 pp`` / ``+1.0个百分点``).

    A share moving from 4.0 % to 5.0 % rose by one point; printing it as
    "+25.0%" would read as a change of the share itself.
    """
    if current is None or previous is None:
        return None
    if not (math.isfinite(current) and math.isfinite(previous)):
        return None
    text = f"{current - previous:+.1f}"
    if text in {"+0.0", "-0.0"}:
        text = "0.0"
    return f"{text}个百分点" if lang == "zh" else f"{text} pp"


def format_date(day: date, lang: Lang) -> str:
    """A date as printed: ISO 8601 in English (``2025-03-31``), ``2025年3月31日`` in Chinese."""
    if lang == "zh":
        return f"{day.year}年{day.month}月{day.day}日"
    return day.isoformat()
