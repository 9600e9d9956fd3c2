"""Status workflow and period locks: draft → submitted → reviewed → approved.

A period scope is a year (``2024``, covering the year and its months) or a
month (``2024-03``), for one entity or for all (``entity=None``, stored as
``'*'``). Approving a scope requires every current observation in it to be
reviewed; it marks them approved and locks the scope. A later change to a
locked scope is refused (:class:`~esgledger.errors.LockedError`) unless it is
a restatement with a reason, which is audited. ``submit`` and ``review`` skip
the (approved) values of locked scopes, and refuse a scope that holds nothing else.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, bindparam, select, update

from esgledger.errors import LockedError, NotFoundError, StorageError
from esgledger.model import Period, Status
from esgledger.store.audit import NewEvent, append_events
from esgledger.store.rows import check_actor, period_filter
from esgledger.store.schema import observations as t_obs
from esgledger.store.schema import period_locks

if TYPE_CHECKING:
    from esgledger.store.ledger import Ledger

__all__ = [
    "ALL_ENTITIES",
    "LockSet",
    "PeriodLock",
    "StatusChange",
    "approve",
    "load_locks",
    "locks",
    "review",
    "submit",
]

ALL_ENTITIES = "*"
_PREVIOUS: dict[Status, Status] = {
    "submitted": "draft",
    "reviewed": "submitted",
    "approved": "reviewed",
}
_VERB = {"submitted": "submit", "reviewed": "review", "approved": "approve"}


@dataclass(frozen=True)
class PeriodLock:
    """An approved, locked scope."""

    entity: str  # an entity code or '*'
    period: str
    locked_at: datetime
    locked_by: str


@dataclass(frozen=True)
class StatusChange:
    """What a workflow step did."""

    action: str
    period: str
    entity: str | None
    changed: int
    locked: bool = False

    def as_dict(self) -> dict[str, Any]:
        return {
            "action": self.action,
            "period": self.period,
            "entity": self.entity,
            "changed": self.changed,
            "locked": self.locked,
        }


class LockSet:
    """The locks of a ledger, for fast ``covers(entity, period)`` checks."""

    def __init__(self, locks: list[PeriodLock]) -> None:
        self._keys = {(lk.entity, lk.period) for lk in locks}

    def __bool__(self) -> bool:
        return bool(self._keys)

    def covers(self, entity: str, period: str) -> bool:
        if not self._keys:
            return False
        year = period[:4]
        for who in (entity, ALL_ENTITIES):
            if (who, period) in self._keys or (who, year) in self._keys:
                return True
        return False


def _check_period(period: str) -> str:
    try:
        return str(Period.parse(period))
    except Exception:
        raise StorageError(f"bad period {period!r}: expected YYYY or YYYY-MM") from None


def load_locks(conn: Connection) -> list[PeriodLock]:
    rows = conn.execute(
        select(period_locks).order_by(period_locks.c.period, period_locks.c.entity)
    ).all()
    return [PeriodLock(r.entity, r.period, r.locked_at, r.locked_by) for r in rows]


def locks(ledger: Ledger) -> list[PeriodLock]:
    """Every locked scope, by period."""
    with ledger.read() as conn:
        return load_locks(conn)


def _scope(period: str, entity: str | None, indicator: str | None) -> list[Any]:
    where = [t_obs.c.is_current.is_(True), period_filter(period)]
    if entity is not None:
        where.append(t_obs.c.entity == entity)
    if indicator is not None:
        where.append(t_obs.c.indicator == indicator)
    return where


def _advance(
    ledger: Ledger,
    to: Status,
    *,
    period: str,
    entity: str | None,
    indicator: str | None,
    actor: str,
) -> StatusChange:
    check_actor(actor)
    period = _check_period(period)
    frm = _PREVIOUS[to]
    verb = _VERB[to]
    with ledger.transaction() as conn:
        lockset = LockSet(load_locks(conn))
        rows = conn.execute(
            select(t_obs.c.id, t_obs.c.entity, t_obs.c.period, t_obs.c.status).where(
                *_scope(period, entity, indicator)
            )
        ).all()
        locked = [r for r in rows if lockset.covers(r.entity, r.period)]
        # Locked rows are approved and stay so; a scope that holds nothing else is refused,
        # so that a step aimed at a locked period says why it did nothing.
        if locked and to != "approved" and len(locked) == len(rows):
            r = locked[0]
            raise LockedError(
                f"cannot {verb}: {len(locked)} observation(s) are in an approved, locked period "
                f"(first: {r.entity} {r.period})"
            )
        if to == "approved" and not rows:
            raise NotFoundError(
                f"nothing to approve: no observations for {period}"
                + (f" of {entity}" if entity else ""),
                hint="a period is locked by approving its data; import it first",
            )
        if to == "approved":
            behind = Counter(r.status for r in rows if r.status in ("draft", "submitted"))
            if behind:
                detail = ", ".join(f"{n} {s}" for s, n in sorted(behind.items()))
                raise StorageError(
                    f"cannot approve {entity or 'all entities'} {period}: "
                    f"observations not reviewed yet ({detail})",
                    hint="submit and review them first: esgledger submit / esgledger review",
                )
        locked_ids = {r.id for r in locked}
        ids = sorted(r.id for r in rows if r.status == frm and r.id not in locked_ids)
        lock_key = (entity or ALL_ENTITIES, period)
        new_lock = to == "approved" and lock_key not in {
            (lk.entity, lk.period) for lk in load_locks(conn)
        }
        if not ids and not new_lock:
            return StatusChange(verb, period, entity, 0)
        if ids:
            conn.execute(
                update(t_obs).where(t_obs.c.id == bindparam("b_id")).values(status=to),
                [{"b_id": i} for i in ids],
            )
        if new_lock:
            conn.execute(
                period_locks.insert().values(
                    entity=lock_key[0],
                    period=period,
                    locked_at=datetime.now(UTC),
                    locked_by=actor,
                )
            )
        payload = {
            "from": frm,
            "to": to,
            "period": period,
            "entity": entity,
            "indicator": indicator,
            "count": len(ids),
            "ids": ids,
            "locked": new_lock,
        }
        append_events(conn, [NewEvent(actor, f"status.{verb}", f"{lock_key[0]}/{period}", payload)])
        return StatusChange(verb, period, entity, len(ids), locked=new_lock)


def submit(
    ledger: Ledger,
    *,
    period: str,
    entity: str | None = None,
    indicator: str | None = None,
    actor: str,
) -> StatusChange:
    """Draft → submitted for the current observations in scope."""
    return _advance(
        ledger, "submitted", period=period, entity=entity, indicator=indicator, actor=actor
    )


def review(
    ledger: Ledger,
    *,
    period: str,
    entity: str | None = None,
    indicator: str | None = None,
    actor: str,
) -> StatusChange:
    """Submitted → reviewed for the current observations in scope."""
    return _advance(
        ledger, "reviewed", period=period, entity=entity, indicator=indicator, actor=actor
    )


def approve(ledger: Ledger, *, period: str, entity: str | None = None, actor: str) -> StatusChange:
    """Reviewed → approved for the scope, and lock it (every observation must be reviewed).

    A scope without observations is refused (:class:`NotFoundError`), so a
    mistyped year or entity is never locked.
    """
    return _advance(ledger, "approved", period=period, entity=entity, indicator=None, actor=actor)
