"""All or nothing: a failed write leaves the ledger unchanged, byte for byte; writers serialize."""

from __future__ import annotations

import hashlib
import threading
from pathlib import Path

import pytest
from sqlalchemy import make_url

import esgledger.store.importer as importer
from esgledger.store import Ledger
from store_helpers import batch, obs


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _big_batch(n: int, raw: str = "1"):
    rows = [obs(period=f"{2000 + i // 12}-{i % 12 + 1:02d}", raw=raw) for i in range(n)]
    return batch(*rows)


def _together(*threads: threading.Thread) -> None:
    """Start every thread, then wait for all of them."""
    for t in threads:
        t.start()
    for t in threads:
        t.join()


def test_sqlite_file_unchanged_after_failed_transaction(sqlite_url, monkeypatch):
    path = Path(make_url(sqlite_url).database)
    with Ledger.open(sqlite_url) as led:
        led.import_batch(_big_batch(100), actor="alice")
    before = _digest(path)

    def explode(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(importer, "append_events", explode)
    with Ledger.open(sqlite_url) as led:
        with pytest.raises(RuntimeError, match="disk on fire"):
            # 2 000 rows: 100 changed values and 1 900 new ones reach the database first
            led.import_batch(_big_batch(2000, raw="2"), actor="alice")
        assert len(led.observations()) == 100
    assert _digest(path) == before
    assert not Path(f"{path}-wal").exists() or Path(f"{path}-wal").stat().st_size == 0


def test_failed_import_leaves_no_rows(ledger, monkeypatch):
    ledger.import_batch(_big_batch(10), actor="alice")
    before = (ledger.entities(), ledger.observations(history=True), ledger.audit_events())

    def explode(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(importer, "append_events", explode)
    with pytest.raises(RuntimeError):
        ledger.import_batch(_big_batch(500, raw="3"), actor="bob")
    assert (ledger.entities(), ledger.observations(history=True), ledger.audit_events()) == before
    assert [u["username"] for u in ledger.users()] == ["alice"]


def test_concurrent_writers_keep_one_chain(any_db_url):
    """Two ledgers (two engines, as two processes would have) append at the same time."""
    with Ledger.open(any_db_url):
        pass
    errors: list[BaseException] = []

    def writer(name: str) -> None:
        try:
            with Ledger.open(any_db_url) as led:
                for i in range(15):
                    with led.transaction() as conn:
                        led.append_audit(conn, actor=name, action="t", ref=str(i), payload={"i": i})
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    _together(*(threading.Thread(target=writer, args=(n,)) for n in ("a", "b")))
    assert errors == []
    with Ledger.open(any_db_url) as led:
        report = led.verify_audit()
        assert report.events == 30
        assert sorted(e.actor for e in led.audit_events()) == ["a"] * 15 + ["b"] * 15


def test_concurrent_first_open_migrates_once(any_db_url):
    """Two processes opening a brand-new database at once both end up at head."""
    results: list[object] = []

    def opener() -> None:
        try:
            with Ledger.open(any_db_url) as led:
                results.append(led.revision())
        except BaseException as exc:  # pragma: no cover - reported below
            results.append(exc)

    _together(threading.Thread(target=opener), threading.Thread(target=opener))
    from esgledger.store.migrate import head_revision

    assert results == [head_revision(), head_revision()]


def test_dry_run_leaves_the_sqlite_file_unchanged(sqlite_url):
    path = Path(make_url(sqlite_url).database)
    with Ledger.open(sqlite_url) as led:
        led.import_batch(_big_batch(100), actor="alice")
    before = _digest(path)
    with Ledger.open(sqlite_url) as led:
        result = led.import_batch(_big_batch(2000, raw="2"), actor="bob", dry_run=True)
        # 100 existing keys change (raw 1 -> 2); 1 900 keys are new
        assert (result.dry_run, result.observations_updated, result.observations_added) == (
            True,
            100,
            1900,
        )
        assert len(led.observations()) == 100
        assert [u["username"] for u in led.users()] == ["alice"]
    assert _digest(path) == before
    assert not Path(f"{path}-wal").exists() or Path(f"{path}-wal").stat().st_size == 0
