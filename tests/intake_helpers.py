"""Helpers for the intake tests (not fixtures of the shared conftest)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

DATA = Path(__file__).parent / "data" / "intake"
BASE = DATA / "base"
BAD = DATA / "bad"
HELD_OUT = DATA / "held_out"

OBS_HEADER = "entity,period,indicator,value,unit,source,comment\n"
ENT_HEADER = (
    "code,name_en,name_zh,parent,type,ownership_pct,control,region,included_from,included_to\n"
)


def snapshot(ledger: Any) -> tuple[Any, ...]:
    """Everything an import could change: entities, all observation versions, audit trail."""
    return (
        ledger.entities(),
        ledger.observations(history=True),
        [(e.seq, e.hash) for e in ledger.audit_events()],
    )


def sqlite_bytes(url: str) -> bytes:
    """The SQLite database file and its write-ahead log, byte for byte."""
    path = Path(url.removeprefix("sqlite:///"))
    out = path.read_bytes()
    wal = path.with_name(path.name + "-wal")
    if wal.exists():
        out += b"\0WAL\0" + wal.read_bytes()
    return out


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path
