"""Workflow use cases: submit, review, approve, reject, lock, unlock; restatements; settings.

draft → submitted → reviewed → approved (which locks the scope); reject sends
submitted or reviewed values back to draft with a reason their submitter sees
(:func:`rejections`). A change to a locked value is a restatement request (see
:mod:`esgledger.store.importer`): it waits in ``submitted`` and goes through
review and approval like any value; until then the approved version is the one
reads, calculations and reports use.

Separation of duties (on by default; :func:`set_separation_of_duties`): whoever
entered or submitted a value can neither review nor approve it.

A scope is a period (a year covers its months) and one entity (``None``: every
entity the user may act on; a group-wide step, approval and locks of all
entities need a membership on the whole group). Rules are pure functions in
:mod:`esgledger.workflow_rules`.
"""

from __future__ import annotations

from collections.abc import Sequence

from esgledger.catalog.indicators import load_indicators
from esgledger.errors import ConflictError, Hint, NotFoundError
from esgledger.model import Observation, PeriodLock, Rejection, Status, StatusChange
from esgledger.services.authz import UNKNOWN_ENTITY_HINT, authorize, visible_entities
from esgledger.services.context import GROUP, Context
from esgledger.store import Connection
from esgledger.store import ledger_settings as settings_repo
from esgledger.store import workflow as repo
from esgledger.store.audit import NewEvent, append_events
from esgledger.store.rows import observation_from_row
from esgledger.workflow_rules import (
    ALL_ENTITIES,
    VERB,
    check_period,
    check_reason,
    plan_reject,
    plan_step,
)

__all__ = [
    "SEPARATION_OF_DUTIES",
    "approve",
    "lock",
    "locks",
    "reject",
    "rejections",
    "restatements",
    "review",
    "separation_of_duties",
    "set_separation_of_duties",
    "submit",
    "unlock",
]

#: The ledger setting (``ledger_settings.key``) that holds separation of duties.
SEPARATION_OF_DUTIES = "separation_of_duties"

_ACTION: dict[Status, str] = {
    "submitted": "data.submit",
    "reviewed": "data.review",
    "approved": "data.approve",
}


def _check_scope(
    ctx: Context, action: str, entity: str | None, indicators: Sequence[str] | None
) -> list[str] | None:
    """The entity codes a step covers (``None``: all), after authorization."""
    if indicators is not None:
        known = load_indicators()
        for code in indicators:
            if code not in known:
                raise NotFoundError(
                    f"unknown indicator {code!r}",
                    hint=Hint("search the indicators", kind="command", name="indicators"),
                )
    if entity is not None and entity != GROUP:
        authorize(ctx, action, entity)
        if entity not in {e.code for e in ctx.entities()}:
            raise NotFoundError(
                f"unknown entity {entity!r}",
                hint=UNKNOWN_ENTITY_HINT,
            )
        return [entity]
    codes = [e.code for e in ctx.entities()]
    mine = visible_entities(ctx, action, codes)
    if len(mine) == len(codes):
        return None
    if not mine:
        authorize(ctx, action, None)  # raises: says what is missing
    return mine


def separation_of_duties(ctx: Context) -> bool:
    """Whether separation of duties is on (the default)."""
    with ctx.ledger.read() as conn:
        return _sod(conn)


def _sod(conn: Connection) -> bool:
    return settings_repo.get_setting(conn, SEPARATION_OF_DUTIES) != "off"


def set_separation_of_duties(ctx: Context, enabled: bool) -> bool:
    """Switch separation of duties on or off (administrators; audited). Returns the old value."""
    authorize(ctx, "settings.manage")
    with ctx.ledger.transaction() as conn:
        old = _sod(conn)
        if old != enabled:
            settings_repo.set_setting(
                conn,
                SEPARATION_OF_DUTIES,
                "on" if enabled else "off",
                actor=ctx.actor,
                now=ctx.now(),
            )
            append_events(
                conn,
                [
                    NewEvent(
                        ctx.actor,
                        "setting.change",
                        SEPARATION_OF_DUTIES,
                        {"old": "on" if old else "off", "new": "on" if enabled else "off"},
                    )
                ],
            )
    return old


def _step(
    ctx: Context,
    to: Status,
    entity: str | None,
    period: str,
    indicators: Sequence[str] | None,
) -> StatusChange:
    action = _ACTION[to]
    period = check_period(period)
    if to == "approved" and (entity is None or entity == GROUP):
        authorize(ctx, action, None)
        entity = None
    codes = _check_scope(ctx, action, entity, indicators)
    verb = VERB[to]
    lock_key = (entity or ALL_ENTITIES, period)
    with ctx.ledger.transaction() as conn:
        lockset = repo.load_lockset(conn)
        rows = repo.scope_rows(conn, period, codes, indicators)
        moving = plan_step(
            rows,
            to,
            locks=lockset,
            actor=ctx.actor,
            separation_of_duties=_sod(conn),
            period=period,
            entity=entity,
        )
        new_lock = to == "approved" and lock_key not in lockset
        if not moving and not new_lock:
            return StatusChange(verb, period, entity, 0)
        ids = [r.id for r in moving]
        repo.set_status(conn, ids, to, actor=ctx.actor)
        if to == "approved":
            repo.promote_pending(conn, [r for r in moving if r.pending])
        if new_lock:
            repo.insert_lock(conn, lock_key[0], period, actor=ctx.actor, now=ctx.now())
        payload = {
            "from": {"submitted": "draft", "reviewed": "submitted", "approved": "reviewed"}[to],
            "to": to,
            "period": period,
            "entity": entity,
            "indicator": list(indicators) if indicators else None,
            "count": len(ids),
            "ids": ids,
            "restatements": [r.id for r in moving if r.pending],
            "locked": new_lock,
        }
        append_events(
            conn, [NewEvent(ctx.actor, f"status.{verb}", f"{lock_key[0]}/{period}", payload)]
        )
    return StatusChange(verb, period, entity, len(ids), locked=new_lock)


def submit(
    ctx: Context, entity: str | None, period: str, *, indicators: Sequence[str] | None = None
) -> StatusChange:
    """Draft → submitted for the current values in scope (submitters, managers)."""
    return _step(ctx, "submitted", entity, period, indicators)


def review(
    ctx: Context, entity: str | None, period: str, *, indicators: Sequence[str] | None = None
) -> StatusChange:
    """Submitted → reviewed (reviewers, managers; not whoever entered or submitted them)."""
    return _step(ctx, "reviewed", entity, period, indicators)


def approve(ctx: Context, entity: str | None, period: str) -> StatusChange:
    """Reviewed → approved for the whole scope, and lock it.

    Every value in scope must be reviewed; a scope without values is refused
    (:class:`NotFoundError`), so a mistyped year or entity is never locked.
    Approved restatements become the current values.
    """
    return _step(ctx, "approved", entity, period, None)


def reject(
    ctx: Context,
    entity: str | None,
    period: str,
    reason: str,
    *,
    indicators: Sequence[str] | None = None,
) -> StatusChange:
    """Send submitted or reviewed values back to draft with a reason (reviewers, managers).

    The reason is stored with each value (:func:`rejections`) for its submitter;
    a rejected restatement stops waiting and the approved value stays.
    """
    text = check_reason(reason, what="a rejection")
    period = check_period(period)
    codes = _check_scope(ctx, "data.reject", entity, indicators)
    with ctx.ledger.transaction() as conn:
        rows = repo.scope_rows(conn, period, codes, indicators)
        moving = plan_reject(rows, locks=repo.load_lockset(conn), period=period, entity=entity)
        repo.reject_rows(conn, moving)
        repo.insert_rejections(conn, moving, reason=text, actor=ctx.actor, now=ctx.now())
        append_events(
            conn,
            [
                NewEvent(
                    ctx.actor,
                    "status.reject",
                    f"{entity or ALL_ENTITIES}/{period}",
                    {
                        "period": period,
                        "entity": entity,
                        "indicator": list(indicators) if indicators else None,
                        "count": len(moving),
                        "ids": [r.id for r in moving],
                        "reason": text,
                    },
                )
            ],
        )
    return StatusChange("reject", period, entity, len(moving))


def rejections(
    ctx: Context, entity: str | None = None, period: str | None = None
) -> list[Rejection]:
    """Rejections (with their reasons) of the values the user may read."""
    if period is not None:
        period = check_period(period)
    codes = _check_scope(ctx, "data.read", entity, None)
    with ctx.ledger.read() as conn:
        return repo.load_rejections(conn, entities=codes, period=period)


def restatements(
    ctx: Context, entity: str | None = None, period: str | None = None
) -> list[Observation]:
    """Restatements waiting for approval, of the values the user may read."""
    if period is not None:
        period = check_period(period)
    codes = _check_scope(ctx, "data.read", entity, None)
    with ctx.ledger.read() as conn:
        return [
            observation_from_row(r) for r in repo.pending_rows(conn, period=period, entities=codes)
        ]


def locks(ctx: Context) -> list[PeriodLock]:
    """Locked scopes (the user's own entities and group-wide locks)."""
    with ctx.ledger.read() as conn:
        found = repo.load_locks(conn)
    codes = {e.code for e in ctx.entities()}
    mine = set(visible_entities(ctx, "data.read", sorted(codes)))
    return [lk for lk in found if lk.entity == ALL_ENTITIES or lk.entity in mine]


def _lock_scope(ctx: Context, action: str, entity: str | None, period: str) -> tuple[str, str]:
    period = check_period(period)
    if entity is None or entity == GROUP:
        authorize(ctx, action, None)
        return ALL_ENTITIES, period
    _check_scope(ctx, action, entity, None)
    return entity, period


def lock(ctx: Context, entity: str | None, period: str) -> StatusChange:
    """Lock a scope whose values are all approved (managers; e.g. after an unlock)."""
    who, period = _lock_scope(ctx, "period.lock", entity, period)
    with ctx.ledger.transaction() as conn:
        lockset = repo.load_lockset(conn)
        if (who, period) in lockset:
            return StatusChange("lock", period, entity, 0)
        rows = repo.scope_rows(conn, period, None if who == ALL_ENTITIES else [who], None)
        if not rows:
            raise NotFoundError(f"nothing to lock: no observations for {who} {period}")
        open_rows = [r for r in rows if r.status != "approved" or r.pending]
        if open_rows:
            raise ConflictError(
                f"cannot lock {who} {period}: {len(open_rows)} value(s) are not approved",
                hint=Hint("approve them (which locks the scope)", kind="command", name="approve"),
            )
        repo.insert_lock(conn, who, period, actor=ctx.actor, now=ctx.now())
        append_events(conn, [NewEvent(ctx.actor, "period.lock", f"{who}/{period}", {})])
    return StatusChange("lock", period, entity, 0, locked=True)


def unlock(ctx: Context, entity: str | None, period: str, reason: str) -> StatusChange:
    """Remove a lock (administrators), with a reason; values stay approved until changed."""
    text = check_reason(reason, what="unlocking a period")
    who, period = _lock_scope(ctx, "period.unlock", entity, period)
    with ctx.ledger.transaction() as conn:
        if not repo.delete_lock(conn, who, period):
            raise NotFoundError(f"{who} {period} is not locked")
        append_events(
            conn, [NewEvent(ctx.actor, "period.unlock", f"{who}/{period}", {"reason": text})]
        )
    return StatusChange("unlock", period, entity, 0, locked=False)
