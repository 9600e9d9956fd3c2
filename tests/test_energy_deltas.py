"""The readings rules, pure: parsing, rejects, idempotency in a batch, counter deltas."""

from __future__ import annotations

from datetime import UTC, datetime

import polars as pl
import pytest

from energy_helpers import batch
from esgledger.energy.deltas import FIRST, OK, PENDING, RESET, ROLLOVER, prepare
from esgledger.energy.meters import Meter, check_meter_rows
from esgledger.energy.rollups import rollup
from esgledger.energy.timestamps import parse_one

NOW = datetime(2025, 6, 1, tzinfo=UTC)
METERS = {
    "C": Meter("C", "E", "energy.electricity.purchased", "kWh", "counter", 2.0, 1000.0),
    "I": Meter("I", "E", "energy.electricity.purchased", "kWh"),
}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2025-03-01 00:15", datetime(2025, 2, 28, 16, 15, tzinfo=UTC)),  # Asia/Shanghai = UTC+8
        ("2025/03/01 00:15:00", datetime(2025, 2, 28, 16, 15, tzinfo=UTC)),
        ("2025-03-01T00:15:00+08:00", datetime(2025, 2, 28, 16, 15, tzinfo=UTC)),
        ("2025-03-01T00:15:00Z", datetime(2025, 3, 1, 0, 15, tzinfo=UTC)),
        ("2025-03-01T00:15:00+0530", datetime(2025, 2, 28, 18, 45, tzinfo=UTC)),
        ("2025-03-01t00:15", datetime(2025, 2, 28, 16, 15, tzinfo=UTC)),
    ],
)
def test_timestamps_are_time_zone_aware(text, expected):
    assert parse_one(text, "Asia/Shanghai") == expected


@pytest.mark.parametrize("text", ["", "yesterday", "2025-13-01 00:00", "2025-02-30 00:00", "1.5"])
def test_bad_timestamps_do_not_parse(text):
    assert parse_one(text, "Asia/Shanghai") is None


def test_every_bad_row_is_rejected_with_its_reason():
    p = prepare(
        batch(
            [
                ("X", "2025-03-01 00:15", "1"),  # unknown meter
                ("I", "soon", "1"),  # timestamp
                ("I", "2025-03-01 00:15", "abc"),  # value
                ("I", "2025-03-01 00:30", "-2"),  # negative interval value
                ("I", "2026-03-01 00:30", "2"),  # future
                ("I", "2025-03-01 00:45", "1,234.5"),  # thousands separator: fine
                ("I", "2025-03-01 01:00", "1,5"),  # decimal comma: not a number here
            ]
        ),
        METERS,
        {},
        now=NOW,
    )
    got = {r["row"]: (r["column"], r["error"]) for r in p.rejects.iter_rows(named=True)}
    assert got[0] == ("meter", "a registered meter code")
    assert got[1][0] == "timestamp" and "2025-03-01 00:15" in got[1][1]
    assert got[2] == ("value", "a number")
    assert got[3][0] == "value" and "≥ 0" in got[3][1]
    assert got[4][0] == "timestamp" and "future" in got[4][1]
    assert got[6] == ("value", "a number")
    assert set(got) == {0, 1, 2, 3, 4, 6}
    assert p.rows["value"].to_list() == [1234.5]


def test_same_reading_twice_in_a_batch_is_one_and_a_different_value_is_rejected():
    p = prepare(
        batch(
            [
                ("I", "2025-03-01 00:15", "1.5"),
                ("I", "2025-03-01T00:15:00+08:00", "1.5"),  # the same instant, spelled otherwise
                ("I", "2025-03-01 00:15", "9"),
            ]
        ),
        METERS,
        {},
        now=NOW,
    )
    assert p.rows.height == 1 and p.duplicates == 1
    [reject] = p.rejects.to_dicts()
    assert reject["row"] == 2 and "row 0" in reject["error"]


def test_counter_deltas_rollover_reset_and_negative():
    # multiplier 2, rollover at 1,000; the last stored reading is 880 at 00:00 local
    last = {"C": (datetime(2025, 2, 28, 16, 0, tzinfo=UTC), 880.0)}
    p = prepare(
        batch(
            [
                ("C", "2025-03-01 00:15", "900"),  # +20 × 2 = 40
                ("C", "2025-03-01 00:30", "950"),  # +50 × 2 = 100
                ("C", "2025-03-01 00:45", "10"),  # wraps: 1000 - 950 + 10 = 60 × 2 = 120
                ("C", "2025-03-01 01:00", "5"),  # below 10, not a wrap or reset: rejected
                ("C", "2025-03-01 01:15", "20"),  # against 10: +10 × 2 = 20
            ]
        ),
        METERS,
        last,
        now=NOW,
    )
    rows = p.rows.sort("ts")
    assert rows["delta"].to_list() == [40.0, 100.0, 120.0, 20.0]
    assert rows["state"].to_list() == [OK, OK, ROLLOVER, OK]
    [reject] = p.rejects.to_dicts()
    assert reject["row"] == 3 and "negative delta" in reject["error"]


def test_counter_reset_and_first_reading():
    meters = {"K": Meter("K", "E", "fuel.natural_gas", "m3", "counter")}  # no rollover modulus
    p = prepare(
        batch(
            [
                ("K", "2025-03-01 00:15", "5000"),
                ("K", "2025-03-01 00:30", "5100"),
                ("K", "2025-03-01 00:45", "30"),
            ]
        ),  # 30 < 510 (a tenth): a reset, delta 30
        meters,
        {},
        now=NOW,
    )
    rows = p.rows.sort("ts")
    assert rows["delta"].to_list() == [None, 100.0, 30.0]
    assert rows["state"].to_list() == [FIRST, OK, RESET]


def test_late_counter_readings_are_pending():
    last = {"C": (datetime(2025, 2, 28, 17, 0, tzinfo=UTC), 900.0)}
    p = prepare(batch([("C", "2025-03-01 00:30", "890")]), METERS, last, now=NOW)
    assert p.late == 1 and p.rows["state"].to_list() == [PENDING]


def test_rollup_buckets_use_interval_ends_in_local_time():
    p = prepare(
        batch(
            [
                ("I", "2025-03-01 00:00", "1"),
                ("I", "2025-03-01 00:15", "2"),
                ("I", "2025-04-01 00:00", "4"),
            ]
        ),
        METERS,
        {},
        now=NOW,
    )
    r = rollup(p.rows, METERS)
    days = {b: t for g, b, t in r.select("grain", "bucket", "total").iter_rows() if g == "day"}
    # the midnight reading closes the previous day's last interval
    assert days == {"2025-02-28": 1.0, "2025-03-01": 2.0, "2025-03-31": 4.0}
    months = {b: t for g, b, t in r.select("grain", "bucket", "total").iter_rows() if g == "month"}
    assert months == {"2025-02": 1.0, "2025-03": 6.0}


def test_meter_rows_are_checked_cell_by_cell():
    meters, problems = check_meter_rows(
        [
            (
                2,
                {
                    "code": "M1",
                    "entity": "E",
                    "carrier": "energy.electricity.purchased",
                    "unit": "kWh",
                    "kind": "counter",
                    "multiplier": "40",
                    "calibrated_on": "2024-05-01",
                },
            ),
            (
                3,
                {
                    "code": "M 2",
                    "entity": "NOPE",
                    "carrier": "x",
                    "unit": "",
                    "kind": "gauge",
                    "multiplier": "-1",
                    "interval_minutes": "7",
                    "timezone": "Mars/Base",
                },
            ),
        ],
        file="m.csv",
        entities=["E"],
        carriers=["energy.electricity.purchased"],
    )
    assert [m.code for m in meters] == ["M1"] and meters[0].multiplier == 40.0
    assert {(p.row, p.column) for p in problems} == {
        (3, "code"),
        (3, "entity"),
        (3, "carrier"),
        (3, "unit"),
        (3, "kind"),
        (3, "multiplier"),
        (3, "interval_minutes"),
        (3, "timezone"),
    }


def test_prepare_keeps_nothing_for_an_empty_batch():
    p = prepare(batch([]), METERS, {}, now=NOW)
    assert p.rows.height == 0 and p.rejects.height == 0
    assert isinstance(p.rows, pl.DataFrame)
