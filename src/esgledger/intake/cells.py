"""Cell-level rules shared by reading and writing: numbers and formula neutralisation.

Numbers
    A value cell holds a decimal number, optionally signed, with an optional
    fraction and exponent (``1234.5``, ``-0.25``, ``1.2e3``). Two conveniences
    for spreadsheets typed in China are accepted: thousands separators in
    groups of three (``1,234.5``) and full-width characters (``１２３．５``,
    ``１，２３４``), which are folded to ASCII with Unicode NFKC. Anything else
    (``1.234,5``, ``12%``, ``NaN``, ``1_000``, an empty cell) is not a number.
    The text is always kept exactly as submitted; only the parsed float is
    used for conversion.

Formulas
    Text that starts with ``= + - @`` (or a tab or carriage return) would be run
    as a formula by a spreadsheet.

    In a CSV file, which has no cell types, such text gets a leading apostrophe
    on export; on import one leading apostrophe is removed again when it is
    followed by one of those characters or by another apostrophe (so a CSV
    field that really starts with ``'=`` is written ``''=``). The rule is
    injective, so export → import gives back exactly the stored text.

    In an XLSX workbook a text cell is literal: its value is read exactly as
    stored, apostrophes included (Excel keeps the apostrophe a user types
    before ``=`` out of the value, as the cell's ``quotePrefix`` style). The
    export writes formula-like text as a text cell marked ``quotePrefix`` (see
    :func:`xlsx_text`), which no spreadsheet runs, so nothing is added to it.
"""

from __future__ import annotations

import math
import re
import unicodedata
from typing import Any

from esgledger.spreadsheet import FORMULA_TRIGGERS, neutralise, restore

__all__ = [
    "FORMULA_TRIGGERS",
    "neutralise",
    "number_text_for_xlsx",
    "parse_number",
    "restore",
    "xlsx_text",
]


_PLAIN = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")
_GROUPED = re.compile(r"[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?(?:[eE][+-]?\d+)?")


def parse_number(text: str) -> float | None:
    """The number ``text`` stands for, or None if it is not a number (see module doc)."""
    s = text.strip()
    if not s:
        return None
    if not s.isascii():
        s = unicodedata.normalize("NFKC", s).replace("\u2212", "-").strip()
    if _PLAIN.fullmatch(s):
        value = float(s)
    elif _GROUPED.fullmatch(s):
        value = float(s.replace(",", ""))
    else:
        return None
    return value if math.isfinite(value) else None


def number_text_for_xlsx(raw: str) -> float | None:
    """The float to write as a numeric XLSX cell for ``raw``, if that reads back as ``raw``.

    openpyxl writes numbers with ``%.16g``; a raw value is written as a number
    only when that gives back the same text, otherwise it is written as text.
    """
    if not _PLAIN.fullmatch(raw):
        return None
    value = float(raw)
    if not math.isfinite(value) or f"{value:.16g}" != raw:
        return None
    return value


def xlsx_text(sheet: Any, text: str) -> Any:
    """``text`` for a write-only openpyxl ``sheet``: a text cell, never a formula.

    Formula-like text becomes a text cell marked ``quotePrefix`` (shown as text,
    never run); other text is returned as it is.
    """
    if not text or text[0] not in FORMULA_TRIGGERS:
        return text
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(sheet, value=text)
    cell.data_type = "s"
    cell.quotePrefix = True
    return cell
