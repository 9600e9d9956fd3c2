"""The e-mail outbox: messages queued in the ledger's transaction, delivered later.

``dedupe`` is unique: a reminder queued twice (say by two digest runs on the
same day) is stored once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Row, select, update

from esgledger.store.schema_portal import outbox as t_out

__all__ = ["Message", "enqueue", "list_messages", "mark_failed", "mark_sent", "pending"]


@dataclass(frozen=True)
class Message:
    id: int
    recipient: str
    address: str
    kind: str
    subject: str
    body: str
    dedupe: str
    created_at: datetime
    sent_at: datetime | None
    attempts: int
    last_error: str


def _row(r: Row[Any]) -> Message:
    return Message(
        int(r.id),
        r.recipient,
        r.address,
        r.kind,
        r.subject,
        r.body,
        r.dedupe,
        r.created_at,
        r.sent_at,
        int(r.attempts),
        r.last_error,
    )


def enqueue(
    conn: Connection,
    *,
    recipient: str,
    address: str,
    kind: str,
    subject: str,
    body: str,
    dedupe: str,
    at: datetime,
) -> bool:
    """Queue one message; False when one with the same ``dedupe`` key is already queued."""
    found = conn.execute(select(t_out.c.id).where(t_out.c.dedupe == dedupe)).first()
    if found is not None:
        return False
    conn.execute(
        t_out.insert().values(
            recipient=recipient,
            address=address,
            kind=kind,
            subject=subject,
            body=body,
            dedupe=dedupe,
            created_at=at,
            sent_at=None,
            attempts=0,
            last_error="",
        )
    )
    return True


def pending(conn: Connection, *, max_attempts: int = 5, limit: int = 100) -> list[Message]:
    q = (
        select(t_out)
        .where(t_out.c.sent_at.is_(None), t_out.c.attempts < max_attempts)
        .order_by(t_out.c.id)
        .limit(limit)
    )
    return [_row(r) for r in conn.execute(q).all()]


def list_messages(conn: Connection, *, limit: int = 200) -> list[Message]:
    q = select(t_out).order_by(t_out.c.id.desc()).limit(limit)
    return [_row(r) for r in conn.execute(q).all()]


def mark_sent(conn: Connection, message_id: int, at: datetime) -> None:
    conn.execute(
        update(t_out)
        .where(t_out.c.id == message_id)
        .values(sent_at=at, attempts=t_out.c.attempts + 1, last_error="")
    )


def mark_failed(conn: Connection, message_id: int, error: str) -> None:
    conn.execute(
        update(t_out)
        .where(t_out.c.id == message_id)
        .values(attempts=t_out.c.attempts + 1, last_error=error[:2000])
    )
