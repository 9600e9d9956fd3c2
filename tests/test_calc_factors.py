"""Factor library: the worked checks of FACTORS.md, provenance, selection rule, user files."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from esgledger.calc import compute
from esgledger.catalog.factors import (
    FACTOR_COLUMNS,
    Factor,
    canonical_unit,
    load_factors,
    read_factor_file,
    region_chain,
)
from esgledger.errors import CalcError, ValidationError
from esgledger.model import Entity, Observation
from esgledger.units import convert

CO2_PER_C = 44 / 12


def one_entity(region: str = "CN") -> list[Entity]:
    return [Entity("E", "E", "E", None, "group", None, "operational", region)]


def obs(entity: str, period: str, indicator: str, value: float, unit: str) -> Observation:
    return Observation(entity, period, indicator, value, unit, str(value), unit, source="test")


def scope(metric: str, observations: list[Observation], region: str = "CN") -> float:
    result = compute(one_entity(region), observations)
    period = observations[0].period[:4]
    value = result.value(metric, "E", period).value
    assert value is not None
    return value


# --- FACTORS.md worked checks -------------------------------------------------------


def test_diesel_1000_kg_is_3_0959_tco2():
    # 1,000 kg = 1 t diesel; NCV 42.652 GJ/t, carbon 20.20 tC/TJ, oxidation 0.98 (China
    # enterprise GHG guidelines): 1 * 0.042652 TJ * 20.20 * 0.98 * 44/12 = 3.0959 tCO2
    expected = 1 * 42.652e-3 * 20.20 * 0.98 * CO2_PER_C
    assert math.isclose(expected, 3.0959, rel_tol=5e-5)
    got = scope("ghg.scope1.co2", [obs("E", "2024", "fuel.diesel", 1.0, "t")])
    assert math.isclose(got, expected, rel_tol=1e-9)


def test_natural_gas_10000_m3_is_21_622_tco2():
    # 10,000 m3 = 1 x 10^4 m3; NCV 389.31 GJ/10^4 m3, carbon 15.30 tC/TJ, oxidation 0.99:
    # 0.38931 TJ * 15.30 * 0.99 * 44/12 = 21.622 tCO2
    expected = 0.38931 * 15.30 * 0.99 * CO2_PER_C
    assert math.isclose(expected, 21.622, rel_tol=5e-5)
    got = scope("ghg.scope1.co2", [obs("E", "2024", "fuel.natural_gas", 10_000.0, "m3")])
    assert math.isclose(got, expected, rel_tol=1e-9)


def test_1000_mwh_at_2022_national_is_536_6_tco2():
    # MEE/NBS 2022 national grid factor 0.5366 tCO2/MWh: 1,000 * 0.5366 = 536.6
    got = scope(
        "ghg.scope2.location",
        [obs("E", "2022", "energy.electricity.purchased", 1000.0, "MWh")],
        region="CN",
    )
    assert math.isclose(got, 536.6, rel_tol=1e-12)


def test_100_gj_heat_is_11_tco2():
    # purchased heat 0.11 tCO2/GJ: 100 * 0.11 = 11
    got = scope("ghg.scope2.location", [obs("E", "2024", "energy.heat.purchased", 100.0, "GJ")])
    assert math.isclose(got, 11.0, rel_tol=1e-12)
    market = scope("ghg.scope2.market", [obs("E", "2024", "energy.heat.purchased", 100.0, "GJ")])
    assert math.isclose(market, 11.0, rel_tol=1e-12)


def test_steam_by_enthalpy_method():
    # (2777 - 83.74) kJ/kg = 2.69326 GJ/t; 10 t -> 26.9326 GJ
    # energy: 26.9326 GJ * 0.03412 tce/GJ (0.03412 kgce/MJ) = 0.918940 tce
    # Scope 2: 26.9326 GJ * 0.11 tCO2/GJ = 2.962586 tCO2
    rows = [obs("E", "2024", "energy.steam.purchased", 10.0, "t")]
    gj = 10 * (2777 - 83.74) / 1000
    assert math.isclose(scope("energy.total_tce", rows), gj * 0.03412, rel_tol=1e-12)
    assert math.isclose(scope("ghg.scope2.location", rows), gj * 0.11, rel_tol=1e-12)
    legacy = compute(one_entity(), rows, steam_method="table")
    # legacy table: 0.1286 kgce/kg -> 10 t * 0.1286 = 1.286 tce
    assert math.isclose(legacy.value("energy.total_tce", "E", 2024).value or 0, 1.286)


@pytest.mark.parametrize(
    ("fuel", "per_unit", "expected"),
    [
        # derived CO2 factors of FACTORS.md: NCV * carbon content * oxidation * 44/12
        ("fuel.raw_coal", 1.0, 1.9003),
        ("fuel.coke", 1.0, 2.8604),
        ("fuel.gasoline", 1.0, 2.9251),
        ("fuel.diesel", 1.0, 3.0959),
        ("fuel.natural_gas", 1e4, 21.622),
        ("fuel.coke_oven_gas", 1e4, 8.864),
    ],
)
def test_derived_co2_factors_match_the_reference_table(fuel, per_unit, expected):
    fs = load_factors()
    sel = {
        k: fs.select(k, (fuel,), entity="", region="CN", year=2024)
        for k in ("ncv", "carbon_content", "oxidation")
    }
    assert all(s is not None for s in sel.values())
    ncv = sel["ncv"].factor.canonical_value()  # GJ per canonical unit (t or m3)
    derived = ncv * per_unit / 1000 * sel["carbon_content"].factor.value
    derived *= sel["oxidation"].factor.value * CO2_PER_C
    assert math.isclose(derived, expected, rel_tol=2e-4)


def test_electricity_equivalent_value_and_gwp_sets():
    fs = load_factors()
    elec = fs.select("tce", ("energy.electricity",), entity="", region="", year=2024)
    assert elec is not None
    # GB/T 2589-2020 tabulates 0.1229 kgce/kWh: 860 kcal/kWh / 7000 kcal/kgce = 0.122857.
    # (The strict 3600 kJ / 29307 kJ = 0.122837 rounds to 0.1228; the table value is used.)
    assert elec.factor.value == 0.1229
    assert round(860 / 7000, 4) == 0.1229
    assert math.isclose(elec.factor.canonical_value(), 0.1229)  # tce/MWh
    gwp = {f.subject: f.value for f in fs.search(kind="gwp")}
    assert (gwp["AR6.CH4"], gwp["AR6.N2O"]) == (27.9, 273)
    assert (gwp["AR5.CH4"], gwp["AR5.N2O"]) == (28, 265)
    assert (gwp["AR4.CH4"], gwp["AR4.N2O"]) == (25, 298)


def test_gwp_set_changes_ch4_and_n2o():
    # 1 t coal: 0.020908 TJ; CH4 10 kg/TJ and N2O 1.5 kg/TJ (IPCC 2006 Table 2.3)
    rows = [obs("E", "2024", "fuel.raw_coal", 1.0, "t")]
    tj = 20.908e-3
    for gwp, (g_ch4, g_n2o) in {"AR6": (27.9, 273), "AR5": (28, 265), "AR4": (25, 298)}.items():
        r = compute(one_entity(), rows, gwp=gwp)
        assert math.isclose(r.value("ghg.scope1.ch4", "E", 2024).value or 0, tj * 0.010 * g_ch4)
        assert math.isclose(r.value("ghg.scope1.n2o", "E", 2024).value or 0, tj * 0.0015 * g_n2o)
    with pytest.raises(CalcError, match="unknown GWP set"):
        compute(one_entity(), rows, gwp="AR3")


# --- provenance and selection ------------------------------------------------------


def test_every_default_row_has_provenance():
    fs = load_factors()
    assert len(fs) > 100
    for f in fs.factors:
        assert f.source, f.id
        assert f.confidence in {"high", "medium", "low"}, f.id
        if canonical_unit(f.kind, f.subject) is not None:
            f.canonical_value()  # the unit converts
    ids = [f.id for f in fs.factors]
    assert len(ids) == len(set(ids))


@pytest.mark.parametrize(
    ("region", "year", "value", "why"),
    [
        ("CN-NM", 2022, 0.6849, "province CN-NM for 2022"),
        ("CN-NM", 2024, 0.6849, "latest earlier year 2022"),  # 2023 not published
        # Tibet has no provincial row in the MEE/NBS annexes: its regional grid (2023: 0.2472)
        ("CN-XZ", 2023, 0.2472, "regional grid CN-GRID-SW"),
        ("CN-JS", 2023, 0.5978, "latest earlier year 2022"),  # 2023 provinces not shipped
        ("CN-JX", 2023, 0.5752, "latest earlier year 2022"),  # province before region
        ("CN-GS", 2024, 0.4772, "latest earlier year 2022"),  # Gansu 2022 (annex of 2024-12)
        ("CN", 2021, 0.5568, "national"),
        ("CN-NM", 2019, 0.7025, "earliest later year 2021"),
    ],
)
def test_grid_selection_rule(region, year, value, why):
    sel = load_factors().select(
        "grid", ("energy.electricity",), entity="X", region=region, year=year
    )
    assert sel is not None
    assert sel.factor.value == value
    assert why in sel.reason


def test_region_chain_maps_provinces_to_grids():
    assert region_chain("CN-NM") == ("CN-NM", "CN-GRID-N", "CN", "")
    assert region_chain("CN-GD") == ("CN-GD", "CN-GRID-S", "CN", "")
    assert region_chain("US") == ("US", "")
    # lower case and the older GB/T 2260 numeric codes are understood
    assert region_chain("cn-nm") == region_chain("CN-15") == region_chain("CN-NM")
    assert region_chain("CN-36")[:2] == ("CN-JX", "CN-GRID-C")


def test_missing_grid_factor_is_a_calc_error_naming_the_region():
    rows = [obs("E", "2024", "energy.electricity.purchased", 1.0, "MWh")]
    with pytest.raises(CalcError, match=r"entity E \(region US\), 2024: no grid") as err:
        compute(one_entity("US"), rows)
    # a grid factor is regional: the example row fills region, not entity
    assert "grid,energy.electricity,US,,2024,2024,VALUE,tCO2/MWh," in str(err.value.hint or "")


def test_kerosene_1000_kg_end_to_end():
    # 1,000 kg = 1 t kerosene. China enterprise GHG guidelines (liquid fuels, default table):
    # NCV 43.070 GJ/t, carbon content 19.60 tC/TJ, oxidation 0.98.
    # CO2 = 1 t x 43.070 GJ/t x 19.60 tC/TJ / 1000 x 0.98 x 44/12
    #     = 0.04307 TJ x 19.60 x 0.98 x 3.666667 = 3.03338 tCO2
    co2 = 1 * 43.070 * 19.60 / 1000 * 0.98 * 44 / 12
    assert math.isclose(co2, 3.03338, rel_tol=1e-5)
    # IPCC 2006 Table 2.3, oil products: CH4 3 kg/TJ, N2O 0.6 kg/TJ; AR6 GWP 27.9 / 273
    tj = 43.070 / 1000
    ch4e = tj * 3 / 1000 * 27.9
    n2oe = tj * 0.6 / 1000 * 273
    # GB/T 2589-2020 Annex A: 1.4714 kgce/kg -> 1,000 kg = 1.4714 tce
    tonnes = convert(1000.0, "kg", "t")  # the catalogue unit of fuel.kerosene is t
    assert tonnes == 1.0
    rows = [Observation("E", "2024", "fuel.kerosene", tonnes, "t", "1000", "kg", "test")]
    result = compute(one_entity(), rows)
    assert math.isclose(result.value("ghg.scope1.co2", "E", 2024).value or 0, co2, rel_tol=1e-9)
    got_s1 = result.value("ghg.scope1", "E", 2024).value or 0
    assert math.isclose(got_s1, co2 + ch4e + n2oe, rel_tol=1e-9)
    assert got_s1 > co2  # CH4 and N2O are counted
    assert math.isclose(result.value("energy.total_tce", "E", 2024).value or 0, 1.4714)


def test_washed_coal_without_combustion_factors_names_fuel_entity_and_the_fix():
    # washed clean coal has a GB/T 2589-2020 standard-coal factor (0.9000 kgce/kg) and IPCC
    # CH4/N2O, but no default NCV / carbon content / oxidation: the user must import them.
    ents = [
        Entity("G", "G", "G", None, "group", None, "operational", "CN-NM"),
        Entity("S1", "S1", "S1", "G", "subsidiary", 100.0, "operational", "CN-NM"),
    ]
    rows = [
        obs("S1", "2024", "fuel.washed_coal", 5.0, "t"),
        obs("G", "2024", "fuel.diesel", 1, "t"),
    ]
    with pytest.raises(CalcError) as err:
        compute(ents, rows)
    msg, hint = str(err.value), str(err.value.hint or "")
    for kind in ("ncv", "carbon_content", "oxidation"):
        assert f"entity S1 (region CN-NM), 2024: no {kind} for fuel.washed_coal" in msg
    assert "ch4 for" not in msg and "n2o for" not in msg and "entity G " not in msg
    assert "esgledger factors import FILE" in hint
    example = "ncv,fuel.washed_coal,,S1,2024,2024,VALUE,GJ/t,"
    assert example in hint
    # the example row, once filled in, is a valid factor file that fixes the run
    header = "kind,subject,region,entity,year_from,year_to,value,unit,source\n"
    text = header + "\n".join(
        [
            example + "lab report",
            "carbon_content,fuel.washed_coal,,S1,2024,2024,25.0,t/TJ,lab report",
            "oxidation,fuel.washed_coal,,S1,2024,2024,0.93,1,lab report",
        ]
    ).replace("VALUE", "26.0")
    fs = load_factors().with_overrides(read_factor_file(text, known_entities={"G", "S1"}))
    got = compute(ents, rows, fs).value("ghg.scope1.co2", "S1", 2024).value or 0
    # 5 t x 26.0 GJ/t = 0.130 TJ x 25.0 tC/TJ x 0.93 x 44/12
    assert math.isclose(got, 5 * 26.0 / 1000 * 25.0 * 0.93 * CO2_PER_C, rel_tol=1e-9)


def test_user_override_per_entity_and_year():
    # a measured NCV of 43.0 GJ/t for E's diesel in 2024 only
    text = (
        "kind,subject,entity,year_from,year_to,value,unit,source\n"
        "ncv,fuel.diesel,E,2024,2024,43.0,GJ/t,lab report 2024-17\n"
    )
    fs = load_factors().with_overrides(read_factor_file(text, known_entities={"E"}))
    rows = [obs("E", "2024", "fuel.diesel", 1.0, "t"), obs("E", "2023", "fuel.diesel", 1.0, "t")]
    r = compute(one_entity(), rows, fs)
    assert math.isclose(
        r.value("ghg.scope1.co2", "E", 2024).value or 0, 43.0e-3 * 20.2 * 0.98 * CO2_PER_C
    )
    assert math.isclose(
        r.value("ghg.scope1.co2", "E", 2023).value or 0, 42.652e-3 * 20.2 * 0.98 * CO2_PER_C
    )
    factors = r.explain("ghg.scope1.co2", "E", 2024)["lineage"]["entities"][0]["observations"][0][
        "factors"
    ]
    ncv = next(f for f in factors if f["role"] == "net calorific value")
    assert ncv["origin"] == "user"
    assert ncv["source"] == "lab report 2024-17"
    assert "user factor for entity E" in ncv["why"]
    assert fs.version != load_factors().version


def test_bad_factor_file_lists_every_problem():
    text = (
        "kind,subject,entity,year_from,year_to,value,unit\n"
        "ncv,fuel.diesel,E,2024,2024,abc,GJ/t\n"  # row 2: value
        "grid,energy.electricity,NOPE,,,0.5,tCO2/MWh\n"  # row 3: entity
        "magic,fuel.diesel,,,,1,t\n"  # row 4: kind
        "ncv,fuel.diesel,,2025,2024,42,GJ/t\n"  # row 5: years
        "ncv,fuel.diesel,,,,42,kg\n"  # row 6: unit of the wrong dimension
        "scope3,not.an.indicator,,,,1,tCO2e/t\n"  # row 7: subject
    )
    with pytest.raises(ValidationError) as info:
        read_factor_file(text, file="f.csv", known_entities={"E"})
    got = {(p.row, p.column) for p in info.value.problems}
    assert got == {
        (2, "value"),
        (3, "entity"),
        (4, "kind"),
        (5, "year_to"),
        (6, "unit"),
        (7, "subject"),
    }
    assert "nothing was written" in str(info.value)


def test_factor_file_needs_the_required_columns():
    with pytest.raises(ValidationError, match="column named 'unit'"):
        read_factor_file("kind,subject,value\nncv,fuel.diesel,1\n")


def test_factor_columns_are_the_data_file_columns():
    assert FACTOR_COLUMNS[:4] == ("kind", "subject", "region", "entity")
    f = Factor("ncv", "fuel.diesel", 1.0, "GJ/t", entity="E", year_from=2024, year_to=2024)
    assert f.id == "ncv:fuel.diesel:entity=E:2024-2024"
    assert f.to_dict()["id"] == f.id


@settings(max_examples=30, deadline=None)
@given(
    kg_per_cny=st.floats(1e-4, 10),
    unit=st.sampled_from(["kgCO2e/CNY", "tCO2e/CNY", "kgCO2e/万元", "tCO2e/亿元"]),
)
def test_user_factor_unit_invariance(kg_per_cny, unit):
    # the same spend factor written in four units gives the same Scope 3 figure
    value = convert(kg_per_cny, "kgCO2e/CNY", unit)
    text = f"kind,subject,value,unit\nscope3,scope3.cat02.spend,{value!r},{unit}\n"
    fs = load_factors().with_overrides(read_factor_file(text))
    rows = [obs("E", "2024", "scope3.cat02.spend", 1_000_000.0, "CNY")]
    got = compute(one_entity(), rows, fs).value("ghg.scope3.cat02", "E", 2024).value
    # 1,000,000 CNY x kg_per_cny kgCO2e/CNY / 1000 = tCO2e
    assert got is not None
    assert math.isclose(got, 1000 * kg_per_cny, rel_tol=1e-9)


def test_entity_steam_enthalpy_override():
    # E's steam at 2,950 kJ/kg: (2950 - 83.74) / 1000 = 2.86626 GJ/t; 10 t -> 28.6626 GJ
    text = "kind,subject,entity,value,unit\nsteam_enthalpy,energy.steam.purchased,E,2950,kJ/kg\n"
    fs = load_factors().with_overrides(read_factor_file(text, known_entities={"E"}))
    rows = [obs("E", "2024", "energy.steam.purchased", 10.0, "t")]
    r = compute(one_entity(), rows, fs)
    gj = 10 * (2950 - 83.74) / 1000
    assert math.isclose(r.value("ghg.scope2.location", "E", 2024).value or 0, gj * 0.11)
    assert math.isclose(r.value("energy.total_tce", "E", 2024).value or 0, gj * 0.03412)


def test_bad_periods_are_calc_errors():
    for bad in ("2024-13", "24", "2024-1", "2024/03"):
        with pytest.raises(CalcError, match="bad period"):
            compute(one_entity(), [obs("E", bad, "fuel.coke", 1.0, "t")])


# --- every default value against the reference sheet (FACTORS.md), typed by hand -------------

# GB/T 2589-2020 Annex A, kgce per kg / per m3 / per kWh / per MJ
_REF_TCE = {
    "fuel.raw_coal": (0.7143, "kgce/kg"),
    "fuel.washed_coal": (0.9000, "kgce/kg"),
    "fuel.coke": (0.9714, "kgce/kg"),
    "fuel.crude_oil": (1.4286, "kgce/kg"),
    "fuel.fuel_oil": (1.4286, "kgce/kg"),
    "fuel.gasoline": (1.4714, "kgce/kg"),
    "fuel.kerosene": (1.4714, "kgce/kg"),
    "fuel.diesel": (1.4571, "kgce/kg"),
    "fuel.lpg": (1.7143, "kgce/kg"),
    "fuel.refinery_dry_gas": (1.5714, "kgce/kg"),
    "fuel.natural_gas": (1.2143, "kgce/m3"),
    "fuel.coke_oven_gas": (0.5714, "kgce/m3"),
    "energy.electricity": (0.1229, "kgce/kWh"),
    "energy.heat": (0.03412, "kgce/MJ"),
    "energy.steam.purchased": (0.1286, "kgce/kg"),  # legacy table (secondary source)
}
# China enterprise GHG accounting guidelines: NCV (GJ/t or GJ/10^4 m3), tC/TJ, oxidation
_REF_FUELS = {
    "fuel.raw_coal": (20.908, 26.37, 0.94),
    "fuel.coke": (28.435, 29.50, 0.93),
    "fuel.gasoline": (43.070, 18.90, 0.98),
    "fuel.diesel": (42.652, 20.20, 0.98),
    "fuel.natural_gas": (389.31, 15.30, 0.99),  # per 10^4 m3
    "fuel.coke_oven_gas": (179.81, 13.58, 0.99),  # per 10^4 m3
}
# Combustion defaults that are NOT in FACTORS.md: China enterprise GHG guidelines' default
# table as commonly tabulated; shipped with medium confidence and a "verify" note.
_NOT_IN_SHEET_FUELS = {
    "fuel.fuel_oil": (41.816, 21.10, 0.98),
    "fuel.lpg": (50.179, 17.20, 0.98),
    "fuel.kerosene": (43.070, 19.60, 0.98),  # liquid fuels
}
# MEE/NBS location-based grid factors, tCO2/MWh, (2021, 2022, 2023); None = not published
_REF_GRID = {
    "CN": (0.5568, 0.5366, 0.5306),
    "CN-GRID-N": (0.7120, 0.6776, 0.6361),
    "CN-GRID-NE": (0.6012, 0.5564, 0.5122),
    "CN-GRID-E": (0.5992, 0.5617, 0.5500),
    "CN-GRID-C": (0.5354, 0.5395, 0.5271),
    "CN-GRID-NW": (0.5951, 0.5857, 0.5543),
    "CN-GRID-S": (0.4326, 0.3869, 0.4042),
    "CN-GRID-SW": (0.2113, 0.2268, 0.2472),
    # provinces: MEE/NBS Announcement 2024 No. 12 (2021 factors, 2024-04-12) and the
    # announcement of 2024-12-20 (2022 factors); no 2023 provincial table shipped; no Tibet row
    "CN-BJ": (0.5688, 0.558, None),
    "CN-TJ": (0.7355, 0.7041, None),
    "CN-HE": (0.7901, 0.7252, None),
    "CN-SX": (0.7222, 0.7096, None),
    "CN-NM": (0.7025, 0.6849, None),
    "CN-SD": (0.6838, 0.641, None),
    "CN-LN": (0.5876, 0.5626, None),
    "CN-JL": (0.5629, 0.4932, None),
    "CN-HL": (0.6342, 0.5368, None),
    "CN-SH": (0.5834, 0.5849, None),
    "CN-JS": (0.6451, 0.5978, None),
    "CN-ZJ": (0.5422, 0.5153, None),
    "CN-AH": (0.7075, 0.6782, None),
    "CN-FJ": (0.4711, 0.4092, None),
    "CN-JX": (0.5835, 0.5752, None),
    "CN-HA": (0.6369, 0.6058, None),
    "CN-HB": (0.3672, 0.4364, None),
    "CN-HN": (0.5138, 0.49, None),
    "CN-GD": (0.4715, 0.4403, None),
    "CN-GX": (0.5154, 0.4044, None),
    "CN-HI": (0.4524, 0.4184, None),
    "CN-CQ": (0.4743, 0.5227, None),
    "CN-SC": (0.1255, 0.1404, None),  # the example: Sichuan 2022 0.1404
    "CN-GZ": (0.5182, 0.4989, None),
    "CN-YN": (0.1235, 0.1073, None),  # the example: Yunnan 2022 0.1073
    "CN-SN": (0.6336, 0.6558, None),
    "CN-GS": (0.4955, 0.4772, None),
    "CN-QH": (0.1326, 0.1567, None),
    "CN-NX": (0.6546, 0.6423, None),
    "CN-XJ": (0.6577, 0.6231, None),
}


def _default(kind: str, subject: str, region: str = "", year: int | None = None) -> Factor:
    found = [
        f
        for f in load_factors().factors
        if f.kind == kind and f.subject == subject and f.region == region and f.year_from == year
    ]
    assert len(found) == 1, (kind, subject, region, year, found)
    return found[0]


def test_default_values_match_the_reference_sheet():
    for subject, (value, unit) in _REF_TCE.items():
        f = _default("tce", subject)
        assert f.value == value, subject
        assert math.isclose(convert(1.0, f.unit, unit), 1.0), (subject, f.unit)
    for subject, (ncv, carbon, oxidation) in _REF_FUELS.items():
        per = "GJ/(1e4*m**3)" if subject.endswith("gas") else "GJ/t"
        assert (_default("ncv", subject).value, _default("ncv", subject).unit) == (ncv, per)
        assert _default("carbon_content", subject).value == carbon, subject
        assert _default("oxidation", subject).value == oxidation, subject
    for subject, (ncv, carbon, oxidation) in _NOT_IN_SHEET_FUELS.items():
        rows = [_default(k, subject) for k in ("ncv", "carbon_content", "oxidation")]
        assert [f.value for f in rows] == [ncv, carbon, oxidation], subject
        for f in rows:
            assert f.confidence == "medium" and "verify" in f.note, f.id
            assert f.source.startswith("China enterprise GHG accounting"), f.id
    # no combustion default that is neither in the sheet nor listed above (washed coal has none)
    for kind in ("ncv", "carbon_content", "oxidation"):
        subjects = {f.subject for f in load_factors().search(kind=kind)}
        assert subjects == set(_REF_FUELS) | set(_NOT_IN_SHEET_FUELS), kind
    published = set()
    for region, values in _REF_GRID.items():
        for year, value in zip((2021, 2022, 2023), values, strict=True):
            if value is None:
                continue
            f = _default("grid", "energy.electricity", region, year)
            assert (f.value, f.year_to) == (value, year), (region, year)
            published.add((region, year))
    rows = {(f.region, f.year_from) for f in load_factors().search(kind="grid")}
    assert rows == published  # no grid row that the sheet does not have
    # residual mix 2022 0.5856, 2023 0.6096; heat 0.11 tCO2/GJ; steam 2,777 and 83.74 kJ/kg
    assert _default("residual", "energy.electricity", "CN", 2021).value == 0.5942
    assert _default("residual", "energy.electricity", "CN", 2022).value == 0.5856
    assert _default("residual", "energy.electricity", "CN", 2023).value == 0.6096
    assert _default("heat", "energy.heat").value == 0.11
    assert _default("steam_enthalpy", "energy.steam.purchased").value == 2777
    assert _default("steam_feedwater", "energy.steam.purchased").value == 83.74
    # IPCC 2006 Vol. 2 Table 2.3, kg/TJ: coal 10 / 1.5, oil products 3 / 0.6, gas 1 / 0.1
    for subject, (ch4, n2o) in {
        "fuel.raw_coal": (10, 1.5),
        "fuel.coke": (10, 1.5),
        "fuel.gasoline": (3, 0.6),
        "fuel.diesel": (3, 0.6),
        "fuel.fuel_oil": (3, 0.6),
        "fuel.kerosene": (3, 0.6),
        "fuel.washed_coal": (10, 1.5),
        "fuel.natural_gas": (1, 0.1),
        "fuel.coke_oven_gas": (1, 0.1),
    }.items():
        assert (_default("ch4", subject).value, _default("n2o", subject).value) == (ch4, n2o)
        assert _default("ch4", subject).unit == "kg/TJ"
