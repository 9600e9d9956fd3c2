"""Portal pages over HTTP (no browser): language, evidence downloads, scope, upload receipts.

The browser story is test_portal_e2e.py; these check what a browser hides:
headers, status codes and the exact problems listed.
"""

from __future__ import annotations

import re
from datetime import date

import pytest

from esgledger.services import campaigns, identity
from esgledger.services.campaigns import AssignmentInput
from esgledger.services.context import Context, Principal
from esgledger.web.i18n import expected_text, negotiate
from portal_helpers import ENTITIES, seed

PASSWORD = "correct horse battery 9"
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def test_language_from_cookie_then_browser_then_english() -> None:
    assert negotiate("zh", "en") == "zh"
    assert negotiate(None, "fr-FR,zh-CN;q=0.8,en;q=0.5") == "zh"
    assert negotiate(None, "en-US,zh;q=0.9") == "en"
    assert negotiate(None, "zh;q=0,en;q=0.1") == "en"
    assert negotiate("xx", "") == "en"
    assert expected_text("zh", "a number such as 1234.5 or 1,234.5").startswith("数字")
    assert expected_text("en", "a number such as 1234.5 or 1,234.5").startswith("a number")


@pytest.fixture
def portal(any_db_url, tmp_path, monkeypatch):
    from esgledger.settings import load_settings
    from esgledger.store import Ledger
    from esgledger.web.app import create_app

    monkeypatch.setenv("ESGLEDGER_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("ESGLEDGER_SECRET_KEY", "pages-secret-key-0123456789abcdef")
    monkeypatch.setenv("ESGLEDGER_ALLOWED_HOSTS", "testserver")
    ledger = Ledger.open(any_db_url)
    seed(ledger, tmp_path)
    admin = Context(ledger, Principal.local_admin())
    for name, role, entity in (
        ("mgr", "manager", None),
        ("alice", "submitter", "A"),
        ("rita", "reviewer", "A"),
        ("rob", "reviewer", "B"),
    ):
        identity.add_user(
            admin, name, role=role, entities=[entity] if entity else [], password=PASSWORD
        )
    c = campaigns.open_campaign(
        admin,
        period="2025",
        name="ESG 2025",
        indicators=["energy.electricity.purchased", "water.fresh"],
        assignments=[
            AssignmentInput("A", "alice", "rita", date(2099, 3, 31)),
            AssignmentInput("B", "mgr", "rob", date(2099, 3, 31)),
        ],
    )
    app = create_app(load_settings(any_db_url), ledger=ledger)
    try:
        yield app, c.id
    finally:
        ledger.close()


def _token(html: str) -> str:
    m = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert m, html[:500]
    return m.group(1)


def _test_client():
    import warnings

    with warnings.catch_warnings():  # starlette would rather have httpx2; httpx is pinned
        warnings.simplefilter("ignore")
        from fastapi.testclient import TestClient
    return TestClient


def _client(app, user: str, lang: str = "en"):
    client = _test_client()(app, headers={"Accept-Language": lang, "Accept": "text/html"})
    page = client.get("/login")
    r = client.post(
        "/login",
        data={"username": user, "password": PASSWORD, "csrf_token": _token(page.text)},
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text[:500]
    return client


def test_start_page_in_both_languages_and_the_switch(portal) -> None:
    app, cid = portal
    alice = _client(app, "alice", "zh-CN")
    page = alice.get("/")
    assert "我的待办" in page.text and f"/entry/{cid}/A" in page.text
    assert 'lang="zh-CN"' in page.text
    r = alice.get("/lang/en?next=/", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/"
    assert "My tasks" in alice.get("/").text
    assert (
        alice.get("/lang/en?next=//evil.example", follow_redirects=False).headers["location"] == "/"
    )
    # no inline script or style anywhere (the CSP forbids them)
    assert "<script>" not in page.text and " style=" not in page.text


def test_check_endpoint_runs_the_importer_rules(portal) -> None:
    app, _ = portal
    alice = _client(app, "alice")
    q = {"entity": "A", "period": "2025", "indicator": "water.fresh"}
    bad = alice.get("/entry/check", params={**q, "value": "12x", "unit": "m3"}).json()
    assert bad["ok"] is False and bad["problems"][0]["column"] == "value"
    # 0.8 万立方米 = 8,000 m3 against 5,000 last year: +60 %, a comment is needed
    ok = alice.get("/entry/check", params={**q, "value": "0.8", "unit": "万立方米"}).json()
    assert ok["ok"] and ok["value"] == pytest.approx(8000) and ok["needs_comment"] is True
    assert ok["swing"] == pytest.approx(0.6)
    # another entity's reviewer learns nothing
    rob = _client(app, "rob")
    assert rob.get("/entry/check", params={**q, "value": "1", "unit": "m3"}).status_code == 404


def test_save_errors_name_the_field_and_keep_what_was_typed(portal) -> None:
    app, cid = portal
    alice = _client(app, "alice")
    form = alice.get(f"/entry/{cid}/A")
    r = alice.post(
        f"/entry/{cid}/A",
        data={
            "csrf_token": _token(form.text),
            "v:2025:water.fresh": "-3",
            "u:water.fresh": "m3",
            "v:2025:energy.electricity.purchased": "10",
            "u:energy.electricity.purchased": "MWh",
            "action": "save",
        },
    )
    assert r.status_code == 422
    assert 'value="-3"' in r.text and "a value between 0 and" in r.text
    # a form without the CSRF token is refused
    r = alice.post(f"/entry/{cid}/A", data={"v:2025:water.fresh": "3", "u:water.fresh": "m3"})
    assert r.status_code == 403


def test_evidence_download_is_an_attachment_and_authorised(portal) -> None:
    app, _ = portal
    alice = _client(app, "alice")
    page = alice.get("/value/A/2025/water.fresh")
    r = alice.post(
        "/value/A/2025/water.fresh/evidence",
        data={"csrf_token": _token(page.text)},
        files={"file": ("bill.pdf", PDF, "text/html")},  # the browser's claim is ignored
        follow_redirects=False,
    )
    assert r.status_code == 303
    page = alice.get("/value/A/2025/water.fresh")
    eid = re.search(r'href="/evidence/(\d+)"', page.text).group(1)
    got = alice.get(f"/evidence/{eid}")
    assert got.content == PDF
    assert got.headers["content-type"] == "application/pdf"
    assert got.headers["content-disposition"].startswith("attachment;")
    assert got.headers["x-content-type-options"] == "nosniff"
    html = alice.post(
        "/value/A/2025/water.fresh/evidence",
        data={"csrf_token": _token(page.text)},
        files={"file": ("x.pdf", b"<html><script>alert(1)</script></html>", "application/pdf")},
    )
    assert html.status_code == 422 and "checked by content" in html.text
    rob = _client(app, "rob")
    assert rob.get(f"/evidence/{eid}").status_code == 404
    assert rob.get("/value/A/2025/water.fresh").status_code == 404


def test_upload_receipt_and_problems_by_row_and_column(portal) -> None:
    app, _ = portal
    alice = _client(app, "alice")
    page = alice.get("/upload")
    good = "entity,period,indicator,value,unit,source,comment\nA,2025,water.fresh,4800,m3,bill,\n"
    r = alice.post(
        "/upload",
        data={"csrf_token": _token(page.text)},
        files={"file": ("observations.csv", good.encode(), "text/csv")},
    )
    assert r.status_code == 200 and 'id="receipt"' in r.text
    bad = (
        "entity,period,indicator,value,unit,source,comment\n"
        "A,2025,water.fresh,lots,m3,,\n"
        "A,2025,energy.electricity.purchased,5,kg,,\n"
    )
    r = alice.post(
        "/upload",
        data={"csrf_token": _token(page.text)},
        files={"file": ("observations.csv", bad.encode(), "text/csv")},
    )
    assert r.status_code == 422
    rows = re.findall(
        r"<tr><td>observations.csv</td><td class=\"num\">(\d+)</td><td>(\w+)</td>", r.text
    )
    assert rows == [("2", "value"), ("3", "unit")]
    assert ENTITIES  # the seed ledger is the one the helpers describe


def test_dashboard_and_review_scope(portal) -> None:
    app, cid = portal
    mgr = _client(app, "mgr")
    page = mgr.get(f"/campaigns/{cid}")
    assert page.status_code == 200 and page.text.count("<tr") >= 3
    rob = _client(app, "rob")
    page = rob.get(f"/campaigns/{cid}")
    assert "Plant B" in page.text and "Plant A" not in page.text
    assert rob.get(f"/entry/{cid}/A").status_code == 404


def test_monthly_campaign_shows_a_twelve_month_grid(portal) -> None:
    app, _ = portal
    mgr = _client(app, "mgr")
    form = mgr.get("/campaigns/new")
    assert form.status_code == 200
    r = mgr.post(
        "/campaigns/new",
        data={
            "csrf_token": _token(form.text),
            "period": "2026",
            "name": "monthly energy",
            "monthly": "1",
            "topic": "water",
            "codes": "energy.electricity.purchased",
            "due": "2099-01-31",
            "entity": "A",
            "owner:A": "alice",
            "reviewer:A": "rita",
        },
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text[:800]
    cid = int(r.headers["location"].rsplit("/", 1)[1])
    page = _client(app, "alice").get(f"/entry/{cid}/A")
    months = re.findall(r'name="v:(2026-\d\d):energy.electricity.purchased"', page.text)
    assert months == [f"2026-{m:02d}" for m in range(1, 13)]
    assert 'name="v:2026-12:water.fresh"' in page.text  # a summed quantity: monthly too
    # a form with problems lists them all and keeps the input
    r = mgr.post(
        "/campaigns/new",
        data={"csrf_token": _token(form.text), "period": "26", "name": "", "entity": "A"},
    )
    assert r.status_code == 422 and "a year such as 2025" in r.text


def test_outbox_page_queues_reminders(portal, monkeypatch) -> None:
    app, _ = portal
    mgr = _client(app, "mgr")
    page = mgr.get("/admin/outbox")
    assert page.status_code == 200
    r = mgr.post("/admin/outbox/queue", data={"csrf_token": _token(page.text)})
    assert r.status_code == 200 and "Queued" in r.text
    r = mgr.post("/admin/outbox/send", data={"csrf_token": _token(page.text)})
    assert r.status_code == 503 and "ESGLEDGER_SMTP_HOST" in r.text
    assert _client(app, "alice").get("/admin/outbox").status_code in (403, 404)
