"""Data-quality checks: completeness, anomalies and cross-checks over plain observations.

Pure: observations, entities and the indicator catalogue in, findings out.
The CLI (``esgledger check``) reads the ledger and records acknowledgements
in the audit trail.
"""

from __future__ import annotations

from esgledger.quality.checks import CHECKS, CheckConfig, run_checks
from esgledger.quality.findings import (
    FINDING_STATUSES,
    SEVERITIES,
    Finding,
    finding_id,
    summarize,
)

__all__ = [
    "CHECKS",
    "FINDING_STATUSES",
    "SEVERITIES",
    "CheckConfig",
    "Finding",
    "finding_id",
    "run_checks",
    "summarize",
]
