"""Content indexes: for every disclosure of a framework, where the report answers it or why not.

:func:`build_index` is pure. It takes the framework key, the report's outline
(its sections in order), the set of indicator and metric codes that have data
for the period, and the omissions, and returns a :class:`ContentIndex` with one
:class:`IndexLine` per disclosure of the catalogue, in catalogue order:

- ``answered``: the disclosure is mapped to a section the report has and, if
  it needs data, at least one of its indicators or metrics has data;
- ``omitted``: an omission (reason and explanation) is recorded for it;
- ``gap``: neither. A report shows a gap as *information unavailable* with a
  generated explanation, so every line has a location or an omission reason;
  ``esgledger coverage`` lists the gaps so they can be filled or explained.

The PDF shows each answered line's page number through CSS (``target-counter``
on the link to the section), so the index itself carries no page numbers.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any, Literal

from esgledger.catalog.frameworks import (
    OMISSION_REASONS,
    DisclosureMap,
    FrameworkKey,
    Omission,
    expand_codes,
    load_framework,
    load_mappings,
    load_metric_needs,
    load_omissions,
    load_required_items,
)
from esgledger.errors import ReportError
from esgledger.report.data import IndexEntry
from esgledger.report.definition import block_kind, block_metrics

__all__ = [
    "DATA_ANNEX",
    "DEFAULT_OUTLINE",
    "GAP_EXPLANATION_EN",
    "GAP_EXPLANATION_ZH",
    "BlockEvidence",
    "ContentIndex",
    "IndexLine",
    "IndexStatus",
    "OutlineSection",
    "available_codes",
    "build_index",
    "in_accordance",
    "index_entries",
    "index_note",
    "outline_of",
]

IndexStatus = Literal["answered", "partial", "omitted", "gap"]
#: The section that answers a quantitative disclosure when none of its own sections is present.
DATA_ANNEX = "appendix.data"
GAP_EXPLANATION_EN = "No data or narrative for this disclosure in the reporting period."
GAP_EXPLANATION_ZH = "本报告期内尚无该项披露所需的数据或内容。"


@dataclass(frozen=True)
class BlockEvidence:
    """One block of a report section: what it declares to answer and which metrics it prints.

    ``answers`` are ``fw:code`` or ``fw:code#a,b`` (only those required items).
    """

    section: str
    n: int
    kind: str
    answers: tuple[str, ...] = ()
    metrics: tuple[str, ...] = ()

    @property
    def ref(self) -> str:
        """``section#n`` (n counts the section's blocks from 1)."""
        return f"{self.section}#{self.n}"

    def items_for(self, framework: str, code: str) -> frozenset[str] | None:
        """The items of ``code`` this block answers (empty set: all); ``None``: not declared."""
        for a in self.answers:
            fw, _, rest = a.partition(":")
            disc, _, items = rest.partition("#")
            if fw == framework and disc == code:
                return frozenset(i for i in items.split(",") if i)
        return None


@dataclass(frozen=True)
class OutlineSection:
    """One section of a report outline: id and title in both languages, and its blocks."""

    id: str
    title_en: str
    title_zh: str
    blocks: tuple[BlockEvidence, ...] = ()

    def title(self, lang: str) -> str:
        return self.title_zh if lang == "zh" else self.title_en


#: A fixed outline (every id is a section of the built-in template, which also has chapter
#: and highlight sections) for callers and tests that want an index without a template.
DEFAULT_OUTLINE: tuple[OutlineSection, ...] = tuple(
    OutlineSection(i, en, zh)
    for i, en, zh in (
        ("about", "About this report and the company", "关于本报告与公司"),
        ("message", "Message from the chair", "董事长致辞"),
        ("esg_governance", "ESG governance", "ESG治理"),
        ("stakeholders", "Stakeholder engagement", "利益相关方沟通"),
        ("materiality", "Material topics", "实质性议题"),
        ("governance.structure", "Corporate governance", "公司治理"),
        ("governance.shareholders", "Shareholders and investors", "股东与投资者权益"),
        ("governance.compliance", "Compliance and risk management", "合规与风险管理"),
        ("governance.ethics", "Business ethics and integrity", "商业道德与廉洁建设"),
        ("environment.management", "Environmental management", "环境管理"),
        ("environment.climate", "Climate change", "应对气候变化"),
        ("environment.energy", "Energy", "能源利用"),
        ("environment.water", "Water", "水资源利用"),
        ("environment.waste", "Waste and circular economy", "废弃物与循环经济"),
        ("environment.pollution", "Pollution prevention", "污染防治"),
        ("environment.biodiversity", "Ecosystems and biodiversity", "生态系统与生物多样性"),
        ("social.quality", "Product quality and safety", "产品质量与安全"),
        ("social.safety", "Safety and occupational health", "安全生产与职业健康"),
        ("social.customers", "Customers", "客户责任"),
        ("social.supply_chain", "Supply chain", "供应链管理"),
        ("social.innovation", "Innovation", "科技创新"),
        ("social.employees", "Employees", "员工权益与发展"),
        ("social.community", "Community and rural revitalization", "社区与乡村振兴"),
        ("outlook", "Outlook", "展望"),
        ("appendix.data", "Key performance data", "关键绩效数据"),
        ("appendix.gri", "GRI content index", "GRI内容索引"),
        ("appendix.sse", "SSE Guideline No. 14 index", "上交所指引索引"),
        ("appendix.sasac", "SASAC indicator index", "国资委指标索引"),
        ("appendix.issb", "IFRS S2 index", "IFRS S2索引"),
    )
)


def outline_of(sections: Iterable[Any]) -> tuple[OutlineSection, ...]:
    """An outline from report sections: ``OutlineSection``s, or objects with
    ``.id`` and ``.title.en`` / ``.title.zh`` (such as the template's ``SectionDef``)."""
    out: list[OutlineSection] = []
    for s in sections:
        if isinstance(s, OutlineSection):
            out.append(s)
            continue
        title = getattr(s, "title", None)
        en = getattr(title, "en", None)
        zh = getattr(title, "zh", None)
        sid = getattr(s, "id", None)
        if not isinstance(sid, str) or not isinstance(en, str) or not isinstance(zh, str):
            raise ReportError(f"cannot read a section id and title from {s!r}")
        blocks = tuple(
            BlockEvidence(
                sid,
                n,
                block_kind(b),
                tuple(getattr(b, "answers", ()) or ()),
                block_metrics(b),
            )
            for n, b in enumerate(getattr(s, "blocks", ()) or (), start=1)
        )
        out.append(OutlineSection(sid, en, zh, blocks))
    return tuple(out)


def available_codes(with_data: Iterable[str]) -> frozenset[str]:
    """The given indicator codes plus every calculated metric their data allows.

    A metric counts when each group of its ``requires`` list (``metrics.yaml``)
    has data for at least one code.
    """
    have = set(with_data)
    for code, need in load_metric_needs().items():
        if all(expand_codes(group, have) for group in need.requires):
            have.add(code)
    return frozenset(have)


@dataclass(frozen=True)
class IndexLine:
    """One disclosure of a content index."""

    framework: FrameworkKey
    code: str
    label: str
    title_en: str
    title_zh: str
    group: str
    group_en: str
    group_zh: str
    status: IndexStatus
    sections: tuple[str, ...] = ()
    section_titles_en: tuple[str, ...] = ()
    section_titles_zh: tuple[str, ...] = ()
    omission: str = ""
    explanation_en: str = ""
    explanation_zh: str = ""
    indicators: tuple[str, ...] = ()
    with_data: tuple[str, ...] = ()
    mapped_sections: tuple[str, ...] = ()
    reference: str = ""
    #: the blocks that answer it (``section#n``), and the required items none of them answers
    blocks: tuple[str, ...] = ()
    missing_en: tuple[str, ...] = ()
    missing_zh: tuple[str, ...] = ()

    def title(self, lang: str) -> str:
        return self.title_zh if lang == "zh" else self.title_en

    def missing(self, lang: str) -> tuple[str, ...]:
        return self.missing_zh if lang == "zh" else self.missing_en

    def group_title(self, lang: str) -> str:
        return self.group_zh if lang == "zh" else self.group_en

    def section_titles(self, lang: str) -> tuple[str, ...]:
        return self.section_titles_zh if lang == "zh" else self.section_titles_en

    def explanation(self, lang: str) -> str:
        return self.explanation_zh if lang == "zh" else self.explanation_en

    @property
    def located(self) -> bool:
        """True when the line names a section (answered)."""
        return bool(self.sections)

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "label": self.label,
            "title_en": self.title_en,
            "title_zh": self.title_zh,
            "group": self.group,
            "status": self.status,
            "sections": list(self.sections),
            "omission": self.omission or None,
            "explanation_en": self.explanation_en or None,
            "explanation_zh": self.explanation_zh or None,
            "indicators": list(self.indicators),
            "with_data": list(self.with_data),
            "blocks": list(self.blocks),
            "missing_en": list(self.missing_en),
        }


@dataclass(frozen=True)
class ContentIndex:
    """The content index of one framework for one report."""

    framework: FrameworkKey
    name_en: str
    name_zh: str
    lines: tuple[IndexLine, ...]
    period: str | None = None

    def name(self, lang: str) -> str:
        return self.name_zh if lang == "zh" else self.name_en

    def counts(self) -> dict[IndexStatus, int]:
        out: dict[IndexStatus, int] = {"answered": 0, "partial": 0, "omitted": 0, "gap": 0}
        for line in self.lines:
            out[line.status] += 1
        return out

    def omitted_by_reason(self) -> dict[str, int]:
        out: dict[str, int] = dict.fromkeys(OMISSION_REASONS, 0)
        for line in self.lines:
            if line.status == "omitted":
                out[line.omission] += 1
        return out

    @property
    def gaps(self) -> tuple[IndexLine, ...]:
        return tuple(line for line in self.lines if line.status == "gap")

    def coverage_pct(self) -> float:
        """Share of disclosures answered or omitted with a reason, in percent."""
        if not self.lines:
            return 100.0
        c = self.counts()
        return 100.0 * (c["answered"] + c["partial"] + c["omitted"]) / len(self.lines)

    def summary(self) -> dict[str, Any]:
        """Coverage statistics and the gap list, as JSON-ready data."""
        c = self.counts()
        return {
            "framework": self.framework,
            "name_en": self.name_en,
            "name_zh": self.name_zh,
            "period": self.period,
            "total": len(self.lines),
            "answered": c["answered"],
            "partial": c["partial"],
            "omitted": c["omitted"],
            "gap": c["gap"],
            "coverage_pct": round(self.coverage_pct(), 1),
            "omitted_by_reason": self.omitted_by_reason(),
            "gaps": [
                {
                    "code": g.code,
                    "title_en": g.title_en,
                    "title_zh": g.title_zh,
                    "sections": list(g.mapped_sections),
                    "indicators": list(g.indicators),
                }
                for g in self.gaps
            ],
        }

    def to_dict(self) -> dict[str, Any]:
        """The summary plus every line."""
        return {**self.summary(), "disclosures": [line.to_dict() for line in self.lines]}


def build_index(
    framework: str,
    outline: Iterable[Any],
    available: Iterable[str],
    *,
    omissions: Mapping[tuple[FrameworkKey, str], Omission] | None = None,
    mappings: Mapping[tuple[FrameworkKey, str], DisclosureMap] | None = None,
    period: str | None = None,
) -> ContentIndex:
    """Build the content index of ``framework`` for a report with sections ``outline``.

    ``available``: indicator and metric codes with data for the period (pass
    the result of :func:`available_codes` so metrics computable from the data
    count). ``omissions`` default to :func:`load_omissions`; ``mappings`` to the
    built-in ones. An explicit omission wins over a mapping.
    """
    fw = load_framework(framework)
    sections = {s.id: s for s in outline_of(outline)}
    have = set(available)
    omitted = load_omissions() if omissions is None else omissions
    maps = load_mappings() if mappings is None else mappings
    groups = {g.code: g for g in fw.groups}
    # a template whose blocks declare what they answer is read from that evidence;
    # one without any declaration (an older custom template) falls back to mappings.csv
    evidence = any(b.answers for sec in sections.values() for b in sec.blocks)
    required = load_required_items()
    lines: list[IndexLine] = []
    for d in fw.disclosures:
        g = groups[d.group]
        m = maps.get((fw.key, d.code))
        mapped_sections = m.sections if m else ()
        indicators = m.indicators if m else ()
        hits = tuple(sorted(expand_codes(indicators, have)))
        base = IndexLine(
            framework=fw.key,
            code=d.code,
            label=d.label,
            title_en=d.title_en,
            title_zh=d.title_zh,
            group=g.code,
            group_en=g.title_en,
            group_zh=g.title_zh,
            status="gap",
            indicators=indicators,
            with_data=hits,
            mapped_sections=mapped_sections,
            reference=d.reference,
        )
        om = omitted.get((fw.key, d.code))
        if om is not None:
            lines.append(
                replace(
                    base,
                    status="omitted",
                    omission=om.reason,
                    explanation_en=om.explanation_en,
                    explanation_zh=om.explanation_zh,
                )
            )
            continue
        if evidence:
            lines.append(_from_evidence(base, sections, have, required.get((fw.key, d.code), {})))
            continue
        present = [s for s in mapped_sections if s in sections]
        if indicators and hits and not present and DATA_ANNEX in sections:
            present = [DATA_ANNEX]
        if present and (not indicators or hits):
            lines.append(_located(base, sections, present, (), "answered"))
            continue
        lines.append(_gap(base, bool(hits)))
    return ContentIndex(fw.key, fw.name_en, fw.name_zh, tuple(lines), period)


def _located(
    base: IndexLine,
    sections: Mapping[str, OutlineSection],
    present: list[str],
    blocks: tuple[str, ...],
    status: IndexStatus,
    missing: tuple[tuple[str, str], ...] = (),
) -> IndexLine:
    return replace(
        base,
        status=status,
        sections=tuple(present),
        section_titles_en=tuple(sections[s].title_en for s in present),
        section_titles_zh=tuple(sections[s].title_zh for s in present),
        blocks=blocks,
        missing_en=tuple(m[0] for m in missing),
        missing_zh=tuple(m[1] for m in missing),
    )


def _gap(base: IndexLine, has_data: bool) -> IndexLine:
    """Not disclosed, *information unavailable*, with an explanation specific to the disclosure."""
    if base.indicators and not has_data:
        codes = ", ".join(base.indicators)
        en = f"{base.title_en}: the ledger holds no data for this period ({codes})."
        zh = f"{base.title_zh}：本报告期台账中没有所需数据（{codes}）。"
    elif base.indicators:
        held = ", ".join(base.with_data)
        en = (
            f"{base.title_en}: the ledger holds data ({held}) but no table of this report shows it."
        )
        zh = f"{base.title_zh}：台账中有相关数据（{held}），但本报告未以表格呈现。"
    else:
        en = f"No part of this report describes: {base.title_en[:1].lower()}{base.title_en[1:]}."
        zh = f"本报告未就“{base.title_zh}”作出说明。"
    return replace(
        base,
        status="gap",
        sections=(),
        omission="information unavailable",
        explanation_en=en,
        explanation_zh=zh,
    )


def _from_evidence(
    base: IndexLine,
    sections: Mapping[str, OutlineSection],
    have: set[str],
    required: Mapping[str, tuple[str, str]],
) -> IndexLine:
    """A line located at the blocks that declare the disclosure and carry its data.

    A disclosure that needs data (its mapping names indicators) is answered only
    by tables, KPIs, charts or targets that print one of them with data for the
    period; text blocks declaring it are listed beside those. Without a declaring
    block, a data disclosure is located at the key-figures annex when a table
    there prints its data.
    """
    fw, code = base.framework, base.code
    declared = [
        (b, items)
        for sec in sections.values()
        for b in sec.blocks
        if (items := b.items_for(fw, code)) is not None
    ]

    def carries(b: BlockEvidence) -> bool:
        return b.kind != "text" and bool(expand_codes(base.indicators, set(b.metrics) & have))

    if base.indicators:
        chosen = [(b, i) for b, i in declared if carries(b)]
        if chosen:
            chosen += [(b, i) for b, i in declared if b.kind == "text"]
        elif DATA_ANNEX in sections:
            chosen = [(b, frozenset()) for b in sections[DATA_ANNEX].blocks if carries(b)]
    else:
        chosen = declared
    if not chosen:
        return _gap(base, bool(base.with_data))
    present: list[str] = []
    for b, _ in chosen:
        if b.section not in present:
            present.append(b.section)
    refs = tuple(b.ref for b, _ in chosen)
    covered: set[str] = set()
    whole = False
    for _, items in chosen:
        whole = whole or not items
        covered |= items
    missing = () if whole else tuple(t for i, t in required.items() if i not in covered)
    return _located(base, sections, present, refs, "partial" if missing else "answered", missing)


def index_entries(index: ContentIndex) -> list[IndexEntry]:
    """The index as the report composer's :class:`~esgledger.report.data.IndexEntry` rows.

    Answered lines carry their sections; omitted lines and gaps carry the
    omission reason and the explanation in both languages (the composer adds the label).
    """
    return [
        IndexEntry(
            framework=index.framework,
            code=line.code,
            title_en=line.title_en,
            title_zh=line.title_zh,
            sections=line.sections,
            omission=line.omission,
            omission_note=line.explanation_en,
            omission_note_zh=line.explanation_zh,
            group_en=line.group_en,
            group_zh=line.group_zh,
            status=line.status,
            missing_en=line.missing_en,
            missing_zh=line.missing_zh,
            blocks=line.blocks,
        )
        for line in index.lines
    ]


def in_accordance(index: ContentIndex) -> bool:
    """Whether a GRI index supports a claim *in accordance with the GRI Standards*.

    Conservative reading of GRI 1 (requirements 1-9): every disclosure of GRI 2
    and GRI 3 fully answered, and every other disclosure answered or omitted with
    one of the four reasons (no gaps, nothing partial). Anything less is
    *with reference to*.
    """
    for line in index.lines:
        core = line.code.startswith(("2-", "3-"))
        if core and line.status != "answered":
            return False
        if line.status in ("gap", "partial"):
            return False
    return True


def index_note(index: ContentIndex, company: str, period: int | str, lang: str) -> str:
    """The statement above an index: GRI's statement of use, or a count for the others."""
    c = index.counts()
    not_disclosed = c["omitted"] + c["gap"]
    if lang == "zh":
        tally = (
            f"共{len(index.lines)}项：已披露{c['answered']}项，部分披露{c['partial']}项，"
            f"未披露{not_disclosed}项（均注明原因）。"
        )
    else:
        tally = (
            f"{len(index.lines)} disclosures: {c['answered']} disclosed, {c['partial']} "
            f"partially disclosed, {not_disclosed} not disclosed (each with its reason)."
        )
    if index.framework != "gri":
        return tally
    full = in_accordance(index)
    if lang == "zh":
        how = "符合GRI标准（in accordance）" if full else "参考GRI标准（with reference to）"
        use = f"使用声明：{company}已{how}报告本索引所列{period}年1月1日至12月31日期间的信息。"
    else:
        how = "in accordance with" if full else "with reference to"
        use = (
            f"Statement of use: {company} has reported the information cited in this GRI "
            f"content index for the period 1 January {period} to 31 December {period} "
            f"{how} the GRI Standards."
        )
    return f"{use} {tally}" if lang != "zh" else f"{use}{tally}"
