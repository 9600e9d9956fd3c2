"""Benchmark: import 100,000 observation rows from CSV and from XLSX into a fresh SQLite ledger.

Each case runs in its own subprocess so that peak memory (``ru_maxrss``, which
counts C allocations too, unlike tracemalloc) belongs to that case alone.

    .venv/bin/python bench/bench_import.py            # both cases, table on stdout
    .venv/bin/python bench/bench_import.py --rows 20000
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ENTITIES = 50
INDICATORS = [
    ("energy.electricity.purchased", ["kWh", "万千瓦时", "MWh"]),
    ("fuel.diesel", ["kg", "吨", "t"]),
    ("water.fresh", ["m3", "万立方米"]),
    ("fuel.natural_gas", ["m3", "万立方米"]),
    ("energy.heat.purchased", ["GJ", "MJ"]),
    ("fuel.raw_coal", ["t", "吨"]),
    ("energy.steam.purchased", ["t", "kg"]),
    ("water.recycled", ["m3", "万立方米"]),
    ("production.reo", ["t", "吨"]),
    ("employees.total", ["person", "人"]),
]


def _entities() -> list[list[str]]:
    rows = [["G", "Group", "集团", "", "group", "", "operational", "CN-NM", "", ""]]
    for i in range(1, ENTITIES):
        rows.append(
            [f"E{i:03d}", f"Entity {i}", f"主体{i}", "G", "subsidiary", "100", "operational",
             "CN-NM", "", ""]
        )  # fmt: skip
    return rows


def _observations(n: int) -> list[list[object]]:
    rows: list[list[object]] = []
    codes = ["G"] + [f"E{i:03d}" for i in range(1, ENTITIES)]
    month = 0
    while len(rows) < n:
        period = f"{2000 + month // 12}-{month % 12 + 1:02d}"
        for code in codes:
            for ind, units in INDICATORS:
                k = len(rows)
                rows.append(
                    [code, period, ind, f"{(k * 37) % 100000 + 0.5}", units[k % len(units)],
                     "meter", ""]
                )  # fmt: skip
                if len(rows) == n:
                    return rows
        month += 1
    return rows


def generate(folder: Path, n: int) -> dict[str, list[Path]]:
    """Write the data set as CSV (two files) and as one XLSX workbook."""
    import openpyxl

    from esgledger.intake import ENTITY_COLUMNS, OBSERVATION_COLUMNS

    ents, obs = _entities(), _observations(n)
    with (folder / "entities.csv").open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows([ENTITY_COLUMNS, *ents])
    with (folder / "observations.csv").open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows([OBSERVATION_COLUMNS, *obs])
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("entities")
    for row in [ENTITY_COLUMNS, *ents]:
        ws.append(row)
    ws = wb.create_sheet("observations")
    ws.append(OBSERVATION_COLUMNS)
    for row in obs:
        ws.append([*row[:3], float(str(row[3])), *row[4:]])  # values as number cells
    wb.save(folder / "data.xlsx")
    return {
        "csv": [folder / "entities.csv", folder / "observations.csv"],
        "xlsx": [folder / "data.xlsx"],
    }


def child(files: list[str], db: str) -> None:
    """Run one case: open a fresh ledger, import, print JSON measurements."""
    t0 = time.perf_counter()
    from esgledger.intake import import_files
    from esgledger.store import Ledger

    with Ledger.open(f"sqlite:///{db}") as ledger:
        t1 = time.perf_counter()
        result = import_files(ledger, files, actor="bench")
        t2 = time.perf_counter()
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    print(
        json.dumps(
            {
                "rows": result.observations_added,
                "import_s": t2 - t1,
                "total_s": t2 - t0,
                "peak_mb": peak_kb / 1024,
            }
        )
    )


def machine() -> str:
    model = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
        mem_kb = int(Path("/proc/meminfo").read_text().split()[1])
        mem = f"{mem_kb / 1024 / 1024:.1f} GiB RAM"
    except OSError:
        mem = "RAM unknown"
    return f"{os.cpu_count()} CPUs (nproc), {model}, {mem}, Python {platform.python_version()}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=1, help="runs per case (best is shown)")
    parser.add_argument("--markdown", action="store_true", help="print a table for BENCHMARKS.md")
    parser.add_argument("--child", nargs="*", help=argparse.SUPPRESS)
    parser.add_argument("--db", help=argparse.SUPPRESS)
    parser.add_argument(
        "--smoke", action="store_true", help="500 rows, one run per case: checks the script runs"
    )
    args = parser.parse_args()
    if args.smoke:
        args.rows, args.repeat = 500, 1
    if args.child is not None:
        child(args.child, args.db)
        return
    from rich.console import Console
    from rich.table import Table

    console = Console()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        console.print(f"generating {args.rows:,} observation rows (CSV and XLSX)...")
        cases = generate(folder, args.rows)
        table = Table(title=f"import of {args.rows:,} observation rows into a fresh SQLite ledger")
        for col in ("format", "rows", "import (s)", "process wall (s)", "peak RSS (MB)"):
            table.add_column(col, justify="right")
        results = []
        for name, files in cases.items():
            runs = []
            for i in range(args.repeat):
                db = folder / f"{name}-{i}.db"
                start = time.perf_counter()
                out = subprocess.run(
                    [sys.executable, __file__, "--db", str(db), "--child", *map(str, files)],
                    check=True,
                    capture_output=True,
                    text=True,
                )
                m = json.loads(out.stdout.strip().splitlines()[-1])
                m["wall_s"] = time.perf_counter() - start
                runs.append(m)
            best = min(runs, key=lambda m: m["wall_s"])
            worst = max(runs, key=lambda m: m["wall_s"])
            results.append((name, best, worst))
            table.add_row(
                name,
                f"{best['rows']:,}",
                f"{best['import_s']:.2f}",
                f"{best['wall_s']:.2f}"
                + (f" (worst {worst['wall_s']:.2f})" if args.repeat > 1 else ""),
                f"{max(m['peak_mb'] for m in runs):.0f}",
            )
        console.print(table)
        console.print(machine())
        if args.markdown:
            load = os.getloadavg()[0]
            print(
                f"\n{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; {machine()}; "
                f"load average {load:.1f}; best of {args.repeat}\n"
            )
            print("| format | rows | import (s) | process wall (s) | peak RSS (MB) |")
            print("|---|---:|---:|---:|---:|")
            for name, best, worst in results:
                wall = f"{best['wall_s']:.2f}"
                if args.repeat > 1:
                    wall += f" (worst {worst['wall_s']:.2f})"
                print(
                    f"| {name} | {best['rows']:,} | {best['import_s']:.2f} | {wall} | "
                    f"{best['peak_mb']:.0f} |"
                )


if __name__ == "__main__":
    main()
