"""The background outbox sender: claims keep concurrent senders from sending a message twice."""

from __future__ import annotations

import socket
import threading
import time
from datetime import UTC, datetime, timedelta

import pytest

from esgledger.services import outbox
from esgledger.settings import Settings
from esgledger.store import outbox as repo

T0 = datetime(2025, 3, 10, 9, 0, tzinfo=UTC)


class _Keep:
    def __init__(self) -> None:
        self.rcpts: list[str] = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):  # aiosmtpd handler hook
        with self.lock:
            self.rcpts.extend(envelope.rcpt_tos)
        return "250 OK"


@pytest.fixture
def smtp():
    from aiosmtpd.controller import Controller

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    handler = _Keep()
    ctl = Controller(handler, hostname="127.0.0.1", port=port)
    ctl.start()
    try:
        yield handler, port
    finally:
        ctl.stop()


def _queue(ledger, n: int) -> None:
    with ledger.transaction() as conn:
        for i in range(n):
            repo.enqueue(
                conn,
                recipient=f"u{i}",
                address=f"u{i}@example.test",
                kind="digest",
                subject=f"s{i}",
                body="b",
                dedupe=f"k{i}",
                at=T0,
            )


def test_a_claimed_message_is_not_claimed_again_until_the_lease_ends(ledger) -> None:
    _queue(ledger, 3)
    lease = timedelta(minutes=5)
    with ledger.transaction() as conn:
        first = repo.claim(conn, worker="w1", now=T0, lease=lease)
    with ledger.transaction() as conn:
        second = repo.claim(conn, worker="w2", now=T0 + timedelta(minutes=1), lease=lease)
    assert [m.subject for m in first] == ["s0", "s1", "s2"] and second == []
    with ledger.transaction() as conn:
        repo.mark_sent(conn, first[0].id, T0)
        later = repo.claim(conn, worker="w2", now=T0 + timedelta(minutes=6), lease=lease)
    # w1 died holding s1 and s2: after the lease w2 takes them; s0 was sent
    assert [m.subject for m in later] == ["s1", "s2"]


def test_concurrent_senders_send_each_message_exactly_once(ledger, smtp) -> None:
    handler, port = smtp
    _queue(ledger, 24)
    cfg = Settings(smtp_host="127.0.0.1", smtp_port=port)
    reports: list[outbox.SendReport] = []
    errors: list[BaseException] = []

    def send(worker: str) -> None:
        try:
            reports.append(outbox.deliver(ledger, cfg, worker=worker, limit=8))
        except BaseException as exc:
            errors.append(exc)

    for _ in range(3):  # rounds, as the loop runs them
        threads = [threading.Thread(target=send, args=(f"w{i}",)) for i in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
    assert errors == []
    assert sorted(handler.rcpts) == sorted(f"u{i}@example.test" for i in range(24))
    assert sum(r.sent for r in reports) == 24


def test_the_portal_sends_the_outbox_in_the_background(sqlite_url, tmp_path, smtp) -> None:
    from fastapi.testclient import TestClient

    from esgledger.store import Ledger
    from esgledger.web.app import create_app
    from web_helpers import settings_for

    handler, port = smtp
    ledger = Ledger.open(sqlite_url)
    try:
        _queue(ledger, 2)
        cfg = settings_for(sqlite_url, smtp_host="127.0.0.1", smtp_port=port, outbox_interval_s=0.1)
        with TestClient(create_app(cfg, ledger=ledger)):
            end = time.monotonic() + 10
            while len(handler.rcpts) < 2 and time.monotonic() < end:
                time.sleep(0.05)
        assert sorted(handler.rcpts) == ["u0@example.test", "u1@example.test"]
        with ledger.read() as conn:
            assert repo.pending(conn) == []
        # without SMTP no sender starts (nothing to send to): messages stay queued
        _queue_more = settings_for(sqlite_url, outbox_interval_s=0.1)
        with ledger.transaction() as conn:
            repo.enqueue(
                conn,
                recipient="x",
                address="x@example.test",
                kind="digest",
                subject="later",
                body="b",
                dedupe="later",
                at=T0,
            )
        with TestClient(create_app(_queue_more, ledger=ledger)):
            time.sleep(0.3)
        with ledger.read() as conn:
            assert [m.subject for m in repo.pending(conn)] == ["later"]
    finally:
        ledger.close()
