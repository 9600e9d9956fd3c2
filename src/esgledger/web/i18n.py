"""The portal's two languages: a message catalogue of our own, Chinese and English.

The language is the user's choice (the ``esgledger_lang`` cookie, set by the
switch in the page header), else the browser's ``Accept-Language`` (the first
of ``zh``/``en`` it names, by quality), else English. Templates call
``t("key")`` (or ``t("key", n=3)`` with ``str.format`` fields).
"""

from __future__ import annotations

import re
from typing import Any, Final, Literal

from fastapi import Request

__all__ = [
    "COOKIE",
    "LANGS",
    "MESSAGES",
    "Lang",
    "expected_text",
    "lang_of",
    "negotiate",
    "translate",
]

Lang = Literal["en", "zh"]
LANGS: Final[tuple[Lang, ...]] = ("en", "zh")
COOKIE = "esgledger_lang"

#: key → (English, Chinese)
MESSAGES: Final[dict[str, tuple[str, str]]] = {
    "app.name": ("ESG ledger", "ESG 数据台账"),
    "nav.home": ("My tasks", "我的待办"),
    "nav.campaigns": ("Campaigns", "填报任务"),
    "nav.review": ("Review", "审核"),
    "nav.upload": ("Upload workbook", "上传填报表"),
    "nav.locks": ("Periods", "期间锁定"),
    "nav.audit": ("Audit trail", "审计日志"),
    "nav.users": ("Users", "用户"),
    "nav.outbox": ("Reminders", "提醒邮件"),
    "nav.password": ("Password", "修改密码"),
    "nav.signout": ("Sign out", "退出"),
    "nav.skip": ("Skip to content", "跳到正文"),
    "lang.switch": ("中文", "English"),
    "home.title": ("My tasks", "我的待办"),
    "home.hello": ("Signed in as {user}", "当前用户：{user}"),
    "home.none": ("No open tasks. Nothing is waiting for you.", "暂无待办事项。"),
    "home.enter": ("Enter data", "填报数据"),
    "home.review": ("Review data", "审核数据"),
    "home.rejections": ("Rejections to fix", "待修改的退回数据"),
    "home.no_rejections": ("No rejected values.", "没有被退回的数据。"),
    "home.manage": ("Manage campaigns", "管理填报任务"),
    "col.entity": ("Entity", "主体"),
    "col.period": ("Period", "期间"),
    "col.campaign": ("Campaign", "填报任务"),
    "col.task": ("Task", "任务"),
    "col.due": ("Due", "截止日期"),
    "col.waiting": ("Waiting", "待处理"),
    "col.progress": ("Progress", "进度"),
    "col.indicator": ("Indicator", "指标"),
    "col.value": ("Value", "数值"),
    "col.unit": ("Unit", "单位"),
    "col.last_year": ("Last year", "上年数值"),
    "col.swing": ("Change", "同比变化"),
    "col.comment": ("Comment", "说明"),
    "col.status": ("Status", "状态"),
    "col.evidence": ("Evidence", "佐证材料"),
    "col.comments": ("Comments", "评论"),
    "col.reason": ("Reason", "原因"),
    "col.owner": ("Data owner", "填报人"),
    "col.reviewer": ("Reviewer", "审核人"),
    "col.expected": ("Expected", "应填"),
    "col.entered": ("Entered", "已填"),
    "col.overdue": ("Overdue", "逾期"),
    "col.rejected": ("Rejected", "退回"),
    "col.user": ("User", "用户"),
    "col.action": ("Action", "操作"),
    "col.time": ("Time", "时间"),
    "col.ref": ("Object", "对象"),
    "col.role": ("Role", "角色"),
    "col.name": ("Name", "名称"),
    "col.memberships": ("Memberships", "权限"),
    "col.row": ("Row", "行"),
    "col.column": ("Column", "列"),
    "col.file": ("File", "文件"),
    "col.got": ("Found", "实际内容"),
    "col.want": ("Expected", "应为"),
    "col.size": ("Size", "大小"),
    "col.by": ("By", "提交人"),
    "col.include": ("Include", "纳入"),
    "col.state": ("State", "状态"),
    "col.subject": ("Subject", "主题"),
    "status.draft": ("draft", "草稿"),
    "status.submitted": ("submitted", "已提交"),
    "status.reviewed": ("approved by reviewer", "审核通过"),
    "status.approved": ("locked", "已锁定"),
    "status.rejected": ("rejected", "已退回"),
    "status.empty": ("not entered", "未填"),
    "role.enter": ("enter", "填报"),
    "role.review": ("review", "审核"),
    "overdue": ("overdue", "已逾期"),
    "campaigns.title": ("Collection campaigns", "数据填报任务"),
    "campaigns.new": ("Open a campaign", "发起填报任务"),
    "campaigns.none": ("No campaigns yet.", "尚无填报任务。"),
    "campaigns.monthly": ("monthly", "按月"),
    "campaigns.annual": ("annual", "按年"),
    "campaigns.indicators_n": ("{n} indicators", "{n} 项指标"),
    "campaigns.entities_n": ("{n} entities", "{n} 个主体"),
    "campaign.dashboard": ("Progress", "填报进度"),
    "campaign.close": ("Close campaign", "关闭任务"),
    "campaign.reopen": ("Reopen campaign", "重新开放"),
    "campaign.closed": ("closed", "已关闭"),
    "new.title": ("Open a collection campaign", "发起数据填报任务"),
    "new.period": ("Reporting year", "报告年度"),
    "new.name": ("Name", "任务名称"),
    "new.monthly": (
        "Collect quantities month by month (12-month grid)",
        "按月填报累计量（12 个月）",
    ),
    "new.set": ("Indicator set", "指标集"),
    "new.framework": ("By framework", "按披露框架"),
    "new.topic": ("By topic", "按议题"),
    "new.last_year": ("Each entity's indicators of last year", "沿用上年指标"),
    "new.codes": ("Indicator codes (one per line, optional)", "指标代码（每行一个，可选）"),
    "new.none": ("(none)", "（无）"),
    "new.entities": ("Entities and assignments", "主体与分工"),
    "new.due_all": ("Due date for all", "统一截止日期"),
    "new.submit": ("Open campaign", "发起任务"),
    "entry.title": ("Data entry", "数据填报"),
    "entry.save": ("Save draft", "保存草稿"),
    "entry.submit": ("Submit for review", "提交审核"),
    "entry.saved": (
        "Saved: {added} new, {updated} changed.",
        "已保存：新增 {added} 项，修改 {updated} 项。",
    ),
    "entry.submitted": ("Submitted {n} values for review.", "已提交 {n} 项数据待审核。"),
    "entry.swing_help": (
        "A change of more than ±30 % against last year needs a comment before submitting.",
        "与上年相比变化超过 ±30% 的数据，提交前须填写说明。",
    ),
    "entry.needs_comment": ("explain the change of more than ±30 %", "变化超过 ±30%，请填写说明"),
    "entry.invalid": ("Not accepted", "无法接受"),
    "entry.ok": ("OK", "有效"),
    "entry.locked": (
        "This period is locked; changes are restatements and need a reason.",
        "该期间已锁定；修改须作为重述并说明原因。",
    ),
    "entry.restate_reason": ("Reason for the restatement", "重述原因"),
    "entry.details": ("details", "详情"),
    "entry.month": ("Month {m}", "{m} 月"),
    "entry.problems": (
        "Please fix these problems; nothing was saved.",
        "请修正以下问题；数据未保存。",
    ),
    "entry.rejected": ("Rejected: {reason}", "已退回：{reason}"),
    "value.title": ("Value", "数据详情"),
    "value.history": ("Versions", "版本记录"),
    "value.thread": ("Comments", "评论"),
    "value.add_comment": ("Add comment", "发表评论"),
    "value.no_comments": ("No comments yet.", "暂无评论。"),
    "value.attach": ("Attach evidence", "上传佐证材料"),
    "value.attach_help": (
        "PDF, PNG, JPEG, GIF, WebP or XLSX; at most {mib} MiB.",
        "支持 PDF、PNG、JPEG、GIF、WebP 或 XLSX，不超过 {mib} MiB。",
    ),
    "value.no_evidence": ("No evidence attached.", "尚未上传佐证材料。"),
    "value.back": ("Back to the form", "返回填报表"),
    "value.version": ("Version", "版本"),
    "review.title": ("Review queue", "审核队列"),
    "review.none": ("Nothing is waiting for review.", "暂无待审核数据。"),
    "review.approve": ("Approve selected", "审核通过所选"),
    "review.reject": ("Reject selected", "退回所选"),
    "review.reason": ("Reason for rejecting", "退回原因"),
    "review.select_all": ("Select all", "全选"),
    "review.done_approve": ("Approved {n} values.", "已审核通过 {n} 项。"),
    "review.done_reject": ("Sent {n} values back.", "已退回 {n} 项。"),
    "review.need_reason": ("Give a reason for rejecting.", "请填写退回原因。"),
    "review.need_select": ("Select at least one value.", "请至少选择一项数据。"),
    "locks.title": ("Period locks and restatements", "期间锁定与重述"),
    "locks.lock": ("Approve and lock", "批准并锁定"),
    "locks.unlock": ("Unlock", "解锁"),
    "locks.reason": ("Reason", "原因"),
    "locks.none": ("No locked periods.", "暂无已锁定期间。"),
    "locks.restatements": ("Restatement requests", "重述申请"),
    "locks.no_restatements": ("No restatements waiting.", "暂无待批准的重述。"),
    "locks.locked_by": ("locked by {who} at {at}", "{who} 于 {at} 锁定"),
    "locks.done": ("{entity} {period} is locked.", "{entity} {period} 已锁定。"),
    "locks.unlocked": ("{entity} {period} is unlocked.", "{entity} {period} 已解锁。"),
    "locks.all": ("all entities", "全部主体"),
    "audit.title": ("Audit trail", "审计日志"),
    "audit.filter": ("Filter", "筛选"),
    "audit.verify": ("Verify the chain", "校验哈希链"),
    "audit.ok": (
        "The chain verifies: {events} events, head {head}.",
        "哈希链校验通过：共 {events} 条记录，链头 {head}。",
    ),
    "audit.broken": ("The chain is broken: {detail}", "哈希链已损坏：{detail}"),
    "audit.none": ("No events match.", "没有符合条件的记录。"),
    "users.title": ("Users and memberships", "用户与权限"),
    "users.add": ("Add user", "新增用户"),
    "users.password": ("Initial password", "初始密码"),
    "users.grant": ("Grant", "授权"),
    "users.revoke": ("Revoke", "撤销"),
    "users.disable": ("Disable", "停用"),
    "users.enable": ("Enable", "启用"),
    "users.disabled": ("disabled", "已停用"),
    "users.display": ("Display name", "显示名称"),
    "upload.title": ("Upload a collection workbook", "上传数据填报表"),
    "upload.help": (
        "The workbook made by “esgledger template” (XLSX), or observations/entities CSV "
        "files. Nothing is written unless every row is valid.",
        "由 “esgledger template” 生成的填报表（XLSX），或 observations/entities CSV 文件。"
        "只有全部数据有效时才会写入。",
    ),
    "upload.file": ("File", "文件"),
    "upload.dry_run": ("Check only (write nothing)", "仅校验（不写入）"),
    "upload.send": ("Upload", "上传"),
    "upload.receipt": ("Receipt", "导入回执"),
    "upload.checked": ("Checked only: nothing was written.", "仅校验：未写入任何数据。"),
    "upload.added": ("Values added", "新增数据"),
    "upload.updated": ("Values changed", "修改数据"),
    "upload.unchanged": ("Values unchanged", "未变化数据"),
    "upload.entities": ("Entities added / changed", "新增/修改主体"),
    "upload.problems": ("The file was not imported: {n} problems", "文件未导入：共 {n} 个问题"),
    "upload.warnings": ("Warnings", "提示"),
    "outbox.title": ("Reminders and notices", "提醒与通知"),
    "outbox.queue": ("Queue due-date reminders and digests now", "立即生成到期提醒和每日摘要"),
    "outbox.send": ("Send queued e-mail", "发送待发邮件"),
    "outbox.queued": ("Queued {r} reminders and {d} digests.", "已生成 {r} 条提醒和 {d} 份摘要。"),
    "outbox.sent": ("Sent {s}, failed {f}, pending {p}.", "已发送 {s}，失败 {f}，待发 {p}。"),
    "outbox.none": ("The outbox is empty.", "暂无邮件。"),
    "outbox.pending": ("pending", "待发送"),
    "outbox.sent_at": ("sent {at}", "已于 {at} 发送"),
    "error.title": ("Something needs your attention", "请注意"),
    "error.back": ("Back to the start page", "返回首页"),
    "login.title": ("Sign in", "登录"),
    "login.username": ("User name", "用户名"),
    "login.password": ("Password", "密码"),
    "login.submit": ("Sign in", "登录"),
    "pw.title": ("Change password", "修改密码"),
    "pw.current": ("Current password", "当前密码"),
    "pw.new": ("New password", "新密码"),
    "pw.done": (
        "Your password has been changed; your other sessions were signed out.",
        "密码已修改；您在其他设备上的登录已退出。",
    ),
    "nav.energy": ("Energy", "能耗监测"),
    "energy.title": ("Energy monitoring", "能耗在线监测"),
    "energy.no_units": (
        "No key energy-consuming unit with meters is in your scope.",
        "您的权限范围内没有配置计量表的重点用能单位。",
    ),
    "energy.unit": ("Key energy-consuming unit", "重点用能单位"),
    "energy.grain": ("Load curve", "负荷曲线"),
    "energy.grain_hour": ("hourly, whole month", "按小时（全月）"),
    "energy.grain_15min": ("15 minutes, one day", "15 分钟（单日）"),
    "energy.day": ("Day", "日期"),
    "energy.total_tce": ("Comprehensive energy", "综合能耗"),
    "energy.meters": ("Meters", "计量表"),
    "energy.open_alerts": ("Open alerts", "未处理预警"),
    "energy.forecast_share": ("Forecast against quota", "预测占限额"),
    "energy.of_quota": ("of the {year} quota", "占 {year} 年限额"),
    "energy.alerts": ("Open alerts", "未处理预警"),
    "energy.no_alerts": ("No open alert for this unit.", "该单位暂无未处理预警。"),
    "energy.severity": ("Severity", "级别"),
    "energy.rule": ("Rule", "规则"),
    "energy.when": ("When", "时间"),
    "energy.meter": ("Meter", "计量表"),
    "energy.message": ("What was found", "预警内容"),
    "energy.ack": ("Acknowledge", "确认"),
    "energy.reason": ("Reason", "确认原因"),
    "energy.acked": ("Alert #{id} acknowledged.", "预警 #{id} 已确认。"),
    "energy.sev_info": ("info", "提示"),
    "energy.sev_warning": ("warning", "警告"),
    "energy.sev_critical": ("critical", "严重"),
    "energy.rule_spike": ("spike", "突增"),
    "energy.rule_gap": ("data gap", "数据缺失"),
    "energy.rule_quota": ("quota burn-down", "限额预警"),
    "energy.rule_intensity": ("energy per unit of product", "单位产品能耗"),
    "energy.curve": ("Load curve", "负荷曲线"),
    "energy.curve_month_desc": (
        "Hourly consumption in {period}, {n} hours with data.",
        "{period} 逐小时用能，{n} 个小时有数据。",
    ),
    "energy.curve_day_desc": (
        "15-minute consumption on {day}, {n} intervals with data.",
        "{day} 每 15 分钟用能，{n} 个时段有数据。",
    ),
    "energy.load": ("consumption", "用能"),
    "energy.spike_band": ("alerted hour", "预警时段"),
    "energy.days": ("Daily consumption", "日用能"),
    "energy.days_desc": (
        "{n} days; {flagged} below 90 % completeness.",
        "共 {n} 天，其中 {flagged} 天完整率低于 90%。",
    ),
    "energy.per_day": ("per day", "每日"),
    "energy.incomplete": ("below 90 % complete", "完整率低于 90%"),
    "energy.quota": ("Year against the energy quota", "全年能耗与限额"),
    "energy.quota_desc": (
        "Year to date {ytd} tce, forecast {forecast} tce, quota {quota} tce.",
        "年初至今 {ytd} 吨标准煤，全年预测 {forecast} 吨标准煤，限额 {quota} 吨标准煤。",
    ),
    "energy.quota_text": (
        "Year to date {ytd} tce; forecast for {year} {forecast} tce, against a quota of "
        "{quota} tce.",
        "年初至今 {ytd} tce；{year} 年预测 {forecast} tce，限额 {quota} tce。",
    ),
    "energy.month_short": ("{m}", "{m}"),
    "energy.ytd": ("year to date (cumulative)", "年初至今（累计）"),
    "energy.forecast": ("forecast", "预测"),
    "energy.quota_line": ("annual quota", "年度限额"),
    "energy.no_quota": (
        "No annual energy quota is set for this unit (esgledger energy quota).",
        "该单位尚未设定年度能耗限额（esgledger energy quota）。",
    ),
    "energy.carriers": ("Consumption by carrier", "分品种能耗"),
    "energy.consumption": ("Consumption", "消费量"),
    "energy.completeness": ("Completeness", "完整率"),
    "energy.findings": ("Data-quality findings ({n})", "数据质量问题（{n}）"),
    "energy.day_table": ("Daily figures as a table", "日数据表"),
    "energy.synthetic_note": (
        "Meter series of the demo are synthetic (SYNTHETIC in the meter name), not measured data.",
        "演示数据中的计量序列为合成数据（计量表名称含 SYNTHETIC），并非实测数据。",
    ),
    "btn.apply": ("Apply", "应用"),
    "btn.send": ("Send", "发送"),
    "btn.download": ("Download", "下载"),
    "btn.open": ("Open", "打开"),
    "yes": ("yes", "是"),
    "no": ("no", "否"),
}


#: Chinese for the importer's most frequent expectations (the rest stay in English).
_EXPECTED_ZH: Final[tuple[tuple[re.Pattern[str], str], ...]] = (
    (re.compile(r"^a number such as 1234\.5 or 1,234\.5$"), "数字，如 1234.5 或 1,234.5"),
    (re.compile(r"^a known unit convertible to (.+)$"), "可换算为 \\1 的已知单位"),
    (
        re.compile(r"^a unit convertible to (.+) \(this one measures something else\)$"),
        "可换算为 \\1 的单位（所填单位计量的是其他量）",
    ),
    (re.compile(r"^a unit convertible to (\S+) \(e\.g\. .+\)$"), "单位（可换算为 \\1）"),
    (
        re.compile(r"^a value between (\S+) and (\S+) (.+?) \(this is (.+)\)$"),
        "\\1 至 \\2 \\3 之间的数值（当前为 \\4）",
    ),
)


def expected_text(lang: str, text: str) -> str:
    """What was expected, in Chinese where the catalogue knows the phrase."""
    if lang != "zh":
        return text
    for pattern, zh in _EXPECTED_ZH:
        if pattern.match(text):
            return pattern.sub(zh, text)
    return text


def _parse_accept(header: str) -> list[tuple[float, str]]:
    out: list[tuple[float, str]] = []
    for i, part in enumerate(header.split(",")):
        bits = part.strip().split(";")
        tag = bits[0].strip().lower()
        if not tag:
            continue
        q = 1.0
        for b in bits[1:]:
            b = b.strip()
            if b.startswith("q="):
                try:
                    q = float(b[2:])
                except ValueError:
                    q = 0.0
        out.append((q - i * 1e-6, tag))
    return sorted(out, reverse=True)


def negotiate(cookie: str | None, accept_language: str | None) -> Lang:
    """The cookie's language if valid, else the browser's first of zh/en, else English."""
    if cookie in LANGS:
        return cookie
    for q, tag in _parse_accept(accept_language or ""):
        if q <= 0:
            continue
        primary = tag.split("-")[0]
        if primary == "zh":
            return "zh"
        if primary == "en":
            return "en"
    return "en"


def lang_of(request: Request) -> Lang:
    cached: Lang | None = getattr(request.state, "lang", None)
    if cached is None:
        cached = negotiate(request.cookies.get(COOKIE), request.headers.get("accept-language"))
        request.state.lang = cached
    return cached


def translate(lang: str, key: str, **fields: Any) -> str:
    """The message ``key`` in ``lang`` (the key itself if unknown), formatted with ``fields``."""
    pair = MESSAGES.get(key)
    if pair is None:
        return key
    text = pair[1] if lang == "zh" else pair[0]
    return text.format(**fields) if fields else text


def _merge_area_catalogues() -> None:
    """The portal areas keep their own catalogues; one dictionary serves them all."""
    from esgledger.web.i18n_assess import ASSESS_MESSAGES
    from esgledger.web.messages_results import MESSAGES as results_messages

    MESSAGES.update(results_messages)
    MESSAGES.update(ASSESS_MESSAGES)


_merge_area_catalogues()
