"""Climate register editing in the portal: add, edit, bad input by field, the heat map."""

from __future__ import annotations

from esgledger.services import assess
from esgledger.services.context import Context, Principal
from web_helpers import make_portal

ITEM = {
    "code": "R1",
    "category": "physical_acute",
    "title_en": "Flood at plant A",
    "description_en": "River flooding stops production",
    "horizon": ["short", "medium"],
    "likelihood": "4",
    "magnitude": "5",
    "current_effect_min_cny": "100000",
    "current_effect_max_cny": "250000",
    "response_en": "Raise the flood wall",
}


def test_add_edit_and_heat_map(sqlite_url, tmp_path) -> None:
    portal = make_portal(sqlite_url, tmp_path, jobs_worker=False)
    mgr = portal.client("manager")
    assert mgr.post("/risks", data=ITEM, follow_redirects=False).status_code == 303
    bad = mgr.post("/risks", data={**ITEM, "likelihood": "9"})
    assert bad.status_code == 422 and "likelihood" in bad.text
    assert mgr.post("/risks", data={**ITEM, "magnitude": "2"}).status_code == 200  # edit
    admin = Context(portal.ledger, Principal.local_admin())
    (item,) = assess.climate_register(admin).items
    assert (item.likelihood, item.magnitude, item.horizons) == (4, 2, ("short", "medium"))
    assert item.current_effect_max_cny == 250000
    page = mgr.get("/risks?edit=R1").text
    assert 'value="Flood at plant A"' in page and "/risks/heatmap.svg" in page
    svg = mgr.get("/risks/heatmap.svg")
    assert svg.headers["content-type"].startswith("image/svg+xml") and b"<svg" in svg.content
    # a submitter of one plant cannot edit the group's register
    assert portal.client("sub_a").post("/risks", data=ITEM).status_code in (403, 404)
    portal.ledger.close()
