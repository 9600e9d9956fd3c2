"""Benchmark: server time of the portal's explain drill-down pages on the demo ledger.

Target: at most 50 ms per drill-down page (issue 10): the figure's page
(``/results/explain/{metric}``: each entity's contribution) and one
contributing entity's page (``/results/explain/{metric}/{entity}``: its
observations, factors, evidence and who moved them), for the group's Scope 2
(location-based), Scope 1 and total energy in 2024, read from the demo's
stored run. The dashboard (``/results``) is timed too, for information.

Server time: one in-process request through the whole app (FastAPI's test
client: authentication by API token, the services, rendering), after a
warm-up request; best of ``--repeat`` (median shown).

    .venv/bin/python bench/bench_drilldown.py --repeat 20
    .venv/bin/python bench/bench_drilldown.py --smoke   # checks the script runs
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

TARGET_MS = 50.0
METRICS = ("ghg.scope2.location", "ghg.scope1", "energy.total_tce")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--smoke", action="store_true", help="one repeat: checks the script runs")
    args = parser.parse_args()
    if args.smoke:
        args.repeat = 1

    from fastapi.testclient import TestClient

    from esgledger.demo.build import build_demo
    from esgledger.services import identity, results
    from esgledger.services.context import Context, Principal
    from esgledger.settings import Settings
    from esgledger.store import Ledger
    from esgledger.web.app import create_app

    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'demo.db'}"
        with Ledger.open(url) as ledger:
            build_demo(ledger, Path(tmp) / "out")
        with Ledger.open(url) as ledger:
            admin = Context(ledger, Principal.local_admin())
            identity.add_user(admin, "bench-viewer", role="viewer", entities=[])
            token = identity.create_token(admin, "bench-viewer")[0]
            settings = Settings(database_url=url, secret_key="b" * 40, allowed_hosts="testserver")
            client = TestClient(create_app(settings, ledger=ledger))
            client.headers["Authorization"] = f"Bearer {token}"
            d = results.dashboard(admin, year=2024)
            pages = [("/results?" + urlencode({"year": 2024}), "dashboard")]
            for metric in METRICS:
                q = urlencode({"entity": d.entity, "year": 2024, "run": d.run_id})
                pages.append((f"/results/explain/{metric}?{q}", f"{metric} contributions"))
                dd = results.drilldown(admin, metric, entity=d.entity, year=2024, run_id=d.run_id)
                members = dd.data["lineage"]["entities"]
                biggest = max(members, key=lambda e: len(e["observations"]))["entity"]
                pages.append(
                    (f"/results/explain/{metric}/{biggest}?{q}", f"{metric} {biggest} observations")
                )
            timings: dict[str, list[float]] = {}
            for path, name in pages:
                r = client.get(path)
                assert r.status_code == 200, (path, r.status_code, r.text[:300])
                runs = []
                for _ in range(args.repeat):
                    t0 = time.perf_counter()
                    r = client.get(path)
                    runs.append((time.perf_counter() - t0) * 1000)
                    assert r.status_code == 200
                timings[name] = runs
            n_obs = len(ledger.observations())
    load = os.getloadavg()
    print(
        f"demo ledger: {n_obs:,} observations; run {d.run_id}; "
        f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, load average "
        f"{load[0]:.1f} / {load[1]:.1f}; best of {args.repeat} (median)"
    )
    worst = 0.0
    for name, runs in timings.items():
        best = min(runs)
        if name != "dashboard":
            worst = max(worst, best)
        print(f"{name}: {best:.1f} ms (median {statistics.median(runs):.1f} ms)")
    verdict = "ok" if worst <= TARGET_MS else "OVER TARGET"
    print(f"slowest drill-down page: {worst:.1f} ms (target <= {TARGET_MS:.0f} ms: {verdict})")


if __name__ == "__main__":
    main()
