"""Survey input: groups, responses, expert scores, questionnaire; bad input listed in full."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from esgledger.assess.materiality import Group, Response, assess
from esgledger.assess.synthetic import survey_csv
from esgledger.assess.topics import Topic
from esgledger.errors import ValidationError
from esgledger.intake.assessment_files import (
    default_topics,
    read_survey_files,
    topics_from_file,
    write_questionnaire,
)

TOPICS = [
    Topic("t1", "Topic one", "议题一", "E"),
    Topic("t2", "Topic two", "议题二", "S"),
]
GROUPS = [Group("A", "Group A", "甲", 0.6), Group("B", "Group B", "乙", 0.4)]


def write(tmp_path, name, text):
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def lines(exc: pytest.ExceptionInfo[ValidationError]) -> list[str]:
    return str(exc.value).splitlines()


def test_good_files_are_read(tmp_path):
    groups = write(
        tmp_path, "groups.csv", "code,name_en,name_zh,weight\nA,Group A,甲,60\nB,Group B,乙,40\n"
    )
    resp = write(
        tmp_path,
        "responses.csv",
        "\ufeffrespondent,group,topic,impact,financial\np1,A,t1,5,4\np1,A,t2,,\np2,B,t1,3,2\n",
    )
    batch = read_survey_files([groups, resp], known_topics=TOPICS, known_groups=[])
    assert batch.groups is not None
    # percentages are read as fractions: 60 % -> 0.6
    assert [(g.code, g.weight) for g in batch.groups] == [("A", 0.6), ("B", 0.4)]
    # the row with both scores empty is an unanswered topic and is skipped
    assert [(r.respondent, r.topic) for r in batch.responses] == [("p1", "t1"), ("p2", "t1")]


def test_every_bad_response_is_listed_with_row_and_column(tmp_path):
    resp = write(
        tmp_path,
        "responses.csv",
        "respondent,group,topic,impact,financial\n"
        "p1,A,t1,6,4\n"  # row 2: impact out of range
        "p1,A,t9,3,3\n"  # row 3: unknown topic
        "p2,C,t1,3,3\n"  # row 4: unknown group
        "p1,A,t1,3,3\n"  # row 5: duplicate respondent-topic pair
        "p3,A,t2,2.5,x\n"  # row 6: not whole numbers
        "p1,B,t2,3,3\n",  # row 7: p1 is in group A
    )
    with pytest.raises(ValidationError) as exc:
        read_survey_files([resp], known_topics=TOPICS, known_groups=GROUPS)
    assert lines(exc) == [
        "materiality input rejected: 7 problems; nothing was written",
        "  - responses.csv, row 2, column impact: got '6'; expected a whole number from 1 to 5",
        "  - responses.csv, row 3, column topic: got 't9'; expected a topic code of the catalogue",
        "  - responses.csv, row 4, column group: got 'C'; expected a stakeholder group code "
        "defined for the year",
        "  - responses.csv, row 5, column topic: got 't1'; expected one answer per respondent "
        "and topic (first at responses.csv row 2)",
        "  - responses.csv, row 6, column impact: got '2.5'; expected a whole number from 1 to 5",
        "  - responses.csv, row 6, column financial: got 'x'; expected a whole number from 1 to 5",
        "  - responses.csv, row 7, column group: got 'B'; expected 'A', the group given for "
        "'p1' at responses.csv row 2",
    ]
    assert len(exc.value.problems) == 7


def test_duplicate_pairs_across_files(tmp_path):
    a = write(tmp_path, "a.csv", "respondent,group,topic,impact,financial\np1,A,t1,3,3\n")
    b = write(tmp_path, "b.csv", "respondent,group,topic,impact,financial\np1,A,t1,4,4\n")
    with pytest.raises(ValidationError) as exc:
        read_survey_files([a, b], known_topics=TOPICS, known_groups=GROUPS)
    assert lines(exc)[1] == (
        "  - b.csv, row 2, column topic: got 't1'; expected one answer per respondent and topic "
        "(first at a.csv row 2)"
    )


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        (
            "A,Group A,甲,0.5\nB,Group B,乙,0.3\n",
            "column weight: got '0.8'; expected weights that sum to 1 (or to 100 as %)",
        ),
        (
            "A,Group A,甲,50\nB,Group B,乙,30\n",
            "column weight: got '80'; expected weights that sum to 1 (or to 100 as %)",
        ),
        (
            "A,Group A,甲,-1\nB,Group B,乙,2\n",
            "row 2, column weight: got '-1'; expected a weight above 0",
        ),
        (
            "A,Group A,甲,0.5\nA,Group A2,甲2,0.5\n",
            "row 3, column code: got 'A'; expected a code not already used in row 2",
        ),
    ],
)
def test_bad_weights(tmp_path, rows, expected):
    groups = write(tmp_path, "groups.csv", "code,name_en,name_zh,weight\n" + rows)
    with pytest.raises(ValidationError) as exc:
        read_survey_files([groups], known_topics=TOPICS, known_groups=[])
    assert lines(exc)[1] == f"  - groups.csv, {expected}"


def test_two_group_tables_in_one_import_are_refused(tmp_path):
    # each sums to 1 on its own; together they would weigh group A twice
    a = write(
        tmp_path, "g1.csv", "code,name_en,name_zh,weight\nA,Group A,甲,0.6\nB,Group B,乙,0.4\n"
    )
    b = write(tmp_path, "g2.csv", "code,name_en,name_zh,weight\nA,Group A,甲,1\n")
    with pytest.raises(ValidationError) as exc:
        read_survey_files([a, b], known_topics=TOPICS, known_groups=[])
    assert lines(exc)[1:] == [
        "  - g2.csv, row 1: got 'g2'; expected one stakeholder-groups table per import "
        "(the first is in g1.csv)"
    ]


def test_responses_check_groups_of_the_same_batch(tmp_path):
    groups = write(tmp_path, "g.csv", "code,name_en,name_zh,weight\nX,Group X,丙,1\n")
    resp = write(tmp_path, "r.csv", "respondent,group,topic,impact,financial\np1,A,t1,3,3\n")
    with pytest.raises(ValidationError, match="r.csv, row 2, column group: got 'A'"):
        read_survey_files([groups, resp], known_topics=TOPICS, known_groups=GROUPS)


def test_expert_file_and_its_problems(tmp_path):
    head = (
        "expert,topic,scale,scope,irremediability,impact_likelihood,magnitude,"
        "financial_likelihood\n"
    )
    good = write(tmp_path, "expert.csv", head + "x,t1,5,4,3,4,5,5\n")
    batch = read_survey_files([good], known_topics=TOPICS, known_groups=[])
    assert batch.expert[0].impact == 4.0  # sqrt((5+4+3)/3 * 4)
    bad = write(tmp_path, "bad.csv", head + "x,t1,0,4,3,4,5,5\nx,t1,1,1,1,1,1,1\n")
    with pytest.raises(ValidationError) as exc:
        read_survey_files([bad], known_topics=TOPICS, known_groups=[])
    assert lines(exc)[1:] == [
        "  - bad.csv, row 2, column scale: got '0'; expected a whole number from 1 to 5",
        "  - bad.csv, row 3, column topic: got 't1'; expected one scoring per expert and topic",
    ]


def test_unrecognised_file(tmp_path):
    f = write(tmp_path, "x.csv", "a,b\n1,2\n")
    with pytest.raises(ValidationError, match="x.csv, row 1; expected a topics, groups"):
        read_survey_files([f], known_topics=TOPICS, known_groups=[])


def test_topics_file_problems(tmp_path):
    f = write(
        tmp_path,
        "topics.csv",
        "code,name_en,name_zh,dimension,sse,gri\nok,Fine,好,E,1,GRI 305\nBad Code,X,,Q,22,305\n",
    )
    with pytest.raises(ValidationError) as exc:
        topics_from_file(str(f))
    assert lines(exc)[1:] == [
        "  - topics.csv, row 3, column code: got 'Bad Code'; expected a code of lower-case "
        "letters, digits, _ . -",
        "  - topics.csv, row 3, column name_zh: got ''; expected a Chinese name",
        "  - topics.csv, row 3, column dimension: got 'Q'; expected E, S or G",
        "  - topics.csv, row 3, column sse: got '22'; expected an SSE Guideline No. 14 topic "
        "number 1-21",
        "  - topics.csv, row 3, column gri: got '305'; expected a GRI standard such as 'GRI 305'",
    ]


def test_questionnaire_round_trip(tmp_path):
    topics = default_topics()
    path = write_questionnaire(
        tmp_path / "q.xlsx", topics, GROUPS, year=2024, respondent="p7", group="B"
    )
    wb = load_workbook(path)
    ws = wb["responses"]
    assert ws.protection.sheet
    assert ws.max_row == len(topics) + 1
    # fill two topics, leave the rest blank (unanswered)
    ws["F2"], ws["G2"] = 5, 4
    ws["F3"], ws["G3"] = 2, 3
    wb.save(path)
    batch = read_survey_files([path], known_topics=topics, known_groups=GROUPS)
    assert [(r.respondent, r.group, r.topic, r.impact, r.financial) for r in batch.responses] == [
        ("p7", "B", topics[0].code, 5, 4),
        ("p7", "B", topics[1].code, 2, 3),
    ]
    res = assess(2024, topics, groups=GROUPS, responses=batch.responses)
    assert res.topic(topics[0].code).tier == "highly material"


def test_questionnaire_writes_names_as_text_never_formulas(tmp_path):
    topics = [Topic("t1", '=HYPERLINK("http://evil.example","x")', "@SUM(1)", "E")]
    groups = [Group("A", "-2+3", "+甲", 1.0)]
    path = write_questionnaire(tmp_path / "q.xlsx", topics, groups, year=2024, respondent="=p1")
    wb = load_workbook(path)
    cells = [c for ws in wb.worksheets for r in ws.iter_rows() for c in r]
    assert all(c.data_type != "f" for c in cells)
    texts = [c.value for c in cells if isinstance(c.value, str)]
    assert not [t for t in texts if t[:1] in ("=", "+", "-", "@")]
    ws = wb["responses"]
    ws["B2"], ws["F2"], ws["G2"] = "A", 4, 3
    wb.save(path)
    batch = read_survey_files([path], known_topics=topics, known_groups=groups)
    assert [(r.respondent, r.topic) for r in batch.responses] == [("=p1", "t1")]


def test_questionnaire_bad_cell_is_reported(tmp_path):
    path = write_questionnaire(tmp_path / "q.xlsx", TOPICS, GROUPS, year=2024)
    wb = load_workbook(path)
    ws = wb["responses"]
    ws["A2"], ws["B2"], ws["F2"], ws["G2"] = "p1", "A", 9, 3
    wb.save(path)
    with pytest.raises(ValidationError) as exc:
        read_survey_files([path], known_topics=TOPICS, known_groups=GROUPS)
    assert lines(exc)[1] == (
        "  - q.xlsx, row 2, column impact: got '9'; expected a whole number from 1 to 5"
    )


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.lists(
        st.tuples(
            st.from_regex(r"[A-Za-z0-9][A-Za-z0-9 _-]{0,10}", fullmatch=True).map(str.strip),
            st.sampled_from(["t1", "t2"]),
            st.integers(1, 5),
            st.integers(1, 5),
        ),
        max_size=20,
        unique_by=lambda x: (x[0], x[1]),
    )
)
def test_responses_csv_round_trip(tmp_path_factory, rows):
    # each respondent keeps one group (the first letter decides it)
    responses = [
        Response(who, "A" if who[0] < "N" else "B", topic, imp, fin)
        for who, topic, imp, fin in rows
    ]
    p = tmp_path_factory.mktemp("rt") / "responses.csv"
    p.write_text(survey_csv(responses), encoding="utf-8")
    batch = read_survey_files([p], known_topics=TOPICS, known_groups=GROUPS)
    assert list(batch.responses) == responses
