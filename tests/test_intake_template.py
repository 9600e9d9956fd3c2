"""Collection templates: bilingual instructions, validations, protection; importable once filled."""

from __future__ import annotations

import math

import openpyxl
import pytest

from esgledger.catalog.indicators import load_indicators
from esgledger.errors import NotFoundError
from esgledger.intake import import_files, template
from esgledger.intake.collection import unit_choices
from intake_helpers import BASE


@pytest.fixture
def seeded(ledger):
    import_files(ledger, [BASE / "entities.csv", BASE / "observations.csv"], actor="tester")
    return ledger


def test_template_layout(seeded, tmp_path):
    path = template(seeded, "GANSU", "2024", tmp_path / "gansu.xlsx")
    wb = openpyxl.load_workbook(path)
    # the entity's row is for reference only: a sheet import does not read
    assert wb.sheetnames == ["instructions", "observations", "entity"]
    text = " ".join(str(c.value) for row in wb["instructions"].iter_rows() for c in row)
    assert "填报说明" in text and "How to fill in" in text and "GANSU" in text
    ws = wb["observations"]
    header = [c.value for c in ws[1]]
    assert header == [
        "entity", "period", "indicator", "value", "unit", "source", "comment", "name_zh", "name_en",
    ]  # fmt: skip
    numeric = [i for i in load_indicators().values() if i.kind != "text"]
    assert ws.max_row == len(numeric) + 1
    first = [c.value for c in ws[2]]
    ind = numeric[0]
    assert first == [
        "GANSU",
        "2024",
        ind.code,
        None,
        ind.unit,
        None,
        None,
        ind.name_zh,
        ind.name_en,
    ]
    # headers locked, input cells unlocked, sheet protected
    assert ws.protection.sheet
    assert ws["A1"].protection.locked and ws["C2"].protection.locked
    assert not ws["D2"].protection.locked and not ws["E2"].protection.locked
    # a unit list on every row and a ">= 0" check on values with a minimum of 0
    lists = [dv for dv in ws.data_validations.dataValidation if dv.type == "list"]
    covered = {str(r) for dv in lists for rng in dv.sqref.ranges for r in [rng]}
    assert any("E2" in c for c in covered)
    assert '"MWh,kWh,GWh,万千瓦时' in next(
        dv.formula1 for dv in lists if dv.formula1.startswith('"MWh')
    )
    decimals = [dv for dv in ws.data_validations.dataValidation if dv.type == "decimal"]
    assert decimals and decimals[0].operator == "greaterThanOrEqual"
    assert [c.value for c in wb["entity"][2]][:3] == [
        "GANSU",
        "Gansu Rare Earth Co.",
        "甘肃稀土公司",
    ]
    wb.close()


def test_unit_choices_are_compatible():
    ind = load_indicators()["water.fresh"]
    assert unit_choices(ind)[:3] == ["m3", "万立方米", "立方米"]
    assert "kWh" not in unit_choices(ind)


def test_filled_template_imports(seeded, tmp_path):
    path = template(
        seeded,
        "GANSU",
        "2024-03",
        tmp_path / "gansu.xlsx",
        indicators=[
            "energy.electricity.purchased",
            "fuel.diesel",
            "water.fresh",
            "employees.total",
        ],
    )
    wb = openpyxl.load_workbook(path)
    ws = wb["observations"]
    # fill as a subsidiary would: values, some in other units, one left empty
    ws["D2"], ws["E2"] = 1.5, "万千瓦时"  # 1.5 万千瓦时 = 15,000 kWh = 15 MWh
    ws["D3"], ws["E3"], ws["F3"] = "2,500", "kg", "fuel log"  # 2,500 kg = 2.5 t
    ws["D5"] = 312  # employees.total in person
    wb.save(path)
    wb.close()
    result = import_files(seeded, [path], actor="tester")
    assert (result.observations_added, result.entities_unchanged) == (3, 0)
    assert len(result.warnings) == 1 and "1 row without one skipped" in str(result.warnings[0])
    obs = {o.indicator: o for o in seeded.observations(entity="GANSU", period="2024-03")}
    assert math.isclose(obs["energy.electricity.purchased"].value, 15.0)
    assert (obs["fuel.diesel"].raw_value, obs["fuel.diesel"].value) == ("2,500", 2.5)
    assert obs["employees.total"].raw_value == "312" and obs["employees.total"].unit == "person"
    assert "water.fresh" not in obs


def test_template_unknown_entity(seeded, tmp_path):
    with pytest.raises(NotFoundError, match="unknown entity 'NOPE'"):
        template(seeded, "NOPE", "2024", tmp_path / "x.xlsx")


def test_percent_rows_get_a_0_to_100_check(seeded, tmp_path):
    path = template(
        seeded, "GANSU", "2024", tmp_path / "t.xlsx", indicators=["fuel.diesel", "water.reuse_rate"]
    )
    ws = openpyxl.load_workbook(path)["observations"]
    checks = {
        (dv.operator, dv.formula1, dv.formula2): str(dv.sqref)
        for dv in ws.data_validations.dataValidation
        if dv.type == "decimal"
    }
    assert checks == {("greaterThanOrEqual", "0", None): "D2", ("between", "0", "100"): "D3"}


def test_a_late_template_never_reverts_an_entity_change(seeded, tmp_path):
    """The template's entity row is a reference copy: importing the workbook weeks later
    must not undo a change of ownership made in the ledger meanwhile."""
    from dataclasses import replace

    from esgledger.model import ImportBatch

    path = template(seeded, "GANSU", "2024", tmp_path / "g.xlsx", indicators=["water.fresh"])
    gansu = {e.code: e for e in seeded.entities()}["GANSU"]
    seeded.import_batch(ImportBatch((replace(gansu, ownership_pct=55.0),), ()), actor="hq")
    wb = openpyxl.load_workbook(path)
    wb["observations"]["D2"] = 100
    wb.save(path)
    wb.close()
    result = import_files(seeded, [path], actor="gansu")
    assert result.observations_added == 1 and result.entities_updated == 0
    assert {e.code: e for e in seeded.entities()}["GANSU"].ownership_pct == 55.0
