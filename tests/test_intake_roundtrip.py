"""Export → import is the identity: hypothesis round trips (CSV, XLSX) and a held-out set."""

from __future__ import annotations

import string
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from esgledger.errors import LockedError
from esgledger.intake import export_ledger, import_files, read_files, write_csv, write_xlsx
from esgledger.intake.validate import CN_REGIONS
from esgledger.model import Entity, Observation
from esgledger.store import Ledger, approve, review, submit
from intake_helpers import HELD_OUT

# -- strategies --------------------------------------------------------------------------

TEXT = st.text(
    alphabet=st.characters(exclude_categories=("Cc", "Cs", "Cn")) | st.sampled_from("=+-@'\n\t\r"),
    max_size=12,
)
NAME = TEXT.filter(lambda s: s.strip() != "")
UNITS = {
    "energy.electricity.purchased": ["MWh", "kWh", "GWh", "万千瓦时", " kWh "],
    "fuel.diesel": ["t", "kg", "吨", "千克", "万吨"],
    "water.fresh": ["m3", "万立方米", "立方米"],
    "employees.total": ["person", "人"],
    "esg.disclosure.narrative": [""],  # a text indicator: the text is the value, no unit
}
PERIODS = st.builds(
    lambda y, m: str(y) if m == 0 else f"{y}-{m:02d}",
    st.integers(2015, 2030),
    st.integers(0, 12),
)


def _format(value: float, style: int) -> str:
    if style == 0:
        return repr(value)
    if style == 1:
        return f"{value:,.3f}"  # thousands separators
    if style == 2:
        return f"{value:.2e}"
    if style == 3:
        return str(int(value))
    if style == 4:  # full-width digits, as typed with a Chinese input method
        return str(int(value)).translate(str.maketrans(string.digits, "０１２３４５６７８９"))
    return f"+{value:.4f}"


RAW_VALUES = st.builds(
    _format, st.floats(0, 1e9, allow_nan=False, allow_infinity=False), st.integers(0, 5)
)


@st.composite
def datasets(draw):
    codes = draw(
        st.lists(
            st.from_regex(r"[A-Z][A-Z0-9_]{0,6}", fullmatch=True),
            min_size=1,
            max_size=6,
            unique=True,
        )
    )
    entities = []
    for i, code in enumerate(codes):
        start = draw(st.none() | st.dates(date(2015, 1, 1), date(2030, 12, 31)))
        end = draw(st.none() | st.dates(start or date(2015, 1, 1), date(2031, 12, 31)))
        entities.append(
            Entity(
                code=code,
                name_en=draw(NAME),
                name_zh=draw(TEXT),
                parent=None if i == 0 else draw(st.sampled_from(codes[:i])),
                type=draw(st.sampled_from(["group", "branch", "subsidiary", "joint_venture"])),
                ownership_pct=draw(st.none() | st.floats(0, 100)),
                control=draw(st.sampled_from(["operational", "financial", "none"])),
                region=draw(st.sampled_from(sorted(CN_REGIONS) + ["DE", "AU"])),
                included_from=start,
                included_to=end,
            )
        )
    keys = draw(
        st.lists(
            st.tuples(st.sampled_from(codes), PERIODS, st.sampled_from(sorted(UNITS))),
            unique=True,
            max_size=25,
        )
    )
    rows = []
    for entity, period, indicator in keys:
        rows.append(
            (
                entity,
                period,
                indicator,
                draw(NAME if indicator == "esg.disclosure.narrative" else RAW_VALUES),
                draw(st.sampled_from(UNITS[indicator])),
                draw(TEXT),
                draw(TEXT),
            )
        )
    return entities, rows


def _observations(rows) -> list[Observation]:
    # Observations as the ledger would hold them (canonical value set by read_files).
    return [
        Observation(
            entity=e,
            period=p,
            indicator=i,
            value=0.0,
            unit="",
            raw_value=v,
            raw_unit=u,
            source=s,
            comment=c,
        )
        for e, p, i, v, u, s, c in rows
    ]


def _key(o: Observation):
    return (o.entity, o.period, o.indicator, o.raw_value, o.raw_unit, o.source, o.comment)


def _check_round_trip(entities, rows, paths):
    batch = read_files(paths)
    assert sorted(batch.entities, key=lambda e: e.code) == sorted(entities, key=lambda e: e.code)
    assert sorted(map(_key, batch.observations)) == sorted(rows)
    return batch


SETTINGS = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@SETTINGS
@given(datasets())
def test_csv_round_trip(tmp_path_factory, data):
    entities, rows = data
    folder = tmp_path_factory.mktemp("csv")
    paths = write_csv(entities, _observations(rows), folder)
    batch = _check_round_trip(entities, rows, paths)
    again = write_csv(batch.entities, batch.observations, folder / "again")
    assert [p.read_bytes() for p in again] == [p.read_bytes() for p in paths]


@SETTINGS
@given(datasets())
def test_xlsx_round_trip(tmp_path_factory, data):
    entities, rows = data
    path = tmp_path_factory.mktemp("xlsx") / "book.xlsx"
    write_xlsx(entities, _observations(rows), path)
    _check_round_trip(entities, rows, [path])


def test_xlsx_writes_numbers_as_numbers_and_neutralises_formulas(tmp_path):
    import openpyxl

    e = Entity("G", "=HYPERLINK(1)", "@x", None, "group", 50.0, "operational", "CN-NM")
    rows = [
        ("G", "2024", "fuel.diesel", "1234.5", "t", "-cmd", "+1"),
        ("G", "2023", "fuel.diesel", "1,234.5", "t", "'=already", "ok"),
    ]
    path = tmp_path / "book.xlsx"
    write_xlsx([e], _observations(rows), path)
    wb = openpyxl.load_workbook(path)
    ent, obs = wb["entities"], wb["observations"]
    # formula-like text is a text cell marked quotePrefix (never run), its value literal
    assert ent["B2"].value == "=HYPERLINK(1)" and ent["B2"].data_type == "s"
    assert ent["B2"].quotePrefix and ent["C2"].quotePrefix
    assert ent["C2"].value == "@x"
    assert ent["F2"].value == 50 and ent["F2"].data_type == "n"
    assert obs["D2"].value == 1234.5 and obs["D2"].data_type == "n"
    assert obs["D3"].value == "1,234.5"  # not a plain number: kept as submitted, as text
    assert (obs["F2"].value, obs["G2"].value, obs["F3"].value) == ("-cmd", "+1", "'=already")
    assert all(c.data_type == "s" for c in (obs["F2"], obs["G2"], obs["F3"]))
    wb.close()
    _check_round_trip([e], rows, [path])


def test_csv_neutralises_formulas(tmp_path):
    e = Entity("G", "=1+2", "名", None, "group", None, "operational", "CN-NM")
    rows = [("G", "2024", "fuel.diesel", "-0", "t", "@SUM(A1)", "")]
    ent, obs = write_csv([e], _observations(rows), tmp_path)
    assert "'=1+2" in ent.read_text(encoding="utf-8-sig")
    assert (
        obs.read_text(encoding="utf-8-sig").splitlines()[1] == "G,2024,fuel.diesel,-0,t,'@SUM(A1),"
    )
    _check_round_trip([e], rows, [ent, obs])


# -- the held-out style data set, on both engines ----------------------------------------

HELD = [HELD_OUT / "entities.csv", HELD_OUT / "observations.csv"]


def _current(ledger):
    return {(o.entity, o.period, o.indicator): o for o in ledger.observations()}


def test_held_out_imports_with_hand_checked_conversions(ledger):
    result = import_files(ledger, HELD, actor="tester")
    assert (result.entities_added, result.observations_added) == (6, 16)
    # data for SZ before its acquisition (2024-07-01) and ZB after its divestment (2024-04-30)
    assert [(w.row, w.value) for w in result.warnings] == [(11, "2024-06"), (14, "2024-05")]
    obs = _current(ledger)

    def stored(entity, period, indicator):
        o = obs[(entity, period, indicator)]
        return o.value, o.unit

    # The stored canonical value itself, computed by hand (a round trip through
    # convert() would pass even with a wrong factor): 1 MWh = 1,000 kWh;
    # 1 GWh = 1,000 MWh; 1 万千瓦时 = 10,000 kWh (万 = 1e4)
    elec = "energy.electricity.purchased"
    assert stored("BT", "2024", elec) == (pytest.approx(123.4567, rel=1e-12), "MWh")
    assert stored("BT", "2023", elec) == (pytest.approx(250.0, rel=1e-12), "MWh")
    assert stored("XF", "2024", elec) == (pytest.approx(15.0, rel=1e-12), "MWh")
    assert stored("ZB", "2024-04", elec) == (pytest.approx(41.0, rel=1e-12), "MWh")
    # 1 万立方米 = 10,000 m3
    assert stored("XF", "2024", "water.fresh") == (pytest.approx(32_000.0, rel=1e-12), "m3")
    assert stored("XF", "2024", "fuel.natural_gas") == (pytest.approx(120_000.0, rel=1e-12), "m3")
    # 1 t = 1,000 kg; 吨 is the tonne
    assert stored("XF", "2024", "fuel.diesel") == (pytest.approx(2.5, rel=1e-12), "t")
    assert stored("BT", "2024", "fuel.diesel") == (pytest.approx(12.5, rel=1e-12), "t")
    # 人 is a person
    assert stored("TJ", "2024", "employees.total") == (pytest.approx(120.0, rel=1e-12), "person")
    o = obs[("ZB", "2024-04", "energy.electricity.purchased")]
    assert (o.raw_value, o.raw_unit, o.unit) == ("４１０００", "kWh", "MWh")
    assert obs[("HQ", "2024", "employees.total")].comment == "=SUM(A1:A3)"
    sz = {e.code: e for e in ledger.entities()}["SZ"]
    assert (sz.included_from, sz.ownership_pct, sz.control) == (date(2024, 7, 1), 51.0, "financial")


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_held_out_export_round_trips_exactly(ledger, tmp_path, sqlite_url, fmt):
    import_files(ledger, HELD, actor="tester")
    entities, observations = ledger.entities(), ledger.observations()
    out = tmp_path / ("export" if fmt == "csv" else "export.xlsx")
    files = export_ledger(ledger, fmt, out)
    # importing the export into the same ledger changes nothing
    again = import_files(ledger, files, actor="tester")
    assert (again.entities_added, again.entities_updated) == (0, 0)
    assert (again.observations_added, again.observations_updated) == (0, 0)
    assert again.observations_unchanged == len(observations) == 16
    # and into a fresh ledger gives the same entities and observations
    with Ledger.open(sqlite_url) as fresh:
        import_files(fresh, files, actor="tester")
        assert fresh.entities() == entities

        def strip(rows):
            return [(*_key(o), o.value, o.unit) for o in rows]

        assert strip(fresh.observations()) == strip(observations)


def test_reimport_unchanged_and_changed_value_makes_a_version(ledger, tmp_path):
    import_files(ledger, HELD, actor="tester")
    events = len(ledger.audit_events())
    same = import_files(ledger, HELD, actor="tester")
    assert same.observations_unchanged == 16 and same.observations_added == 0
    assert len(ledger.audit_events()) == events  # nothing written, not even an event
    changed = tmp_path / "observations.csv"
    changed.write_text(
        "entity,period,indicator,value,unit,source,comment\n"
        "BT,2024,fuel.diesel,13,吨,fuel log,corrected\n",
        encoding="utf-8",
    )
    dry = import_files(ledger, [changed], actor="tester", dry_run=True)
    assert (dry.dry_run, dry.observations_updated) == (True, 1)
    assert len(ledger.audit_events()) == events
    result = import_files(ledger, [changed], actor="tester")
    assert result.observations_updated == 1
    history = ledger.observations(entity="BT", indicator="fuel.diesel", history=True)
    assert [(o.version, o.raw_value) for o in history] == [(1, "12.5"), (2, "13")]
    assert _current(ledger)[("BT", "2024", "fuel.diesel")].value == 13.0


def test_children_before_parents_in_the_file(ledger, tmp_path):
    path = tmp_path / "entities.csv"
    path.write_text(
        "code,name_en,name_zh,parent,type,ownership_pct,control,region,included_from,included_to\n"
        "C,C,丙,B,branch,,operational,CN-NM,,\n"
        "B,B,乙,A,subsidiary,70,operational,CN-NM,,\n"
        "A,A,甲,,group,,operational,CN-NM,,\n",
        encoding="utf-8",
    )
    result = import_files(ledger, [path], actor="tester")
    assert result.entities_added == 3
    assert {e.code: e.parent for e in ledger.entities()} == {"A": None, "B": "A", "C": "B"}


def test_export_writes_whole_files_and_leaves_no_temporary_ones(tmp_path):
    from esgledger.errors import EsgError

    ents = [Entity("G", "Group", "集团", None, "group", None, "operational", "CN-NM", None, None)]
    obs = [Observation("G", "2024", "water.fresh", 1234.5, "m3", "1,234.5", "m3")]
    written = write_csv(ents, obs, tmp_path / "out")
    book = write_xlsx(ents, obs, tmp_path / "out" / "book.xlsx")
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        "book.xlsx",
        "entities.csv",
        "observations.csv",
    ]
    assert written[1].read_text(encoding="utf-8-sig").splitlines()[1] == (
        'G,2024,water.fresh,"1,234.5",m3,,'
    )
    assert book.stat().st_size > 0
    blocker = tmp_path / "file.txt"
    blocker.write_text("x")
    with pytest.raises(EsgError, match="cannot write"):
        write_xlsx(ents, obs, blocker / "book.xlsx")
    with pytest.raises(EsgError, match="cannot write"):
        write_csv(ents, obs, blocker / "folder")


def test_dry_run_refuses_what_the_import_would_refuse(ledger, tmp_path):
    """A dry run into an approved (locked) period says so, as the real import does."""
    import_files(ledger, HELD, actor="tester")
    for step in (submit, review, approve):
        step(ledger, period="2024", entity="BT", actor="carol")
    changed = tmp_path / "observations.csv"
    changed.write_text(
        "entity,period,indicator,value,unit,source,comment\n"
        "BT,2024,fuel.diesel,13,吨,fuel log,corrected\n"
        "XF,2024,fuel.diesel,3,t,fuel log,\n",
        encoding="utf-8",
    )
    before = (ledger.observations(history=True), ledger.audit_events(), ledger.users())
    with pytest.raises(LockedError, match="BT/2024/fuel.diesel"):
        import_files(ledger, [changed], actor="tester", dry_run=True)
    dry = import_files(ledger, [changed], actor="tester", dry_run=True, reason="meter fixed")
    assert (dry.dry_run, dry.observations_updated, dry.observations_added) == (True, 2, 0)
    assert (ledger.observations(history=True), ledger.audit_events(), ledger.users()) == before
