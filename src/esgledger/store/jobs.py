"""Repository of report build jobs: enqueue, claim, heartbeat, progress, finish.

A claim is atomic on both engines: the candidate row is selected with ``FOR
UPDATE SKIP LOCKED`` on PostgreSQL (two workers never pick the same row, and
neither waits for the other), then moved from ``queued`` to ``running`` by an
``UPDATE ... WHERE state = 'queued'`` whose row count says whether this
worker won (SQLite ignores ``FOR UPDATE``; its writers are serialised, so
the conditional update alone decides). A running job whose heartbeat is older
than the stale limit goes back to the queue (its worker died) until it has
been tried :data:`MAX_ATTEMPTS` times.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import and_, select, update

from esgledger.store.handle import LedgerHandle
from esgledger.store.schema_jobs import report_jobs

__all__ = [
    "MAX_ATTEMPTS",
    "JobRow",
    "Output",
    "claim_next",
    "enqueue",
    "finish",
    "get_job",
    "list_jobs",
    "progress",
    "requeue_stale",
]

#: a job whose worker died this many times is failed instead of queued again
MAX_ATTEMPTS = 3


def _aware(value: datetime | None) -> datetime | None:
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=UTC)


@dataclass(frozen=True)
class Output:
    """One file a build wrote: its name, SHA-256 and size in bytes."""

    name: str
    sha256: str
    size: int


@dataclass(frozen=True)
class JobRow:
    id: int
    state: str
    period: int
    langs: tuple[str, ...]
    formats: tuple[str, ...]
    boundary: str
    requested_by: str
    created_at: datetime
    claimed_by: str
    claimed_at: datetime | None
    heartbeat_at: datetime | None
    finished_at: datetime | None
    attempts: int
    done: int
    total: int
    step: str
    run_id: str
    outputs: tuple[Output, ...]
    error: str

    @property
    def percent(self) -> int:
        if self.state == "done":
            return 100
        return int(100 * self.done / self.total) if self.total else 0


def _outputs(text: str) -> tuple[Output, ...]:
    out = []
    for line in text.splitlines():
        name, sha, size = line.rsplit(":", 2)
        out.append(Output(name, sha, int(size)))
    return tuple(out)


def _row(r: object) -> JobRow:
    m = r._mapping  # type: ignore[attr-defined]
    return JobRow(
        id=m["id"],
        state=m["state"],
        period=m["period"],
        langs=tuple(x for x in m["langs"].split(",") if x),
        formats=tuple(x for x in m["formats"].split(",") if x),
        boundary=m["boundary"],
        requested_by=m["requested_by"],
        created_at=_aware(m["created_at"]) or m["created_at"],
        claimed_by=m["claimed_by"],
        claimed_at=_aware(m["claimed_at"]),
        heartbeat_at=_aware(m["heartbeat_at"]),
        finished_at=_aware(m["finished_at"]),
        attempts=m["attempts"],
        done=m["done"],
        total=m["total"],
        step=m["step"],
        run_id=m["run_id"],
        outputs=_outputs(m["outputs"]),
        error=m["error"],
    )


def enqueue(
    ledger: LedgerHandle,
    *,
    period: int,
    langs: Sequence[str],
    formats: Sequence[str],
    boundary: str,
    actor: str,
    now: datetime,
) -> int:
    with ledger.transaction() as conn:
        ledger.ensure_user(conn, actor)
        new_id = conn.execute(
            report_jobs.insert()
            .values(
                state="queued",
                period=period,
                langs=",".join(langs),
                formats=",".join(formats),
                boundary=boundary,
                requested_by=actor,
                created_at=now,
            )
            .returning(report_jobs.c.id)
        ).scalar_one()
        ledger.append_audit(
            conn,
            actor=actor,
            action="report.queue",
            ref=f"report_job:{new_id}",
            payload={
                "period": period,
                "langs": list(langs),
                "formats": list(formats),
                "boundary": boundary,
            },
        )
    return int(new_id)


def get_job(ledger: LedgerHandle, job_id: int) -> JobRow | None:
    with ledger.read() as conn:
        r = conn.execute(select(report_jobs).where(report_jobs.c.id == job_id)).first()
    return _row(r) if r is not None else None


def list_jobs(ledger: LedgerHandle, *, limit: int = 50) -> list[JobRow]:
    """Newest first."""
    with ledger.read() as conn:
        rows = conn.execute(
            select(report_jobs).order_by(report_jobs.c.id.desc()).limit(limit)
        ).all()
    return [_row(r) for r in rows]


def requeue_stale(ledger: LedgerHandle, *, now: datetime, stale: timedelta) -> int:
    """Running jobs whose heartbeat stopped: queued again, or failed after MAX_ATTEMPTS."""
    t = report_jobs
    limit = now - stale
    dead = and_(t.c.state == "running", t.c.heartbeat_at < limit)
    with ledger.transaction() as conn:
        failed = conn.execute(
            update(t)
            .where(dead, t.c.attempts >= MAX_ATTEMPTS)
            .values(
                state="failed",
                finished_at=now,
                error=f"the worker stopped answering {MAX_ATTEMPTS} times; build abandoned",
            )
        ).rowcount
        queued = conn.execute(
            update(t).where(dead).values(state="queued", claimed_by="", step="")
        ).rowcount
    return int(failed or 0) + int(queued or 0)


def claim_next(ledger: LedgerHandle, *, worker: str, now: datetime) -> JobRow | None:
    """Claim the oldest queued job for ``worker``; ``None`` when the queue is empty."""
    t = report_jobs
    for _ in range(5):
        with ledger.transaction() as conn:
            candidate = conn.execute(
                select(t.c.id)
                .where(t.c.state == "queued")
                .order_by(t.c.id)
                .limit(1)
                .with_for_update(skip_locked=True)
            ).scalar()
            if candidate is None:
                return None
            won = conn.execute(
                update(t)
                .where(t.c.id == candidate, t.c.state == "queued")
                .values(
                    state="running",
                    claimed_by=worker,
                    claimed_at=now,
                    heartbeat_at=now,
                    attempts=t.c.attempts + 1,
                    done=0,
                    total=0,
                    step="",
                    error="",
                )
            ).rowcount
            if won == 1:
                r = conn.execute(select(t).where(t.c.id == candidate)).first()
                return _row(r)
    return None


def progress(
    ledger: LedgerHandle,
    job_id: int,
    *,
    worker: str,
    now: datetime,
    done: int | None = None,
    total: int | None = None,
    step: str | None = None,
) -> bool:
    """Record progress (and the heartbeat); False when the job is no longer this worker's."""
    values: dict[str, object] = {"heartbeat_at": now}
    if done is not None:
        values["done"] = done
    if total is not None:
        values["total"] = total
    if step is not None:
        values["step"] = step[:500]
    t = report_jobs
    with ledger.transaction() as conn:
        n = conn.execute(
            update(t)
            .where(t.c.id == job_id, t.c.state == "running", t.c.claimed_by == worker)
            .values(**values)
        ).rowcount
    return n == 1


def finish(
    ledger: LedgerHandle,
    job_id: int,
    *,
    worker: str,
    actor: str,
    now: datetime,
    outputs: Sequence[Output] = (),
    run_id: str = "",
    error: str = "",
) -> bool:
    """Mark the job done (with its outputs) or failed (with its error)."""
    t = report_jobs
    with ledger.transaction() as conn:
        n = conn.execute(
            update(t)
            .where(t.c.id == job_id, t.c.state == "running", t.c.claimed_by == worker)
            .values(
                state="failed" if error else "done",
                finished_at=now,
                heartbeat_at=now,
                run_id=run_id[:64],
                outputs="\n".join(f"{o.name}:{o.sha256}:{o.size}" for o in outputs),
                error=error[:4000],
            )
        ).rowcount
        if n == 1:
            ledger.ensure_user(conn, actor)
            ledger.append_audit(
                conn,
                actor=actor,
                action="report.failed" if error else "report.built",
                ref=f"report_job:{job_id}",
                payload={
                    "worker": worker,
                    "run_id": run_id,
                    "outputs": {o.name: o.sha256 for o in outputs},
                    "error": error[:500],
                },
            )
    return n == 1
