"""End to end in a real browser: Debian's chromium driven by Playwright, English and Chinese.

A uvicorn server on 127.0.0.1 (a free port) serves a fresh SQLite ledger. The
story: the manager opens a campaign; a submitter enters values with a Chinese
unit, sees a validation error, explains a swing, attaches evidence and
submits; a reviewer of another entity cannot see them; the entity's reviewer
rejects with a reason; the submitter fixes and resubmits; the reviewer
approves; the manager locks; the auditor verifies the chain.

The browser's language (Accept-Language) picks the portal's language.
Screenshots at desktop (1280×800) and phone (390×844) widths are kept under
``out/e2e/<lang>/`` (``ESGLEDGER_E2E_OUT`` to change it); the path is printed.
Skipped with the reason when chromium is absent, except under CI.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from portal_helpers import seed, serve_in_thread

CHROMIUM = os.environ.get("ESGLEDGER_CHROMIUM", "/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
PASSWORD = "correct horse battery 9"
OUT = Path(os.environ.get("ESGLEDGER_E2E_OUT", Path(__file__).resolve().parents[1] / "out" / "e2e"))
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"

pytestmark = pytest.mark.slow


def _need_browser() -> None:
    if not Path(CHROMIUM).exists():
        reason = f"chromium is not installed at {CHROMIUM} (apt-get install -y chromium)"
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)


@pytest.fixture
def server(tmp_path, monkeypatch) -> Iterator[str]:
    _need_browser()

    from esgledger.services import identity
    from esgledger.services.context import Context, Principal
    from esgledger.settings import load_settings
    from esgledger.store import Ledger
    from esgledger.web.app import create_app

    monkeypatch.setenv("ESGLEDGER_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("ESGLEDGER_SECRET_KEY", "e2e-secret-key-0123456789abcdef")
    monkeypatch.setenv("ESGLEDGER_DATABASE_URL", f"sqlite:///{tmp_path / 'ledger.db'}")
    ledger = Ledger.open()
    seed(ledger, tmp_path)
    admin = Context(ledger, Principal.local_admin())
    for name, role, entity in (
        ("mgr", "manager", None),
        ("alice", "submitter", "A"),
        ("rita", "reviewer", "A"),
        ("rob", "reviewer", "B"),
        ("aud", "auditor", None),
    ):
        identity.add_user(
            admin, name, role=role, entities=[entity] if entity else [], password=PASSWORD
        )
    app = create_app(load_settings(), ledger=ledger)
    try:
        with serve_in_thread(app) as url:
            yield url
    finally:
        ledger.close()


class Story:
    """One browser; one context (cookies) per user; screenshots numbered in order."""

    def __init__(self, browser, base: str, lang: str, out: Path) -> None:
        self.browser = browser
        self.base = base
        self.lang = lang
        self.out = out
        self.n = 0
        self.contexts: list = []

    def sign_in(self, user: str):
        accept = "zh-CN,zh;q=0.9,en;q=0.5" if self.lang == "zh" else "en-GB,en;q=0.9"
        ctx = self.browser.new_context(
            viewport=DESKTOP,
            locale="zh-CN" if self.lang == "zh" else "en-GB",
            extra_http_headers={"Accept-Language": accept},
        )
        self.contexts.append(ctx)
        page = ctx.new_page()
        errors: list[str] = []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.on(
            "response",
            lambda r: errors.append(f"{r.status} {r.url}") if r.status >= 400 else None,
        )
        page.errors = errors  # type: ignore[attr-defined]
        page.goto(self.base + "/login")
        if not self.n:
            self.shot(page, "sign-in")
        page.fill("#username", user)
        page.fill("#password", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(re.compile(r"/(\?.*)?$"))
        return page

    def shot(self, page, name: str, *, phone: bool = True) -> None:
        self.n += 1
        page.set_viewport_size(DESKTOP)
        page.screenshot(path=str(self.out / f"{self.n:02d}-{name}-desktop.png"), full_page=True)
        if phone:
            page.set_viewport_size(PHONE)
            page.screenshot(path=str(self.out / f"{self.n:02d}-{name}-phone.png"), full_page=True)
            page.set_viewport_size(DESKTOP)

    def close(self) -> None:
        for c in self.contexts:
            c.close()


T = {
    "en": {
        "enter": "Enter data",
        "invalid": "Not accepted",
        "submitted": "Submitted",
        "none": "Nothing is waiting for review.",
        "approved": "Approved",
        "locked": "is locked",
        "verifies": "The chain verifies",
        "rejected": "Rejected: ",
        "saved": "Saved",
    },
    "zh": {
        "enter": "填报数据",
        "invalid": "无法接受",
        "submitted": "已提交",
        "none": "暂无待审核数据。",
        "approved": "已审核通过",
        "locked": "已锁定",
        "verifies": "哈希链校验通过",
        "rejected": "已退回：",
        "saved": "已保存",
    },
}


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_collection_review_and_lock_in_the_browser(server: str, lang: str) -> None:
    from playwright.sync_api import expect, sync_playwright

    t = T[lang]
    out = OUT / lang
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    print(f"\nscreenshots: {out}")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        story = Story(browser, server, lang, out)
        try:
            _story(story, t, expect)
        finally:
            story.close()
            browser.close()


def _story(story: Story, t: dict[str, str], expect) -> None:
    base = story.base
    # -- the manager opens a campaign for 2025 (A: alice/rita, B: rob reviews)
    mgr = story.sign_in("mgr")
    story.shot(mgr, "manager-home")
    mgr.goto(base + "/campaigns/new")
    mgr.fill("#period", "2025")
    mgr.fill("#name", "ESG 2025")
    mgr.fill("#codes", "energy.electricity.purchased\nwater.fresh")
    mgr.fill("#due", "2099-03-31")
    mgr.check("#inc-A")
    mgr.fill("input[name='owner:A']", "alice")
    mgr.fill("input[name='reviewer:A']", "rita")
    mgr.check("#inc-B")
    mgr.fill("input[name='owner:B']", "mgr")
    mgr.fill("input[name='reviewer:B']", "rob")
    story.shot(mgr, "campaign-form")
    mgr.click("#campaign-form button[type=submit]")
    mgr.wait_for_url(re.compile(r"/campaigns/\d+$"))
    expect(mgr.locator("#dashboard tbody tr")).to_have_count(2)
    story.shot(mgr, "campaign-dashboard")

    # -- the submitter: a Chinese unit, a validation error, a swing to explain, evidence
    alice = story.sign_in("alice")
    expect(alice.locator("#tasks")).to_contain_text("ESG 2025")
    story.shot(alice, "submitter-home")
    alice.click(f"#tasks a:has-text('{t['enter']}')")
    alice.wait_for_url(re.compile(r"/entry/\d+/A$"))
    # 110 万千瓦时 = 110 × 10 MWh = 1,100 MWh (last year 1,000 MWh: +10 %)
    alice.select_option("select[name='u:energy.electricity.purchased']", "万千瓦时")
    alice.fill("#v-2025-energy\\.electricity\\.purchased", "110")
    expect(alice.locator("#m-v-2025-energy\\.electricity\\.purchased")).to_contain_text("+10")
    alice.fill("#v-2025-water\\.fresh", "abc")
    msg = alice.locator("#m-v-2025-water\\.fresh")
    expect(msg).to_contain_text(t["invalid"])
    expect(alice.locator("#v-2025-water\\.fresh")).to_have_attribute("aria-invalid", "true")
    story.shot(alice, "entry-validation-error")
    # 8,000 立方米 against 5,000 m3 last year: +60 %, beyond ±30 %: a comment is required
    alice.select_option("select[name='u:water.fresh']", "立方米")
    alice.fill("#v-2025-water\\.fresh", "8000")
    expect(msg).to_contain_text("+60")
    expect(alice.locator("input[name='c:water.fresh']")).to_have_class(re.compile("needs-comment"))
    alice.fill("input[name='c:water.fresh']", "new cooling tower")
    alice.click("#save")
    expect(alice.locator(".flash.ok")).to_contain_text(t["saved"])
    story.shot(alice, "entry-saved")
    alice.click("#row-water\\.fresh a[href*='/value/']")
    alice.set_input_files(
        "#file", files=[{"name": "water-bill.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    alice.click("#evidence-form button[type=submit]")
    expect(alice.locator("#evidence-list")).to_contain_text("water-bill.pdf")
    alice.fill("#body", "Bill attached.")
    alice.click("#comment-form button[type=submit]")
    expect(alice.locator("#thread")).to_contain_text("Bill attached.")
    story.shot(alice, "value-evidence-comments")
    with alice.expect_download() as dl:
        alice.click("#evidence-list a")
    assert Path(dl.value.path()).read_bytes() == PDF
    alice.go_back()
    alice.click("a[href^='/entry/']")
    alice.click("#submit")
    expect(alice.locator(".flash.ok")).to_contain_text(t["submitted"])
    expect(alice.locator("#submit")).to_have_count(0)  # nothing left to submit
    story.shot(alice, "entry-submitted")

    # -- a reviewer of another entity sees nothing of A
    rob = story.sign_in("rob")
    rob.goto(base + "/review")
    expect(rob.locator("#queue-empty")).to_contain_text(t["none"])
    resp = rob.goto(base + "/value/A/2025/water.fresh")
    assert resp is not None and resp.status == 404
    story.shot(rob, "other-reviewer-404", phone=False)

    # -- A's reviewer rejects the water value with a reason
    rita = story.sign_in("rita")
    rita.goto(base + "/review")
    expect(rita.locator("#queue tbody tr")).to_have_count(2)
    story.shot(rita, "review-queue")
    rita.check("#queue input[value='A|2025|water.fresh']")
    rita.fill("#reason", "meter reading for December missing")
    rita.click("#reject")
    expect(rita.locator("#queue tbody tr")).to_have_count(1)

    # -- the submitter sees the rejection, fixes and resubmits
    alice.goto(base + "/")
    expect(alice.locator("#rejections")).to_contain_text("meter reading for December missing")
    story.shot(alice, "submitter-rejection")
    alice.click("#rejections a")
    expect(alice.locator("#row-water\\.fresh .reason")).to_contain_text(t["rejected"])
    alice.fill("#v-2025-water\\.fresh", "7900")
    alice.click("#submit")
    expect(alice.locator(".flash.ok")).to_contain_text(t["submitted"])

    # -- the reviewer approves both, in bulk
    rita.goto(base + "/review")
    expect(rita.locator("#queue tbody tr")).to_have_count(2)
    rita.check("input[data-select-all]")
    rita.click("#approve")
    expect(rita.locator(".flash.ok")).to_contain_text(t["approved"])
    expect(rita.locator("#queue-empty")).to_be_visible()

    # -- the manager locks A 2025
    mgr.goto(base + "/locks")
    mgr.select_option("#l-entity", "A")
    mgr.fill("#l-period", "2025")
    mgr.click("#lock")
    expect(mgr.locator(".flash.ok")).to_contain_text(t["locked"])
    expect(mgr.locator("#locks")).to_contain_text("2025")
    story.shot(mgr, "locks")

    # -- the auditor verifies the chain
    aud = story.sign_in("aud")
    aud.goto(base + "/audit")
    aud.click("#verify")
    expect(aud.locator(".flash.ok")).to_contain_text(t["verifies"])
    expect(aud.locator("#events")).to_contain_text("status.reject")
    story.shot(aud, "audit-verified")
    # the page refused to rob, and the browser's note about it
    rob.errors[:] = [e for e in rob.errors if "404" not in e]
    for page in (mgr, alice, rob, rita, aud):
        assert page.errors == [], page.errors  # no script error, no CSP violation
