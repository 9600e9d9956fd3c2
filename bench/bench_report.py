"""Benchmark: build the demo company's 2024 report from a demo ledger.

Cases (each in its own subprocess, on the same SQLite demo ledger):

- ``all``: two languages × four formats (HTML, PDF, DOCX, XLSX) — target ≤ 60 s;
- ``html+xlsx``: two languages, HTML and XLSX only — target ≤ 5 s.

"build" is the ``build_report`` call (read the ledger, compute, compose,
render, write); "process wall" is the whole subprocess including Python
start-up and imports; peak memory is the subprocess's ``ru_maxrss``.

    .venv/bin/python bench/bench_report.py                # both cases, table on stdout
    .venv/bin/python bench/bench_report.py --repeat 3 --markdown
    .venv/bin/python bench/bench_report.py --smoke        # one language, HTML: seconds
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CASES = {
    "all": ["html", "pdf", "docx", "xlsx"],
    "html+xlsx": ["html", "xlsx"],
}
TARGETS = {"all": 60.0, "html+xlsx": 5.0, "smoke": 5.0}


def _child(url: str, formats: list[str], out: str, langs: list[str]) -> None:
    start = time.perf_counter()
    from esgledger.demo.build import data_path
    from esgledger.report.build import build_report
    from esgledger.store import Ledger

    imported = time.perf_counter()
    steps: list[tuple[str, float]] = []
    with Ledger.open(url) as ledger:
        t0 = time.perf_counter()
        paths = build_report(
            ledger,
            2024,
            langs,
            formats,
            Path(out),
            lambda done, total, what: steps.append((what, time.perf_counter() - t0)),
            targets=data_path("targets.yaml"),
        )
        built = time.perf_counter() - t0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        json.dumps(
            {
                "imports": imported - start,
                "build": built,
                "steps": steps,
                "files": {p.name: p.stat().st_size for p in paths},
                "peak_mb": peak,
            }
        )
    )


def _make_ledger(folder: Path) -> str:
    from esgledger.demo.build import build_demo
    from esgledger.store import Ledger
    from esgledger.store.assessments import load_demo

    url = f"sqlite:///{folder / 'demo.db'}"
    with Ledger.open(url) as ledger:
        build_demo(ledger, folder / "demo-out")
        load_demo(ledger)
    return url


def _run(url: str, formats: list[str], out: Path, langs: list[str]) -> dict[str, object]:
    start = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, __file__, "--child", url, ",".join(formats), str(out), ",".join(langs)],
        capture_output=True,
        text=True,
        check=True,
    )
    wall = time.perf_counter() - start
    result: dict[str, object] = json.loads(proc.stdout.strip().splitlines()[-1])
    result["wall"] = wall
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--markdown", action="store_true")
    parser.add_argument("--child", nargs=4, help=argparse.SUPPRESS)
    parser.add_argument(
        "--smoke",
        action="store_true",
        help="one language, HTML only, once: checks the script runs (a few seconds)",
    )
    args = parser.parse_args()
    if args.child:
        url, formats, out, langs = args.child
        _child(url, formats.split(","), out, langs.split(","))
        return
    cases = {"smoke": ["html"]} if args.smoke else CASES
    langs = ["en"] if args.smoke else ["en", "zh"]
    if args.smoke:
        args.repeat = 1
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        url = _make_ledger(folder)
        rows = []
        for case, formats in cases.items():
            runs = [
                _run(url, formats, folder / f"out-{case}-{i}", langs) for i in range(args.repeat)
            ]
            best = min(runs, key=lambda r: float(r["build"]))  # type: ignore[arg-type]
            worst = max(float(r["wall"]) for r in runs)  # type: ignore[arg-type]
            rows.append((case, best, worst))
            if not args.markdown:
                for what, at in best["steps"]:  # type: ignore[attr-defined]
                    print(f"  {case:10s} {at:7.2f} s  {what}")
    load = os.getloadavg()[0]
    if args.markdown:
        print(f"load average {load:.1f}; best of {args.repeat}:\n")
        print("| case | target (s) | build (s) | process wall (s) | peak RSS (MB) |")
        print("|---|---:|---:|---:|---:|")
    for case, best, worst in rows:
        build, wall, peak = float(best["build"]), float(best["wall"]), float(best["peak_mb"])  # type: ignore[arg-type]
        if args.markdown:
            print(
                f"| {case} | {TARGETS[case]:.0f} | {build:.2f} | {wall:.2f} (worst {worst:.2f}) "
                f"| {peak:.0f} |"
            )
        else:
            ok = "ok" if build <= TARGETS[case] else "OVER TARGET"
            print(
                f"{case:10s} build {build:6.2f} s  process {wall:6.2f} s  "
                f"peak {peak:5.0f} MB  target {TARGETS[case]:.0f} s  {ok}"
            )


if __name__ == "__main__":
    main()
