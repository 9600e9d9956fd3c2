"""Smaller intake findings of the bad-input probe (issue 15, item 7): an ownership written as a
fraction, text that really starts with an apostrophe, the entity-code rule's message."""

from __future__ import annotations

import openpyxl
import pytest

from esgledger.errors import ValidationError
from esgledger.intake import import_files, read_files
from intake_helpers import ENT_HEADER, OBS_HEADER, write


def test_ownership_below_one_is_read_as_a_percentage_with_a_warning(ledger, tmp_path):
    path = write(
        tmp_path / "entities.csv",
        ENT_HEADER
        + "G,Group,集团,,group,,operational,,,\n"
        + "J,JV,合营,G,joint_venture,0.51,none,,,\n"
        + "K,Kept,保留,G,joint_venture,0.5%,none,,,\n",
    )
    result = import_files(ledger, [path], actor="t")
    (w,) = result.warnings
    assert (w.row, w.column, w.value) == (3, "ownership_pct", "0.51")
    assert "a percentage (51 for 51 %), not a fraction" in w.expected
    assert "write 51 for 51 %" in w.expected
    shares = {e.code: e.ownership_pct for e in ledger.entities()}
    assert shares["J"] == 0.51 and shares["K"] == 0.5


def test_xlsx_text_is_literal_and_csv_keeps_the_apostrophe_rule(tmp_path):
    ents = write(tmp_path / "entities.csv", ENT_HEADER + "G,Group,集团,,group,,operational,,,\n")
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "observations"
    ws.append(OBS_HEADER.strip().split(","))
    ws.append(["G", "2024", "fuel.diesel", 1, "t", "'=literal", "''x"])
    wb.save(tmp_path / "book.xlsx")
    (o,) = read_files([ents, tmp_path / "book.xlsx"]).observations
    assert (o.source, o.comment) == ("'=literal", "''x")  # exactly as the cell holds it
    csv_path = write(
        tmp_path / "observations.csv", OBS_HEADER + "G,2024,fuel.diesel,1,t,''=literal,\n"
    )
    (o,) = read_files([ents, csv_path]).observations
    assert o.source == "'=literal"  # CSV: one apostrophe before '= marks it as text


@pytest.mark.parametrize("code", ["-AB", ".x", "_a", "a b"])
def test_entity_code_message_matches_the_rule(tmp_path, code):
    path = write(tmp_path / "entities.csv", ENT_HEADER + f"{code},N,名,,group,,operational,,,\n")
    with pytest.raises(ValidationError) as info:
        read_files([path])
    (p,) = info.value.problems
    assert p.expected.startswith("an entity code: a letter or digit first")
