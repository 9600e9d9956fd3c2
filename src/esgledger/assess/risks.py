"""The climate risk and opportunity register (IFRS S2 paragraphs 10-22), as plain data.

Each item has a category (physical acute / chronic; transition policy and
legal, technology, market, reputation; opportunity: resource efficiency,
energy source, products and services, markets, resilience), a description in
English and Chinese, the time horizons it falls in (short / medium / long,
with the year ranges the company defines), likelihood and magnitude (1-5),
current and anticipated financial effects as CNY ranges, the entities and
value-chain stages affected, the response, linked metrics and targets, and an
owner.

File format (CSV, or sheets ``risks`` and ``horizons`` of one workbook):
:data:`RISK_COLUMNS` and :data:`HORIZON_COLUMNS`. This module parses tables
already read and builds the export (CSV text, XLSX bytes) in memory; the files
are read and written by :mod:`esgledger.intake.assessment_files`.
"""

from __future__ import annotations

import io
import math
import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from esgledger.assess.tables import (
    SourceFile,
    Table,
    check_code,
    csv_text,
    neutralise,
    require_columns,
)
from esgledger.errors import EsgError, Problem, ValidationError

__all__ = [
    "CATEGORIES",
    "HORIZONS",
    "HORIZON_COLUMNS",
    "RISK_COLUMNS",
    "S2_PARAGRAPHS",
    "VALUE_CHAIN",
    "Category",
    "ClimateItem",
    "ClimateRegister",
    "Horizon",
    "parse_horizons",
    "parse_register",
    "register_csv",
    "register_from_sources",
    "register_workbook",
    "s2_coverage",
]

Category = Literal[
    "physical_acute",
    "physical_chronic",
    "transition_policy_legal",
    "transition_technology",
    "transition_market",
    "transition_reputation",
    "opportunity_resource_efficiency",
    "opportunity_energy_source",
    "opportunity_products_services",
    "opportunity_markets",
    "opportunity_resilience",
]
#: Category code -> (English label, Chinese label).
CATEGORIES: dict[str, tuple[str, str]] = {
    "physical_acute": ("Physical risk: acute", "实体风险：急性"),
    "physical_chronic": ("Physical risk: chronic", "实体风险：慢性"),
    "transition_policy_legal": ("Transition risk: policy and legal", "转型风险：政策和法律"),
    "transition_technology": ("Transition risk: technology", "转型风险：技术"),
    "transition_market": ("Transition risk: market", "转型风险：市场"),
    "transition_reputation": ("Transition risk: reputation", "转型风险：声誉"),
    "opportunity_resource_efficiency": ("Opportunity: resource efficiency", "机遇：资源效率"),
    "opportunity_energy_source": ("Opportunity: energy source", "机遇：能源来源"),
    "opportunity_products_services": ("Opportunity: products and services", "机遇：产品和服务"),
    "opportunity_markets": ("Opportunity: markets", "机遇：市场"),
    "opportunity_resilience": ("Opportunity: resilience", "机遇：韧性"),
}
HorizonCode = Literal["short", "medium", "long"]
HORIZONS: tuple[HorizonCode, ...] = ("short", "medium", "long")
VALUE_CHAIN = ("upstream", "operations", "downstream")

HORIZON_COLUMNS = ("horizon", "from_year", "to_year")
RISK_COLUMNS = (
    "code",
    "category",
    "title_en",
    "title_zh",
    "description_en",
    "description_zh",
    "horizons",
    "likelihood",
    "magnitude",
    "current_effect_min_cny",
    "current_effect_max_cny",
    "anticipated_effect_min_cny",
    "anticipated_effect_max_cny",
    "entities",
    "value_chain",
    "response_en",
    "response_zh",
    "metrics",
    "targets",
    "owner",
    "notes",
)

#: IFRS S2 requirements (codes of ``catalog/data/frameworks/issb.yaml``) the register
#: answers, with the fields that answer them.
S2_PARAGRAPHS: dict[str, str] = {
    "S2.10(a)": "the climate-related risks and opportunities (items)",
    "S2.10(b)": "each risk as physical or transition risk (category)",
    "S2.10(c)": "the time horizon of each risk and opportunity (horizons)",
    "S2.10(d)": "how short, medium and long term are defined (horizon year ranges)",
    "S2.13(a)": "effects on the business model and value chain (entities, value_chain)",
    "S2.13(b)": "where in the value chain they are concentrated (entities, value_chain)",
    "S2.14(a)": "the response in strategy and decision-making (response, metrics, targets)",
    "S2.15(a)": "current financial effects (current effect range, CNY)",
    "S2.15(b)": "anticipated financial effects (anticipated effect range, CNY)",
    "S2.17": "quantitative effects as a single amount or a range (effect ranges)",
}

_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
_AMOUNT = re.compile(r"^\s*([-+]?[0-9][0-9,]*(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?)\s*(\S*)\s*$")


@dataclass(frozen=True)
class Horizon:
    """A time horizon and the years the company counts in it (inclusive)."""

    code: HorizonCode
    from_year: int
    to_year: int


@dataclass(frozen=True)
class ClimateItem:
    """One climate-related risk or opportunity."""

    code: str
    category: Category
    title_en: str
    title_zh: str
    description_en: str
    description_zh: str
    horizons: tuple[HorizonCode, ...]
    likelihood: int
    magnitude: int
    current_effect_min_cny: float | None = None
    current_effect_max_cny: float | None = None
    anticipated_effect_min_cny: float | None = None
    anticipated_effect_max_cny: float | None = None
    entities: tuple[str, ...] = ()
    value_chain: tuple[str, ...] = ()
    response_en: str = ""
    response_zh: str = ""
    metrics: tuple[str, ...] = ()
    targets: tuple[str, ...] = ()
    owner: str = ""
    notes: str = ""

    @property
    def kind(self) -> Literal["risk", "opportunity"]:
        return "opportunity" if self.category.startswith("opportunity") else "risk"

    @property
    def score(self) -> int:
        """Likelihood x magnitude (1-25), the heat map's ranking."""
        return self.likelihood * self.magnitude

    def category_label(self, lang: str = "en") -> str:
        en, zh = CATEGORIES[self.category]
        return zh if lang.startswith("zh") else en

    def as_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "kind": self.kind,
            "category": self.category,
            "title_en": self.title_en,
            "title_zh": self.title_zh,
            "description_en": self.description_en,
            "description_zh": self.description_zh,
            "horizons": list(self.horizons),
            "likelihood": self.likelihood,
            "magnitude": self.magnitude,
            "score": self.score,
            "current_effect_cny": [self.current_effect_min_cny, self.current_effect_max_cny],
            "anticipated_effect_cny": [
                self.anticipated_effect_min_cny,
                self.anticipated_effect_max_cny,
            ],
            "entities": list(self.entities),
            "value_chain": list(self.value_chain),
            "response_en": self.response_en,
            "response_zh": self.response_zh,
            "metrics": list(self.metrics),
            "targets": list(self.targets),
            "owner": self.owner,
            "notes": self.notes,
        }


@dataclass(frozen=True)
class ClimateRegister:
    """The whole register: items and the company's horizon definitions."""

    items: tuple[ClimateItem, ...]
    horizons: tuple[Horizon, ...] = ()

    @property
    def risks(self) -> tuple[ClimateItem, ...]:
        return tuple(i for i in self.items if i.kind == "risk")

    @property
    def opportunities(self) -> tuple[ClimateItem, ...]:
        return tuple(i for i in self.items if i.kind == "opportunity")

    def ranked(self) -> tuple[ClimateItem, ...]:
        """Items by score (likelihood x magnitude), highest first, then by code."""
        return tuple(sorted(self.items, key=lambda i: (-i.score, i.code)))

    def as_dict(self) -> dict[str, Any]:
        return {
            "horizons": [
                {"horizon": h.code, "from_year": h.from_year, "to_year": h.to_year}
                for h in self.horizons
            ],
            "items": [i.as_dict() for i in self.items],
            "ifrs_s2": s2_coverage(self),
        }


def _split(text: str) -> list[str]:
    return [p.strip() for p in re.split(r"[;；]", text) if p.strip()]


def _amount(text: str) -> float | None:
    """A CNY amount: a plain number (yuan) or a number with a currency unit (万元, 亿元...)."""
    m = _AMOUNT.match(text)
    if not m:
        raise ValueError(text)
    value = float(m.group(1).replace(",", ""))
    unit = m.group(2)
    if not math.isfinite(value) or value < 0:
        raise ValueError(text)
    if unit and unit not in {"CNY", "元", "yuan"}:
        from esgledger.units import convert

        try:
            value = convert(value, unit, "CNY")
        except EsgError:
            raise ValueError(text) from None
    return value


def parse_horizons(table: Table) -> tuple[list[Horizon], list[Problem]]:
    """Check a horizons table (``horizon, from_year, to_year``)."""
    problems = require_columns(table, HORIZON_COLUMNS)
    if problems:
        return [], problems
    out: list[Horizon] = []
    seen: set[str] = set()
    f = table.file
    for row in table.rows:
        code = row.get("horizon").lower()
        if code not in HORIZONS:
            problems.append(Problem(f, row.number, "horizon", code, "short, medium or long"))
            continue
        if code in seen:
            problems.append(Problem(f, row.number, "horizon", code, "each horizon once"))
            continue
        seen.add(code)
        years = []
        for col in ("from_year", "to_year"):
            t = row.get(col)
            if t.isdigit() and 1900 <= int(t) <= 2200:
                years.append(int(t))
            else:
                problems.append(Problem(f, row.number, col, t, "a year such as 2030"))
        if len(years) == 2:
            if years[0] > years[1]:
                problems.append(
                    Problem(f, row.number, "to_year", str(years[1]), f"a year from {years[0]} on")
                )
            else:
                out.append(Horizon(code, years[0], years[1]))
    out.sort(key=lambda h: HORIZONS.index(h.code))
    return out, problems


def parse_register(
    table: Table,
    horizons: Sequence[Horizon] = (),
    *,
    known_entities: Collection[str] | None = None,
) -> tuple[list[ClimateItem], list[Problem]]:
    """Check a register table; returns the items and every problem found."""
    problems = require_columns(table, ("code", "category", "horizons", "likelihood", "magnitude"))
    if problems:
        return [], problems
    f = table.file
    defined = {h.code for h in horizons}
    out: list[ClimateItem] = []
    seen: dict[str, int] = {}
    for row in table.rows:
        before = len(problems)
        n = row.number
        code = check_code(
            f, row, seen, problems, valid=_CODE.match, expected="a code of letters, digits, _ . -"
        )
        cat = row.get("category")
        if cat not in CATEGORIES:
            problems.append(Problem(f, n, "category", cat, "one of " + ", ".join(CATEGORIES)))
        if not (row.get("title_en") or row.get("title_zh")):
            problems.append(Problem(f, n, "title_en", "", "a title in English or Chinese"))
        if not (row.get("description_en") or row.get("description_zh")):
            problems.append(
                Problem(f, n, "description_en", "", "a description in English or Chinese")
            )
        hs = [h.lower() for h in _split(row.get("horizons"))]
        if not hs:
            problems.append(Problem(f, n, "horizons", "", "one or more of short; medium; long"))
        for h in hs:
            if h not in HORIZONS:
                problems.append(Problem(f, n, "horizons", h, "short, medium or long"))
            elif defined and h not in defined:
                problems.append(
                    Problem(f, n, "horizons", h, "a horizon defined in the horizons table")
                )
        scores = []
        for col in ("likelihood", "magnitude"):
            t = row.get(col)
            if t.isdigit() and 1 <= int(t) <= 5:
                scores.append(int(t))
            else:
                problems.append(Problem(f, n, col, t, "a whole number from 1 to 5"))
        amounts: dict[str, float | None] = {}
        for col in RISK_COLUMNS[9:13]:
            t = row.get(col)
            if not t:
                amounts[col] = None
                continue
            try:
                amounts[col] = _amount(t)
            except ValueError:
                amounts[col] = None
                problems.append(
                    Problem(f, n, col, t, "an amount of CNY of 0 or more, e.g. 5000000 or 500万元")
                )
        for lo, hi in (RISK_COLUMNS[9:11], RISK_COLUMNS[11:13]):
            a, b = amounts.get(lo), amounts.get(hi)
            if a is not None and b is not None and a > b:
                problems.append(Problem(f, n, hi, row.get(hi), f"an amount not below {lo}"))
        entities = _split(row.get("entities"))
        if known_entities is not None:
            for e in entities:
                if e not in known_entities:
                    problems.append(Problem(f, n, "entities", e, "an entity code of the ledger"))
        chain = [v.lower() for v in _split(row.get("value_chain"))]
        for v in chain:
            if v not in VALUE_CHAIN:
                problems.append(
                    Problem(f, n, "value_chain", v, "upstream, operations or downstream")
                )
        if len(problems) == before:
            out.append(
                ClimateItem(
                    code=code,
                    category=cat,  # type: ignore[arg-type]
                    title_en=row.get("title_en"),
                    title_zh=row.get("title_zh"),
                    description_en=row.get("description_en"),
                    description_zh=row.get("description_zh"),
                    horizons=tuple(h for h in HORIZONS if h in hs),
                    likelihood=scores[0],
                    magnitude=scores[1],
                    current_effect_min_cny=amounts["current_effect_min_cny"],
                    current_effect_max_cny=amounts["current_effect_max_cny"],
                    anticipated_effect_min_cny=amounts["anticipated_effect_min_cny"],
                    anticipated_effect_max_cny=amounts["anticipated_effect_max_cny"],
                    entities=tuple(entities),
                    value_chain=tuple(v for v in VALUE_CHAIN if v in chain),
                    response_en=row.get("response_en"),
                    response_zh=row.get("response_zh"),
                    metrics=tuple(_split(row.get("metrics"))),
                    targets=tuple(_split(row.get("targets"))),
                    owner=row.get("owner"),
                    notes=row.get("notes"),
                )
            )
    return out, problems


def register_from_sources(
    sources: Sequence[SourceFile],
    *,
    known_horizons: Sequence[Horizon] = (),
    known_entities: Collection[str] | None = None,
) -> ClimateRegister:
    """A register from the tables of CSV files (risks, horizons) or one workbook; all or
    nothing (one :class:`ValidationError` listing every problem)."""
    problems: list[Problem] = []
    risk_tables: list[Table] = []
    horizon_tables: list[Table] = []
    for source in sources:
        found = False
        if source.problems:  # list every file's problems, not the first file's
            problems += source.problems
            continue
        for t in source.tables:
            if "horizon" in t.columns and "from_year" in t.columns:
                horizon_tables.append(t)
                found = True
            elif "category" in t.columns and "likelihood" in t.columns:
                risk_tables.append(t)
                found = True
        if not found:
            problems.append(
                Problem(source.name, 1, None, None, "a climate register or horizons table")
            )
    horizons: list[Horizon] = []
    for t in horizon_tables:
        hs, ps = parse_horizons(t)
        horizons += hs
        problems += ps
    use = horizons if horizon_tables else list(known_horizons)
    items: list[ClimateItem] = []
    for t in risk_tables:
        its, ps = parse_register(t, use, known_entities=known_entities)
        items += its
        problems += ps
    codes = [i.code for i in items]
    if len(codes) != len(set(codes)):
        dup = sorted({c for c in codes if codes.count(c) > 1})
        problems.append(
            Problem("register", None, "code", ", ".join(dup), "codes unique across files")
        )
    if problems:
        raise ValidationError(problems, what="climate register")
    return ClimateRegister(tuple(items), tuple(use))


def _num(v: float | None) -> str:
    if v is None:
        return ""
    return str(int(v)) if float(v).is_integer() and abs(v) < 1e15 else repr(v)


def _row(i: ClimateItem) -> list[str]:
    return [
        i.code,
        i.category,
        i.title_en,
        i.title_zh,
        i.description_en,
        i.description_zh,
        ";".join(i.horizons),
        str(i.likelihood),
        str(i.magnitude),
        _num(i.current_effect_min_cny),
        _num(i.current_effect_max_cny),
        _num(i.anticipated_effect_min_cny),
        _num(i.anticipated_effect_max_cny),
        ";".join(i.entities),
        ";".join(i.value_chain),
        i.response_en,
        i.response_zh,
        ";".join(i.metrics),
        ";".join(i.targets),
        i.owner,
        i.notes,
    ]


def register_csv(register: ClimateRegister) -> dict[str, str]:
    """The register in the import format as CSV text: ``{"risks.csv": ..., "horizons.csv": ...}``
    (formula-like text neutralised)."""
    horizon_rows = [[h.code, str(h.from_year), str(h.to_year)] for h in register.horizons]
    return {
        "risks.csv": csv_text(RISK_COLUMNS, (_row(i) for i in register.items)),
        "horizons.csv": csv_text(HORIZON_COLUMNS, horizon_rows),
    }


def register_workbook(register: ClimateRegister) -> bytes:
    """The register in the import format as one XLSX workbook (sheets ``risks`` and
    ``horizons``; scores and amounts as numbers, formula-like text neutralised)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    ws.title = "risks"
    ws.append(list(RISK_COLUMNS))
    for i in register.items:
        cells: list[object] = [neutralise(c) for c in _row(i)]
        cells[7], cells[8] = i.likelihood, i.magnitude
        for k, v in zip(
            range(9, 13),
            (
                i.current_effect_min_cny,
                i.current_effect_max_cny,
                i.anticipated_effect_min_cny,
                i.anticipated_effect_max_cny,
            ),
            strict=True,
        ):
            cells[k] = v
        ws.append(cells)
    hs = wb.create_sheet("horizons")
    hs.append(list(HORIZON_COLUMNS))
    for h in register.horizons:
        hs.append([h.code, h.from_year, h.to_year])
    for sheet in (ws, hs):
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def s2_coverage(register: ClimateRegister) -> dict[str, bool]:
    """Which IFRS S2 requirements (:data:`S2_PARAGRAPHS`) the register has data for."""
    items = register.items
    current = any(i.current_effect_max_cny is not None for i in items)
    anticipated = any(i.anticipated_effect_max_cny is not None for i in items)
    chain = any(i.value_chain or i.entities for i in items)
    return {
        "S2.10(a)": bool(items),
        "S2.10(b)": bool(register.risks),
        "S2.10(c)": bool(items) and all(i.horizons for i in items),
        "S2.10(d)": bool(register.horizons),
        "S2.13(a)": chain,
        "S2.13(b)": chain,
        "S2.14(a)": bool(items) and all(i.response_en or i.response_zh for i in items),
        "S2.15(a)": current,
        "S2.15(b)": anticipated,
        "S2.17": current or anticipated,
    }
