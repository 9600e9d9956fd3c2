"""The hash-chained audit trail detects edited, deleted and reordered events (both engines)."""

from __future__ import annotations

import hashlib
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import text

from esgledger.errors import AuditError, StorageError
from esgledger.store.audit import canonical_json, event_hash
from esgledger.store.schema import GENESIS_HASH


def _fill(ledger, n=5):
    with ledger.transaction() as conn:
        for i in range(1, n + 1):
            ledger.append_audit(
                conn, actor="alice", action="test.event", ref=f"r{i}", payload={"i": i, "名": "值"}
            )


def _sql(ledger, statement, **params):
    with ledger.engine.begin() as conn:
        conn.execute(text(statement), params)


def test_chain_verifies_and_hash_is_reproducible(ledger):
    _fill(ledger, 3)
    report = ledger.verify_audit()
    assert (report.events, report.head_seq) == (3, 3)
    events = ledger.audit_events()
    assert [e.seq for e in events] == [1, 2, 3]
    assert events[0].prev_hash == GENESIS_HASH
    assert [e.prev_hash for e in events[1:]] == [e.hash for e in events[:-1]]
    # recompute event 1 by hand: sha256(prev_hash + canonical JSON of the event)
    e = events[0]
    body = json.dumps(
        {
            "action": "test.event",
            "actor": "alice",
            "at": e.at,
            "payload": '{"i":1,"名":"值"}',
            "ref": "r1",
            "seq": 1,
        },
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    )
    assert e.hash == hashlib.sha256((GENESIS_HASH + body).encode()).hexdigest()
    assert report.head_hash == events[-1].hash


_RENUMBER = "UPDATE audit_events SET seq = :new WHERE seq = :old"

#: Edits made to a five-event trail behind esgledger's back, and what verify must say.
TAMPERING = {
    "edited payload": (
        [("UPDATE audit_events SET payload = :p WHERE seq = 3", {"p": '{"i":300}'})],
        r"broken at seq 3: the event's content",
    ),
    "edited actor": (
        [("UPDATE audit_events SET actor = 'mallory' WHERE seq = 2", {})],
        r"broken at seq 2\b",
    ),
    "deleted event": (
        [("DELETE FROM audit_events WHERE seq = 2", {})],
        r"broken at seq 2: event missing",
    ),
    "deleted and renumbered": (
        [("DELETE FROM audit_events WHERE seq = 2", {})]
        + [(_RENUMBER, {"new": seq - 1, "old": seq}) for seq in (3, 4, 5)],
        r"broken at seq 2: its prev_hash",
    ),
    "deleted last event": (
        [("DELETE FROM audit_events WHERE seq = 5", {})],
        r"broken at seq 5: the chain head records 5 events but 4",
    ),
    "reordered events": (
        [
            ("UPDATE audit_events SET seq = 100 WHERE seq = 2", {}),
            ("UPDATE audit_events SET seq = 2 WHERE seq = 3", {}),
            ("UPDATE audit_events SET seq = 3 WHERE seq = 100", {}),
        ],
        r"broken at seq 2\b",
    ),
}


@pytest.mark.parametrize("case", list(TAMPERING))
def test_tampering_detected(ledger, case):
    edits, message = TAMPERING[case]
    _fill(ledger)
    for statement, params in edits:
        _sql(ledger, statement, **params)
    with pytest.raises(AuditError, match=message):
        ledger.verify_audit()


def test_edit_with_recomputed_hash_breaks_the_next_link(ledger):
    """A forger who rehashes the edited event still breaks the following event's prev_hash."""
    _fill(ledger)
    (ev2,) = [e for e in ledger.audit_events() if e.seq == 2]
    forged = canonical_json({"i": 999})
    new_hash = event_hash(
        ev2.prev_hash,
        seq=2,
        at=ev2.at,
        actor=ev2.actor,
        action=ev2.action,
        ref=ev2.ref,
        payload=forged,
    )
    _sql(
        ledger,
        "UPDATE audit_events SET payload = :p, hash = :h WHERE seq = 2",
        p=forged,
        h=new_hash,
    )
    with pytest.raises(AuditError, match=r"broken at seq 3: its prev_hash"):
        ledger.verify_audit()


def test_failed_transaction_leaves_no_event(ledger):
    _fill(ledger, 2)
    with pytest.raises(RuntimeError), ledger.transaction() as conn:
        ledger.append_audit(conn, actor="a", action="x", ref="r", payload={})
        raise RuntimeError("boom")
    assert ledger.verify_audit().events == 2
    _fill(ledger, 1)  # the next event continues the chain at seq 3
    assert [e.seq for e in ledger.audit_events()] == [1, 2, 3]
    assert ledger.verify_audit().events == 3


def test_payload_must_be_json(ledger):
    with pytest.raises(StorageError, match="not plain JSON"), ledger.transaction() as conn:
        ledger.append_audit(conn, actor="a", action="x", ref="r", payload={"x": object()})


def test_log_filters_and_limit(ledger):
    _fill(ledger, 5)
    assert [e.seq for e in ledger.audit_events(since=2, limit=2)] == [3, 4]
    assert [e.seq for e in ledger.audit_events(ref="r4")] == [4]
    assert ledger.audit_events(limit=0) == []  # once gave the first event


_json = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.text()
    | st.floats(allow_nan=False, allow_infinity=False),
    lambda kids: (
        st.lists(kids, max_size=3) | st.dictionaries(st.text(max_size=5), kids, max_size=3)
    ),
    max_leaves=8,
)


@given(_json)
@settings(max_examples=100)
def test_canonical_json_round_trips(data):
    """Canonical text decodes to the same data and encodes to the same text again."""
    once = canonical_json(data)
    assert canonical_json(json.loads(once)) == once


def test_canonical_json_is_order_independent():
    assert (
        canonical_json({"b": 1, "a": [1, 2]})
        == canonical_json({"a": [1, 2], "b": 1})
        == '{"a":[1,2],"b":1}'
    )
