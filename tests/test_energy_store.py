"""Readings in the store, on SQLite and PostgreSQL: idempotent, late readings, rollups, rejects."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from energy_helpers import batch, day_series, setup
from esgledger.services import readings
from esgledger.store import energy as repo


def _day_totals(ledger, meter):
    with ledger.read() as conn:
        r = repo.rollups(conn, [meter], "day")
    return {b: (t, n) for _m, _g, b, t, n in r.iter_rows()}


def test_a_reading_sent_twice_is_stored_once(ledger):
    ctx = setup(ledger)
    rows = day_series("I", "2025-03-01", 1.25)
    first = readings.ingest_frame(ctx, batch(rows), source="api")
    again = readings.ingest_frame(ctx, batch(rows), source="api")
    assert (first.stored, first.duplicates) == (96, 0)
    assert (again.stored, again.duplicates) == (0, 96)
    # 96 intervals of 1.25 kWh = 120 kWh, counted once
    assert _day_totals(ledger, "I") == {"2025-03-01": (120.0, 96)}


def test_another_value_for_a_stored_reading_is_rejected(ledger):
    ctx = setup(ledger)
    readings.ingest_frame(ctx, batch([("I", "2025-03-01 00:15", "1")]), source="api")
    r = readings.ingest_frame(ctx, batch([("I", "2025-03-01 00:15", "2")]), source="api")
    assert (r.stored, r.rejected) == (0, 1)
    assert "already stored" in r.problems[0].expected
    with ledger.read() as conn:
        kept = repo.rejects(conn)
    assert kept[0]["meter"] == "I" and kept[0]["source"] == "api"


def test_out_of_order_and_late_counter_readings_recompute_deltas(ledger):
    ctx = setup(ledger)
    # counter C: multiplier 2; readings at 00:15, 00:45 first, 00:30 arrives late
    readings.ingest_frame(
        ctx,
        batch([("C", "2025-03-01 00:45", "130"), ("C", "2025-03-01 00:15", "100")]),
        source="api",
    )
    assert _day_totals(ledger, "C") == {"2025-03-01": (60.0, 1)}  # (130 - 100) × 2
    late = readings.ingest_frame(ctx, batch([("C", "2025-03-01 00:30", "110")]), source="api")
    assert late.late == 1 and late.stored == 1
    with ledger.read() as conn:
        rows = repo.readings_frame(conn, ["C"]).sort("ts")
    # (110 - 100) × 2 = 20 and (130 - 110) × 2 = 40; the day still 60 over two intervals
    assert rows["delta"].to_list() == [None, 20.0, 40.0]
    assert _day_totals(ledger, "C") == {"2025-03-01": (60.0, 2)}


def test_a_late_reading_that_breaks_the_counter_is_moved_to_rejects(ledger):
    ctx = setup(ledger)
    readings.ingest_frame(
        ctx,
        batch([("C", "2025-03-01 00:15", "100"), ("C", "2025-03-01 00:45", "130")]),
        source="api",
    )
    # 00:40 at 600 makes 130 a negative delta (not a wrap at 1,000: 1000 - 600 + 130 = 530
    # is not under half the modulus; not a reset: 130 is not under a tenth of 600)
    r = readings.ingest_frame(ctx, batch([("C", "2025-03-01 00:40", "600")]), source="api")
    assert r.rejected == 1
    with ledger.read() as conn:
        rows = repo.readings_frame(conn, ["C"]).sort("ts")
    assert rows["value"].to_list() == [100.0, 600.0]
    # the day now holds (600 - 100) × 2 = 1,000 kWh; 130 was kept aside
    assert _day_totals(ledger, "C") == {"2025-03-01": (1000.0, 1)}


def test_file_import_streams_csv_in_chunks_and_reports_rows(ledger, tmp_path):
    ctx = setup(ledger)
    f = tmp_path / "r.csv"
    lines = ["meter,timestamp,value"] + [",".join(r) for r in day_series("I", "2025-03-02", 2)]
    lines.insert(5, "I,not a time,1")
    lines.insert(8, "GHOST,2025-03-02 00:15,1")
    f.write_text("\n".join(lines) + "\n", encoding="utf-8")
    r = readings.import_readings(ctx, f, chunk_rows=10)
    assert (r.received, r.stored, r.rejected) == (98, 96, 2)
    assert {(p.row, p.column) for p in r.problems} == {(6, "timestamp"), (9, "meter")}
    assert all(p.file == "r.csv" for p in r.problems)
    again = readings.import_readings(ctx, f)
    assert again.stored == 0 and again.duplicates == 96


def test_xlsx_readings(ledger, tmp_path):
    from openpyxl import Workbook

    ctx = setup(ledger)
    book = Workbook()
    sheet = book.active
    sheet.append(["meter", "timestamp", "value"])
    for m, t, v in day_series("I", "2025-03-03", 0.5)[:10]:
        sheet.append([m, t, float(v)])
    path = tmp_path / "r.xlsx"
    book.save(path)
    r = readings.import_readings(ctx, path)
    assert (r.stored, r.rejected) == (10, 0)


def test_a_file_without_the_header_is_refused_before_anything_is_written(ledger, tmp_path):
    from esgledger.errors import InputError

    ctx = setup(ledger)
    f = tmp_path / "bad.csv"
    f.write_text("a,b,c\nI,2025-03-01 00:15,1\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        readings.import_readings(ctx, f)
    assert err.value.problems[0].row == 1


@pytest.mark.postgres
def test_postgresql_readings_are_partitioned_by_month(pg_url):
    from esgledger.store import Ledger

    with Ledger.open(pg_url) as ledger:
        ctx = setup(ledger)
        readings.ingest_frame(
            ctx,
            batch([("I", "2025-03-01 00:15", "1"), ("I", "2025-04-15 12:00", "1")]),
            source="api",
        )
        with ledger.read() as conn:
            parts = (
                conn.execute(
                    text(
                        "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
                        "WHERE i.inhparent = 'meter_readings'::regclass ORDER BY 1"
                    )
                )
                .scalars()
                .all()
            )
        # 2025-03-01 00:15 local is 2025-02-28 UTC: partitions are UTC months
        assert parts == ["meter_readings_p202502", "meter_readings_p202504"]
