"""read_files without a ledger: encodings, column order, workbooks, warnings, progress."""

from __future__ import annotations

import math
import tempfile
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from esgledger.errors import ValidationError
from esgledger.intake import read_files
from esgledger.model import Entity
from intake_helpers import BASE, ENT_HEADER, OBS_HEADER, write

GRP = Entity("GRP", "Group", "集团", None, "group", None, "operational", "CN-NM")


def test_utf8_with_and_without_bom_read_the_same(tmp_path):
    body = OBS_HEADER + "GRP,2024,energy.electricity.purchased,2.5,万千瓦时,电表,\n"
    plain = write(tmp_path / "a" / "observations.csv", body)
    bom = tmp_path / "b" / "observations.csv"
    bom.parent.mkdir()
    bom.write_bytes(b"\xef\xbb\xbf" + body.encode("utf-8"))
    a = read_files([plain], [GRP]).observations
    b = read_files([bom], [GRP]).observations
    assert a == b
    # 2.5 万千瓦时 = 25,000 kWh = 25 MWh (万 = 1e4; 1 MWh = 1,000 kWh)
    assert math.isclose(a[0].value, 25.0) and a[0].unit == "MWh"
    assert (a[0].raw_value, a[0].raw_unit, a[0].source) == ("2.5", "万千瓦时", "电表")


def test_columns_in_any_order_and_case(tmp_path):
    path = write(
        tmp_path / "obs.csv",
        "Unit,VALUE,indicator,period,entity,comment,source\nt,3,fuel.diesel, 2024-02 ,GRP,,\n",
    )
    (o,) = read_files([path], [GRP]).observations
    assert (o.entity, o.period, o.indicator, o.value, o.unit) == (
        "GRP",
        "2024-02",
        "fuel.diesel",
        3.0,
        "t",
    )


def test_file_entities_replace_known_ones_and_windows_warn(tmp_path):
    ents = write(
        tmp_path / "entities.csv",
        ENT_HEADER + "SUB,Sub,子,GRP,subsidiary,80,operational,CN-GS,2024-07-01,2024-12-31\n",
    )
    obs = write(
        tmp_path / "observations.csv",
        OBS_HEADER
        + "SUB,2024,fuel.diesel,1,t,,\n"  # the year overlaps the window: fine
        + "SUB,2024-06,fuel.diesel,1,t,,\n"  # before inclusion: warning
        + "SUB,2025-01,fuel.diesel,1,t,,\n",  # after: warning
    )
    batch = read_files([obs, ents], [GRP])
    assert [e.code for e in batch.entities] == ["SUB"]
    assert batch.entities[0].included_from == date(2024, 7, 1)
    assert [(w.row, w.column, w.value) for w in batch.warnings] == [
        (3, "period", "2024-06"),
        (4, "period", "2025-01"),
    ]


def test_empty_values_are_skipped_with_one_warning(tmp_path):
    path = write(
        tmp_path / "observations.csv",
        OBS_HEADER
        + "GRP,2024,fuel.diesel,,t,,\nGRP,2024,fuel.coke,5,t,,\n,,,,,,\nGRP,2023,fuel.coke, ,t,,\n",
    )
    batch = read_files([path], [GRP])
    assert [o.indicator for o in batch.observations] == ["fuel.coke"]
    (w,) = batch.warnings
    assert "2 rows without one skipped as not reported (rows 2, 5)" in str(w)


def test_text_indicator_keeps_its_text(tmp_path):
    path = write(
        tmp_path / "observations.csv",
        OBS_HEADER + "GRP,2024,esg.disclosure.narrative,见第 12 页,,,\n",
    )
    (o,) = read_files([path], [GRP]).observations
    assert (o.raw_value, o.value, o.raw_unit) == ("见第 12 页", 0.0, "")


def test_workbook_with_shared_strings_dates_and_numbers(tmp_path):
    wb = openpyxl.Workbook()  # normal mode writes shared strings and styles
    ws = wb.active
    ws.title = "Entities"  # sheet names are matched without case
    ws.append([c for c in ENT_HEADER.strip().split(",")])
    ws.append(["SUB", "Sub", "子", "GRP", "subsidiary", 51, "operational", "CN-JX",
               datetime(2024, 7, 1), None])  # fmt: skip
    obs = wb.create_sheet("observations")
    obs.append(OBS_HEADER.strip().split(","))
    obs.append(["SUB", "2024", "water.fresh", 1.25, "万立方米", "bills", None])
    obs.append(["SUB", 2023, "water.fresh", 7, "m3", None, None])
    wb.create_sheet("notes").append(["ignored"])
    path = tmp_path / "book.xlsx"
    wb.save(path)
    batch = read_files([path], [GRP])
    (sub,) = batch.entities
    assert (sub.included_from, sub.ownership_pct, sub.region) == (date(2024, 7, 1), 51.0, "CN-JX")
    a, b = batch.observations
    # 1.25 万立方米 = 12,500 m3
    assert (a.raw_value, a.value, a.unit) == ("1.25", 12_500.0, "m3")
    assert (b.period, b.raw_value, b.value) == ("2023", "7", 7.0)


def test_progress_reports_every_row(tmp_path):
    fuels = [
        "fuel.coke",
        "fuel.diesel",
        "fuel.gasoline",
        "fuel.raw_coal",
        "fuel.lpg",
        "fuel.fuel_oil",
    ]
    lines = "".join(
        f"GRP,{1950 + i // 72}-{(i // 6) % 12 + 1:02d},{fuels[i % 6]},{i},t,,\n"
        for i in range(12_001)
    )
    path = write(tmp_path / "observations.csv", OBS_HEADER + lines)
    calls = []
    batch = read_files([path], [GRP], progress=lambda f, n, total: calls.append((f, n, total)))
    assert len(batch.observations) == 12_001
    assert sum(n for _, n, _ in calls) == 12_001
    assert {(f, t) for f, _, t in calls} == {("observations.csv", 12_001)}


def test_no_files_and_known_entities_only_from_ledger(tmp_path):
    with pytest.raises(ValidationError, match="at least one file"):
        read_files([])
    path = write(tmp_path / "observations.csv", OBS_HEADER + "GRP,2024,fuel.coke,1,t,,\n")
    with pytest.raises(ValidationError, match="got 'GRP'; expected an entity code"):
        read_files([path])
    assert read_files([BASE / "entities.csv"]).entities[0].code == "GRP"


def test_formula_without_cached_value_is_not_taken_as_empty(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "observations"
    ws.append(OBS_HEADER.strip().split(","))
    ws.append(["GRP", "2024", "fuel.coke", "=2*3", "t", None, None])  # openpyxl stores no result
    path = tmp_path / "book.xlsx"
    wb.save(path)
    with pytest.raises(ValidationError) as info:
        read_files([path], [GRP])
    (p,) = info.value.problems
    assert (p.file, p.row, p.column, p.value) == ("book.xlsx[observations]", 2, "value", "=2*3")


# Canonical units per submitted unit, by hand: SI prefixes (k = 1e3, M = 1e6, G = 1e9),
# 万 = 1e4, 1 t = 1,000 kg (吨 = t, 千克 = kg).
MWH_PER = {"MWh": 1.0, "kWh": 1e-3, "GWh": 1e3, "万千瓦时": 10.0, "千瓦时": 1e-3}
T_PER = {"t": 1.0, "kg": 1e-3, "吨": 1.0, "千克": 1e-3, "万吨": 1e4}
M3_PER = {"m3": 1.0, "万立方米": 1e4, "立方米": 1.0}
CASES = [
    ("energy.electricity.purchased", MWH_PER),
    ("fuel.diesel", T_PER),
    ("water.fresh", M3_PER),
]


@given(
    st.sampled_from(CASES).flatmap(
        lambda c: st.tuples(st.just(c[0]), st.sampled_from(sorted(c[1].items())))
    ),
    st.floats(min_value=0, max_value=1e12, allow_nan=False),
)
def test_canonical_value_is_raw_times_hand_factor(case, value):
    indicator, (unit, factor) = case
    with tempfile.TemporaryDirectory() as folder:
        path = write(
            Path(folder) / "observations.csv",
            OBS_HEADER + f"GRP,2024,{indicator},{value!r},{unit},,\n",
        )
        (o,) = read_files([path], [GRP]).observations
    assert math.isclose(o.value, value * factor, rel_tol=1e-12, abs_tol=1e-300)
    assert (o.raw_value, o.raw_unit) == (repr(value), unit)


def test_csv_field_over_the_size_limit_is_a_problem(tmp_path):
    path = write(
        tmp_path / "observations.csv",
        OBS_HEADER
        + "GRP,2024,fuel.coke,1,t,,ok\n"
        + f'GRP,2023,fuel.coke,1,t,,"{"x" * 200_000}"\n',
    )
    with pytest.raises(ValidationError) as info:
        read_files([path], [GRP])
    (p,) = info.value.problems
    assert (p.file, p.row) == ("observations.csv", 3)
    assert p.expected.startswith("well-formed CSV (field larger than field limit")


def test_truncated_worksheet_is_a_problem(tmp_path):
    import zipfile

    good = tmp_path / "good.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "observations"
    ws.append(OBS_HEADER.strip().split(","))
    for year in range(1990, 2030):
        ws.append(["GRP", str(year), "fuel.coke", year, "t", None, None])
    wb.save(good)
    bad = tmp_path / "bad.xlsx"
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(bad, "w") as dst:
        for item in src.infolist():
            data = src.read(item)
            if item.filename.startswith("xl/worksheets/"):
                data = data[: len(data) // 2]  # cut the sheet's XML in half
            dst.writestr(item, data)
    with pytest.raises(ValidationError) as info:
        read_files([bad], [GRP])
    (p,) = info.value.problems
    assert p.file == "bad.xlsx[observations]"
    assert p.expected.startswith("a readable worksheet (stopped after row")
