"""Report builds as background jobs: queueing, claiming, exactly-once, stale claims, errors."""

from __future__ import annotations

import threading
import time
from datetime import timedelta
from pathlib import Path

import pytest

from esgledger.errors import PermissionDenied, ValidationError
from esgledger.services import report_jobs
from esgledger.services.context import Context, Principal
from esgledger.store import Ledger
from esgledger.store import jobs as repo
from portal_helpers import ctx_of


def _admin(ledger: Ledger) -> Context:
    return Context(ledger, Principal.local_admin())


def test_queue_checks_every_choice(ledger) -> None:
    with pytest.raises(ValidationError) as info:
        report_jobs.queue_build(_admin(ledger), "20x4", ["fr"], ["pdf", "odt"], "nope")
    fields = sorted(p.field or "" for p in info.value.problems)
    assert fields == ["boundary", "formats", "langs", "period"]
    viewer = ctx_of(ledger, "vic", ("*", "viewer"))
    with pytest.raises(PermissionDenied):
        report_jobs.queue_build(viewer, 2024, ["en"], ["pdf"])
    assert repo.list_jobs(ledger) == []


def test_failed_build_records_its_error_and_stale_claims_return(ledger, tmp_path) -> None:
    admin = _admin(ledger)
    job_id = report_jobs.queue_build(admin, 2024, ["en"], ["html"], "operational")
    assert report_jobs.get_job(admin, job_id).state == "queued"
    # a worker that died after claiming: its heartbeat stops, the job is queued again
    claimed = repo.claim_next(ledger, worker="dead", now=admin.now() - timedelta(minutes=10))
    assert claimed is not None and claimed.id == job_id
    assert repo.claim_next(ledger, worker="other", now=admin.now()) is None
    done = report_jobs.run_next(ledger, worker="w2", data_dir=tmp_path)
    assert done is not None and done.id == job_id and done.attempts == 2
    # the empty ledger cannot be reported: the error is kept, in words, without a traceback
    assert done.state == "failed"
    assert "no observations for 2024" in done.error and "Traceback" not in done.error
    assert report_jobs.run_next(ledger, worker="w2", data_dir=tmp_path) is None


def _two_workers(url: str, tmp_path: Path, monkeypatch) -> list[tuple[str, int]]:
    ran: list[tuple[str, int]] = []
    lock = threading.Lock()

    def fake_build(ledger, job, worker, data_dir):  # the claim is under test, not the PDF
        with lock:
            ran.append((worker, job.id))
        time.sleep(0.3)
        out = report_jobs.job_dir(data_dir, job.id)
        out.mkdir(parents=True)
        (out / "r.html").write_text(f"job {job.id}", encoding="utf-8")
        return [out / "r.html"], f"calc-{job.id}"

    monkeypatch.setattr(report_jobs, "_build", fake_build)
    ledgers = [Ledger.open(url) for _ in range(2)]
    try:
        admin = _admin(ledgers[0])
        ids = [report_jobs.queue_build(admin, 2024, ["en"], ["html"]) for _ in range(2)]
        workers = [
            report_jobs.Worker(lg, tmp_path, poll=0.05, name=f"w{i}")
            for i, lg in enumerate(ledgers)
        ]
        for w in workers:
            w.start()
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            if all(report_jobs.get_job(admin, i).state == "done" for i in ids):
                break
            time.sleep(0.05)
        for w in workers:
            w.stop()
        jobs = [report_jobs.get_job(admin, i) for i in ids]
        assert [j.state for j in jobs] == ["done", "done"]
        for j in jobs:
            assert j.run_id == f"calc-{j.id}" and j.attempts == 1
            assert len(j.outputs[0].sha256) == 64 and j.outputs[0].size == len(f"job {j.id}")
        return ran
    finally:
        for lg in ledgers:
            lg.close()


@pytest.mark.postgres
def test_two_postgres_workers_run_each_job_exactly_once(pg_url, tmp_path, monkeypatch) -> None:
    ran = _two_workers(pg_url, tmp_path, monkeypatch)
    assert sorted(i for _, i in ran) == [1, 2]  # each job once
    assert len({w for w, _ in ran}) == 2  # the jobs ran side by side, one per worker


def test_sqlite_workers_run_each_job_exactly_once(sqlite_url, tmp_path, monkeypatch) -> None:
    ran = _two_workers(sqlite_url, tmp_path, monkeypatch)
    assert sorted(i for _, i in ran) == [1, 2]
