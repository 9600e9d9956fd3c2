"""The bad-input corpus: each case gives its exact message and leaves the ledger unchanged."""

from __future__ import annotations

import pytest

from esgledger.errors import ValidationError
from esgledger.intake import import_files
from esgledger.store import Ledger
from intake_helpers import BAD, BASE, OBS_HEADER, snapshot, sqlite_bytes, write

CASES = sorted(p.name for p in BAD.iterdir() if p.is_dir())


def _files(case: str):
    return sorted(p for p in (BAD / case).iterdir() if p.name != "expected.txt")


def test_corpus_is_complete():
    assert len(CASES) >= 20
    for case in CASES:
        assert (BAD / case / "expected.txt").is_file(), case


@pytest.mark.parametrize("case", CASES)
def test_bad_input_exact_message_and_ledger_unchanged(ledger, case):
    import_files(ledger, [BASE / "entities.csv", BASE / "observations.csv"], actor="tester")
    before = snapshot(ledger)
    with pytest.raises(ValidationError) as info:
        import_files(ledger, _files(case), actor="tester")
    expected = (BAD / case / "expected.txt").read_text(encoding="utf-8").rstrip("\n")
    assert info.value.message == expected
    assert snapshot(ledger) == before


@pytest.mark.parametrize("case", CASES)
def test_bad_input_sqlite_file_byte_for_byte(sqlite_url, case):
    with Ledger.open(sqlite_url) as led:
        import_files(led, [BASE / "entities.csv", BASE / "observations.csv"], actor="tester")
    before = sqlite_bytes(sqlite_url)
    with Ledger.open(sqlite_url) as led, pytest.raises(ValidationError):
        import_files(led, _files(case), actor="tester")
    assert sqlite_bytes(sqlite_url) == before


def test_problem_fields_name_file_row_column_value(ledger):
    import_files(ledger, [BASE / "entities.csv"], actor="tester")
    with pytest.raises(ValidationError) as info:
        import_files(ledger, _files("bad_number"), actor="tester")
    first = info.value.problems[0]
    assert (first.file, first.row, first.column, first.value) == (
        "observations.csv",
        2,
        "value",
        "abc",
    )


def _ten_thousand_rows(tmp_path):
    keys = [
        (e, ind, year, month)
        for e in ("SMELT", "GANSU", "JV", "GRP")
        for ind in ("energy.electricity.purchased", "fuel.diesel", "water.fresh")
        for year in range(2000, 2070)
        for month in range(1, 13)
    ]
    units = {"energy.electricity.purchased": "kWh", "fuel.diesel": "kg", "water.fresh": "m3"}
    lines = [OBS_HEADER]
    for i, (e, ind, year, month) in enumerate(keys[:10_000]):
        value = "12x.5" if i == 7_321 else f"{i}.5"
        lines.append(f"{e},{year}-{month:02d},{ind},{value},{units[ind]},m,\n")
    return write(tmp_path / "observations.csv", "".join(lines))


# data row i sits on spreadsheet row i + 2 (the header is row 1): bad row 7,321 → row 7,323
TEN_K_MESSAGE = (
    "import rejected: 1 problem; nothing was written\n"
    "  - observations.csv, row 7323, column value: got '12x.5'; "
    "expected a number such as 1234.5 or 1,234.5"
)


def test_ten_thousand_rows_one_bad_cell_sqlite_bytes(tmp_path, sqlite_url):
    """A 10,000-row file with one bad cell names that row and column; nothing is written."""
    path = _ten_thousand_rows(tmp_path)
    with Ledger.open(sqlite_url) as led:
        import_files(led, [BASE / "entities.csv"], actor="tester")
    before = sqlite_bytes(sqlite_url)
    with Ledger.open(sqlite_url) as led, pytest.raises(ValidationError) as info:
        import_files(led, [path], actor="tester")
    assert info.value.message == TEN_K_MESSAGE
    assert sqlite_bytes(sqlite_url) == before
    with Ledger.open(sqlite_url) as led:
        assert led.observations() == []


def test_ten_thousand_rows_one_bad_cell_both_engines(tmp_path, ledger):
    path = _ten_thousand_rows(tmp_path)
    import_files(ledger, [BASE / "entities.csv"], actor="tester")
    before = snapshot(ledger)
    with pytest.raises(ValidationError) as info:
        import_files(ledger, [path], actor="tester")
    assert info.value.message == TEN_K_MESSAGE
    assert snapshot(ledger) == before
    # the same file without the bad cell imports completely
    path.write_text(path.read_text(encoding="utf-8").replace("12x.5", "7321.5"), encoding="utf-8")
    assert import_files(ledger, [path], actor="tester").observations_added == 10_000


def test_missing_file_is_a_problem(tmp_path, ledger):
    with pytest.raises(ValidationError, match=r"nope\.csv; expected an existing file"):
        import_files(ledger, [tmp_path / "nope.csv"], actor="tester")
