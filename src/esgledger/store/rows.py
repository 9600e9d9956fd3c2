"""Row conversions shared by the storage modules: database rows to plain data, filters."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import fields
from functools import cache
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy import Row, Table, or_

from esgledger.errors import InputError, Problem, ValidationError
from esgledger.model import Entity, Observation
from esgledger.store.schema import observations as t_obs

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

__all__ = [
    "check_actor",
    "check_widths",
    "entity_from_row",
    "from_row",
    "observation_from_row",
    "period_filter",
    "row_of",
]

D = TypeVar("D", bound="DataclassInstance")


@cache
def _field_names(cls: type[Any]) -> tuple[str, ...]:
    return tuple(f.name for f in fields(cls) if f.init)


def from_row(cls: type[D], row: Row[Any], /, **given: Any) -> D:
    """An instance of the dataclass ``cls`` from a row whose columns are named like its fields.

    ``given`` supplies fields the row does not hold as they are (a renamed
    column, a decoded value, a constant); every other field is read from the
    column of the same name.
    """
    m = row._mapping
    return cls(**{n: m[n] for n in _field_names(cls) if n not in given}, **given)


def row_of(obj: DataclassInstance, /, **given: Any) -> dict[str, Any]:
    """The column values of a dataclass instance, the inverse of :func:`from_row`.

    Every field becomes the column of the same name; ``given`` adds columns
    or replaces values (an encoded list, a position).
    """
    return {n: getattr(obj, n) for n in _field_names(type(obj))} | given


def entity_from_row(r: Row[Any]) -> Entity:
    return from_row(Entity, r)


def observation_from_row(r: Row[Any]) -> Observation:
    return from_row(Observation, r)


def period_filter(period: str) -> Any:
    """A WHERE clause for a period scope: ``2024`` covers the year and its months."""
    if len(period) == 4:
        return or_(t_obs.c.period == period, t_obs.c.period.like(f"{period}-%"))
    return t_obs.c.period == period


def check_actor(actor: str) -> None:
    if not actor or not actor.strip() or len(actor) > 64:
        raise InputError(f"bad user name {actor!r}: expected 1 to 64 characters")


def check_widths(
    table: Table, rows: Iterable[Mapping[str, Any]], *, file: str, key: str | None = None
) -> None:
    """Refuse text longer than its column, listing every such value (nothing is written).

    PostgreSQL enforces ``String(n)`` widths and SQLite does not; checking them
    here makes both engines take the same input and name the column instead of
    failing with a driver error. ``key`` names the column that identifies a row
    in the message (e.g. ``code``).
    """
    widths: dict[str, int] = {}
    for column in table.columns:
        length = getattr(column.type, "length", None)
        if isinstance(length, int):
            widths[column.name] = length
    problems: list[Problem] = []
    for row in rows:
        for name, value in row.items():
            limit = widths.get(name)
            if limit is None or not isinstance(value, str) or len(value) <= limit:
                continue
            which = f" ({key} {row[key]!r})" if key is not None and key in row else ""
            problems.append(
                Problem(
                    file,
                    None,
                    name,
                    f"{value[:30]}… ({len(value)} characters)",
                    f"at most {limit} characters (the database's limit){which}",
                )
            )
    if problems:
        raise ValidationError(problems, what=file)
