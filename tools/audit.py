"""Dependency audit: pip-audit over the installed environment, read by one rule.

    python tools/audit.py            # strict (make audit): every package must be audited
    python tools/audit.py --offline  # CI: a service that cannot be reached is not a failure

pip-audit asks a vulnerability service about each installed package (PyPI's
JSON API by default; ``--service osv`` for OSV). The rule, in :func:`verdict`:

- any package with a known vulnerability fails, in both modes;
- a package the service could not answer for (no network, a mirror without
  vulnerability data: pip-audit's ``skip_reason``), or pip-audit failing to
  reach the service at all, fails the strict mode and only warns with
  ``--offline``, saying how many packages went unaudited.

The exit code is 0 (clean), 1 (a vulnerability, or unaudited in strict mode).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any


def verdict(report: Mapping[str, Any] | None, *, offline: bool) -> tuple[int, list[str]]:
    """Exit code and lines to print for a pip-audit JSON report (``None``: it did not run)."""
    if report is None:
        lines = ["pip-audit could not reach its vulnerability service: nothing was audited"]
        return (0 if offline else 1), lines
    deps: Sequence[Mapping[str, Any]] = report.get("dependencies", [])
    vulnerable = [d for d in deps if d.get("vulns")]
    skipped = [d for d in deps if d.get("skip_reason")]
    lines = [
        f"VULNERABLE {d['name']} {d.get('version', '')}: "
        + ", ".join(
            f"{v.get('id')} (fixed in {', '.join(v.get('fix_versions') or []) or 'no release'})"
            for v in d["vulns"]
        )
        for d in vulnerable
    ]
    audited = len(deps) - len(skipped)
    lines.append(
        f"{len(deps)} packages: {audited} audited, {len(skipped)} not audited, "
        f"{len(vulnerable)} with known vulnerabilities"
    )
    if skipped:
        lines.append(f"not audited (first): {skipped[0].get('skip_reason')}")
    if vulnerable:
        return 1, lines
    if skipped and not offline:
        return 1, [*lines, "strict mode: every package must be audited (use --offline in CI)"]
    return 0, lines


def run_pip_audit(service: str) -> dict[str, Any] | None:
    exe = Path(sys.executable).with_name("pip-audit")
    cmd = [str(exe), "--local", "--format", "json", "--progress-spinner", "off", "-s", service]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=600, check=False)  # noqa: S603
    try:
        report: dict[str, Any] = json.loads(done.stdout)
    except json.JSONDecodeError:
        # pip-audit prints no report when the service is unreachable (a traceback instead)
        tail = (done.stderr.strip().splitlines() or ["no output"])[-1]
        print(f"pip-audit: {tail[:300]}", file=sys.stderr)
        return None
    return report


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--offline", action="store_true", help="unreachable service: warn, pass")
    ap.add_argument("--service", default="pypi", choices=["pypi", "osv"])
    ap.add_argument("--report", type=Path, help="read this pip-audit JSON instead of running it")
    args = ap.parse_args()
    if args.report is not None:
        report = json.loads(args.report.read_text(encoding="utf-8"))
    else:
        report = run_pip_audit(args.service)
    code, lines = verdict(report, offline=args.offline)
    for line in lines:
        print(line)
    sys.exit(code)


if __name__ == "__main__":
    main()
