"""Benchmark: ``explain`` of one metric from a stored run vs a full compute, on the demo ledger.

Target: explaining one metric (the group's Scope 2, location-based, 2024, with
its whole lineage down to observations and factors) takes at most 5 % of a
full compute of the ledger (read every entity, observation and user factor,
run the engine over every year).

- full compute: :func:`esgledger.services.calc.compute_ledger` over all years
  (read the ledger, run the engine; what ``explain`` used to do on every
  call), and ``compute`` as the command does it
  (:func:`~esgledger.services.calc.run_and_store`: the same plus storing the
  run, its values and its lineage);
- explain: :func:`esgledger.services.explain.explain` as the CLI calls it:
  find the latest stored run of the options, read and unpack its lineage,
  check the ledger's change stamp, build the lineage tree.

Both on the same SQLite demo ledger (``build_demo``, which stores its runs),
in one process, after one warm-up call each; best of ``--repeat`` (median shown).

    .venv/bin/python bench/bench_explain.py --repeat 20
    .venv/bin/python bench/bench_explain.py --smoke   # seconds: checks the script runs
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path

METRIC = "ghg.scope2.location"
TARGET = 0.05


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--smoke", action="store_true", help="one repeat: checks the script runs")
    args = parser.parse_args()
    if args.smoke:
        args.repeat = 1

    from esgledger.demo.build import build_demo
    from esgledger.services.calc import compute_ledger, run_and_store
    from esgledger.services.context import Context, Principal
    from esgledger.services.explain import explain
    from esgledger.store import Ledger

    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'demo.db'}"
        with Ledger.open(url) as ledger:
            build_demo(ledger, Path(tmp) / "out")
        with Ledger.open(url) as ledger:
            ctx = Context(ledger, Principal.local_admin())
            root = next(e.code for e in ledger.entities() if not e.parent)
            n_obs = len(ledger.observations())

            def full() -> float:
                t0 = time.perf_counter()
                compute_ledger(ledger)
                return time.perf_counter() - t0

            def stored() -> float:
                t0 = time.perf_counter()
                run_and_store(ledger, actor="bench")
                return time.perf_counter() - t0

            def one() -> tuple[float, dict[str, object]]:
                t0 = time.perf_counter()
                data = explain(ctx, METRIC, entity=root, period=2024)
                return time.perf_counter() - t0, data

            full()
            one()
            computes = [full() for _ in range(args.repeat)]
            stores = [stored() for _ in range(args.repeat)]
            explains = []
            data: dict[str, object] = {}
            for _ in range(args.repeat):
                t, data = one()
                explains.append(t)
    run = data["run"]
    assert isinstance(run, dict) and run["stored"], "the demo stores its runs"
    t_full, t_store, t_one = min(computes), min(stores), min(explains)
    ratio = t_one / t_full
    load = os.getloadavg()
    print(
        f"demo ledger: {n_obs:,} observations; {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}"
        f", load average {load[0]:.1f} / {load[1]:.1f}; best of {args.repeat}"
    )
    print(
        f"full compute (all years): {t_full * 1000:.1f} ms "
        f"(median {statistics.median(computes) * 1000:.1f} ms)"
    )
    print(
        f"compute and store the run (esgledger compute): {t_store * 1000:.1f} ms "
        f"(median {statistics.median(stores) * 1000:.1f} ms)"
    )
    print(
        f"explain {METRIC} {root} 2024 from stored run {run['id']}: {t_one * 1000:.1f} ms "
        f"(median {statistics.median(explains) * 1000:.1f} ms) = {ratio * 100:.1f} % of a full "
        f"compute, {t_one / t_store * 100:.1f} % of compute-and-store "
        f"(target <= {TARGET * 100:.0f} % of esgledger compute: "
        f"{'ok' if t_one <= TARGET * t_store else 'OVER TARGET'})"
    )


if __name__ == "__main__":
    main()
