"""Shared fixtures: ledgers on SQLite and PostgreSQL.

- ``sqlite_url``: a fresh SQLite file URL in the test's tmp folder.
- ``pg_url``: a URL whose connections use a fresh PostgreSQL schema of their
  own (created before, dropped after), so parallel tests (``pytest -n 2``)
  share the one database ``test`` without seeing each other. The server comes
  from ``ESGLEDGER_TEST_PG_URL``; when it is unset or down the test is skipped
  with the reason, except when ``CI`` is set, where it fails.
- ``any_db_url``: parametrized over both (``sqlite`` and ``postgresql``).
- ``ledger``: an open, migrated :class:`~esgledger.store.Ledger` on each engine.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import create_engine, make_url, text

from esgledger.store import Ledger

PG_ENV = "ESGLEDGER_TEST_PG_URL"
ENGINES = [
    pytest.param("sqlite", id="sqlite"),
    pytest.param("postgresql", id="postgresql", marks=pytest.mark.postgres),
]


def _unavailable(reason: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"PostgreSQL is required in CI: {reason}")
    pytest.skip(reason)


@pytest.fixture
def sqlite_url(tmp_path) -> str:
    """A fresh SQLite ledger file URL (the file does not exist yet)."""
    return f"sqlite:///{tmp_path / 'ledger.db'}"


@pytest.fixture
def pg_url(worker_id: str) -> Iterator[str]:
    """A PostgreSQL URL confined to a fresh schema, dropped after the test."""
    base = os.environ.get(PG_ENV)
    if not base:
        _unavailable(
            f"{PG_ENV} is not set (e.g. postgresql+psycopg://postgres@127.0.0.1:5432/test)"
        )
    base_url = make_url(base)
    if base_url.drivername == "postgresql":  # no driver named: psycopg 3, as the library does
        base_url = base_url.set(drivername="postgresql+psycopg")
    admin = create_engine(base_url, connect_args={"connect_timeout": 5})
    schema = f"t_{worker_id}_{uuid.uuid4().hex[:12]}".lower()
    try:
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    except Exception as exc:  # server down, bad URL
        admin.dispose()
        _unavailable(f"PostgreSQL at {PG_ENV} is not reachable: {str(exc).splitlines()[0]}")
    url = base_url.update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.begin() as conn:
            # a test that left a transaction open would block the drop: fail instead of hanging
            conn.execute(text("SET LOCAL lock_timeout = '15s'"))
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture
def worker_id(request) -> str:
    """The xdist worker id (``gw0``...), or ``main`` without xdist."""
    return str(getattr(request.config, "workerinput", {}).get("workerid", "main"))


@pytest.fixture(params=ENGINES)
def any_db_url(request) -> str:
    """A fresh database URL on each engine (``sqlite`` and ``postgresql``)."""
    name = "sqlite_url" if request.param == "sqlite" else "pg_url"
    return str(request.getfixturevalue(name))


@pytest.fixture
def ledger(any_db_url: str) -> Iterator[Ledger]:
    """An open, migrated ledger on each engine; closed after the test."""
    led = Ledger.open(any_db_url)
    try:
        yield led
    finally:
        led.close()
