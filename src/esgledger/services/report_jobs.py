"""Report builds as background jobs: queue a build, follow it, download what it wrote.

:func:`queue_build` checks the choices (languages, formats, boundary) and
``report.build``; a :class:`Worker` (a thread inside each server process, or
``esgledger jobs work``) claims queued jobs one at a time and builds them as
the user who asked, so a permission withdrawn in the meantime fails the job.
Files land in ``<data_dir>/reports/job-<id>/``; the job row keeps each file's
SHA-256 and the calculation run the report printed. The queue, the history and
the downloads are for group-wide readers (``results.read`` on the group).
"""

from __future__ import annotations

import hashlib
import logging
import os
import socket
import threading
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from esgledger.calc.boundary import BOUNDARIES
from esgledger.errors import EsgError, NotFoundError, Problem, ValidationError
from esgledger.report.definition import LANGS
from esgledger.report.render import FORMATS
from esgledger.services.authz import authorize
from esgledger.services.context import Context
from esgledger.store import jobs as repo
from esgledger.store.jobs import JobRow
from esgledger.store.ledger import Ledger

__all__ = [
    "BOUNDARIES",
    "FORMATS",
    "LANGS",
    "STALE_AFTER",
    "JobRow",
    "Worker",
    "get_job",
    "job_dir",
    "job_file",
    "list_jobs",
    "queue_build",
    "run_next",
    "worker_name",
]

log = logging.getLogger(__name__)

#: a running job whose heartbeat is older than this goes back to the queue
STALE_AFTER = timedelta(seconds=90)
#: how often a building worker refreshes its heartbeat
HEARTBEAT_EVERY = 10.0


def worker_name() -> str:
    """``host:pid:random`` — unique per worker, also across restarts."""
    return f"{socket.gethostname()[:60]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def job_dir(data_dir: Path, job_id: int) -> Path:
    return Path(data_dir) / "reports" / f"job-{job_id}"


def _choices(
    values: Sequence[str], allowed: Sequence[str], name: str
) -> tuple[list[str], list[Problem]]:
    picked: list[str] = []
    problems: list[Problem] = []
    for v in values:
        v = v.strip().lower()
        if not v or v in picked:
            continue
        if v not in allowed:
            problems.append(Problem("form", None, None, v, "one of " + ", ".join(allowed), name))
        else:
            picked.append(v)
    if not picked and not problems:
        problems.append(
            Problem("form", None, None, "", "at least one of " + ", ".join(allowed), name)
        )
    return picked, problems


def queue_build(
    ctx: Context,
    period: int | str,
    langs: Sequence[str],
    formats: Sequence[str],
    boundary: str = "operational",
) -> int:
    """Queue a report build (``report.build``); returns the job id."""
    authorize(ctx, "report.build")
    problems: list[Problem] = []
    year: int | None = None
    try:
        year = int(str(period).strip())
        if not 1990 <= year <= 2100:
            raise ValueError
    except ValueError:
        problems.append(Problem("form", None, None, str(period), "a year such as 2024", "period"))
    lang_list, p1 = _choices(langs, LANGS, "langs")
    fmt_list, p2 = _choices(formats, FORMATS, "formats")
    problems += p1 + p2
    if boundary not in BOUNDARIES:
        problems.append(
            Problem("form", None, None, boundary, "one of " + ", ".join(BOUNDARIES), "boundary")
        )
    if problems or year is None:
        raise ValidationError(problems, what="report build")
    return repo.enqueue(
        ctx.ledger,
        period=year,
        langs=lang_list,
        formats=fmt_list,
        boundary=boundary,
        actor=ctx.actor,
        now=ctx.now(),
    )


def list_jobs(ctx: Context, *, limit: int = 50) -> list[JobRow]:
    """The queue and the history, newest first (group-wide ``results.read``)."""
    authorize(ctx, "results.read")
    return repo.list_jobs(ctx.ledger, limit=limit)


def get_job(ctx: Context, job_id: int) -> JobRow:
    authorize(ctx, "results.read")
    job = repo.get_job(ctx.ledger, job_id)
    if job is None:
        raise NotFoundError(f"no report build {job_id}")
    return job


def job_file(ctx: Context, job_id: int, name: str, data_dir: Path) -> Path:
    """The path of one file a finished build wrote (only names the job recorded)."""
    job = get_job(ctx, job_id)
    if job.state != "done" or name not in {o.name for o in job.outputs}:
        raise NotFoundError(f"build {job_id} has no file {name!r}")
    path = job_dir(data_dir, job_id) / name
    if not path.is_file():
        raise NotFoundError(f"the file {name!r} of build {job_id} is no longer on disk")
    return path


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 16), b""):
            h.update(chunk)
    return h.hexdigest()


def _now() -> datetime:
    return datetime.now(UTC)


def _build(ledger: Ledger, job: JobRow, worker: str, data_dir: Path) -> tuple[list[Path], str]:
    from esgledger.report.build import publish
    from esgledger.report.definition import load_definition
    from esgledger.report.sources import collect
    from esgledger.services.identity import principal_for

    ctx = Context(ledger, principal_for(ledger, job.requested_by))
    authorize(ctx, "report.build")

    def progress(done: int, total: int, step: str) -> None:
        repo.progress(ledger, job.id, worker=worker, now=_now(), done=done, total=total, step=step)

    repo.progress(ledger, job.id, worker=worker, now=_now(), done=0, total=1, step="collecting")
    data = collect(ledger, job.period, boundary=job.boundary, definition=load_definition(None))
    out = job_dir(data_dir, job.id)
    files = publish(data, job.langs, job.formats, out, progress)
    return files, data.run_id or ""


def run_next(ledger: Ledger, *, worker: str, data_dir: Path) -> JobRow | None:
    """Re-queue stale jobs, claim one and build it; returns the finished row (None: idle)."""
    repo.requeue_stale(ledger, now=_now(), stale=STALE_AFTER)
    job = repo.claim_next(ledger, worker=worker, now=_now())
    if job is None:
        return None
    stop = threading.Event()

    def beat() -> None:
        while not stop.wait(HEARTBEAT_EVERY):
            repo.progress(ledger, job.id, worker=worker, now=_now())

    beater = threading.Thread(target=beat, name=f"heartbeat-{job.id}", daemon=True)
    beater.start()
    try:
        files, run_id = _build(ledger, job, worker, data_dir)
        outputs = [repo.Output(p.name, _sha256(p), p.stat().st_size) for p in files]
        repo.finish(
            ledger,
            job.id,
            worker=worker,
            actor=job.requested_by,
            now=_now(),
            outputs=outputs,
            run_id=run_id,
        )
    except EsgError as error:
        text = error.message + (f" ({error.hint.text})" if error.hint else "")
        repo.finish(ledger, job.id, worker=worker, actor=job.requested_by, now=_now(), error=text)
    except Exception as error:  # a bug: record it without a traceback for the user
        log.exception("report build %s failed", job.id)
        repo.finish(
            ledger,
            job.id,
            worker=worker,
            actor=job.requested_by,
            now=_now(),
            error=f"internal error while building ({type(error).__name__}); see the server log",
        )
    finally:
        stop.set()
        beater.join(timeout=5)
    return repo.get_job(ledger, job.id)


@dataclass
class Worker:
    """A loop that builds queued reports until :meth:`stop` (one thread per process)."""

    ledger: Ledger
    data_dir: Path
    poll: float = 2.0
    name: str = field(default_factory=worker_name)
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def run_forever(self) -> None:
        while not self._stop.is_set():
            try:
                ran = run_next(self.ledger, worker=self.name, data_dir=self.data_dir)
            except EsgError as error:  # the database is away: try again later
                log.warning("report worker %s: %s", self.name, error.message)
                ran = None
            if ran is None:
                self._stop.wait(self.poll)

    def start(self) -> None:
        self._thread = threading.Thread(target=self.run_forever, name="report-worker", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
