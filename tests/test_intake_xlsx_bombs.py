"""Workbooks built to hurt: dimension and decompression bombs, damaged packages, cells that
break the reader (issue 15, items 3 and 6).

Every workbook is generated here, byte by byte, with zipfile; each is refused with a
problem naming the file and, where there is one, the row and cell, fast and with little
memory, and nothing is written (SQLite and PostgreSQL).
"""

from __future__ import annotations

import resource
import time
import zipfile
from pathlib import Path

import pytest

from esgledger.errors import ValidationError
from esgledger.intake import import_files, read_files
from esgledger.intake.xlsx import MAX_ROWS
from intake_helpers import BASE, snapshot

NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
HEADER = ["entity", "period", "indicator", "value", "unit", "source", "comment"]


def _is(text: str) -> str:
    return f'<c t="inlineStr"><is><t>{text}</t></is></c>'


def header_row() -> str:
    return '<row r="1">' + "".join(_is(h) for h in HEADER) + "</row>"


def good_row(r: int, value: str = "1") -> str:
    cells = [_is("SMELT"), _is(str(2000 + r)), _is("fuel.diesel"), f"<c><v>{value}</v></c>"]
    return f"<row r='{r}'>" + "".join(cells) + _is("t") + "</row>"


def workbook(
    path: Path,
    rows: str | bytes,
    *,
    shared: list[str] | None = None,
    styles: str | None = None,
    compression: int = zipfile.ZIP_DEFLATED,
) -> Path:
    """A minimal valid XLSX package with one sheet named observations."""
    sheet = rows if isinstance(rows, bytes) else rows.encode()
    if not sheet.startswith(b"<?xml"):
        sheet = (
            f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{NS}"><sheetData>'.encode()
            + sheet
            + b"</sheetData></worksheet>"
        )
    rels = (
        '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
        '2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
        'officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
    )
    if shared is not None:
        rels += (
            '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/'
            '2006/relationships/sharedStrings" Target="sharedStrings.xml"/>'
        )
    if styles is not None:
        rels += (
            '<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/'
            '2006/relationships/styles" Target="styles.xml"/>'
        )
    rels += "</Relationships>"
    with zipfile.ZipFile(path, "w", compression=compression) as z:
        z.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        z.writestr(
            "xl/workbook.xml",
            f'<?xml version="1.0"?><workbook xmlns="{NS}" xmlns:r="{R_NS}"><sheets>'
            '<sheet name="observations" sheetId="1" r:id="rId1"/></sheets></workbook>',
        )
        z.writestr("xl/_rels/workbook.xml.rels", rels)
        z.writestr("xl/worksheets/sheet1.xml", sheet)
        if shared is not None:
            items = "".join(f"<si><t>{s}</t></si>" for s in shared)
            z.writestr(
                "xl/sharedStrings.xml", f'<?xml version="1.0"?><sst xmlns="{NS}">{items}</sst>'
            )
        if styles is not None:
            z.writestr("xl/styles.xml", styles)
    return path


def refused(path: Path) -> ValidationError:
    with pytest.raises(ValidationError) as info:
        read_files([path])
    return info.value


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def test_a_minimal_generated_workbook_reads(tmp_path):
    from intake_helpers import ENT_HEADER, write

    ents = write(
        tmp_path / "entities.csv", ENT_HEADER + "SMELT,Smelter,冶炼,,group,,operational,,,\n"
    )
    book = workbook(tmp_path / "ok.xlsx", header_row() + good_row(2) + good_row(3, "2.5"))
    batch = read_files([ents, book])
    assert [o.value for o in batch.observations] == [1.0, 2.5]


@pytest.mark.parametrize("ref", ["ZZZZZZ2", "ZZZZZZZZ2", "XFE2"])
def test_a_cell_past_column_xfd_fails_fast_with_little_memory(tmp_path, ref):
    path = workbook(
        tmp_path / "wide.xlsx", header_row() + f'<row r="2"><c r="{ref}"><v>1</v></c></row>'
    )
    assert path.stat().st_size < 2000  # the probe's 1.8 KB workbook
    before, t0 = _rss_mb(), time.perf_counter()
    err = refused(path)
    assert time.perf_counter() - t0 < 2
    assert _rss_mb() - before < 50
    (p,) = err.problems
    assert (p.file, p.row, p.value) == ("wide.xlsx[observations]", 2, ref)
    assert "columns A to XFD" in p.expected


def test_column_xfd_itself_is_fine(tmp_path):
    path = workbook(
        tmp_path / "xfd.xlsx", header_row() + '<row r="2"><c r="XFD2"><v>1</v></c></row>'
    )
    (p,) = refused(path).problems  # data past the header, not a bad column
    assert (p.row, p.column, p.value) == (2, "XFD", "1")
    assert p.expected == "data only in the header's 7 columns (A to G)"


def test_a_row_past_excels_last_row_is_refused(tmp_path):
    path = workbook(
        tmp_path / "tall.xlsx", header_row() + f'<row r="{MAX_ROWS + 1}"><c><v>1</v></c></row>'
    )
    (p,) = refused(path).problems
    assert (p.row, p.expected) == (MAX_ROWS + 1, "at most 1,048,576 rows (Excel's limit)")


def test_millions_of_empty_rows_stop_at_the_row_limit_with_flat_memory(tmp_path):
    # rows without numbers count up from 1; 1.1 million of them pack to about 100 KB
    path = tmp_path / "empty_rows.xlsx"
    body = header_row().encode() + b"<row/>" * (MAX_ROWS + 50_000)
    workbook(path, body)
    assert path.stat().st_size < 300_000
    before = _rss_mb()
    (p,) = refused(path).problems
    assert p.row == MAX_ROWS + 1
    assert _rss_mb() - before < 100


def test_a_decompression_bomb_is_refused_before_unpacking(tmp_path):
    # 40 MB of whitespace inside the sheet packs to about 40 KB (1000x)
    body = header_row().encode() + b" " * (40 << 20) + good_row(2).encode()
    path = workbook(tmp_path / "bomb.xlsx", body)
    assert path.stat().st_size < 200_000
    before, t0 = _rss_mb(), time.perf_counter()
    (p,) = refused(path).problems
    assert time.perf_counter() - t0 < 2 and _rss_mb() - before < 50
    assert p.file == "bomb.xlsx"
    assert "200 times their packed size" in p.expected
    assert "xl/worksheets/sheet1.xml" in p.expected


def test_a_part_over_the_absolute_limit_is_refused(tmp_path, monkeypatch):
    from esgledger.intake import xlsx

    monkeypatch.setattr(xlsx, "MAX_PART_BYTES", 1000)
    path = workbook(
        tmp_path / "big.xlsx", header_row() + good_row(2) * 20, compression=zipfile.ZIP_STORED
    )
    (p,) = refused(path).problems
    assert "unpack to at most" in p.expected


def test_a_cell_over_32767_characters_is_refused(tmp_path):
    long = "x" * 32_768
    path = workbook(
        tmp_path / "long.xlsx",
        header_row()
        + f'<row r="2">{_is("SMELT")}<c r="F2" t="inlineStr"><is><t>{long}</t></is></c></row>',
    )
    (p,) = refused(path).problems
    assert (p.row, p.column) == (2, "F")
    assert "at most 32,767 characters" in p.expected
    path = workbook(tmp_path / "long_shared.xlsx", header_row(), shared=[long])
    (p,) = refused(path).problems
    assert "at most 32,767 characters" in p.expected


def test_a_bad_crc_is_a_clear_problem(tmp_path):
    good = workbook(
        tmp_path / "good.xlsx",
        header_row() + "".join(good_row(r) for r in range(2, 40)),
        compression=zipfile.ZIP_STORED,
    )
    data = bytearray(good.read_bytes())
    at = data.index(b"fuel.diesel", data.index(b"sheet1.xml"))  # inside the sheet's bytes
    data[at : at + 4] = b"FUEL"
    bad = tmp_path / "crc.xlsx"
    bad.write_bytes(bytes(data))
    (p,) = refused(bad).problems
    assert p.file == "crc.xlsx[observations]"
    assert "damaged (bad checksum or compressed data)" in p.expected


def test_damaged_compressed_data_is_a_clear_problem(tmp_path):
    good = workbook(
        tmp_path / "good.xlsx", header_row() + "".join(good_row(r) for r in range(2, 400))
    )
    data = bytearray(good.read_bytes())
    start = data.index(b"xl/worksheets/sheet1.xml") + 40
    for i in range(start, start + 200):
        data[i] ^= 0x5A
    bad = tmp_path / "zlib.xlsx"
    bad.write_bytes(bytes(data))
    (p,) = refused(bad).problems
    assert "damaged" in p.expected or "readable" in p.expected


def test_a_date_cell_holding_1e20_is_a_clear_problem(tmp_path):
    styles = (
        f'<?xml version="1.0"?><styleSheet xmlns="{NS}"><cellXfs count="2">'
        '<xf numFmtId="0"/><xf numFmtId="14"/></cellXfs></styleSheet>'
    )
    path = workbook(
        tmp_path / "date.xlsx",
        header_row() + f'<row r="2">{_is("SMELT")}<c r="B2" s="1"><v>1e20</v></c></row>',
        styles=styles,
    )
    (p,) = refused(path).problems
    assert (p.row, p.column, p.value) == (2, "B", "1e20")
    assert "a date Excel can show" in p.expected


@pytest.mark.parametrize("index", ["-1", "5", "x"])
def test_a_shared_string_index_out_of_range_is_a_clear_problem(tmp_path, index):
    path = workbook(
        tmp_path / "sst.xlsx",
        header_row() + f'<row r="2"><c r="A2" t="s"><v>{index}</v></c></row>',
        shared=["SMELT", "last"],
    )
    (p,) = refused(path).problems
    assert (p.row, p.column, p.value) == (2, "A", index)
    assert "a shared string index from 0 to 1" in p.expected


@pytest.mark.parametrize(
    "payload",
    [
        "wide",
        "bomb",
        "crc",
    ],
)
def test_bombs_write_nothing_on_either_engine(ledger, tmp_path, payload):
    import_files(ledger, [BASE / "entities.csv"], actor="t")
    before = snapshot(ledger)
    if payload == "wide":
        path = workbook(
            tmp_path / "w.xlsx",
            header_row() + good_row(2) + '<row r="3"><c r="ZZZZZZ3"><v>1</v></c></row>',
        )
    elif payload == "bomb":
        path = workbook(tmp_path / "b.xlsx", header_row().encode() + b" " * (40 << 20))
    else:
        good = workbook(
            tmp_path / "g.xlsx", header_row() + good_row(2), compression=zipfile.ZIP_STORED
        )
        data = bytearray(good.read_bytes())
        at = data.index(b"fuel.diesel", data.index(b"sheet1.xml"))
        data[at : at + 4] = b"FUEL"
        path = tmp_path / "c.xlsx"
        path.write_bytes(bytes(data))
    with pytest.raises(ValidationError):
        import_files(ledger, [path], actor="t")
    assert snapshot(ledger) == before
