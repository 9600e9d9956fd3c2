"""Results in a real browser (chromium through Playwright), English and Chinese.

A viewer of the group follows the Scope 2 figure from the dashboard to each
entity's contribution, to the observation, its factor and its evidence file
(downloaded); a viewer of plant A sees only plant A's results. Screenshots of
every results page at desktop and phone widths go under
``<ESGLEDGER_E2E_OUT>/results/<lang>/`` (default ``out/e2e``).
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from portal_helpers import seed, serve_in_thread
from test_portal_e2e import ARGS, CHROMIUM, OUT, PASSWORD, PDF, Story, _need_browser
from test_results_portal import EARLIER, TARGETS

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    _need_browser()

    from esgledger.intake import import_files
    from esgledger.services import calc, evidence, identity
    from esgledger.services.context import Context, Principal
    from esgledger.settings import load_settings
    from esgledger.store import Ledger
    from esgledger.web.app import create_app

    tmp = tmp_path_factory.mktemp("results-e2e")
    mp = pytest.MonkeyPatch()
    mp.setenv("ESGLEDGER_DATA_DIR", str(tmp / "data"))
    mp.setenv("ESGLEDGER_SECRET_KEY", "e2e-secret-key-0123456789abcdef")
    mp.setenv("ESGLEDGER_DATABASE_URL", f"sqlite:///{tmp / 'ledger.db'}")
    (tmp / "data").mkdir()
    (tmp / "data" / "targets.yaml").write_text(TARGETS, encoding="utf-8")
    ledger = Ledger.open()
    seed(ledger, tmp)
    (tmp / "earlier.csv").write_text(EARLIER, encoding="utf-8")
    import_files(ledger, [tmp / "earlier.csv"], actor="seed")
    admin = Context(ledger, Principal.local_admin())
    for name, entity in (("vgroup", None), ("va", "A")):
        identity.add_user(
            admin, name, role="viewer", entities=[entity] if entity else [], password=PASSWORD
        )
    evidence.attach_evidence(
        admin,
        entity="A",
        period="2024",
        indicator="energy.electricity.purchased",
        filename="power-bill.pdf",
        data=PDF,
        max_bytes=1 << 20,
    )
    calc.compute_run(admin)
    app = create_app(load_settings(), ledger=ledger)
    try:
        with serve_in_thread(app) as url:
            yield url
    finally:
        ledger.close()
        mp.undo()


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_scope2_to_factor_and_evidence_and_a_subsidiary_viewer(server: str, lang: str) -> None:
    from playwright.sync_api import expect, sync_playwright

    out = OUT / "results" / lang
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    print(f"\nscreenshots: {out}")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        story = Story(browser, server, lang, out)
        try:
            _story(story, expect)
        finally:
            story.close()
            browser.close()


def _story(story: Story, expect) -> None:
    base = story.base
    # -- a viewer of the group: dashboard -> Scope 2 -> plant A -> factor and evidence
    v = story.sign_in("vgroup")
    v.goto(base + "/results")
    expect(v.locator("h1")).to_contain_text("2024")
    story.shot(v, "dashboard")
    # 1,000 MWh x 0.6849 tCO2/MWh (Inner Mongolia grid factor, 2022) = 684.9 tCO2
    fig = v.locator("#headlines a[data-metric='ghg.scope2.location']")
    expect(fig).to_have_text("684.9")
    v.select_option("#r-scope2", "market")
    v.click("#switches button[type=submit]")
    expect(v.locator("#headlines a[data-metric='ghg.scope2.market']")).to_have_count(1)
    v.go_back()
    v.locator("#headlines a[data-metric='ghg.scope2.location']").click()
    v.wait_for_url(re.compile(r"/results/explain/ghg\.scope2\.location\?"))
    expect(v.locator("#figure-value")).to_have_text("684.9")
    story.shot(v, "explain")
    v.click("#contributions a.member[data-entity='A']")
    v.wait_for_url(re.compile(r"/results/explain/ghg\.scope2\.location/A\?"))
    expect(v.locator(".factor .factor-value").first).to_have_text("0.6849")
    expect(v.locator(".trail")).to_contain_text("seed")
    story.shot(v, "explain-entity")
    with v.expect_download() as dl:
        v.click("ul.evidence a")
    assert Path(dl.value.path()).read_bytes() == PDF
    for path, name in (
        ("/quality", "quality"),
        ("/targets", "targets"),
        ("/coverage?framework=gri", "coverage"),
    ):
        v.goto(base + path)
        story.shot(v, name)
    # -- a viewer of plant A: only plant A, never the group's totals
    a = story.sign_in("va")
    a.goto(base + "/results")
    expect(a.locator("h1")).to_contain_text("2024")
    expect(a.locator("#r-entity option")).to_have_count(1)
    expect(a.locator("#headlines a[data-metric='ghg.scope2.location']")).to_have_text("684.9")
    # water: A's own 5,000 m3 (the group's is 14,000 m3)
    expect(a.locator("#water-waste a[data-metric='water.fresh']")).to_have_text("5,000")
    story.shot(a, "subsidiary-dashboard")
    resp = a.goto(base + "/results?entity=G")
    assert resp is not None and resp.status == 404
    a.goto(base + "/targets")
    expect(a.locator("#targets tbody tr")).to_have_count(1)
    a.errors[:] = [e for e in a.errors if "404" not in e]
    for page in (v, a):
        assert page.errors == [], page.errors  # no script error, no CSP violation
