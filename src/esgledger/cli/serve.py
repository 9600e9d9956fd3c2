"""The ``serve`` command: run the web portal and JSON API (uvicorn)."""

from __future__ import annotations

import os
from typing import Annotated

import typer

from esgledger.cli.app import app, err_console, state
from esgledger.errors import ConfigError

__all__ = ["serve_cmd"]

APP_FACTORY = "esgledger.web.app:create_app"


@app.command("serve")
def serve_cmd(
    host: Annotated[
        str, typer.Option("--host", help="Address to listen on (default 127.0.0.1: this machine).")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=1, max=65535, help="TCP port.")] = 8000,
    workers: Annotated[
        int,
        typer.Option(
            "--workers",
            min=1,
            max=64,
            help="Worker processes (PostgreSQL only; SQLite serves from one process).",
        ),
    ] = 1,
    proxy_headers: Annotated[
        bool,
        typer.Option(
            "--proxy-headers/--no-proxy-headers",
            help="Trust X-Forwarded-Proto/For from a reverse proxy on 127.0.0.1 (https).",
        ),
    ] = True,
) -> None:
    """Serve the web portal and the JSON API (/api/v1, docs at /docs) on the ledger.

    Needs ESGLEDGER_SECRET_KEY (at least 16 random characters) unless
    ESGLEDGER_DEMO=1. Allowed host names: ESGLEDGER_ALLOWED_HOSTS
    (comma-separated). Behind a reverse proxy see docs/deploy.md.
    """
    import uvicorn

    settings = state.settings
    settings.web_secret_key()  # a missing or unsafe key is refused before any worker starts
    backend = settings.database_url.split(":", 1)[0].split("+", 1)[0]
    if workers > 1 and backend == "sqlite":
        raise ConfigError(
            "a SQLite ledger is served by one process; several workers need PostgreSQL",
            hint="serve with one worker, or move the ledger to PostgreSQL (docs/deploy.md)",
        )
    os.environ["ESGLEDGER_DATABASE_URL"] = settings.database_url  # read again by each worker
    shown = f"[{host}]" if ":" in host else host
    err_console.print(
        f"esgledger portal on http://{shown}:{port}/  (API docs: /docs; stop with Ctrl+C)",
        markup=False,
    )
    uvicorn.run(
        APP_FACTORY,
        factory=True,
        host=host,
        port=port,
        workers=workers,
        proxy_headers=proxy_headers,
        forwarded_allow_ips="127.0.0.1",
        log_level="warning",
        access_log=False,
    )
