"""Number parsing and formula neutralisation (pure functions)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from esgledger.intake.cells import neutralise, number_text_for_xlsx, parse_number, restore


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1234.5", 1234.5),
        (" 42 ", 42.0),
        ("-0.25", -0.25),
        ("+7", 7.0),
        ("1.5e3", 1500.0),
        (".5", 0.5),
        ("5.", 5.0),
        ("1,234.5", 1234.5),
        ("12,345,678", 12345678.0),
        ("１２３．５", 123.5),  # full-width digits and point (NFKC)
        ("１，２３４", 1234.0),
        ("−3", -3.0),  # U+2212 minus sign
    ],
)
def test_numbers_accepted(text, expected):
    assert parse_number(text) == expected


@pytest.mark.parametrize(
    "text",
    ["", " ", "abc", "1.234,5", "1,23", "12%", "NaN", "inf", "1_000", "1e999", "--1", "0x10"],
)
def test_numbers_rejected(text):
    assert parse_number(text) is None


@given(st.floats(allow_nan=False, allow_infinity=False))
def test_repr_of_any_float_parses_back(x):
    assert parse_number(repr(x)) == x


@given(st.floats(min_value=-1e15, max_value=1e15, allow_nan=False))
def test_grouped_thousands(x):
    assert parse_number(f"{x:,.2f}") == float(f"{x:.2f}")


@given(st.text())
def test_neutralise_is_undone_by_restore(s):
    safe = neutralise(s)
    assert restore(safe) == s
    assert not safe or safe[0] not in "=+-@\t\r"


def test_neutralise_examples():
    assert neutralise("=SUM(A1)") == "'=SUM(A1)"
    assert neutralise("'=x") == "''=x"
    assert neutralise("'plain") == "'plain"  # an apostrophe before ordinary text is left alone
    assert restore("'plain") == "'plain"


@given(st.floats(allow_nan=False, allow_infinity=False))
def test_xlsx_numbers_only_when_text_survives(x):
    raw = repr(x)
    number = number_text_for_xlsx(raw)
    if number is not None:
        assert number == x and f"{number:.16g}" == raw
    assert number_text_for_xlsx("1,234") is None


@pytest.mark.parametrize(
    ("region", "ok"),
    [("CN-NM", True), ("CN-JX", True), ("DE", True), ("US-CA", True), ("", True),
     ("CN-XX", False), ("CN-15", False), ("Inner Mongolia", False), ("cn-nm", False)],
)  # fmt: skip
def test_regions(region, ok):
    from esgledger.intake.validate import region_ok

    assert region_ok(region) is ok
