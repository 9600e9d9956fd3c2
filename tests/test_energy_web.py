"""``POST /api/v1/readings`` on the web API: token auth, per-item rejects, idempotent."""

from __future__ import annotations

from esgledger.services import meters
from esgledger.services.context import Context, Principal
from web_helpers import make_portal

ELEC = "energy.electricity.purchased"


def test_post_readings(sqlite_url, tmp_path):
    portal = make_portal(sqlite_url, tmp_path)
    admin = Context(portal.ledger, Principal.local_admin())
    meters.add_meter(admin, {"code": "MA", "entity": "A", "carrier": ELEC, "unit": "kWh"})
    body = {
        "readings": [
            {"meter": "MA", "timestamp": "2025-03-01 00:15", "value": 1.5},
            {"meter": "MA", "timestamp": "2025-03-01T00:30:00+08:00", "value": "2"},
            {"meter": "MA", "timestamp": "later", "value": 1},
            {"meter": "NOPE", "timestamp": "2025-03-01 00:15", "value": 1},
        ]
    }
    sub = portal.client("sub_a")
    r = sub.post("/api/v1/readings", json=body)
    assert r.status_code == 200, r.text
    data = r.json()
    assert (data["stored"], data["rejected"]) == (2, 2)
    fields = {x["field"] for x in data["rejects"]}
    assert fields == {"items[2].timestamp", "items[3].meter"}
    again = sub.post("/api/v1/readings", json=body).json()
    assert (again["stored"], again["duplicates"]) == (0, 2)
    # a viewer may not send readings; no token: refused (not signed in, or no CSRF token)
    assert portal.client("view_a").post("/api/v1/readings", json=body).status_code == 403
    assert portal.client().post("/api/v1/readings", json=body).status_code in (401, 403)
    # plant B's submitter cannot see plant A's meter
    assert portal.client("sub_b").post("/api/v1/readings", json=body).status_code == 404
    portal.ledger.close()
