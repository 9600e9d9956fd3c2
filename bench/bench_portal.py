"""Benchmark: simulated submitters using the portal over loopback HTTP.

Each submitter signs in with the form (argon2id), loads its data-entry form
(its entity's values for the period through the API the page uses), saves 20
values one request at a time and submits the period. All submitters run at
once; every request's latency is recorded.

    .venv/bin/python bench/bench_portal.py                  # both cases, full size
    .venv/bin/python bench/bench_portal.py --case sqlite    # 50 submitters, 1 process
    .venv/bin/python bench/bench_portal.py --case postgresql --users 200 --workers 4
    .venv/bin/python bench/bench_portal.py --smoke          # seconds: 3 submitters, SQLite

Targets (issue 9): PostgreSQL, 4 workers, 200 submitters: p95 <= 100 ms, no
errors; SQLite, one process, 50 submitters: p95 <= 250 ms. The server runs as
``esgledger serve`` in a subprocess on 127.0.0.1 (loopback only); the run is
bounded by --timeout.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import httpx

from esgledger.catalog.indicators import load_indicators
from esgledger.services import identity, observations
from esgledger.services.context import Context, Principal
from esgledger.store import Ledger

PASSWORD = "bench password 123"
PERIOD = "2025"
VALUES = 20
SECRET = "bench-secret-key-0123456789abcdef"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _indicators(n: int) -> list[tuple[str, str, float]]:
    out = []
    for ind in load_indicators().values():
        if ind.kind == "text" or ind.aggregation == "none":
            continue
        value = 1.0 if ind.allows(1.0) else float(ind.min or 0)
        out.append((ind.code, ind.unit, value))
        if len(out) == n:
            break
    return out


def _seed(url: str, users: int, tmp: Path) -> list[str]:
    """One entity and one submitter per simulated user; returns the user names."""
    rows = [
        "code,name_en,name_zh,parent,type,ownership_pct,control,region,included_from,included_to"
    ]
    rows.append("G,Group,集团,,group,,operational,CN-NM,,")
    names = [f"s{i:03d}" for i in range(users)]
    for i in range(users):
        rows.append(f"E{i:03d},Plant {i},工厂{i},G,subsidiary,100,operational,CN-NM,,")
    (tmp / "entities.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    ledger = Ledger.open(url)
    try:
        admin = Context(ledger, Principal.local_admin())
        observations.import_files(admin, [tmp / "entities.csv"])
        for i, name in enumerate(names):
            identity.add_user(
                admin, name, role="submitter", entities=[f"E{i:03d}"], password=PASSWORD
            )
    finally:
        ledger.close()
    return names


class Recorder:
    def __init__(self) -> None:
        self.times: dict[str, list[float]] = {}
        self.errors: list[str] = []

    async def call(
        self, client: httpx.AsyncClient, step: str, method: str, url: str, ok: int, **kw: object
    ) -> httpx.Response:
        t0 = time.perf_counter()
        try:
            r = await client.request(method, url, **kw)  # type: ignore[arg-type]
        except httpx.HTTPError as exc:
            self.times.setdefault(step, []).append(time.perf_counter() - t0)
            self.errors.append(f"{step} {method} {url}: {type(exc).__name__} {exc}")
            return httpx.Response(
                599, json={}, request=httpx.Request(method, base_of(client) + url)
            )
        self.times.setdefault(step, []).append(time.perf_counter() - t0)
        if r.status_code != ok:
            self.errors.append(f"{step} {method} {url}: {r.status_code} {r.text[:120]}")
        return r


async def _submitter(
    base: str, index: int, name: str, inds: list[tuple[str, str, float]], rec: Recorder
) -> None:
    entity = f"E{index:03d}"
    async with httpx.AsyncClient(base_url=base, timeout=60) as c:
        page = await rec.call(c, "login form", "GET", "/login", 200)
        token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
        data = {
            "username": name,
            "password": PASSWORD,
            "csrf_token": token.group(1) if token else "",
        }
        await rec.call(c, "sign in", "POST", "/login", 303, data=data)
        me = await rec.call(c, "load form", "GET", "/api/v1/me", 200)
        csrf = {"X-CSRF-Token": me.json().get("csrf_token", "")}
        await rec.call(
            c, "load form", "GET", f"/api/v1/observations?entity={entity}&period={PERIOD}", 200
        )
        for code, unit, value in inds:
            item = {
                "entity": entity,
                "period": PERIOD,
                "indicator": code,
                "value": value,
                "unit": unit,
                "source": "bench",
            }
            await rec.call(
                c,
                "save value",
                "POST",
                "/api/v1/observations",
                200,
                json={"observations": [item]},
                headers=csrf,
            )
        await rec.call(
            c,
            "submit",
            "POST",
            "/api/v1/workflow/submit",
            200,
            json={"entity": entity, "period": PERIOD},
            headers=csrf,
        )


def base_of(client: httpx.AsyncClient) -> str:
    return str(client.base_url).rstrip("/")


def _pct(xs: list[float], q: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, max(0, int(round(q * len(xs) + 0.5)) - 1))]


def _wait_up(base: str, proc: subprocess.Popen[bytes], timeout: float) -> None:
    end = time.time() + timeout
    while time.time() < end:
        if proc.poll() is not None:
            raise SystemExit(f"server exited: {proc.stderr.read().decode() if proc.stderr else ''}")
        try:
            if httpx.get(base + "/login", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    raise SystemExit("server did not start in time")


def run_case(case: str, users: int, workers: int, timeout: float) -> dict[str, object]:
    tmp = Path(tempfile.mkdtemp(prefix="bench-portal-"))
    schema = None
    if case == "sqlite":
        url = f"sqlite:///{tmp / 'ledger.db'}"
    else:
        from sqlalchemy import create_engine, text

        base = os.environ.get(
            "ESGLEDGER_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
        )
        schema = f"bench_{uuid.uuid4().hex[:10]}"
        admin = create_engine(base)
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        url = f"{base}?options=-csearch_path%3D{schema}"
    t0 = time.perf_counter()
    names = _seed(url, users, tmp)
    seed_s = time.perf_counter() - t0
    inds = _indicators(VALUES)
    port = _free_port()
    env = dict(
        os.environ,
        ESGLEDGER_DATABASE_URL=url,
        ESGLEDGER_SECRET_KEY=SECRET,
        ESGLEDGER_ALLOWED_HOSTS="127.0.0.1",
    )
    cmd = [
        sys.executable,
        "-c",
        "from esgledger.cli import main; main()",
        "serve",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--workers",
        str(workers),
    ]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base_url = f"http://127.0.0.1:{port}"
    rec = Recorder()
    try:
        _wait_up(base_url, proc, 60)
        t1 = time.perf_counter()

        async def everyone() -> None:
            await asyncio.wait_for(
                asyncio.gather(
                    *(_submitter(base_url, i, n, inds, rec) for i, n in enumerate(names))
                ),
                timeout,
            )

        asyncio.run(everyone())
        wall = time.perf_counter() - t1
    finally:
        proc.terminate()
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            proc.kill()
        if schema is not None:
            from sqlalchemy import create_engine, text

            with create_engine(base).begin() as conn:  # type: ignore[possibly-undefined]
                conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
    every = [t for ts in rec.times.values() for t in ts]
    return {
        "case": case,
        "users": users,
        "workers": workers,
        "requests": len(every),
        "errors": len(rec.errors),
        "first_errors": rec.errors[:3],
        "wall_s": round(wall, 2),
        "requests_per_s": round(len(every) / wall, 1),
        "p50_ms": round(statistics.median(every) * 1000, 1),
        "p95_ms": round(_pct(every, 0.95) * 1000, 1),
        "p99_ms": round(_pct(every, 0.99) * 1000, 1),
        "p95_by_step_ms": {k: round(_pct(v, 0.95) * 1000, 1) for k, v in rec.times.items()},
        "seed_s": round(seed_s, 1),
        "load_1min": round(os.getloadavg()[0], 1),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--case", choices=["sqlite", "postgresql", "both"], default="both")
    ap.add_argument(
        "--users", type=int, default=None, help="default: 50 (SQLite), 200 (PostgreSQL)"
    )
    ap.add_argument("--workers", type=int, default=None, help="default: 1 (SQLite), 4 (PostgreSQL)")
    ap.add_argument("--timeout", type=float, default=600, help="seconds for the whole run")
    ap.add_argument("--smoke", action="store_true", help="3 submitters on SQLite (seconds)")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    cases = (
        ["sqlite"]
        if args.smoke
        else (["sqlite", "postgresql"] if args.case == "both" else [args.case])
    )
    results = []
    for case in cases:
        users = 3 if args.smoke else args.users or (50 if case == "sqlite" else 200)
        workers = args.workers or (1 if case == "sqlite" else 4)
        results.append(run_case(case, users, workers, 120 if args.smoke else args.timeout))
    if args.json:
        print(json.dumps(results, indent=2))
    else:
        print(f"machine: {platform.machine()} {platform.processor() or ''} cpus={os.cpu_count()}")
        for r in results:
            print(
                f"{r['case']:10} users={r['users']:3} workers={r['workers']} "
                f"requests={r['requests']} errors={r['errors']} {r['requests_per_s']} req/s "
                f"p50={r['p50_ms']} ms p95={r['p95_ms']} ms p99={r['p99_ms']} ms "
                f"(load {r['load_1min']})"
            )
            print(f"           p95 by step: {r['p95_by_step_ms']}")
            for e in r["first_errors"]:  # type: ignore[attr-defined]
                print("           error:", e)
    if any(r["errors"] for r in results):
        sys.exit(1)


if __name__ == "__main__":
    main()
