"""Open the interchange files as tables of text cells (CSV or XLSX sheets).

A :class:`Table` is one CSV file or one sheet of a workbook: its label for
messages (the file name, plus ``[sheet]`` for a workbook), its kind
(``entities`` or ``observations``), a column index and a stream of
``(spreadsheet row, cells)`` pairs. Problems with the file itself (missing,
not UTF-8, not a workbook, wrong columns) are appended to ``problems``.
"""

from __future__ import annotations

import csv
import re
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Literal

from esgledger.errors import Problem
from esgledger.intake.cells import restore
from esgledger.intake.xlsx import DAMAGED, SheetError, Workbook, XlsxError

__all__ = [
    "ENTITY_COLUMNS",
    "INFO_COLUMNS",
    "OBSERVATION_COLUMNS",
    "Kind",
    "ReadError",
    "Table",
    "open_tables",
]

Kind = Literal["entities", "observations"]
ENTITY_COLUMNS: tuple[str, ...] = (
    "code",
    "name_en",
    "name_zh",
    "parent",
    "type",
    "ownership_pct",
    "control",
    "region",
    "included_from",
    "included_to",
)
OBSERVATION_COLUMNS: tuple[str, ...] = (
    "entity",
    "period",
    "indicator",
    "value",
    "unit",
    "source",
    "comment",
)
# Informational columns a collection template adds; read and ignored.
INFO_COLUMNS: dict[Kind, tuple[str, ...]] = {
    "entities": (),
    "observations": ("name_en", "name_zh"),
}
# Optional columns that are read when present (empty when absent).
OPTIONAL_COLUMNS: dict[Kind, tuple[str, ...]] = {
    "entities": ("financial_control",),
    "observations": ("provenance",),
}
_COLUMNS: dict[Kind, tuple[str, ...]] = {
    "entities": ENTITY_COLUMNS,
    "observations": OBSERVATION_COLUMNS,
}
XLSX_SUFFIXES = (".xlsx", ".xlsm")
# Characters XML 1.0 (so XLSX) cannot hold; refused so every import can be exported.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


@dataclass
class Table:
    """One CSV file or workbook sheet, header checked, rows not yet read."""

    file: str
    kind: Kind
    index: dict[str, int]
    rows: Iterable[tuple[int, list[str]]]
    book: Workbook | None = None
    total: int | None = None  # expected data rows, for a progress bar
    handle: IO[bytes] | None = None  # an open CSV file

    def close(self) -> None:
        if self.book is not None:
            self.book.close()
        if self.handle is not None:
            self.handle.close()


def _kind_of(path: Path, header: list[str]) -> Kind | None:
    stem = path.stem.lower()
    if stem.startswith("entit"):
        return "entities"
    if stem.startswith("observ"):
        return "observations"
    names = set(header)
    if "indicator" in names:
        return "observations"
    if "code" in names:
        return "entities"
    return None


def _check_header(
    file: str, kind: Kind, header: list[str], problems: list[Problem]
) -> dict[str, int] | None:
    """Column name → index, or None (problems appended) when the header is wrong."""
    wanted = _COLUMNS[kind]
    allowed = set(wanted) | set(INFO_COLUMNS[kind]) | set(OPTIONAL_COLUMNS[kind])
    while header and not header[-1]:
        header = header[:-1]
    index: dict[str, int] = {}
    before = len(problems)
    for i, name in enumerate(header):
        if name in index:
            problems.append(Problem(file, 1, name, name, "each column name once"))
        elif name not in allowed:
            problems.append(
                Problem(file, 1, name or f"#{i + 1}", name, "only the columns " + ", ".join(wanted))
            )
        else:
            index[name] = i
    for name in wanted:
        if name not in index:
            problems.append(Problem(file, 1, name, None, f"a column named {name!r}"))
    return index if len(problems) == before else None


def _norm_header(cells: list[str]) -> list[str]:
    return [c.strip().lstrip("\ufeff").strip().lower() for c in cells]


class ReadError(Exception):
    """A file stopped being readable part-way (bad XML, a CSV field over the size limit)."""

    def __init__(
        self,
        file: str,
        row: int | None,
        expected: str,
        *,
        value: str | None = None,
        column: str | None = None,
    ) -> None:
        super().__init__(f"{file}: {expected}")
        self.problem = Problem(file, row, column, value, expected)

    @classmethod
    def of_sheet(cls, file: str, exc: SheetError) -> ReadError:
        """The problem of a refused worksheet cell (column as its letters)."""
        column = exc.cell.rstrip("0123456789") if exc.cell else None
        return cls(file, exc.row, exc.expected, value=exc.value, column=column)


#: Columns whose text may run over several lines (a quoted field with a line break):
#: free text, names and a text indicator's value.
MULTILINE_COLUMNS = frozenset({"value", "source", "comment", "name_en", "name_zh"})


class _Lines:
    """The decoded lines of a CSV file, read as they are needed (the file is never held whole).

    ``line`` is the number of the last physical line read. A line that is not
    UTF-8 or holds a control character raises :class:`ReadError` naming it.
    """

    def __init__(self, file: str, handle: IO[bytes]) -> None:
        self.file = file
        self.handle = handle
        self.line = 0

    def __iter__(self) -> Iterator[str]:
        for raw in self.handle:
            self.line += 1
            try:
                text = raw.decode("utf-8-sig" if self.line == 1 else "utf-8")
            except UnicodeDecodeError:
                raise ReadError(
                    self.file, self.line, "UTF-8 text (in Excel: save as 'CSV UTF-8')"
                ) from None
            bad = _CONTROL.search(text)
            if bad:
                raise ReadError(
                    self.file,
                    self.line,
                    "text without control characters",
                    value=f"U+{ord(bad.group()):04X}",
                )
            yield text


def _csv_rows(
    file: str,
    lines: _Lines,
    records: Iterator[list[str]],
    names: list[str],
    problems: list[Problem],
) -> Iterator[tuple[int, list[str]]]:
    """(row, cells) of every non-empty record; a row's shape is checked against the header.

    A record with fewer fields than the header (a truncated row), with text in
    fields past the header, or with a line break in a column that holds none
    (see :data:`MULTILINE_COLUMNS`: a quote left open swallows the rows after
    it) is a problem naming the row where the record starts.
    """
    width = len(names)
    row_number = 1
    first_line = lines.line + 1  # the physical line the next record starts on
    try:
        for row_number, cells in enumerate(records, start=2):
            start, first_line = first_line, lines.line + 1
            if not any(cells):
                continue
            where = "" if start == row_number else f" (line {start} of the file)"
            if lines.line > start:  # the record ran over several lines
                broken = [
                    names[i] if i < width else f"#{i + 1}"
                    for i, c in enumerate(cells)
                    if ("\n" in c or "\r" in c)
                    and (i >= width or names[i] not in MULTILINE_COLUMNS)
                ]
                if broken:
                    problems.append(
                        Problem(
                            file,
                            row_number,
                            broken[0],
                            None,
                            "a field without a line break: a quote opened on this row"
                            f"{where} runs on to line {lines.line}; close the quote or "
                            'double a quote that belongs to the text ("")',
                        )
                    )
                    continue
            if len(cells) < width:
                problems.append(
                    Problem(
                        file,
                        row_number,
                        names[len(cells)] or f"#{len(cells) + 1}",
                        None,
                        f"{width} fields as in the header (the row has {len(cells)}: "
                        f"it is cut short){where}",
                    )
                )
                continue
            if any(cells[width:]):
                problems.append(
                    Problem(
                        file,
                        row_number,
                        f"#{width + 1}",
                        next(c for c in cells[width:] if c)[:60],
                        f"{width} fields as in the header (the row has {len(cells)}){where}",
                    )
                )
                continue
            yield row_number, [restore(c) if c[:1] == "'" else c for c in cells]
    except csv.Error as exc:
        row_number += 1
        if "unexpected end of data" in str(exc):
            where = "" if first_line == row_number else f" (line {first_line} of the file)"
            expected = (
                f"a closing quote for the field opened on this row{where}: the quoted text "
                'runs to the end of the file (double a quote that belongs to the text: "")'
            )
        else:
            expected = f"well-formed CSV ({exc})"
        raise ReadError(file, row_number, expected) from exc


def _line_count(handle: IO[bytes]) -> int:
    n = 0
    for chunk in iter(lambda: handle.read(1 << 20), b""):
        n += chunk.count(b"\n")
    handle.seek(0)
    return n


def _open_csv(path: Path, problems: list[Problem]) -> list[Table]:
    file = path.name
    try:
        handle = path.open("rb")
    except OSError as exc:
        problems.append(Problem(file, None, None, None, f"a readable file ({exc.strerror})"))
        return []
    try:
        total = max(_line_count(handle) - 1, 0)
        lines = _Lines(file, handle)
        records = csv.reader(lines, strict=True)
        try:
            header = next(records, None)
        except ReadError as exc:
            problems.append(exc.problem)
            header = None
        except csv.Error as exc:
            problems.append(Problem(file, 1, None, None, f"well-formed CSV ({exc})"))
            header = None
        else:
            if header is None:
                problems.append(Problem(file, 1, None, None, "a header row"))
        if header is None:
            handle.close()
            return []
        names = _norm_header(header)
        kind = _kind_of(path, names)
        if kind is None:
            problems.append(
                Problem(
                    file,
                    1,
                    None,
                    ",".join(names),
                    "the header of entities.csv (code, name_en, ...) "
                    "or of observations.csv (entity, period, indicator, ...)",
                )
            )
            handle.close()
            return []
        index = _check_header(file, kind, names, problems)
        if index is None:
            handle.close()
            return []
    except BaseException:
        handle.close()
        raise
    rows = _csv_rows(file, lines, records, names, problems)
    return [Table(file, kind, index, rows, total=total, handle=handle)]


def _column_letters(i: int) -> str:
    letters = ""
    i += 1
    while i:
        i, rem = divmod(i - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def _sheet_rows(
    file: str, rows: Iterator[tuple[int, list[str]]], width: int, problems: list[Problem]
) -> Iterator[tuple[int, list[str]]]:
    """Rows of a sheet; text in a column past the header's is a problem (the row is left out)."""
    row_number = 1
    try:
        for row_number, cells in rows:
            if any(cells[width:]):
                at = next(i for i in range(width, len(cells)) if cells[i])
                problems.append(
                    Problem(
                        file,
                        row_number,
                        _column_letters(at),
                        cells[at][:60],
                        f"data only in the header's {width} columns (A to "
                        f"{_column_letters(width - 1)})",
                    )
                )
                continue
            yield row_number, cells  # text cells are literal (see intake.cells)
    except SheetError as exc:
        raise ReadError.of_sheet(file, exc) from None
    except (*DAMAGED, SyntaxError, KeyError, IndexError, ValueError) as exc:
        raise ReadError(
            file, None, f"a readable worksheet (stopped after row {row_number}: {_damage(exc)})"
        ) from exc


def _damage(exc: BaseException) -> str:
    if isinstance(exc, zipfile.BadZipFile | zlib.error | EOFError):
        return "the file is damaged (bad checksum or compressed data)"
    if isinstance(exc, SyntaxError):
        return "the sheet's XML is broken"
    return "the sheet's data is malformed"


def _open_xlsx(path: Path, problems: list[Problem]) -> list[Table]:
    try:
        book = Workbook(str(path))
    except FileNotFoundError:
        problems.append(Problem(path.name, None, None, None, "an existing file"))
        return []
    except SheetError as exc:
        problems.append(ReadError.of_sheet(path.name, exc).problem)
        return []
    except (XlsxError, OSError):
        problems.append(Problem(path.name, None, None, None, "a readable .xlsx workbook"))
        return []
    by_name = {name.strip().lower(): name for name in book.sheet_names}
    tables: list[Table] = []
    found = False
    for kind in ("entities", "observations"):
        sheet = by_name.get(kind)
        if sheet is None:
            continue
        found = True
        file = f"{path.name}[{kind}]"
        rows = book.rows(sheet)
        try:
            first = next(rows, None)
        except SheetError as exc:
            problems.append(ReadError.of_sheet(file, exc).problem)
            continue
        except (*DAMAGED, KeyError, SyntaxError, ValueError) as exc:
            problems.append(
                Problem(file, None, None, None, f"a readable worksheet ({_damage(exc)})")
            )
            continue
        if first is None:
            continue  # an empty sheet contributes nothing
        header_row, header = first
        if header_row != 1:
            problems.append(Problem(file, 1, None, None, "the header in row 1"))
            continue
        names = _norm_header(header)
        index = _check_header(file, kind, names, problems)
        if index is not None:
            width = len(names)
            while width and not names[width - 1]:
                width -= 1
            sheet_rows = _sheet_rows(file, rows, width, problems)
            tables.append(Table(file, kind, index, sheet_rows, book, total=book.row_count(sheet)))
    if not tables:
        book.close()
    if not found:
        problems.append(
            Problem(
                path.name,
                None,
                None,
                ", ".join(book.sheet_names),
                "a sheet named 'entities' or 'observations'",
            )
        )
    return tables


def open_tables(paths: Iterable[str | Path], problems: list[Problem]) -> list[Table]:
    """Tables for every path: entities tables first, then observations, in path order."""
    tables: list[Table] = []
    for raw in paths:
        path = Path(raw)
        if not path.is_file():
            problems.append(Problem(path.name or str(path), None, None, None, "an existing file"))
        elif path.suffix.lower() in XLSX_SUFFIXES:
            tables += _open_xlsx(path, problems)
        elif path.suffix.lower() == ".xls":
            problems.append(
                Problem(path.name, None, None, None, "an .xlsx workbook or a .csv file (not .xls)")
            )
        else:
            tables += _open_csv(path, problems)
    return sorted(tables, key=lambda t: t.kind != "entities")
