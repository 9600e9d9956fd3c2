"""The dependency audit's rule (tools/audit.py): a known vulnerability always fails."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

TOOL = Path(__file__).parents[1] / "tools" / "audit.py"
_spec = importlib.util.spec_from_file_location("audit_tool", TOOL)
assert _spec is not None and _spec.loader is not None
audit = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(audit)

CLEAN = {"name": "fastapi", "version": "0.165.0", "vulns": []}
SKIPPED = {"name": "uvicorn", "skip_reason": "Dependency not found on PyPI"}
VULNERABLE = {
    "name": "oldlib",
    "version": "1.0",
    "vulns": [{"id": "PYSEC-0000-1", "fix_versions": ["1.1"], "description": "x"}],
}


def test_a_known_vulnerability_fails_in_both_modes() -> None:
    report = {"dependencies": [CLEAN, SKIPPED, VULNERABLE], "fixes": []}
    for offline in (False, True):
        code, lines = audit.verdict(report, offline=offline)
        assert code == 1
        assert lines[0] == "VULNERABLE oldlib 1.0: PYSEC-0000-1 (fixed in 1.1)"


def test_packages_not_audited_fail_only_the_strict_mode() -> None:
    report = {"dependencies": [CLEAN, SKIPPED], "fixes": []}
    assert audit.verdict(report, offline=False)[0] == 1
    code, lines = audit.verdict(report, offline=True)
    assert code == 0
    assert "2 packages: 1 audited, 1 not audited, 0 with known vulnerabilities" in lines
    # the service unreachable altogether (pip-audit printed no report)
    assert audit.verdict(None, offline=True)[0] == 0
    assert audit.verdict(None, offline=False)[0] == 1
    assert audit.verdict({"dependencies": [CLEAN]}, offline=False)[0] == 0


def test_the_command_reads_a_report_and_exits_with_the_verdict(tmp_path) -> None:
    f = tmp_path / "report.json"
    f.write_text(json.dumps({"dependencies": [VULNERABLE]}), encoding="utf-8")
    done = subprocess.run(
        [sys.executable, str(TOOL), "--offline", "--report", str(f)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 1 and "VULNERABLE oldlib" in done.stdout
