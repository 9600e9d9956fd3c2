"""Audit trail viewer, users and memberships, the outbox, and the workbook upload."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request

from esgledger.errors import AuditError, EsgError, InputError, Problem
from esgledger.services import audit, identity, observations, outbox
from esgledger.services import entities as entity_service
from esgledger.services.context import ROLES, Context
from esgledger.settings import load_settings
from esgledger.web.auth import CurrentContext
from esgledger.web.i18n import lang_of, translate
from esgledger.web.pages.common import page, problems_of, redirect

__all__ = ["router"]

router = APIRouter(include_in_schema=False)
_SHOWN = 300
_SAFE_STEM = re.compile(r"[^A-Za-z0-9_.\-\u4e00-\u9fff]+")


# -- audit -----------------------------------------------------------------------------


@router.get("/audit")
def audit_page(
    request: Request,
    ctx: CurrentContext,
    entity: str = "",
    actor: str = "",
    action: str = "",
    verify: str = "",
) -> Any:
    flashes: list[tuple[str, str]] = []
    lang = lang_of(request)
    if verify:
        try:
            report = audit.verify_audit(ctx)
            flashes.append(
                (
                    "ok",
                    translate(
                        lang, "audit.ok", events=report.events, head=report.head_hash[:16] + "…"
                    ),
                )
            )
        except AuditError as error:
            flashes.append(("bad", translate(lang, "audit.broken", detail=error.message)))
    events = audit.audit_events(
        ctx, entity=entity.strip() or None, actor=actor.strip() or None, action=action or None
    )
    actions = sorted({ev.action for ev in audit.audit_events(ctx)})
    return page(
        request,
        ctx,
        "audit.html",
        {
            "events": list(reversed(events[-_SHOWN:])),
            "actions": actions,
            "f": {"entity": entity, "actor": actor, "action": action},
            "flashes": flashes,
        },
        here="audit",
    )


# -- users -----------------------------------------------------------------------------


def _users_page(request: Request, ctx: Context, **extra: Any) -> Any:
    return page(
        request,
        ctx,
        "users.html",
        {
            "users": identity.list_users(ctx),
            "roles": ROLES,
            "entities": entity_service.list_entities(ctx),
            **extra,
        },
        here="users",
        status_code=422 if extra.get("problems") else 200,
    )


@router.get("/admin/users")
def users_page(request: Request, ctx: CurrentContext) -> Any:
    return _users_page(request, ctx)


@router.post("/admin/users/{op}")
async def users_act(request: Request, ctx: CurrentContext, op: str) -> Any:
    data = await request.form()

    def text(name: str) -> str:
        v = data.get(name)
        return v.strip() if isinstance(v, str) else ""

    username = text("username")
    try:
        if op == "add":
            entity = text("entity")
            identity.add_user(
                ctx,
                username,
                role=text("role"),
                entities=[] if entity in ("", "*") else [entity],
                password=text("password") or None,
                display_name=text("display_name"),
            )
        elif op == "grant":
            identity.add_membership(ctx, username, text("entity") or "*", text("role"))
        elif op == "revoke":
            identity.remove_membership(ctx, username, text("entity"), text("role") or None)
        elif op == "disable":
            identity.disable_user(ctx, username)
        elif op == "enable":
            identity.enable_user(ctx, username)
        else:
            raise InputError(
                [Problem("form", None, "op", op, "add, grant, revoke, disable, enable")]
            )
    except EsgError as error:
        if error.http_status >= 500:
            raise
        return _users_page(request, ctx, problems=problems_of(error))
    return redirect("/admin/users")


# -- outbox ----------------------------------------------------------------------------


@router.get("/admin/outbox")
def outbox_page(request: Request, ctx: CurrentContext) -> Any:
    return page(request, ctx, "outbox.html", {"messages": outbox.list_outbox(ctx)}, here="outbox")


@router.post("/admin/outbox/queue")
def outbox_queue(ctx: CurrentContext) -> Any:
    r = outbox.queue_reminders(ctx)
    d = outbox.queue_digests(ctx)
    return redirect("/admin/outbox", "outbox.queued", r=r, d=d)


@router.post("/admin/outbox/send")
def outbox_send(request: Request, ctx: CurrentContext) -> Any:
    try:
        report = outbox.send_pending(ctx)
    except EsgError as error:
        return page(
            request,
            ctx,
            "outbox.html",
            {"messages": outbox.list_outbox(ctx), "problems": problems_of(error)},
            here="outbox",
            status_code=503,
        )
    return redirect(
        "/admin/outbox", "outbox.sent", s=report.sent, f=report.failed, p=report.pending
    )


# -- workbook upload -------------------------------------------------------------------


@router.get("/upload")
def upload_page(request: Request, ctx: CurrentContext) -> Any:
    return page(request, ctx, "upload.html", {}, here="upload")


def _stored_name(filename: str) -> str | None:
    """A safe file name keeping the stem (import reads the kind from it) and the suffix."""
    base = filename.replace("\\", "/").rsplit("/", 1)[-1]
    stem, dot, suffix = base.rpartition(".")
    suffix = suffix.lower()
    if not dot or suffix not in ("xlsx", "xlsm", "csv"):
        return None
    clean = _SAFE_STEM.sub("_", stem).strip("._") or "upload"
    return f"{clean[:80]}.{suffix}"


@router.post("/upload")
async def upload_submit(request: Request, ctx: CurrentContext) -> Any:
    data = await request.form()
    upload = data.get("file")
    dry_run = bool(data.get("dry_run"))
    limit = load_settings().evidence_max_bytes * 5
    name = getattr(upload, "filename", None) or ""
    stored = _stored_name(name)
    extra: dict[str, Any] = {"filename": name}
    status = 200
    if upload is None or isinstance(upload, str) or stored is None:
        extra["upload_problems"] = [
            Problem(name or "(no file)", None, None, None, "an XLSX workbook or a CSV file")
        ]
        status = 422
    else:
        content = await upload.read(limit + 1)
        await upload.close()
        with tempfile.TemporaryDirectory(prefix="esgledger-upload-") as tmp:
            path = Path(tmp) / stored
            path.write_bytes(content)
            try:
                extra["receipt"] = observations.import_files(ctx, [path], dry_run=dry_run)
            except EsgError as error:
                if error.http_status >= 500:
                    raise
                extra["upload_problems"] = problems_of(error)
                status = 422
    return page(request, ctx, "upload.html", extra, here="upload", status_code=status)
