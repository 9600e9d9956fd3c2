"""The energy monitoring page of a key unit, on the demo's synthetic meter data.

One module-scoped ledger: the demo's users and figures, its synthetic meter
series (one planted spike on SMELTING at 10:00-11:00 on 2025-03-12, one gap on
HUAXING on 2025-03-20) and the alerts they raise; plus ``hx_rev``, a reviewer
of HUAXING only. Two Playwright tests open the page in Chinese and English in
Debian's chromium and keep screenshots (desktop and 390 px) under
``/tmp/h13mon-shots`` (``ESGLEDGER_ENERGY_SHOTS`` to change it).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from esgledger.energy.synthetic import GAP, SPIKE
from esgledger.services import alerts, identity
from esgledger.services.context import Context, Principal
from esgledger.store import Ledger
from esgledger.web.app import create_app
from web_helpers import settings_for

CHROMIUM = os.environ.get("ESGLEDGER_CHROMIUM", "/usr/bin/chromium")
SHOTS = Path(os.environ.get("ESGLEDGER_ENERGY_SHOTS", "/tmp/h13mon-shots"))
SPIKE_HOUR = "2025-03-12 10:00"


class Site:
    def __init__(self, ledger: Ledger, url: str, tokens: dict[str, str]) -> None:
        self.ledger = ledger
        self.app = create_app(settings_for(url), ledger=ledger)
        self.tokens = tokens
        self.url = url

    def client(self, user: str, lang: str = "en") -> TestClient:
        c = TestClient(self.app, raise_server_exceptions=False)
        c.headers["Authorization"] = f"Bearer {self.tokens[user]}"
        c.cookies.set("esgledger_lang", lang)
        return c


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Iterator[Site]:
    from esgledger.demo.build import DemoContext, _step_import, _step_users
    from esgledger.services.demo_energy import load_demo_energy

    tmp = tmp_path_factory.mktemp("energy-web")
    url = f"sqlite:///{tmp / 'demo.db'}"
    ledger = Ledger.open(url)
    demo = DemoContext(ledger, tmp)
    _step_users(demo)
    _step_import(demo)
    load_demo_energy(ledger, actor="demo")
    admin = Context(ledger, Principal.local_admin())
    identity.add_user(admin, "hx_rev", role="reviewer", entities=["HUAXING"])
    tokens = {u: identity.create_token(admin, u)[0] for u in ("demo-reviewer", "hx_rev")}
    yield Site(ledger, url, tokens)
    ledger.close()


def _spike_id(site: Site) -> int:
    ctx = Context(site.ledger, Principal.local_admin())
    found = alerts.list_alerts(ctx, entity="SMELTING")
    [spike] = [a for a in found if a["rule"] == "spike" and a["meter"] == SPIKE[0]]
    return int(spike["id"])


def test_page_in_both_languages_with_charts_and_the_spike(site):
    for lang, title in (("en", "Energy monitoring"), ("zh", "能耗在线监测")):
        r = site.client("demo-reviewer", lang).get("/energy/SMELTING?period=2025-03")
        assert r.status_code == 200, r.text
        html = r.text
        assert title in html
        assert SPIKE_HOUR in html and SPIKE[0] in html
        # three server-rendered charts, styled by classes only (the CSP has no unsafe-inline)
        assert html.count('<svg class="chart') == 3
        assert "style=" not in html and "<script>" not in html
        assert 'class="band"' in html  # the spike's hour is marked on the load curve
    csp = r.headers["content-security-policy"]
    assert "unsafe-inline" not in csp
    # the 15-minute curve of the spike's day: 96 intervals, 4 of them in the band
    day = site.client("demo-reviewer").get(
        "/energy/SMELTING?period=2025-03&grain=15min&day=2025-03-12"
    )
    assert day.status_code == 200
    assert "96 intervals with data" in day.text
    # the selectors' form goes through /energy to the chosen unit
    go = site.client("demo-reviewer").get(
        "/energy?entity=HUAXING&period=2025-03", follow_redirects=False
    )
    assert go.status_code == 303 and go.headers["location"] == "/energy/HUAXING?period=2025-03"
    gap = site.client("demo-reviewer").get(go.headers["location"]).text
    assert f"{GAP[0]}" in gap and "2025-03-20" in gap


def test_scope_only_the_users_entities(site):
    c = site.client("hx_rev")
    # one key unit in scope: the index goes straight to it
    r = c.get("/energy", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/energy/HUAXING"
    assert c.get("/energy/HUAXING?period=2025-03").status_code == 200
    assert c.get("/energy/SMELTING?period=2025-03").status_code == 404
    assert c.get("/energy/SMELTING?period=2025-03&grain=15min").status_code == 404
    # the HUAXING reviewer cannot acknowledge SMELTING's alert either
    found = c.post(
        f"/energy/SMELTING/alerts/{_spike_id(site)}",
        data={"reason": "not mine", "period": "2025-03"},
        headers={"X-CSRF-Token": "x"},
    )
    assert found.status_code in (403, 404)


def test_bad_period_and_day_are_named(site):
    c = site.client("demo-reviewer")
    r = c.get("/energy/SMELTING?period=2025-13")
    assert r.status_code == 200 and "2025-13" in r.text and "YYYY-MM" in r.text
    r = c.get("/energy/SMELTING?period=2025-03&grain=15min&day=12.3.2025")
    assert "12.3.2025" in r.text and "YYYY-MM-DD" in r.text


# -- in a real browser --------------------------------------------------------------------


@pytest.fixture(scope="module")
def server(site) -> Iterator[str]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"chromium is not installed at {CHROMIUM} (apt-get install -y chromium)")

    from portal_helpers import serve_in_thread

    app = create_app(settings_for(site.url, allowed_hosts="127.0.0.1"), ledger=site.ledger)
    with serve_in_thread(app, lifespan="off") as url:
        yield url


def _browse(server: str, lang: str, fn) -> None:
    from playwright.sync_api import sync_playwright

    from esgledger.demo.build import demo_password

    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"]
        )
        ctx = browser.new_context(
            viewport={"width": 1280, "height": 800},
            extra_http_headers={
                "Accept-Language": "zh-CN,zh;q=0.9" if lang == "zh" else "en-GB,en;q=0.9"
            },
        )
        page = ctx.new_page()
        page.set_default_timeout(10_000)
        errors: list[str] = []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.goto(server + "/login")
        page.fill("#username", "demo-reviewer")
        page.fill("#password", demo_password("demo-reviewer"))
        page.click("button[type=submit]")
        page.wait_for_url(re.compile(r"/(\?.*)?$"))
        fn(page)
        assert errors == [], errors  # a CSP violation would show here
        browser.close()


def _shoot(page, name: str) -> None:
    page.set_viewport_size({"width": 1280, "height": 800})
    page.screenshot(path=str(SHOTS / f"{name}-desktop.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=str(SHOTS / f"{name}-phone.png"), full_page=True)
    # nothing wider than the phone's screen (tables scroll inside their own box)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.set_viewport_size({"width": 1280, "height": 800})


def test_browser_zh_sees_the_spike(server, site):
    spike = _spike_id(site)

    def story(page) -> None:
        page.click("nav >> text=能耗监测")
        page.click('#units a[href="/energy/SMELTING"]')
        page.select_option("#f-entity", "SMELTING")
        page.fill("#f-period", "2025-03")
        page.click("#energy-filters button[type=submit]")
        page.wait_for_url(re.compile(r"/energy/SMELTING"))
        row = page.locator(f"#alert-{spike}")
        assert SPIKE_HOUR in row.inner_text() and "突增" in row.inner_text()
        assert page.locator("svg.chart").count() == 3
        _shoot(page, "zh-smelting-2025-03")
        page.goto(page.url.split("?")[0] + "?period=2025-03&grain=15min&day=2025-03-12")
        assert page.locator("#load-curve rect.band").count() == 1
        _shoot(page, "zh-smelting-15min")

    _browse(server, "zh", story)


def test_browser_en_acknowledges_the_spike(server, site):
    spike = _spike_id(site)

    def story(page) -> None:
        page.goto(server + "/energy/SMELTING?period=2025-03")
        row = page.locator(f"#alert-{spike}")
        assert SPIKE_HOUR in row.inner_text() and SPIKE[0] in row.inner_text()
        _shoot(page, "en-smelting-2025-03")
        row.locator("input[name=reason]").fill("planned electrolysis cell restart")
        row.locator("button[type=submit]").click()
        page.wait_for_url(re.compile(r"flash=energy.acked"))
        assert "acknowledged" in page.inner_text(".flash.ok")
        assert page.locator(f"#alert-{spike}").count() == 0
        page.goto(server + "/energy/RUIXIN?period=2025-03")
        assert page.locator("#alerts tr.quota").count() >= 1
        _shoot(page, "en-ruixin-quota")

    _browse(server, "en", story)
