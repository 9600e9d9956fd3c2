"""schemathesis per role against a running server: no 5xx, nothing outside the role's scope.

uvicorn serves the portal on a free loopback port in a thread; each role
authenticates with its API token (web_helpers: the group roles on ``*``, the
others on plant A). For every 2xx JSON answer, every ``entity`` in it (and
every ``code`` of ``/entities``) must lie in the role's scope. Bounded:
``ESGLEDGER_SCHEMATHESIS_EXAMPLES`` examples per operation (default 2; ``make
schemathesis-long``: 60).
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings

from portal_helpers import free_port, serve_in_thread
from web_helpers import USERS, make_portal

EXAMPLES = int(os.environ.get("ESGLEDGER_SCHEMATHESIS_EXAMPLES", "2"))
ROLES = ["admin", "manager", "rev_a", "sub_a", "view_a", "auditor"]
EVERY = {"G", "A", "B"}


def _entities(value: object, path: str, out: set[str]) -> None:
    if isinstance(value, dict):
        for k, v in value.items():
            if isinstance(v, str) and (k == "entity" or (k == "code" and "/entities" in path)):
                out.add(v)
            _entities(v, path, out)
    elif isinstance(value, list):
        for v in value:
            _entities(v, path, out)


@pytest.fixture(scope="module")
def served(tmp_path_factory) -> Iterator[tuple[str, dict[str, str]]]:
    tmp = tmp_path_factory.mktemp("scope-fuzz")
    port = free_port()
    portal = make_portal(
        f"sqlite:///{tmp / 'ledger.db'}", tmp, allowed_hosts=f"127.0.0.1,127.0.0.1:{port}"
    )
    try:
        with serve_in_thread(portal.app, port) as base:
            assert httpx.get(base + "/openapi.json").status_code == 200
            yield base, portal.tokens
    finally:
        portal.ledger.close()


def test_generated_requests_stay_in_each_roles_scope(served) -> None:
    base, tokens = served
    schema = schemathesis.openapi.from_url(base + "/openapi.json")
    operations = [r.ok() for r in schema.get_all_operations()]
    failures: list[str] = []
    for user in ROLES:
        for operation in operations:
            _check(operation, user, tokens[user], failures)
    assert failures == []


def _check(operation, user: str, token: str, failures: list[str]) -> None:
    _, entity = USERS[user]
    scope = EVERY if entity == "*" else {entity}
    auth = {"Authorization": f"Bearer {token}"}
    if True:  # noqa: SIM102 - keeps the hypothesis function at module scope of _check
        if True:

            @given(case=operation.as_strategy())
            @settings(
                max_examples=EXAMPLES,
                deadline=None,
                phases=[Phase.explicit, Phase.generate],
                suppress_health_check=list(HealthCheck),
                database=None,
            )
            def run(case) -> None:
                r = case.call(headers=auth)
                where = f"{user} {case.method} {case.formatted_path}"
                if r.status_code >= 500:
                    failures.append(f"{where}: {r.status_code} {r.text[:200]}")
                    return
                raw = r.headers.get("content-type", "")
                kind = " ".join(raw) if isinstance(raw, list) else str(raw)
                if r.status_code >= 400 and not kind.startswith("application/problem+json"):
                    failures.append(f"{where}: {r.status_code} {kind}")
                if 200 <= r.status_code < 300 and kind.startswith("application/json"):
                    seen: set[str] = set()
                    _entities(r.json(), case.formatted_path, seen)
                    outside = seen - scope - {"*"}
                    if outside:
                        failures.append(f"{where}: entities {sorted(outside)} outside {scope}")

            run()
