"""Benchmark: the deadline day. Submitters and reviewers at once, while reports build.

Every submitter signs in, then until the time is up loads its form, saves a
value and reads it back (mixed reads and writes); every reviewer signs in and
reads the observations of the entities in its queue. Meanwhile a loop runs
``esgledger report build`` as a subprocess (a report building beside the
users). Latencies per request: p50/p95/p99 and errors.

    .venv/bin/python bench/bench_deadline.py            # 500 submitters, 20 reviewers, 600 s, PG x4
    .venv/bin/python bench/bench_deadline.py --smoke    # seconds: 4 submitters, 1 reviewer, SQLite

Builds on bench_portal.py (seeding, server subprocess, recorder). Not yet in
it: meters streaming readings (POST /api/v1/readings) during the run.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).parent))
import bench_portal as bp  # noqa: E402


async def _submitter(base: str, i: int, name: str, inds, rec: bp.Recorder, end: float) -> None:
    entity = f"E{i:03d}"
    async with httpx.AsyncClient(base_url=base, timeout=60) as c:
        page = await rec.call(c, "login form", "GET", "/login", 200)
        m = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
        data = {"username": name, "password": bp.PASSWORD, "csrf_token": m.group(1) if m else ""}
        await rec.call(c, "sign in", "POST", "/login", 303, data=data)
        me = await rec.call(c, "me", "GET", "/api/v1/me", 200)
        csrf = {"X-CSRF-Token": me.json().get("csrf_token", "")}
        n = 0
        while time.monotonic() < end:
            code, unit, value = inds[n % len(inds)]
            await rec.call(
                c, "load form", "GET", f"/api/v1/observations?entity={entity}&period=2025", 200
            )
            item = {"entity": entity, "period": "2025", "indicator": code}
            item |= {"value": value + n, "unit": unit, "source": "bench"}
            await rec.call(
                c,
                "save value",
                "POST",
                "/api/v1/observations",
                200,
                json={"observations": [item]},
                headers=csrf,
            )
            n += 1
            await asyncio.sleep(1.0)  # a person typing: one value a second at most


async def _reviewer(base: str, token: str, users: int, rec: bp.Recorder, end: float) -> None:
    async with httpx.AsyncClient(
        base_url=base, timeout=60, headers={"Authorization": f"Bearer {token}"}
    ) as c:
        n = 0
        while time.monotonic() < end:
            await rec.call(
                c, "review list", "GET", f"/api/v1/observations?entity=E{n % users:03d}", 200
            )
            n += 1
            await asyncio.sleep(2.0)


def run(case: str, users: int, reviewers: int, workers: int, seconds: float) -> dict[str, object]:
    import tempfile

    from esgledger.services import identity
    from esgledger.services.context import Context, Principal
    from esgledger.store import Ledger

    tmp = Path(tempfile.mkdtemp(prefix="bench-deadline-"))
    url = f"sqlite:///{tmp / 'ledger.db'}"
    if case == "postgresql":
        import uuid

        from sqlalchemy import create_engine, text

        pg = os.environ.get("ESGLEDGER_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1/test")
        schema = f"bench_{uuid.uuid4().hex[:10]}"
        with create_engine(pg).begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        url = f"{pg}?options=-csearch_path%3D{schema}"
    names = bp._seed(url, users, tmp)
    ledger = Ledger.open(url)
    admin = Context(ledger, Principal.local_admin())
    tokens = []
    for r in range(reviewers):
        identity.add_user(admin, f"r{r:02d}", role="reviewer", entities=["G"])
        tokens.append(identity.create_token(admin, f"r{r:02d}")[0])
    ledger.close()
    port = bp._free_port()
    env = dict(os.environ, ESGLEDGER_DATABASE_URL=url, ESGLEDGER_SECRET_KEY=bp.SECRET)
    env["ESGLEDGER_ALLOWED_HOSTS"] = "127.0.0.1"
    cli = [sys.executable, "-c", "from esgledger.cli import main; main()"]
    serve = [*cli, "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers)]
    proc = subprocess.Popen(serve, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    rec = bp.Recorder()
    builds = {"runs": 0, "failed": 0}
    try:
        bp._wait_up(base, proc, 60)
        inds = bp._indicators(bp.VALUES)
        end = time.monotonic() + seconds

        async def builder() -> None:
            while time.monotonic() < end:
                out = tmp / "report"
                p = await asyncio.create_subprocess_exec(
                    *cli, "report", "build", "--period", "2025", "--out", str(out),
                    env=env, stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL,
                )  # fmt: skip
                builds["runs"] += 1
                if await p.wait() != 0:
                    builds["failed"] += 1
                    await asyncio.sleep(2)

        async def everyone() -> None:
            await asyncio.gather(
                builder(),
                *(_submitter(base, i, n, inds, rec, end) for i, n in enumerate(names)),
                *(_reviewer(base, t, users, rec, end) for t in tokens),
            )

        t0 = time.perf_counter()
        asyncio.run(everyone())
        wall = time.perf_counter() - t0
    finally:
        proc.terminate()
        proc.wait(30)
    every = sorted(t for ts in rec.times.values() for t in ts)
    return {
        "case": case,
        "submitters": users,
        "reviewers": reviewers,
        "workers": workers,
        "seconds": seconds,
        "requests": len(every),
        "errors": len(rec.errors),
        "first_errors": rec.errors[:3],
        "requests_per_s": round(len(every) / wall, 1),
        "p50_ms": round(bp._pct(every, 0.50) * 1000, 1),
        "p95_ms": round(bp._pct(every, 0.95) * 1000, 1),
        "p99_ms": round(bp._pct(every, 0.99) * 1000, 1),
        "report_builds": builds,
        "load_1min": round(os.getloadavg()[0], 1),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--smoke", action="store_true", help="seconds: 4 submitters, SQLite")
    ap.add_argument("--case", choices=["sqlite", "postgresql"], default="postgresql")
    ap.add_argument("--submitters", type=int, default=500)
    ap.add_argument("--reviewers", type=int, default=20)
    ap.add_argument("--workers", type=int, default=4)
    ap.add_argument("--seconds", type=float, default=600)
    args = ap.parse_args()
    if args.smoke:
        result = run("sqlite", 4, 1, 1, 5)
    else:
        result = run(args.case, args.submitters, args.reviewers, args.workers, args.seconds)
    print(json.dumps(result, indent=2))
    if result["errors"]:
        sys.exit(1)


if __name__ == "__main__":
    main()
