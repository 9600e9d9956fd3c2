"""Benchmark: peak memory of validating and importing one large observations CSV (200 MB).

The file is generated (unique entity/period/indicator keys, realistic cells);
each case runs in its own subprocess so that its peak RSS (``ru_maxrss``,
which counts C allocations too) belongs to it alone:

- ``validate``: ``read_files`` (read, check and convert every row);
- ``import``: ``import_files`` into a fresh SQLite ledger (all or nothing).

    .venv/bin/python bench/bench_large_csv.py             # 200 MB, table on stdout
    .venv/bin/python bench/bench_large_csv.py --mb 50
    .venv/bin/python bench/bench_large_csv.py --smoke     # 2 MB, for make test
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

sys.path.insert(0, str(Path(__file__).parent))
from bench_import import machine  # noqa: E402

ENTITIES = 2000
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
HEADER = "entity,period,indicator,value,unit,source,comment\n"
ENT_HEADER = (
    "code,name_en,name_zh,parent,type,ownership_pct,control,region,included_from,included_to\n"
)


def generate(folder: Path, mb: float) -> tuple[Path, Path, int]:
    """entities.csv and an observations.csv of about ``mb`` megabytes; (paths, rows)."""
    ents = folder / "entities.csv"
    with ents.open("w", encoding="utf-8", newline="") as f:
        f.write(ENT_HEADER + "G,Group,集团,,group,,operational,CN-NM,,\n")
        for i in range(1, ENTITIES):
            f.write(f"E{i:04d},Entity {i},主体{i},G,subsidiary,100,operational,CN-NM,,\n")
    obs = folder / "observations.csv"
    target = int(mb * 1_000_000)
    codes = ["G"] + [f"E{i:04d}" for i in range(1, ENTITIES)]
    rows = 0
    size = len(HEADER)
    with obs.open("w", encoding="utf-8", newline="") as f:
        f.write(HEADER)
        month = 0
        while size < target:
            period = f"{1990 + month // 12}-{month % 12 + 1:02d}"
            lines = []
            for code in codes:
                for ind, units in INDICATORS:
                    k = rows + len(lines)
                    lines.append(
                        f"{code},{period},{ind},{(k * 37) % 100000 + 0.5},{units[k % len(units)]},"
                        f"meter reading {k % 997},checked by site team\n"
                    )
            chunk = "".join(lines)
            f.write(chunk)
            size += len(chunk.encode())
            rows += len(lines)
            month += 1
    return ents, obs, rows


def child(mode: str, files: list[str], db: str) -> None:
    t0 = time.perf_counter()
    from esgledger.intake import import_files, read_files
    from esgledger.store import Ledger

    if mode == "validate":
        rows = len(read_files(files).observations)
    else:
        with Ledger.open(f"sqlite:///{db}") as ledger:
            rows = import_files(ledger, files, actor="bench").observations_added
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"rows": rows, "s": time.perf_counter() - t0, "peak_mb": peak_kb / 1024}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=200.0, help="size of the CSV in MB")
    parser.add_argument("--smoke", action="store_true", help="a 2 MB file: does it run")
    parser.add_argument("--markdown", action="store_true", help="print a table for BENCHMARKS.md")
    parser.add_argument("--child", nargs="*", help=argparse.SUPPRESS)
    parser.add_argument("--mode", help=argparse.SUPPRESS)
    parser.add_argument("--db", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child is not None:
        child(args.mode, args.child, args.db)
        return
    mb = 2.0 if args.smoke else args.mb
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        ents, obs, rows = generate(folder, mb)
        size = obs.stat().st_size / 1e6
        print(f"observations.csv: {size:.0f} MB, {rows:,} rows")
        results = []
        for mode in ("validate", "import"):
            out = subprocess.run(
                [
                    sys.executable,
                    __file__,
                    "--mode",
                    mode,
                    "--db",
                    str(folder / "l.db"),
                    "--child",
                    str(ents),
                    str(obs),
                ],  # fmt: skip
                check=True,
                capture_output=True,
                text=True,
            )
            m = json.loads(out.stdout.strip().splitlines()[-1])
            assert m["rows"] == rows, (mode, m["rows"], rows)
            results.append((mode, m))
            print(f"{mode:9} {m['s']:7.1f} s  peak RSS {m['peak_mb']:6.0f} MB")
        print(machine())
        if args.markdown:
            when = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
            print(f"\n{when}; {machine()}; load average {os.getloadavg()[0]:.1f}\n")
            print("| step | file (MB) | rows | time (s) | peak RSS (MB) | RSS / file |")
            print("|---|---:|---:|---:|---:|---:|")
            for mode, m in results:
                print(
                    f"| {mode} | {size:.0f} | {rows:,} | {m['s']:.1f} | {m['peak_mb']:.0f} | "
                    f"{m['peak_mb'] / size:.1f}x |"
                )


if __name__ == "__main__":
    main()
