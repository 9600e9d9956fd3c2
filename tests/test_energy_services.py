"""Energy use cases: ledger feed, data items, alerts, monitoring view, permissions."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from energy_helpers import ELEC, NOW, batch, context, day_series, setup
from esgledger.errors import ConflictError, InputError, NotFoundError, PermissionDenied
from esgledger.services import alerts, energy, meters, readings
from esgledger.services.context import Membership, Principal


def _month(meter, value, *, days=31, skip_day=None, skip=()):
    rows = []
    for d in range(days):
        day = (date(2025, 3, 1) + timedelta(days=d)).isoformat()
        rows += day_series(meter, day, value, skip=skip if day == skip_day else ())
    return rows


def test_monthly_totals_become_draft_observations_with_lineage(ledger):
    ctx = setup(ledger)
    readings.ingest_frame(ctx, batch(_month("I", 1.0)), source="api")
    feed = energy.to_ledger(ctx, "PLANT", "2025-03")
    [o] = ledger.observations(entity="PLANT", period="2025-03", indicator=ELEC)
    # 31 days × 96 intervals × 1 kWh = 2,976 kWh = 2.976 MWh (the indicator's unit)
    assert o.value == pytest.approx(2.976)
    assert (o.status, o.source, o.raw_unit) == ("draft", "meters", "kWh")
    assert "I" in o.comment and "2976 of 2976 readings" in o.comment
    assert feed.added == 1 and not feed.flagged
    from esgledger.store import energy as repo

    with ledger.read() as conn:
        [lin] = repo.lineage(conn, "PLANT", "2025-03")
    assert (lin["meter"], lin["readings"], lin["expected"], lin["completeness"]) == (
        "I",
        2976,
        2976,
        1.0,
    )
    again = energy.to_ledger(ctx, "PLANT", "2025-03")
    assert again.unchanged == 1 and again.added == 0


def test_an_incomplete_month_is_flagged_and_gap_filling_is_marked_estimated(ledger):
    ctx = setup(ledger)
    rows = _month("I", 1.0, days=20)  # 20 of 31 days: 1,920 of 2,976 readings (64.5 %)
    readings.ingest_frame(ctx, batch(rows), source="api")
    feed = energy.to_ledger(ctx, "PLANT", "2025-03")
    assert feed.written == [] and feed.flagged[0]["completeness"] == pytest.approx(1920 / 2976)
    assert ledger.observations(entity="PLANT", period="2025-03") == []
    filled = energy.to_ledger(ctx, "PLANT", "2025-03", fill=True)
    [o] = ledger.observations(entity="PLANT", period="2025-03", indicator=ELEC)
    # 1,920 kWh scaled to 2,976 expected readings = 2,976 kWh = 2.976 MWh, an estimate
    assert o.value == pytest.approx(2.976)
    assert "ESTIMATED" in o.comment and filled.written[0]["estimated"] is True


def test_data_items_total_energy_in_standard_coal(ledger):
    ctx = setup(ledger)
    readings.ingest_frame(ctx, batch(_month("I", 10.0)), source="api")
    items = {(i["item"], i["carrier"]): i for i in energy.export_items(ctx, "2025-03")}
    # 29,760 kWh × 0.1229 kgce/kWh (GB/T 2589-2020 Annex A, equivalent value) = 3,657.504 kgce
    assert items[("total_tce", "")]["value"] == pytest.approx(3.657504)
    assert items[("consumption", ELEC)]["value"] == pytest.approx(29760.0)
    assert items[("completeness", "")]["value"] == 100.0
    assert ("intensity", "") not in items  # no output recorded: never guessed
    daily = energy.export_items(ctx, "2025-03", frequency="daily")
    assert len([i for i in daily if i["item"] == "total_tce"]) == 31


def test_alerts_find_a_spike_and_a_gap_and_are_raised_once(ledger):
    ctx = setup(ledger)
    from esgledger.services import identity

    identity.add_user(ctx, "rev", role="reviewer", entities=["PLANT"])  # may acknowledge
    identity.add_user(ctx, "rev_other", role="reviewer", entities=["OTHER"])
    identity.add_user(ctx, "sub", role="submitter", entities=["PLANT"])  # may not
    rows = []
    start = date(2025, 2, 1)
    for d in range(28 + 31):
        day = (start + timedelta(days=d)).isoformat()
        skip = range(40, 80) if day == "2025-03-20" else ()
        rows += day_series("I", day, 1.0, skip=skip)
    # the hour 10:00-11:00 of 2025-03-12: four readings of 8 instead of 1
    rows = [
        (
            m,
            t,
            "8" if t[:13] == "2025-03-12 10" and t[14:] != "00" or t == "2025-03-12 11:00" else v,
        )
        for m, t, v in rows
    ]
    readings.ingest_frame(ctx, batch(rows), source="api")
    new = alerts.evaluate(ctx, "PLANT", "2025-03")
    rules = sorted((a["rule"], a["period"]) for a in new)
    assert rules == [("gap", "2025-03-20"), ("spike", "2025-03-12T10")]
    assert alerts.evaluate(ctx, "PLANT", "2025-03") == []
    listed = alerts.list_alerts(ctx, state="open")
    assert len(listed) == 2
    done = alerts.acknowledge(ctx, listed[0]["id"], "planned test of the feeder")
    assert done["state"] == "acknowledged"
    with pytest.raises(InputError):
        alerts.acknowledge(ctx, listed[1]["id"], "  ")
    alerts.close(ctx, listed[1]["id"], "fixed")
    with pytest.raises(ConflictError):
        alerts.acknowledge(ctx, listed[1]["id"], "again")
    with pytest.raises(NotFoundError):
        alerts.acknowledge(ctx, 999, "x")
    from esgledger.store import outbox

    with ledger.read() as conn:
        queued = outbox.list_messages(conn)
    # one notice per new alert, in the portal's outbox, to the one user who may acknowledge it
    assert sorted((m.recipient, m.kind) for m in queued) == [("rev", "energy.alert")] * 2
    assert all("/energy/PLANT?period=2025-03" in m.body for m in queued)


def test_quota_burn_down_alerts_on_the_forecast(ledger):
    ctx = setup(ledger)
    readings.ingest_frame(ctx, batch(_month("I", 100.0)), source="api")
    # March: 297,600 kWh × 0.1229 kgce/kWh = 36.575 tce, the year to date through month 3;
    # evenly forecast: 36.575 × 12 / 3 = 146.3 tce, above a 140 tce quota
    energy.set_quota(ctx, "PLANT", 2025, 140.0, "illustrative quota")
    new = alerts.evaluate(ctx, "PLANT", "2025-03")
    [quota] = [a for a in new if a["rule"] == "quota"]
    assert quota["severity"] == "critical"
    assert quota["value"] == pytest.approx(297_600 * 0.1229 / 1000 * 12 / 3)


def test_intensity_limit(ledger):
    from esgledger.model import ImportBatch, Observation

    ctx = setup(ledger)
    readings.ingest_frame(ctx, batch(_month("I", 100.0)), source="api")
    ledger.import_batch(
        ImportBatch((), (Observation("PLANT", "2025-03", "production.reo", 10.0, "t", "10", "t"),)),
        actor="t",
    )
    energy.set_limit(ctx, "PLANT", "REO", 3000.0, "illustrative limit (no standard value)")
    # 36.5750 tce / 10 t = 3,657.5 kgce/t above 3,000
    [a] = [x for x in alerts.evaluate(ctx, "PLANT", "2025-03") if x["rule"] == "intensity"]
    assert a["value"] == pytest.approx(297_600 * 0.1229 / 10)
    items = {i["item"]: i for i in energy.export_items(ctx, "2025-03", entity="PLANT")}
    assert items["intensity"]["value"] == pytest.approx(297_600 * 0.1229 / 10)


def test_monitor_view(ledger):
    ctx = setup(ledger)
    readings.ingest_frame(
        ctx, batch(_month("I", 1.0, skip_day="2025-03-05", skip=range(30))), source="api"
    )
    view = energy.monitor(ctx, "PLANT", "2025-03")
    assert view.carriers[0]["total"] == pytest.approx(2976 - 30)
    # 30 intervals skipped on 03-05: hours 00-06 empty (28), hour 07 half
    assert len(view.days) == 31 and len(view.load_curve) == 31 * 24 - 7
    assert any(f.check == "completeness" and f.period == "2025-03-05" for f in view.findings)
    with pytest.raises(InputError):
        energy.monitor(ctx, "PLANT", "2025-3")
    with pytest.raises(NotFoundError):
        energy.monitor(ctx, "NOPE", "2025-03")


def test_meter_balance_and_quality_checks(ledger):
    ctx = setup(ledger)
    meters.add_meter(
        ctx, {"code": "I1", "entity": "PLANT", "carrier": ELEC, "unit": "kWh", "parent": "I"}
    )
    readings.ingest_frame(ctx, batch(day_series("I", "2025-03-01", 1.0)), source="api")
    readings.ingest_frame(ctx, batch(day_series("I1", "2025-03-01", 0.9)), source="api")
    found = energy.quality(ctx, "PLANT", "2025-03")
    [bal] = [f for f in found if f.check == "balance"]
    assert bal.value == pytest.approx(0.1)  # (96 - 86.4) / 96
    assert any(f.check == "flat" for f in found)  # 96 identical deltas


def test_permissions(ledger):
    ctx = setup(ledger)
    submitter = context(ledger, Principal("sam", (Membership("sam", "PLANT", "submitter"),)))
    r = readings.ingest_frame(submitter, batch([("I", "2025-03-01 00:15", "1")]), source="api")
    assert r.stored == 1
    with pytest.raises(PermissionDenied):
        meters.add_meter(
            submitter, {"code": "Z", "entity": "PLANT", "carrier": ELEC, "unit": "kWh"}
        )
    with pytest.raises(PermissionDenied):
        alerts.acknowledge(submitter, 1, "x") if alerts.list_alerts(ctx) else (_ for _ in ()).throw(
            PermissionDenied("no alert")
        )
    outsider = context(ledger, Principal("oz", (Membership("oz", "OTHER", "submitter"),)))
    with pytest.raises(NotFoundError):
        readings.ingest_frame(outsider, batch([("I", "2025-03-01 00:30", "1")]), source="api")
    assert meters.list_meters(outsider) == []
    assert NOW.year == 2025


def test_meter_export_and_import_round_trip_with_formula_text(ledger, tmp_path):
    ctx = setup(ledger)
    meters.add_meter(
        ctx, {"code": "F", "entity": "PLANT", "carrier": ELEC, "unit": "kWh", "name": "=1+1"}
    )
    for suffix in (".csv", ".xlsx"):
        path = tmp_path / f"m{suffix}"
        assert meters.export_meters(ctx, path) == 3
        assert meters.import_meters(ctx, path) == (0, 0, 3)
    assert {m.code: m.name for m in meters.list_meters(ctx)}["F"] == "=1+1"
