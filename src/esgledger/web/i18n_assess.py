"""Messages of the report-build, stakeholder-survey and climate-register pages (en, zh).

Merged into :data:`esgledger.web.i18n.MESSAGES`; kept apart so the catalogue of
each area stays short.
"""

from __future__ import annotations

from typing import Final

__all__ = ["ASSESS_MESSAGES"]

ASSESS_MESSAGES: Final[dict[str, tuple[str, str]]] = {
    "nav.reports": ("Reports", "报告"),
    "nav.surveys": ("Surveys", "问卷调查"),
    "nav.risks": ("Climate risks", "气候风险"),
    "reports.title": ("Report builds", "报告生成"),
    "reports.boundary": ("Consolidation boundary", "合并边界"),
    "reports.langs": ("Languages", "语言"),
    "reports.lang_en": ("English", "英文"),
    "reports.lang_zh": ("Chinese", "中文"),
    "reports.formats": ("Formats", "格式"),
    "reports.build": ("Build the report", "生成报告"),
    "reports.history": ("Queue and history", "队列与历史"),
    "reports.none": ("No report has been built yet.", "尚未生成任何报告。"),
    "reports.what": ("Languages · formats · boundary", "语言 · 格式 · 边界"),
    "reports.requested": ("Requested", "提交"),
    "reports.run": ("Calculation run", "计算批次"),
    "reports.back": ("All report builds", "全部报告生成记录"),
    "boundary.operational": ("operational control", "运营控制权"),
    "boundary.financial": ("financial control", "财务控制权"),
    "boundary.equity": ("equity share", "股权比例"),
    "job.title": ("Report build #{id}", "报告生成 #{id}"),
    "job.queued": ("queued", "排队中"),
    "job.running": ("building", "生成中"),
    "job.done": ("done", "已完成"),
    "job.failed": ("failed", "失败"),
    "job.progress": ("Progress", "进度"),
    "job.failed_because": ("The build failed:", "生成失败："),
    "job.files": ("Files", "文件"),
    "job.file": ("File", "文件"),
    "job.size": ("Bytes", "字节"),
    "job.meta": (
        "Requested by {who} at {when} UTC; attempts: {attempts}.",
        "由 {who} 于 {when}（UTC）提交；尝试次数：{attempts}。",
    ),
}
