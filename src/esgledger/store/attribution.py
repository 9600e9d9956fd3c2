"""Who entered, submitted, reviewed and approved observations, and when; their evidence.

The observation row keeps who moved it (``submitted_by``, ``reviewed_by``,
``approved_by``); the time of each step is that of the audit event
(``status.submit``/``review``/``approve``) whose payload lists the row's id.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Sequence
from typing import Any

from sqlalchemy import Connection, select

from esgledger.store.schema import audit_events
from esgledger.store.schema import observations as t_obs
from esgledger.store.schema_portal import evidence as t_ev

__all__ = ["STEPS", "evidence_of", "trail_of"]

#: workflow step → (the row's column, the audit action)
STEPS: dict[str, tuple[str, str]] = {
    "submitted": ("submitted_by", "status.submit"),
    "reviewed": ("reviewed_by", "status.review"),
    "approved": ("approved_by", "status.approve"),
}


def _keys(conn: Connection, ids: Sequence[int]) -> dict[int, Any]:
    if not ids:
        return {}
    rows = conn.execute(select(t_obs).where(t_obs.c.id.in_(list(ids)))).all()
    return {int(r.id): r for r in rows}


def evidence_of(
    conn: Connection, ids: Sequence[int], entities: Collection[str]
) -> dict[int, list[dict[str, Any]]]:
    """Observation id → its value's evidence files, for observations of ``entities`` only."""
    rows = {i: r for i, r in _keys(conn, ids).items() if r.entity in entities}
    out: dict[int, list[dict[str, Any]]] = {i: [] for i in rows}
    if not rows:
        return out
    wanted = {(r.entity, r.period, r.indicator): i for i, r in rows.items()}
    found = conn.execute(
        select(t_ev)
        .where(t_ev.c.entity.in_(sorted({k[0] for k in wanted})))
        .where(t_ev.c.indicator.in_(sorted({k[2] for k in wanted})))
        .order_by(t_ev.c.id)
    ).all()
    for ev in found:
        obs_id = wanted.get((ev.entity, ev.period, ev.indicator))
        if obs_id is not None:
            out[obs_id].append(
                {
                    "id": int(ev.id),
                    "filename": ev.filename,
                    "content_type": ev.content_type,
                    "size": int(ev.size),
                    "uploaded_by": ev.uploaded_by,
                    "uploaded_at": str(ev.uploaded_at)[:19],
                }
            )
    return out


def trail_of(conn: Connection, ids: Sequence[int]) -> dict[int, dict[str, Any]]:
    """Observation id → ``{"entered": (by, at), "submitted": (by, at | None), ...}``."""
    rows = _keys(conn, ids)
    out: dict[int, dict[str, Any]] = {
        i: {"entered": (r.created_by, str(r.created_at)[:19])} for i, r in rows.items()
    }
    if not rows:
        return out
    refs = {f"{r.entity}/{r.period[:4]}" for r in rows.values()} | {
        f"{r.entity}/{r.period}" for r in rows.values()
    }
    refs |= {f"*/{r.period[:4]}" for r in rows.values()} | {f"*/{r.period}" for r in rows.values()}
    ae = audit_events
    events = conn.execute(
        select(ae.c.action, ae.c.at, ae.c.actor, ae.c.payload)
        .where(ae.c.action.in_([a for _, a in STEPS.values()]))
        .where(ae.c.ref.in_(sorted(refs)))
        .order_by(ae.c.seq)
    ).all()
    when: dict[tuple[int, str], tuple[str, str]] = {}
    for action, at, actor, payload in events:
        try:
            moved = json.loads(payload).get("ids") or []
        except (ValueError, AttributeError):
            continue
        for i in moved:
            if isinstance(i, int) and i in rows:
                when[(i, action)] = (actor, str(at)[:19])
    for i, r in rows.items():
        for step, (column, action) in STEPS.items():
            by = getattr(r, column)
            if by is None:
                continue
            at = when.get((i, action))
            out[i][step] = (by, at[1] if at else None)
    return out
