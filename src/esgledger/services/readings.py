"""Readings in: files (CSV/XLSX, streamed), HTTP batches and MQTT messages, one pipeline.

Every path builds a frame of raw readings (``row, meter, timestamp, value``)
and calls :func:`ingest_frame`: in one transaction the batch is prepared
(:func:`esgledger.energy.deltas.prepare`), the new readings stored (a reading
already stored is not stored again), late counter readings recomputed,
rollups incremented and every bad reading kept in the rejects table with its
error. A file is streamed in chunks of :data:`CHUNK_ROWS` rows, each its own
transaction: a failure part-way leaves the chunks before it stored, and
importing the file again stores only what is missing.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl

from esgledger.energy.deltas import BATCH_SCHEMA, prepare
from esgledger.energy.meters import Meter
from esgledger.errors import InputError, Problem
from esgledger.services.authz import authorize
from esgledger.services.context import Context

__all__ = [
    "CHUNK_ROWS",
    "IngestResult",
    "import_readings",
    "ingest_batch",
    "ingest_frame",
    "recent_rejects",
]

CHUNK_ROWS = 500_000
_HEADERS = {
    "meter": ("meter", "meter_code", "计量器具", "表计", "表计编码"),
    "timestamp": ("timestamp", "time", "ts", "datetime", "时间", "采集时间"),
    "value": ("value", "reading", "读数", "数值"),
}
_SHOWN_REJECTS = 20


@dataclass
class IngestResult:
    """What an ingestion did: counts, and the first rejects as problems."""

    received: int = 0
    stored: int = 0
    duplicates: int = 0
    late: int = 0
    rejected: int = 0
    problems: list[Problem] = field(default_factory=list)

    def add(self, other: IngestResult) -> None:
        self.received += other.received
        self.stored += other.stored
        self.duplicates += other.duplicates
        self.late += other.late
        self.rejected += other.rejected
        room = _SHOWN_REJECTS - len(self.problems)
        self.problems.extend(other.problems[: max(room, 0)])

    def as_dict(self) -> dict[str, Any]:
        return {
            "received": self.received,
            "stored": self.stored,
            "duplicates": self.duplicates,
            "late": self.late,
            "rejected": self.rejected,
            "rejects": [p.as_dict() for p in self.problems],
        }


def _authorize_batch(ctx: Context, frame: pl.DataFrame, meters: Mapping[str, Meter]) -> None:
    codes = set(frame["meter"].drop_nulls().str.strip_chars().unique().to_list())
    for entity in sorted({meters[c].entity for c in codes if c in meters}):
        authorize(ctx, "readings.write", entity)
    if not codes & set(meters):
        authorize(ctx, "readings.write", None)


def ingest_frame(ctx: Context, frame: pl.DataFrame, *, source: str, file: str = "") -> IngestResult:
    """Store a batch of raw readings (``BATCH_SCHEMA``) in one transaction; see module doc."""
    from esgledger.store import energy as repo

    now = ctx.now()
    result = IngestResult(received=frame.height)
    if frame.height == 0:
        return result
    with ctx.ledger.read() as conn:
        meters = repo.load_meters(conn)
    _authorize_batch(ctx, frame, meters)
    with ctx.ledger.transaction() as conn:
        repo.lock_readings(conn)
        codes = set(frame["meter"].drop_nulls().str.strip_chars().unique().to_list()) & set(meters)
        latest = repo.latest_readings(conn, codes)
        counters = {c: v for c, v in latest.items() if meters[c].kind == "counter"}
        prepared = prepare(frame, meters, counters, now=now)
        written = repo.write_readings(conn, prepared.rows, meters, latest)
        rejects = [prepared.rejects, *written.rejects]
        if prepared.late:
            rejects.append(repo.recompute_pending(conn, meters))
        all_rejects = pl.concat(rejects)
        repo.write_rejects(conn, all_rejects, source=source, file=file, now=now)
    result.stored = written.stored
    result.duplicates = prepared.duplicates + written.duplicates
    result.late = prepared.late
    result.rejected = all_rejects.height
    where = file or "request"
    for r in all_rejects.head(_SHOWN_REJECTS).iter_rows(named=True):
        column = str(r["column"])
        row = r["row"]
        result.problems.append(
            Problem(
                where,
                row,
                column,
                r[column] if column in ("meter", "timestamp", "value") else None,
                str(r["error"]),
                field=f"items[{row}].{column}" if source == "api" and row is not None else None,
            )
        )
    return result


def ingest_batch(ctx: Context, items: Sequence[Mapping[str, Any]]) -> IngestResult:
    """Store an HTTP batch: ``[{"meter", "timestamp", "value"}, ...]`` (row = list index).

    Bad items are rejected one by one (kept in the rejects table and listed in
    the result with ``items[i].column``); the others are stored.
    """
    rows = []
    for i, item in enumerate(items):
        if not isinstance(item, Mapping):
            item = {}
        rows.append(
            (
                i,
                _cell(item.get("meter")),
                _cell(item.get("timestamp", item.get("ts"))),
                _cell(item.get("value")),
            )
        )
    frame = pl.DataFrame(rows, schema=BATCH_SCHEMA, orient="row")
    return ingest_frame(ctx, frame, source="api")


def _cell(value: Any) -> str | None:
    if value is None or isinstance(value, bool):
        return None if value is None else str(value)
    return str(value)


# -- files -------------------------------------------------------------------------


def _columns(header: Sequence[str], file: str) -> dict[str, int]:
    norm = [h.strip().lstrip("\ufeff").lower() for h in header]
    found: dict[str, int] = {}
    for name, aliases in _HEADERS.items():
        for i, h in enumerate(norm):
            if h in aliases:
                found[name] = i
                break
    missing = [n for n in _HEADERS if n not in found]
    if missing:
        raise InputError(
            [
                Problem(file, 1, None, ",".join(header), f"a header row with {', '.join(missing)}")
                for _ in [0]
            ],
            what="readings file",
            hint="the first row names the columns: meter,timestamp,value",
        )
    return found


def _csv_chunks(path: Path, chunk_rows: int) -> Iterator[pl.DataFrame]:
    with path.open(encoding="utf-8-sig", newline="") as f:
        header = next(csv.reader([f.readline()]), [])
    cols = _columns(header, path.name)
    names = {v: k for k, v in cols.items()}
    lazy = pl.scan_csv(
        path,
        infer_schema=False,
        has_header=True,
        encoding="utf8-lossy",
        truncate_ragged_lines=True,
    ).with_row_index("row", offset=2)
    lazy = lazy.select(
        pl.col("row").cast(pl.Int64),
        *(pl.nth(i + 1).alias(names[i]) for i in sorted(names)),
    )
    yield from lazy.collect_batches(chunk_size=chunk_rows)


def _xlsx_chunks(path: Path, chunk_rows: int) -> Iterator[pl.DataFrame]:
    from esgledger.intake.xlsx import Workbook

    with Workbook(str(path)) as book:
        sheet = book.sheet_names[0]
        rows = book.rows(sheet)
        first = next(rows, None)
        if first is None:
            raise InputError(
                [Problem(path.name, 1, None, None, "a header row meter,timestamp,value")],
                what="readings file",
            )
        cols = _columns(first[1], path.name)
        buf: list[tuple[int, str | None, str | None, str | None]] = []
        for number, cells in rows:

            def at(name: str, cells: list[str] = cells) -> str | None:
                i = cols[name]
                return cells[i] if i < len(cells) else None

            buf.append((number, at("meter"), at("timestamp"), at("value")))
            if len(buf) >= chunk_rows:
                yield pl.DataFrame(buf, schema=BATCH_SCHEMA, orient="row")
                buf = []
        if buf:
            yield pl.DataFrame(buf, schema=BATCH_SCHEMA, orient="row")


def _prefetched(chunks: Iterator[pl.DataFrame]) -> Iterator[pl.DataFrame]:
    """``chunks``, the next one read in a thread while the caller stores the current one.

    Parsing (polars, without the GIL) overlaps the database's work on the
    other core; at most one chunk waits, so memory stays at two chunks. An
    error while reading is raised in the caller at that chunk.
    """
    import queue
    import threading

    box: queue.Queue[tuple[str, Any]] = queue.Queue(maxsize=1)
    stop = threading.Event()

    def read() -> None:
        try:
            for chunk in chunks:
                while not stop.is_set():
                    try:
                        box.put(("chunk", chunk), timeout=0.5)
                        break
                    except queue.Full:
                        continue
                if stop.is_set():
                    return
            box.put(("end", None))
        except BaseException as exc:  # handed to the caller, raised there
            box.put(("error", exc))

    worker = threading.Thread(target=read, name="readings-prefetch", daemon=True)
    worker.start()
    try:
        while True:
            kind, item = box.get()
            if kind == "end":
                return
            if kind == "error":
                raise item
            yield item
    finally:
        stop.set()
        while worker.is_alive():
            try:
                box.get_nowait()
            except queue.Empty:
                worker.join(0.1)


def import_readings(
    ctx: Context, path: str | Path, *, chunk_rows: int = CHUNK_ROWS
) -> IngestResult:
    """Stream a CSV or XLSX file of readings (``meter, timestamp, value``) into the store."""
    p = Path(path)
    if not p.is_file():
        raise InputError([Problem(str(p), None, None, None, "an existing CSV or XLSX file")])
    suffix = p.suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        raise InputError([Problem(p.name, None, None, p.suffix, "a .csv or .xlsx file")])
    chunks = _xlsx_chunks(p, chunk_rows) if suffix == ".xlsx" else _csv_chunks(p, chunk_rows)
    total = IngestResult()
    for chunk in _prefetched(chunks):
        total.add(ingest_frame(ctx, chunk.cast(BATCH_SCHEMA), source="file", file=p.name))  # type: ignore[arg-type]
    return total


def recent_rejects(ctx: Context, *, limit: int = 100) -> list[dict[str, Any]]:
    """The latest rejected readings with their errors."""
    from esgledger.store import energy as repo

    authorize(ctx, "data.read", None)
    with ctx.ledger.read() as conn:
        return repo.rejects(conn, limit=limit)
