"""Portal services: campaigns, progress and tasks, data entry checks, evidence, comments, outbox."""

from __future__ import annotations

import hashlib
import io
from datetime import date

import openpyxl
import pytest

from esgledger.errors import InputError, NotFoundError, PermissionDenied
from esgledger.services import campaigns, comments, entry, evidence, outbox
from esgledger.services.campaigns import AssignmentInput
from esgledger.services.entry import EntryValue
from portal_helpers import DUE, ctx_of, seed

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def seeded(ledger, tmp_path, monkeypatch):
    monkeypatch.setenv("ESGLEDGER_DATA_DIR", str(tmp_path / "data"))
    seed(ledger, tmp_path)
    return ledger


def _open(ledger):
    from esgledger.services import identity
    from esgledger.services.context import Context, Principal

    admin = Context(ledger, Principal.local_admin())
    for name, role, entity in (("alice", "submitter", "A"), ("rita", "reviewer", "A")):
        identity.add_user(admin, name, role=role, entities=[entity])
    for name, role, entity in (("bob", "submitter", "B"), ("rob", "reviewer", "B")):
        identity.add_user(admin, name, role=role, entities=[entity])
    mgr = ctx_of(ledger, "mgr", ("*", "manager"))
    return mgr, campaigns.open_campaign(
        mgr,
        period="2025",
        name="2025 annual",
        indicators=["energy.electricity.purchased", "water.fresh"],
        assignments=[
            AssignmentInput("A", "alice", "rita", DUE),
            AssignmentInput("B", "bob", "rob", DUE),
        ],
    )


def test_open_campaign_lists_every_form_problem(seeded) -> None:
    mgr = ctx_of(seeded, "mgr", ("*", "manager"))
    with pytest.raises(InputError) as err:
        campaigns.open_campaign(
            mgr,
            period="2025-03",
            name=" ",
            indicators=["nope"],
            assignments=[
                AssignmentInput("A", "alice", "alice", None),
                AssignmentInput("Z", "x", "y", DUE),
            ],
        )
    fields = {p.field for p in err.value.problems}
    assert {"period", "name", "indicators", "reviewer[0]", "due[0]", "entity[1]"} <= fields
    assert campaigns.list_campaigns(mgr) == []  # nothing half-written


def test_submitter_cannot_open_a_campaign(seeded) -> None:
    alice = ctx_of(seeded, "alice", ("A", "submitter"))
    with pytest.raises(PermissionDenied):
        campaigns.open_campaign(
            alice,
            period="2025",
            name="x",
            indicators=["water.fresh"],
            assignments=[AssignmentInput("A", "alice", "rita", DUE)],
        )


def test_indicator_sets_by_topic_framework_and_last_year(seeded) -> None:
    mgr = ctx_of(seeded, "mgr", ("*", "manager"))
    water = campaigns.indicator_set(mgr, topic="water")
    assert "water.fresh" in water and all(c.startswith("water") for c in water)
    gri = campaigns.indicator_set(mgr, framework="gri")
    assert "energy.electricity.purchased" in gri
    last = campaigns.indicator_set(mgr, last_year_of=["A"], period="2025")
    assert last == ["energy.electricity.purchased", "water.fresh"]


def test_progress_tasks_and_overdue(seeded) -> None:
    mgr, c = _open(seeded)
    rows = {r.entity: r for r in campaigns.progress(mgr, c.id)}
    assert rows["A"].expected == 2 and rows["A"].entered == 0 and not rows["A"].overdue
    alice = ctx_of(seeded, "alice", ("A", "submitter"))
    tasks = campaigns.my_tasks(alice)
    assert [(t.assignment.entity, t.role, t.waiting) for t in tasks] == [("A", "enter", 2)]
    late = ctx_of(seeded, "alice", ("A", "submitter"), now=mgr.now().replace(month=4))
    assert campaigns.my_tasks(late)[0].overdue
    # a reviewer of B sees nothing of A
    rob = ctx_of(seeded, "rob", ("B", "reviewer"))
    assert [r.entity for r in campaigns.progress(rob, c.id)] == ["B"]


def test_monthly_campaign_expects_twelve_months_of_sums(seeded) -> None:
    mgr = ctx_of(seeded, "mgr", ("*", "manager"))
    c = campaigns.open_campaign(
        mgr,
        period="2025",
        name="monthly",
        monthly=True,
        indicators=["energy.electricity.purchased"],
        assignments=[AssignmentInput("A", "alice", "rita", DUE)],
    )
    form = entry.entry_form(mgr, c.id, "A")
    assert [cell.period for cell in form.rows[0].cells][:2] == ["2025-01", "2025-02"]
    assert len(form.rows[0].cells) == 12


def test_check_value_uses_the_importer_rules_and_chinese_units(seeded) -> None:
    _, c = _open(seeded)
    alice = ctx_of(seeded, "alice", ("A", "submitter"))
    bad = entry.check_value(
        alice, entity="A", period="2025", indicator="water.fresh", value="abc", unit="m3"
    )
    assert not bad.ok and bad.problems[0].field == "values[0].value"
    wrong = entry.check_value(
        alice, entity="A", period="2025", indicator="water.fresh", value="1", unit="万千瓦时"
    )
    assert not wrong.ok and wrong.problems[0].column == "unit"
    # 万千瓦时 = 10^4 kWh = 10 MWh, so 110 万千瓦时 = 1,100 MWh; last year 1,000 MWh → +10 %
    ok = entry.check_value(
        alice,
        entity="A",
        period="2025",
        indicator="energy.electricity.purchased",
        value="110",
        unit="万千瓦时",
    )
    assert ok.ok and ok.value == pytest.approx(1100.0) and ok.unit == "MWh"
    assert ok.last_year == 1000.0 and ok.swing == pytest.approx(0.10) and not ok.needs_comment


def test_swing_needs_a_comment_before_submit(seeded) -> None:
    _, c = _open(seeded)
    alice = ctx_of(seeded, "alice", ("A", "submitter"))
    # fresh water 8000 m3 against 5000 last year: +60 %
    entry.save_values(
        alice,
        "A",
        [
            EntryValue("2025", "water.fresh", "8000", "立方米"),
            EntryValue("2025", "energy.electricity.purchased", "", "MWh"),
        ],
    )
    with pytest.raises(InputError) as err:
        entry.submit_values(alice, c.id, "A")
    assert err.value.problems[0].field == "c:2025:water.fresh"
    comments.add_comment(
        alice, entity="A", period="2025", indicator="water.fresh", body="new cooling tower"
    )
    assert entry.submit_values(alice, c.id, "A") == 1
    form = entry.entry_form(alice, c.id, "A")
    water = next(r for r in form.rows if r.indicator.code == "water.fresh")
    assert water.cells[0].observation.status == "submitted"
    assert water.cells[0].swing == pytest.approx(0.6) and water.cells[0].comments == 1


def test_save_values_is_all_or_nothing(seeded) -> None:
    _open(seeded)
    alice = ctx_of(seeded, "alice", ("A", "submitter"))
    with pytest.raises(InputError) as err:
        entry.save_values(
            alice,
            "A",
            [
                EntryValue("2025", "water.fresh", "10", "m3"),
                EntryValue("2025", "energy.electricity.purchased", "-5", "MWh"),
            ],
        )
    assert err.value.problems[0].field == "values[1].value"
    assert seeded.observations(entity="A", period="2025") == []
    with pytest.raises(PermissionDenied):
        entry.save_values(ctx_of(seeded, "rita", ("A", "reviewer")), "A", [])


def _xlsx() -> bytes:
    buf = io.BytesIO()
    openpyxl.Workbook().save(buf)
    return buf.getvalue()


def test_evidence_is_typed_by_content_and_stored_by_hash(seeded, tmp_path) -> None:
    alice = ctx_of(seeded, "alice", ("A", "submitter"))
    ev = evidence.attach_evidence(
        alice,
        entity="A",
        period="2025",
        indicator="water.fresh",
        filename="../../bill.pdf",
        data=PDF,
    )
    assert ev.content_type == "application/pdf" and ev.filename == "bill.pdf"
    digest = hashlib.sha256(PDF).hexdigest()
    assert (tmp_path / "data" / "evidence" / digest[:2] / digest).read_bytes() == PDF
    assert ev.sha256 == digest
    for name, data in (("a.png", PNG), ("b.xlsx", _xlsx())):
        evidence.attach_evidence(
            alice, entity="A", period="2025", indicator="water.fresh", filename=name, data=data
        )
    for data in (b"<html><script>alert(1)</script>", b"plain text"):
        with pytest.raises(InputError) as err:
            evidence.attach_evidence(
                alice,
                entity="A",
                period="2025",
                indicator="water.fresh",
                filename="x.pdf",
                data=data,
            )
        assert "checked by content" in err.value.problems[0].expected
    with pytest.raises(InputError) as err:
        evidence.attach_evidence(
            alice,
            entity="A",
            period="2025",
            indicator="water.fresh",
            filename="big.pdf",
            data=PDF + b"0" * 2048,
            max_bytes=1024,
        )
    assert "at most" in err.value.problems[0].expected
    got = evidence.open_evidence(alice, ev.id)
    assert got.data == PDF
    # every download is authorised: another entity's reviewer does not even see it
    with pytest.raises(NotFoundError):
        evidence.open_evidence(ctx_of(seeded, "rob", ("B", "reviewer")), ev.id)
    assert [e.filename for e in evidence.list_evidence(alice, "A", "2025")] == [
        "bill.pdf",
        "a.png",
        "b.xlsx",
    ]


def test_comments_thread_and_scope(seeded) -> None:
    alice = ctx_of(seeded, "alice", ("A", "submitter"))
    rita = ctx_of(seeded, "rita", ("A", "reviewer"))
    comments.add_comment(alice, entity="A", period="2025", indicator="water.fresh", body="see bill")
    comments.add_comment(rita, entity="A", period="2025", indicator="water.fresh", body="ok")
    thread = comments.list_comments(rita, "A", "2025", "water.fresh")
    assert [(c.author, c.body) for c in thread] == [("alice", "see bill"), ("rita", "ok")]
    with pytest.raises(InputError):
        comments.add_comment(alice, entity="A", period="2025", indicator="water.fresh", body=" ")
    with pytest.raises(NotFoundError):
        comments.list_comments(ctx_of(seeded, "rob", ("B", "reviewer")), "A")
    with pytest.raises(PermissionDenied):
        comments.add_comment(
            ctx_of(seeded, "vic", ("A", "viewer")),
            entity="A",
            period="2025",
            indicator="water.fresh",
            body="x",
        )


def test_reminders_are_queued_once(seeded, monkeypatch) -> None:
    monkeypatch.setenv("ESGLEDGER_MAIL_DOMAIN", "example.test")
    mgr, c = _open(seeded)
    assert outbox.queue_reminders(mgr, today=date(2025, 3, 1)) == 0  # due in 30 days
    assert outbox.queue_reminders(mgr, today=date(2025, 3, 29)) == 2
    assert outbox.queue_reminders(mgr, today=date(2025, 3, 29)) == 0  # idempotent
    assert outbox.queue_reminders(mgr, today=date(2025, 4, 2)) == 2  # overdue, once a day
    assert outbox.queue_digests(mgr, today=date(2025, 4, 2)) == 2  # alice, bob (reviewers idle)
    assert outbox.queue_digests(mgr, today=date(2025, 4, 2)) == 0
    msgs = outbox.list_outbox(mgr)
    assert {m.address for m in msgs} == {"alice@example.test", "bob@example.test"}
    assert any("已逾期" in m.subject and "overdue" in m.subject for m in msgs)


def test_outbox_is_sent_over_smtp(seeded, monkeypatch) -> None:
    from aiosmtpd.controller import Controller
    from aiosmtpd.handlers import Sink

    class Keep(Sink):
        def __init__(self):
            self.got = []

        async def handle_DATA(self, server, session, envelope):
            self.got.append((envelope.rcpt_tos, envelope.content.decode("utf-8", "replace")))
            return "250 OK"

    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    handler = Keep()
    ctl = Controller(handler, hostname="127.0.0.1", port=port)
    ctl.start()
    try:
        monkeypatch.setenv("ESGLEDGER_MAIL_DOMAIN", "example.test")
        monkeypatch.setenv("ESGLEDGER_SMTP_HOST", "127.0.0.1")
        monkeypatch.setenv("ESGLEDGER_SMTP_PORT", str(port))
        mgr, _ = _open(seeded)
        outbox.queue_reminders(mgr, today=date(2025, 3, 29))
        report = outbox.send_pending(mgr)
        assert report.as_dict() == {"sent": 2, "failed": 0, "pending": 0}
        assert sorted(r for rcpts, _ in handler.got for r in rcpts) == [
            "alice@example.test",
            "bob@example.test",
        ]
        assert outbox.send_pending(mgr).sent == 0  # nothing sent twice
    finally:
        ctl.stop()


def test_locked_period_changes_are_restatement_requests(seeded) -> None:
    from esgledger.errors import LockedError
    from esgledger.services import workflow

    _, c = _open(seeded)
    alice = ctx_of(seeded, "alice", ("A", "submitter"))
    rita = ctx_of(seeded, "rita", ("A", "reviewer"))
    mgr = ctx_of(seeded, "mgr", ("*", "manager"))
    entry.save_values(alice, "A", [EntryValue("2025", "water.fresh", "5100", "m3")])
    entry.submit_values(alice, c.id, "A")
    workflow.review(rita, "A", "2025")
    workflow.approve(mgr, "A", "2025")
    assert entry.is_locked(alice, "A", "2025")
    with pytest.raises(LockedError):
        entry.save_values(alice, "A", [EntryValue("2025", "water.fresh", "5200", "m3")])
    entry.save_values(
        alice, "A", [EntryValue("2025", "water.fresh", "5200", "m3")], reason="meter recalibrated"
    )
    assert [o.raw_value for o in workflow.restatements(mgr, "A")] == ["5200"]
