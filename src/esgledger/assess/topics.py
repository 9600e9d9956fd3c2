"""The catalogue of sustainability topics a materiality assessment scores.

The default catalogue (``data/topics.csv``) holds the 28 topics of the demo
company's 2024 double-materiality assessment, named in our own words in
English and Chinese, each mapped to the topics of SSE Guideline No. 14 (by
their number in the guideline's list of 21) and to GRI topic standards.
Users replace it with their own file (``esgledger materiality import topics.csv``).
Reading the shipped file and users' files is done by
:mod:`esgledger.intake.assessment_files` (``default_topics``, ``topics_from_file``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from esgledger.assess.tables import Table, check_code, require_columns
from esgledger.errors import Problem, ValidationError

__all__ = [
    "DIMENSIONS",
    "SSE_TOPICS",
    "TOPIC_COLUMNS",
    "Dimension",
    "Topic",
    "parse_topics",
    "topics_from_tables",
]

Dimension = Literal["E", "S", "G"]
DIMENSIONS: tuple[Dimension, ...] = ("E", "S", "G")
TOPIC_COLUMNS = ("code", "name_en", "name_zh", "dimension", "sse", "gri")

#: The 21 topics of SSE Guideline No. 14 (Sustainability Report, trial), by number.
SSE_TOPICS: dict[str, tuple[str, str]] = {
    "1": ("Climate change response", "应对气候变化"),
    "2": ("Pollutant discharge", "污染物排放"),
    "3": ("Waste disposal", "废弃物处理"),
    "4": ("Ecosystem and biodiversity protection", "生态系统和生物多样性保护"),
    "5": ("Environmental compliance management", "环境合规管理"),
    "6": ("Energy use", "能源利用"),
    "7": ("Water resource use", "水资源利用"),
    "8": ("Circular economy", "循环经济"),
    "9": ("Rural revitalisation", "乡村振兴"),
    "10": ("Social contribution", "社会贡献"),
    "11": ("Innovation-driven development", "创新驱动"),
    "12": ("Ethics of science and technology", "科技伦理"),
    "13": ("Supply chain security", "供应链安全"),
    "14": ("Equal treatment of small and medium-sized enterprises", "平等对待中小企业"),
    "15": ("Safety and quality of products and services", "产品和服务安全与质量"),
    "16": ("Data security and customer privacy", "数据安全与客户隐私保护"),
    "17": ("Employees", "员工"),
    "18": ("Due diligence", "尽职调查"),
    "19": ("Stakeholder communication", "利益相关方沟通"),
    "20": ("Anti-bribery and anti-corruption", "反商业贿赂及反贪污"),
    "21": ("Anti-unfair competition", "反不正当竞争"),
}

_CODE = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,63}$")
_GRI = re.compile(r"^GRI \d{1,3}$")


@dataclass(frozen=True)
class Topic:
    """One topic: a stable code, names, ESG dimension and framework mappings."""

    code: str
    name_en: str
    name_zh: str
    dimension: Dimension
    sse: tuple[str, ...] = ()
    gri: tuple[str, ...] = ()

    def name(self, lang: str = "en") -> str:
        return self.name_zh if lang.startswith("zh") else self.name_en


def _split(text: str) -> list[str]:
    return [p.strip() for p in re.split(r"[;；]", text) if p.strip()]


def parse_topics(table: Table) -> list[Topic]:
    """Validate a topics table; raise one :class:`ValidationError` listing every problem."""
    problems = require_columns(table, ("code", "name_en", "name_zh", "dimension"))
    if problems:
        raise ValidationError(problems, what="topics")
    topics: list[Topic] = []
    seen: dict[str, int] = {}
    for row in table.rows:
        f = table.file
        code = check_code(
            f,
            row,
            seen,
            problems,
            valid=_CODE.match,
            expected="a code of lower-case letters, digits, _ . -",
        )
        name_en, name_zh = row.get("name_en"), row.get("name_zh")
        if not name_en:
            problems.append(Problem(f, row.number, "name_en", "", "an English name"))
        if not name_zh:
            problems.append(Problem(f, row.number, "name_zh", "", "a Chinese name"))
        dim = row.get("dimension").upper()
        if dim not in DIMENSIONS:
            problems.append(Problem(f, row.number, "dimension", row.get("dimension"), "E, S or G"))
        sse = _split(row.get("sse"))
        for s in sse:
            if s not in SSE_TOPICS:
                problems.append(
                    Problem(f, row.number, "sse", s, "an SSE Guideline No. 14 topic number 1-21")
                )
        gri = [" ".join(g.split()) for g in _split(row.get("gri"))]
        for g in gri:
            if not _GRI.match(g):
                problems.append(
                    Problem(f, row.number, "gri", g, "a GRI standard such as 'GRI 305'")
                )
        if dim in DIMENSIONS:
            topics.append(Topic(code, name_en, name_zh, dim, tuple(sse), tuple(gri)))
    if not table.rows:
        problems.append(Problem(table.file, None, None, None, "at least one topic"))
    if problems:
        raise ValidationError(problems, what="topics")
    return topics


def topics_from_tables(tables: Sequence[Table]) -> list[Topic]:
    """Validate the topics table among a file's tables (one with a ``dimension`` column or
    named ``topics``; else the first)."""
    for t in tables:
        if "dimension" in t.columns or t.name == "topics":
            return parse_topics(t)
    return parse_topics(tables[0])
