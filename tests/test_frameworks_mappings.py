"""Mappings and default omissions name real disclosures, indicators, metrics and sections."""

from __future__ import annotations

import pytest

from esgledger.catalog.frameworks import (
    FRAMEWORKS,
    OMISSION_REASONS,
    DisclosureMap,
    check_references,
    disclosures_for,
    expand_codes,
    load_framework,
    load_mappings,
    load_metric_needs,
    load_omissions,
    parse_omissions,
)
from esgledger.catalog.indicators import load_indicators
from esgledger.errors import ValidationError
from esgledger.report.coverage import template_outline
from esgledger.report.indexes import DEFAULT_OUTLINE

# The calculation engine's stable metric codes (issue 3, item 6).
STABLE_METRICS = {
    "energy.total_tce", "energy.total_gj", "energy.renewable_share", "ghg.scope1",
    "ghg.scope1.co2", "ghg.scope2.location", "ghg.scope2.market", "ghg.scope3",
    "ghg.total.location", "intensity.energy_per_treo", "intensity.ghg_per_treo",
}  # fmt: skip


def test_every_mapping_target_exists() -> None:
    assert check_references(section_ids=[s.id for s in DEFAULT_OUTLINE]) == []


def test_mapped_sections_exist_in_the_report_template() -> None:
    ids = [s.id for s in template_outline()]
    assert {s.id for s in DEFAULT_OUTLINE} <= set(ids)
    problems = check_references(section_ids=ids)
    assert problems == [], "\n".join(str(p) for p in problems)


def test_check_references_reports_a_bad_section_and_an_unknown_code() -> None:
    # Leave out one section id that mappings use: every mapping to it is reported.
    ids = [s.id for s in DEFAULT_OUTLINE if s.id != "environment.water"]
    problems = check_references(section_ids=ids)
    water = [m for m in load_mappings().values() if "environment.water" in m.sections]
    assert len(problems) == len(water) > 0
    assert {p.value for p in problems} == {"environment.water"}


def test_metric_needs_are_the_stable_metric_codes() -> None:
    assert set(load_metric_needs()) == STABLE_METRICS
    indicators = set(load_indicators())
    for need in load_metric_needs().values():
        for group in need.requires:
            assert expand_codes(group, indicators), (need.code, group)


@pytest.mark.parametrize("key", FRAMEWORKS)
def test_every_disclosure_is_mapped_or_omitted_by_default(key: str) -> None:
    maps = load_mappings()
    omissions = load_omissions()
    for d in load_framework(key).disclosures:
        mapped = (key, d.code) in maps and maps[(key, d.code)].sections
        omitted = (key, d.code) in omissions
        assert mapped or omitted, f"{key} {d.code} is neither mapped nor omitted"
        assert not (mapped and omitted), f"{key} {d.code} is both mapped and omitted"


def test_quantitative_disclosures_name_their_data() -> None:
    maps = load_mappings()
    assert "ghg.scope1" in maps[("gri", "305-1")].indicators
    assert "energy.total_tce" in maps[("sasac", "E.1.3.4")].indicators
    assert "ghg.scope2.location" in maps[("issb", "S2.29(a)(i)(2)")].indicators
    assert "water.fresh" in maps[("sse", "7")].indicators
    assert maps[("gri", "2-9")] == DisclosureMap(
        "gri",
        "2-9",
        ("governance.structure",),
        ("board.size", "board.independent", "board.female", "board.committees", "supervisory.size"),
    )


def test_disclosures_for_an_indicator_and_a_metric() -> None:
    assert disclosures_for("air.so2") == ("GRI 305-7", "SSE 2", "SASAC E.2.2.2")
    labels = disclosures_for("ghg.scope1")
    assert {"GRI 305-1", "SSE 1", "SASAC E.3.1.3", "IFRS S2.29(a)(i)(1)"} <= set(labels)
    # A prefix pattern (fuel.*) counts for every fuel indicator.
    assert "GRI 302-1" in disclosures_for("fuel.diesel")
    assert disclosures_for("no.such.code") == ()


def test_expand_codes_exact_and_prefix() -> None:
    known = ["fuel.diesel", "fuel.coke", "fuelish", "water.fresh"]
    assert expand_codes(["fuel.*"], known) == {"fuel.diesel", "fuel.coke"}
    assert expand_codes(["water.fresh", "water.none"], known) == {"water.fresh"}
    assert expand_codes([], known) == set()


def test_default_omissions_have_valid_reasons_and_explanations() -> None:
    omissions = load_omissions()
    assert len(omissions) == 40
    for om in omissions.values():
        assert om.reason in OMISSION_REASONS
        assert om.explanation_en and om.explanation_zh
    assert omissions[("gri", "415-1")].reason == "legal prohibition"


def test_user_omissions_replace_defaults(tmp_path) -> None:
    path = tmp_path / "omissions.csv"
    path.write_text(
        "\ufeffframework,disclosure,reason,explanation_en,explanation_zh\n"
        "gri,2-21,confidentiality,Pay data are confidential.,薪酬数据保密。\n"
        "sse,12,not applicable,No research involving ethics review.,\n",
        encoding="utf-8",
    )
    omissions = load_omissions(path)
    assert omissions[("gri", "2-21")].reason == "confidentiality"
    assert omissions[("sse", "12")].explanation_zh == "No research involving ethics review."
    assert len(omissions) == 41  # 40 defaults, one replaced, one added


def test_bad_omissions_file_lists_every_problem() -> None:
    text = (
        "framework,disclosure,reason,explanation_en,explanation_zh\n"
        "gri,2-21,secret,x,\n"  # row 2: bad reason
        "esrs,E1-1,not applicable,x,\n"  # row 3: unknown framework
        "gri,999-9,not applicable,x,\n"  # row 4: unknown disclosure
        "sse,4,not applicable,,\n"  # row 5: no explanation
        "sse,3,not applicable,x,\n"
        "sse,3,confidentiality,y,\n"  # row 7: duplicate
    )
    with pytest.raises(ValidationError) as info:
        parse_omissions(text, file="om.csv")
    found = [(p.row, p.column) for p in info.value.problems]
    assert found == [
        (2, "reason"),
        (3, "framework"),
        (4, "disclosure"),
        (5, "explanation_en"),
        (7, "disclosure"),
    ]
    assert all(p.file == "om.csv" for p in info.value.problems)


def test_omissions_file_without_required_columns() -> None:
    with pytest.raises(ValidationError) as info:
        parse_omissions("framework,disclosure\ngri,2-1\n", file="om.csv")
    assert [p.column for p in info.value.problems] == ["reason", "explanation_en", "explanation_zh"]
