"""Repository of collection campaigns: the campaign, its indicators, its assignments."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, Row, select, update

from esgledger.store.schema_portal import campaign_assignments as t_asg
from esgledger.store.schema_portal import campaign_indicators as t_ind
from esgledger.store.schema_portal import campaigns as t_cmp

__all__ = [
    "Assignment",
    "Campaign",
    "assignments_of",
    "close_campaign",
    "get_campaign",
    "insert_campaign",
    "list_campaigns",
    "user_assignments",
]


@dataclass(frozen=True)
class Assignment:
    """Who fills in (``owner``) and who checks (``reviewer``) one entity's data, by when."""

    campaign_id: int
    entity: str
    owner: str
    reviewer: str
    due: date


@dataclass(frozen=True)
class Campaign:
    """A request for ``indicators`` from the assigned entities for ``period`` (a year)."""

    id: int
    period: str
    name: str
    monthly: bool
    closed: bool
    created_at: datetime
    created_by: str
    indicators: tuple[str, ...]
    assignments: tuple[Assignment, ...]


def insert_campaign(
    conn: Connection,
    *,
    period: str,
    name: str,
    monthly: bool,
    indicators: Sequence[str],
    assignments: Sequence[tuple[str, str, str, date]],
    at: datetime,
    by: str,
) -> int:
    """Insert a campaign with its indicators and (entity, owner, reviewer, due) rows."""
    cid = conn.execute(
        t_cmp.insert()
        .values(
            period=period,
            name=name,
            monthly=monthly,
            closed=False,
            created_at=at,
            created_by=by,
        )
        .returning(t_cmp.c.id)
    ).scalar_one()
    conn.execute(
        t_ind.insert(),
        [{"campaign_id": cid, "indicator": c, "position": i} for i, c in enumerate(indicators)],
    )
    conn.execute(
        t_asg.insert(),
        [
            {"campaign_id": cid, "entity": e, "owner": o, "reviewer": r, "due": d}
            for e, o, r, d in assignments
        ],
    )
    return int(cid)


def _assignment(r: Row[Any]) -> Assignment:
    return Assignment(r.campaign_id, r.entity, r.owner, r.reviewer, r.due)


def assignments_of(conn: Connection, campaign_id: int) -> list[Assignment]:
    rows = conn.execute(
        select(t_asg).where(t_asg.c.campaign_id == campaign_id).order_by(t_asg.c.entity)
    ).all()
    return [_assignment(r) for r in rows]


def _campaign(conn: Connection, r: Row[Any]) -> Campaign:
    cid = int(r.id)
    inds = conn.execute(
        select(t_ind.c.indicator).where(t_ind.c.campaign_id == cid).order_by(t_ind.c.position)
    ).scalars()
    return Campaign(
        id=cid,
        period=r.period,
        name=r.name,
        monthly=bool(r.monthly),
        closed=bool(r.closed),
        created_at=r.created_at,
        created_by=r.created_by,
        indicators=tuple(inds),
        assignments=tuple(assignments_of(conn, cid)),
    )


def get_campaign(conn: Connection, campaign_id: int) -> Campaign | None:
    r = conn.execute(select(t_cmp).where(t_cmp.c.id == campaign_id)).first()
    return None if r is None else _campaign(conn, r)


def list_campaigns(conn: Connection, *, include_closed: bool = True) -> list[Campaign]:
    q = select(t_cmp).order_by(t_cmp.c.period.desc(), t_cmp.c.id.desc())
    if not include_closed:
        q = q.where(t_cmp.c.closed.is_(False))
    return [_campaign(conn, r) for r in conn.execute(q).all()]


def close_campaign(conn: Connection, campaign_id: int, closed: bool = True) -> None:
    conn.execute(update(t_cmp).where(t_cmp.c.id == campaign_id).values(closed=closed))


def user_assignments(conn: Connection, username: str) -> list[tuple[Campaign, Assignment]]:
    """Open campaigns' assignments where ``username`` is the owner or the reviewer."""
    rows = conn.execute(
        select(t_asg)
        .join(t_cmp, t_cmp.c.id == t_asg.c.campaign_id)
        .where(t_cmp.c.closed.is_(False))
        .where((t_asg.c.owner == username) | (t_asg.c.reviewer == username))
        .order_by(t_asg.c.due, t_asg.c.entity)
    ).all()
    cache: dict[int, Campaign] = {}
    out: list[tuple[Campaign, Assignment]] = []
    for r in rows:
        cid = int(r.campaign_id)
        if cid not in cache:
            found = get_campaign(conn, cid)
            if found is None:  # pragma: no cover - joined above
                continue
            cache[cid] = found
        out.append((cache[cid], _assignment(r)))
    return out
