"""Reading and writing the small tables of the assessment area (CSV or XLSX).

A table is a header plus rows of text cells. Rows carry their 1-based
spreadsheet row number (the header is row 1), so every :class:`Problem` can
name the row a user sees in Excel.

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
from pathlib import Path

from esgledger.errors import Problem, ValidationError
from esgledger.spreadsheet import neutralise, restore

__all__ = [
    "Row",
    "Table",
    "check_code",
    "neutralise",
    "read_tables",
    "require_columns",
    "restore",
    "write_csv",
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


def _from_records(file: str, name: str, records: Sequence[Sequence[object]]) -> Table:
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


def read_tables(path: str | Path) -> list[Table]:
    """Read a CSV file (one table named after the file) or every sheet of a workbook.

    Raises :class:`ValidationError` when the file cannot be read at all.
    """
    p = Path(path)
    file = p.name
    if not p.is_file():
        what = "a file, not a folder" if p.is_dir() else "an existing file (not found)"
        raise ValidationError([Problem(file, None, None, None, what)])
    suffix = p.suffix.lower()
    if suffix == ".csv":
        data = p.read_bytes()
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            row = data[: exc.start].count(b"\n") + 1
            expected = "UTF-8 text (in Excel: save as 'CSV UTF-8')"
            raise ValidationError([Problem(file, row, None, None, expected)]) from None
        records = list(csv.reader(io.StringIO(text)))
        return [_from_records(file, p.stem.lower(), records)]
    if suffix in {".xlsx", ".xlsm"}:
        import openpyxl

        try:
            wb = openpyxl.load_workbook(p, read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises many kinds for a broken file
            expected = f"a readable XLSX workbook (this one is not: {type(exc).__name__})"
            raise ValidationError([Problem(file, None, None, None, expected)]) from None
        try:
            tables = []
            for ws in wb.worksheets:
                records = [list(r) for r in ws.iter_rows(values_only=True)]
                tables.append(_from_records(file, ws.title.strip().lower(), records))
            return tables
        finally:
            wb.close()
    raise ValidationError([Problem(file, None, None, p.suffix, "a .csv or .xlsx file")])


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


def write_csv(path: str | Path, columns: Sequence[str], rows: Iterable[Sequence[object]]) -> None:
    """Write a UTF-8 CSV file (no BOM, ``\\n`` line ends) with a header; text neutralised."""
    with Path(path).open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(columns)
        for row in rows:
            writer.writerow(
                ["" if v is None else neutralise(v) if isinstance(v, str) else v for v in row]
            )
