"""Energy alerts: evaluate the early-warning rules, list alerts, acknowledge and close them.

An alert is ``open`` when raised, ``acknowledged`` with a reason, ``closed``
with a reason. A new alert is also queued, in the same transaction, in the
portal's outbox (:mod:`esgledger.services.outbox`, kind ``energy.alert``): one
message to each user who may acknowledge it (``alerts.ack`` on its entity).
Evaluating again raises nothing twice (an alert's key is its rule, entity,
meter and period).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from esgledger.errors import ConflictError, InputError, NotFoundError, Problem
from esgledger.services.authz import authorize, visible_entities
from esgledger.services.context import Context

__all__ = ["acknowledge", "close", "evaluate", "list_alerts"]

STATES = ("open", "acknowledged", "closed")


def evaluate(ctx: Context, entity: str, period: str) -> list[dict[str, Any]]:
    """Run every early-warning rule for the entity and month; return the new alerts."""
    from esgledger.energy import warnings
    from esgledger.services.energy import _meters, _month, _output, _ytd, coefficients
    from esgledger.store import energy as repo

    year, month = _month(period)
    authorize(ctx, "meters.manage", entity)
    meters = _meters(ctx, entity)
    coeffs = coefficients()
    first = datetime(year, month, 1)
    earlier = first - timedelta(weeks=warnings.SPIKE_WEEKS + 1)
    months_needed = sorted(
        {f"{d:%Y-%m}" for d in (earlier + timedelta(days=i) for i in range(0, 70, 5))} | {period}
    )
    import polars as pl

    with ctx.ledger.read() as conn:
        hour_parts = [repo.rollups(conn, meters, "hour", p) for p in months_needed if p <= period]
        days = repo.rollups(conn, meters, "day", period)
        quotas = repo.quotas(conn)
        limits = [r for r in repo.limits(conn) if r["entity"] == entity]
    hours_frame = pl.concat(hour_parts)
    found: list[dict[str, Any]] = []
    found += warnings.hour_spikes(hours_frame, meters, period)
    found += warnings.data_gaps(days, meters, period)
    monthly = _ytd(ctx, meters, year, coeffs)
    quota = quotas.get((entity, year))
    if quota is not None and monthly:
        profile = _ytd(ctx, meters, year - 1, coeffs)
        found += warnings.quota_burn_down(
            entity, year, month, monthly, quota[0], profile=profile or None, source=quota[1]
        )
    output = _output(ctx, entity, [period]).get((entity, period))
    for lim in limits:
        found += warnings.intensity_limit(
            entity,
            period,
            monthly.get(month, 0.0),
            output,
            lim["limit_value"],
            lim["standard"],
            product=lim["product"],
        )
    from esgledger.services.outbox import alert_notices
    from esgledger.store import outbox as outbox_repo

    notices = {a["key"]: alert_notices(ctx, a) for a in found}
    new: list[dict[str, Any]] = []
    now = ctx.now()
    with ctx.ledger.transaction() as conn:
        for a in found:
            if repo.upsert_alert(conn, a, now=now):
                new.append(a)
                for notice in notices[a["key"]]:
                    outbox_repo.enqueue(conn, **notice, at=now)
    return new


def list_alerts(
    ctx: Context, *, state: str | None = None, entity: str | None = None
) -> list[dict[str, Any]]:
    """Alerts (of ``entity``, in ``state``) the user may read."""
    from esgledger.store import energy as repo

    if state is not None and state not in STATES:
        raise InputError(
            [Problem("state", None, "state", state, "open, acknowledged or closed", "state")]
        )
    if entity is not None:
        authorize(ctx, "data.read", entity)
    with ctx.ledger.read() as conn:
        found = repo.alerts(conn, state=state, entity=entity)
    allowed = set(visible_entities(ctx, "data.read", {a["entity"] for a in found}))
    return [a for a in found if a["entity"] in allowed]


def _change(ctx: Context, alert_id: int, state: str, reason: str) -> dict[str, Any]:
    from esgledger.store import energy as repo

    why = reason.strip()
    if not why:
        raise InputError(
            [Problem("alert", None, "reason", reason, "a non-empty reason", "reason")],
            what="alert",
        )
    with ctx.ledger.read() as conn:
        found = repo.alert(conn, alert_id)
    if found is None:
        raise NotFoundError(f"no alert #{alert_id}", hint="list them with: esgledger alerts list")
    authorize(ctx, "alerts.ack", found["entity"])
    if found["state"] == "closed":
        raise ConflictError(f"alert #{alert_id} is closed already")
    now = ctx.now() if ctx.now().tzinfo else ctx.now().replace(tzinfo=UTC)
    with ctx.ledger.transaction() as conn:
        repo.set_alert_state(conn, alert_id, state, reason=why, actor=ctx.actor, now=now)
        ctx.ledger.append_audit(
            conn,
            actor=ctx.actor,
            action=f"alert.{state}",
            ref=f"alert/{alert_id}",
            payload={"reason": why, "key": found["key"]},
        )
    return {**found, "state": state, "reason": why, "updated_by": ctx.actor}


def acknowledge(ctx: Context, alert_id: int, reason: str) -> dict[str, Any]:
    """Acknowledge an open alert with a reason."""
    return _change(ctx, alert_id, "acknowledged", reason)


def close(ctx: Context, alert_id: int, reason: str) -> dict[str, Any]:
    """Close an alert with a reason."""
    return _change(ctx, alert_id, "closed", reason)
