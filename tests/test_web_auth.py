"""Sign-in: sessions, CSRF, fixation, throttling, no user enumeration, headers (SQLite and PG)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from esgledger.services import identity
from esgledger.services.context import Context, Principal
from esgledger.web.csrf import ANON_COOKIE, SESSION_COOKIE
from web_helpers import PASSWORD, Portal, csrf_of, make_portal


@pytest.fixture
def portal(any_db_url: str, tmp_path) -> Iterator[Portal]:
    p = make_portal(any_db_url, tmp_path)
    try:
        yield p
    finally:
        p.ledger.close()


def _login(c, user: str, password: str, token: str | None = None):
    return c.post(
        "/login",
        data={"username": user, "password": password, "csrf_token": token or csrf_of(c)},
        follow_redirects=False,
    )


def test_sign_in_sets_a_strict_session_cookie_and_me_answers(portal: Portal) -> None:
    c = portal.client()
    r = _login(c, "sub_a", PASSWORD)
    assert r.status_code == 303 and r.headers["location"] == "/"
    cookie = r.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie and "secure" not in cookie
    me = c.get("/api/v1/me").json()
    assert me["username"] == "sub_a" and me["auth"] == "session"
    assert me["memberships"] == [{"entity": "A", "role": "submitter"}]


def test_cookie_is_secure_under_https(any_db_url: str, tmp_path) -> None:
    p = make_portal(any_db_url, tmp_path)
    try:
        c = p.client()
        c.base_url = c.base_url.copy_with(scheme="https")  # type: ignore[attr-defined]
        r = _login(c, "sub_a", PASSWORD)
        assert "secure" in r.headers["set-cookie"].lower()
        assert r.headers["strict-transport-security"].startswith("max-age=")
    finally:
        p.ledger.close()


def test_session_id_is_regenerated_at_sign_in_and_the_old_one_revoked(portal: Portal) -> None:
    c = portal.client()
    _login(c, "sub_a", PASSWORD)
    first = c.cookies[SESSION_COOKIE]
    # an attacker who planted (or saw) `first` learns nothing about the next session
    r = _login(c, "sub_a", PASSWORD)
    assert r.status_code == 303
    second = c.cookies[SESSION_COOKIE]
    assert second != first
    old = portal.client()
    old.cookies.set(SESSION_COOKIE, first)
    assert old.get("/api/v1/me").status_code == 401
    assert c.get("/api/v1/me").status_code == 200


def test_a_planted_session_cookie_is_not_adopted(portal: Portal) -> None:
    c = portal.client()
    token = csrf_of(c)
    c.cookies.set(SESSION_COOKIE, "attacker-chosen-value", domain="testserver.local")
    r = c.post(
        "/login",
        data={"username": "sub_a", "password": PASSWORD, "csrf_token": token},
        follow_redirects=False,
    )
    assert r.status_code == 403  # the token was bound to the browser's cookies: planted = new
    token = c.get("/api/v1/me").status_code  # the planted session is no session
    assert token == 401
    r = _login(c, "sub_a", PASSWORD)
    assert r.status_code == 303
    issued = r.headers["set-cookie"].split(";")[0].split("=", 1)[1]
    assert issued != "attacker-chosen-value"


def test_logout_revokes_the_session_server_side(portal: Portal) -> None:
    c = portal.sign_in("sub_a")
    cookie = c.cookies[SESSION_COOKIE]
    r = c.post("/logout", data={"csrf_token": csrf_of(c)}, follow_redirects=False)
    assert r.status_code == 303
    replay = portal.client()
    replay.cookies.set(SESSION_COOKIE, cookie)
    assert replay.get("/api/v1/me").status_code == 401


def test_disabling_a_user_ends_their_sessions(portal: Portal) -> None:
    c = portal.sign_in("sub_a")
    identity.disable_user(Context(portal.ledger, Principal.local_admin()), "sub_a")
    r = c.get("/api/v1/me")
    assert r.status_code == 401
    assert r.headers["content-type"] == "application/problem+json"


def test_a_page_without_session_redirects_to_the_sign_in_form(portal: Portal) -> None:
    r = portal.client().get("/password", headers={"accept": "text/html"}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/login?next=%2Fpassword"


def test_next_is_never_an_open_redirect(portal: Portal) -> None:
    c = portal.client()
    r = c.post(
        "/login",
        data={
            "username": "sub_a",
            "password": PASSWORD,
            "next": "//evil.example/x",
            "csrf_token": csrf_of(c),
        },
        follow_redirects=False,
    )
    assert r.headers["location"] == "/"


# -- CSRF ---------------------------------------------------------------------------------


def test_a_form_post_without_the_csrf_token_is_refused(portal: Portal) -> None:
    c = portal.client()
    c.get("/login")
    r = c.post("/login", data={"username": "sub_a", "password": PASSWORD}, follow_redirects=False)
    assert r.status_code == 403
    assert SESSION_COOKIE not in c.cookies
    r = c.post(
        "/login",
        data={"username": "sub_a", "password": PASSWORD, "csrf_token": "0" * 64},
        follow_redirects=False,
    )
    assert r.status_code == 403


def test_the_token_of_another_browser_is_refused(portal: Portal) -> None:
    victim = portal.sign_in("sub_a")
    attacker = portal.client()
    token = csrf_of(attacker)  # the attacker's own, valid for the attacker's browser only
    r = victim.post("/logout", data={"csrf_token": token}, follow_redirects=False)
    assert r.status_code == 403
    assert victim.get("/api/v1/me").status_code == 200


def test_the_token_changes_at_sign_in(portal: Portal) -> None:
    c = portal.client()
    before = csrf_of(c)
    _login(c, "sub_a", PASSWORD, before)
    after = c.get("/api/v1/me").json()["csrf_token"]
    assert after != before
    r = c.post("/logout", data={"csrf_token": before}, follow_redirects=False)
    assert r.status_code == 403


def test_json_api_with_a_session_needs_the_header_and_bearer_is_exempt(portal: Portal) -> None:
    body = {"entity": "A", "period": "2024"}
    c = portal.sign_in("sub_a")
    assert c.post("/api/v1/workflow/submit", json=body).status_code == 403
    token = c.get("/api/v1/me").json()["csrf_token"]
    r = c.post("/api/v1/workflow/submit", json=body, headers={"X-CSRF-Token": token})
    assert r.status_code == 200, r.text
    machine = portal.client("sub_a")  # Bearer token, no cookie: no CSRF token needed
    assert machine.post("/api/v1/workflow/submit", json=body).status_code in (200, 409)


def test_sign_in_over_the_api_sets_the_cookie_and_returns_the_token(portal: Portal) -> None:
    c = portal.client()
    csrf = csrf_of(c)
    r = c.post(
        "/api/v1/session",
        json={"username": "view_a", "password": PASSWORD},
        headers={"X-CSRF-Token": csrf},
    )
    assert r.status_code == 200, r.text
    assert r.json()["csrf_token"] and SESSION_COOKIE in c.cookies
    r = c.delete("/api/v1/session", headers={"X-CSRF-Token": r.json()["csrf_token"]})
    assert r.status_code == 204
    assert c.get("/api/v1/me").status_code == 401


# -- throttling and enumeration -------------------------------------------------------


def test_failed_sign_ins_are_throttled_per_user_even_with_the_right_password(
    portal: Portal,
) -> None:
    c = portal.client()
    for _ in range(5):
        assert _login(c, "sub_a", "wrong password!").status_code == 401
    r = _login(c, "sub_a", PASSWORD)
    assert r.status_code == 429 and int(r.headers["retry-after"]) > 0
    # the lock is in the database: a second app (another worker) on the same ledger sees it
    from esgledger.web.app import create_app

    other = type(portal)(create_app(portal.app.state.settings, ledger=portal.ledger), portal.ledger)
    assert _login(other.client(), "sub_a", PASSWORD).status_code == 429
    # other users are not affected
    assert _login(portal.client(), "sub_b", PASSWORD).status_code == 303


def test_failed_sign_ins_are_throttled_per_address(portal: Portal) -> None:
    c = portal.client()
    for i in range(20):
        assert _login(c, f"nobody{i}", "guess guess guess").status_code == 401
    assert _login(c, "sub_b", PASSWORD).status_code == 429


def test_unknown_user_and_wrong_password_read_the_same(portal: Portal) -> None:
    unknown = _login(portal.client(), "no-such-user", "whatever password")
    wrong = _login(portal.client(), "sub_a", "whatever password")
    assert unknown.status_code == wrong.status_code == 401
    strip = lambda html: html.replace("no-such-user", "X").replace("sub_a", "X")  # noqa: E731
    assert strip(unknown.text).split("csrf_token")[0] == strip(wrong.text).split("csrf_token")[0]
    api_unknown = portal.client().get("/api/v1/me", headers={"Authorization": "Bearer nope"})
    assert api_unknown.status_code == 401


def test_password_change_keeps_this_session_and_ends_the_others(portal: Portal) -> None:
    here = portal.sign_in("sub_a")
    elsewhere = portal.sign_in("sub_a")
    token = here.get("/api/v1/me").json()["csrf_token"]
    bad = here.post(
        "/api/v1/me/password",
        json={"current_password": "not it at all", "new_password": "a new long password"},
        headers={"X-CSRF-Token": token},
    )
    assert bad.status_code == 422
    assert bad.json()["problems"][0]["field"] == "current_password"
    ok = here.post(
        "/api/v1/me/password",
        json={"current_password": PASSWORD, "new_password": "a new long password"},
        headers={"X-CSRF-Token": token},
    )
    assert ok.status_code == 204, ok.text
    assert here.get("/api/v1/me").status_code == 200
    assert elsewhere.get("/api/v1/me").status_code == 401
    assert portal.sign_in("sub_a", "a new long password").get("/api/v1/me").status_code == 200


# -- headers, limits, hosts -----------------------------------------------------------


def test_security_headers_on_pages_and_api(portal: Portal) -> None:
    for path in ("/login", "/api/v1/me", "/docs", "/no/such/page"):
        h = portal.client().get(path).headers
        csp = h["content-security-policy"]
        assert "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp
        assert h["x-content-type-options"] == "nosniff"
        assert h["referrer-policy"] == "same-origin"
    assert portal.client().get("/api/v1/me").headers["cache-control"] == "no-store"
    assert ANON_COOKIE in portal.client().get("/login").cookies


def test_docs_are_served_from_the_package(portal: Portal) -> None:
    c = portal.client()
    page = c.get("/docs").text
    assert "http" not in page.replace("http-equiv", "")  # no CDN, no absolute URL
    assert c.get("/docs/assets/swagger-ui-bundle.js").status_code == 200
    assert c.get("/docs/assets/swagger-ui.css").status_code == 200
    assert c.get("/openapi.json").json()["paths"]["/api/v1/observations"]


def test_a_body_over_the_upload_limit_is_413(any_db_url: str, tmp_path) -> None:
    p = make_portal(any_db_url, tmp_path, upload_limit_mb=1)
    try:
        r = p.client("sub_a").post(
            "/api/v1/imports", files={"files": ("big.csv", b"x" * (1024 * 1024 + 10))}
        )
        assert r.status_code == 413
        assert r.headers["content-type"] == "application/problem+json"
    finally:
        p.ledger.close()


def test_unknown_host_is_refused(portal: Portal) -> None:
    r = portal.client().get("/login", headers={"host": "evil.example"})
    assert r.status_code == 400


def test_a_secret_key_is_required_outside_the_demo(sqlite_url: str) -> None:
    from esgledger.errors import ConfigError
    from esgledger.settings import Settings
    from esgledger.web.app import create_app

    with pytest.raises(ConfigError):
        create_app(Settings(database_url=sqlite_url, secret_key=None))
    with pytest.raises(ConfigError):
        create_app(Settings(database_url=sqlite_url, secret_key="changeme"))
    app = create_app(Settings(database_url=sqlite_url, demo=True))
    app.state.ledger.close()
