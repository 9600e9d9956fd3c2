"""The JSON API under ``/api/v1``: a stable contract for outside tools and our tests.

Every route takes :data:`~esgledger.web.auth.CurrentContext` (session cookie or
Bearer token), calls one service and shapes its answer. Lists are
cursor-paginated; updates take ``If-Match``; creating POSTs accept
``Idempotency-Key``; errors are ``application/problem+json``.
"""

from __future__ import annotations

import re
import tempfile
from dataclasses import replace
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import APIRouter, File, Form, Header, Query, Response, UploadFile
from pydantic import BaseModel

from esgledger.errors import InputError, Problem
from esgledger.services import audit, entities, observations, portal, workflow
from esgledger.web.api.idempotency import IdempotencyKey, run_once
from esgledger.web.api.pagination import DEFAULT_LIMIT, Cursor, Limit, Page, paginate
from esgledger.web.api.schemas import (
    ERRORS,
    EntityOut,
    ImportReceipt,
    ObservationOut,
    ObservationsIn,
    ObservationUpdate,
    StatusChangeOut,
    WorkflowIn,
    entity_out,
    observation_out,
    receipt_out,
)
from esgledger.web.auth import CurrentContext

__all__ = ["router"]

router = APIRouter(prefix="/api/v1", responses=ERRORS)

Step = Literal["submit", "review", "approve", "reject"]
_UPLOAD_SUFFIXES = (".csv", ".xlsx")


# -- entities and indicators ------------------------------------------------------------


@router.get("/entities", tags=["entities"], summary="Entities the user may read")
def list_entities(
    ctx: CurrentContext, cursor: Cursor = None, limit: Limit = DEFAULT_LIMIT
) -> Page[EntityOut]:
    items, nxt = paginate(entities.list_entities(ctx), lambda e: (e.code,), cursor, limit)
    return Page[EntityOut](items=[entity_out(e) for e in items], next_cursor=nxt)


class IndicatorOut(BaseModel):
    code: str
    name_en: str
    name_zh: str
    unit: str
    pillar: str
    kind: str
    aggregation: str
    min: float | None
    max: float | None
    group: str


@router.get("/indicators", tags=["indicators"], summary="Catalogue indicators (search with q)")
def list_indicators(
    ctx: CurrentContext,
    q: Annotated[str, Query(max_length=200, description="part of a code or name")] = "",
    cursor: Cursor = None,
    limit: Limit = DEFAULT_LIMIT,
) -> Page[IndicatorOut]:
    found = portal.find_indicators(ctx, q)
    items, nxt = paginate(found, lambda i: (i.code,), cursor, limit)
    out = [
        IndicatorOut(
            code=i.code,
            name_en=i.name_en,
            name_zh=i.name_zh,
            unit=i.unit,
            pillar=i.pillar,
            kind=i.kind,
            aggregation=i.aggregation,
            min=i.min,
            max=i.max,
            group=i.group,
        )
        for i in items
    ]
    return Page[IndicatorOut](items=out, next_cursor=nxt)


# -- observations ---------------------------------------------------------------------------


@router.get("/observations", tags=["observations"], summary="Current values (filtered)")
def list_observations(
    ctx: CurrentContext,
    entity: Annotated[str | None, Query(max_length=200)] = None,
    period: Annotated[str | None, Query(max_length=20, description="YYYY or YYYY-MM")] = None,
    indicator: Annotated[str | None, Query(max_length=200)] = None,
    status: Annotated[str | None, Query(max_length=20)] = None,
    cursor: Cursor = None,
    limit: Limit = DEFAULT_LIMIT,
) -> Page[ObservationOut]:
    found = observations.list_observations(
        ctx, entity=entity, period=period, indicator=indicator, status=status
    )
    items, nxt = paginate(
        found, lambda o: (o.entity, o.period, o.indicator, o.version), cursor, limit
    )
    return Page[ObservationOut](items=[observation_out(o) for o in items], next_cursor=nxt)


@router.post(
    "/observations",
    tags=["observations"],
    summary="Enter values (all or nothing; dry_run validates only)",
    response_model=ImportReceipt,
)
def enter_observations(
    ctx: CurrentContext, body: ObservationsIn, idempotency_key: IdempotencyKey = None
) -> Response:
    items = [o.model_dump() for o in body.observations]

    def produce() -> ImportReceipt:
        result = observations.enter_values(ctx, items, dry_run=body.dry_run, reason=body.reason)
        return receipt_out(result)

    return run_once(ctx, idempotency_key, "observations:" + body.model_dump_json(), produce)


def _etag(version: int) -> str:
    return f'"{version}"'


def _if_match(value: str | None) -> int:
    text = (value or "").strip()
    if text.startswith("W/"):
        text = text[2:]
    text = text.strip('"')
    if not text.isdigit():
        raise InputError(
            [
                Problem(
                    file="request",
                    row=None,
                    column="If-Match",
                    value=value,
                    expected='the version being changed, as its ETag (such as "3")',
                    field="If-Match",
                )
            ],
            what="request header",
        )
    return int(text)


@router.get(
    "/observations/{entity}/{period}/{indicator}",
    tags=["observations"],
    summary="One current value (its version is the ETag)",
)
def get_observation(
    ctx: CurrentContext, entity: str, period: str, indicator: str, response: Response
) -> ObservationOut:
    found = portal.get_value(ctx, entity, period, indicator)
    response.headers["ETag"] = _etag(found.version)
    return observation_out(found)


@router.put(
    "/observations/{entity}/{period}/{indicator}",
    tags=["observations"],
    summary="Change one value (If-Match: its current version)",
)
def update_observation(
    ctx: CurrentContext,
    entity: str,
    period: str,
    indicator: str,
    body: ObservationUpdate,
    response: Response,
    if_match: Annotated[str | None, Header(alias="If-Match", max_length=100)] = None,
) -> ObservationOut:
    expected = _if_match(if_match)
    fields = body.model_dump(exclude={"reason"})
    _, after = portal.update_value(
        ctx, entity, period, indicator, fields, expected_version=expected, reason=body.reason
    )
    response.headers["ETag"] = _etag(after.version)
    return observation_out(after)


# -- workflow ------------------------------------------------------------------------------


@router.post(
    "/workflow/{step}",
    tags=["workflow"],
    summary="Submit, review, approve or reject the values of an entity and period",
)
def workflow_step(ctx: CurrentContext, step: Step, body: WorkflowIn) -> StatusChangeOut:
    entity = None if body.entity in (None, "", "*") else body.entity
    indicators = body.indicators or None
    if step == "submit":
        change = workflow.submit(ctx, entity, body.period, indicators=indicators)
    elif step == "review":
        change = workflow.review(ctx, entity, body.period, indicators=indicators)
    elif step == "approve":
        change = workflow.approve(ctx, entity, body.period)
    else:
        change = workflow.reject(ctx, entity, body.period, body.reason or "", indicators=indicators)
    return StatusChangeOut(
        step=step,
        entity=change.entity,
        period=change.period,
        count=change.changed,
        locked=change.locked,
    )


# -- imports -------------------------------------------------------------------------------


def _upload_name(name: str | None, index: int) -> str:
    """A safe file name for an upload: its base name only, our characters only."""
    base = Path((name or "").replace("\\", "/")).name
    suffix = Path(base).suffix.lower()
    if suffix not in _UPLOAD_SUFFIXES:
        raise InputError(
            [
                Problem(
                    file="request",
                    row=index,
                    column="files",
                    value=base[:100] or None,
                    expected="a .csv or .xlsx file",
                    field=f"files[{index}]",
                )
            ],
            what="upload",
        )
    stem = re.sub(r"[^\w.-]+", "_", Path(base).stem)[:80] or f"upload{index}"
    return stem + suffix


def _renamed(error: InputError, folder: Path) -> InputError:
    prefix = str(folder) + "/"
    problems = [
        replace(p, file=p.file[len(prefix) :]) if p.file.startswith(prefix) else p
        for p in error.problems
    ]
    message = error.message.replace(prefix, "")
    if not problems:
        return InputError(message, hint=error.hint)
    return InputError(problems, what="upload", hint=error.hint)


@router.post(
    "/imports",
    tags=["imports"],
    summary="Import CSV or XLSX files (the collection workbook too); returns a receipt",
    response_model=ImportReceipt,
)
async def import_upload(
    ctx: CurrentContext,
    files: Annotated[list[UploadFile], File(description="CSV or XLSX files")],
    dry_run: Annotated[bool, Form()] = False,
    reason: Annotated[str | None, Form(max_length=2000)] = None,
    idempotency_key: IdempotencyKey = None,
) -> Response:
    import hashlib

    from starlette.concurrency import run_in_threadpool

    names = [_upload_name(f.filename, i) for i, f in enumerate(files)]
    if len(set(names)) != len(names):
        raise InputError("two uploaded files have the same name; rename one")
    contents = [await f.read() for f in files]
    digest = hashlib.sha256()
    for name, data in zip(names, contents, strict=True):
        digest.update(name.encode() + b"\0" + hashlib.sha256(data).digest())
    request_id = f"imports:{dry_run}:{reason}:{digest.hexdigest()}"

    def produce() -> ImportReceipt:
        with tempfile.TemporaryDirectory(prefix="esgledger-upload-") as tmp:
            folder = Path(tmp)
            paths = []
            for name, data in zip(names, contents, strict=True):
                path = folder / name
                path.write_bytes(data)
                paths.append(path)
            try:
                result = observations.import_files(ctx, paths, dry_run=dry_run, reason=reason)
            except InputError as error:
                raise _renamed(error, folder) from None
        return receipt_out(result)

    return await run_in_threadpool(run_once, ctx, idempotency_key, request_id, produce)


# -- audit ---------------------------------------------------------------------------------


class AuditEventOut(BaseModel):
    seq: int
    at: str
    actor: str
    action: str
    ref: str
    payload: Any
    prev_hash: str
    hash: str


class AuditVerifyOut(BaseModel):
    ok: bool
    events: int
    head_seq: int
    head_hash: str


@router.get("/audit", tags=["audit"], summary="Audit events after seq `since`")
def audit_trail(
    ctx: CurrentContext,
    since: Annotated[int, Query(ge=0, le=2**62)] = 0,
    entity: Annotated[str | None, Query(max_length=200)] = None,
    actor: Annotated[str | None, Query(max_length=200)] = None,
    action: Annotated[str | None, Query(max_length=200)] = None,
    cursor: Cursor = None,
    limit: Limit = DEFAULT_LIMIT,
) -> Page[AuditEventOut]:
    events = audit.audit_events(ctx, since=since, entity=entity, actor=actor, action=action)
    items, nxt = paginate(events, lambda e: (e.seq,), cursor, limit)
    return Page[AuditEventOut](items=[AuditEventOut(**e.as_dict()) for e in items], next_cursor=nxt)


@router.get("/audit/verify", tags=["audit"], summary="Verify the audit trail's hash chain")
def audit_verify(ctx: CurrentContext) -> AuditVerifyOut:
    report = audit.verify_audit(ctx)
    return AuditVerifyOut(
        ok=True, events=report.events, head_seq=report.head_seq, head_hash=report.head_hash
    )
