"""Unit registry: custom units, Chinese names and multipliers, dimension checks."""

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from esgledger.errors import UnitError
from esgledger.units import convert, is_compatible


@pytest.mark.parametrize(
    ("value", "src", "dst", "expected"),
    [
        (1, "万千瓦时", "MWh", 10.0),  # 1 万千瓦时 = 10 000 kWh = 10 MWh
        (1, "万立方米", "m3", 10_000.0),
        (3, "吨", "t", 3.0),
        (2500, "千克", "t", 2.5),
        (1, "亿元", "万元", 10_000.0),
        (1, "tce", "GJ", 29.307),  # GB/T 2589-2020: 1 kgce = 29 307 kJ
        (1, "GWh", "MWh", 1000.0),
        (1, "MWh", "tce", 3.6 / 29.307),  # equivalent value 0.1229 kgce/kWh
        (5, "tCO2", "kgCO2e", 5000.0),
        (12, "人", "person", 12.0),
    ],
)
def test_conversions(value, src, dst, expected):
    assert math.isclose(convert(value, src, dst), expected, rel_tol=1e-12)


def test_wrong_dimension_is_an_error():
    with pytest.raises(UnitError, match="cannot be converted"):
        convert(1, "kWh", "t")
    assert not is_compatible("tCO2e", "t")  # emissions never mix with mass


def test_unknown_unit_is_an_error():
    with pytest.raises(UnitError, match="unknown unit 'bushels of gold'"):
        convert(1, "bushels of gold", "t")


units = st.sampled_from(["kWh", "MWh", "GWh", "万千瓦时", "GJ", "tce", "kgce"])


@given(st.floats(min_value=0, max_value=1e12, allow_nan=False), units, units)
def test_round_trip(value, a, b):
    back = convert(convert(value, a, b), b, a)
    assert math.isclose(back, value, rel_tol=1e-12, abs_tol=1e-9)


@pytest.mark.parametrize(
    ("value", "src", "dst", "expected"),
    [
        (13.47, "m3/tREO", "m3/t", 13.47),  # tREO is a tonne of oxide-equivalent output
        (1, "kgCO2e/m3", "tCO2e/万立方米", 10.0),  # 1 kg/m3 x 10 000 m3 = 10 t
        (1, "km2", "m2", 1_000_000.0),
    ],
)
def test_powers_inside_compound_units(value, src, dst, expected):
    assert math.isclose(convert(value, src, dst), expected, rel_tol=1e-12)


def test_participation_is_not_headcount():
    # 人次 (person-times) counts attendances: 3 people at 2 sessions are 6 人次, not 6 人
    assert convert(6, "人次", "person_time") == 6
    assert not is_compatible("人次", "人")
