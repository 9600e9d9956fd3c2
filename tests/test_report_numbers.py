"""Printing of figures: precision, thousands separators, units per language, YoY change."""

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from esgledger.report.numbers import (
    MISSING,
    format_change,
    format_number,
    format_value,
    unit_label,
)


@pytest.mark.parametrize(
    ("value", "unit", "lang", "expected"),
    [
        (819687, "MWh", "en", "819,687 MWh"),  # seed 2024 purchased electricity
        (819687, "MWh", "zh", "819,687兆瓦时"),
        (919, "kgce/tREO", "en", "919 kgce/tREO"),  # seed 2024 energy intensity
        (919, "kgce/tREO", "zh", "919千克标准煤/吨REO"),
        (69759526, "m3", "en", "69,759,526 m³"),
        (13.47, "m3/tREO", "en", "13.47 m³/tREO"),  # seed 2024 fresh water per tREO
        (13.47, "m^3/tREO", "zh", "13.47立方米/吨REO"),  # zh: no space before a Chinese unit
        (2.5, "tonne*km", "en", "2.50 tonne*km"),
        (4.0, "percent", "en", "4.0%"),
        (4.0, "percent", "zh", "4.0%"),
        (9867, "person", "zh", "9,867人"),
        (3.13, "tCO2e/tREO", "zh", "3.13吨二氧化碳当量/吨REO"),
        (13.47, "m3/tREO", "zh", "13.47立方米/吨REO"),
        (5.0, "kg", "zh", "5 kg"),  # a unit left in Latin letters keeps its space
        (0.4567, "tCO2e/MWh", "en", "0.457 tCO₂e/MWh"),  # subscript two in print
        (3.126272, "tCO2e/tREO", "en", "3.13 tCO₂e/tREO"),
        (12, "case", "en", "12"),
        (1_604_000_000, "CNY", "zh", "16.04亿元"),  # seed: R&D expenditure 16.04亿元
        (1_258_400, "CNY", "zh", "125.84万元"),  # seed: employee care 125.84万元
        (1_258_400, "CNY", "en", "CNY 1.26 million"),
        (5_000, "CNY", "en", "CNY 5,000"),
        (None, "t", "en", MISSING),
    ],
)
def test_format_value(value, unit, lang, expected):
    assert format_value(value, unit, lang) == expected


def test_rounding_is_half_away_from_zero():
    assert format_number(1234.5) == "1,235"
    assert format_number(-2.345, 2) == "-2.35"
    assert format_number(0.0625, 3) == "0.063"


def test_explicit_decimals_and_negative_zero():
    assert format_number(1234.5678, 2) == "1,234.57"
    assert format_number(-0.0001, 2) == "0.00"
    assert format_number(float("nan")) == MISSING


@pytest.mark.parametrize(
    ("current", "previous", "expected"),
    [
        (819687, 739771, "+10.8%"),  # (819,687 − 739,771) / 739,771 = +10.80 %
        (919, 997, "-7.8%"),  # (919 − 997) / 997 = −7.82 %
        (41225, 119186, "-65.4%"),  # purchased steam 2024 vs 2023: −65.41 %
        (100, 100, "0.0%"),
        (5, 0, None),
        (None, 3, None),
    ],
)
def test_format_change(current, previous, expected):
    assert format_change(current, previous) == expected


def test_unit_labels_fall_back_to_the_unit():
    assert unit_label("tCO2e", "zh") == "吨二氧化碳当量"
    assert unit_label("furlong", "zh") == "furlong"


@given(st.floats(min_value=-1e12, max_value=1e12, allow_nan=False), st.integers(0, 4))
def test_printed_number_reads_back_within_rounding(value, decimals):
    printed = format_number(value, decimals)
    back = float(printed.replace(",", ""))
    assert math.isclose(back, value, abs_tol=0.5 * 10**-decimals + abs(value) * 1e-15)


@given(st.floats(min_value=-1e9, max_value=1e9, allow_nan=False))
def test_default_precision_keeps_three_significant_digits_or_more(value):
    printed = format_number(value)
    back = float(printed.replace(",", ""))
    # ≥ 100 → whole numbers (error ≤ 0.5); 1–100 → 2 decimals; < 1 → 3 decimals
    tol = 0.5 if abs(value) >= 100 else (0.005 if abs(value) >= 1 else 0.0005)
    assert abs(back - value) <= tol + 1e-9


def test_dates_are_printed_per_language():
    from datetime import date

    from esgledger.report.numbers import format_date

    assert format_date(date(2025, 3, 31), "en") == "2025-03-31"
    assert format_date(date(2025, 3, 31), "zh") == "2025年3月31日"  # no leading zeros in Chinese


def test_a_share_changes_in_percentage_points():
    from esgledger.report.numbers import format_point_change

    # renewable share 4.0 % -> 5.0 %: one point, not "+25.0%"
    assert format_point_change(5.0, 4.0, "en") == "+1.0 pp"
    assert format_point_change(4.0, 5.0, "zh") == "-1.0个百分点"
    assert format_point_change(4.31, 4.31, "en") == "0.0 pp"
    assert format_point_change(None, 4.0, "en") is None
