"""Hand-made report data for the report tests (no ledger needed).

Figures are the seed company's published 2022–2024 values (2024 ESG report of
China Northern Rare Earth: energy table, highlights); computed metrics are
small hand-worked numbers, not engine output.
"""

from __future__ import annotations

import html as htmllib
import io
import re

from esgledger.report.data import (
    Datum,
    IndexEntry,
    MaterialTopic,
    ReportData,
    RiskItem,
    TargetStatus,
)

ROOT = "NRE"
RUN = "calc-test01"

# (code, unit, {year: value}, run)
SERIES: list[tuple[str, str, dict[int, float], str]] = [
    # seed, energy consumption performance table
    ("energy.electricity.purchased", "MWh", {2022: 643017, 2023: 739771, 2024: 819687}, "ledger"),
    ("energy.steam.purchased", "t", {2022: 79318, 2023: 119186, 2024: 41225}, "ledger"),
    ("fuel.natural_gas", "m3", {2022: 95983976, 2023: 73386298, 2024: 69759526}, "ledger"),
    ("fuel.diesel", "t", {2022: 944, 2023: 1065, 2024: 931}, "ledger"),
    ("fuel.raw_coal", "t", {2022: 91856, 2023: 102459, 2024: 90899}, "ledger"),
    ("intensity.energy_per_treo", "kgce/tREO", {2022: 1175, 2023: 997, 2024: 919}, RUN),
    # seed highlights
    ("employees.total", "person", {2024: 9867}, "ledger"),
    ("community.volunteer.hours", "hour", {2024: 3128}, "ledger"),
    # hand-made computed metrics (tCO2e)
    ("ghg.scope1", "tCO2e", {2023: 410000.0, 2024: 380000.0}, RUN),
    ("ghg.scope2.location", "tCO2e", {2023: 470000.0, 2024: 520000.0}, RUN),
    ("energy.renewable_share", "percent", {2024: 4.0}, RUN),
]


def sample_data(period: int = 2024) -> ReportData:
    data = ReportData(
        company_en="China Northern Rare Earth (Group) High-Tech Co., Ltd.",
        company_zh="中国北方稀土（集团）高科技股份有限公司",
        root=ROOT,
        period=period,
        entity_names={ROOT: ("Northern Rare Earth", "北方稀土"), "HEFA": ("Hefa", "和发稀土")},
        run_id=RUN,
    )
    for code, unit, values, run in SERIES:
        for year, value in values.items():
            data.add(
                Datum(code, ROOT, str(year), float(value), unit, run=run, frameworks=("GRI 302-1",))
            )
    data.add(Datum("energy.electricity.purchased", "HEFA", "2024", 1234.5, "MWh"))
    data.targets.append(
        TargetStatus(
            metric="intensity.energy_per_treo",
            entity=ROOT,
            baseline_year=2024,
            baseline_value=919,
            target_year=2025,
            target_value=863.86,  # 919 × (1 − 6 %) = 863.86, the seed's 2025 target of −6 %
            unit="kgce/tREO",
        )
    )
    data.topics.extend(
        [
            MaterialTopic("T01", "Climate change", "应对气候变化", 4.4, 4.2, "highly material"),
            MaterialTopic("T02", "Product quality", "产品质量", 4.1, 3.7, "moderately material"),
            MaterialTopic("T03", "Biodiversity", "生物多样性", 3.1, 3.0, "material"),
        ]
    )
    data.risks.extend(
        [
            RiskItem("R1", "transition.policy", "Carbon pricing", "碳定价", 4, 3),
            RiskItem("R2", "physical.chronic", "Water stress", "水资源压力", 3, 4),
            RiskItem(
                "O1", "opportunity.products", "Magnets", "永磁材料", 4, 4, is_opportunity=True
            ),
        ]
    )
    data.indexes["gri"] = [
        IndexEntry("gri", "2-1", "Organizational details", "组织详细情况", ("about",)),
        IndexEntry(
            "gri", "302-1", "Energy consumption", "组织内部的能源消耗量", ("environment.energy",)
        ),
        IndexEntry(
            "gri", "207-4", "Country-by-country reporting", "国别报告", (), "not applicable"
        ),
    ]
    return data


# Numbers that are not figures: years, and numbers inside names of standards and units.
NOT_FIGURES = [
    r"(?<![\d,.])(19|20)\d\d-\d\d-\d\d(?!\d)",  # the report date
    r"(?<![\d,.])(19|20)\d\d年\d{1,2}月\d{1,2}日",  # the report date in Chinese
    r"(?<![\d,.])(19|20)\d\d(?!\d|[,.]\d)",  # years (table headers, "in 2024", "2024年")
    r"ISO \d+",
    r"IFRS S\d",
    r"Scope \d( \+ \d)?",
    r"No\. ?\d+",
    r"第\d+号",
    r"AR\d",
    r"tCO2e?",
    r"CO2",
]
NUMBER = re.compile(r"\d[\d,]*(\.\d+)?")


def strip_dates(text: str) -> str:
    """``text`` without report dates (ISO or Chinese), which are not figures."""
    for pattern in NOT_FIGURES[:2]:
        text = re.sub(pattern, " ", text)
    return text


def stray_numbers(text: str) -> list[str]:
    for pattern in NOT_FIGURES:
        text = re.sub(pattern, " ", text)
    return [m.group(0) for m in NUMBER.finditer(text)]


def annex_rows(xlsx: bytes) -> dict[str, tuple[str, str]]:
    """The data annex of a workbook: {figure id: (lineage reference, text as printed)}."""
    from openpyxl import load_workbook

    ws = load_workbook(io.BytesIO(xlsx)).worksheets[0]
    out = {}
    for row in ws.iter_rows(min_row=2, values_only=True):
        out[row[0]] = (row[1], str(row[10]).removeprefix("'"))
    return out


def html_figures_check(page: str, rows: dict[str, tuple[str, str]]) -> list[tuple[str, str, str]]:
    """Check a report page against its annex rows {figure id: (lineage ref, printed)}.

    Every figure span must match its annex row; outside the spans (and outside
    charts, styles and content indexes) the page must hold no number.
    Returns the spans (id, ref, text).
    """
    page = re.sub(r"<style>.*?</style>", " ", page, flags=re.S)
    page = re.sub(r"<svg.*?</svg>", " ", page, flags=re.S)  # chart drawings (axis ticks)
    page = re.sub(r'<table class="index-table">.*?</table>', " ", page, flags=re.S)
    # names from source files (targets, topics, climate register) are text, not figures
    page = re.sub(r'<td class="name">.*?</td>', " ", page, flags=re.S)
    # an index's statement of use counts disclosures; titles are text of the definition
    # ("7 key energy-consuming entities")
    page = re.sub(r'<p class="note index-note">.*?</p>', " ", page, flags=re.S)
    page = re.sub(r"<figcaption>.*?</figcaption>", " ", page, flags=re.S)
    # the cover's draft notice counts values not yet approved: a count, not a figure
    page = re.sub(r'<p class="[^"]*draft-note[^"]*"[^>]*>.*?</p>', " ", page, flags=re.S)
    spans = re.findall(
        r'<span class="fig" data-fig="(F\d+)" data-ref="([^"]+)">([^<]*)</span>', page
    )
    for fid, ref, text in spans:
        assert rows[fid] == (htmllib.unescape(ref), htmllib.unescape(text)), fid
    rest = re.sub(r'<span class="fig".*?</span>', " ", page)
    rest = htmllib.unescape(re.sub(r"<[^>]+>", " ", rest))
    assert stray_numbers(rest) == []
    return spans
