"""intake.assessment_files: the files of the assessment area, around the pure engine."""

from __future__ import annotations

import pytest

from esgledger.assess import charts as engine_charts
from esgledger.assess.materiality import Group, Response, assess
from esgledger.assess.risks import ClimateItem, ClimateRegister, Horizon, register_csv
from esgledger.assess.survey import survey_from_sources
from esgledger.assess.tables import SourceFile, table_from_records
from esgledger.assess.topics import Topic
from esgledger.errors import EsgError, Problem, ValidationError
from esgledger.intake.assessment_files import (
    matrix_chart,
    read_register,
    read_source,
    read_survey_files,
    write_register,
)

TOPICS = [Topic("t1", "Topic one", "议题一", "E"), Topic("t2", "Topic two", "议题二", "S")]
GROUPS = [Group("A", "Group A", "甲", 1.0)]
REGISTER = ClimateRegister(
    (
        ClimateItem(
            code="R1",
            category="physical_acute",
            title_en="=cmd",
            title_zh="热浪",
            description_en="Hot days",
            description_zh="高温",
            horizons=("short",),
            likelihood=3,
            magnitude=2,
        ),
    ),
    (Horizon("short", 2025, 2027),),
)


def test_the_engine_validates_tables_without_any_file():
    header = ["respondent", "group", "topic", "impact", "financial"]
    table = table_from_records("r.csv", "r", [header, ["p1", "A", "t1", "5", "4"]])
    batch = survey_from_sources(
        [SourceFile("r.csv", (table,))], known_topics=TOPICS, known_groups=GROUPS
    )
    assert [(r.respondent, r.topic, r.impact, r.financial) for r in batch.responses] == [
        ("p1", "t1", 5, 4)
    ]
    assert batch.files == ("r.csv",)


def test_problems_of_unreadable_and_unrecognised_files_keep_the_file_order(tmp_path):
    other = tmp_path / "x.csv"
    other.write_text("a,b\n1,2\n", encoding="utf-8")
    missing = tmp_path / "missing.csv"
    assert read_source(missing) == SourceFile(
        "missing.csv",
        problems=(Problem("missing.csv", None, None, None, "an existing file (not found)"),),
    )
    with pytest.raises(ValidationError) as exc:
        read_survey_files([missing, other], known_topics=TOPICS, known_groups=GROUPS)
    assert [(p.file, p.row) for p in exc.value.problems] == [("missing.csv", None), ("x.csv", 1)]


def test_chart_file_holds_the_engines_bytes_in_the_suffix_format(tmp_path):
    rs = [Response("p", "A", "t1", 5, 4), Response("p", "A", "t2", 2, 3)]
    res = assess(2024, TOPICS, groups=GROUPS, responses=rs)
    out = tmp_path / "m.svg"
    data = matrix_chart(res, out, lang="en")
    assert out.read_bytes() == data
    assert data == engine_charts.matrix_chart(res, lang="en", fmt="svg")
    assert data.startswith(b"<?xml")
    assert engine_charts.matrix_chart(res)[:8] == b"\x89PNG\r\n\x1a\n"  # png by default


def test_register_export_writes_the_engines_text_and_nothing_else(tmp_path):
    folder = tmp_path / "reg"
    paths = write_register(REGISTER, folder, "csv")
    assert [p.name for p in paths] == ["risks.csv", "horizons.csv"]
    texts = register_csv(REGISTER)
    assert {p.name: p.read_text("utf-8") for p in paths} == texts
    assert texts["horizons.csv"] == "horizon,from_year,to_year\nshort,2025,2027\n"
    assert "'=cmd" in texts["risks.csv"]  # a formula-like title is neutralised
    assert sorted(p.name for p in folder.iterdir()) == ["horizons.csv", "risks.csv"]
    assert read_register(paths) == REGISTER


def test_unknown_export_format_writes_nothing(tmp_path):
    with pytest.raises(EsgError, match=r"unknown export format 'ods': expected csv or xlsx"):
        write_register(REGISTER, tmp_path / "reg.ods", "ods")
    assert list(tmp_path.iterdir()) == []
