"""Comment threads: one per value (entity, period, indicator), oldest first."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, select

from esgledger.store.schema_portal import comments as t_com

__all__ = ["Comment", "comments_for", "insert_comment"]


@dataclass(frozen=True)
class Comment:
    id: int
    entity: str
    period: str
    indicator: str
    author: str
    body: str
    created_at: datetime


def insert_comment(
    conn: Connection,
    *,
    entity: str,
    period: str,
    indicator: str,
    author: str,
    body: str,
    at: datetime,
) -> int:
    return int(
        conn.execute(
            t_com.insert()
            .values(
                entity=entity,
                period=period,
                indicator=indicator,
                author=author,
                body=body,
                created_at=at,
            )
            .returning(t_com.c.id)
        ).scalar_one()
    )


def comments_for(
    conn: Connection, entity: str, period: str | None = None, indicator: str | None = None
) -> list[Comment]:
    """Comments of an entity (a year also covers its months), oldest first."""
    q = select(t_com).where(t_com.c.entity == entity)
    if period is not None:
        q = q.where((t_com.c.period == period) | t_com.c.period.like(f"{period}-%"))
    if indicator is not None:
        q = q.where(t_com.c.indicator == indicator)
    rows = conn.execute(q.order_by(t_com.c.id)).all()
    return [
        Comment(int(r.id), r.entity, r.period, r.indicator, r.author, r.body, r.created_at)
        for r in rows
    ]
