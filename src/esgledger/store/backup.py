"""Logical dump and load of every ledger table, portable between SQLite and PostgreSQL.

:func:`dump_tables` reads all tables inside the caller's transaction (one snapshot:
a SQLite read transaction in WAL mode, or PostgreSQL REPEATABLE READ); values are
encoded as JSON by column type. :func:`load_tables` writes them back in foreign-key
order into a migrated, empty database.
"""

from __future__ import annotations

import base64
from collections.abc import Iterator
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, Date, DateTime, Integer, LargeBinary, Table, func, select, text

from esgledger.store import migrate

__all__ = ["begin_snapshot", "dump_tables", "is_empty", "load_tables", "table_names"]

_SEEDED = {"audit_head"}  # rows every freshly migrated ledger has


def _tables() -> list[Table]:
    return list(migrate.target_metadata().sorted_tables)


def table_names() -> list[str]:
    return [t.name for t in _tables()]


def begin_snapshot(conn: Connection) -> None:
    """Start the one consistent read the dump is taken from."""
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
    conn.execute(select(1)).all()


def _encode(value: Any) -> Any:
    if isinstance(value, datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value.astimezone(UTC).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bytes | memoryview):
        return base64.b64encode(bytes(value)).decode("ascii")
    if isinstance(value, Decimal):
        return str(value)
    return value


def _decode(table: Table, row: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, value in row.items():
        col = table.c[name]
        if value is not None and isinstance(col.type, DateTime):
            value = datetime.fromisoformat(value)
        elif value is not None and isinstance(col.type, Date):
            value = date.fromisoformat(value)
        elif value is not None and isinstance(col.type, LargeBinary):
            value = base64.b64decode(value)
        out[name] = value
    return out


def dump_tables(conn: Connection) -> Iterator[tuple[str, Iterator[dict[str, Any]]]]:
    """Each table's name and its rows (JSON-ready), in foreign-key order."""
    for table in _tables():
        pk = list(table.primary_key.columns) or list(table.c)
        rows = conn.execute(select(table).order_by(*pk))
        yield table.name, ({k: _encode(v) for k, v in r._mapping.items()} for r in rows)


def is_empty(conn: Connection) -> bool:
    """Whether no table holds rows beyond what a fresh migration puts there."""
    for table in _tables():
        if table.name in _SEEDED:
            continue
        if conn.execute(select(func.count()).select_from(table)).scalar_one():
            return False
    return True


def clear_tables(conn: Connection) -> None:
    for table in reversed(_tables()):
        conn.execute(table.delete())


def _parents_first(table: Table, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rows of a table that refers to itself, each after the row it refers to."""
    links = [
        (fk.parent.name, fk.column.name) for fk in table.foreign_keys if fk.column.table is table
    ]
    if not links:
        return rows
    ordered: list[dict[str, Any]] = []
    seen: set[tuple[str, Any]] = set()
    pending = rows
    while pending:
        later = []
        for r in pending:
            if all(r[c] is None or (t, r[c]) in seen for c, t in links):
                ordered.append(r)
                seen.update((t, r[t]) for _, t in links)
            else:
                later.append(r)
        if len(later) == len(pending):  # a cycle or a dangling reference: let the FK say so
            ordered.extend(later)
            break
        pending = later
    return ordered


def load_tables(conn: Connection, data: dict[str, list[dict[str, Any]]]) -> None:
    """Write dumped rows into the (cleared) tables, then move id sequences past them."""
    for table in _tables():
        rows = _parents_first(table, [_decode(table, r) for r in data.get(table.name, [])])
        if table.name in _SEEDED:
            conn.execute(table.delete())
        for start in range(0, len(rows), 1000):
            conn.execute(table.insert(), rows[start : start + 1000])
        if conn.dialect.name == "postgresql" and rows:
            for col in table.primary_key.columns:
                if isinstance(col.type, Integer) and col.autoincrement in (True, "auto"):
                    seq = conn.execute(
                        text("SELECT pg_get_serial_sequence(:t, :c)"),
                        {"t": table.name, "c": col.name},
                    ).scalar()
                    if seq:
                        conn.execute(
                            text(
                                f"SELECT setval('{seq}', "
                                f"(SELECT MAX({col.name}) FROM {table.name}))"
                            )
                        )
