"""One rule for a year's value (calc.yearvalue), the same in the engine, the report,
the quality checks, targets and ``explain``.

A group GRP with an entity acquired on 2024-04-01 (monthly purchased
electricity, 20 MWh each month of 2024) and one divested on 2024-06-30 (an
annual row of 366 MWh for 2024). By hand:

- ACQ: April to December inside the window, 9 x 20 = 180 MWh (January to
  March count 0);
- DIV: 1 January to 30 June is 182 of 2024's 366 days: 366 x 182/366 = 182 MWh;
- the group's purchased electricity: 180 + 182 = 362 MWh (not the 606 MWh of
  the raw rows);
- energy.total_tce = 362 MWh x 0.1229 tce/MWh (GB/T 2589-2020 Annex A,
  electricity at the equivalent value 0.1229 kgce/kWh) = 44.4898 tce.
"""

from __future__ import annotations

import csv
import json
from datetime import date
from pathlib import Path

import pytest

from esgledger.calc.yearvalue import inclusion_windows, year_values
from esgledger.catalog.indicators import load_indicators
from esgledger.cli import run
from esgledger.intake import ENTITY_COLUMNS, OBSERVATION_COLUMNS
from esgledger.model import Entity, Observation
from esgledger.report.compose import compose_report
from esgledger.report.definition import load_definition
from esgledger.report.model import FigureTable
from esgledger.report.sources import collect
from esgledger.store import Ledger

ELEC = "energy.electricity.purchased"
TCE_PER_MWH = 0.1229  # GB/T 2589-2020 Annex A, equivalent value (tce/MWh)
ACQ_MWH = 9 * 20.0  # April-December of 20 MWh months
DIV_MWH = 366.0 * 182 / 366  # 1 Jan - 30 Jun 2024 of a leap year
GROUP_MWH = ACQ_MWH + DIV_MWH  # 362 MWh
RAW_MWH = 12 * 20.0 + 366.0  # 606 MWh: what the report printed before the one rule

ENTITIES = [
    ("GRP", "Group", "集团", "", "group", "", "operational", "CN-NM", "", ""),
    ("ACQ", "Acquired", "甲", "GRP", "subsidiary", "100", "operational", "CN-NM", "2024-04-01", ""),
    ("DIV", "Divested", "乙", "GRP", "subsidiary", "100", "operational", "CN-NM", "", "2024-06-30"),
]  # fmt: skip
OBSERVATIONS = [("DIV", "2024", ELEC, "366", "MWh", "bill")] + [
    ("ACQ", f"2024-{m:02d}", ELEC, "20", "MWh", "bill") for m in range(1, 13)
]


def _write(folder: Path) -> list[Path]:
    ents, obs = folder / "entities.csv", folder / "observations.csv"
    with ents.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(ENTITY_COLUMNS)
        w.writerows(ENTITIES)
    with obs.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(OBSERVATION_COLUMNS)
        w.writerows([(*o, "") for o in OBSERVATIONS])
    return [ents, obs]


@pytest.fixture
def db(any_db_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys) -> str:
    monkeypatch.setenv("ESGLEDGER_DATABASE_URL", any_db_url)
    assert run(["import", *map(str, _write(tmp_path)), "--json"]) == 0
    capsys.readouterr()
    return any_db_url


def _explain(capsys, metric: str) -> dict:
    code = run(["explain", metric, "--entity", "GRP", "--period", "2024", "--json"])
    out = capsys.readouterr()
    assert code == 0, out.err
    data: dict = json.loads(out.out)
    return data


def test_report_table_metric_and_explain_count_the_same_electricity(db: str, capsys) -> None:
    # the metric, and its lineage: the electricity rows as counted
    explained = _explain(capsys, "energy.total_tce")
    assert explained["value"] == pytest.approx(GROUP_MWH * TCE_PER_MWH, rel=1e-9)
    counted = sum(
        o["value"] * o["fraction"] * ent["share"]
        for ent in explained["lineage"]["entities"]
        for o in ent["observations"]
        if o["indicator"] == ELEC
    )
    assert counted == pytest.approx(GROUP_MWH, rel=1e-9)

    # the report's data and its energy table print the same 362 MWh
    with Ledger.open(db) as ledger:
        data = collect(ledger, 2024, years=1)
    datum = data.get(ELEC, 2024)
    assert datum is not None and datum.value == pytest.approx(GROUP_MWH, rel=1e-9)
    assert datum.value != pytest.approx(RAW_MWH)
    assert data.get("energy.total_tce", 2024).value == pytest.approx(  # type: ignore[union-attr]
        GROUP_MWH * TCE_PER_MWH, rel=1e-9
    )
    report = compose_report(load_definition(), data, "en", date(2025, 3, 31))
    printed = [
        report.figures[fid]
        for section in report.sections
        for block in section.blocks
        if isinstance(block, FigureTable)
        for row in block.rows
        for fid in row.figures
        if fid is not None and report.figures[fid].ref.code == ELEC
    ]
    assert printed, "the energy table prints purchased electricity"
    assert all(f.value == pytest.approx(GROUP_MWH, rel=1e-9) for f in printed)
    assert all(f.printed.replace(",", "").startswith("362") for f in printed)

    # each entity's own figure in the report, and in the engine's own metric
    for code, mwh in (("ACQ", ACQ_MWH), ("DIV", DIV_MWH)):
        own = data.get(ELEC, 2024, code)
        assert own is not None and own.value == pytest.approx(mwh, rel=1e-9)


JUNE_30 = date(2024, 6, 30)


def _entities() -> list[Entity]:
    return [
        Entity("GRP", "Group", "集团", None, "group", None, "operational", "CN-NM"),
        Entity("ACQ", "A", "A", "GRP", "subsidiary", 100, "operational", "CN-NM", date(2024, 4, 1)),
        Entity("DIV", "D", "D", "GRP", "subsidiary", 100, "operational", "CN-NM", None, JUNE_30),
        # a child of the divested entity inherits its window (182 of 366 days)
        Entity("KID", "K", "K", "DIV", "subsidiary", 100, "operational", "CN-NM"),
    ]


def _obs(entity: str, period: str, indicator: str, value: float, unit: str) -> Observation:
    return Observation(entity, period, indicator, value, unit, str(value), unit)


def test_the_rule_by_hand() -> None:
    summable = {c for c, i in load_indicators().items() if i.aggregation == "sum"}
    rows = [
        *[_obs("ACQ", f"2024-{m:02d}", ELEC, 20.0, "MWh") for m in range(1, 13)],
        _obs("DIV", "2024", ELEC, 366.0, "MWh"),
        _obs("KID", "2024", ELEC, 732.0, "MWh"),
        # an annual row and months of the same year: the annual row wins
        _obs("GRP", "2024", ELEC, 100.0, "MWh"),
        _obs("GRP", "2024-01", ELEC, 999.0, "MWh"),
        # a ratio is never prorated: the divested entity's share counts whole
        _obs("DIV", "2024", "water.reuse_rate", 40.0, "percent"),
        # a year fully outside the window has no value
        _obs("DIV", "2025", ELEC, 10.0, "MWh"),
        _obs("ACQ", "2023", ELEC, 10.0, "MWh"),
    ]
    got = year_values(rows, _entities(), summable)
    assert got[(ELEC, "ACQ", 2024)].value == pytest.approx(180.0)  # 9 months x 20
    assert got[(ELEC, "ACQ", 2024)].months == 9
    assert got[(ELEC, "DIV", 2024)].value == pytest.approx(182.0)  # 366 x 182/366
    assert got[(ELEC, "DIV", 2024)].prorated
    assert got[(ELEC, "KID", 2024)].value == pytest.approx(364.0)  # 732 x 182/366
    assert got[(ELEC, "GRP", 2024)].value == 100.0 and got[(ELEC, "GRP", 2024)].annual
    assert got[("water.reuse_rate", "DIV", 2024)].value == 40.0
    assert (ELEC, "DIV", 2025) not in got and (ELEC, "ACQ", 2023) not in got
    windows = inclusion_windows(_entities())
    assert windows["KID"][1] == date(2024, 6, 30)


def test_targets_and_quality_use_the_same_rule() -> None:
    from esgledger.calc.targets import observed_values
    from esgledger.quality.checks import run_checks

    indicators = load_indicators()
    summable = {c for c, i in indicators.items() if i.aggregation == "sum"}
    rows = [
        _obs("DIV", "2023", ELEC, 366.0, "MWh"),
        _obs("DIV", "2024", ELEC, 366.0, "MWh"),
        *[_obs("ACQ", f"2024-{m:02d}", ELEC, 20.0, "MWh") for m in range(1, 13)],
    ]
    values = observed_values(rows, summable, entities=_entities())
    assert values[(ELEC, "DIV", 2024)].value == pytest.approx(182.0)  # 366 x 182/366
    assert values[(ELEC, "ACQ", 2024)].value == pytest.approx(180.0)  # 9 x 20
    # quality: the divested entity's 2024 value is the 182 MWh the group consolidates,
    # 50.3 % below 2023's 366 MWh ((182 - 366) / 366), and the finding says why
    found = [
        f
        for f in run_checks(rows, _entities(), indicators)
        if f.check == "yoy_change" and f.entity == "DIV"
    ]
    assert len(found) == 1
    assert "fell 50.3 %" in found[0].message and "to 2024-06-30" in found[0].message
