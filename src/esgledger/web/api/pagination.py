"""Cursor pagination of API lists: ``?cursor=&limit=`` in, ``next_cursor`` out.

A cursor is the opaque (base64url JSON) sort key of the last item of a page;
the next page starts after it, so pages neither skip nor repeat items when
rows are added in between.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable, Sequence
from typing import Annotated, Any, Generic, TypeVar

from fastapi import Query
from pydantic import BaseModel, Field

from esgledger.errors import InputError, Problem

__all__ = ["DEFAULT_LIMIT", "MAX_LIMIT", "Cursor", "Limit", "Page", "paginate"]

DEFAULT_LIMIT = 100
MAX_LIMIT = 1000
T = TypeVar("T")

Cursor = Annotated[
    str | None,
    Query(max_length=2000, description="next_cursor of the previous page; omit for the first"),
]
Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT, description="items per page")]


class Page(BaseModel, Generic[T]):
    items: list[T]
    next_cursor: str | None = Field(description="pass as cursor for the next page; null: last")


def _encode(key: Sequence[Any]) -> str:
    raw = json.dumps(list(key), separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def _decode(cursor: str) -> list[Any]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        key = json.loads(raw.decode("utf-8"))
    except (binascii.Error, ValueError, UnicodeDecodeError):
        key = None
    if not isinstance(key, list):
        raise InputError(
            [
                Problem(
                    file="request",
                    row=None,
                    column="cursor",
                    value=cursor[:60],
                    expected="the next_cursor of a previous page",
                    field="cursor",
                )
            ],
            what="query",
        )
    return key


def _comparable(key: Sequence[Any]) -> tuple[tuple[int, Any], ...]:
    # None sorts first; mixed types never compare with each other
    return tuple(
        (0, "") if k is None else (1, k) if isinstance(k, int | float) else (2, str(k)) for k in key
    )


def paginate(
    items: Sequence[T],
    key: Callable[[T], Sequence[Any]],
    cursor: str | None,
    limit: int,
) -> tuple[list[T], str | None]:
    """One page of ``items`` (sorted here by ``key``) after ``cursor``, and the next cursor."""
    ordered = sorted(items, key=lambda it: _comparable(key(it)))
    if cursor:
        after = _comparable(_decode(cursor))
        ordered = [it for it in ordered if _comparable(key(it)) > after]
    page = ordered[:limit]
    more = len(ordered) > limit
    return page, (_encode(key(page[-1])) if more and page else None)
