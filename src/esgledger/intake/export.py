"""Export the ledger in the interchange format (CSV folder or one XLSX workbook).

Observations are written with their raw value and raw unit, exactly as
submitted, so that export → import gives the same ledger back. Text that a
spreadsheet would run as a formula is neutralised (see
:mod:`esgledger.intake.cells`); in a workbook, raw values are written as
numbers whenever the number reads back as the same text.
"""

from __future__ import annotations

import contextlib
import csv
import io
import os
import secrets
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Literal

import openpyxl

from esgledger.errors import EsgError
from esgledger.intake.cells import neutralise, number_text_for_xlsx, parse_number, xlsx_text
from esgledger.intake.tables import ENTITY_COLUMNS, OBSERVATION_COLUMNS, OPTIONAL_COLUMNS
from esgledger.model import Entity, LedgerReader, Observation

__all__ = [
    "Format",
    "entity_cells",
    "export_ledger",
    "save_workbook",
    "write_atomic",
    "write_csv",
    "write_xlsx",
]

Format = Literal["csv", "xlsx"]


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same folder, so an
    interrupted or failed write never leaves a half-written file behind."""
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(6)}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tmp.open("xb") as f:  # the usual permissions (umask), unlike mkstemp's 0600
            f.write(data)
        os.replace(tmp, path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            tmp.unlink(missing_ok=True)
        raise EsgError(f"cannot write {path}: {exc.strerror}") from None


def save_workbook(wb: openpyxl.Workbook, path: Path) -> None:
    """Save an openpyxl workbook to ``path`` atomically (built in memory first)."""
    buffer = io.BytesIO()
    wb.save(buffer)
    write_atomic(path, buffer.getvalue())


def _pct(value: float | None) -> str:
    if value is None:
        return ""
    if value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return repr(value)


def entity_cells(e: Entity) -> list[str]:
    """An entity as the text cells of one row of ``entities.csv``."""
    return [
        e.code,
        e.name_en,
        e.name_zh,
        e.parent or "",
        e.type,
        _pct(e.ownership_pct),
        e.control,
        e.region,
        e.included_from.isoformat() if e.included_from else "",
        e.included_to.isoformat() if e.included_to else "",
    ]


def _observation_cells(o: Observation) -> list[str]:
    return [o.entity, o.period, o.indicator, o.raw_value, o.raw_unit, o.source, o.comment]


def _optional(kind: Literal["entities", "observations"], items: Sequence[Any]) -> list[str]:
    """The optional columns (``provenance``, ``financial_control``) some row sets.

    They are written only when used, so a ledger without them exports the
    files it always did, and one with them round-trips through export and import.
    """
    return [c for c in OPTIONAL_COLUMNS[kind] if any(getattr(i, c, "") for i in items)]


def _tree_order(entities: Sequence[Entity]) -> list[Entity]:
    """Parents before children (then by code), so the file reads top-down."""
    by_parent: dict[str | None, list[Entity]] = {}
    codes = {e.code for e in entities}
    for e in sorted(entities, key=lambda e: e.code):
        by_parent.setdefault(e.parent if e.parent in codes else None, []).append(e)
    out: list[Entity] = []
    stack = list(reversed(by_parent.get(None, [])))
    while stack:
        e = stack.pop()
        out.append(e)
        stack.extend(reversed(by_parent.get(e.code, [])))
    return out


def write_csv(
    entities: Sequence[Entity], observations: Sequence[Observation], folder: str | Path
) -> list[Path]:
    """Write ``entities.csv`` and ``observations.csv`` (UTF-8 with BOM, for Excel) in ``folder``."""
    out = Path(folder)
    e_path, o_path = out / "entities.csv", out / "observations.csv"
    f = io.StringIO(newline="")
    w = csv.writer(f)
    e_extra, o_extra = _optional("entities", entities), _optional("observations", observations)
    w.writerow([*ENTITY_COLUMNS, *e_extra])
    for e in _tree_order(entities):
        w.writerow([neutralise(c) for c in entity_cells(e)] + [getattr(e, c) for c in e_extra])
    e_bytes = f.getvalue().encode("utf-8-sig")
    f = io.StringIO(newline="")
    w = csv.writer(f)
    w.writerow([*OBSERVATION_COLUMNS, *o_extra])
    for o in observations:
        cells = [neutralise(c) for c in _observation_cells(o)]
        if parse_number(o.raw_value) is not None:
            cells[3] = o.raw_value  # a number is never a formula: written as submitted
        w.writerow(cells + [getattr(o, c) for c in o_extra])
    write_atomic(e_path, e_bytes)
    write_atomic(o_path, f.getvalue().encode("utf-8-sig"))
    return [e_path, o_path]


def write_xlsx(
    entities: Sequence[Entity], observations: Sequence[Observation], path: str | Path
) -> Path:
    """Write one workbook with sheets ``entities`` and ``observations``."""
    out = Path(path)
    wb = openpyxl.Workbook(write_only=True)
    e_extra, o_extra = _optional("entities", entities), _optional("observations", observations)
    ws = wb.create_sheet("entities")
    ws.append([*ENTITY_COLUMNS, *e_extra])
    for e in _tree_order(entities):
        row: list[Any] = [xlsx_text(ws, c) for c in entity_cells(e)]
        pct = number_text_for_xlsx(entity_cells(e)[5])
        if pct is not None:
            row[5] = pct  # a number cell when it reads back as the same number
        ws.append(row + [getattr(e, c) for c in e_extra])
    ws = wb.create_sheet("observations")
    ws.append([*OBSERVATION_COLUMNS, *o_extra])
    for o in observations:
        row = [xlsx_text(ws, c) for c in _observation_cells(o)]
        number = number_text_for_xlsx(o.raw_value)
        row[3] = number if number is not None else xlsx_text(ws, o.raw_value)
        ws.append(row + [getattr(o, c) for c in o_extra])
    save_workbook(wb, out)
    return out


def export_ledger(ledger: LedgerReader, fmt: Format, out: str | Path) -> list[Path]:
    """Export the ledger's current entities and observations; returns the files written.

    ``fmt="csv"``: ``out`` is a folder that gets ``entities.csv`` and
    ``observations.csv``; ``fmt="xlsx"``: ``out`` is the workbook's path.
    """
    entities = ledger.entities()
    observations = ledger.observations()
    if fmt == "csv":
        return write_csv(entities, observations, out)
    if fmt == "xlsx":
        return [write_xlsx(entities, observations, out)]
    raise EsgError(f"unknown export format {fmt!r}: expected csv or xlsx")
