"""Notices through one outbox: due-date reminders, rejection notices, a daily digest, energy alerts.

Messages are queued in the ledger (idempotently: each has a ``dedupe`` key, so
running the reminder job twice a day queues nothing new) and delivered over SMTP
when a host is configured (``ESGLEDGER_SMTP_HOST``): by :func:`sender_loop`,
which every portal worker runs in the background, or by :func:`send_pending`
(``esgledger outbox send``). Senders claim messages before sending them.
Each message is bilingual (Chinese, then English).
"""

from __future__ import annotations

import asyncio
import logging
import os
import smtplib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from email.message import EmailMessage
from typing import TYPE_CHECKING, Any

from esgledger.errors import ConfigError, EsgError
from esgledger.services import identity
from esgledger.services.authz import ROLE_ACTIONS, authorize, covers
from esgledger.services.campaigns import my_tasks, progress
from esgledger.services.context import Context, system_clock
from esgledger.settings import Settings, load_settings
from esgledger.store import campaigns as campaign_repo
from esgledger.store import identity as identity_repo
from esgledger.store import outbox as repo
from esgledger.store.outbox import Message

if TYPE_CHECKING:
    from esgledger.store import Ledger

__all__ = [
    "CLAIM_LEASE",
    "Message",
    "SendReport",
    "address_of",
    "alert_notices",
    "deliver",
    "list_outbox",
    "notify_rejection",
    "queue_digests",
    "queue_reminders",
    "send_pending",
    "sender_loop",
]

log = logging.getLogger("esgledger.outbox")

#: how long a sender's claim on a message holds before another sender may take it
CLAIM_LEASE = timedelta(minutes=5)


@dataclass(frozen=True)
class SendReport:
    sent: int
    failed: int
    pending: int

    def as_dict(self) -> dict[str, int]:
        return {"sent": self.sent, "failed": self.failed, "pending": self.pending}


def address_of(username: str, settings: Settings | None = None) -> str:
    """A user's e-mail address: the name itself when it is one, else ``name@mail_domain``."""
    if "@" in username:
        return username
    domain = (settings or load_settings()).mail_domain
    return f"{username}@{domain}" if domain else ""


def _queue(
    ctx: Context, *, recipient: str, kind: str, subject: str, body: str, dedupe: str
) -> bool:
    with ctx.ledger.transaction() as conn:
        return repo.enqueue(
            conn,
            recipient=recipient,
            address=address_of(recipient),
            kind=kind,
            subject=subject,
            body=body,
            dedupe=dedupe[:200],
            at=ctx.now(),
        )


def _link(path: str) -> str:
    return load_settings().public_url.rstrip("/") + path


def queue_reminders(ctx: Context, *, days_before: int = 3, today: date | None = None) -> int:
    """Queue a reminder for each unfinished assignment due within ``days_before`` or overdue."""
    authorize(ctx, "campaigns.manage")
    day = today or ctx.now().date()
    with ctx.ledger.read() as conn:
        open_campaigns = campaign_repo.list_campaigns(conn, include_closed=False)
    queued = 0
    for c in open_campaigns:
        for row in progress(ctx, c.id):
            if row.completion >= 1.0 and row.statuses.get("draft", 0) == 0:
                continue
            if row.due - day > timedelta(days=days_before):
                continue
            late = day > row.due
            zh = "已逾期" if late else "即将到期"
            en = "is overdue" if late else "is due soon"
            subject = f"[esgledger] {row.entity} {c.period}: {zh} / {en} ({row.due.isoformat()})"
            body = (
                f"{row.entity} {c.period} 的数据填报{zh}（截止日期 {row.due.isoformat()}），"
                f"已填 {row.entered}/{row.expected}。\n"
                f"The data of {row.entity} for {c.period} {en} (due {row.due.isoformat()}); "
                f"{row.entered} of {row.expected} values entered.\n\n"
                f"{_link(f'/entry/{c.id}/{row.entity}')}\n"
            )
            kind = "overdue" if late else "due"
            key = f"{kind}:{c.id}:{row.entity}:{day.isoformat() if late else row.due.isoformat()}"
            if _queue(ctx, recipient=row.owner, kind=kind, subject=subject, body=body, dedupe=key):
                queued += 1
    return queued


def notify_rejection(
    ctx: Context, *, entity: str, period: str, reason: str, indicators: list[str], ref: str
) -> int:
    """Tell the data owners of ``entity``'s open campaigns for the year that values came back."""
    with ctx.ledger.read() as conn:
        open_campaigns = campaign_repo.list_campaigns(conn, include_closed=False)
    owners = {
        a.owner
        for c in open_campaigns
        if c.period == period[:4]
        for a in c.assignments
        if a.entity == entity
    }
    listed = ", ".join(indicators[:10]) + (" …" if len(indicators) > 10 else "")
    queued = 0
    for owner in sorted(owners):
        subject = f"[esgledger] {entity} {period}: 数据被退回 / values rejected"
        body = (
            f"{ctx.actor} 退回了 {entity} {period} 的数据：{reason}\n"
            f"{ctx.actor} rejected values of {entity} for {period}: {reason}\n"
            f"{listed}\n\n{_link('/')}\n"
        )
        if _queue(
            ctx,
            recipient=owner,
            kind="rejection",
            subject=subject,
            body=body,
            dedupe=f"rejection:{ref}:{owner}",
        ):
            queued += 1
    return queued


_SEVERITY = {"info": "提示", "warning": "警告", "critical": "严重"}


def _acknowledges(role: str) -> bool:
    return any(r == role and "alerts.ack" in actions for r, actions in ROLE_ACTIONS.items())


def alert_notices(ctx: Context, alert: Mapping[str, Any]) -> list[dict[str, str]]:
    """The outbox messages of a new energy alert: one to each user who may acknowledge it.

    Returned (not queued) so that the caller queues them in the transaction
    that records the alert (:func:`esgledger.services.alerts.evaluate`).
    """
    entity = str(alert["entity"])
    parents = {e.code: e.parent for e in ctx.ledger.entities()}
    with ctx.ledger.read() as conn:
        users = identity_repo.list_users(conn)
    recipients = [
        u.username
        for u in users
        if not u.disabled
        and any(
            _acknowledges(role) and covers(scope, entity, parents) for scope, role in u.memberships
        )
    ]
    severity = str(alert["severity"])
    month = str(alert["period"])[:7]
    meter = f" {alert['meter']}" if alert.get("meter") else ""
    zh = _SEVERITY.get(severity, severity)
    what = f"{entity}{meter} {alert['period']}"
    subject = f"[esgledger] {what}: 能源预警（{zh}）/ energy alert ({severity})"
    body = (
        f"{entity}{meter} {alert['period']} 触发能源预警（规则 {alert['rule']}）。\n"
        f"Energy alert on {entity}{meter} for {alert['period']} (rule {alert['rule']}):\n"
        f"{alert['message']}\n\n{_link(f'/energy/{entity}?period={month}')}\n"
    )
    return [
        {
            "recipient": user,
            "address": address_of(user),
            "kind": "energy.alert",
            "subject": subject,
            "body": body,
            "dedupe": f"alert:{alert['key']}:{user}"[:200],
        }
        for user in recipients
    ]


def queue_digests(ctx: Context, *, today: date | None = None) -> int:
    """One digest per user with open tasks, once a day."""
    authorize(ctx, "campaigns.manage")
    day = today or ctx.now().date()
    users: set[str] = set()
    with ctx.ledger.read() as conn:
        for c in campaign_repo.list_campaigns(conn, include_closed=False):
            for a in c.assignments:
                users |= {a.owner, a.reviewer}
    queued = 0
    for user in sorted(users):
        try:
            principal = identity.principal_for(ctx.ledger, user)
        except EsgError:  # not a user (any more), or disabled: no digest
            continue
        tasks = my_tasks(Context(ctx.ledger, principal, ctx.clock))
        lines = []
        for t in tasks:
            if t.waiting == 0 and not t.overdue:
                continue
            mark = " !" if t.overdue else ""
            verb = "填报 / enter" if t.role == "enter" else "审核 / review"
            lines.append(
                f"- {t.assignment.entity} {t.campaign.period} {verb}: {t.waiting} "
                f"(due {t.assignment.due.isoformat()}){mark}"
            )
        if not lines:
            continue
        subject = f"[esgledger] 每日待办 / daily digest {day.isoformat()}"
        body = "待办事项 / Your tasks:\n" + "\n".join(lines) + f"\n\n{_link('/')}\n"
        if _queue(
            ctx,
            recipient=user,
            kind="digest",
            subject=subject,
            body=body,
            dedupe=f"digest:{user}:{day.isoformat()}",
        ):
            queued += 1
    return queued


def list_outbox(ctx: Context, *, limit: int = 200) -> list[Message]:
    authorize(ctx, "campaigns.manage")
    with ctx.ledger.read() as conn:
        return repo.list_messages(conn, limit=limit)


def send_pending(
    ctx: Context, *, settings: Settings | None = None, limit: int = 100, worker: str = ""
) -> SendReport:
    """Deliver queued messages over SMTP; a failure is recorded and retried next time."""
    authorize(ctx, "campaigns.manage")
    cfg = settings or load_settings()
    if not cfg.smtp_host:
        raise ConfigError(
            "no SMTP server is configured, so the outbox cannot be sent",
            hint="set ESGLEDGER_SMTP_HOST (and ESGLEDGER_SMTP_PORT) to your mail relay",
        )
    return deliver(ctx.ledger, cfg, worker=worker or f"cli-{os.getpid()}", clock=ctx.clock)


def deliver(
    ledger: Ledger,
    cfg: Settings,
    *,
    worker: str,
    clock: Callable[[], datetime] = system_clock,
    limit: int = 100,
) -> SendReport:
    """Claim a batch of unsent messages for ``worker`` and send them (the system's own job).

    The claim (:func:`esgledger.store.outbox.claim`) keeps several portal
    workers, or a worker and ``esgledger outbox send``, from sending a message
    twice. An unreachable server leaves the claims to expire (``CLAIM_LEASE``)
    and raises :class:`ConfigError`.
    """
    with ledger.transaction() as conn:
        batch = repo.claim(conn, worker=worker, now=clock(), lease=CLAIM_LEASE, limit=limit)
    sent = failed = 0
    if batch:
        try:
            smtp = smtplib.SMTP(cfg.smtp_host or "", cfg.smtp_port, timeout=20)
        except OSError as exc:
            raise ConfigError(
                f"cannot reach the SMTP server {cfg.smtp_host}:{cfg.smtp_port}: {exc}"
            ) from None
        with smtp:
            if cfg.smtp_starttls:
                smtp.starttls()
            if cfg.smtp_user:
                smtp.login(cfg.smtp_user, cfg.smtp_password or "")
            for msg in batch:
                error = ""
                if not msg.address:
                    error = "the user has no e-mail address (set ESGLEDGER_MAIL_DOMAIN)"
                else:
                    email = EmailMessage()
                    email["From"] = cfg.smtp_from
                    email["To"] = msg.address
                    email["Subject"] = msg.subject
                    email.set_content(msg.body)
                    try:
                        smtp.send_message(email)
                    except (smtplib.SMTPException, OSError) as exc:
                        error = str(exc) or type(exc).__name__
                with ledger.transaction() as conn:
                    if error:
                        repo.mark_failed(conn, msg.id, error)
                        failed += 1
                    else:
                        repo.mark_sent(conn, msg.id, clock())
                        sent += 1
    with ledger.read() as conn:
        left = len(repo.pending(conn, limit=10_000))
    return SendReport(sent, failed, left)


async def sender_loop(ledger: Ledger, cfg: Settings, *, worker: str) -> None:
    """Send the outbox every ``cfg.outbox_interval_s`` seconds until cancelled.

    The portal starts one per worker process in its lifespan when SMTP is
    configured; the claims make several of them safe. A failing round (the
    server is down) is logged without personal data and retried next round.
    """
    while True:
        try:
            report = await asyncio.to_thread(deliver, ledger, cfg, worker=worker)
            if report.sent or report.failed:
                log.info("outbox: sent %d, failed %d", report.sent, report.failed)
        except EsgError as exc:
            log.warning("outbox: %s", exc.message)
        except Exception as exc:  # the loop must outlive any one round
            log.warning("outbox round failed: %s", type(exc).__name__)
        await asyncio.sleep(cfg.outbox_interval_s)
