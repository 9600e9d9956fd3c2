"""Storage of the assessment area on SQLite and PostgreSQL: round trips, all-or-nothing, demo."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from esgledger.assess.materiality import Thresholds
from esgledger.errors import NotFoundError, ValidationError
from esgledger.store.assessments import (
    import_materiality,
    import_register,
    load_demo,
    load_groups,
    load_register,
    load_responses,
    load_topics,
    materiality_result,
    materiality_years,
    run_materiality,
)
from esgledger.store.schema_assess import materiality_responses

TOPICS = (
    "code,name_en,name_zh,dimension,sse,gri\n"
    "t1,Topic one,议题一,E,1,GRI 305\n"
    "t2,Topic two,议题二,S,17,GRI 403\n"
    "t3,Topic three,议题三,G,,\n"
)
GROUPS = "code,name_en,name_zh,weight\nA,Group A,甲,0.6\nB,Group B,乙,0.4\n"
RESPONSES = (
    "respondent,group,topic,impact,financial\n"
    "r1,A,t1,5,4\nr2,A,t1,4,4\nr3,B,t1,3,2\n"
    "r1,A,t2,2,5\nr2,A,t2,3,5\nr3,B,t2,4,4\n"
    "r1,A,t3,2,2\nr2,A,t3,3,3\nr3,B,t3,2,1\n"
)


@pytest.fixture
def files(tmp_path):
    out = {}
    for name, text in (
        ("topics.csv", TOPICS),
        ("groups.csv", GROUPS),
        ("responses.csv", RESPONSES),
    ):
        p = tmp_path / name
        p.write_text(text, encoding="utf-8")
        out[name] = p
    return out


def count(ledger):
    with ledger.read() as conn:
        return conn.execute(select(func.count()).select_from(materiality_responses)).scalar()


def test_import_run_and_read_back(ledger, files):
    res = import_materiality(ledger, list(files.values()), year=2024, actor="tester")
    assert (res.topics, res.groups, res.responses) == (3, 2, 9)
    assert [t.code for t in load_topics(ledger)] == ["t1", "t2", "t3"]
    assert [(g.code, g.weight) for g in load_groups(ledger, 2024)] == [("A", 0.6), ("B", 0.4)]
    assert len(load_responses(ledger, 2024)) == 9
    ran = run_materiality(ledger, 2024, actor="tester")
    stored = materiality_result(ledger, 2024)
    assert stored.topics == ran.topics
    # t2: impact 0.6*2.5 + 0.4*4 = 3.1, financial 0.6*5 + 0.4*4 = 4.6 -> highly material
    t2 = stored.topic("t2")
    assert (t2.impact, t2.financial, t2.tier) == (
        pytest.approx(3.1),
        pytest.approx(4.6),
        "highly material",
    )
    assert stored.topic("t1").tier == "moderately material"  # 3.9
    assert stored.topic("t3").tier == "not material"  # 2.3 / 1.9
    assert materiality_years(ledger) == [2024]
    events = ledger.audit_events(action="materiality.run")
    assert events and events[-1].ref == "materiality:2024"
    ledger.verify_audit()


def test_bad_input_writes_nothing(ledger, files, tmp_path):
    import_materiality(ledger, list(files.values()), year=2024)
    before = count(ledger)
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "respondent,group,topic,impact,financial\nr9,A,t1,3,3\nr9,Z,t2,0,3\n", encoding="utf-8"
    )
    with pytest.raises(ValidationError) as exc:
        import_materiality(ledger, [bad], year=2024)
    assert [str(p) for p in exc.value.problems] == [
        "bad.csv, row 3, column group: got 'Z'; expected a stakeholder group code defined "
        "for the year",
        "bad.csv, row 3, column impact: got '0'; expected a whole number from 1 to 5",
    ]
    assert count(ledger) == before  # the good row 2 was not written either


def test_reimport_updates_and_replace(ledger, files, tmp_path):
    import_materiality(ledger, list(files.values()), year=2024)
    again = tmp_path / "again.csv"
    again.write_text("respondent,group,topic,impact,financial\nr1,A,t1,1,1\n", encoding="utf-8")
    import_materiality(ledger, [again], year=2024)
    got = {(r.respondent, r.topic): (r.impact, r.financial) for r in load_responses(ledger, 2024)}
    assert got[("r1", "t1")] == (1, 1) and len(got) == 9
    import_materiality(ledger, [again], year=2024, replace=True)
    assert count(ledger) == 1


def test_groups_in_use_cannot_be_dropped(ledger, files, tmp_path):
    import_materiality(ledger, list(files.values()), year=2024)
    g = tmp_path / "g.csv"
    g.write_text("code,name_en,name_zh,weight\nA,Group A,甲,1\n", encoding="utf-8")
    with pytest.raises(ValidationError, match="group 'B' kept: stored 2024 responses use it"):
        import_materiality(ledger, [g], year=2024)


def test_result_lookup_errors(ledger):
    with pytest.raises(NotFoundError, match="no materiality assessment has been run"):
        materiality_result(ledger)
    with pytest.raises(NotFoundError, match="no materiality assessment for 2020"):
        materiality_result(ledger, 2020)


def test_thresholds_are_stored(ledger, files):
    import_materiality(ledger, list(files.values()), year=2024)
    run_materiality(ledger, 2024, thresholds=Thresholds(4.5, 3.8, 3.05))
    res = materiality_result(ledger)
    assert res.thresholds == Thresholds(4.5, 3.8, 3.05)
    assert res.topic("t1").tier == "moderately material"  # 3.9 >= 3.8


def test_demo_round_trip(ledger):
    res = load_demo(ledger)
    counts = {k: len(v) for k, v in res.by_tier().items()}
    assert counts == {
        "highly material": 5,
        "moderately material": 18,
        "material": 5,
        "not material": 0,
    }
    assert res.synthetic and res.previous_year == 2023
    assert {c.topic for c in res.changes if c.movement != "same"} == {
        "energy",
        "digital",
        "data_privacy",
        "green_operations",
    }
    reg = load_register(ledger)
    assert len(reg.items) == 13 and len(reg.horizons) == 3
    from esgledger.intake.assessment_files import read_register
    from esgledger.store.assessments import demo_files

    f = demo_files()
    assert reg == read_register([f["demo_risks.csv"], f["demo_horizons.csv"]])
    # loading twice changes nothing in the result
    assert load_demo(ledger).topics == res.topics


def test_register_rejects_unknown_entities_when_the_ledger_has_some(ledger, tmp_path):
    from esgledger.model import Entity, ImportBatch

    ledger.import_batch(
        ImportBatch(
            (Entity("NRE", "Group", "集团", None, "group", None, "operational", "CN-NM"),), ()
        ),
        actor="tester",
    )
    from esgledger.store.assessments import demo_files

    f = demo_files()
    with pytest.raises(ValidationError, match="column entities: got 'SMELTING'"):
        import_register(ledger, [f["demo_risks.csv"], f["demo_horizons.csv"]])
    assert load_register(ledger).items == ()


def test_expert_method_round_trip(ledger, tmp_path):
    p = tmp_path / "expert.csv"
    p.write_text(
        "expert,topic,scale,scope,irremediability,impact_likelihood,magnitude,"
        "financial_likelihood\n"
        "x,climate,5,4,3,4,5,5\n"  # impact sqrt(4*4) = 4, financial sqrt(5*5) = 5
        "y,climate,2,2,2,2,3,3\n",  # impact sqrt(2*2) = 2, financial sqrt(3*3) = 3
        encoding="utf-8",
    )
    res = import_materiality(ledger, [p], year=2024)
    assert res.expert == 2
    ran = run_materiality(ledger, 2024)  # no responses -> expert method
    assert ran.method == "expert"
    got = materiality_result(ledger, 2024)
    climate = got.topic("climate")
    # mean over experts: impact (4 + 2) / 2 = 3.0, financial (5 + 3) / 2 = 4.0 -> highly
    assert (climate.impact, climate.financial, climate.tier) == (3.0, 4.0, "highly material")
    assert got.method == "expert" and got.respondents == 2
    assert len(load_topics(ledger)) == 28  # the default catalogue was stored


def test_topics_import_needs_no_year(ledger, files, tmp_path):
    res = import_materiality(ledger, [files["topics.csv"]], year=None)
    assert res.topics == 3 and [t.code for t in load_topics(ledger)] == ["t1", "t2", "t3"]
    with pytest.raises(
        ValidationError,
        match="responses.csv, row 1: got 'responses'; expected only topics without --year",
    ):
        import_materiality(ledger, [files["responses.csv"]], year=None)
    # a second topics file adds and updates, it does not remove
    more = tmp_path / "more.csv"
    more.write_text(
        "code,name_en,name_zh,dimension,sse,gri\nt1,Renamed,改名,E,,\nt9,Nine,九,S,,\n",
        encoding="utf-8",
    )
    import_materiality(ledger, [more], year=None)
    topics = load_topics(ledger)
    assert [t.code for t in topics] == ["t1", "t2", "t3", "t9"]
    assert topics[0].name_en == "Renamed"
