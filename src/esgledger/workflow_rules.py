"""The workflow's rules as pure functions: status transitions, locks, separation of duties.

draft → submitted → reviewed → approved, and *reject* (submitted or reviewed →
draft) with a reason. Approving a scope locks it; a change to a locked value is
a restatement: a new version that waits (``pending``) in ``submitted`` while the
approved version stays current, and becomes current only when approved.

With separation of duties on (the default), whoever entered or submitted a
value can neither review nor approve it.

Nothing here touches a database: :mod:`esgledger.store.workflow` reads and
writes rows, :mod:`esgledger.services.workflow` calls these rules in between.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from esgledger.errors import (
    ConflictError,
    Hint,
    InputError,
    LockedError,
    NotFoundError,
    PermissionDenied,
)
from esgledger.model import Period, Status

__all__ = [
    "ALL_ENTITIES",
    "NEXT",
    "PREVIOUS",
    "REASON_MAX",
    "VERB",
    "LockKey",
    "LockSet",
    "WorkRow",
    "check_period",
    "check_reason",
    "covers_period",
    "plan_reject",
    "plan_step",
]

ALL_ENTITIES = "*"
REASON_MAX = 2000
PREVIOUS: dict[Status, Status] = {
    "submitted": "draft",
    "reviewed": "submitted",
    "approved": "reviewed",
}
NEXT: dict[Status, Status] = {v: k for k, v in PREVIOUS.items()}
VERB: dict[Status, str] = {"submitted": "submit", "reviewed": "review", "approved": "approve"}

LockKey = tuple[str, str]  # (entity code or '*', period)


@dataclass(frozen=True)
class WorkRow:
    """One observation version as the workflow sees it."""

    id: int
    entity: str
    period: str
    indicator: str
    version: int
    status: Status
    created_by: str
    submitted_by: str | None
    is_current: bool
    pending: bool


def covers_period(scope: str, period: str) -> bool:
    """Whether a period scope (``2024`` or ``2024-03``) covers ``period``."""
    return period == scope or (len(scope) == 4 and period.startswith(scope + "-"))


class LockSet:
    """The locks of a ledger, for fast ``covers(entity, period)`` checks."""

    def __init__(self, keys: Iterable[LockKey]) -> None:
        self._keys = set(keys)

    def __bool__(self) -> bool:
        return bool(self._keys)

    def __contains__(self, key: object) -> bool:
        return key in self._keys

    def covers(self, entity: str, period: str) -> bool:
        if not self._keys:
            return False
        year = period[:4]
        for who in (entity, ALL_ENTITIES):
            if (who, period) in self._keys or (who, year) in self._keys:
                return True
        return False


def check_period(period: str) -> str:
    """The canonical text of a period scope; :class:`InputError` if it is not one."""
    return str(Period.parse(period))


def check_reason(reason: str | None, *, what: str) -> str:
    """A required, non-blank reason (at most :data:`REASON_MAX` characters)."""
    text = (reason or "").strip()
    if not text:
        raise InputError(
            f"{what} needs a reason", hint=Hint("give a reason", kind="option", name="reason")
        )
    if len(text) > REASON_MAX:
        raise InputError(f"the reason is {len(text)} characters; at most {REASON_MAX} allowed")
    return text


def _where(entity: str | None, period: str) -> str:
    return f"{entity or 'all entities'} {period}"


def plan_step(
    rows: Sequence[WorkRow],
    to: Status,
    *,
    locks: LockSet,
    actor: str,
    separation_of_duties: bool,
    period: str,
    entity: str | None,
) -> list[WorkRow]:
    """The rows a workflow step moves to ``to``, or the reason it may not.

    ``rows``: the current versions in scope and the pending restatements.
    Locked current values are approved and stay so (a scope holding nothing
    else is refused, so a step aimed at a locked period says why it did
    nothing); pending restatements move through the steps like any value.
    """
    frm = PREVIOUS[to]
    verb = VERB[to]
    live = [r for r in rows if r.pending or not locks.covers(r.entity, r.period)]
    if rows and not live and to != "approved":
        r = rows[0]
        raise LockedError(
            f"cannot {verb}: {len(rows)} observation(s) are in an approved, locked period "
            f"(first: {r.entity} {r.period})"
        )
    if to == "approved":
        if not rows:
            raise NotFoundError(
                f"nothing to approve: no observations for {period}"
                + (f" of {entity}" if entity else ""),
                hint="a period is locked by approving its data; import it first",
            )
        behind = Counter(r.status for r in live if r.status in ("draft", "submitted"))
        if behind:
            detail = ", ".join(f"{n} {s}" for s, n in sorted(behind.items()))
            raise ConflictError(
                f"cannot approve {_where(entity, period)}: observations not reviewed yet "
                f"({detail})",
                hint=Hint("submit and review them first", kind="command", name="workflow.review"),
            )
    moving = [r for r in live if r.status == frm]
    if separation_of_duties and to in ("reviewed", "approved"):
        own = [r for r in moving if actor in (r.created_by, r.submitted_by)]
        if own:
            r = own[0]
            raise PermissionDenied(
                f"separation of duties: {actor} entered or submitted {len(own)} of the values "
                f"to {verb} in {_where(entity, period)} (first: {r.entity} {r.period} "
                f"{r.indicator}); another user must {verb} them",
            )
    return moving


def plan_reject(
    rows: Sequence[WorkRow], *, locks: LockSet, period: str, entity: str | None
) -> list[WorkRow]:
    """The submitted or reviewed rows a rejection sends back to draft."""
    live = [r for r in rows if r.pending or not locks.covers(r.entity, r.period)]
    moving = [r for r in live if r.status in ("submitted", "reviewed")]
    if not moving:
        if rows and not live:
            raise LockedError(
                f"cannot reject: the values of {_where(entity, period)} are approved and locked",
                hint="a change to a locked value is a restatement: import it with a reason",
            )
        raise ConflictError(
            f"nothing to reject in {_where(entity, period)}: no submitted or reviewed values"
        )
    return moving
