"""Issue 11 item 6: unit spellings of real reports that used to be refused."""

from __future__ import annotations

import math

import pytest

from esgledger.units import convert, is_compatible


@pytest.mark.parametrize(
    ("unit", "target", "factor"),
    [
        ("tCO₂e", "tCO2e", 1.0),  # subscript two
        ("t CO2e", "tCO2e", 1.0),  # a space before the gas
        ("kg CO2", "tCO2e", 1e-3),
        ("tCO₂e/MWh", "tCO2e/MWh", 1.0),
        ("metric ton", "t", 1.0),
        ("metric tonnes", "t", 1.0),
        ("Tons", "t", 1.0),  # capitalised, as table headers write it
        ("TONNES", "t", 1.0),
        ("公吨", "t", 1.0),  # metric ton in Chinese
        ("'000 kWh", "MWh", 1.0),  # thousands of kWh = MWh
        ("’000 kWh", "MWh", 1.0),  # typographic apostrophe
        ("'000 t", "t", 1000.0),
        ("千千瓦时", "MWh", 1.0),  # 1,000 kWh
        ("万千瓦时", "MWh", 10.0),  # unchanged: 10^4 kWh
    ],
)
def test_report_spellings(unit: str, target: str, factor: float) -> None:
    assert math.isclose(convert(1.0, unit, target), factor)


def test_emissions_stay_apart_from_mass() -> None:
    assert not is_compatible("t CO2e", "t")
    assert not is_compatible("tCO₂e", "公吨")
