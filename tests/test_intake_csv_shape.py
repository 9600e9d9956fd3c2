"""CSV rows keep their shape: an open quote, a stray line break, a cut-short row or text past
the header is a problem naming the row, and nothing is written (issue 15, items 2 and 7).

Every payload is generated here; each case runs on SQLite and PostgreSQL.
"""

from __future__ import annotations

import pytest

from esgledger.errors import ValidationError
from esgledger.intake import import_files, read_files
from intake_helpers import BASE, OBS_HEADER, snapshot, write


def _fourteen_rows(second: str) -> str:
    rows = [f"SMELT,{2000 + i},fuel.diesel,{i + 1},t,bill {i},\n" for i in range(14)]
    rows[0] = second
    return OBS_HEADER + "".join(rows)


def _rejected(ledger, path) -> ValidationError:
    import_files(ledger, [BASE / "entities.csv", BASE / "observations.csv"], actor="t")
    before = snapshot(ledger)
    with pytest.raises(ValidationError) as info:
        import_files(ledger, [path], actor="t")
    assert snapshot(ledger) == before
    return info.value


def test_an_unclosed_quote_is_an_error_at_the_row_it_opened(ledger, tmp_path):
    # the probe's file: row 2's source opens a quote that never closes; rows 3-15 used to
    # vanish into that source and the import said "added 1"
    path = write(
        tmp_path / "observations.csv",
        _fourteen_rows('SMELT,2024,fuel.diesel,1,t,"bill 2025 ""Q1,,\n'),
    )
    err = _rejected(ledger, path)
    (p,) = err.problems
    assert (p.file, p.row) == ("observations.csv", 2)
    assert p.expected.startswith("a closing quote for the field opened on this row")
    assert "runs to the end of the file" in p.expected


def test_a_quote_closed_rows_later_is_an_error_at_the_row_it_opened(ledger, tmp_path):
    # the quote of row 3's unit closes on line 6: the record swallowed three rows
    text = _fourteen_rows("SMELT,2024,fuel.diesel,1,t,bill,\n").splitlines(keepends=True)
    text[2] = 'SMELT,2001,fuel.diesel,2,"t,bill,\n'
    text[5] = 'SMELT,2004,fuel.diesel,5,t",bill,\n'
    path = write(tmp_path / "observations.csv", "".join(text))
    err = _rejected(ledger, path)
    (p,) = err.problems
    assert (p.row, p.column) == (3, "unit")
    assert "a quote opened on this row runs on to line 6" in p.expected


def test_a_line_break_in_a_comment_is_fine(tmp_path):
    from intake_helpers import ENT_HEADER

    ents = write(tmp_path / "entities.csv", ENT_HEADER + "G,Group,集团,,group,,operational,,,\n")
    path = write(
        tmp_path / "observations.csv",
        OBS_HEADER + 'G,2024,fuel.diesel,1,t,bill,"two\nlines"\nG,2023,fuel.diesel,2,t,bill,\n',
    )
    batch = read_files([ents, path])
    assert [o.comment for o in batch.observations] == ["two\nlines", ""]


def test_a_truncated_row_is_rejected_not_skipped(ledger, tmp_path):
    path = write(
        tmp_path / "observations.csv",
        OBS_HEADER + "SMELT,2024,fuel.diesel,1,t,bill,\nSMELT,2023,fuel.diesel\n",
    )
    err = _rejected(ledger, path)
    (p,) = err.problems
    assert (p.row, p.column) == (3, "value")
    assert p.expected == "7 fields as in the header (the row has 3: it is cut short)"


def test_text_past_the_header_is_rejected(ledger, tmp_path):
    path = write(
        tmp_path / "observations.csv", OBS_HEADER + "SMELT,2024,fuel.diesel,1,t,bill,,extra\n"
    )
    err = _rejected(ledger, path)
    (p,) = err.problems
    assert (p.row, p.column, p.value) == (2, "#8", "extra")


def test_bad_bytes_and_control_characters_name_their_line(tmp_path):
    path = tmp_path / "observations.csv"
    path.write_bytes(OBS_HEADER.encode() + b"SMELT,2024,fuel.diesel,1,t,\xff,\n")
    with pytest.raises(ValidationError) as info:
        read_files([path])
    assert info.value.problems[0].row == 2
    assert "UTF-8" in info.value.problems[0].expected
