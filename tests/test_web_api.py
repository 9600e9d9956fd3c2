"""The JSON API: the RBAC matrix over every route, problem+json, pagination, If-Match,
Idempotency-Key and uploads (SQLite and PostgreSQL)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from web_helpers import USERS, Portal, make_portal


@pytest.fixture
def portal(any_db_url: str, tmp_path) -> Iterator[Portal]:
    p = make_portal(any_db_url, tmp_path)
    try:
        yield p
    finally:
        p.ledger.close()


def _version(portal: Portal, entity: str, period: str, indicator: str) -> int:
    r = portal.client("admin").get(f"/api/v1/observations/{entity}/{period}/{indicator}")
    assert r.status_code == 200, r.text
    assert r.headers["etag"] == f'"{r.json()["version"]}"'
    return int(r.json()["version"])


# -- the RBAC matrix -------------------------------------------------------------------

Request = tuple[str, str, dict[str, Any]]


@dataclass(frozen=True)
class Case:
    """How to call a route as ``user`` and which statuses each user must get."""

    build: Callable[[Portal, str, int], Request]
    expect: dict[str, set[int]]


def _expect(ok: set[int], allowed: set[str], *, out_of_scope: set[str] = frozenset()) -> dict:
    """``allowed`` get ``ok``; ``out_of_scope`` 404 (not revealed); everyone else 403."""
    return {u: ok if u in allowed else {404} if u in out_of_scope else {403} for u in USERS}


EVERYONE = set(USERS)
READERS_OF_A = {"admin", "manager", "rev_a", "sub_a", "view_a", "auditor"}
ENTERS_A = {"admin", "manager", "sub_a"}
AUDIT = {"admin", "manager", "auditor"}
try:
    import esgledger.services.explain  # noqa: F401

    METRIC_OK = {200, 422}
except ModuleNotFoundError:  # explain from stored runs lands with another branch
    METRIC_OK = {404}
CSV = "entity,period,indicator,value,unit,source,comment\nA,2024,water.fresh,5100,m3,meter,\n"

MATRIX: dict[tuple[str, str], Case] = {
    ("GET", "/api/v1/entities"): Case(
        lambda p, u, i: ("GET", "/api/v1/entities", {}), _expect({200}, EVERYONE)
    ),
    ("GET", "/api/v1/indicators"): Case(
        lambda p, u, i: ("GET", "/api/v1/indicators?q=water", {}), _expect({200}, EVERYONE)
    ),
    ("GET", "/api/v1/observations"): Case(
        lambda p, u, i: ("GET", "/api/v1/observations?entity=A", {}),
        _expect({200}, READERS_OF_A, out_of_scope={"sub_b"}),
    ),
    ("POST", "/api/v1/observations"): Case(
        lambda p, u, i: (
            "POST",
            "/api/v1/observations",
            {
                "json": {
                    "observations": [
                        {
                            "entity": "A",
                            "period": "2025",
                            "indicator": "water.fresh",
                            "value": 10 + i,
                            "unit": "m3",
                        }
                    ],
                    "dry_run": True,
                }
            },
        ),
        _expect({200}, ENTERS_A, out_of_scope={"sub_b"}),
    ),
    ("GET", "/api/v1/observations/{entity}/{period}/{indicator}"): Case(
        lambda p, u, i: ("GET", "/api/v1/observations/A/2024/water.fresh", {}),
        _expect({200}, READERS_OF_A, out_of_scope={"sub_b"}),
    ),
    ("PUT", "/api/v1/observations/{entity}/{period}/{indicator}"): Case(
        lambda p, u, i: (
            "PUT",
            "/api/v1/observations/A/2024/water.fresh",
            {
                "json": {"value": 5000 + i, "unit": "m3", "source": "meter"},
                "headers": {"If-Match": f'"{_version(p, "A", "2024", "water.fresh")}"'},
            },
        ),
        _expect({200}, ENTERS_A, out_of_scope={"sub_b"}),
    ),
    ("POST", "/api/v1/workflow/{step}"): Case(
        lambda p, u, i: (
            "POST",
            "/api/v1/workflow/submit",
            {"json": {"entity": "A", "period": "2024"}},
        ),
        _expect({200, 409}, ENTERS_A, out_of_scope={"sub_b"}),
    ),
    ("POST", "/api/v1/imports"): Case(
        lambda p, u, i: (
            "POST",
            "/api/v1/imports",
            {"files": {"files": ("a.csv", CSV.encode())}, "data": {"dry_run": "true"}},
        ),
        _expect({200}, ENTERS_A, out_of_scope={"sub_b"}),
    ),
    # explain reads stored runs (services.explain); no run stored: computed on the spot
    ("GET", "/api/v1/metrics/{metric}"): Case(
        lambda p, u, i: (
            "GET",
            "/api/v1/metrics/energy.total_tce?entity=A&period=2024",
            {},
        ),
        _expect(METRIC_OK, READERS_OF_A, out_of_scope={"sub_b"})
        if {404} != METRIC_OK
        else _expect({404}, EVERYONE),
    ),
    # a batch naming no registered meter can be placed in no entity: group-wide writers only
    ("POST", "/api/v1/readings"): Case(
        lambda p, u, i: (
            "POST",
            "/api/v1/readings",
            {"json": {"readings": [{"meter": "M-X", "timestamp": "2025-03-01T00:15", "value": 1}]}},
        ),
        _expect({200}, {"admin", "manager"}),
    ),
    ("GET", "/api/v1/audit"): Case(
        lambda p, u, i: ("GET", "/api/v1/audit?since=0&limit=5", {}), _expect({200}, AUDIT)
    ),
    ("GET", "/api/v1/audit/verify"): Case(
        lambda p, u, i: ("GET", "/api/v1/audit/verify", {}), _expect({200}, AUDIT)
    ),
    ("GET", "/api/v1/me"): Case(
        lambda p, u, i: ("GET", "/api/v1/me", {}), _expect({200}, EVERYONE)
    ),
    # sign-in itself: wrong credentials read the same for everyone
    ("POST", "/api/v1/session"): Case(
        lambda p, u, i: (
            "POST",
            "/api/v1/session",
            {"json": {"username": u, "password": "not the password"}},
        ),
        _expect({401}, EVERYONE),
    ),
    ("DELETE", "/api/v1/session"): Case(
        lambda p, u, i: ("DELETE", "/api/v1/session", {}), _expect({204}, EVERYONE)
    ),
    ("POST", "/api/v1/me/password"): Case(
        lambda p, u, i: (
            "POST",
            "/api/v1/me/password",
            {"json": {"current_password": "not it", "new_password": "long enough new one"}},
        ),
        _expect({422}, EVERYONE),
    ),
}


def api_routes(app) -> set[tuple[str, str]]:
    """(method, path) of every API route, from the OpenAPI schema (and the router tree)."""
    out = set()
    for path, ops in app.openapi()["paths"].items():
        out |= {(m.upper(), path) for m in ops if m != "parameters"}
    assert all(path.startswith("/api/v1/") for _, path in out)
    return out


def test_every_api_route_has_a_matrix_entry(portal: Portal) -> None:
    # a new route without an entry fails here: add it to MATRIX with who may call it
    assert api_routes(portal.app) == set(MATRIX)


def test_rbac_matrix(portal: Portal) -> None:
    failures = []
    for i, ((method, path), case) in enumerate(sorted(MATRIX.items())):
        for j, user in enumerate(USERS):
            verb, url, kwargs = case.build(portal, user, i * 10 + j)
            r = portal.client(user).request(verb, url, **kwargs)
            if r.status_code not in case.expect[user]:
                failures.append(
                    f"{method} {path} as {user}: {r.status_code} not in "
                    f"{sorted(case.expect[user])}: {r.text[:160]}"
                )
            if r.status_code >= 400:
                assert r.headers["content-type"] == "application/problem+json", url
    assert failures == []


def test_out_of_scope_lists_hide_other_entities(portal: Portal) -> None:
    items = portal.client("sub_b").get("/api/v1/observations").json()["items"]
    assert items and {o["entity"] for o in items} == {"B"}


# -- problem+json ------------------------------------------------------------------


def test_entering_values_is_all_or_nothing_and_names_item_field_value(portal: Portal) -> None:
    c = portal.client("sub_a")
    body = {
        "observations": [
            {"entity": "A", "period": "2025", "indicator": "water.fresh", "value": 1, "unit": "m3"},
            {
                "entity": "A",
                "period": "2025",
                "indicator": "water.fresh.x",
                "value": 1,
                "unit": "m3",
            },
            {
                "entity": "A",
                "period": "2025",
                "indicator": "water.fresh",
                "value": "abc",
                "unit": "m3",
            },
        ]
    }
    r = c.post("/api/v1/observations", json=body)
    assert r.status_code == 422
    assert r.headers["content-type"] == "application/problem+json"
    doc = r.json()
    assert doc["status"] == 422 and doc["type"].startswith("urn:esgledger:problem:")
    rows = {(p["row"], p["column"]) for p in doc["problems"]}
    assert (1, "indicator") in rows and (2, "value") in rows
    value = next(p for p in doc["problems"] if p["row"] == 2 and p["column"] == "value")
    assert value["field"] == "observations[2].value" and value["value"] == "abc"
    assert value["expected"]
    left = c.get("/api/v1/observations?entity=A&period=2025").json()["items"]
    assert left == []  # nothing written


def test_request_validation_errors_have_the_same_shape(portal: Portal) -> None:
    r = portal.client("sub_a").post(
        "/api/v1/observations", json={"observations": [{"entity": "A"}]}
    )
    assert r.status_code == 422
    problems = r.json()["problems"]
    missing = {p["field"] for p in problems}
    assert "observations[0].period" in missing and "observations[0].indicator" in missing
    assert all(p["row"] == 0 and p["file"] == "request" for p in problems)
    bad = portal.client("sub_a").get("/api/v1/observations?limit=0").json()
    assert bad["problems"][0]["field"] == "query.limit"


def test_dry_run_writes_nothing(portal: Portal) -> None:
    c = portal.client("sub_a")
    item = {"entity": "A", "period": "2025", "indicator": "water.fresh", "value": 7, "unit": "m3"}
    r = c.post("/api/v1/observations", json={"observations": [item], "dry_run": True})
    assert r.status_code == 200 and r.json()["dry_run"] is True
    assert r.json()["observations_added"] == 1
    assert c.get("/api/v1/observations?entity=A&period=2025").json()["items"] == []


def test_chinese_units_are_converted(portal: Portal) -> None:
    c = portal.client("sub_a")
    # 1.2 万立方米 = 12 000 m3 (万 = 10^4)
    item = {
        "entity": "A",
        "period": "2025",
        "indicator": "water.fresh",
        "value": "1.2",
        "unit": "万立方米",
    }
    assert c.post("/api/v1/observations", json={"observations": [item]}).status_code == 200
    got = c.get("/api/v1/observations/A/2025/water.fresh").json()
    assert got["value"] == pytest.approx(12000) and got["raw_unit"] == "万立方米"


# -- Idempotency-Key ---------------------------------------------------------------


def test_idempotency_key_replays_the_first_answer(portal: Portal) -> None:
    c = portal.client("sub_a")
    item = {"entity": "A", "period": "2025", "indicator": "water.fresh", "value": 3, "unit": "m3"}
    h = {"Idempotency-Key": "k-1"}
    first = c.post("/api/v1/observations", json={"observations": [item]}, headers=h)
    again = c.post("/api/v1/observations", json={"observations": [item]}, headers=h)
    assert first.status_code == again.status_code == 200
    assert first.json() == again.json() and first.json()["observations_added"] == 1
    assert again.headers["idempotent-replayed"] == "true"
    assert len(c.get("/api/v1/observations?entity=A&period=2025").json()["items"]) == 1
    other = dict(item, value=4)
    r = c.post("/api/v1/observations", json={"observations": [other]}, headers=h)
    assert r.status_code == 409
    # keys are per user: another user's same key is a new request
    m = portal.client("manager")
    assert (
        m.post("/api/v1/observations", json={"observations": [other]}, headers=h).json()[
            "observations_updated"
        ]
        == 1
    )


# -- If-Match ----------------------------------------------------------------------


def test_if_match_refuses_a_stale_version_naming_the_newer(portal: Portal) -> None:
    c = portal.client("sub_a")
    url = "/api/v1/observations/A/2024/water.fresh"
    v = _version(portal, "A", "2024", "water.fresh")
    ok = c.put(url, json={"value": 5200, "unit": "m3"}, headers={"If-Match": f'"{v}"'})
    assert ok.status_code == 200, ok.text
    assert ok.headers["etag"] == f'"{v + 1}"' and ok.json()["value"] == 5200
    stale = c.put(url, json={"value": 5300, "unit": "m3"}, headers={"If-Match": f'"{v}"'})
    assert stale.status_code == 409
    assert stale.json()["current_version"] == str(v + 1)
    assert str(v + 1) in stale.json()["detail"]
    missing = c.put(url, json={"value": 5300, "unit": "m3"})
    assert missing.status_code == 422
    assert missing.json()["problems"][0]["field"] == "If-Match"


# -- pagination ----------------------------------------------------------------------


def test_cursor_pagination_walks_every_item_once(portal: Portal) -> None:
    c = portal.client("manager")
    every = c.get("/api/v1/observations?limit=1000").json()["items"]
    seen, cursor = [], None
    while True:
        url = "/api/v1/observations?limit=2" + (f"&cursor={cursor}" if cursor else "")
        page = c.get(url).json()
        seen += page["items"]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == every and len(every) == 3
    bad = c.get("/api/v1/observations?cursor=!!!")
    assert bad.status_code == 422 and bad.json()["problems"][0]["field"] == "cursor"


# -- uploads ---------------------------------------------------------------------------


def test_upload_returns_a_receipt_or_every_problem_by_row_and_column(portal: Portal) -> None:
    c = portal.client("sub_a")
    r = c.post("/api/v1/imports", files={"files": ("../../etc/a.csv", CSV.encode())})
    assert r.status_code == 200, r.text
    assert r.json()["observations_updated"] == 1
    bad = CSV.replace("5100", "lots")
    r = c.post("/api/v1/imports", files={"files": ("plant a.csv", bad.encode())})
    assert r.status_code == 422
    p = r.json()["problems"][0]
    assert p["file"] == "plant_a.csv" and p["row"] == 2 and p["column"] == "value"
    assert "/tmp" not in r.text
    r = c.post("/api/v1/imports", files={"files": ("a.exe", b"MZ")})
    assert r.status_code == 422 and r.json()["problems"][0]["expected"] == "a .csv or .xlsx file"


def test_audit_trail_and_verification(portal: Portal) -> None:
    c = portal.client("auditor")
    events = c.get("/api/v1/audit?since=0").json()["items"]
    assert events and events[0]["seq"] >= 1
    assert c.get(f"/api/v1/audit?since={events[-1]['seq']}").json()["items"] == []
    report = c.get("/api/v1/audit/verify").json()
    assert report["ok"] is True and report["events"] == len(events)
