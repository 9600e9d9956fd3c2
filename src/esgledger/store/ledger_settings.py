"""Repository of ledger settings: one row per key (such as ``separation_of_duties``)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, select, update

from esgledger.store.schema_identity import ledger_settings as t_settings

__all__ = ["get_setting", "set_setting"]


def get_setting(conn: Connection, key: str) -> str | None:
    r = conn.execute(select(t_settings.c.value).where(t_settings.c.key == key)).first()
    return None if r is None else str(r.value)


def set_setting(conn: Connection, key: str, value: str, *, actor: str, now: datetime) -> None:
    if get_setting(conn, key) is None:
        conn.execute(
            t_settings.insert().values(key=key, value=value, updated_at=now, updated_by=actor)
        )
    else:
        conn.execute(
            update(t_settings)
            .where(t_settings.c.key == key)
            .values(value=value, updated_at=now, updated_by=actor)
        )
