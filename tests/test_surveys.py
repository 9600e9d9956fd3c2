"""The online stakeholder survey: links, drafts, one response per link, feeding materiality."""

from __future__ import annotations

from datetime import date

import pytest

from esgledger.errors import ConflictError, NotFoundError, PermissionDenied, ValidationError
from esgledger.services import assess, surveys
from esgledger.services.context import Context, Principal
from esgledger.services.sessions import ANONYMOUS
from esgledger.store import assessments
from portal_helpers import ctx_of


@pytest.fixture
def world(ledger, tmp_path):
    admin = Context(ledger, Principal.local_admin())
    groups = tmp_path / "groups.csv"
    groups.write_text(
        "code,name_en,name_zh,weight\ninvestors,Investors,投资者,0.6\nstaff,Staff,员工,0.4\n",
        encoding="utf-8",
    )
    assess.import_materiality(admin, [groups], year=2025)
    return admin


def test_survey_answers_feed_the_materiality_run(world) -> None:
    admin = world
    ledger = admin.ledger
    viewer = ctx_of(ledger, "vic", ("*", "viewer"))
    with pytest.raises(PermissionDenied):
        surveys.create_survey(viewer, 2025, "S", date(2099, 1, 1), {"staff": 1})
    with pytest.raises(ValidationError):
        surveys.create_survey(admin, 2025, "S", date(2099, 1, 1), {"nobody": 1})
    made = surveys.create_survey(
        admin, 2025, "Survey 2025", date(2099, 1, 1), {"investors": 2}, shared=["staff"]
    )
    assert len(made.links) == 3 and all(len(tok) >= 32 for _, _, tok in made.links)
    anon = Context(ledger, ANONYMOUS)
    personal = next(tok for g, k, tok in made.links if k == "respondent")
    shared = next(tok for g, k, tok in made.links if k == "group")
    topics = [t.code for t in assessments.load_topics(ledger)]
    q = surveys.open_link(anon, personal)
    assert q.group_code == "investors" and not q.draft
    surveys.save_answers(anon, personal, {topics[0]: ("5", "")})  # saved as one goes
    assert surveys.open_link(anon, personal).draft[topics[0]] == (5, None)
    with pytest.raises(ValidationError):  # incomplete
        surveys.submit_answers(anon, personal, {})
    with pytest.raises(ValidationError):
        surveys.save_answers(anon, personal, {topics[0]: ("9", "1")})
    surveys.submit_answers(
        anon, personal, {t: ("4", "3") for t in topics[1:]} | {topics[0]: ("5", "2")}
    )
    with pytest.raises(ConflictError):  # one response per respondent link
        surveys.submit_answers(anon, personal, {topics[0]: ("1", "1")})
    # a shared group link starts a respondent link of its own on each visit
    q2 = surveys.open_link(anon, shared)
    assert q2.token != shared and q2.group_code == "staff"
    surveys.submit_answers(anon, q2.token, {t: ("2", "2") for t in topics})
    with pytest.raises(NotFoundError):
        surveys.open_link(anon, "not-a-real-token-at-all-xxxx")
    responses = assessments.load_responses(ledger, 2025)
    assert len(responses) == 2 * len(topics)
    assert all(r.respondent.startswith("web-") for r in responses)  # no link token stored
    _, rates = surveys.survey_rates(admin, made.id)
    by = {r.group_code: r for r in rates}
    assert (by["investors"].invited, by["investors"].submitted) == (2, 1)
    assert by["investors"].rate == 0.5  # 1 answered of 2 personal links
    assert (by["staff"].group_links, by["staff"].submitted) == (1, 1)
    result = assess.run_materiality(admin, 2025)
    first = next(t for t in result.topics if t.code == topics[0])
    assert first.responses == 2


def test_questionnaire_pages_need_no_login_but_a_csrf_token(sqlite_url, tmp_path) -> None:
    import re

    from web_helpers import make_portal

    portal = make_portal(sqlite_url, tmp_path, jobs_worker=False)
    admin = Context(portal.ledger, Principal.local_admin())
    groups = tmp_path / "g.csv"
    groups.write_text("code,name_en,name_zh,weight\nstaff,Staff,员工,1\n", encoding="utf-8")
    assess.import_materiality(admin, [groups], year=2025)
    mgr = portal.client("manager")
    assert mgr.get("/surveys?year=2025").status_code == 200
    made = mgr.post(
        "/surveys",
        data={"year": "2025", "title": "S", "expires": "2099-01-01", "n:staff": "1"},
    )
    token = re.search(r"/s/([A-Za-z0-9_-]{30,})", made.text).group(1)
    phone = portal.client()
    for lang in ("en", "zh"):
        html = phone.get(f"/s/{token}", headers={"Accept-Language": lang}).text
        assert ("Submit" if lang == "en" else "提交") in html
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
    topic = assessments.load_topics(portal.ledger)[0].code
    assert phone.post(f"/s/{token}/answer", data={f"impact:{topic}": "4"}).status_code == 403
    ok = phone.post(
        f"/s/{token}/answer", data={f"impact:{topic}": "4"}, headers={"X-CSRF-Token": csrf}
    )
    assert ok.json() == {"ok": True}
    codes = [t.code for t in assessments.load_topics(portal.ledger)]
    form = {f"{a}:{c}": "3" for c in codes for a in ("impact", "financial")}
    done = phone.post(f"/s/{token}", data={**form, "action": "submit", "csrf_token": csrf})
    assert done.status_code == 200 and "Thank you" in done.text
    assert len(assessments.load_responses(portal.ledger, 2025)) == len(codes)
    rates = mgr.get("/surveys/1").text
    assert "100 %" in rates
    portal.ledger.close()
