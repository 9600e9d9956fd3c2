"""``Idempotency-Key`` on creating POSTs: a retried request gets the first answer again.

The first successful answer (status and JSON body) is stored under the
client's key and user (:mod:`esgledger.services.sessions`); the same key with
the same request replays it (``Idempotent-Replayed: true``), with a different
request it is a 409. Errors are not stored: a request that failed can be sent
again with the same key.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Annotated, Any

from fastapi import Header
from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse

from esgledger.services import sessions
from esgledger.services.context import Context

__all__ = ["IdempotencyKey", "run_once"]

IdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        max_length=200,
        description="a unique key per creating request: a retry with it is answered once",
    ),
]


def run_once(
    ctx: Context,
    key: str | None,
    request_id: str,
    produce: Callable[[], Any],
    *,
    status_code: int = 200,
) -> JSONResponse:
    """Answer ``produce()`` (JSON) once per ``key``; ``request_id`` says what was asked."""
    fingerprint = sessions.fingerprint("POST", request_id, b"")
    if key is not None:
        stored = sessions.replayed_response(ctx, key, fingerprint)
        if stored is not None:
            return JSONResponse(
                json.loads(stored.body),
                status_code=stored.status_code,
                headers={"Idempotent-Replayed": "true"},
            )
    body = jsonable_encoder(produce())
    if key is not None:
        text = json.dumps(body, ensure_ascii=False, separators=(",", ":"))
        stored = sessions.remember_response(ctx, key, fingerprint, status_code, text)
        body = json.loads(stored.body)
    return JSONResponse(body, status_code=status_code)
