"""Audit use cases: read and verify the hash-chained trail (auditors, managers, admins)."""

from __future__ import annotations

from esgledger.errors import InputError
from esgledger.services.authz import authorize
from esgledger.services.context import Context
from esgledger.store.audit import AuditEvent, AuditReport

__all__ = ["AuditEvent", "AuditReport", "audit_events", "verify_audit"]


def audit_events(
    ctx: Context,
    *,
    since: int = 0,
    limit: int | None = None,
    action: str | None = None,
    ref: str | None = None,
    actor: str | None = None,
    entity: str | None = None,
    newest: bool = False,
) -> list[AuditEvent]:
    """Events in order (``seq > since``, at most ``limit``: the first ones, or with
    ``newest`` the last ones, still oldest first), optionally filtered.

    ``entity`` keeps events whose reference starts with that entity's code
    (``SUB/2024/...``, ``SUB/2024``) or is it.
    """
    authorize(ctx, "audit.read")
    if limit is not None and limit < 0:
        raise InputError(f"limit {limit}: expected a number of events, 0 or more")
    if limit == 0:
        return []
    picked: list[AuditEvent] = []
    if actor is None and entity is None:
        return ctx.ledger.audit_events(
            since=since, limit=limit, action=action, ref=ref, newest=newest
        )
    for ev in ctx.ledger.audit_events(since=since, action=action, ref=ref):
        if actor is not None and ev.actor != actor:
            continue
        if entity is not None and not (ev.ref == entity or ev.ref.startswith(entity + "/")):
            continue
        picked.append(ev)
        if limit is not None and not newest and len(picked) >= limit:
            break
    return picked[-limit:] if newest and limit is not None else picked


def verify_audit(ctx: Context) -> AuditReport:
    """Recompute the chain; :class:`~esgledger.errors.AuditError` names the first bad event."""
    authorize(ctx, "audit.read")
    return ctx.ledger.verify_audit()
