"""The demo data files: valid, and their illustrative splits add up to the seed's figures.

Published totals below are copied by hand from the seed report
(/work/shared/seed, 2024 ESG report of the demo company): the Energy
Consumption Performance table, the Water Management Performance table and the
2024 highlights. They are deliberately not imported from esgledger.demo.generate.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from esgledger.calc.targets import load_targets
from esgledger.catalog.indicators import load_indicators
from esgledger.demo import data_path
from esgledger.demo.generate import allocate, entity_rows, observation_rows, write_files
from esgledger.intake import read_files

# (indicator, year) -> (published total, unit) as printed in the seed (amounts in 万元)
PUBLISHED_TOTALS: dict[tuple[str, int], tuple[str, str]] = {
    ("energy.electricity.purchased", 2022): ("643017", "MWh"),
    ("energy.electricity.purchased", 2023): ("739771", "MWh"),
    ("energy.electricity.purchased", 2024): ("819687", "MWh"),
    ("energy.steam.purchased", 2022): ("79318", "t"),
    ("energy.steam.purchased", 2023): ("119186", "t"),
    ("energy.steam.purchased", 2024): ("41225", "t"),
    ("fuel.natural_gas", 2022): ("95983976", "m3"),
    ("fuel.natural_gas", 2023): ("73386298", "m3"),
    ("fuel.natural_gas", 2024): ("69759526", "m3"),
    ("fuel.gasoline", 2022): ("50", "t"),  # printed as "Petroleum"
    ("fuel.gasoline", 2023): ("58", "t"),
    ("fuel.gasoline", 2024): ("44", "t"),
    ("fuel.diesel", 2022): ("944", "t"),
    ("fuel.diesel", 2023): ("1065", "t"),
    ("fuel.diesel", 2024): ("931", "t"),
    ("fuel.coke_oven_gas", 2022): ("27951160", "m3"),
    ("fuel.coke_oven_gas", 2023): ("22052458", "m3"),
    ("fuel.coke_oven_gas", 2024): ("20456292", "m3"),
    ("fuel.raw_coal", 2022): ("91856", "t"),  # printed as "Power Coal"
    ("fuel.raw_coal", 2023): ("102459", "t"),
    ("fuel.raw_coal", 2024): ("90899", "t"),
    ("energy.electricity.green", 2024): ("93750", "MWh"),  # new/renewable energy consumption
    ("water.recycled", 2022): ("6106", "ML"),
    ("water.recycled", 2023): ("6039", "ML"),
    ("water.recycled", 2024): ("8030", "ML"),
    ("air.nox", 2024): ("347.94", "t"),
    ("waste.gypsum.disposed", 2024): ("760000", "t"),
    ("employees.total", 2024): ("9867", "person"),
    ("env.investment", 2024): ("64800", "万元"),  # 0.648 billion yuan
    ("safety.investment", 2024): ("4953.7", "万元"),  # 49.537 million yuan
    ("ohs.investment", 2024): ("306.21", "万元"),  # 3.0621 million yuan
    ("rd.expenditure", 2024): ("160400", "万元"),  # 1.604 billion yuan
}

# Exact decimal conversions from an entity's submission unit to the published unit.
TO_PUBLISHED: dict[tuple[str, str], Decimal] = {
    ("万千瓦时", "MWh"): Decimal(10),  # 1 万千瓦时 = 10,000 kWh = 10 MWh
    ("kWh", "MWh"): Decimal("0.001"),
    ("GWh", "MWh"): Decimal(1000),
    ("万立方米", "m3"): Decimal(10000),
    ("万m3", "m3"): Decimal(10000),
    ("吨", "t"): Decimal(1),
    ("kg", "t"): Decimal("0.001"),
    ("m3", "ML"): Decimal("0.001"),  # 1 ML = 1,000 m3
    ("万立方米", "ML"): Decimal(10),
    ("CNY", "万元"): Decimal("0.0001"),
    ("人", "person"): Decimal(1),
}

DATA_ENTITIES = data_path("entities.csv")
DATA_OBSERVATIONS = data_path("observations.csv")


def _rows(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"))))


def _in_published_unit(row: dict[str, str], unit: str) -> Decimal:
    value = Decimal(row["value"])
    if row["unit"] == unit:
        return value
    return value * TO_PUBLISHED[(row["unit"], unit)]


def test_demo_files_pass_intake_validation_without_warnings() -> None:
    batch = read_files([DATA_ENTITIES, DATA_OBSERVATIONS], [])
    assert len(batch.entities) == len(_rows(DATA_ENTITIES))
    assert len(batch.observations) == len(_rows(DATA_OBSERVATIONS))
    assert list(batch.warnings) == []


def test_illustrative_splits_sum_exactly_to_the_published_totals() -> None:
    sums: dict[tuple[str, int], Decimal] = defaultdict(Decimal)
    for row in _rows(DATA_OBSERVATIONS):
        if row["source"] != "illustrative" or "published group total" not in row["comment"]:
            continue
        key = (row["indicator"], int(row["period"][:4]))
        assert key in PUBLISHED_TOTALS, f"a split of an unknown total: {key}"
        sums[key] += _in_published_unit(row, PUBLISHED_TOTALS[key][1])
    assert set(sums) == set(PUBLISHED_TOTALS)
    for key, (total, _unit) in PUBLISHED_TOTALS.items():
        assert sums[key] == Decimal(total), key


def test_every_row_names_its_source() -> None:
    for row in _rows(DATA_OBSERVATIONS):
        assert row["source"] == "illustrative" or row["source"].startswith(
            "seed: 2024 ESG report, "
        )
        if row["source"] == "illustrative":
            assert row["comment"], "an illustrative value says how it was made"


def test_published_group_figures_sit_on_the_root() -> None:
    by_key = {
        (r["indicator"], r["period"]): r for r in _rows(DATA_OBSERVATIONS) if r["entity"] == "NRE"
    }
    # a few figures straight from the seed, with their printed units
    assert by_key[("energy.intensity.reported", "2024")]["value"] == "919"
    assert by_key[("energy.intensity.reported", "2022")]["value"] == "1175"
    assert by_key[("water.fresh.intensity_reported", "2024")]["value"] == "13.47"
    assert by_key[("board.size", "2024")]["value"] == "14"
    assert by_key[("community.volunteer.hours", "2024")]["value"] == "3128"
    assert by_key[("community.donations", "2024")]["unit"] == "万元"
    assert by_key[("rd.revenue_share", "2024")]["value"] == "5.11"


def test_green_electricity_never_exceeds_purchased_electricity() -> None:
    elec: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    green: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    for row in _rows(DATA_OBSERVATIONS):
        key = (row["entity"], row["period"][:4])
        if row["indicator"] == "energy.electricity.purchased":
            elec[key] += _in_published_unit(row, "MWh")
        elif row["indicator"] == "energy.electricity.green":
            green[key] += _in_published_unit(row, "MWh")
    assert green
    for key, value in green.items():
        assert value <= elec[key], key


@pytest.mark.parametrize(("year", "intensity"), [(2022, 1175), (2023, 997), (2024, 919)])
def test_output_reproduces_the_published_energy_intensity(year: int, intensity: int) -> None:
    """production.reo is back-solved; the energy table at standard factors must give it back.

    Factors (GB/T 2589-2020 Annex A, as in FACTORS.md): electricity 0.1229 kgce/kWh,
    natural gas 1.2143 kgce/m3, gasoline 1.4714, diesel 1.4571, raw coal 0.7143 kgce/kg,
    coke oven gas 0.5714 kgce/m3; steam 2.69326 GJ/t (2777 - 83.74 kJ/kg) x 34.12 kgce/GJ.
    """
    kgce_per_unit = {
        "energy.electricity.purchased": Decimal("122.9"),  # kgce/MWh
        "energy.steam.purchased": Decimal("2.69326") * Decimal("34.12"),  # kgce/t
        "fuel.natural_gas": Decimal("1.2143"),
        "fuel.gasoline": Decimal("1471.4"),  # kgce/t
        "fuel.diesel": Decimal("1457.1"),
        "fuel.coke_oven_gas": Decimal("0.5714"),
        "fuel.raw_coal": Decimal("714.3"),
    }
    kgce = sum(Decimal(PUBLISHED_TOTALS[(code, year)][0]) * f for code, f in kgce_per_unit.items())
    reo = sum(
        Decimal(r["value"])
        for r in _rows(DATA_OBSERVATIONS)
        if r["indicator"] == "production.reo" and r["period"] == str(year)
    )
    # e.g. 2024: 267,276,039 kgce / 290,834 t = 918.999 kgce/tREO
    assert abs(kgce / reo - intensity) < Decimal("0.01")


@pytest.mark.parametrize(("year", "litres"), [(2022, "15.71"), (2023, "13.99"), (2024, "13.47")])
def test_fresh_water_reproduces_the_published_smelting_intensity(year: int, litres: str) -> None:
    rows = [r for r in _rows(DATA_OBSERVATIONS) if r["period"] == str(year)]
    water = {r["entity"]: Decimal(r["value"]) for r in rows if r["indicator"] == "water.fresh"}
    reo = {r["entity"]: Decimal(r["value"]) for r in rows if r["indicator"] == "production.reo"}
    assert set(water) == set(reo) and len(reo) == 7
    assert sum(water.values()) / sum(reo.values()) == Decimal(litres)


def test_entity_tree_and_boundaries() -> None:
    entities = {e.code: e for e in read_files([DATA_ENTITIES], []).entities}
    root = [e for e in entities.values() if e.parent is None]
    assert [e.code for e in root] == ["NRE"]
    assert {e.region for e in entities.values()} >= {
        "CN-NM", "CN-GS", "CN-JX", "CN-ZJ", "CN-SD", "CN-JS", "CN-TJ",
    }  # fmt: skip
    controls = {e.control for e in entities.values()}
    assert controls == {"operational", "financial", "none"}, "the three boundaries differ"
    # an equity-only holding and a joint venture carry data outside the published totals
    codes_with_data = {r["entity"] for r in _rows(DATA_OBSERVATIONS)}
    assert {"ECOTECH", "ZHAOBAO"} <= codes_with_data
    assert entities["ZXAT"].included_from is not None, "the 2024 acquisition"
    zxat = [r for r in _rows(DATA_OBSERVATIONS) if r["entity"] == "ZXAT"]
    assert zxat and all(r["period"] >= "2024-07" for r in zxat)


def test_targets_file_loads_and_names_demo_entities() -> None:
    targets = load_targets(data_path("targets.yaml").read_text(encoding="utf-8"))
    codes = {row[0] for row in entity_rows()}
    assert len(targets) >= 4
    for t in targets:
        assert set(t.entities) <= codes, t.id
        assert t.target_year == 2025
    cap = next(t for t in targets if t.id == "energy-cap-11-key-2025")
    assert (cap.target_value, cap.unit, len(cap.entities)) == (285200, "tce", 11)


def test_indicators_used_by_the_demo_exist() -> None:
    catalogue = load_indicators()
    assert {r["indicator"] for r in _rows(DATA_OBSERVATIONS)} <= set(catalogue)


def test_generator_reproduces_the_shipped_files(tmp_path: Path) -> None:
    ent, obs = write_files(tmp_path)
    assert ent.read_bytes() == DATA_ENTITIES.read_bytes()
    assert obs.read_bytes() == DATA_OBSERVATIONS.read_bytes()
    assert len(observation_rows()) == len(_rows(DATA_OBSERVATIONS))


@given(
    total=st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False),
    weights=st.lists(st.integers(min_value=1, max_value=500), min_size=1, max_size=25),
)
def test_allocate_splits_exactly(total: Decimal, weights: list[int]) -> None:
    parts = allocate(total, weights)
    assert sum(parts) == total
    assert len(parts) == len(weights)
    quantum = Decimal(1).scaleb(min(0, int(total.as_tuple().exponent)))
    wsum = sum(weights)
    for part, w in zip(parts, weights, strict=True):
        assert part >= 0
        # each part is within one quantum of its exact proportional share
        assert abs(part - total * w / wsum) < quantum


def test_allocate_by_hand() -> None:
    # 347.94 t in 3:1 -> 260.955 / 86.985, at two decimals 260.96 / 86.98 (largest remainder)
    assert allocate(Decimal("347.94"), [3, 1]) == [Decimal("260.96"), Decimal("86.98")]
    assert allocate(Decimal(10), [1, 1, 1]) == [Decimal(4), Decimal(3), Decimal(3)]
