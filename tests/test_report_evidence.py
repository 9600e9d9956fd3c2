"""Content indexes from evidence: a row points only at blocks that declare and carry it."""

from __future__ import annotations

import pytest

from esgledger.catalog.frameworks import FRAMEWORKS, OMISSION_REASONS, load_mappings
from esgledger.catalog.indicators import load_indicators
from esgledger.report.definition import (
    TableBlock,
    TableBody,
    TableRowDef,
    Text,
    TextBlock,
    load_definition,
)
from esgledger.report.indexes import (
    BlockEvidence,
    OutlineSection,
    available_codes,
    build_index,
    expand_codes,
    in_accordance,
    index_note,
    outline_of,
)

ALL_DATA = available_codes(load_indicators())
# a ledger like the demo's: energy, electricity, fuels and output, nothing social
SOME_DATA = available_codes({"energy.electricity.purchased", "fuel.natural_gas", "production.reo"})
OUTLINE = outline_of(load_definition().sections)
BLOCKS = {b.ref: b for s in OUTLINE for b in s.blocks}


@pytest.mark.parametrize("key", FRAMEWORKS)
@pytest.mark.parametrize(
    "available", [ALL_DATA, SOME_DATA, frozenset()], ids=["all", "some", "none"]
)
def test_no_row_points_to_a_block_lacking_the_disclosures_data(
    key: str, available: frozenset[str]
) -> None:
    index = build_index(key, OUTLINE, available)
    maps = load_mappings()
    for line in index.lines:
        if line.status not in ("answered", "partial"):
            assert not line.blocks and line.omission in OMISSION_REASONS
            assert line.explanation_en and line.explanation_zh
            continue
        assert line.blocks, line.code
        m = maps[(key, line.code)]
        data_blocks = [BLOCKS[r] for r in line.blocks if BLOCKS[r].kind != "text"]
        for ref in line.blocks:
            block = BLOCKS[ref]
            assert ref.split("#")[0] in line.sections
            if block.section != "appendix.data":  # the annex answers data it prints
                assert block.items_for(key, line.code) is not None, (line.code, ref)
        if m.indicators:
            assert data_blocks, line.code  # a data disclosure needs a data block
            for block in data_blocks:
                assert expand_codes(m.indicators, set(block.metrics) & available), (
                    line.code,
                    block.ref,
                )


def test_the_issues_overclaims_are_not_disclosed_with_specific_reasons() -> None:
    lines = {
        (fw, line.code): line
        for fw in FRAMEWORKS
        for line in build_index(fw, OUTLINE, ALL_DATA).lines
    }
    overclaims = [
        ("issb", c)
        for c in ("S2.15(a)", "S2.15(b)", "S2.16(a)", "S2.16(d)", "S2.22(a)", "S2.22(b)")
    ] + [
        ("issb", "S2.29(f)"),
        ("issb", "S2.29(g)"),
        *(("gri", c) for c in ("2-4", "2-28", "201-1", "201-4", "202-1", "405-2")),
        ("sasac", "E.3.3.1"),
        ("sasac", "E.1.2.1"),
    ]
    explanations = set()
    for key in overclaims:
        line = lines[key]
        assert line.status == "omitted" and not line.sections, key
        explanations.add(line.explanation_en)
    assert len(explanations) == len(overclaims)  # no boilerplate: one explanation each
    assert lines[("issb", "S2.29(f)")].omission == "not applicable"
    # GRI 2-5 is answered by the "not assured" statement only: partial, naming item a
    assurance = lines[("gri", "2-5")]
    assert assurance.status == "partial"
    assert assurance.missing_en == ("policy and practice for seeking external assurance",)
    assert lines[("gri", "2-6")].status == "partial"


def test_gaps_explain_themselves() -> None:
    index = build_index("gri", OUTLINE, SOME_DATA)
    gaps = [line for line in index.lines if line.status == "gap"]
    assert gaps
    # every gap says what is missing for that disclosure, not one shared sentence
    assert len({g.explanation_en for g in gaps}) == len(gaps)
    by_code = {g.code: g for g in gaps}
    assert "the ledger holds no data for this period (safety.fatalities" in (
        by_code["403-9"].explanation_en
    )


def _outline() -> tuple[OutlineSection, ...]:
    table = TableBlock(
        answers=["sse:6", "gri:305-1#a,e"],
        table=TableBody(
            title=Text(en="Energy", zh="能源"), rows=[TableRowDef(metric="energy.total_tce")]
        ),
    )
    text = TextBlock(answers=["sse:4", "sse:6"], text="energy")

    class Sec:
        id = "environment.energy"
        title = Text(en="Energy", zh="能源")
        blocks = (text, table)

    return outline_of([Sec()])


def test_status_from_declared_blocks_by_hand() -> None:
    outline = _outline()
    assert outline[0].blocks == (
        BlockEvidence("environment.energy", 1, "text", ("sse:4", "sse:6"), ()),
        BlockEvidence(
            "environment.energy", 2, "table", ("sse:6", "gri:305-1#a,e"), ("energy.total_tce",)
        ),
    )
    available = available_codes({"fuel.diesel"})  # energy.total_tce computable
    sse = {line.code: line for line in build_index("sse", outline, available).lines}
    # 6 needs data: the table carries it, the text beside it is listed too
    assert sse["6"].status == "answered"
    assert sse["6"].blocks == ("environment.energy#2", "environment.energy#1")
    assert sse["4"].status == "answered" and sse["4"].blocks == ("environment.energy#1",)
    # 7 (water) is declared nowhere: not disclosed
    assert sse["7"].status == "gap" and sse["7"].omission == "information unavailable"
    # without data the table no longer carries SSE 6
    none = {line.code: line for line in build_index("sse", outline, frozenset()).lines}
    assert none["6"].status == "gap" and not none["6"].sections
    # GRI 305-1 is mapped to ghg.scope1, which this table does not print
    gri = {line.code: line for line in build_index("gri", outline, available).lines}
    assert gri["305-1"].status == "gap"


def test_statement_of_use_follows_from_the_result() -> None:
    index = build_index("gri", OUTLINE, ALL_DATA)
    assert not in_accordance(index)  # 2-4 omitted, 2-5 partial
    en = index_note(index, "ACME", 2024, "en")
    assert en.startswith(
        "Statement of use: ACME has reported the information cited in this GRI content index "
        "for the period 1 January 2024 to 31 December 2024 with reference to the GRI Standards."
    )
    c = index.counts()
    assert f"{c['answered']} disclosed, {c['partial']} partially disclosed" in en
    zh = index_note(index, "某公司", 2024, "zh")
    assert "参考GRI标准" in zh and "部分披露" in zh
    assert "Statement of use" not in index_note(
        build_index("sse", OUTLINE, ALL_DATA), "A", 2024, "en"
    )
