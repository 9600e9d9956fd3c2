"""The report builder: report-as-code templates, content model, charts and renderers.

``build_report(ledger, period, langs, formats, out_dir, progress)`` is the one
call front ends need; ``publish(data, ...)`` does the same from plain data.
"""

from __future__ import annotations

from esgledger.report.build import ProgressFn, build_report, publish
from esgledger.report.data import ReportData

__all__ = ["ProgressFn", "ReportData", "build_report", "publish"]
