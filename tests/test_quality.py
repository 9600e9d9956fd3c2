"""Tests for the data-quality checks (esgledger.quality), each on a tiny hand-built data set."""

from __future__ import annotations

from datetime import date

import pytest

from esgledger.catalog.indicators import load_indicators
from esgledger.model import Entity, Observation
from esgledger.quality import CheckConfig, Finding, finding_id, run_checks, summarize

IND = load_indicators()


def ent(code: str, parent: str | None = "G", **kw: object) -> Entity:
    return Entity(code, code, code, parent, "subsidiary", 100.0, "operational", "CN-NM", **kw)  # type: ignore[arg-type]


def obs(entity: str, period: str, code: str, value: float, comment: str = "") -> Observation:
    unit = IND[code].unit
    return Observation(entity, period, code, value, unit, str(value), unit, "test", comment)


ENTS = [ent("G", None), ent("A"), ent("B")]
NO_PEERS = CheckConfig(peer_metrics={})


def run(rows: list[Observation], entities: list[Entity] = ENTS, **kw: object) -> list[Finding]:
    kw.setdefault("config", NO_PEERS)
    return run_checks(rows, entities, IND, **kw)  # type: ignore[arg-type]


def only(findings: list[Finding], check: str) -> list[Finding]:
    return [f for f in findings if f.check == check]


def peer_run(ratios: dict[str, float], reo: float) -> list[Finding]:
    """Run every check (peers on) over entities under G with ``reo`` t of output each and
    ``reo`` × ratio MWh of purchased electricity (the peer metric electricity per t REO)."""
    ents = [ent("G", None)] + [ent(c) for c in ratios]
    rows = []
    for code, r in ratios.items():
        rows.append(obs(code, "2024", "production.reo", reo))
        rows.append(obs(code, "2024", "energy.electricity.purchased", reo * r))
    return run(rows, ents, config=CheckConfig())


def test_clean_data_has_no_findings() -> None:
    rows = [
        obs("A", "2023", "water.fresh", 100.0),
        obs("A", "2024", "water.fresh", 110.0),  # +10 %, within ±30 %
    ]
    assert run(rows) == []


def test_yoy_change_beyond_threshold() -> None:
    # the seed's purchased steam: 119,186 t (2023) → 41,225 t (2024)
    # change = (41,225 - 119,186) / 119,186 = -77,961 / 119,186 = -65.41 %
    rows = [
        obs("A", "2023", "energy.steam.purchased", 119_186),
        obs("A", "2024", "energy.steam.purchased", 41_225),
    ]
    [f] = run(rows)
    assert (f.check, f.severity, f.entity, f.indicator, f.period, f.status) == (
        "yoy_change",
        "warning",
        "A",
        "energy.steam.purchased",
        "2024",
        "open",
    )
    assert f.message == (
        "energy.steam.purchased fell 65.4 % from 119,186 t in 2023 to 41,225 t in 2024 "
        "(beyond ±30 %)"
    )
    assert f.id == finding_id("yoy_change", "A", "energy.steam.purchased", "2024")


def test_yoy_threshold_is_configurable_and_comment_explains() -> None:
    rows = [
        obs("A", "2023", "water.fresh", 100.0),
        obs("A", "2024", "water.fresh", 125.0, comment="new line commissioned"),
    ]
    assert run(rows) == []  # +25 % is within ±30 %
    [f] = run(rows, config=CheckConfig(threshold=0.2, peer_metrics={}))
    assert f.status == "explained"
    assert f.note == "new line commissioned"


def test_yoy_from_zero_and_monthly_totals() -> None:
    months = [obs("B", f"2024-{m:02d}", "water.fresh", 10.0) for m in range(1, 13)]
    rows = [obs("B", "2023", "water.fresh", 0.0), *months]
    [f] = only(run(rows), "yoy_change")
    assert f.message == "water.fresh rose from 0 in 2023 to 120 m3 in 2024 (beyond ±30 %)"


def test_missing_expected_indicators() -> None:
    rows = [
        obs("A", "2023", "water.fresh", 1.0),
        obs("A", "2023", "water.recycled", 1.0),
        obs("A", "2024", "water.fresh", 1.0),
        obs("B", "2023", "water.fresh", 1.0),
    ]
    found = only(
        run(rows, config=CheckConfig(required=("production.reo",), peer_metrics={})), "missing"
    )
    got = {(f.entity, f.indicator, f.period): f.message for f in found}
    assert got == {
        ("A", "production.reo", "2023"): "production.reo is missing for 2023 (required)",
        ("A", "production.reo", "2024"): "production.reo is missing for 2024 (required)",
        ("A", "water.recycled", "2024"): "water.recycled is missing for 2024 (reported for 2023)",
        ("B", "*", "2024"): "B reported 1 indicator for 2023 but nothing for 2024",
        ("B", "production.reo", "2023"): "production.reo is missing for 2023 (required)",
    }


def test_missing_respects_inclusion_window() -> None:
    sold = [ent("G", None), ent("A", included_to=date(2023, 6, 30))]
    rows = [obs("A", "2023", "water.fresh", 1.0), obs("G", "2024", "water.fresh", 1.0)]
    assert only(run(rows, sold), "missing") == []


def test_monthly_rows_disagree_with_annual() -> None:
    months = [
        obs("A", f"2024-{m:02d}", "energy.electricity.purchased", 100.0) for m in range(1, 13)
    ]
    # 12 × 100 = 1,200 MWh against an annual row of 1,300 MWh: -100 MWh, -7.7 %
    rows = [*months, obs("A", "2024", "energy.electricity.purchased", 1_300.0)]
    [f] = only(run(rows), "monthly_vs_annual")
    assert f.severity == "error"
    assert f.message == (
        "energy.electricity.purchased: the 12 monthly rows add up to 1,200 MWh but the "
        "annual row says 1,300 MWh (difference -100, -7.7 %)"
    )
    # within the 0.5 % tolerance: 1,200 vs 1,205 (0.41 %) is fine
    ok = [*months, obs("A", "2024", "energy.electricity.purchased", 1_205.0)]
    assert only(run(ok), "monthly_vs_annual") == []


def test_partial_months_above_annual() -> None:
    rows = [
        obs("A", "2024-01", "water.fresh", 80.0),
        obs("A", "2024-02", "water.fresh", 40.0),
        obs("A", "2024", "water.fresh", 100.0),
    ]
    [f] = only(run(rows), "monthly_vs_annual")
    assert "2 monthly rows already add up to 120 m3" in f.message


def test_incomplete_months_without_annual_row() -> None:
    rows = [obs("A", f"2024-{m:02d}", "water.fresh", 1.0) for m in (1, 2, 4)]
    [f] = only(run(rows), "incomplete_months")
    assert f.message.startswith("water.fresh: 3 of 12 months reported and no annual row")
    assert "2024-03" in f.message and "2024-12" in f.message
    # an entity acquired on 2024-10-01 owes only October to December
    bought = [ent("G", None), ent("A", included_from=date(2024, 10, 1))]
    rows = [obs("A", f"2024-{m:02d}", "water.fresh", 1.0) for m in (10, 11, 12)]
    assert only(run(rows, bought), "incomplete_months") == []


def test_green_electricity_above_purchased() -> None:
    rows = [
        obs("A", "2024", "energy.electricity.purchased", 500.0),
        obs("A", "2024", "energy.electricity.green", 650.0),
        obs("B", "2024", "energy.electricity.purchased", 500.0),
        obs("B", "2024", "energy.electricity.green", 500.0),  # equal is fine
    ]
    [f] = only(run(rows), "part_exceeds_whole")
    assert (f.entity, f.indicator, f.severity) == ("A", "energy.electricity.green", "error")
    assert f.message == (
        "energy.electricity.green (650 MWh) is more than energy.electricity.purchased (500 MWh)"
    )


def test_parts_do_not_sum() -> None:
    rows = [
        obs("A", "2024", "employees.total", 100.0),
        obs("A", "2024", "employees.female", 30.0),
        obs("A", "2024", "employees.male", 60.0),
    ]
    [f] = only(run(rows), "parts_sum")
    assert f.message == (
        "employees.female + employees.male = 90 person, but employees.total is 100 person"
    )


def test_peer_outlier_robust_z() -> None:
    # electricity per t REO: A..E = 2.0, 2.2, 1.8, 2.1, 1.9 MWh/t, F = 6.0 MWh/t
    # median of the six = (2.0 + 2.1) / 2 = 2.05; deviations 0.05, 0.15, 0.25, 0.05, 0.15, 3.95
    # MAD = median(0.05, 0.05, 0.15, 0.15, 0.25, 3.95) = 0.15
    # z(F) = 0.6745 × (6.0 - 2.05) / 0.15 = 17.76 > 3.5 ; z(C) = 0.6745 × -0.25/0.15 = -1.12
    ratios = {"A": 2.0, "B": 2.2, "C": 1.8, "D": 2.1, "E": 1.9, "F": 6.0}
    found = only(peer_run(ratios, 1_000.0), "peer_outlier")
    assert [(f.entity, f.indicator) for f in found] == [("F", "intensity.electricity_per_treo")]
    assert found[0].message == (
        "intensity.electricity_per_treo is 6 MWh/t, far from the 6 peer entities "
        "(median 2.05 MWh/t, robust z = +17.8)"
    )
    assert pytest.approx(17.76, abs=0.01) == 0.6745 * (6.0 - 2.05) / 0.15


def test_out_of_range_unknown_and_window() -> None:
    ents = [ent("G", None), ent("A", included_from=date(2024, 1, 1))]
    bad = Observation("A", "2024", "water.fresh", -5.0, "m3", "-5", "m3")
    pct = obs("A", "2024", "water.reuse_rate", 130.0)
    ghost = Observation("A", "2024", "no.such.code", 1.0, "t", "1", "t")
    early = obs("A", "2023", "water.recycled", 1.0)
    stranger = obs("Z", "2024", "water.recycled", 1.0)
    found = run([bad, pct, ghost, early, stranger], ents)
    got = {(f.check, f.entity, f.indicator): f for f in found if f.check != "missing"}
    assert got[("out_of_range", "A", "water.fresh")].message == (
        "water.fresh is -5 m3; expected a value between 0 and +inf m3"
    )
    assert got[("out_of_range", "A", "water.reuse_rate")].severity == "error"
    assert got[("unknown_indicator", "A", "no.such.code")].severity == "error"
    assert got[("unknown_entity", "Z", "water.recycled")].severity == "error"
    assert got[("outside_window", "A", "water.recycled")].message == (
        "water.recycled reported for 2023, but A is included from 2024-01-01 to open-ended; "
        "the value is left out of consolidation"
    )


def test_acknowledgement_and_years_filter_and_summary() -> None:
    rows = [
        obs("A", "2022", "water.fresh", 100.0),
        obs("A", "2023", "water.fresh", 200.0),
        obs("A", "2024", "water.fresh", 50.0),
    ]
    found = run(rows)
    assert [f.period for f in found] == ["2023", "2024"]
    fid = finding_id("yoy_change", "A", "water.fresh", "2024")
    found = run(rows, years=[2024], acknowledged={fid: "plant closed for repairs"})
    [f] = found
    assert (f.id, f.status, f.note) == (fid, "acknowledged", "plant closed for repairs")
    assert summarize(found) == {
        "total": 1,
        "open": {"error": 0, "warning": 0, "info": 0},
        "status": {"open": 0, "explained": 0, "acknowledged": 1},
    }


def test_ids_are_stable_and_distinct() -> None:
    a = finding_id("yoy_change", "A", "water.fresh", "2024")
    assert a == finding_id("yoy_change", "A", "water.fresh", "2024")
    assert len(a) == 12 and int(a, 16) >= 0
    assert a != finding_id("yoy_change", "A", "water.fresh", "2023")


def test_group_total_change() -> None:
    # steam: A 100 → 50 t, B 100 → 60 t; group 200 → 110 t = -90 / 200 = -45 %
    rows = [
        obs("A", "2023", "energy.steam.purchased", 100.0),
        obs("A", "2024", "energy.steam.purchased", 50.0, comment="boiler switched to own gas"),
        obs("B", "2023", "energy.steam.purchased", 100.0),
        obs("B", "2024", "energy.steam.purchased", 60.0, comment="supplier outage"),
    ]
    found = only(run(rows), "yoy_change")
    group = [f for f in found if f.entity == "G"]
    assert [f.status for f in found if f.entity != "G"] == ["explained", "explained"]
    [g] = group
    assert g.status == "open"
    assert g.message == (
        "group total of energy.steam.purchased (2 entities' own rows under G) fell 45.0 % "
        "from 200 t in 2023 to 110 t in 2024 (beyond ±30 %)"
    )
    assert g.id != finding_id("yoy_change", "G", "energy.steam.purchased", "2024")


def test_peer_outlier_when_most_peers_are_equal() -> None:
    # five entities at 2.0 MWh/t and one at 4.0: median 2.0, MAD = 0, so the
    # mean absolute deviation is used: (0 × 5 + 2.0) / 6 = 0.3333;
    # σ ≈ 1.253314 × 0.3333 = 0.41777; z(F) = (4.0 - 2.0) / 0.41777 = +4.79 > 3.5
    ratios = {"A": 2.0, "B": 2.0, "C": 2.0, "D": 2.0, "E": 2.0, "F": 4.0}
    [f] = only(peer_run(ratios, 100.0), "peer_outlier")
    assert f.entity == "F"
    assert f.message.endswith("robust z = +4.8)")
    assert pytest.approx(4.787, abs=1e-3) == 2.0 / (1.253314 * 2.0 / 6)


def test_peers_equal_up_to_rounding_are_not_outliers() -> None:
    # 13.99 m3/t for everyone, one off by float rounding only (the demo's illustrative split)
    ents = [ent("G", None)] + [ent(c) for c in "ABCDEF"]
    rows = []
    for i, code in enumerate("ABCDEF"):
        reo = 1000.0 + i
        water = 13.99 * reo * (1 + (1e-15 if code == "F" else 0))
        rows += [obs(code, "2023", "production.reo", reo), obs(code, "2023", "water.fresh", water)]
    assert only(run(rows, ents, config=CheckConfig()), "peer_outlier") == []


def test_every_rule_names_catalogue_codes() -> None:
    # a rule whose codes are absent from the data never fires, so a misspelt code would
    # silently switch the rule off: every code must be in the catalogue, with a whole
    # and its parts in the same dimension
    from esgledger.calc.formula import parse
    from esgledger.quality.rules import DEFAULT_PEER_METRICS, PART_OF, SUM_OF
    from esgledger.units import convert

    pairs = [*PART_OF, *((p, w) for w, parts in SUM_OF for p in parts)]
    for part, whole in pairs:
        assert part in IND and whole in IND, (part, whole)
        convert(1.0, IND[part].unit, IND[whole].unit)  # UnitError if not comparable
    for name, definition in DEFAULT_PEER_METRICS.items():
        missing = parse(definition.formula).references - set(IND)
        assert not missing, (name, missing)
