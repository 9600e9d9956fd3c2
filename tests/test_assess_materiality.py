"""The materiality engine: a hand-built survey, expert formulas, sensitivity, change."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from esgledger.assess.materiality import (
    ExpertScore,
    Group,
    Response,
    Thresholds,
    assess,
    survey_scores,
    tier_of,
)
from esgledger.assess.topics import Topic
from esgledger.errors import CalcError
from esgledger.intake.assessment_files import default_topics

TOPICS = [
    Topic("t1", "Topic one", "议题一", "E", ("1",), ("GRI 305",)),
    Topic("t2", "Topic two", "议题二", "S", ("17",), ("GRI 403",)),
    Topic("t3", "Topic three", "议题三", "G", (), ()),
    Topic("t4", "Topic four", "议题四", "G", ("20",), ("GRI 205",)),
]
GROUPS = [Group("A", "Group A", "甲", 0.6), Group("B", "Group B", "乙", 0.4)]


def r(who, grp, topic, imp, fin):
    return Response(who, grp, topic, imp, fin)


SURVEY = [
    r("r1", "A", "t1", 5, 4),
    r("r2", "A", "t1", 4, 4),
    r("r3", "B", "t1", 3, 2),
    r("r1", "A", "t2", 2, 5),
    r("r2", "A", "t2", 3, 5),
    r("r3", "B", "t2", 4, 4),
    r("r1", "A", "t3", 2, 2),
    r("r2", "A", "t3", 3, 3),
    r("r3", "B", "t3", 2, 1),
    r("r3", "B", "t4", 3, 3),  # only group B answered t4
]


def test_hand_built_survey_scores_and_tiers():
    res = assess(2024, TOPICS, groups=GROUPS, responses=SURVEY)
    got = {t.code: t for t in res.topics}
    # t1 impact: A mean (5+4)/2 = 4.5, B mean 3 -> 0.6*4.5 + 0.4*3 = 3.9
    #    financial: A 4, B 2 -> 0.6*4 + 0.4*2 = 3.2
    #    score = max = 3.9 -> moderately (3.5 <= 3.9 < 4.0)
    assert got["t1"].impact == pytest.approx(3.9)
    assert got["t1"].financial == pytest.approx(3.2)
    assert got["t1"].tier == "moderately material"
    # t2 impact: A 2.5, B 4 -> 1.5 + 1.6 = 3.1; financial: A 5, B 4 -> 3.0 + 1.6 = 4.6 -> highly
    assert got["t2"].impact == pytest.approx(3.1)
    assert got["t2"].financial == pytest.approx(4.6)
    assert got["t2"].tier == "highly material"
    assert got["t2"].material_on == ("impact", "financial")
    # t3 impact: A 2.5, B 2 -> 1.5 + 0.8 = 2.3; financial: A 2.5, B 1 -> 1.5 + 0.4 = 1.9
    assert (got["t3"].impact, got["t3"].financial) == (pytest.approx(2.3), pytest.approx(1.9))
    assert got["t3"].tier == "not material"
    assert got["t3"].material_on == ()
    # t4: only B answered, weights renormalised over B alone -> 3 and 3, exactly the threshold
    assert (got["t4"].impact, got["t4"].financial) == (3.0, 3.0)
    assert got["t4"].tier == "material"
    assert [t.code for t in res.topics] == ["t2", "t1", "t4", "t3"]
    assert [t.rank for t in res.topics] == [1, 2, 3, 4]
    assert res.respondents == 3
    assert [t.code for t in res.material_topics()] == ["t2", "t1", "t4"]
    assert res.material_topics()[0].gri == ("GRI 403",)


def test_sensitivity_lists_tier_changes_at_plus_minus_a_quarter():
    res = assess(2024, TOPICS, groups=GROUPS, responses=SURVEY)
    got = {(s.topic, s.threshold, s.shift): (s.tier, s.new_tier) for s in res.sensitivity}
    # t1 (3.9) becomes highly when 'highly' drops to 3.75; t4 (3.0) drops out when 'material'
    # rises to 3.25. Nothing else is within 0.25 of a threshold it would cross.
    assert got == {
        ("t1", "highly", -0.25): ("moderately material", "highly material"),
        ("t4", "material", 0.25): ("material", "not material"),
    }


def test_custom_thresholds():
    th = Thresholds(highly=4.5, moderately=3.8, material=3.05)
    res = assess(2024, TOPICS, groups=GROUPS, responses=SURVEY, thresholds=th)
    assert {t.code: t.tier for t in res.topics} == {
        "t2": "highly material",  # 4.6 >= 4.5
        "t1": "moderately material",  # 3.9 >= 3.8
        "t4": "not material",  # 3.0 < 3.05
        "t3": "not material",
    }


@pytest.mark.parametrize(
    "values", [(4.0, 4.0, 3.0), (3.0, 3.5, 2.0), (5.5, 4.0, 3.0), (4.0, 3.5, 0.5)]
)
def test_bad_thresholds_are_refused(values):
    with pytest.raises(CalcError, match="thresholds must satisfy"):
        Thresholds(*values)


def test_expert_formulas():
    # impact = sqrt(mean(scale, scope, irremediability) * likelihood)
    #   expert x: sqrt((5+4+3)/3 * 4) = sqrt(16) = 4; expert y: sqrt((2+2+2)/3 * 2) = 2
    #   mean over experts = 3.0
    # financial = sqrt(magnitude * likelihood): x sqrt(5*5) = 5, y sqrt(3*3) = 3 -> mean 4.0
    scores = [
        ExpertScore("x", "t1", 5, 4, 3, 4, 5, 5),
        ExpertScore("y", "t1", 2, 2, 2, 2, 3, 3),
        ExpertScore("x", "t2", 1, 1, 1, 1, 1, 1),
    ]
    res = assess(2024, TOPICS, expert=scores, method="expert")
    t1, t2 = res.topic("t1"), res.topic("t2")
    assert (t1.impact, t1.financial) == (3.0, 4.0)
    assert t1.tier == "highly material"
    assert (t2.impact, t2.financial, t2.tier) == (1.0, 1.0, "not material")
    assert res.respondents == 2
    assert ExpertScore("z", "t1", 3, 3, 3, 3, 2, 3).impact == pytest.approx(3.0)
    assert ExpertScore("z", "t1", 3, 3, 3, 3, 2, 3).financial == pytest.approx(math.sqrt(6))


def test_change_against_previous_year():
    prev = assess(2023, TOPICS, groups=GROUPS, responses=SURVEY)
    now_survey = [x for x in SURVEY if x.topic != "t4"] + [r("r4", "A", "t3", 5, 5)]
    now = assess(2024, TOPICS, groups=GROUPS, responses=now_survey, previous=prev)
    moves = {c.topic: c for c in now.changes}
    assert now.previous_year == 2023
    # t3 gains r4 (5, 5): A impact mean (2+3+5)/3 = 10/3 -> 0.6*10/3 + 0.4*2 = 2.8
    #   A financial (2+3+5)/3 = 10/3 -> 2.0 + 0.4*1 = 2.4: still not material, impact +0.5
    assert moves["t3"].movement == "same"
    assert moves["t3"].impact_change == pytest.approx(0.5)
    assert moves["t3"].financial_change == pytest.approx(0.5)
    assert moves["t4"].movement == "dropped"
    assert moves["t4"].previous_tier == "material"
    assert moves["t1"].movement == "same"


def test_no_responses_is_a_clear_error():
    with pytest.raises(CalcError, match="no survey responses for 2024"):
        assess(2024, TOPICS, groups=GROUPS, responses=[])


def test_tier_of_boundaries():
    th = Thresholds()
    assert tier_of(4.0, th) == "highly material"
    assert tier_of(3.9999, th) == "moderately material"
    assert tier_of(3.5, th) == "moderately material"
    assert tier_of(3.0, th) == "material"
    assert tier_of(2.9999, th) == "not material"


def test_result_json_shape():
    data = assess(2024, TOPICS, groups=GROUPS, responses=SURVEY).as_dict()
    first = data["topics"][0]
    assert {"code", "name_en", "name_zh", "impact", "financial", "tier"} <= set(first)
    assert first["code"] == "t2"
    assert set(data["tiers"]) == {
        "highly material",
        "moderately material",
        "material",
        "not material",
    }


def test_default_catalogue_has_28_topics_with_mappings():
    topics = default_topics()
    assert len(topics) == 28
    assert len({t.code for t in topics}) == 28
    climate = next(t for t in topics if t.code == "climate")
    assert climate.sse == ("1",) and "GRI 305" in climate.gri
    assert all(t.name_zh and t.name_en for t in topics)


responses_st = st.lists(
    st.tuples(
        st.sampled_from(["A", "B"]),
        st.sampled_from(["t1", "t2", "t3", "t4"]),
        st.integers(1, 5),
        st.integers(1, 5),
    ),
    min_size=1,
    max_size=40,
)


@settings(max_examples=60, deadline=None)
@given(responses_st, st.floats(0.05, 0.95))
def test_scores_stay_on_the_scale_and_ignore_weight_scaling(rows, w):
    survey = [Response(f"p{i}", g, t, a, b) for i, (g, t, a, b) in enumerate(rows)]
    groups = [Group("A", "A", "甲", w), Group("B", "B", "乙", 1 - w)]
    scaled = [Group(g.code, g.name_en, g.name_zh, g.weight * 100) for g in groups]
    one = {s.topic: s for s in survey_scores(TOPICS, groups, survey)}
    hundred = {s.topic: s for s in survey_scores(TOPICS, scaled, survey)}
    assert set(one) == {x.topic for x in survey}
    for code, s in one.items():
        assert 1 <= s.impact <= 5 and 1 <= s.financial <= 5
        assert s.impact == pytest.approx(hundred[code].impact, abs=1e-4)
        lo = min(x.impact for x in survey if x.topic == code)
        hi = max(x.impact for x in survey if x.topic == code)
        assert lo - 1e-4 <= s.impact <= hi + 1e-4


@settings(max_examples=30, deadline=None)
@given(st.integers(1, 5), st.integers(1, 5))
def test_unanimous_answers_give_that_score(a, b):
    survey = [Response(f"p{i}", g, "t1", a, b) for i, g in enumerate("AABBB")]
    (s,) = survey_scores(TOPICS, GROUPS, survey)
    assert (s.impact, s.financial) == (a, b)
