"""Per-entity collection workbooks: what a subsidiary fills in and sends back.

The workbook has three sheets: ``instructions`` (Chinese and English),
``observations`` (one row per expected indicator with entity, period, code,
names and canonical unit filled in; value, unit, source and comment are the
only unlocked cells; a unit list and a numeric check per row) and
``entity`` (the entity's own row as the ledger holds it, for reference only:
import reads sheets named ``entities`` and ``observations``, so a workbook
filled in weeks later never reverts an entity change made since). Once filled
it imports as it is: the name columns are informational and rows left without
a value are skipped.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.worksheet.datavalidation import DataValidation

from esgledger.catalog.indicators import Indicator, load_indicators
from esgledger.errors import EsgError, NotFoundError, UnitError
from esgledger.intake.cells import neutralise
from esgledger.intake.export import entity_cells, save_workbook
from esgledger.intake.tables import ENTITY_COLUMNS, OBSERVATION_COLUMNS
from esgledger.model import Entity, LedgerReader, Period
from esgledger.units import convert, is_compatible

__all__ = ["REFERENCE_SHEET", "UNIT_CHOICES", "template", "unit_choices"]

# Units offered in the drop-down lists, filtered per indicator by dimension.
UNIT_CHOICES: tuple[str, ...] = (
    "MWh",
    "kWh",
    "GWh",
    "万千瓦时",
    "GJ",
    "MJ",
    "TJ",
    "tce",
    "kgce",
    "t",
    "kg",
    "万吨",
    "吨",
    "千克",
    "m3",
    "万立方米",
    "立方米",
    "tCO2e",
    "kgCO2e",
    "CNY",
    "元",
    "万元",
    "亿元",
    "person",
    "人",
    "person_time",
    "人次",
    "%",
    "hour",
    "小时",
    "case",
    "件",
    "项",
    "个",
    "km",
    "ha",
    "L",
)
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
_INPUT_FILL = PatternFill("solid", fgColor="FFF2CC")
_INSTRUCTIONS: tuple[tuple[str, str], ...] = (
    ("填报说明", "How to fill in this workbook"),
    (
        "请在“observations”工作表的黄色单元格中填写数值（value）、单位（unit）、"
        "数据来源（source）和备注（comment）。",
        "Fill in the yellow cells of the 'observations' sheet: value, unit, source and comment.",
    ),
    (
        "单位可从下拉列表中选择，也可填写任何可换算为该指标计量单位的单位"
        "（如 万千瓦时、吨、万立方米）。",
        "Pick the unit from the list, or type any unit convertible to the indicator's unit "
        "(e.g. 万千瓦时, 吨, 万立方米).",
    ),
    (
        "数值只填数字，可使用千位分隔符（1,234.5）；不适用或无数据的指标请留空，导入时将跳过。",
        "Values are numbers only; thousands separators (1,234.5) are fine. Leave a value "
        "empty when the indicator does not apply: empty rows are skipped on import.",
    ),
    (
        "请勿修改表头、主体代码（entity）、期间（period）和指标代码（indicator）。",
        "Do not change the header row, the entity, the period or the indicator code.",
    ),
    (
        "填写完成后，由集团 ESG 工作组使用 “esgledger import 文件名.xlsx” 导入；"
        "如有错误，系统会列出每个问题所在的行和列，且不会写入任何数据。",
        "When done, the group ESG team imports it with 'esgledger import FILE.xlsx'. Any "
        "problem is listed with its row and column, and nothing is written until all are fixed.",
    ),
)


def unit_choices(ind: Indicator) -> list[str]:
    """Units offered for ``ind``: its own unit first, then compatible common ones."""
    out = [ind.unit]
    for unit in UNIT_CHOICES:
        try:
            if unit not in out and is_compatible(unit, ind.unit):
                out.append(unit)
        except UnitError:
            continue
    while len(",".join(out)) > 250:  # Excel's limit for an inline list
        out.pop()
    return out


def _expected(indicators: Iterable[str] | None) -> list[Indicator]:
    catalogue = load_indicators()
    if indicators is None:
        return [i for i in catalogue.values() if i.kind != "text"]
    out = []
    for code in indicators:
        if code not in catalogue:
            raise NotFoundError(f"unknown indicator {code!r}")
        out.append(catalogue[code])
    return out


def _bounds(ind: Indicator, units: Sequence[str]) -> tuple[float, float] | None:
    """(min, max) for an indicator with both bounds whose offered units all share one scale."""
    if ind.min is None or ind.max is None:
        return None
    if any(not math.isclose(convert(1.0, u, ind.unit), 1.0) for u in units):
        return None
    return ind.min, ind.max


def _between(lo: float, hi: float) -> DataValidation:
    return DataValidation(
        type="decimal",
        operator="between",
        formula1=f"{lo:g}",
        formula2=f"{hi:g}",
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="数值 / value",
        error=f"请输入 {lo:g} 至 {hi:g} 之间的数字 / enter a number from {lo:g} to {hi:g}",
    )


def template(
    ledger: LedgerReader,
    entity: str,
    period: str,
    out: str | Path,
    *,
    indicators: Sequence[str] | None = None,
) -> Path:
    """Write the collection workbook for ``entity`` and ``period`` to ``out``.

    ``indicators`` narrows the rows (default: every numeric catalogue indicator).
    """
    try:
        p = Period.parse(str(period))
    except EsgError:
        raise EsgError(f"bad period {period!r}: expected YYYY or YYYY-MM") from None
    found = {e.code: e for e in ledger.entities()}.get(entity)
    if found is None:
        raise NotFoundError(f"unknown entity {entity!r}", hint="list them with: esgledger entities")
    rows = _expected(indicators)
    wb = openpyxl.Workbook()
    _instructions(wb.active, found, str(p))
    _observations(wb.create_sheet("observations"), found, str(p), rows)
    _entities(wb.create_sheet(REFERENCE_SHEET), found)
    path = Path(out)
    save_workbook(wb, path)
    return path


def _instructions(sheet: Any, entity: Entity, period: str) -> None:
    sheet.title = "instructions"
    sheet.append(["中文", "English"])
    for zh, en in _INSTRUCTIONS:
        sheet.append([zh, en])
    sheet.append([f"填报主体：{entity.name_zh or entity.code}", f"Entity: {entity.name_en}"])
    sheet.append([f"主体代码：{entity.code}", f"Entity code: {entity.code}"])
    sheet.append([f"报告期间：{period}", f"Period: {period}"])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet["A2"].font = Font(bold=True, size=13)
    sheet["B2"].font = Font(bold=True, size=13)
    sheet.column_dimensions["A"].width = 70
    sheet.column_dimensions["B"].width = 90
    for row in sheet.iter_rows():
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")


def _observations(sheet: Any, entity: Entity, period: str, rows: Sequence[Indicator]) -> None:
    header = [*OBSERVATION_COLUMNS, "name_zh", "name_en"]
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = _HEADER_FILL
    lists: dict[str, DataValidation] = {}
    ranges: dict[tuple[float, float], DataValidation] = {}
    at_least_zero = DataValidation(
        type="decimal",
        operator="greaterThanOrEqual",
        formula1="0",
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="数值 / value",
        error="请输入不小于 0 的数字 / enter a number of at least 0",
    )
    sheet.add_data_validation(at_least_zero)
    for r, ind in enumerate(rows, start=2):
        sheet.append(
            [entity.code, period, ind.code, None, ind.unit, "", "", ind.name_zh, ind.name_en]
        )
        sheet.cell(r, 2).number_format = "@"  # keep "2024-03" as text, not a date
        for col in (4, 5, 6, 7):
            cell = sheet.cell(r, col)
            cell.protection = Protection(locked=False)
            cell.fill = _INPUT_FILL
        units = unit_choices(ind)
        choices = ",".join(neutralise(u) for u in units)
        dv = lists.get(choices)
        if dv is None:
            dv = DataValidation(
                type="list",
                formula1=f'"{choices}"',
                allow_blank=False,
                showErrorMessage=False,  # other convertible units are accepted too
            )
            sheet.add_data_validation(dv)
            lists[choices] = dv
        dv.add(sheet.cell(r, 5))
        bounds = _bounds(ind, units)
        if bounds is not None:
            if bounds not in ranges:
                ranges[bounds] = _between(*bounds)
                sheet.add_data_validation(ranges[bounds])
            ranges[bounds].add(sheet.cell(r, 4))
        elif ind.min == 0:
            at_least_zero.add(sheet.cell(r, 4))
    for letter, width in zip("ABCDEFGHI", (14, 9, 40, 16, 12, 24, 30, 30, 50), strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "D2"
    sheet.protection.sheet = True
    sheet.protection.formatColumns = False
    sheet.protection.autoFilter = False


#: The template's sheet with the entity's row: for reference, never imported.
REFERENCE_SHEET = "entity"


def _entities(sheet: Any, entity: Entity) -> None:
    sheet.append(list(ENTITY_COLUMNS))
    sheet.append([neutralise(c) for c in entity_cells(entity)])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = _HEADER_FILL
    sheet.protection.sheet = True
