"""The e-mail outbox: messages queued in the ledger's transaction, delivered later.

``dedupe`` is unique: a reminder queued twice (say by two digest runs on the
same day) is stored once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Row, or_, select, update

from esgledger.store.schema_portal import outbox as t_out

__all__ = [
    "Message",
    "claim",
    "enqueue",
    "list_messages",
    "mark_failed",
    "mark_sent",
    "pending",
]


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


def claim(
    conn: Connection,
    *,
    worker: str,
    now: datetime,
    lease: timedelta,
    max_attempts: int = 5,
    limit: int = 100,
) -> list[Message]:
    """Claim up to ``limit`` unsent messages for ``worker`` until ``now + lease``.

    A message is claimable when nobody holds a live claim on it. Each row is
    taken by a conditional UPDATE (``WHERE`` the claim is still free), so of
    two senders racing for one message exactly one updates it: on PostgreSQL
    the second waits for the first's row lock, then finds the claim taken;
    SQLite runs one writer at a time. A sender that dies mid-batch leaves
    claims that expire after ``lease``, and its messages are sent again
    (at least once after a crash; never twice while both senders live).
    """
    free = or_(t_out.c.claimed_until.is_(None), t_out.c.claimed_until < now)
    unsent = (t_out.c.sent_at.is_(None), t_out.c.attempts < max_attempts)
    ids = [
        int(r.id)
        for r in conn.execute(
            select(t_out.c.id).where(*unsent, free).order_by(t_out.c.id).limit(limit)
        )
    ]
    mine: list[int] = []
    for message_id in ids:
        done = conn.execute(
            update(t_out)
            .where(t_out.c.id == message_id, *unsent, free)
            .values(claimed_by=worker, claimed_until=now + lease)
        )
        if done.rowcount == 1:
            mine.append(message_id)
    if not mine:
        return []
    rows = conn.execute(select(t_out).where(t_out.c.id.in_(mine)).order_by(t_out.c.id)).all()
    return [_row(r) for r in rows]


def list_messages(conn: Connection, *, limit: int = 200) -> list[Message]:
    q = select(t_out).order_by(t_out.c.id.desc()).limit(limit)
    return [_row(r) for r in conn.execute(q).all()]


def mark_sent(conn: Connection, message_id: int, at: datetime) -> None:
    conn.execute(
        update(t_out)
        .where(t_out.c.id == message_id)
        .values(
            sent_at=at,
            attempts=t_out.c.attempts + 1,
            last_error="",
            claimed_by=None,
            claimed_until=None,
        )
    )


def mark_failed(conn: Connection, message_id: int, error: str) -> None:
    conn.execute(
        update(t_out)
        .where(t_out.c.id == message_id)
        .values(
            attempts=t_out.c.attempts + 1,
            last_error=error[:2000],
            claimed_by=None,
            claimed_until=None,
        )
    )
