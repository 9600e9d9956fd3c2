"""Property: whatever is imported reads back exactly; importing it again changes nothing."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from esgledger.model import ImportBatch, Observation
from esgledger.store import Ledger
from store_helpers import GROUP, JV, SUB

_text = st.text(
    st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=12
)
_obs = st.builds(
    Observation,
    entity=st.sampled_from(["GRP", "SUB", "JV"]),
    period=st.sampled_from(["2022", "2023", "2024", "2024-01", "2024-12"]),
    indicator=st.sampled_from(["energy.electricity.purchased", "water.fresh", "employees.total"]),
    value=st.floats(allow_nan=False, allow_infinity=False, width=64),
    unit=st.sampled_from(["MWh", "m3", "person"]),
    raw_value=_text,
    raw_unit=_text,
    source=_text,
    comment=_text,
)


def _key(o: Observation):
    return (o.entity, o.period, o.indicator)


@given(st.lists(_obs, max_size=25, unique_by=_key), st.lists(_obs, max_size=25, unique_by=_key))
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_import_reads_back_exactly(first, second):
    with Ledger.open("sqlite://") as led:
        b1 = ImportBatch((GROUP, SUB, JV), tuple(first))
        led.import_batch(b1, actor="prop")
        got = {_key(o): o for o in led.observations()}
        assert len(got) == len(first)
        for o in first:
            g = got[_key(o)]
            assert (g.raw_value, g.raw_unit, g.source, g.comment, g.unit) == (
                o.raw_value,
                o.raw_unit,
                o.source,
                o.comment,
                o.unit,
            )
            assert g.value == o.value  # exact float round trip
        events = led.audit_events()
        again = led.import_batch(b1, actor="prop")
        assert again.observations_unchanged == len(first)
        assert again.observations_added == again.observations_updated == 0
        assert led.audit_events() == events

        # a second batch: versions grow exactly where a submitted field changed
        before = {_key(o): o for o in led.observations()}
        led.import_batch(ImportBatch((), tuple(second)), actor="prop")
        after = {_key(o): o for o in led.observations()}
        for o in second:
            old = before.get(_key(o))
            same = old is not None and (old.raw_value, old.raw_unit, old.source, old.comment) == (
                o.raw_value,
                o.raw_unit,
                o.source,
                o.comment,
            )
            expected_version = 1 if old is None else old.version + (0 if same else 1)
            assert after[_key(o)].version == expected_version
        history = led.observations(history=True)
        assert len(history) == len({(o.entity, o.period, o.indicator, o.version) for o in history})
        led.verify_audit()
