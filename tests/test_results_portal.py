"""Results in the portal: dashboard, drill-down, quality findings, targets, coverage.

The portal test group (G with plants A and B, :mod:`portal_helpers`) plus 2023
water, one stored run and an evidence file on A's 2024 electricity. Service
calls check the figures and the scope; HTTP calls check the pages in both
languages, their links and the CSP.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from esgledger.errors import NotFoundError, PermissionDenied
from esgledger.services import calc, evidence, findings, results
from esgledger.services.context import Context, Principal
from portal_helpers import ctx_of
from web_helpers import Portal, make_portal

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"

# 2023 water: 2024 (A 5,000 m3, B 9,000 m3) swings by more than 30 %: one finding each
EARLIER = """entity,period,indicator,value,unit,source,comment
A,2023,water.fresh,1000,m3,meter,
B,2023,water.fresh,1000,m3,meter,
"""

TARGETS = """version: 1
targets:
  - id: water-a
    name_en: Plant A fresh water down 10 %
    name_zh: 甲厂新鲜水取水量下降10%
    metric: water.fresh
    kind: absolute
    entities: [A]
    unit: m3
    baseline: {year: 2023}
    target: {year: 2025, change_pct: -10}
    direction: decrease
  - id: water-b
    name_en: Plant B fresh water down 10 %
    name_zh: 乙厂新鲜水取水量下降10%
    metric: water.fresh
    kind: absolute
    entities: [B]
    unit: m3
    baseline: {year: 2023}
    target: {year: 2025, change_pct: -10}
    direction: decrease
"""


@pytest.fixture(scope="module")
def portal(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Portal]:
    tmp = tmp_path_factory.mktemp("results")
    mp = pytest.MonkeyPatch()
    mp.setenv("ESGLEDGER_DATA_DIR", str(tmp / "data"))
    (tmp / "data").mkdir()
    (tmp / "data" / "targets.yaml").write_text(TARGETS, encoding="utf-8")
    p = make_portal(f"sqlite:///{tmp / 'ledger.db'}", tmp, data_dir=tmp / "data")
    from esgledger.intake import import_files

    (tmp / "earlier.csv").write_text(EARLIER, encoding="utf-8")
    import_files(p.ledger, [tmp / "earlier.csv"], actor="seed")
    admin = Context(p.ledger, Principal.local_admin())
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
    try:
        yield p
    finally:
        p.ledger.close()
        mp.undo()


# A's 2024 purchased electricity 1,000 MWh x 0.6849 tCO2/MWh (MEE/NBS 2022 provincial grid
# factor for Inner Mongolia, the latest published before 2024) = 684.9 tCO2
A_SCOPE2 = 1000 * 0.6849


def test_dashboard_of_the_group_and_of_one_subsidiary(portal: Portal) -> None:
    admin = Context(portal.ledger, Principal.local_admin())
    d = results.dashboard(admin)
    assert (d.entity, d.year) == ("G", 2024)
    assert d.value("ghg.scope2.location") == pytest.approx(A_SCOPE2)
    # consolidated water: A 5,000 + B 9,000 m3 (both 100 % owned, operational control)
    assert d.value("water.fresh") == pytest.approx(14000)
    assert d.value("water.fresh", 2023) == pytest.approx(2000)
    view_a = ctx_of(portal.ledger, "view_a", ("A", "viewer"))
    mine = results.dashboard(view_a)
    assert (mine.entity, mine.entities) == ("A", ("A",))
    assert mine.value("water.fresh") == pytest.approx(5000)
    with pytest.raises(NotFoundError):
        results.dashboard(view_a, entity="G")
    with pytest.raises(NotFoundError):
        results.drilldown(view_a, "ghg.scope2.location", entity="G", year=2024)


def test_drilldown_goes_down_to_factor_evidence_and_people(portal: Portal) -> None:
    view_a = ctx_of(portal.ledger, "view_a", ("A", "viewer"))
    dd = results.drilldown(view_a, "ghg.scope2.location", entity="A", year=2024)
    (member,) = dd.data["lineage"]["entities"]
    assert (member["entity"], member["share"]) == ("A", 1.0)
    (o,) = member["observations"]
    assert (o["raw_value"], o["raw_unit"], o["fraction"]) == ("1000", "MWh", 1.0)
    assert o["factors"][0]["value"] == 0.6849
    assert [e["filename"] for e in dd.evidence[o["id"]]] == ["power-bill.pdf"]
    assert dd.trail[o["id"]]["entered"][0] == "seed"
    water = results.drilldown(view_a, "water.fresh", entity="A", year=2024)
    assert water.data["value"] == pytest.approx(5000)


def test_findings_in_scope_and_acknowledged_by_role(portal: Portal) -> None:
    view_a = ctx_of(portal.ledger, "view_a", ("A", "viewer"))
    rev_a = ctx_of(portal.ledger, "rev_a", ("A", "reviewer"))
    seen = findings.findings_in_scope(view_a)
    assert seen and {f.entity for f in seen} == {"A"}
    admin = Context(portal.ledger, Principal.local_admin())
    b = next(f for f in findings.findings_in_scope(admin) if f.entity == "B")
    with pytest.raises(NotFoundError):
        findings.acknowledge_in_scope(rev_a, b.id, "looks right")
    with pytest.raises(PermissionDenied):
        findings.acknowledge_in_scope(view_a, seen[0].id, "looks right")
    done = findings.acknowledge_in_scope(rev_a, seen[0].id, "new cooling tower")
    again = {f.id: f for f in findings.findings_in_scope(view_a)}
    assert again[done.id].status == "acknowledged"


def test_targets_in_scope(portal: Portal) -> None:
    settings = portal.app.state.settings
    view_a = ctx_of(portal.ledger, "view_a", ("A", "viewer"))
    res = findings.targets_in_scope(view_a, data_dir=settings.data_dir)
    (p,) = res.progress
    # A: base 2023 1,000 m3, target 2025 = 1,000 x (1 - 10 %) = 900 m3, actual 2024 5,000 m3
    assert (p.target_id, p.baseline, p.target, p.actual) == ("water-a", 1000, 900, 5000)
    admin = Context(portal.ledger, Principal.local_admin())
    assert len(findings.targets_in_scope(admin, data_dir=settings.data_dir).progress) == 2


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_pages_render_with_links_and_csp(portal: Portal, lang: str) -> None:
    c = portal.client("manager")
    c.headers["Accept-Language"] = "zh-CN" if lang == "zh" else "en"
    r = c.get("/results")
    assert r.status_code == 200, r.text
    assert "unsafe-inline" not in r.headers["content-security-policy"]
    assert ("范围二" if lang == "zh" else "Scope 2") in r.text
    assert "<svg" in r.text and "style=" not in r.text
    href = re.search(r'href="(/results/explain/ghg\.scope2\.location\?[^"]+)"', r.text)
    assert href, r.text
    page = c.get(href.group(1).replace("&amp;", "&"))
    assert page.status_code == 200 and 'data-entity="A"' in page.text
    member = re.search(r'href="(/results/explain/ghg\.scope2\.location/A\?[^"]+)"', page.text)
    assert member
    detail = c.get(member.group(1).replace("&amp;", "&"))
    assert detail.status_code == 200
    assert "0.6849" in detail.text and "power-bill.pdf" in detail.text
    ev = re.search(r'href="(/evidence/\d+)"', detail.text)
    assert ev and c.get(ev.group(1)).content == PDF
    for path in ("/quality", "/targets", "/coverage?framework=gri", "/coverage?framework=issb"):
        got = c.get(path)
        assert got.status_code == 200, (path, got.text[:500])


def test_a_subsidiary_viewer_sees_only_its_results_over_http(portal: Portal) -> None:
    c = portal.client("view_a")
    r = c.get("/results")
    assert r.status_code == 200 and 'value="G"' not in r.text
    assert c.get("/results?entity=G").status_code == 404
    assert c.get("/results?entity=B").status_code == 404
    assert c.get("/results/explain/ghg.scope2.location?entity=G&year=2024").status_code == 404
    assert c.get("/results/explain/water.fresh/B?entity=A&year=2024").status_code == 404
    q = c.get("/quality")
    assert q.status_code == 200 and "/value/B/" not in q.text
    t = c.get("/targets")
    assert "water-a" in t.text and "water-b" not in t.text
    assert c.get("/coverage").status_code == 403


def test_acknowledge_in_the_page_needs_a_reason(portal: Portal, tmp_path: Path) -> None:
    c = portal.sign_in("sub_a")
    html = c.get("/quality").text
    assert 'action="/quality/ack"' not in html  # a submitter may not acknowledge
    token = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert token
    r = c.post("/quality/ack", data={"finding": "x", "reason": " ", "csrf_token": token.group(1)})
    assert r.status_code == 422 and "a non-empty explanation" in r.text


def test_an_acknowledged_finding_opens_again_when_its_values_change(
    portal: Portal, tmp_path: Path
) -> None:
    """Last in the module: it changes A's 2024 water."""
    from esgledger.intake import import_files

    rev_a = ctx_of(portal.ledger, "rev_a", ("A", "reviewer"))
    water = next(
        f
        for f in findings.findings_in_scope(rev_a, check="yoy_change")
        if f.indicator == "water.fresh"
    )
    if water.status == "open":
        findings.acknowledge_in_scope(rev_a, water.id, "new cooling tower")
    c = portal.client("rev_a")
    assert "status-acknowledged" in c.get("/quality?entity=A&status=acknowledged").text
    (tmp_path / "fix.csv").write_text(
        "entity,period,indicator,value,unit,source,comment\nA,2024,water.fresh,6000,m3,meter,\n",
        encoding="utf-8",
    )
    import_files(portal.ledger, [tmp_path / "fix.csv"], actor="seed")
    again = {f.id: f for f in findings.findings_in_scope(rev_a)}
    assert again[water.id].status == "open"
    page = c.get("/quality?entity=A&status=open").text
    assert f'id="f-{water.id}"' in page and 'action="/quality/ack"' in page


def test_the_coverage_link_is_only_for_group_readers(portal: Portal) -> None:
    assert 'href="/coverage"' not in portal.client("view_a").get("/results").text
    assert 'href="/coverage"' in portal.client("manager").get("/results").text
