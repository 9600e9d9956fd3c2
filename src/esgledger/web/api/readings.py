"""``POST /api/v1/readings``: a batch of meter readings (token or session auth).

The route calls :func:`esgledger.services.readings.ingest_batch`. A batch is
stored even when some readings are bad: each bad one is kept in the rejects
table and listed in the answer with ``items[i].column``; a reading sent again
is counted as a duplicate, not stored twice. ``Idempotency-Key`` replays the
first answer of a retried request.
"""

from __future__ import annotations

import hashlib

from fastapi import APIRouter
from pydantic import BaseModel, Field

from esgledger.services import readings
from esgledger.web.api.idempotency import IdempotencyKey, run_once
from esgledger.web.api.schemas import ERRORS
from esgledger.web.auth import CurrentContext

__all__ = ["router"]

router = APIRouter(prefix="/api/v1", responses=ERRORS)
MAX_ITEMS = 50_000


class ReadingIn(BaseModel):
    meter: str | None = Field(default=None, max_length=64, description="meter code")
    timestamp: str | None = Field(
        default=None,
        max_length=64,
        description="end of the interval: ISO 8601, local time of the meter without an offset",
    )
    value: float | str | None = Field(
        default=None, description="counter reading or interval consumption"
    )


class ReadingsIn(BaseModel):
    readings: list[ReadingIn] = Field(max_length=MAX_ITEMS)


class RejectOut(BaseModel):
    file: str
    row: int | None
    column: str | None
    field: str | None
    value: str | None
    expected: str


class IngestOut(BaseModel):
    received: int
    stored: int
    duplicates: int
    late: int
    rejected: int
    rejects: list[RejectOut]


@router.post(
    "/readings",
    tags=["readings"],
    summary="Store a batch of meter readings (idempotent; bad readings listed)",
    response_model=IngestOut,
)
def post_readings(
    ctx: CurrentContext, body: ReadingsIn, idempotency_key: IdempotencyKey = None
) -> object:
    def produce() -> IngestOut:
        items = [r.model_dump() for r in body.readings]
        return IngestOut(**readings.ingest_batch(ctx, items).as_dict())

    digest = hashlib.sha256(body.model_dump_json().encode()).hexdigest()
    return run_once(ctx, idempotency_key, "readings:" + digest, produce)
