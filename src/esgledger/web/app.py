"""The FastAPI application factory: :func:`create_app` (settings → app).

One process on SQLite; several worker processes on PostgreSQL, each building
its own app (``uvicorn --factory esgledger.web.app:create_app``). The app
keeps no state in memory beyond the open ledger: sessions, failed sign-ins and
idempotency keys live in the database.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import Depends, FastAPI
from fastapi.staticfiles import StaticFiles
from starlette.middleware.trustedhost import TrustedHostMiddleware

from esgledger import __version__
from esgledger.services import portal
from esgledger.settings import Settings, load_settings
from esgledger.web import apidocs, csrf, problems, security

__all__ = ["STATIC_DIR", "create_app"]

STATIC_DIR = Path(__file__).parent / "static"

_DESCRIPTION = """The group's ESG data collection and review, over HTTP.

Authenticate with an API token (`Authorization: Bearer <token>`, from
`esgledger tokens create`) or sign in (`POST /api/v1/session`) and send the
`csrf_token` it returns as `X-CSRF-Token` on every state-changing request.
Errors are RFC 9457 `application/problem+json` with a `problems` list (file,
row, column, field, value, expected). Lists are cursor-paginated (`cursor`,
`limit`; the answer's `next_cursor`). Updates take `If-Match`; creating POSTs
accept `Idempotency-Key`.
"""


def create_app(settings: Settings | None = None, *, ledger: Any = None) -> FastAPI:
    """Build the portal for ``settings`` (default: from the environment).

    ``ledger``: an already open ledger to serve (tests); otherwise the app
    opens ``settings.database_url`` and closes it at shutdown.
    """
    settings = settings or load_settings()
    secret = settings.web_secret_key()  # refuses a missing or unsafe key outside the demo
    owned = ledger is None
    opened = ledger if ledger is not None else portal.open_ledger(settings.database_url)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        worker = None
        if settings.jobs_worker:
            from esgledger.services.report_jobs import Worker

            worker = Worker(opened, settings.data_dir)
            worker.start()
        sender = None
        if settings.smtp_host and settings.outbox_interval_s > 0:
            from esgledger.services.outbox import sender_loop

            sender_id = f"{socket.gethostname()}-{os.getpid()}"
            sender = asyncio.create_task(sender_loop(opened, settings, worker=sender_id))
        try:
            yield
        finally:
            if sender is not None:
                sender.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await sender
            if worker is not None:
                worker.stop()
            if owned:
                opened.close()

    app = FastAPI(
        title="esgledger",
        version=__version__,
        description=_DESCRIPTION,
        docs_url=None,
        redoc_url=None,
        openapi_url="/openapi.json",
        lifespan=lifespan,
        dependencies=[Depends(csrf.check)],
    )
    app.state.settings = settings
    app.state.secret_key = secret
    app.state.ledger = opened

    problems.install(app)
    security.install(app)
    app.add_middleware(security.BodyLimit, limit=settings.upload_limit_bytes())
    hosts = settings.host_list()
    if hosts and "*" not in hosts:
        app.add_middleware(TrustedHostMiddleware, allowed_hosts=hosts)

    from esgledger.web import api, pages, signin

    app.include_router(signin.page_router)
    app.include_router(signin.api_router)
    app.include_router(api.router)
    from esgledger.web.api import readings as readings_api

    app.include_router(readings_api.router)
    app.include_router(pages.router)
    apidocs.install(app)
    if STATIC_DIR.is_dir():
        app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    return app
