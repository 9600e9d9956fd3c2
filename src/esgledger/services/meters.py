"""Meter registry use cases: add, import, list and export meters.

A meter file (CSV or XLSX) has the columns of
:data:`esgledger.energy.meters.COLUMNS` (``code, entity, carrier, unit`` are
required). An import is all or nothing: every problem is listed and nothing
is written when there is one.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator, Mapping
from pathlib import Path

from esgledger.energy.meters import COLUMNS, Meter, check_meter_rows, check_tree
from esgledger.errors import InputError, NotFoundError, Problem
from esgledger.services.authz import authorize, visible_entities
from esgledger.services.context import Context

__all__ = ["add_meter", "carriers", "export_meters", "import_meters", "list_meters"]


def carriers() -> list[str]:
    """Indicator codes a meter may feed: the catalogue's energy and fuel quantities."""
    from esgledger.catalog.indicators import load_indicators

    return sorted(
        code
        for code, ind in load_indicators().items()
        if code.startswith(("energy.", "fuel.", "water.")) and ind.kind == "quantity"
    )


def _save(
    ctx: Context, items: list[Meter], rows: Mapping[str, int], file: str
) -> tuple[int, int, int]:
    from esgledger.store import energy as repo

    for entity in sorted({m.entity for m in items}):
        authorize(ctx, "meters.manage", entity)
    with ctx.ledger.transaction() as conn:
        known = repo.load_meters(conn)
        problems = check_tree(items, known, file=file, rows=rows)
        if problems:
            raise InputError(problems, what="meters")
        counts = repo.put_meters(conn, items, actor=ctx.actor, now=ctx.now())
        ctx.ledger.append_audit(
            conn,
            actor=ctx.actor,
            action="meters.put",
            ref=file,
            payload={"meters": [m.code for m in items], "counts": list(counts)},
        )
    return counts


def add_meter(ctx: Context, cells: Mapping[str, str]) -> Meter:
    """Register (or change) one meter from field values named as the file columns."""
    entities = [e.code for e in ctx.entities()]
    meters, problems = check_meter_rows(
        [(1, cells)], file="meter", entities=entities, carriers=carriers()
    )
    if problems:
        raise InputError(
            [
                Problem(p.file, None, p.column, p.value, p.expected, field=p.column)
                for p in problems
            ],
            what="meter",
        )
    _save(ctx, meters, {meters[0].code: 1}, "meter")
    return meters[0]


def _file_rows(path: Path) -> Iterator[tuple[int, dict[str, str]]]:
    from esgledger.spreadsheet import restore

    for number, cells in _raw_rows(path):
        yield number, {k: restore(v or "") for k, v in cells.items()}


def _raw_rows(path: Path) -> Iterator[tuple[int, dict[str, str]]]:
    if path.suffix.lower() == ".xlsx":
        from esgledger.intake.xlsx import Workbook

        with Workbook(str(path)) as book:
            rows = book.rows(book.sheet_names[0])
            first = next(rows, None)
            if first is None:
                return
            header = [h.strip().lower() for h in first[1]]
            for number, cells in rows:
                yield number, dict(zip(header, cells, strict=False))
        return
    with path.open(encoding="utf-8-sig", newline="") as f:
        reader = csv.reader(f)
        header = [h.strip().lower() for h in next(reader, [])]
        for i, cells in enumerate(reader, start=2):
            if any(c.strip() for c in cells):
                yield i, dict(zip(header, cells, strict=False))


def import_meters(ctx: Context, path: str | Path) -> tuple[int, int, int]:
    """Register the meters of a CSV/XLSX file; return (added, updated, unchanged)."""
    p = Path(path)
    if not p.is_file() or p.suffix.lower() not in (".csv", ".xlsx"):
        raise InputError([Problem(str(p), None, None, None, "an existing .csv or .xlsx file")])
    rows = list(_file_rows(p))
    entities = [e.code for e in ctx.entities()]
    meters, problems = check_meter_rows(rows, file=p.name, entities=entities, carriers=carriers())
    if problems:
        raise InputError(problems, what="meter file", hint="columns: " + ",".join(COLUMNS))
    codes = {cells.get("code", "").strip(): n for n, cells in rows}
    return _save(ctx, meters, codes, p.name)


def list_meters(ctx: Context, entity: str | None = None) -> list[Meter]:
    """Registered meters (of ``entity``), those the user may read."""
    from esgledger.store import energy as repo

    if entity is not None:
        authorize(ctx, "data.read", entity)
    with ctx.ledger.read() as conn:
        found = list(repo.load_meters(conn).values())
    if entity is not None:
        found = [m for m in found if m.entity == entity]
        if not found and entity not in {e.code for e in ctx.entities()}:
            raise NotFoundError(f"no entity {entity!r}")
    allowed = set(visible_entities(ctx, "data.read", {m.entity for m in found}))
    return [m for m in found if m.entity in allowed]


def export_meters(ctx: Context, path: str | Path, entity: str | None = None) -> int:
    """Write the registry as CSV or XLSX (by the suffix); return the number of meters."""
    found = list_meters(ctx, entity)
    p = Path(path)
    from esgledger.spreadsheet import neutralise

    rows = [{k: neutralise(v) for k, v in m.as_row().items()} for m in found]
    if p.suffix.lower() == ".xlsx":
        from openpyxl import Workbook

        book = Workbook()
        sheet = book.active
        sheet.title = "meters"
        sheet.append(list(COLUMNS))
        for r in rows:
            sheet.append([r[c] for c in COLUMNS])
        book.save(p)
    else:
        with p.open("w", encoding="utf-8", newline="") as f:
            writer = csv.DictWriter(f, fieldnames=list(COLUMNS))
            writer.writeheader()
            writer.writerows(rows)
    return len(found)
