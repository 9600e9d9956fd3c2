"""Formula neutralisation: every writer of CSV/XLSX uses it, readers undo it exactly."""

from hypothesis import given
from hypothesis import strategies as st

from esgledger.spreadsheet import FORMULA_TRIGGERS, neutralise, restore


def test_formula_text_gets_an_apostrophe():
    assert neutralise('=HYPERLINK("http://x")') == '\'=HYPERLINK("http://x")'
    assert neutralise("+10.8%") == "'+10.8%"
    assert neutralise("@SUM(A1)") == "'@SUM(A1)"
    assert neutralise("'=1") == "''=1"  # a user's own apostrophe survives the round trip
    assert neutralise("plain text") == "plain text"
    assert neutralise("") == ""


@given(st.text())
def test_restore_inverts_neutralise(text):
    assert restore(neutralise(text)) == text


@given(st.text())
def test_neutralised_text_never_starts_a_formula(text):
    assert neutralise(text)[:1] not in FORMULA_TRIGGERS
