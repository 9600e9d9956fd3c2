"""The shared row <-> dataclass helpers of the store (``from_row``, ``row_of``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, literal, select

from esgledger.model import Entity
from esgledger.store.rows import entity_from_row, from_row, row_of
from esgledger.store.schema import entities as t_entities


@dataclass(frozen=True)
class _Pair:
    code: str
    tags: tuple[str, ...]
    weight: float = 1.0


def test_from_row_reads_fields_by_name_and_takes_given_ones_as_they_are(ledger):
    with ledger.read() as conn:
        row = conn.execute(
            select(
                literal("x").label("code"),
                literal("a;b").label("tags"),
                literal(2.5).label("weight"),
                literal("ignored").label("extra"),
            )
        ).one()
    assert from_row(_Pair, row, tags=("a", "b")) == _Pair("x", ("a", "b"), 2.5)


def test_row_of_gives_every_field_and_given_values_win():
    assert row_of(_Pair("x", ("a",)), tags="a", position=3) == {
        "code": "x",
        "tags": "a",
        "weight": 1.0,
        "position": 3,
    }


_text = st.text(alphabet=st.characters(categories=("L", "N")), max_size=20)
_entities = st.builds(
    Entity,
    code=st.from_regex(r"[A-Z][A-Z0-9_]{0,15}", fullmatch=True),
    name_en=_text,
    name_zh=_text,
    parent=st.none(),
    type=st.sampled_from(["group", "branch", "subsidiary"]),
    ownership_pct=st.none() | st.floats(min_value=0, max_value=100),
    control=st.sampled_from(["operational", "financial", "none"]),
    region=st.sampled_from(["", "CN-NM", "CN-SD"]),
    included_from=st.none() | st.dates(min_value=date(1990, 1, 1), max_value=date(2100, 1, 1)),
    included_to=st.none() | st.dates(min_value=date(1990, 1, 1), max_value=date(2100, 1, 1)),
)


@given(_entities)
@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
def test_entity_round_trips_through_the_table(ledger, entity):
    """row_of -> insert -> select -> from_row gives the same entity on both engines."""
    with ledger.transaction() as conn:
        conn.execute(delete(t_entities))
        conn.execute(t_entities.insert(), [row_of(entity)])
    with ledger.read() as conn:
        row = conn.execute(select(t_entities)).one()
    assert entity_from_row(row) == entity
