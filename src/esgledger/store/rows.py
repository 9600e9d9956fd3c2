"""Row conversions shared by the storage modules: database rows to plain data, filters."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Row, or_

from esgledger.errors import StorageError
from esgledger.model import Entity, Observation
from esgledger.store.schema import observations as t_obs

__all__ = ["check_actor", "entity_from_row", "observation_from_row", "period_filter"]


def entity_from_row(r: Row[Any]) -> Entity:
    return Entity(
        code=r.code,
        name_en=r.name_en,
        name_zh=r.name_zh,
        parent=r.parent,
        type=r.type,
        ownership_pct=r.ownership_pct,
        control=r.control,
        region=r.region,
        included_from=r.included_from,
        included_to=r.included_to,
    )


def observation_from_row(r: Row[Any]) -> Observation:
    return Observation(
        entity=r.entity,
        period=r.period,
        indicator=r.indicator,
        value=r.value,
        unit=r.unit,
        raw_value=r.raw_value,
        raw_unit=r.raw_unit,
        source=r.source,
        comment=r.comment,
        status=r.status,
        version=r.version,
        id=r.id,
    )


def period_filter(period: str) -> Any:
    """A WHERE clause for a period scope: ``2024`` covers the year and its months."""
    if len(period) == 4:
        return or_(t_obs.c.period == period, t_obs.c.period.like(f"{period}-%"))
    return t_obs.c.period == period


def check_actor(actor: str) -> None:
    if not actor or not actor.strip() or len(actor) > 64:
        raise StorageError(f"bad actor name {actor!r}: expected 1 to 64 characters")
