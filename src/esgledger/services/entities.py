"""Entity use cases: the tree the user may see."""

from __future__ import annotations

from esgledger.errors import NotFoundError
from esgledger.model import Entity
from esgledger.services.authz import UNKNOWN_ENTITY_HINT, authorize, visible_entities
from esgledger.services.context import Context

__all__ = ["entity_codes", "get_entity", "list_entities"]


def list_entities(ctx: Context) -> list[Entity]:
    """The entities the user may read, ordered by code."""
    every = ctx.entities()
    mine = set(visible_entities(ctx, "data.read", [e.code for e in every]))
    return [e for e in every if e.code in mine]


def entity_codes(ctx: Context) -> list[str]:
    return [e.code for e in list_entities(ctx)]


def get_entity(ctx: Context, code: str) -> Entity:
    """One entity (:class:`NotFoundError` if unknown or outside the user's scope)."""
    authorize(ctx, "data.read", code)
    for e in ctx.entities():
        if e.code == code:
            return e
    raise NotFoundError(f"unknown entity {code!r}", hint=UNKNOWN_ENTITY_HINT)
