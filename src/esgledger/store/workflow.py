"""Repository of the workflow: observation statuses, period locks and rejections.

Functions take an open Connection (the caller's transaction). The rules (what a
step may move, locks, separation of duties) are pure functions in
:mod:`esgledger.workflow_rules`; the use cases are :mod:`esgledger.services.workflow`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, bindparam, delete, or_, select, update

from esgledger.model import PeriodLock, Rejection, Status, StatusChange
from esgledger.store.rows import period_filter
from esgledger.store.schema import observations as t_obs
from esgledger.store.schema import period_locks
from esgledger.store.schema_identity import rejections as t_rej
from esgledger.workflow_rules import ALL_ENTITIES, LockSet, WorkRow

__all__ = [
    "ALL_ENTITIES",
    "LockSet",
    "PeriodLock",
    "StatusChange",
    "delete_lock",
    "insert_lock",
    "insert_rejections",
    "load_locks",
    "load_lockset",
    "load_rejections",
    "pending_rows",
    "promote_pending",
    "reject_rows",
    "scope_rows",
    "set_status",
]

_BY = {"submitted": "submitted_by", "reviewed": "reviewed_by", "approved": "approved_by"}


def load_locks(conn: Connection) -> list[PeriodLock]:
    rows = conn.execute(
        select(period_locks).order_by(period_locks.c.period, period_locks.c.entity)
    ).all()
    return [PeriodLock(r.entity, r.period, r.locked_at, r.locked_by) for r in rows]


def load_lockset(conn: Connection) -> LockSet:
    return LockSet((lk.entity, lk.period) for lk in load_locks(conn))


def insert_lock(conn: Connection, entity: str, period: str, *, actor: str, now: datetime) -> None:
    conn.execute(
        period_locks.insert().values(entity=entity, period=period, locked_at=now, locked_by=actor)
    )


def delete_lock(conn: Connection, entity: str, period: str) -> int:
    q = delete(period_locks).where(period_locks.c.entity == entity, period_locks.c.period == period)
    return int(conn.execute(q).rowcount or 0)


def scope_rows(
    conn: Connection,
    period: str,
    entities: Sequence[str] | None,
    indicators: Sequence[str] | None,
) -> list[WorkRow]:
    """Current versions and pending restatements in a period scope (``None``: all)."""
    q = select(
        t_obs.c.id,
        t_obs.c.entity,
        t_obs.c.period,
        t_obs.c.indicator,
        t_obs.c.version,
        t_obs.c.status,
        t_obs.c.created_by,
        t_obs.c.submitted_by,
        t_obs.c.is_current,
        t_obs.c.pending,
    ).where(or_(t_obs.c.is_current.is_(True), t_obs.c.pending.is_(True)), period_filter(period))
    if entities is not None:
        q = q.where(t_obs.c.entity.in_(list(entities)))
    if indicators is not None:
        q = q.where(t_obs.c.indicator.in_(list(indicators)))
    q = q.order_by(t_obs.c.entity, t_obs.c.period, t_obs.c.indicator, t_obs.c.version)
    return [
        WorkRow(
            r.id,
            r.entity,
            r.period,
            r.indicator,
            r.version,
            r.status,
            r.created_by,
            r.submitted_by,
            bool(r.is_current),
            bool(r.pending),
        )
        for r in conn.execute(q)
    ]


def set_status(conn: Connection, ids: Sequence[int], to: Status, *, actor: str) -> None:
    """Move the rows ``ids`` to ``to``, recording who did it."""
    if not ids:
        return
    values: dict[str, Any] = {"status": to}
    if to in _BY:
        values[_BY[to]] = actor
    conn.execute(
        update(t_obs).where(t_obs.c.id == bindparam("b_id")).values(**values),
        [{"b_id": i} for i in ids],
    )


def promote_pending(conn: Connection, rows: Sequence[WorkRow]) -> None:
    """Approved restatements become current; the versions they restate are retired."""
    for r in rows:
        conn.execute(
            update(t_obs)
            .where(
                t_obs.c.entity == r.entity,
                t_obs.c.period == r.period,
                t_obs.c.indicator == r.indicator,
                t_obs.c.is_current.is_(True),
            )
            .values(is_current=False)
        )
        conn.execute(update(t_obs).where(t_obs.c.id == r.id).values(is_current=True, pending=False))


def reject_rows(conn: Connection, rows: Sequence[WorkRow]) -> None:
    """Back to draft; a rejected restatement stops pending (it stays in the history)."""
    if not rows:
        return
    conn.execute(
        update(t_obs)
        .where(t_obs.c.id == bindparam("b_id"))
        .values(status="draft", pending=False, reviewed_by=None),
        [{"b_id": r.id} for r in rows],
    )


def insert_rejections(
    conn: Connection, rows: Sequence[WorkRow], *, reason: str, actor: str, now: datetime
) -> None:
    if not rows:
        return
    conn.execute(
        t_rej.insert(),
        [
            {
                "observation_id": r.id,
                "entity": r.entity,
                "period": r.period,
                "indicator": r.indicator,
                "version": r.version,
                "reason": reason,
                "rejected_by": actor,
                "rejected_at": now,
                "submitted_by": r.submitted_by,
            }
            for r in rows
        ],
    )


def load_rejections(
    conn: Connection, *, entities: Sequence[str] | None = None, period: str | None = None
) -> list[Rejection]:
    q = select(t_rej)
    if entities is not None:
        q = q.where(t_rej.c.entity.in_(list(entities)))
    if period is not None:
        if len(period) == 4:
            q = q.where(or_(t_rej.c.period == period, t_rej.c.period.like(f"{period}-%")))
        else:
            q = q.where(t_rej.c.period == period)
    q = q.order_by(t_rej.c.id)
    return [
        Rejection(
            r.entity,
            r.period,
            r.indicator,
            r.version,
            r.reason,
            r.rejected_by,
            r.rejected_at,
            r.submitted_by,
        )
        for r in conn.execute(q)
    ]


def pending_rows(
    conn: Connection, *, period: str | None = None, entities: Sequence[str] | None = None
) -> list[Any]:
    """Rows of the restatements waiting for approval."""
    q = select(t_obs).where(t_obs.c.pending.is_(True))
    if period is not None:
        q = q.where(period_filter(period))
    if entities is not None:
        q = q.where(t_obs.c.entity.in_(list(entities)))
    q = q.order_by(t_obs.c.entity, t_obs.c.period, t_obs.c.indicator, t_obs.c.version)
    return list(conn.execute(q).all())
