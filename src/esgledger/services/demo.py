"""The demo as a use case: load the demo company into a ledger (administrators)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from esgledger.demo.build import STEPS, DemoSummary, StepProgress, build_demo
from esgledger.services.authz import authorize
from esgledger.services.context import Context

__all__ = ["STEPS", "run_demo"]


def run_demo(
    ctx: Context,
    out_dir: Path | str,
    progress: StepProgress | None = None,
    *,
    report_formats: Sequence[str] = (),
) -> DemoSummary:
    """Load the demo data set, its users and workflow, runs and report (see ``demo.build``)."""
    authorize(ctx, "users.manage")  # the demo adds users: an administrator's step
    return build_demo(ctx.ledger, out_dir, progress, report_formats=report_formats)
