"""Outbox commands: ``outbox queue`` (reminders and digests), ``outbox send``, ``outbox list``.

Run ``esgledger outbox queue && esgledger outbox send`` daily (cron or a
systemd timer): queueing is idempotent, so a second run the same day sends
nothing new.
"""

from __future__ import annotations

from typing import Annotated

import typer

from esgledger.cli.app import app, console, emit_json, open_context

__all__ = ["outbox_app"]

outbox_app = typer.Typer(
    name="outbox",
    help="E-mail reminders: queue due-date reminders and digests, send them over SMTP.",
    no_args_is_help=True,
)
app.add_typer(outbox_app, name="outbox")

JsonOpt = Annotated[bool, typer.Option("--json", help="Print the result as JSON.")]


@outbox_app.command("queue")
def queue_cmd(
    days: Annotated[
        int, typer.Option("--days", min=0, help="Remind this many days before the due date.")
    ] = 3,
    as_json: JsonOpt = False,
) -> None:
    """Queue due-date and overdue reminders and the daily digest (idempotent per day)."""
    from esgledger.services.outbox import queue_digests, queue_reminders

    with open_context() as ctx:
        out = {
            "reminders": queue_reminders(ctx, days_before=days),
            "digests": queue_digests(ctx),
        }
    if as_json:
        emit_json(out)
    else:
        console.print(f"queued {out['reminders']} reminder(s) and {out['digests']} digest(s)")


@outbox_app.command("send")
def send_cmd(as_json: JsonOpt = False) -> None:
    """Send queued messages over SMTP (ESGLEDGER_SMTP_HOST, ESGLEDGER_SMTP_PORT)."""
    from esgledger.services.outbox import send_pending

    with open_context() as ctx:
        report = send_pending(ctx)
    if as_json:
        emit_json(report.as_dict())
    else:
        console.print(f"sent {report.sent}, failed {report.failed}, still pending {report.pending}")


@outbox_app.command("list")
def list_cmd(as_json: JsonOpt = False) -> None:
    """List the newest queued and sent messages."""
    from esgledger.services.outbox import list_outbox

    with open_context() as ctx:
        msgs = list_outbox(ctx)
    rows = [
        {
            "id": m.id,
            "kind": m.kind,
            "recipient": m.recipient,
            "address": m.address,
            "subject": m.subject,
            "sent_at": m.sent_at.isoformat() if m.sent_at else None,
            "attempts": m.attempts,
            "last_error": m.last_error,
        }
        for m in msgs
    ]
    if as_json:
        emit_json(rows)
        return
    for r in rows:
        state_text = "sent" if r["sent_at"] else f"pending ({r['attempts']} tries)"
        console.print(
            f"{r['id']:>5} {r['kind']:<9} {r['recipient']:<16} {state_text}  {r['subject']}",
            markup=False,
        )
