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
    "survey.title": ("Stakeholder surveys", "利益相关方问卷"),
    "survey.none": ("No survey yet.", "尚无问卷。"),
    "survey.new": ("New survey", "新建问卷"),
    "survey.default_title": ("Materiality survey {year}", "{year} 年实质性议题调查"),
    "survey.expires": ("Open until", "截止日期"),
    "survey.group": ("Stakeholder group", "利益相关方群体"),
    "survey.personal": ("Personal links", "个人链接数"),
    "survey.shared": ("One shared link", "共享链接"),
    "survey.no_groups": (
        "This year has no stakeholder groups: import them first (materiality import).",
        "该年度尚无利益相关方群体，请先导入（materiality import）。",
    ),
    "survey.create": ("Create the survey", "创建问卷"),
    "survey.links": ("Survey links", "问卷链接"),
    "survey.links_once": (
        "Copy the links now: they are shown only once.",
        "请立即复制链接：链接只显示一次。",
    ),
    "survey.kind": ("Kind", "类型"),
    "survey.kind_group": ("shared", "共享"),
    "survey.kind_respondent": ("personal", "个人"),
    "survey.rates": ("Response rate by group", "各群体回复率"),
    "survey.invited": ("Links", "链接"),
    "survey.opened": ("Opened", "已打开"),
    "survey.submitted": ("Answered", "已回复"),
    "survey.rate": ("Rate", "回复率"),
    "survey.feeds": (
        "Answers join the {year} survey responses; run the materiality assessment to score them.",
        "回复计入 {year} 年问卷结果；运行实质性评估即可计分。",
    ),
    "survey.intro": (
        "For each topic, score 1 (low) to 5 (high). Your answers are saved as you go.",
        "请为每个议题打分，1（低）至 5（高）。答案会随时保存。",
    ),
    "survey.impact": ("Impact on the economy, environment and people", "对经济、环境和人的影响"),
    "survey.financial": ("Financial effect on the company", "对公司的财务影响"),
    "survey.save": ("Save for later", "保存"),
    "survey.submit": ("Submit", "提交"),
    "survey.saved": ("Saved.", "已保存。"),
    "survey.thanks": ("Thank you: your answers have been received.", "感谢参与，您的回复已收到。"),
}
