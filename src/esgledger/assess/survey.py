"""Survey input: stakeholder groups, responses, expert scores and the questionnaire workbook.

Files are CSV or XLSX. A file's kind is told by its header:

* topics      ``code, name_en, name_zh, dimension, sse, gri``
* groups      ``code, name_en, name_zh, weight`` (weights sum to 1, or to 100 as percentages)
* responses   ``respondent, group, topic, impact, financial`` (scores are whole numbers 1-5)
* expert      ``expert, topic, scale, scope, irremediability, impact_likelihood,
  magnitude, financial_likelihood`` (each 1-5)

Every problem in every file is collected and raised as one
:class:`~esgledger.errors.ValidationError`; nothing is returned half-read.
This module works on tables already read (:class:`~esgledger.assess.tables.SourceFile`)
and builds the questionnaire workbook in memory; the files themselves are read
and written by :mod:`esgledger.intake.assessment_files`.
"""

from __future__ import annotations

import io
import math
from collections.abc import Sequence
from dataclasses import dataclass

from esgledger.assess.materiality import ExpertScore, Group, Response
from esgledger.assess.tables import SourceFile, Table, check_code, neutralise, require_columns
from esgledger.assess.topics import Topic, parse_topics
from esgledger.errors import Problem, ValidationError

__all__ = [
    "EXPERT_COLUMNS",
    "GROUP_COLUMNS",
    "RESPONSE_COLUMNS",
    "SurveyBatch",
    "parse_expert",
    "parse_groups",
    "parse_responses",
    "questionnaire_workbook",
    "survey_from_sources",
]

GROUP_COLUMNS = ("code", "name_en", "name_zh", "weight")
RESPONSE_COLUMNS = ("respondent", "group", "topic", "impact", "financial")
EXPERT_COLUMNS = (
    "expert",
    "topic",
    "scale",
    "scope",
    "irremediability",
    "impact_likelihood",
    "magnitude",
    "financial_likelihood",
)
_SCORE = "a whole number from 1 to 5"
_WEIGHT_TOLERANCE = 0.01


@dataclass(frozen=True)
class SurveyBatch:
    """What a set of files held; ``None`` where no file of that kind was given."""

    topics: tuple[Topic, ...] | None
    groups: tuple[Group, ...] | None
    responses: tuple[Response, ...]
    expert: tuple[ExpertScore, ...]
    files: tuple[str, ...] = ()


def _score(text: str) -> int | None:
    try:
        v = float(text)
    except ValueError:
        return None
    if not math.isfinite(v) or not v.is_integer() or not 1 <= v <= 5:
        return None
    return int(v)


def parse_groups(table: Table) -> list[Group]:
    """Validate a stakeholder-group table (weights as fractions summing to 1, or percentages)."""
    problems = require_columns(table, GROUP_COLUMNS)
    if problems:
        raise ValidationError(problems, what="stakeholder groups")
    f = table.file
    raw: list[tuple[str, str, str, float]] = []
    seen: dict[str, int] = {}
    for row in table.rows:
        code = check_code(f, row, seen, problems, valid=bool, expected="a group code")
        if not row.get("name_en"):
            problems.append(Problem(f, row.number, "name_en", "", "an English name"))
        if not row.get("name_zh"):
            problems.append(Problem(f, row.number, "name_zh", "", "a Chinese name"))
        text = row.get("weight").rstrip("%").strip()
        try:
            w = float(text)
        except ValueError:
            w = math.nan
        if not math.isfinite(w) or w <= 0:
            problems.append(Problem(f, row.number, "weight", row.get("weight"), "a weight above 0"))
            continue
        raw.append((code, row.get("name_en"), row.get("name_zh"), w))
    if not table.rows:
        problems.append(Problem(f, None, None, None, "at least one stakeholder group"))
    total = sum(w for *_, w in raw)
    scale = 1.0
    if raw and not problems:
        if abs(total - 1) <= _WEIGHT_TOLERANCE:
            scale = 1.0
        elif abs(total - 100) <= 100 * _WEIGHT_TOLERANCE:
            scale = 100.0
        else:
            problems.append(
                Problem(f, None, "weight", f"{total:g}", "weights that sum to 1 (or to 100 as %)")
            )
    if problems:
        raise ValidationError(problems, what="stakeholder groups")
    return [Group(c, en, zh, round(w / scale, 6)) for c, en, zh, w in raw]


def parse_responses(
    table: Table,
    topics: Sequence[str],
    groups: Sequence[str],
    *,
    seen: dict[tuple[str, str], str] | None = None,
    respondent_groups: dict[str, tuple[str, str]] | None = None,
) -> tuple[list[Response], list[Problem]]:
    """Check a response table; returns the responses and the problems found.

    ``seen`` and ``respondent_groups`` carry state across files, so a
    respondent-topic pair repeated in another file is caught too. A row with
    both scores empty is an unanswered topic and is skipped.
    """
    problems = require_columns(table, RESPONSE_COLUMNS)
    if problems:
        return [], problems
    seen = {} if seen is None else seen
    respondent_groups = {} if respondent_groups is None else respondent_groups
    topic_set, group_set = set(topics), set(groups)
    f = table.file
    out: list[Response] = []
    for row in table.rows:
        imp_t, fin_t = row.get("impact"), row.get("financial")
        if not imp_t and not fin_t:
            continue
        before = len(problems)
        who, grp, topic = row.get("respondent"), row.get("group"), row.get("topic")
        if not who:
            problems.append(Problem(f, row.number, "respondent", "", "a respondent identifier"))
        if grp not in group_set:
            problems.append(
                Problem(
                    f, row.number, "group", grp, "a stakeholder group code defined for the year"
                )
            )
        elif who and who in respondent_groups and respondent_groups[who][0] != grp:
            g0, where = respondent_groups[who]
            problems.append(
                Problem(
                    f, row.number, "group", grp, f"{g0!r}, the group given for {who!r} at {where}"
                )
            )
        if topic not in topic_set:
            problems.append(Problem(f, row.number, "topic", topic, "a topic code of the catalogue"))
        imp, fin = _score(imp_t), _score(fin_t)
        if imp is None:
            problems.append(Problem(f, row.number, "impact", imp_t, _SCORE))
        if fin is None:
            problems.append(Problem(f, row.number, "financial", fin_t, _SCORE))
        key = (who, topic)
        where = f"{f} row {row.number}"
        if who and topic and key in seen:
            problems.append(
                Problem(
                    f,
                    row.number,
                    "topic",
                    topic,
                    f"one answer per respondent and topic ({seen[key]})",
                )
            )
        elif who and topic:
            seen[key] = f"first at {where}"
        if who and grp and who not in respondent_groups:
            respondent_groups[who] = (grp, where)
        if len(problems) == before and imp is not None and fin is not None:
            out.append(Response(who, grp, topic, imp, fin))
    return out, problems


def parse_expert(
    table: Table, topics: Sequence[str], *, seen: set[tuple[str, str]] | None = None
) -> tuple[list[ExpertScore], list[Problem]]:
    """Check an expert-scoring table; returns the scores and the problems found."""
    problems = require_columns(table, EXPERT_COLUMNS)
    if problems:
        return [], problems
    seen = set() if seen is None else seen
    topic_set = set(topics)
    f = table.file
    out: list[ExpertScore] = []
    for row in table.rows:
        before = len(problems)
        who, topic = row.get("expert"), row.get("topic")
        if not who:
            problems.append(Problem(f, row.number, "expert", "", "an expert identifier"))
        if topic not in topic_set:
            problems.append(Problem(f, row.number, "topic", topic, "a topic code of the catalogue"))
        elif (who, topic) in seen:
            problems.append(
                Problem(f, row.number, "topic", topic, "one scoring per expert and topic")
            )
        seen.add((who, topic))
        values: list[int] = []
        for col in EXPERT_COLUMNS[2:]:
            v = _score(row.get(col))
            if v is None:
                problems.append(Problem(f, row.number, col, row.get(col), _SCORE))
            else:
                values.append(v)
        if len(problems) == before:
            out.append(ExpertScore(who, topic, *values))
    return out, problems


def _kind(table: Table) -> str | None:
    cols = set(table.columns)
    if {"dimension", "code"} <= cols:
        return "topics"
    if {"weight", "code"} <= cols:
        return "groups"
    if {"respondent", "impact"} <= cols:
        return "responses"
    if {"expert", "scale"} <= cols:
        return "expert"
    return None


def survey_from_sources(
    sources: Sequence[SourceFile],
    *,
    known_topics: Sequence[Topic],
    known_groups: Sequence[Group],
    topics_only: bool = False,
) -> SurveyBatch:
    """Validate the tables of topic, group, response and expert files together.

    Responses are checked against ``known_topics`` plus any topics in the
    batch, and against the groups of the batch when it has a groups table
    (they replace the year's groups), else against ``known_groups``. With
    ``topics_only`` (no assessment year given) any other table is a problem.
    """
    problems: list[Problem] = []
    tables: dict[str, list[Table]] = {"topics": [], "groups": [], "responses": [], "expert": []}
    for source in sources:
        if source.problems:  # list every file's problems, not the first file's
            problems += source.problems
            continue
        found = False
        for t in source.tables:
            kind = _kind(t)
            if kind and kind != "topics" and topics_only:
                problems.append(
                    Problem(
                        t.file,
                        1,
                        None,
                        t.name,
                        "only topics without --year (groups and scores belong to a year)",
                    )
                )
                found = True
            elif kind:
                tables[kind].append(t)
                found = True
        if not found:
            problems.append(
                Problem(
                    source.name,
                    1,
                    None,
                    None,
                    "a topics, groups, responses or expert table (see docs/materiality.md)",
                )
            )
    topics: list[Topic] | None = None
    groups: list[Group] | None = None
    for t in tables["topics"]:
        try:
            topics = (topics or []) + parse_topics(t)
        except ValidationError as exc:
            problems.extend(exc.problems)
    for n, t in enumerate(tables["groups"]):
        if n > 0:  # two tables would each sum to 1, and could repeat a group
            first = tables["groups"][0]
            expected = f"one stakeholder-groups table per import (the first is in {first.file})"
            problems.append(Problem(t.file, 1, None, t.name, expected))
            continue
        try:
            groups = parse_groups(t)
        except ValidationError as exc:
            problems.extend(exc.problems)
    topic_codes = [t.code for t in known_topics] + [t.code for t in topics or ()]
    group_codes = [g.code for g in (groups if groups is not None else known_groups)]
    responses: list[Response] = []
    seen: dict[tuple[str, str], str] = {}
    rgroups: dict[str, tuple[str, str]] = {}
    for t in tables["responses"]:
        rs, ps = parse_responses(t, topic_codes, group_codes, seen=seen, respondent_groups=rgroups)
        responses += rs
        problems += ps
    expert: list[ExpertScore] = []
    eseen: set[tuple[str, str]] = set()
    for t in tables["expert"]:
        es, ps = parse_expert(t, topic_codes, seen=eseen)
        expert += es
        problems += ps
    if problems:
        raise ValidationError(problems, what="materiality input")
    return SurveyBatch(
        topics=tuple(topics) if topics is not None else None,
        groups=tuple(groups) if groups is not None else None,
        responses=tuple(responses),
        expert=tuple(expert),
        files=tuple(s.name for s in sources),
    )


_INSTRUCTIONS = [
    ("重要性议题调查问卷", "Materiality questionnaire"),
    (
        "请在“responses”工作表中为每个议题打分：影响重要性与财务重要性，均为 1–5 的整数。",
        "On sheet 'responses', score every topic on two axes with a whole number from 1 to 5.",
    ),
    (
        "影响重要性：公司在该议题上对环境、社会和经济的实际或潜在影响有多大。",
        "Impact: how large the company's actual or potential effect on people, "
        "environment and economy is.",
    ),
    (
        "财务重要性：该议题对公司现金流、融资成本或企业价值的影响有多大。",
        "Financial: how strongly the topic can affect the company's cash flows, "
        "cost of capital or value.",
    ),
    (
        "1 = 很低，2 = 较低，3 = 一般，4 = 较高，5 = 很高。不了解的议题可留空。",
        "1 = very low, 2 = low, 3 = medium, 4 = high, 5 = very high. Leave a topic blank "
        "if you cannot judge it.",
    ),
    (
        "请在每一行填写您的编号（respondent）和所属利益相关方类别（group，见“groups”工作表）。",
        "Fill in your identifier (respondent) and stakeholder group (group; codes on "
        "sheet 'groups') on every row you score.",
    ),
    (
        "填好后交回；用 esgledger materiality import 文件名 --year 年份 导入。",
        "Return the filled file; it is read with: esgledger materiality import FILE --year YEAR",
    ),
]


def questionnaire_workbook(
    topics: Sequence[Topic],
    groups: Sequence[Group],
    *,
    year: int,
    respondent: str = "",
    group: str = "",
) -> bytes:
    """The questionnaire workbook (XLSX bytes); once filled, it imports as responses."""
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill, Protection
    from openpyxl.worksheet.datavalidation import DataValidation

    wb = Workbook()
    ws = wb.active
    ws.title = "instructions"
    ws.append([f"{year}", ""])
    for zh, en in _INSTRUCTIONS:
        ws.append([zh, en])
    ws["A2"].font = ws["B2"].font = Font(bold=True, size=14)
    ws.column_dimensions["A"].width = 70
    ws.column_dimensions["B"].width = 90

    rs = wb.create_sheet("responses")
    rs.append([*RESPONSE_COLUMNS[:3], "name_en", "name_zh", "impact", "financial"])
    head_fill = PatternFill("solid", fgColor="DDEBF7")
    for cell in rs[1]:
        cell.font = Font(bold=True)
        cell.fill = head_fill
    who, grp = neutralise(respondent), neutralise(group)  # names are text, never formulas
    for t in topics:
        rs.append([who, grp, t.code, neutralise(t.name_en), neutralise(t.name_zh), None, None])
    n = len(topics) + 1
    for row in rs.iter_rows(min_row=2, max_row=n):
        for cell in row:
            if cell.column_letter in {"A", "B", "F", "G"}:
                cell.protection = Protection(locked=False)
    scores = DataValidation(
        type="whole", operator="between", formula1="1", formula2="5", allow_blank=True
    )
    scores.error = "1-5"
    scores.prompt = "1-5"
    rs.add_data_validation(scores)
    scores.add(f"F2:G{n}")
    if groups:
        dv = DataValidation(
            type="list", formula1=f"=groups!$A$2:$A${len(groups) + 1}", allow_blank=True
        )
        rs.add_data_validation(dv)
        dv.add(f"B2:B{n}")
    rs.protection.sheet = True
    rs.freeze_panes = "A2"
    for col, width in zip("ABCDEFG", (14, 14, 20, 44, 30, 10, 10), strict=True):
        rs.column_dimensions[col].width = width

    gs = wb.create_sheet("groups")
    gs.append(["code", "name_en", "name_zh"])
    for g in groups:
        gs.append([neutralise(g.code), neutralise(g.name_en), neutralise(g.name_zh)])
    gs.protection.sheet = True
    wb.active = 1
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
