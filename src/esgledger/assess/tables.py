"""The small tables of the assessment area (topics, groups, responses, risks), as plain data.

A table is a header plus rows of text cells. Rows carry their 1-based
spreadsheet row number (the header is row 1), so every :class:`Problem` can
name the row a user sees in Excel. This module only turns records that were
already read into tables, and tables into CSV text; opening, reading and
writing the files is done by :mod:`esgledger.intake.assessment_files`.

Text that a spreadsheet would run as a formula (it starts with ``= + - @``, a
tab or a carriage return) is written with a leading apostrophe, in CSV and
XLSX alike; reading removes one leading apostrophe before such a character or
before another apostrophe (the rule of ``esgledger.intake.cells``), so export
then import gives back the same text. Control characters are refused on
reading: no report format could print them.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from esgledger.errors import Problem, ValidationError
from esgledger.spreadsheet import neutralise, restore

__all__ = [
    "Row",
    "SourceFile",
    "Table",
    "check_code",
    "csv_text",
    "neutralise",
    "require_columns",
    "restore",
    "table_from_records",
]

_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@dataclass(frozen=True)
class Row:
    """One data row: its spreadsheet row number and its cells by column name."""

    number: int
    cells: Mapping[str, str]

    def get(self, column: str) -> str:
        return self.cells.get(column, "").strip()


@dataclass(frozen=True)
class Table:
    """A named table read from a file (``file`` is what problems report)."""

    file: str
    name: str
    columns: tuple[str, ...]
    rows: tuple[Row, ...]


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


@dataclass(frozen=True)
class SourceFile:
    """One input file as read by intake: its tables, or the problems that kept it unread.

    ``name`` is the file name problems report (no folder).
    """

    name: str
    tables: tuple[Table, ...] = ()
    problems: tuple[Problem, ...] = ()


def table_from_records(file: str, name: str, records: Sequence[Sequence[object]]) -> Table:
    """A table from the raw records of a CSV file or a worksheet (the first is the header).

    Header names are stripped, lower-cased and freed of a BOM; cells are text
    (whole floats without ``.0``) with one formula-guarding apostrophe removed;
    blank rows are skipped. Control characters raise one
    :class:`ValidationError` listing every cell that holds one.
    """
    if not records:
        return Table(file, name, (), ())
    header = tuple(_cell_text(c).strip().lstrip("\ufeff").lower() for c in records[0])
    rows: list[Row] = []
    problems: list[Problem] = []
    for i, rec in enumerate(records[1:], start=2):
        texts = [restore(_cell_text(c)) for c in rec]
        if not any(t.strip() for t in texts):
            continue
        cells = {col: (texts[j] if j < len(texts) else "") for j, col in enumerate(header) if col}
        for col, text in cells.items():
            bad = _CONTROL.search(text)
            if bad:
                code = f"U+{ord(bad.group()):04X}"
                problems.append(Problem(file, i, col, code, "text without control characters"))
        rows.append(Row(i, cells))
    if problems:
        raise ValidationError(problems)
    return Table(file, name, tuple(c for c in header if c), tuple(rows))


def require_columns(table: Table, required: Iterable[str]) -> list[Problem]:
    """Problems for every required column missing from ``table``'s header."""
    return [
        Problem(table.file, 1, col, None, f"a column named {col!r} in table {table.name!r}")
        for col in required
        if col not in table.columns
    ]


def check_code(
    file: str,
    row: Row,
    seen: dict[str, int],
    problems: list[Problem],
    *,
    valid: Callable[[str], object],
    expected: str,
) -> str:
    """The row's ``code`` cell; a problem when it is not ``valid`` or is used twice.

    ``seen`` maps each code already read to its row number (updated here).
    """
    code = row.get("code")
    if not valid(code):
        problems.append(Problem(file, row.number, "code", code, expected))
    elif code in seen:
        problems.append(
            Problem(file, row.number, "code", code, f"a code not already used in row {seen[code]}")
        )
    else:
        seen[code] = row.number
    return code


def csv_text(columns: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """CSV text (``\\n`` line ends) with a header; text cells neutralised, ``None`` empty."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow(
            ["" if v is None else neutralise(v) if isinstance(v, str) else v for v in row]
        )
    return buffer.getvalue()
