"""Framework catalogues are complete: counts, numbering, titles in both languages, provenance."""

from __future__ import annotations

import re

import pytest

from esgledger.catalog.frameworks import FRAMEWORKS, load_framework, load_frameworks
from esgledger.errors import NotFoundError

CJK = re.compile(r"[\u4e00-\u9fff]")

# GRI topic standards of the 2021 set and the number of disclosures in each
# (GRI Standards, consolidated set 2021; 307 and 419 were withdrawn in 2021).
GRI_TOPICS = {
    201: 4, 202: 2, 203: 2, 204: 1, 205: 3, 206: 1, 207: 4,
    301: 3, 302: 5, 303: 5, 304: 4, 305: 7, 306: 5, 308: 2,
    401: 3, 402: 1, 403: 10, 404: 3, 405: 2, 406: 1, 407: 1, 408: 1, 409: 1,
    410: 1, 411: 1, 412: 3, 413: 2, 414: 2, 415: 1, 416: 2, 417: 3, 418: 1,
}  # fmt: skip


def _codes_in(key: str, group: str) -> list[str]:
    return [d.code for d in load_framework(key).disclosures if d.group == group]


@pytest.mark.parametrize("key", FRAMEWORKS)
def test_every_catalogue_has_provenance_and_unique_codes(key: str) -> None:
    fw = load_framework(key)
    for field in (fw.name_en, fw.name_zh, fw.publisher, fw.document, fw.edition):
        assert field.strip()
    assert CJK.search(fw.name_zh)
    codes = fw.codes
    assert len(codes) == len(set(codes)), "duplicate disclosure codes"
    for d in fw.disclosures:
        assert d.title_en.strip() and d.title_zh.strip(), d.code
        assert CJK.search(d.title_zh), f"{key} {d.code} has no Chinese title"
        assert not CJK.search(d.title_en), f"{key} {d.code}: Chinese in the English title"
        assert d.path and d.group in {g.code for g in fw.groups}


def test_gri_general_disclosures_are_2_1_to_2_30_and_3_1_to_3_3() -> None:
    assert _codes_in("gri", "GRI 2") == [f"2-{i}" for i in range(1, 31)]
    assert _codes_in("gri", "GRI 3") == ["3-1", "3-2", "3-3"]


def test_gri_topic_standards_are_complete_and_numbered() -> None:
    fw = load_framework("gri")
    topic_groups = [g.code for g in fw.groups if g.code not in ("GRI 2", "GRI 3")]
    assert topic_groups == [f"GRI {n}" for n in GRI_TOPICS]
    for n, count in GRI_TOPICS.items():
        assert _codes_in("gri", f"GRI {n}") == [f"{n}-{i}" for i in range(1, count + 1)]
    # 30 general + 3 material-topic + the topic disclosures: 30 + 3 + 87 = 120.
    assert sum(GRI_TOPICS.values()) == 87
    assert len(fw.disclosures) == 120
    assert fw.get("305-1").title_en == "Direct (Scope 1) GHG emissions"
    assert fw.get("418-1").label == "GRI 418-1"


def test_sse_has_21_topics_in_three_dimensions_and_four_elements() -> None:
    fw = load_framework("sse")
    topics = [d for d in fw.disclosures if d.kind == "topic"]
    assert [d.code for d in topics] == [str(i) for i in range(1, 22)]
    assert _codes_in("sse", "environment") == [str(i) for i in range(1, 9)]
    assert _codes_in("sse", "society") == [str(i) for i in range(9, 18)]
    assert _codes_in("sse", "governance") == [str(i) for i in range(18, 22)]
    assert [d.code for d in fw.disclosures if d.kind == "element"] == ["GOV", "STR", "IRO", "MT"]
    assert fw.get("IRO").title_zh == "影响、风险和机遇管理"
    assert fw.get("1").title_zh == "应对气候变化"
    assert fw.get("21").title_zh == "反不正当竞争"
    for d in topics:
        assert re.fullmatch(r"Art\. \d+(–\d+)?", d.reference), d


def test_sasac_has_14_tier1_45_tier2_132_tier3_with_nested_codes() -> None:
    fw = load_framework("sasac")
    tier1 = [g for g in fw.groups if g.parent is None]
    tier2 = [g for g in fw.groups if g.parent is not None]
    assert len(tier1) == 14 and len(tier2) == 45 and len(fw.disclosures) == 132
    assert [g.code for g in tier1] == [
        "E.1", "E.2", "E.3", "E.4", "E.5", "S1", "S2", "S3", "S4", "G1", "G2", "G3", "G4", "G5",
    ]  # fmt: skip
    for g in tier2:
        assert g.code.startswith(g.parent + "."), g
    for d in fw.disclosures:
        assert d.code.startswith(d.group + "."), d
        assert len(d.path) == 2
    # Codes as printed in the seed report's index.
    assert fw.get("E.1.3.5").title_en == "Intensity of energy consumption"
    assert fw.get("S1.3.3").title_en == "Safety incidents and occupational injuries"
    assert fw.get("G5.2.3").title_en == "Risk reporting and management"


def _paragraph(code: str) -> int:
    m = re.match(r"S2\.(\d+)", code)
    assert m, code
    return int(m.group(1))


def test_issb_s2_covers_paragraphs_6_to_37_in_the_four_pillars() -> None:
    fw = load_framework("issb")
    ranges = {
        "governance": range(6, 8),
        "strategy": range(8, 24),
        "risk_management": range(24, 27),
        "metrics_targets": range(27, 38),
    }
    for group, paragraphs in ranges.items():
        found = {_paragraph(c) for c in _codes_in("issb", group)}
        assert found == set(paragraphs), group
    codes = set(fw.codes)
    assert {"S2.22(a)", "S2.22(b)"} <= codes  # climate resilience
    # paragraph 29's cross-industry metric categories (a)–(g), with Scopes 1–3 in (a)(i)
    assert {f"S2.29(a)(i)({i})" for i in (1, 2, 3)} <= codes
    assert {f"S2.29({c})" for c in "bcdefg"} <= codes
    assert fw.get("S2.29(f)").title_en == "Internal carbon prices"
    assert fw.get("S2.29(a)(i)(1)").label == "IFRS S2.29(a)(i)(1)"


def test_load_frameworks_and_unknown_key() -> None:
    assert list(load_frameworks()) == ["gri", "sse", "sasac", "issb"]
    assert load_framework("GRI").key == "gri"
    with pytest.raises(NotFoundError, match="unknown framework 'esrs'"):
        load_framework("esrs")
    with pytest.raises(NotFoundError):
        load_framework("gri").get("999-1")
