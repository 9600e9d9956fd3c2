"""Findings: what a data-quality check reports, with a stable id.

A finding's id is a short hash of (check, entity, indicator, period), so it
stays the same from one run to the next while the problem is there, and an
acknowledgement recorded against it keeps applying.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any, Literal

__all__ = [
    "FINDING_STATUSES",
    "SEVERITIES",
    "Finding",
    "FindingStatus",
    "Severity",
    "apply_acknowledgements",
    "finding_id",
    "make_finding",
    "sort_findings",
    "summarize",
]

Severity = Literal["error", "warning", "info"]
SEVERITIES: tuple[Severity, ...] = ("error", "warning", "info")
FindingStatus = Literal["open", "explained", "acknowledged"]
FINDING_STATUSES: tuple[FindingStatus, ...] = ("open", "explained", "acknowledged")


def finding_id(check: str, entity: str, indicator: str, period: str) -> str:
    """The stable id of a finding: 12 hex digits of SHA-256 over its key."""
    key = "\x1f".join((check, entity, indicator, period))
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:12]


@dataclass(frozen=True)
class Finding:
    """One data-quality finding.

    ``status`` is ``open``, ``explained`` (the observation carries a comment,
    shown in ``note``) or ``acknowledged`` (a reviewer recorded a reason, shown
    in ``note``).
    """

    id: str
    check: str
    severity: Severity
    entity: str
    indicator: str
    period: str
    message: str
    status: FindingStatus = "open"
    note: str = ""
    #: what ``make_finding`` was told tells this finding apart (enters the id only)
    subject: str = field(default="", compare=False)
    #: a hash of the values the finding is about (see ``checks.run_checks``): an
    #: acknowledgement recorded with one fingerprint no longer applies once it changes
    fingerprint: str = field(default="", compare=False)

    @property
    def year(self) -> int:
        """The year of ``period`` (0 when the period is not readable)."""
        head = self.period[:4]
        return int(head) if head.isdigit() else 0

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "check": self.check,
            "severity": self.severity,
            "entity": self.entity,
            "indicator": self.indicator,
            "period": self.period,
            "message": self.message,
            "status": self.status,
            "note": self.note,
        }


def make_finding(
    check: str,
    severity: Severity,
    entity: str,
    indicator: str,
    period: str,
    message: str,
    *,
    explanation: str = "",
    subject: str = "",
) -> Finding:
    """A finding with its id; ``explanation`` (a comment) marks it ``explained``.

    ``subject`` tells apart two findings of one check on the same indicator
    and period (e.g. two different sum rules); it enters the id only.
    """
    return Finding(
        id=finding_id(check, entity, indicator + (f"|{subject}" if subject else ""), period),
        check=check,
        severity=severity,
        entity=entity,
        indicator=indicator,
        period=period,
        message=message,
        status="explained" if explanation.strip() else "open",
        note=explanation.strip(),
        subject=subject,
    )


def apply_acknowledgements(
    findings: Iterable[Finding],
    acknowledged: Mapping[str, str],
    fingerprints: Mapping[str, str] | None = None,
) -> list[Finding]:
    """Mark findings whose id is in ``acknowledged`` (id → reason) as acknowledged.

    ``fingerprints`` (id → the finding's fingerprint when it was acknowledged)
    reopens a finding whose values have changed since: it stays open and its
    note says so. An acknowledgement without a fingerprint (recorded before
    fingerprints existed) applies as it is.
    """
    prints = fingerprints or {}
    out = []
    for f in findings:
        if f.id not in acknowledged:
            out.append(f)
            continue
        then = prints.get(f.id, "")
        if then and f.fingerprint and then != f.fingerprint:
            note = (
                f"reopened: acknowledged before ({acknowledged[f.id]}), but the values it "
                "is about have changed since"
            )
            out.append(replace(f, status="open", note=note))
        else:
            out.append(replace(f, status="acknowledged", note=acknowledged[f.id]))
    return out


def sort_findings(findings: Iterable[Finding]) -> list[Finding]:
    """Errors, warnings, then info; open ones first; then by entity, indicator, period."""
    rank = {s: i for i, s in enumerate(SEVERITIES)}
    state = {s: i for i, s in enumerate(FINDING_STATUSES)}
    return sorted(
        findings,
        key=lambda f: (
            rank[f.severity],
            state[f.status],
            f.entity,
            f.indicator,
            f.period,
            f.check,
            f.id,
        ),
    )


def summarize(findings: Iterable[Finding]) -> dict[str, Any]:
    """Counts by severity and by status (open findings only counted by severity)."""
    items = list(findings)
    open_items = [f for f in items if f.status == "open"]
    by_sev = Counter(f.severity for f in open_items)
    by_status = Counter(f.status for f in items)
    return {
        "total": len(items),
        "open": {s: by_sev.get(s, 0) for s in SEVERITIES},
        "status": {s: by_status.get(s, 0) for s in FINDING_STATUSES},
    }
