"""Framework catalogues: GRI 2021, SSE Guideline No. 14, the SASAC indicator system, IFRS S2.

Each catalogue is a YAML file in ``data/frameworks/`` with its provenance
(publisher, document, edition) and its disclosures in groups. Two CSV files
connect them to the rest of esgledger:

- ``mappings.csv``: ``framework, disclosure, sections, indicators`` — the report
  sections that answer a disclosure and the indicator or metric codes whose
  data it needs (``;``-separated; a trailing ``*`` matches a code prefix);
- ``omissions.csv``: the default reason (and explanation in English and
  Chinese) for disclosures a report omits. A user file with the same columns
  replaces rows by ``(framework, disclosure)``.

``metrics.yaml`` lists the calculated metrics a mapping may name and the ledger
data each needs. Everything here is read lazily; nothing happens at import.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, Literal, cast

import yaml

from esgledger.catalog.indicators import load_indicators
from esgledger.errors import NotFoundError, Problem, ValidationError

__all__ = [
    "FRAMEWORKS",
    "FRAMEWORK_LABELS",
    "OMISSION_REASONS",
    "Disclosure",
    "DisclosureMap",
    "Framework",
    "FrameworkKey",
    "Group",
    "MetricNeed",
    "Omission",
    "OmissionReason",
    "check_references",
    "disclosures_for",
    "expand_codes",
    "load_framework",
    "load_frameworks",
    "load_mappings",
    "load_metric_needs",
    "load_omissions",
    "load_required_items",
    "parse_omissions",
]

FrameworkKey = Literal["gri", "sse", "sasac", "issb"]
FRAMEWORKS: tuple[FrameworkKey, ...] = ("gri", "sse", "sasac", "issb")
#: How a disclosure code is cited outside its own index, e.g. ``GRI 302-1``.
FRAMEWORK_LABELS: dict[FrameworkKey, str] = {
    "gri": "GRI",
    "sse": "SSE",
    "sasac": "SASAC",
    "issb": "IFRS",
}
OmissionReason = Literal[
    "not applicable", "information unavailable", "confidentiality", "legal prohibition"
]
OMISSION_REASONS: tuple[OmissionReason, ...] = (
    "not applicable",
    "information unavailable",
    "confidentiality",
    "legal prohibition",
)

_DATA = "data/frameworks"


@dataclass(frozen=True)
class Group:
    """A heading of a catalogue: a GRI standard, an SSE dimension, a SASAC tier-1/2 indicator."""

    code: str
    title_en: str
    title_zh: str
    parent: str | None = None


@dataclass(frozen=True)
class Disclosure:
    """One disclosure (GRI), topic or element (SSE), tier-3 indicator (SASAC) or paragraph (S2).

    ``path`` lists the codes of its groups from the top; ``reference`` is an
    article or chapter where the catalogue gives one (SSE).
    """

    framework: FrameworkKey
    code: str
    title_en: str
    title_zh: str
    path: tuple[str, ...]
    kind: str = "disclosure"
    reference: str = ""

    @property
    def group(self) -> str:
        """The code of the innermost group."""
        return self.path[-1] if self.path else ""

    @property
    def label(self) -> str:
        """The code as cited outside the index, e.g. ``GRI 305-1`` or ``IFRS S2.29(a)(i)(1)``."""
        return f"{FRAMEWORK_LABELS[self.framework]} {self.code}"

    def title(self, lang: str) -> str:
        return self.title_zh if lang == "zh" else self.title_en


@dataclass(frozen=True)
class Framework:
    """A catalogue with its provenance, groups and disclosures (in document order)."""

    key: FrameworkKey
    name_en: str
    name_zh: str
    publisher: str
    document: str
    edition: str
    languages: str
    note: str
    groups: tuple[Group, ...]
    disclosures: tuple[Disclosure, ...]

    def get(self, code: str) -> Disclosure:
        for d in self.disclosures:
            if d.code == code:
                return d
        raise NotFoundError(f"{self.key} has no disclosure {code!r}")

    def group(self, code: str) -> Group:
        for g in self.groups:
            if g.code == code:
                return g
        raise NotFoundError(f"{self.key} has no group {code!r}")

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(d.code for d in self.disclosures)

    def name(self, lang: str) -> str:
        return self.name_zh if lang == "zh" else self.name_en


@dataclass(frozen=True)
class DisclosureMap:
    """Where the default report answers a disclosure and which data it needs."""

    framework: FrameworkKey
    disclosure: str
    sections: tuple[str, ...]
    indicators: tuple[str, ...]


@dataclass(frozen=True)
class Omission:
    """Why a disclosure is omitted, with an explanation in both languages."""

    framework: FrameworkKey
    disclosure: str
    reason: OmissionReason
    explanation_en: str
    explanation_zh: str

    def explanation(self, lang: str) -> str:
        return self.explanation_zh if lang == "zh" else self.explanation_en


@dataclass(frozen=True)
class MetricNeed:
    """A calculated metric and the ledger data it needs (every group, any code of each)."""

    code: str
    unit: str
    requires: tuple[tuple[str, ...], ...]


def _read(name: str) -> str:
    return resources.files("esgledger.catalog").joinpath(f"{_DATA}/{name}").read_text("utf-8-sig")


def _check_key(key: str) -> FrameworkKey:
    k = key.strip().lower()
    if k not in FRAMEWORKS:
        raise NotFoundError(
            f"unknown framework {key!r}", hint=f"choose one of: {', '.join(FRAMEWORKS)}"
        )
    return k


def _walk(
    key: FrameworkKey,
    nodes: list[dict[str, Any]],
    parent: tuple[str, ...],
    groups: list[Group],
    out: list[Disclosure],
) -> None:
    for node in nodes:
        code = str(node["code"])
        groups.append(
            Group(
                code, str(node["title_en"]), str(node["title_zh"]), parent[-1] if parent else None
            )
        )
        path = (*parent, code)
        _walk(key, node.get("groups", []), path, groups, out)
        for d in node.get("disclosures", []):
            out.append(
                Disclosure(
                    framework=key,
                    code=str(d["code"]),
                    title_en=str(d["title_en"]),
                    title_zh=str(d["title_zh"]),
                    path=path,
                    kind=str(d.get("kind", "disclosure")),
                    reference=str(d.get("reference", "")),
                )
            )


@lru_cache(maxsize=8)
def load_framework(key: str) -> Framework:
    """The catalogue of framework ``key`` (``gri``, ``sse``, ``sasac`` or ``issb``)."""
    k = _check_key(key)
    doc = yaml.safe_load(_read(f"{k}.yaml"))
    groups: list[Group] = []
    out: list[Disclosure] = []
    _walk(k, doc["groups"], (), groups, out)
    return Framework(
        key=k,
        name_en=str(doc["name_en"]),
        name_zh=str(doc["name_zh"]),
        publisher=str(doc["publisher"]),
        document=str(doc["document"]),
        edition=str(doc["edition"]),
        languages=str(doc.get("languages", "")),
        note=str(doc.get("note", "")),
        groups=tuple(groups),
        disclosures=tuple(out),
    )


def load_frameworks() -> dict[FrameworkKey, Framework]:
    """All four catalogues, by key."""
    return {k: load_framework(k) for k in FRAMEWORKS}


def _split(text: str | None) -> tuple[str, ...]:
    return tuple(p.strip() for p in (text or "").split(";") if p.strip())


@lru_cache(maxsize=1)
def load_mappings() -> dict[tuple[FrameworkKey, str], DisclosureMap]:
    """The built-in mappings, by ``(framework, disclosure)``."""
    out: dict[tuple[FrameworkKey, str], DisclosureMap] = {}
    for row in csv.DictReader(io.StringIO(_read("mappings.csv"))):
        fw = _check_key(row["framework"])
        code = row["disclosure"].strip()
        out[(fw, code)] = DisclosureMap(
            fw, code, _split(row.get("sections")), _split(row.get("indicators"))
        )
    return out


@lru_cache(maxsize=1)
def load_metric_needs() -> dict[str, MetricNeed]:
    """Calculated metrics a mapping may name, with the data each needs."""
    doc = yaml.safe_load(_read("metrics.yaml"))
    return {
        str(code): MetricNeed(
            str(code),
            str(spec["unit"]),
            tuple(tuple(str(c) for c in group) for group in spec["requires"]),
        )
        for code, spec in doc["metrics"].items()
    }


@lru_cache(maxsize=1)
def load_required_items() -> dict[tuple[FrameworkKey, str], dict[str, tuple[str, str]]]:
    """Required items of disclosures (``items.yaml``): item letter -> (English, Chinese)."""
    doc = yaml.safe_load(_read("items.yaml"))
    out: dict[tuple[FrameworkKey, str], dict[str, tuple[str, str]]] = {}
    for fw, disclosures in (doc.get("items") or {}).items():
        key = _check_key(str(fw))
        for code, items in disclosures.items():
            out[(key, str(code))] = {str(i): (str(t["en"]), str(t["zh"])) for i, t in items.items()}
    return out


_OMISSION_COLUMNS = ("framework", "disclosure", "reason", "explanation_en", "explanation_zh")


def parse_omissions(
    text: str, *, file: str = "omissions.csv"
) -> dict[tuple[FrameworkKey, str], Omission]:
    """Read an omissions CSV, checking every row; one ``ValidationError`` lists all problems."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    header = [h.strip() for h in reader.fieldnames or []]
    missing = [c for c in _OMISSION_COLUMNS if c not in header]
    if missing:
        raise ValidationError(
            [Problem(file, 1, c, None, "this column in the header") for c in missing],
            what=file,
        )
    frameworks = load_frameworks()
    problems: list[Problem] = []
    out: dict[tuple[FrameworkKey, str], Omission] = {}
    for rownum, raw in enumerate(reader, start=2):
        row = {k.strip(): (v or "").strip() for k, v in raw.items() if k is not None}
        fw, code, reason = row["framework"].lower(), row["disclosure"], row["reason"].lower()
        ok = True
        if fw not in FRAMEWORKS:
            problems.append(
                Problem(file, rownum, "framework", row["framework"], "gri, sse, sasac or issb")
            )
            ok = False
        elif code not in frameworks[cast(FrameworkKey, fw)].codes:
            problems.append(
                Problem(
                    file, rownum, "disclosure", code, f"a disclosure code of the {fw} catalogue"
                )
            )
            ok = False
        if reason not in OMISSION_REASONS:
            problems.append(
                Problem(file, rownum, "reason", row["reason"], " | ".join(OMISSION_REASONS))
            )
            ok = False
        if not row["explanation_en"] and not row["explanation_zh"]:
            problems.append(
                Problem(file, rownum, "explanation_en", "", "an explanation (en or zh)")
            )
            ok = False
        if ok and (cast(FrameworkKey, fw), code) in out:
            problems.append(Problem(file, rownum, "disclosure", code, "one row per disclosure"))
            ok = False
        if ok:
            key = (cast(FrameworkKey, fw), code)
            out[key] = Omission(
                key[0],
                code,
                cast(OmissionReason, reason),
                row["explanation_en"] or row["explanation_zh"],
                row["explanation_zh"] or row["explanation_en"],
            )
    if problems:
        raise ValidationError(problems, what=file)
    return out


@lru_cache(maxsize=1)
def _default_omissions() -> dict[tuple[FrameworkKey, str], Omission]:
    return parse_omissions(_read("omissions.csv"), file="omissions.csv (built-in)")


def load_omissions(path: Path | None = None) -> dict[tuple[FrameworkKey, str], Omission]:
    """The default omissions, with the rows of the user file ``path`` replacing them."""
    out = dict(_default_omissions())
    if path is not None:
        try:
            text = path.read_text(encoding="utf-8-sig")
        except OSError as exc:
            raise NotFoundError(f"cannot read {path}: {exc.strerror or exc}") from None
        out.update(parse_omissions(text, file=str(path)))
    return out


def expand_codes(patterns: Iterable[str], known: Iterable[str]) -> set[str]:
    """The codes of ``known`` that ``patterns`` name (exactly, or by prefix with ``*``)."""
    known_set = set(known)
    out: set[str] = set()
    for p in patterns:
        if p.endswith("*"):
            out.update(c for c in known_set if c.startswith(p[:-1]))
        elif p in known_set:
            out.add(p)
    return out


def _matches(pattern: str, codes: Iterable[str]) -> bool:
    if pattern.endswith("*"):
        return any(c.startswith(pattern[:-1]) for c in codes)
    return pattern in set(codes)


@lru_cache(maxsize=4096)
def disclosures_for(code: str) -> tuple[str, ...]:
    """Labels of the disclosures an indicator or metric answers, e.g. ``("GRI 302-1", "SSE 6")``.

    A mapping that names a metric counts for the metric; one that names an
    indicator pattern (``fuel.*``) counts for every indicator it matches.
    """
    out: list[str] = []
    for (fw, disc), m in load_mappings().items():
        if any(_matches(p, (code,)) for p in m.indicators):
            out.append(f"{FRAMEWORK_LABELS[fw]} {disc}")
    return tuple(out)


def check_references(
    section_ids: Iterable[str] | None = None,
    omissions: Mapping[tuple[FrameworkKey, str], Omission] | None = None,
) -> list[Problem]:
    """Every mapping and omission names a real disclosure, indicator or metric, and section.

    ``section_ids``: the report template's sections (not checked when None).
    Returns the problems found (empty when all is well).
    """
    frameworks = load_frameworks()
    indicators = set(load_indicators())
    metrics = load_metric_needs()
    known = indicators | set(metrics)
    sections = set(section_ids) if section_ids is not None else None
    problems: list[Problem] = []
    for (fw, code), m in load_mappings().items():
        where = f"mappings.csv {fw} {code}"
        if code not in frameworks[fw].codes:
            problems.append(
                Problem(where, None, "disclosure", code, "a disclosure of the catalogue")
            )
        for p in m.indicators:
            if not _matches(p, known):
                problems.append(
                    Problem(where, None, "indicators", p, "an indicator or metric code")
                )
        if sections is not None:
            for s in m.sections:
                if s not in sections:
                    problems.append(
                        Problem(where, None, "sections", s, "a section of the template")
                    )
    for code, need in metrics.items():
        for group in need.requires:
            for p in group:
                if not _matches(p, indicators):
                    problems.append(
                        Problem("metrics.yaml", None, code, p, "an indicator code of the catalogue")
                    )
    for fw, code in omissions if omissions is not None else _default_omissions():
        if code not in frameworks[fw].codes:
            problems.append(
                Problem("omissions.csv", None, fw, code, "a disclosure of the catalogue")
            )
    return problems
