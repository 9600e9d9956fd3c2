"""The engine on plain data: consolidation, windows, green electricity, determinism, properties."""

from __future__ import annotations

import math
from datetime import date

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import calc_helpers as H
from esgledger.calc import METRICS, compute
from esgledger.errors import CalcError, NotFoundError
from esgledger.model import Entity, Observation
from esgledger.units import convert


def entities() -> list[Entity]:
    out = []
    for code, en, zh, parent, typ, own, control, region, frm, to in H.ENTITIES:
        out.append(
            Entity(
                code,
                en,
                zh,
                parent or None,
                typ,
                float(own) if own else None,
                control,  # type: ignore[arg-type]
                region,
                date.fromisoformat(frm) if frm else None,
                date.fromisoformat(to) if to else None,
            )
        )
    return out


def observations() -> list[Observation]:
    from esgledger.catalog.indicators import get_indicator

    out = []
    for i, (ent, period, ind, raw, unit, source) in enumerate(H.OBSERVATIONS, start=1):
        canonical = get_indicator(ind).unit
        out.append(
            Observation(
                ent,
                period,
                ind,
                convert(float(raw), unit, canonical),
                canonical,
                raw,
                unit,
                source=source,
                id=i,
            )
        )
    return out


@pytest.mark.parametrize("boundary", ["operational", "financial", "equity"])
@pytest.mark.parametrize("node", ["GRP", "SUBA", "SUBB"])
def test_hand_computed_data_set(boundary, node):
    result = compute(entities(), observations(), boundary=boundary)
    want = H.expected(boundary, node)
    for metric, value in want.items():
        got = result.value(metric, node, 2024).value
        assert got is not None
        assert math.isclose(got, value, rel_tol=1e-4, abs_tol=1e-9), (metric, got, value)


def test_worked_equity_vs_control_example():
    # FACTORS.md / GHG Protocol Table 2 style: a JV 50 % held by an 83 %-owned subsidiary
    # counts 0.83 * 0.50 = 41.5 % under equity share and 50 % under financial control.
    ents = [
        Entity("P", "Parent", "P", None, "group", None, "operational", "CN"),
        Entity("S", "Sub", "S", "P", "subsidiary", 83.0, "financial", "CN"),
        Entity("J", "JV", "J", "S", "jv", 50.0, "financial", "CN"),
    ]
    rows = [Observation("J", "2022", "energy.electricity.purchased", 1000.0, "MWh", "1000", "MWh")]
    equity = compute(ents, rows, boundary="equity").value("ghg.scope2.location", "P", 2022)
    financial = compute(ents, rows, boundary="financial").value("ghg.scope2.location", "P", 2022)
    operational = compute(ents, rows, boundary="operational").value(
        "ghg.scope2.location", "P", 2022
    )
    # 1,000 MWh at the 2022 national factor 0.5366 = 536.6 tCO2
    assert math.isclose(equity.value or 0, 0.415 * 536.6)
    assert math.isclose(financial.value or 0, 0.50 * 536.6)
    assert operational.value == 0  # financial control only: not in the operational boundary
    lineage = compute(ents, rows, boundary="equity").explain("ghg.scope2.location", "P", 2022)
    ent = lineage["lineage"]["entities"][0]
    assert ent["entity"] == "J"
    assert math.isclose(ent["share"], 0.415)
    assert [p["entity"] for p in ent["share_path"]] == ["J", "S"]


def test_windows_in_lineage():
    result = compute(entities(), observations(), boundary="operational")
    data = result.explain("energy.total_tce", "GRP", 2024)
    by_entity = {e["entity"]: e for e in data["lineage"]["entities"]}
    div = by_entity["DIV"]["observations"]
    assert all(
        o["fraction_reason"] == "prorated: 182 of 366 days inside the inclusion window" for o in div
    )
    acq = [o for o in by_entity["ACQ"]["observations"] if o["indicator"] == "fuel.gasoline"]
    inside = [o["period"] for o in acq if o["fraction"] == 1.0]
    outside = [o["period"] for o in acq if o["fraction_reason"] == "outside the inclusion window"]
    assert outside == ["2024-01", "2024-02", "2024-03"]
    assert len(inside) == 9
    assert data["unit"] == "tce"
    assert set(data) >= {"metric", "entity", "period", "boundary", "value", "unit", "lineage"}


def test_annual_row_supersedes_monthly_rows():
    ents = [Entity("E", "E", "E", None, "group", None, "operational", "CN")]
    rows = [Observation("E", "2024", "fuel.diesel", 10.0, "t", "10", "t")]
    rows += [Observation("E", f"2024-{m:02d}", "fuel.diesel", 1.0, "t", "1", "t") for m in (1, 2)]
    r = compute(ents, rows)
    # only the annual 10 t counts: 10 * 1.4571 tce/t
    assert math.isclose(r.value("energy.total_tce", "E", 2024).value or 0, 14.571)
    obs = r.explain("energy.total_tce", "E", 2024)["lineage"]["entities"][0]["observations"]
    assert sorted(o["fraction_reason"] for o in obs)[-1].startswith("superseded")


def test_green_and_self_generated_renewables():
    ents = [Entity("E", "E", "E", None, "group", None, "operational", "CN")]
    rows = [
        Observation("E", "2023", "energy.electricity.purchased", 1000.0, "MWh", "1000", "MWh"),
        Observation("E", "2023", "energy.electricity.green", 400.0, "MWh", "400", "MWh"),
        Observation(
            "E", "2023", "energy.electricity.self_generated_renewable", 100.0, "MWh", "100", "MWh"
        ),
    ]
    r = compute(ents, rows)
    v = {m: r.value(m, "E", 2023).value for m in METRICS if m.startswith(("energy", "ghg.scope2"))}
    # energy: (1000 + 100) MWh * 0.1229 tce/MWh = 135.19 tce; renewable 500 * 0.1229 = 61.45
    assert math.isclose(v["energy.total_tce"] or 0, 135.19)
    assert math.isclose(v["energy.renewable_share"] or 0, 61.45 / 135.19 * 100)
    assert math.isclose(v["energy.total_gj"] or 0, 135.19 * 29.307)
    # location: 1000 * 0.5306 (2023 national); market: (1000 - 400) * 0.6096 (2023 residual)
    assert math.isclose(v["ghg.scope2.location"] or 0, 530.6)
    assert math.isclose(v["ghg.scope2.market"] or 0, 600 * 0.6096)


def test_green_above_purchased_is_clamped_at_zero():
    ents = [Entity("E", "E", "E", None, "group", None, "operational", "CN")]
    rows = [
        Observation("E", "2023", "energy.electricity.purchased", 100.0, "MWh", "100", "MWh"),
        Observation("E", "2023", "energy.electricity.green", 150.0, "MWh", "150", "MWh"),
    ]
    r = compute(ents, rows)
    assert r.value("ghg.scope2.market", "E", 2023).value == 0
    notes = r.explain("ghg.scope2.market", "E", 2023)["lineage"]["entities"][0]["notes"]
    assert any("set to 0" in n for n in notes)


def test_no_residual_factor_falls_back_to_location():
    ents = [Entity("E", "E", "E", None, "group", None, "operational", "CN")]
    rows = [Observation("E", "2020", "energy.electricity.purchased", 10.0, "MWh", "10", "MWh")]
    r = compute(ents, rows)
    # 2020: no residual factor published then or earlier (the first is 2021) -> the grid
    # factor, itself the earliest later year (2021 national 0.5568, MEE/NBS 2024 No. 12)
    assert math.isclose(r.value("ghg.scope2.market", "E", 2020).value or 0, 5.568)
    rows = [Observation("E", "2021", "energy.electricity.purchased", 10.0, "MWh", "10", "MWh")]
    # 2021: national residual 0.5942 (MEE/NBS Announcement 2024 No. 12, national average
    # excluding market-traded non-fossil electricity)
    r = compute(ents, rows)
    assert math.isclose(r.value("ghg.scope2.market", "E", 2021).value or 0, 5.942)


def test_process_mobile_and_scope3():
    ents = [Entity("E", "E", "E", None, "group", None, "operational", "CN")]
    rows = [
        Observation("E", "2024", "process.limestone", 100.0, "t", "100", "t"),
        Observation("E", "2024", "fuel.diesel.mobile", 1.0, "t", "1", "t"),
        Observation("E", "2024", "scope3.cat06.emissions", 12.5, "tCO2e", "12.5", "tCO2e"),
    ]
    from esgledger.catalog.factors import load_factors, read_factor_file

    user = read_factor_file(
        "kind,subject,value,unit,source\nscope3,scope3.cat01.spend,0.5,kgCO2e/CNY,EEIO 2024\n"
    )
    rows.append(Observation("E", "2024", "scope3.cat01.spend", 1_000_000.0, "CNY", "100", "万元"))
    r = compute(ents, rows, load_factors().with_overrides(user))
    val = lambda m: r.value(m, "E", 2024).value or 0  # noqa: E731
    # limestone: 100 t * 0.43971 tCO2/t (CaCO3 stoichiometry, IPCC 2006 Vol. 3 Table 2.1)
    assert math.isclose(val("ghg.scope1.process"), 43.971)
    # road diesel: CO2 3.0959 t/t; CH4 3.9 and N2O 3.9 kg/TJ (IPCC 2006 Table 3.2.2), AR6
    tj = 42.652e-3
    mobile = tj * 20.2 * 0.98 * 44 / 12 + tj * 3.9e-3 * 27.9 + tj * 3.9e-3 * 273
    assert math.isclose(val("ghg.scope1.mobile"), mobile)
    assert math.isclose(val("ghg.scope1"), 43.971 + mobile)
    assert math.isclose(val("ghg.scope1.co2"), 43.971 + tj * 20.2 * 0.98 * 44 / 12)
    # Scope 3: 12.5 reported + 1,000,000 CNY * 0.0005 tCO2e/CNY = 512.5
    assert math.isclose(val("ghg.scope3"), 512.5)
    assert math.isclose(val("ghg.scope3.cat01"), 500.0)
    assert math.isclose(val("ghg.scope3.cat06"), 12.5)


def test_scope3_without_a_factor_is_an_error():
    ents = [Entity("E", "E", "E", None, "group", None, "operational", "CN")]
    rows = [Observation("E", "2024", "scope3.cat04.tkm", 1.0, "tonne*km", "1", "t*km")]
    with pytest.raises(CalcError, match="no scope3 for scope3.cat04.tkm"):
        compute(ents, rows)


def test_intensities_use_the_formula_language():
    result = compute(entities(), observations(), boundary="operational")
    tce = result.value("energy.total_tce", "GRP", 2024).value or 0
    total = result.value("ghg.total.location", "GRP", 2024).value or 0
    # 1,000 t REO at the group
    assert math.isclose(
        result.value("intensity.energy_per_treo", "GRP", 2024).value or 0, tce * 1000 / 1000
    )
    assert math.isclose(
        result.value("intensity.ghg_per_treo", "GRP", 2024).value or 0, total / 1000
    )
    assert result.value("intensity.ghg_per_treo", "SUBA", 2024).value is None  # no output there
    exp = result.explain("intensity.energy_per_treo", "GRP", 2024)
    assert exp["lineage"]["formula"] == "energy.total_tce / production.reo"
    assert exp["unit"] == "kgce/tREO"


def test_determinism_byte_for_byte():
    a = compute(entities(), observations(), boundary="equity")
    b = compute(entities(), list(reversed(observations())), boundary="equity")
    assert a.to_json() == b.to_json()
    assert a.inputs_hash == b.inputs_hash
    c = compute(entities(), observations(), boundary="financial")
    assert c.inputs_hash != a.inputs_hash


def test_frame_input_matches_list_input():
    obs = observations()
    frame = pl.DataFrame(
        {
            "id": [o.id for o in obs],
            "entity": [o.entity for o in obs],
            "period": [o.period for o in obs],
            "indicator": [o.indicator for o in obs],
            "value": [o.value for o in obs],
            "unit": [o.unit for o in obs],
            "raw_value": [o.raw_value for o in obs],
            "raw_unit": [o.raw_unit for o in obs],
            "source": [o.source for o in obs],
        }
    )
    assert compute(entities(), frame).to_json() == compute(entities(), obs).to_json()


def test_errors_name_the_problem():
    ents = entities()
    with pytest.raises(CalcError, match="unknown boundary"):
        compute(ents, observations(), boundary="magic")  # type: ignore[arg-type]
    with pytest.raises(CalcError, match="unknown entities: NOPE"):
        compute(ents, [Observation("NOPE", "2024", "fuel.coke", 1.0, "t", "1", "t")])
    result = compute(ents, observations())
    with pytest.raises(NotFoundError, match="unknown metric"):
        result.value("ghg.scope9", "GRP", 2024)
    with pytest.raises(NotFoundError, match="no energy.total_tce for GRP in 2019"):
        result.value("energy.total_tce", "GRP", 2019)
    cyclic = [
        Entity("A", "A", "A", "B", "x", 100.0, "operational", "CN"),
        Entity("B", "B", "B", "A", "x", 100.0, "operational", "CN"),
    ]
    with pytest.raises(CalcError, match="cycle"):
        compute(cyclic, [])


def test_breakdown_per_source_scope_and_gas():
    result = compute(entities(), observations(), boundary="operational")
    bd = result.breakdown("GRP").filter(pl.col("period") == "2024")
    s2 = bd.filter(pl.col("scope") == "2 location")["value"].sum()
    assert math.isclose(s2, result.value("ghg.scope2.location", "GRP", 2024).value or 0)
    assert set(bd["gas"].unique().to_list()) >= {"CO2", "CH4", "N2O", "tce"}


def test_breakdown_market_rows_add_up_when_green_exceeds_purchased():
    # 2023 national residual factor 0.6096 tCO2/MWh (MEE/NBS); purchased heat 0.11 tCO2/GJ.
    # G: 1,000 MWh purchased -> 1,000 x 0.6096 = 609.6 tCO2.
    # S: 100 MWh purchased, 300 MWh green -> 100 x 0.6096 - 300 x 0.6096 = -121.92 < 0,
    #    clamped to 0; plus 100 GJ heat x 0.11 = 11.0 -> S market-based = 11.0.
    # G consolidated (S 100 %, operational) = 609.6 + 0 + 11.0 = 620.6 tCO2.
    ents = [
        Entity("G", "G", "G", None, "group", None, "operational", "CN"),
        Entity("S", "S", "S", "G", "subsidiary", 100.0, "operational", "CN"),
    ]

    def row(entity: str, indicator: str, value: float, unit: str) -> Observation:
        return Observation(entity, "2023", indicator, value, unit, str(value), unit)

    rows = [
        row("G", "energy.electricity.purchased", 1000.0, "MWh"),
        row("S", "energy.electricity.purchased", 100.0, "MWh"),
        row("S", "energy.electricity.green", 300.0, "MWh"),
        row("S", "energy.heat.purchased", 100.0, "GJ"),
    ]
    result = compute(ents, rows, boundary="operational")
    for entity, expected in (("S", 11.0), ("G", 620.6)):
        metric = result.value("ghg.scope2.market", entity, 2023).value
        assert metric is not None and math.isclose(metric, expected, rel_tol=1e-12)
        bd = result.breakdown(entity).filter(pl.col("scope") == "2 market")
        assert math.isclose(bd["value"].sum(), expected, rel_tol=1e-9), (entity, bd)
    # S's electricity rows: purchased keeps its 60.96, green offsets exactly that much
    bd = result.breakdown("S").filter(pl.col("scope") == "2 market")
    per = dict(zip(bd["source"].to_list(), bd["value"].to_list(), strict=True))
    assert math.isclose(per["energy.electricity.purchased"], 100 * 0.6096, rel_tol=1e-12)
    assert math.isclose(per["energy.electricity.green"], -100 * 0.6096, rel_tol=1e-12)
    # location-based is not clamped: 1,100 MWh x 0.5306 (2023 national) + 11.0 at G
    loc = result.breakdown("G").filter(pl.col("scope") == "2 location")["value"].sum()
    assert math.isclose(loc, 1100 * 0.5306 + 11.0, rel_tol=1e-9)


# --- properties ----------------------------------------------------------------------


@settings(max_examples=40, deadline=None)
@given(
    parents=st.lists(st.integers(0, 10), min_size=1, max_size=6),
    amounts=st.lists(st.floats(0, 1e6), min_size=7, max_size=7),
)
def test_equity_never_exceeds_operational_in_a_fully_owned_operational_tree(parents, amounts):
    ents = [Entity("E0", "root", "root", None, "group", None, "operational", "CN")]
    for i, p in enumerate(parents, start=1):
        ents.append(
            Entity(f"E{i}", "e", "e", f"E{p % i}", "subsidiary", 100.0, "operational", "CN-NM")
        )
    rows = [
        Observation(e.code, "2023", "fuel.raw_coal", a, "t", str(a), "t")
        for e, a in zip(ents, amounts, strict=False)
    ]
    eq = compute(ents, rows, boundary="equity").value("ghg.scope1", "E0", 2023).value or 0
    op = compute(ents, rows, boundary="operational").value("ghg.scope1", "E0", 2023).value or 0
    assert eq <= op * (1 + 1e-12) + 1e-9
    assert math.isclose(eq, op, rel_tol=1e-9, abs_tol=1e-6)  # 100 % owned: the same


@settings(max_examples=40, deadline=None)
@given(
    owns=st.lists(st.floats(0, 100), min_size=1, max_size=5),
    amount=st.floats(1, 1e6),
)
def test_equity_share_is_the_product_of_ownership(owns, amount):
    ents = [Entity("E0", "root", "root", None, "group", None, "operational", "CN")]
    for i, own in enumerate(owns, start=1):
        ents.append(Entity(f"E{i}", "e", "e", f"E{i - 1}", "sub", own, "operational", "CN"))
    leaf = ents[-1].code
    rows = [Observation(leaf, "2023", "energy.heat.purchased", amount, "GJ", str(amount), "GJ")]
    got = compute(ents, rows, boundary="equity").value("ghg.scope2.location", "E0", 2023).value
    expected = amount * 0.11 * math.prod(o / 100 for o in owns)
    assert got is not None
    assert math.isclose(got, expected, rel_tol=1e-9, abs_tol=1e-9)
    op = compute(ents, rows, boundary="operational").value("ghg.scope2.location", "E0", 2023)
    assert got <= (op.value or 0) + 1e-9


# MWh per unit, by hand: 1 kWh = 0.001 MWh, 1 GWh = 1,000 MWh, 1 万千瓦时 = 10^4 kWh = 10 MWh
_MWH_PER = {"kWh": 1e-3, "MWh": 1.0, "GWh": 1e3, "万千瓦时": 10.0, "兆瓦时": 1.0}


@settings(max_examples=30, deadline=None)
@given(amount=st.floats(0.001, 1e6), unit=st.sampled_from(sorted(_MWH_PER)))
def test_unit_invariance(amount, unit):
    ents = [Entity("E", "E", "E", None, "group", None, "operational", "CN-NM")]
    mwh = convert(amount, unit, "MWh")
    assert math.isclose(mwh, amount * _MWH_PER[unit], rel_tol=1e-12)
    via = [Observation("E", "2022", "energy.electricity.purchased", mwh, "MWh", str(amount), unit)]
    a = compute(ents, via).value("ghg.scope2.location", "E", 2022).value
    # 2022 Inner Mongolia 0.6849 tCO2/MWh (MEE/NBS), applied to the hand-converted MWh
    assert math.isclose(a or 0, amount * _MWH_PER[unit] * 0.6849, rel_tol=1e-11, abs_tol=1e-12)


@pytest.mark.parametrize("boundary", ["operational", "financial", "equity"])
def test_every_metric_explains_and_adds_up(boundary):
    result = compute(entities(), observations(), boundary=boundary)
    for mv in result.values:
        if mv.entity != "GRP":
            continue
        data = result.explain(mv.metric, "GRP", 2024)
        assert data["value"] == mv.value
        lineage = data["lineage"]
        if METRICS[mv.metric].column is None:
            assert lineage["formula"] and lineage["inputs"]
            continue
        if mv.value is None:  # absent (energy.total_tce.equal without a factor): no sum
            continue
        total = sum(e["consolidated"] for e in lineage["entities"])
        assert math.isclose(total, mv.value or 0, rel_tol=1e-9, abs_tol=1e-9), mv.metric
        for ent in lineage["entities"]:
            own = sum(o["contribution"] for o in ent["observations"])
            assert math.isclose(own, ent["value"], rel_tol=1e-9, abs_tol=1e-9), mv.metric


def test_a_year_without_observations_gives_an_empty_run():
    # regression: an empty selection once crashed inside polars (a String "year" column)
    run = compute(entities(), observations(), periods=[1999])
    assert run.values == ()
    assert run.frame().height == 0
    empty = compute(entities(), [], periods=[2024])
    assert empty.values == ()


def test_engine_packages_import_no_storage_or_adapters():
    # DESIGN.md: calc and quality take plain data; only store speaks SQL; cli/web/report are
    # callers, never callees (esgledger.services reads the ledger; see also test_layering.py).
    import subprocess
    import sys

    code = (
        "import sys\n"
        "import esgledger.calc, esgledger.calc.targets, esgledger.calc.formula\n"
        "import esgledger.quality, esgledger.catalog.factors\n"
        "bad = ('sqlalchemy', 'psycopg', 'esgledger.store', 'esgledger.cli', 'esgledger.web',\n"
        "       'esgledger.report', 'esgledger.services')\n"
        "print(sorted(m for m in sys.modules if m.startswith(bad)))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"
