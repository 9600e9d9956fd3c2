"""Text that is safe in a spreadsheet cell, and back again.

A cell whose text starts with ``= + - @`` (or a tab or carriage return) would
run as a formula when a user opens the file in Excel or LibreOffice (CSV
injection). Every writer of CSV or XLSX files (intake export, the risk
register, the questionnaire, the report's data annex) puts a leading
apostrophe before such text; readers remove exactly one again, so export →
import gives back the stored text.
"""

from __future__ import annotations

__all__ = ["FORMULA_TRIGGERS", "neutralise", "restore"]

#: First characters that make a spreadsheet treat a cell as a formula.
FORMULA_TRIGGERS = frozenset("=+-@\t\r")
_QUOTE = "'"


def neutralise(text: str) -> str:
    """``text`` with a leading apostrophe if it would run as a formula.

    Text that already starts with an apostrophe before a trigger (or a second
    apostrophe) gets one more, so :func:`restore` is its exact inverse.
    """
    if not text:
        return text
    first = text[0]
    if first in FORMULA_TRIGGERS or (
        first == _QUOTE and len(text) > 1 and (text[1] in FORMULA_TRIGGERS or text[1] == _QUOTE)
    ):
        return _QUOTE + text
    return text


def restore(text: str) -> str:
    """Undo :func:`neutralise` (also what a user's own leading apostrophe means)."""
    if len(text) > 1 and text[0] == _QUOTE and (text[1] in FORMULA_TRIGGERS or text[1] == _QUOTE):
        return text[1:]
    return text
