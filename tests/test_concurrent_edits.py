"""Two users change one value at once from the same If-Match: one 200, one 409, no lost update."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest

from web_helpers import Portal, make_portal

URL = "/api/v1/observations/A/2024/water.fresh"
ROUNDS = 4


@pytest.fixture
def portal(any_db_url: str, tmp_path) -> Iterator[Portal]:
    p = make_portal(any_db_url, tmp_path)
    try:
        yield p
    finally:
        p.ledger.close()


def test_concurrent_edits_of_one_value_give_one_success_and_one_conflict(portal: Portal) -> None:
    clients = {"sub_a": portal.client("sub_a"), "manager": portal.client("manager")}
    for c in clients.values():
        c.__enter__()
    try:
        for n in range(ROUNDS):
            version = int(clients["manager"].get(URL).json()["version"])
            values = {"sub_a": 6000 + n, "manager": 7000 + n}
            gate = threading.Barrier(len(clients))
            got: dict[str, int] = {}

            def edit(user: str, version: int = version, values=values, gate=gate) -> None:
                gate.wait(10)
                r = clients[user].put(
                    URL,
                    json={"value": values[user], "unit": "m3"},
                    headers={"If-Match": f'"{version}"'},
                )
                got[user] = r.status_code

            threads = [threading.Thread(target=edit, args=(u,)) for u in clients]
            for t in threads:
                t.start()
            for t in threads:
                t.join(30)
            assert sorted(got.values()) == [200, 409], got
            winner = next(u for u, s in got.items() if s == 200)
            now = clients["manager"].get(URL).json()
            # the value read back is the winner's, one version on: nothing overwritten unseen
            assert now["version"] == version + 1
            assert now["value"] == values[winner]
    finally:
        for c in clients.values():
            c.__exit__(None, None, None)
