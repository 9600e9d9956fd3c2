"""Content indexes: every disclosure has a location or an omission reason; status rules by hand."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from esgledger.catalog.frameworks import (
    FRAMEWORKS,
    OMISSION_REASONS,
    DisclosureMap,
    Omission,
    load_framework,
)
from esgledger.catalog.indicators import load_indicators
from esgledger.errors import ReportError
from esgledger.report.indexes import (
    DEFAULT_OUTLINE,
    OutlineSection,
    available_codes,
    build_index,
    index_entries,
    outline_of,
)

ALL_DATA = available_codes(load_indicators())


@pytest.mark.parametrize("key", FRAMEWORKS)
@pytest.mark.parametrize("data", ["all", "none"], ids=["all-data", "no-data"])
def test_every_disclosure_has_a_location_or_an_omission_reason(key: str, data: str) -> None:
    available = ALL_DATA if data == "all" else frozenset()
    index = build_index(key, DEFAULT_OUTLINE, available)
    catalogue = load_framework(key)
    assert [line.code for line in index.lines] == list(catalogue.codes)
    section_ids = {s.id for s in DEFAULT_OUTLINE}
    for line in index.lines:
        if line.status == "answered":
            assert line.sections and set(line.sections) <= section_ids
            assert len(line.section_titles_en) == len(line.sections)
            assert not line.omission
        else:
            assert not line.sections
            assert line.omission in OMISSION_REASONS
            assert line.explanation_en and line.explanation_zh
    if data == "all":
        # With data for every indicator, nothing is left as a gap.
        assert index.gaps == ()


def test_with_all_data_counts_are_the_catalogue_minus_default_omissions() -> None:
    # GRI: 120 disclosures, 14 omitted by default (2-21, 207-4, 302-2, 305-6, 410-1, 411-1,
    # 415-1, and 2-4, 2-28, 201-1, 201-4, 202-1, 202-2, 405-2 which the report does not answer).
    index = build_index("gri", DEFAULT_OUTLINE, ALL_DATA)
    assert index.counts() == {"answered": 106, "partial": 0, "omitted": 14, "gap": 0}
    assert index.omitted_by_reason() == {
        "not applicable": 3,
        "information unavailable": 10,
        "confidentiality": 0,
        "legal prohibition": 1,
    }
    assert index.coverage_pct() == 100.0


# A hand-made world: four disclosures of SSE, a two-section outline, own mappings.
OUTLINE = (
    OutlineSection("environment.energy", "Energy", "能源利用"),
    OutlineSection("appendix.data", "Key data", "关键绩效数据"),
)


def _maps(**rows: tuple[tuple[str, ...], tuple[str, ...]]) -> dict[tuple[str, str], DisclosureMap]:
    return {("sse", k): DisclosureMap("sse", k, s, i) for k, (s, i) in rows.items()}


def _line(index, code):  # type: ignore[no-untyped-def]
    return next(line for line in index.lines if line.code == code)


def test_status_rules_by_hand() -> None:
    maps = _maps(
        **{
            "6": (("environment.energy",), ("energy.total_tce",)),  # metric from data → answered
            "7": (("environment.water",), ("water.fresh",)),  # data, section missing → data annex
            "8": (("environment.waste",), ()),  # narrative, section missing → gap
            "4": (("environment.energy",), ()),  # narrative, section present → answered
            "2": (("environment.energy",), ("air.so2",)),  # no data → gap
            "3": (("environment.energy",), ("waste.*",)),  # omitted wins over the mapping
        }
    )
    omissions = {
        ("sse", "3"): Omission("sse", "3", "confidentiality", "Kept confidential.", "保密。"),
    }
    # fuel.diesel lets energy.total_tce be computed (metrics.yaml: energy.* or fuel.*).
    available = available_codes({"fuel.diesel", "water.fresh"})
    assert "energy.total_tce" in available
    index = build_index("sse", OUTLINE, available, omissions=omissions, mappings=maps)

    six = _line(index, "6")
    assert six.status == "answered" and six.sections == ("environment.energy",)
    assert six.section_titles_zh == ("能源利用",)
    assert six.with_data == ("energy.total_tce",)
    seven = _line(index, "7")
    assert seven.status == "answered" and seven.sections == ("appendix.data",)
    assert _line(index, "8").status == "gap"
    assert _line(index, "8").mapped_sections == ("environment.waste",)
    assert _line(index, "4").status == "answered"
    two = _line(index, "2")
    assert two.status == "gap" and two.omission == "information unavailable"
    assert two.explanation_en.endswith(": the ledger holds no data for this period (air.so2).")
    three = _line(index, "3")
    assert three.status == "omitted" and three.omission == "confidentiality"
    assert three.explanation("zh") == "保密。"
    # The other 19 SSE disclosures have no mapping here: gaps.
    # 25 = 3 answered + 1 omitted + 21 gaps.
    assert index.counts() == {"answered": 3, "partial": 0, "omitted": 1, "gap": 21}
    assert index.coverage_pct() == pytest.approx(100 * 4 / 25)
    summary = index.summary()
    assert summary["total"] == 25 and summary["gap"] == 21
    assert summary["omitted_by_reason"]["confidentiality"] == 1
    assert {g["code"] for g in summary["gaps"]} >= {"2", "8"}


def test_data_annex_is_not_used_when_the_outline_has_none() -> None:
    maps = _maps(**{"7": (("environment.water",), ("water.fresh",))})
    outline = OUTLINE[:1]
    index = build_index("sse", outline, {"water.fresh"}, omissions={}, mappings=maps)
    assert _line(index, "7").status == "gap"


def test_metric_needs_every_group() -> None:
    # intensity.energy_per_treo needs energy (energy.* or fuel.*) AND production.reo.
    assert "intensity.energy_per_treo" not in available_codes({"fuel.coke"})
    assert "intensity.energy_per_treo" not in available_codes({"production.reo"})
    assert "intensity.energy_per_treo" in available_codes({"fuel.coke", "production.reo"})
    assert "ghg.scope1" not in available_codes({"energy.electricity.purchased"})
    assert "ghg.scope2.location" in available_codes({"energy.electricity.purchased"})
    assert available_codes(set()) == frozenset()


@dataclass(frozen=True)
class _Text:
    en: str
    zh: str


@dataclass(frozen=True)
class _Section:
    id: str
    title: _Text


def test_outline_from_template_sections() -> None:
    outline = outline_of([_Section("about", _Text("About", "关于")), OUTLINE[0]])
    assert outline == (OutlineSection("about", "About", "关于"), OUTLINE[0])
    with pytest.raises(ReportError):
        outline_of([object()])


def test_to_dict_is_json_ready() -> None:
    index = build_index("issb", DEFAULT_OUTLINE, frozenset(), period="2024")
    data = index.to_dict()
    assert data["framework"] == "issb" and data["period"] == "2024"
    assert len(data["disclosures"]) == 59
    first = data["disclosures"][0]
    assert first["code"] == "S2.6(a)" and first["label"] == "IFRS S2.6(a)"
    assert first["status"] == "answered"


def test_index_entries_for_the_composer() -> None:
    index = build_index("gri", DEFAULT_OUTLINE, frozenset())
    entries = index_entries(index)
    assert len(entries) == 120
    by_code = {e.code: e for e in entries}
    assert by_code["2-1"].sections == ("about",) and by_code["2-1"].omission == ""
    assert by_code["415-1"].sections == () and by_code["415-1"].omission == "legal prohibition"
    assert by_code["305-1"].omission == "information unavailable"  # a gap: no data
    assert by_code["305-1"].omission_note == (
        "Direct (Scope 1) GHG emissions: the ledger holds no data for this period "
        "(ghg.scope1, ghg.scope1.co2, ghg.scope1.reported)."
    )
    assert by_code["305-1"].group_en == "Emissions 2016"


_CODES = sorted(load_indicators())


@settings(max_examples=40, deadline=None)
@given(
    key=st.sampled_from(FRAMEWORKS),
    some=st.sets(st.sampled_from(_CODES), max_size=40),
    more=st.sets(st.sampled_from(_CODES), max_size=40),
)
def test_more_data_never_loses_an_answer(key: str, some: set[str], more: set[str]) -> None:
    small = build_index(key, DEFAULT_OUTLINE, available_codes(some))
    large = build_index(key, DEFAULT_OUTLINE, available_codes(some | more))
    for a, b in zip(small.lines, large.lines, strict=True):
        assert a.code == b.code
        assert a.located or a.omission in OMISSION_REASONS
        if a.status == "answered":
            assert b.status == "answered"
        if a.status == "omitted":
            assert (b.status, b.omission) == (a.status, a.omission)
    counts = large.counts()
    assert sum(counts.values()) == len(load_framework(key).disclosures)
    assert counts["answered"] >= small.counts()["answered"]
