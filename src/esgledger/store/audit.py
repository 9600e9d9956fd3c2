"""The append-only, hash-chained audit trail.

Each event's ``hash`` is SHA-256 over the previous event's hash followed by the
canonical JSON of the event itself (seq, at, actor, action, ref, payload), so
editing, deleting or reordering any event breaks the chain from that point on.
A one-row ``audit_head`` table holds the last seq and hash: appends lock it (the
chain never forks under concurrent writers) and verification compares it with
the last event (so events removed from the end are noticed too).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, select, update

from esgledger.errors import AuditError, StorageError
from esgledger.store.database import bulk_insert
from esgledger.store.schema import GENESIS_HASH, audit_events, audit_head

__all__ = [
    "AuditEvent",
    "AuditReport",
    "NewEvent",
    "append_event",
    "append_events",
    "canonical_json",
    "event_hash",
    "iter_events",
    "utc_now_text",
    "verify_chain",
]

_BATCH = 5000


def canonical_json(data: Any) -> str:
    """Deterministic JSON: sorted keys, no spaces, UTF-8 text kept as is."""
    return json.dumps(
        data, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    )


def utc_now_text() -> str:
    """Now, as ISO 8601 UTC text with microseconds (the audit trail's clock)."""
    return datetime.now(UTC).isoformat(timespec="microseconds")


def event_hash(
    prev_hash: str, *, seq: int, at: str, actor: str, action: str, ref: str, payload: str
) -> str:
    """The hash of one event given the previous one (``payload`` is its canonical JSON text)."""
    body = canonical_json(
        {"seq": seq, "at": at, "actor": actor, "action": action, "ref": ref, "payload": payload}
    )
    return hashlib.sha256((prev_hash + body).encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class AuditEvent:
    """One event of the audit trail; ``payload`` is the decoded JSON."""

    seq: int
    at: str
    actor: str
    action: str
    ref: str
    payload: Any
    prev_hash: str
    hash: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "seq": self.seq,
            "at": self.at,
            "actor": self.actor,
            "action": self.action,
            "ref": self.ref,
            "payload": self.payload,
            "prev_hash": self.prev_hash,
            "hash": self.hash,
        }


@dataclass(frozen=True)
class AuditReport:
    """The result of a successful verification."""

    events: int
    head_seq: int
    head_hash: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "ok": True,
            "events": self.events,
            "head_seq": self.head_seq,
            "head_hash": self.head_hash,
        }


@dataclass(frozen=True)
class NewEvent:
    """An event to append: who did what to which thing, with a JSON-able payload."""

    actor: str
    action: str
    ref: str
    payload: Any


def append_event(
    conn: Connection, *, actor: str, action: str, ref: str, payload: Any
) -> AuditEvent:
    """Append one event inside the caller's transaction (locks the chain head)."""
    return append_events(conn, [NewEvent(actor, action, ref, payload)])[0]


def append_events(conn: Connection, events: Sequence[NewEvent]) -> list[AuditEvent]:
    """Append events in order inside the caller's transaction, in bulk."""
    if not events:
        return []
    texts: list[str] = []
    for ev in events:
        try:
            texts.append(canonical_json(ev.payload))
        except (TypeError, ValueError) as exc:
            raise StorageError(
                f"audit payload for {ev.action!r} is not plain JSON data: {exc}"
            ) from None
    head_q = select(audit_head.c.seq, audit_head.c.hash).where(audit_head.c.id == 1)
    if conn.dialect.name != "sqlite":  # SQLite writers are already serialized
        head_q = head_q.with_for_update()
    head = conn.execute(head_q).one_or_none()
    if head is None:
        raise StorageError("the audit trail has no head row; the database was not migrated")
    seq = int(head.seq)
    prev = str(head.hash)
    at = utc_now_text()
    out: list[AuditEvent] = []
    rows: list[dict[str, Any]] = []
    for ev, text in zip(events, texts, strict=True):
        seq += 1
        digest = event_hash(
            prev, seq=seq, at=at, actor=ev.actor, action=ev.action, ref=ev.ref, payload=text
        )
        rows.append(
            {
                "seq": seq,
                "at": at,
                "actor": ev.actor,
                "action": ev.action,
                "ref": ev.ref,
                "payload": text,
                "prev_hash": prev,
                "hash": digest,
            }
        )
        out.append(AuditEvent(seq, at, ev.actor, ev.action, ev.ref, ev.payload, prev, digest))
        prev = digest
    bulk_insert(conn, audit_events, rows)
    conn.execute(update(audit_head).where(audit_head.c.id == 1).values(seq=seq, hash=prev))
    return out


def iter_events(
    conn: Connection, *, since: int = 0, action: str | None = None, ref: str | None = None
) -> Iterator[AuditEvent]:
    """Events with ``seq > since`` in order, read in batches."""
    last = since
    while True:
        q = select(audit_events).where(audit_events.c.seq > last)
        if action is not None:
            q = q.where(audit_events.c.action == action)
        if ref is not None:
            q = q.where(audit_events.c.ref == ref)
        rows = conn.execute(q.order_by(audit_events.c.seq).limit(_BATCH)).all()
        if not rows:
            return
        for r in rows:
            yield AuditEvent(
                r.seq, r.at, r.actor, r.action, r.ref, json.loads(r.payload), r.prev_hash, r.hash
            )
        last = rows[-1].seq


def verify_chain(conn: Connection) -> AuditReport:
    """Recompute the chain; raise :class:`AuditError` naming the first bad seq."""
    prev = GENESIS_HASH
    expected_seq = 1
    count = 0
    last = 0
    while True:
        rows = conn.execute(
            select(audit_events)
            .where(audit_events.c.seq > last)
            .order_by(audit_events.c.seq)
            .limit(_BATCH)
        ).all()
        if not rows:
            break
        for r in rows:
            if r.seq != expected_seq:
                raise AuditError(
                    f"audit trail broken at seq {expected_seq}: event missing "
                    f"(next stored event is seq {r.seq})",
                    hint="the trail was edited outside esgledger; restore it from a backup",
                )
            if r.prev_hash != prev:
                raise AuditError(
                    f"audit trail broken at seq {r.seq}: its prev_hash does not match the "
                    "hash of the event before it (an event was deleted, reordered or edited)",
                    hint="the trail was edited outside esgledger; restore it from a backup",
                )
            digest = event_hash(
                prev,
                seq=r.seq,
                at=r.at,
                actor=r.actor,
                action=r.action,
                ref=r.ref,
                payload=r.payload,
            )
            if digest != r.hash:
                raise AuditError(
                    f"audit trail broken at seq {r.seq}: the event's content does not match "
                    "its hash (it was edited or moved)",
                    hint="the trail was edited outside esgledger; restore it from a backup",
                )
            prev = digest
            expected_seq += 1
            count += 1
        last = rows[-1].seq
    head = conn.execute(
        select(audit_head.c.seq, audit_head.c.hash).where(audit_head.c.id == 1)
    ).one_or_none()
    if head is None or head.seq != count or head.hash != prev:
        missing_from = count + 1
        raise AuditError(
            f"audit trail broken at seq {missing_from}: the chain head records "
            f"{head.seq if head else 'nothing'} events but {count} are stored "
            "(events were deleted from the end, or the head was edited)",
            hint="the trail was edited outside esgledger; restore it from a backup",
        )
    return AuditReport(events=count, head_seq=count, head_hash=prev)
