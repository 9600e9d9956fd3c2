"""Schemathesis against /openapi.json: generated requests never get a 5xx.

Bounded (a few examples per operation, generation only, no deadline) so it
runs in well under a minute; requests authenticate as the group manager's API
token, so they reach the services rather than stopping at sign-in. (The
operations are walked by hand: schemathesis' pytest plugin does not load
under pytest 9.)
"""

from __future__ import annotations

import schemathesis
from hypothesis import HealthCheck, Phase, given, settings

from web_helpers import make_portal

EXAMPLES = 8


def test_no_server_errors_on_any_operation(tmp_path) -> None:
    portal = make_portal(f"sqlite:///{tmp_path / 'ledger.db'}", tmp_path)
    auth = {"Authorization": f"Bearer {portal.tokens['manager']}"}
    failures: list[str] = []
    try:
        schema = schemathesis.openapi.from_asgi("/openapi.json", portal.app)
        operations = [result.ok() for result in schema.get_all_operations()]
        assert len(operations) >= 14
        for operation in operations:

            @given(case=operation.as_strategy())
            @settings(
                max_examples=EXAMPLES,
                deadline=None,
                phases=[Phase.explicit, Phase.generate],
                suppress_health_check=list(HealthCheck),
                database=None,
            )
            def run(case) -> None:
                response = case.call(headers=auth)
                if response.status_code >= 500:
                    failures.append(
                        f"{case.method} {case.formatted_path}: {response.status_code} "
                        f"{response.text[:200]}"
                    )
                elif response.status_code >= 400:
                    kind = " ".join(
                        v
                        for k, vs in response.headers.items()
                        if k.lower() == "content-type"
                        for v in (vs if isinstance(vs, list) else [vs])
                    )
                    if not kind.startswith("application/problem+json"):
                        failures.append(f"{case.method} {case.formatted_path}: {kind}")

            run()
    finally:
        portal.ledger.close()
    assert failures == []
