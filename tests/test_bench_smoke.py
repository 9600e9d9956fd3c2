"""Benchmarks cannot rot: every ``bench/`` script has a smoke mode that ``make test`` runs.

The Makefile's ``bench-smoke`` target (a prerequisite of ``test``) runs each
``bench/bench_*.py --smoke``; this test checks that every script takes the
option and that the target covers every script (a glob, not a list to forget).
"""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_every_bench_script_has_a_smoke_mode() -> None:
    scripts = sorted((ROOT / "bench").glob("bench_*.py"))
    assert len(scripts) >= 4
    for script in scripts:
        assert '"--smoke"' in script.read_text(encoding="utf-8"), script.name


def test_make_test_runs_every_bench_script_in_smoke_mode() -> None:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    test_line = re.search(r"^test:(.*)$", makefile, re.MULTILINE)
    assert test_line is not None and "bench-smoke" in test_line.group(1).split()
    target = makefile.split("\nbench-smoke:", 1)[1].split("\n\n", 1)[0]
    assert "bench/bench_*.py" in target and "--smoke" in target
