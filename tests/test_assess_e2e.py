"""In Chromium: a stakeholder answers the survey on a phone; a manager builds the report.

Screenshots (desktop and 390 px, zh and en) go to ``/tmp/h10job-shots``
(``ESGLEDGER_SHOTS`` to change it).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from test_portal_e2e import ARGS, CHROMIUM, DESKTOP, PASSWORD, PHONE, _need_browser

SHOTS = Path(os.environ.get("ESGLEDGER_SHOTS", "/tmp/h10job-shots"))
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    _need_browser()

    from esgledger.services import assess, identity
    from esgledger.services.context import Context, Principal
    from esgledger.settings import Settings
    from esgledger.store import Ledger
    from esgledger.web.app import create_app
    from portal_helpers import seed, serve_in_thread

    tmp = tmp_path_factory.mktemp("assess-e2e")
    url = f"sqlite:///{tmp / 'ledger.db'}"
    ledger = Ledger.open(url)
    seed(ledger, tmp)
    admin = Context(ledger, Principal.local_admin())
    identity.add_user(admin, "mgr", role="manager", entities=[], password=PASSWORD)
    groups = tmp / "groups.csv"
    groups.write_text(
        "code,name_en,name_zh,weight\ninvestors,Investors,投资者,0.5\nstaff,Staff,员工,0.5\n",
        encoding="utf-8",
    )
    assess.import_materiality(admin, [groups], year=2025)
    settings = Settings(
        database_url=url,
        secret_key="assess-e2e-secret-0123456789abcdef",
        data_dir=tmp / "data",
        allowed_hosts="127.0.0.1,localhost",
    )  # type: ignore[call-arg]
    app = create_app(settings, ledger=ledger)
    from playwright.sync_api import sync_playwright

    SHOTS.mkdir(parents=True, exist_ok=True)
    with serve_in_thread(app) as url, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            yield url, browser, ledger, admin
        finally:
            browser.close()
            ledger.close()


def _sign_in(browser, base: str, lang: str):
    ctx = browser.new_context(
        viewport=DESKTOP, extra_http_headers={"Accept-Language": lang}, accept_downloads=True
    )
    page = ctx.new_page()
    page.goto(base + "/login")
    page.fill("#username", "mgr")
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r"/(\?.*)?$"))
    return ctx, page


def _shot(page, name: str) -> None:
    page.set_viewport_size(DESKTOP)
    page.screenshot(path=str(SHOTS / f"{name}-desktop.png"), full_page=True)
    page.set_viewport_size(PHONE)
    page.screenshot(path=str(SHOTS / f"{name}-phone.png"), full_page=True)
    page.set_viewport_size(DESKTOP)


def test_stakeholder_answers_on_a_phone_and_it_reaches_the_assessment(site) -> None:
    base, browser, ledger, admin = site
    from esgledger.services import assess

    ctx, page = _sign_in(browser, base, "en")
    page.goto(base + "/surveys?year=2025")
    page.fill("#expires", "2099-12-31")
    page.fill('input[name="n:staff"]', "2")
    _shot(page, "survey-new-en")
    page.click("#create-survey")
    links = page.locator(".link-url").all_inner_texts()
    assert len(links) == 2
    _shot(page, "survey-links-en")
    for lang, link in (("zh", links[0]), ("en", links[1])):
        phone = browser.new_context(
            viewport=PHONE, extra_http_headers={"Accept-Language": lang}, is_mobile=True
        )
        p = phone.new_page()
        p.goto(link)
        radios = p.locator('input[type="radio"][value="4"]')
        n = radios.count()
        assert n >= 2
        for i in range(n):
            radios.nth(i).check()
        p.wait_for_timeout(300)  # the last answers are saved as chosen
        p.screenshot(path=str(SHOTS / f"questionnaire-{lang}-phone.png"), full_page=False)
        p.click("#submit-survey")
        p.wait_for_selector("#thanks")
        p.screenshot(path=str(SHOTS / f"questionnaire-done-{lang}-phone.png"))
        phone.close()
    page.goto(base + "/surveys/1")
    assert "100 %" in page.inner_text("#rates")
    _shot(page, "survey-rates-en")
    result = assess.run_materiality(admin, 2025)
    assert result.topics[0].responses == 2 and result.topics[0].impact == 4
    # the climate register: add an item, see it on the heat map
    page.goto(base + "/risks")
    page.fill("#code", "R1")
    page.fill("#title_en", "Flood at plant A")
    page.fill("#description_en", "River flooding stops production")
    page.check("#h-short")
    page.fill("#likelihood", "4")
    page.fill("#magnitude", "5")
    page.click("#save-item")
    page.wait_for_selector("#heatmap")
    assert page.evaluate("document.getElementById('heatmap').naturalWidth") > 0
    _shot(page, "risks-en")
    ctx.close()


def test_manager_builds_the_report_watches_progress_and_opens_the_pdf(site, tmp_path) -> None:
    base, browser, ledger, admin = site
    for lang in ("zh", "en"):
        ctx, page = _sign_in(browser, base, lang)
        page.goto(base + "/reports")
        _shot(page, f"reports-{lang}")
        if lang == "zh":
            ctx.close()
            continue
        page.fill("#period", "2024")
        page.uncheck("#lang-zh")
        page.check("#fmt-pdf")
        page.click("#build")
        page.wait_for_url(re.compile(r"/reports/jobs/\d+$"))
        assert page.locator("#job-progress").count() == 1
        _shot(page, f"report-job-running-{lang}")
        page.wait_for_selector("#outputs", timeout=120_000)
        _shot(page, f"report-job-done-{lang}")
        with page.expect_download() as info:
            page.click("#outputs a")
        target = tmp_path / "report.pdf"
        info.value.save_as(str(target))
        assert target.read_bytes()[:5] == b"%PDF-"
        if shutil.which("pdfinfo"):
            out = subprocess.run(["pdfinfo", str(target)], capture_output=True, text=True)
            assert out.returncode == 0 and "Pages:" in out.stdout
        ctx.close()
