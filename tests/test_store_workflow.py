"""Status workflow, approval locks and restatements (both engines)."""

from __future__ import annotations

import pytest

from esgledger.errors import (
    ConflictError,
    InputError,
    LockedError,
    NotFoundError,
    PermissionDenied,
)
from esgledger.services import workflow as wf
from esgledger.services.context import GROUP, Context, Membership, Principal
from store_helpers import batch, obs


def as_user(ledger, name, role="admin"):
    """A context acting as ``name`` with ``role`` on the whole group."""
    return Context(ledger, Principal(name, (Membership(name, GROUP, role),)))


def submit(led, *, period, entity=None, indicator=None, actor):
    return wf.submit(
        as_user(led, actor), entity, period, indicators=[indicator] if indicator else None
    )


def review(led, *, period, entity=None, indicator=None, actor):
    return wf.review(
        as_user(led, actor), entity, period, indicators=[indicator] if indicator else None
    )


def approve(led, *, period, entity=None, actor):
    return wf.approve(as_user(led, actor), entity, period)


def approve_all(led, *, period, entity=None):
    """alice submits, bob reviews, carol approves (separation of duties holds)."""
    submit(led, period=period, entity=entity, actor="alice")
    review(led, period=period, entity=entity, actor="bob")
    return approve(led, period=period, entity=entity, actor="carol")


def locks(led):
    return wf.locks(Context(led, Principal.local_admin()))


@pytest.fixture
def filled(ledger):
    ledger.import_batch(
        batch(
            obs(period="2024"),
            obs(period="2024-02", raw="90"),
            obs(entity="JV", period="2024"),
            obs(period="2023", raw="800"),
        ),
        actor="alice",
    )
    return ledger


def _statuses(ledger, **kw):
    return sorted((o.entity, o.period, o.status) for o in ledger.observations(**kw))


def test_submit_review_approve_locks(filled):
    led = filled
    s = submit(led, period="2024", actor="alice")
    assert (s.action, s.changed) == ("submit", 3)  # 2024 covers the year and its months
    assert review(led, period="2024", actor="bob").changed == 3
    a = approve(led, period="2024", actor="carol")
    assert (a.changed, a.locked) == (3, True)
    assert _statuses(led, year=2024) == [
        ("JV", "2024", "approved"),
        ("SUB", "2024", "approved"),
        ("SUB", "2024-02", "approved"),
    ]
    assert _statuses(led, period="2023") == [("SUB", "2023", "draft")]
    (lock,) = locks(led)
    assert (lock.entity, lock.period, lock.locked_by) == ("*", "2024", "carol")
    actions = [e.action for e in led.audit_events()][-3:]
    assert actions == ["status.submit", "status.review", "status.approve"]
    last = led.audit_events()[-1]
    assert last.actor == "carol" and last.payload["count"] == 3 and last.payload["locked"] is True
    assert led.verify_audit().events == len(led.audit_events())


def test_approve_needs_every_value_reviewed(filled):
    submit(filled, period="2024", entity="SUB", actor="alice")
    with pytest.raises(ConflictError, match=r"not reviewed yet \(1 draft, 2 submitted\)"):
        approve(filled, period="2024", actor="carol")
    assert locks(filled) == []


def test_steps_only_move_from_the_previous_status(filled):
    n = len(filled.audit_events())
    assert review(filled, period="2024", actor="bob").changed == 0  # nothing submitted yet
    assert len(filled.audit_events()) == n  # a no-op writes no event
    assert submit(filled, period="2024-02", actor="alice").changed == 1
    assert submit(filled, period="2024", entity="JV", actor="alice").changed == 1


def test_change_to_locked_period_needs_a_reason(filled):
    approve_all(filled, period="2024", entity="SUB")
    before = filled.observations(history=True)
    events = filled.audit_events()
    with pytest.raises(
        LockedError, match=r"1 value\(s\) fall in approved, locked periods: SUB/2024-02"
    ):
        filled.import_batch(
            batch(obs(period="2024-02", raw="95"), obs(period="2023", raw="1")), actor="alice"
        )
    assert filled.observations(history=True) == before  # nothing written, not even the 2023 value
    assert filled.audit_events() == events
    # JV is not locked (the lock is for SUB only)
    assert (
        filled.import_batch(
            batch(obs(entity="JV", period="2024", raw="5")), actor="a"
        ).observations_updated
        == 1
    )


def test_restatement_with_reason_is_audited(filled):
    approve_all(filled, period="2024")
    result = filled.import_batch(
        batch(obs(period="2024", raw="1100"), obs(entity="GRP", period="2024-05", raw="3")),
        actor="carol",
        reason="meter recalibrated; invoice corrected",
    )
    assert (result.observations_updated, result.observations_added) == (1, 1)
    # a restatement request: the approved version stays current until it is approved
    cur = {(o.entity, o.period): o for o in filled.observations(year=2024)}
    assert (cur["SUB", "2024"].version, cur["SUB", "2024"].value) == (1, 1000.0)
    assert ("GRP", "2024-05") not in cur
    admin = Context(filled, Principal.local_admin())
    waiting = wf.restatements(admin, period="2024")
    assert sorted((o.entity, o.period, o.status, o.version) for o in waiting) == [
        ("GRP", "2024-05", "submitted", 1),
        ("SUB", "2024", "submitted", 2),
    ]
    with pytest.raises(PermissionDenied, match="separation of duties"):
        review(filled, period="2024", actor="carol")  # carol entered them
    assert review(filled, period="2024", actor="bob").changed == 2
    assert approve(filled, period="2024", actor="alice").changed == 2
    cur = {(o.entity, o.period): o for o in filled.observations(year=2024)}
    assert (cur["SUB", "2024"].version, cur["SUB", "2024"].value, cur["SUB", "2024"].status) == (
        2,
        1100.0,
        "approved",
    )
    assert cur["GRP", "2024-05"].status == "approved"
    assert wf.restatements(admin) == []
    restated = filled.audit_events(action="observation.restate")
    assert [e.ref for e in restated] == [
        "SUB/2024/energy.electricity.purchased",
        "GRP/2024-05/energy.electricity.purchased",
    ]
    assert restated[0].payload["reason"] == "meter recalibrated; invoice corrected"
    assert restated[0].payload["old"]["value"] == 1000.0
    assert restated[1].payload["old"] is None
    summary = filled.audit_events(action="import")[-1]
    assert summary.payload["restated"] == 2


def test_locked_period_refuses_status_changes(filled):
    approve_all(filled, period="2024")
    with pytest.raises(LockedError, match="cannot submit"):
        submit(filled, period="2024", actor="alice")
    filled.import_batch(
        batch(obs(period="2024-06", raw="1")), actor="c", reason="late meter reading"
    )
    # the restatement is already submitted: nothing more to submit, but no refusal either
    assert submit(filled, period="2024", actor="alice").changed == 0


def test_approving_again_changes_nothing(filled):
    approve_all(filled, period="2023")
    n = len(filled.audit_events())
    again = approve(filled, period="2023", actor="carol")
    assert (again.changed, again.locked) == (0, False)
    assert len(filled.audit_events()) == n


def test_month_lock_covers_only_that_month(filled):
    approve_all(filled, period="2024-02")
    with pytest.raises(LockedError):
        filled.import_batch(batch(obs(period="2024-02", raw="1")), actor="a")
    assert (
        filled.import_batch(batch(obs(period="2024", raw="2")), actor="a").observations_updated == 1
    )


def test_bad_period_rejected(filled):
    with pytest.raises(InputError, match="bad period '24'"):
        submit(filled, period="24", actor="a")


def test_a_lock_on_one_entity_does_not_block_the_others(filled):
    """Submitting a year for all entities moves the unlocked drafts and skips SUB's locked ones."""
    approve_all(filled, period="2024", entity="SUB")
    s = submit(filled, period="2024", actor="alice")
    assert s.changed == 1  # JV's 2024 draft; SUB's two 2024 rows stay approved
    assert _statuses(filled, year=2024) == [
        ("JV", "2024", "submitted"),
        ("SUB", "2024", "approved"),
        ("SUB", "2024-02", "approved"),
    ]
    with pytest.raises(LockedError, match="cannot review: 2 observation"):
        review(filled, period="2024", entity="SUB", actor="bob")  # only locked rows in scope


def test_a_scope_without_observations_is_never_locked(filled):
    with pytest.raises(NotFoundError, match="nothing to approve: no observations for 2042 of SUB"):
        approve(filled, period="2042", entity="SUB", actor="carol")
    with pytest.raises(NotFoundError, match="nothing to approve: no observations for 2024-07\n"):
        approve(filled, period="2024-07", actor="carol")
    assert locks(filled) == []


def test_changing_ownership_after_approval_is_a_restatement(filled):
    """DESIGN: a change after approval is a restatement with a reason, entities included:
    ownership, control, parent and inclusion windows change approved consolidated figures."""
    from dataclasses import replace

    from store_helpers import GROUP, JV, SUB

    approve_all(filled, period="2024")
    before = filled.verify_audit().events
    sub_60 = replace(SUB, ownership_pct=60.0)
    with pytest.raises(LockedError, match=r"entity 'SUB': changing ownership_pct restates"):
        filled.import_batch(batch(entities=(GROUP, sub_60, JV)), actor="carol")
    assert filled.verify_audit().events == before  # nothing written
    assert {e.code: e for e in filled.entities()}["SUB"].ownership_pct == 83.0

    # a name is not structural: no reason needed
    renamed = replace(SUB, name_en="Subsidiary Ltd")
    assert (
        filled.import_batch(batch(entities=(GROUP, renamed, JV)), actor="carol").entities_updated
        == 1
    )

    # with a reason it goes through, and the audit event says what it restates and why
    result = filled.import_batch(
        batch(entities=(GROUP, replace(renamed, ownership_pct=60.0), JV)),
        actor="carol",
        reason="share purchase agreement restated",
    )
    assert result.entities_updated == 1
    event = filled.audit_events(action="entity.update")[-1]
    assert event.payload["reason"] == "share purchase agreement restated"
    assert event.payload["restates"] == ["2024"]
