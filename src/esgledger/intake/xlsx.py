"""A small, fast, read-only XLSX reader for the interchange sheets.

openpyxl's read-only mode spends most of its time building cell objects; for
a 100,000-row sheet this streaming reader (zipfile + ElementTree.iterparse)
is several times faster. It yields every cell as text: shared and inline
strings as they are, numbers as the text stored in the file (so a raw value
is kept exactly), booleans as ``TRUE``/``FALSE``, numbers formatted as
dates as ISO 8601 dates (``2024-03`` when the format shows only a year and a
month, as Excel makes of a typed ``2024-03``) and numbers formatted as
percentages as the percentage shown (a cell showing ``83%`` stores 0.83 and
reads as ``83%``). Formulas give their cached result.
"""

from __future__ import annotations

import re
import zipfile
import zlib
from collections.abc import Iterator
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation
from xml.etree.ElementTree import Element, iterparse

from esgledger.errors import EsgError

__all__ = [
    "MAX_CELL_TEXT",
    "MAX_COLUMNS",
    "MAX_PART_BYTES",
    "MAX_RATIO",
    "MAX_ROWS",
    "SheetError",
    "Workbook",
    "XlsxError",
]

_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PKG_REL_NS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_ROW, _C, _V, _IS, _T, _R, _F = (_NS + x for x in ("row", "c", "v", "is", "t", "r", "f"))

# Built-in number formats that show dates (ECMA-376 part 1, 18.8.30).
_BUILTIN_DATE_FORMATS = frozenset({14, 15, 16, 17, 18, 19, 20, 21, 22, 45, 46, 47})
_BUILTIN_PERCENT_FORMATS = frozenset({9, 10})
_BUILTIN_MONTH_FORMATS = frozenset({17})  # mmm-yy
_QUOTED = re.compile(r'"[^"]*"|\[[^\]]*\]|\\.')
_DIGITS = "0123456789"
_DIMENSION = re.compile(r'<(?:\w+:)?dimension ref="[A-Z]+\d+:[A-Z]+(\d+)"')


# Excel's own limits (Excel specifications and limits): a sheet has at most 1,048,576 rows
# and 16,384 columns (A to XFD); a cell holds at most 32,767 characters.
MAX_ROWS = 1_048_576
MAX_COLUMNS = 16_384
MAX_CELL_TEXT = 32_767
# A part of the package may unpack to at most 1 GiB, and (when over 16 MiB) to at most 200
# times its packed size: spreadsheet XML packs 5-30x; a decompression bomb packs 1000x.
MAX_PART_BYTES = 1 << 30
MAX_RATIO = 200
_RATIO_FROM = 16 << 20
# Errors a damaged package raises while a part is read.
DAMAGED = (zipfile.BadZipFile, zlib.error, EOFError, OSError)


class XlsxError(EsgError):
    """The file is not a readable XLSX workbook."""


class SheetError(XlsxError):
    """A worksheet holds something the reader refuses: ``row``/``cell`` say where."""

    def __init__(
        self, expected: str, *, row: int | None = None, cell: str | None = None,
        value: str | None = None,
    ) -> None:  # fmt: skip
        super().__init__(expected)
        self.expected = expected
        self.row = row
        self.cell = cell
        self.value = value


def _column_index(letters: str, ref: str, row: int) -> int:
    """0-based column of ``letters`` (``A`` = 0); SheetError past column XFD or not letters."""
    if not 1 <= len(letters) <= 3 or not letters.isascii() or not letters.isupper():
        raise SheetError(
            "a cell reference such as B7 within columns A to XFD", row=row, value=ref[:20]
        )
    n = 0
    for ch in letters:
        n = n * 26 + (ord(ch) - 64)
    if n > MAX_COLUMNS:
        raise SheetError(
            f"a cell within columns A to XFD (a sheet has at most {MAX_COLUMNS:,} columns)",
            row=row,
            value=ref[:20],
        )
    return n - 1


def _text(el: Element) -> str:
    """The visible text of a string item (``<t>`` directly or in rich-text runs; not phonetics)."""
    parts: list[str] = []
    for child in el:
        if child.tag == _T:
            parts.append(child.text or "")
        elif child.tag == _R:
            t = child.find(_T)
            if t is not None:
                parts.append(t.text or "")
    return "".join(parts)


class Workbook:
    """An open XLSX file: sheet names and a row iterator per sheet."""

    def __init__(self, path: str) -> None:
        try:
            self._zip = zipfile.ZipFile(path)
        except (*DAMAGED, KeyError, SyntaxError, ValueError) as exc:
            raise XlsxError(f"{path} is not a readable .xlsx workbook") from exc
        try:
            self._check_sizes()
            self._sheets, date1904 = self._read_workbook()
        except SheetError:
            self._zip.close()
            raise
        except (*DAMAGED, KeyError, SyntaxError, ValueError) as exc:
            self._zip.close()
            raise XlsxError(f"{path} is not a readable .xlsx workbook") from exc
        self._epoch = datetime(1904, 1, 1) if date1904 else datetime(1899, 12, 30)
        self._shared: list[str] | None = None
        self._date_styles: frozenset[int] | None = None
        self._percent_styles: frozenset[int] = frozenset()
        self._month_styles: frozenset[int] = frozenset()

    def close(self) -> None:
        self._zip.close()

    def __enter__(self) -> Workbook:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def sheet_names(self) -> list[str]:
        return list(self._sheets)

    # -- package parts -------------------------------------------------------
    def _check_sizes(self) -> None:
        """Refuse a decompression bomb before any part is unpacked (sizes from the directory).

        zipfile never unpacks more than a member's declared size (and checks the
        CRC), so the declared sizes bound what reading can cost.
        """
        for info in self._zip.infolist():
            size, packed = info.file_size, max(info.compress_size, 1)
            if size > MAX_PART_BYTES or (size > _RATIO_FROM and size > MAX_RATIO * packed):
                raise SheetError(
                    f"a workbook whose parts unpack to at most {MAX_PART_BYTES >> 20:,} MiB "
                    f"and {MAX_RATIO} times their packed size ({info.filename} unpacks "
                    f"{packed:,} bytes to {size:,})",
                )

    def _rels(self) -> dict[str, tuple[str, str]]:
        out: dict[str, tuple[str, str]] = {}
        with self._zip.open("xl/_rels/workbook.xml.rels") as f:
            for _, el in iterparse(f):  # noqa: S314
                if el.tag == _PKG_REL_NS + "Relationship":
                    target = el.get("Target", "")
                    target = target.lstrip("/") if target.startswith("/") else "xl/" + target
                    out[el.get("Id", "")] = (el.get("Type", ""), target)
        return out

    def _read_workbook(self) -> tuple[dict[str, str], bool]:
        rels = self._rels()
        self._shared_part = next(
            (t for typ, t in rels.values() if typ.endswith("/sharedStrings")), None
        )
        self._styles_part = next((t for typ, t in rels.values() if typ.endswith("/styles")), None)
        sheets: dict[str, str] = {}
        date1904 = False
        with self._zip.open("xl/workbook.xml") as f:
            for _, el in iterparse(f):  # noqa: S314
                if el.tag == _NS + "sheet":
                    rid = el.get(_REL_NS + "id", "")
                    if rid in rels:
                        sheets[el.get("name", "")] = rels[rid][1]
                elif el.tag == _NS + "workbookPr":
                    date1904 = el.get("date1904", "0").lower() in ("1", "true")
        return sheets, date1904

    def _shared_strings(self) -> list[str]:
        if self._shared is None:
            self._shared = []
            if self._shared_part and self._shared_part in self._zip.namelist():
                with self._zip.open(self._shared_part) as f:
                    for _, el in iterparse(f):  # noqa: S314
                        if el.tag == _NS + "si":
                            text = _text(el)
                            if len(text) > MAX_CELL_TEXT:
                                raise SheetError(
                                    f"text of at most {MAX_CELL_TEXT:,} characters in a cell "
                                    f"(shared string {len(self._shared)} has {len(text):,})",
                                    value=text[:30] + "…",
                                )
                            self._shared.append(text)
                            el.clear()
        return self._shared

    def _dates(self) -> frozenset[int]:
        """Indexes of cell styles whose number format shows a date."""
        if self._date_styles is None:
            custom: dict[int, str] = {}
            xfs: list[int] = []
            if self._styles_part and self._styles_part in self._zip.namelist():
                in_cell_xfs = False
                with self._zip.open(self._styles_part) as f:
                    for event, el in iterparse(f, events=("start", "end")):  # noqa: S314
                        if el.tag == _NS + "cellXfs":
                            in_cell_xfs = event == "start"
                        elif event == "end" and el.tag == _NS + "numFmt":
                            custom[int(el.get("numFmtId", "0"))] = el.get("formatCode", "")
                        elif event == "end" and el.tag == _NS + "xf" and in_cell_xfs:
                            xfs.append(int(el.get("numFmtId", "0")))
            dates = set()
            percents = set()
            months = set()
            for i, fmt_id in enumerate(xfs):
                code = _QUOTED.sub("", custom.get(fmt_id, "")).lower()
                if fmt_id in _BUILTIN_DATE_FORMATS or (
                    fmt_id in custom and any(ch in code for ch in "dy")
                ):
                    dates.add(i)
                    if fmt_id in _BUILTIN_MONTH_FORMATS or (
                        fmt_id in custom
                        and "y" in code
                        and "m" in code
                        and not any(ch in code for ch in "dhs")
                    ):
                        months.add(i)
                elif fmt_id in _BUILTIN_PERCENT_FORMATS or (fmt_id in custom and "%" in code):
                    percents.add(i)
            self._date_styles = frozenset(dates)
            self._percent_styles = frozenset(percents)
            self._month_styles = frozenset(months)
        return self._date_styles

    @staticmethod
    def _percent_text(stored: str) -> str:
        """The percentage a percent-formatted cell shows: ``0.83`` -> ``83%`` (exact, no float)."""
        try:
            shown = Decimal(stored) * 100
        except InvalidOperation:
            return stored
        return f"{shown.normalize():f}%"

    def _date_text(self, serial: str) -> str:
        try:
            moment = self._epoch + timedelta(days=float(serial))
        except (OverflowError, ValueError):
            raise SheetError(
                "a date Excel can show (a serial number from 0 to 2958465, up to 9999-12-31)",
                value=serial[:30],
            ) from None
        if moment.hour == moment.minute == moment.second == 0:
            return moment.date().isoformat()
        return moment.isoformat()

    def row_count(self, sheet: str) -> int | None:
        """Data rows below the header, from the sheet's ``<dimension>`` (None if not given)."""
        with self._zip.open(self._sheets[sheet]) as f:
            head = f.read(4096).decode("utf-8", "replace")
        m = _DIMENSION.search(head)
        return max(int(m.group(1)) - 1, 0) if m else None

    # -- rows ----------------------------------------------------------------
    def rows(self, sheet: str) -> Iterator[tuple[int, list[str]]]:
        """(1-based row number, cell texts) for every non-empty row of ``sheet``.

        :class:`SheetError` for a row past 1,048,576, a cell past column XFD, text
        over 32,767 characters, a shared string that does not exist or a date
        Excel cannot show; a damaged package raises zipfile's, zlib's or the XML
        parser's error.
        """
        shared = self._shared_strings()
        dates = self._dates()
        percents, months = self._percent_styles, self._month_styles
        part = self._sheets[sheet]
        n_shared = len(shared)
        with self._zip.open(part) as f:
            next_row = 1
            columns: dict[str, int] = {}
            # the worksheet and its direct children: finished children are dropped at once,
            # so memory stays flat however many rows (or other elements) the sheet holds
            stack: list[Element] = []
            depth = 0
            for event, el in iterparse(f, events=("start", "end")):  # noqa: S314
                if event == "start":
                    if depth < 2:
                        stack.append(el)
                    depth += 1
                    continue
                depth -= 1
                if depth < 2:
                    if depth == 1:
                        stack.pop()
                        stack[0].clear()
                    continue
                if depth > 2 or el.tag != _ROW:
                    if depth == 2:
                        stack[1].clear()
                    continue
                r = el.get("r")
                try:
                    row_number = int(r) if r else next_row
                except ValueError:
                    raise SheetError("a row number", row=next_row, value=r[:20]) from None
                if not 1 <= row_number <= MAX_ROWS:
                    raise SheetError(f"at most {MAX_ROWS:,} rows (Excel's limit)", row=row_number)
                next_row = row_number + 1
                cells: list[str] = []
                ref = ""
                try:
                    for c in el:
                        if c.tag != _C:
                            continue
                        ref = c.get("r") or ""
                        if ref:
                            letters = ref.rstrip(_DIGITS)
                            col = columns.get(letters)
                            if col is None:
                                col = columns[letters] = _column_index(letters, ref, row_number)
                            if col != len(cells):
                                if col < len(cells):
                                    raise SheetError(
                                        "cells in column order", row=row_number, value=ref
                                    )
                                cells.extend([""] * (col - len(cells)))
                        value = self._cell_text(c, shared, n_shared, dates, percents, months)
                        if len(value) > MAX_CELL_TEXT:
                            raise SheetError(
                                f"text of at most {MAX_CELL_TEXT:,} characters in a cell "
                                f"(this one has {len(value):,})",
                                value=value[:30] + "…",
                            )
                        cells.append(value)
                except SheetError as exc:
                    exc.row = exc.row or row_number
                    exc.cell = exc.cell or ref or None
                    raise
                stack[1].clear()
                if any(cells):
                    yield row_number, cells

    def _cell_text(
        self,
        c: Element,
        shared: list[str],
        n_shared: int,
        dates: frozenset[int],
        percents: frozenset[int],
        months: frozenset[int],
    ) -> str:
        kind = c.get("t")
        if kind == "inlineStr":
            is_ = c.find(_IS)
            if is_ is None:
                return ""
            if len(is_) == 1 and is_[0].tag == _T:
                return is_[0].text or ""
            return _text(is_)
        value = c.findtext(_V) or ""
        if not value:
            formula = c.findtext(_F)
            if formula:  # no cached result (written by a program): show it
                return "=" + formula
            return value
        if kind == "s":
            index = int(value) if value.isdigit() else -1
            if not 0 <= index < n_shared:
                raise SheetError(
                    f"a shared string index from 0 to {n_shared - 1} "
                    "(the workbook's string table is damaged)",
                    value=value[:20],
                )
            return shared[index]
        if kind == "b":
            return "TRUE" if value == "1" else "FALSE"
        if kind == "d" and value.endswith("T00:00:00"):
            return value[:10]
        if (dates or percents) and kind in (None, "n"):
            style = c.get("s")
            if style and style.isdigit():
                if int(style) in dates:
                    value = self._date_text(value)
                    if int(style) in months and value[8:] == "01":
                        value = value[:7]
                elif int(style) in percents:
                    value = self._percent_text(value)
        return value
