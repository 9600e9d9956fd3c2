"""The energy commands end to end on a SQLite ledger: meters, readings, monitor, export, alerts."""

from __future__ import annotations

import json
from datetime import date, timedelta

from energy_helpers import ELEC, PLANT, day_series
from esgledger.cli import run
from esgledger.errors import NotFoundError
from esgledger.model import ImportBatch
from esgledger.store import Ledger


def _ledger(tmp_path):
    url = f"sqlite:///{tmp_path / 'l.db'}"
    with Ledger.open(url) as ledger:
        ledger.import_batch(ImportBatch((PLANT,), ()), actor="t")
    return url


def test_meters_readings_monitor_export_and_alerts(tmp_path, capsys):
    db = _ledger(tmp_path)
    meters = tmp_path / "meters.csv"
    meters.write_text(
        "code,entity,carrier,unit,kind,multiplier,parent,key_unit,calibrated_on,certificate\n"
        f"M1,PLANT,{ELEC},kWh,interval,1,,yes,2024-05-01,cert-001.pdf\n"
        f"M1a,PLANT,{ELEC},kWh,interval,1,M1,no,,\n",
        encoding="utf-8",
    )
    assert run(["--db", db, "meters", "import", str(meters), "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == {"added": 2, "updated": 0, "unchanged": 0}
    assert (
        run(
            [
                "--db",
                db,
                "meters",
                "add",
                "G1",
                "--entity",
                "PLANT",
                "--carrier",
                "fuel.natural_gas",
                "--unit",
                "m3",
                "--kind",
                "counter",
            ]
        )
        == 0
    )
    capsys.readouterr()
    assert run(["--db", db, "meters", "list", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert [m["code"] for m in listed] == ["G1", "M1", "M1a"]
    assert listed[1]["calibrated_on"] == "2024-05-01" and listed[1]["key_unit"] is True
    out = tmp_path / "export.xlsx"
    assert run(["--db", db, "meters", "list", "--out", str(out)]) == 0
    assert out.is_file()
    capsys.readouterr()

    rows = ["meter,timestamp,value"]
    for d in range(31):
        day = (date(2025, 3, 1) + timedelta(days=d)).isoformat()
        rows += [",".join(r) for r in day_series("M1", day, 2.0)]
    rows.append("M1,2025-03-05 25:00,1")
    readings = tmp_path / "readings.csv"
    readings.write_text("\n".join(rows) + "\n", encoding="utf-8")
    assert run(["--db", db, "readings", "import", str(readings), "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert (result["stored"], result["rejected"]) == (2976, 1)
    assert result["rejects"][0]["row"] == 2978 and result["rejects"][0]["column"] == "timestamp"
    assert run(["--db", db, "readings", "rejects", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)[0]["file"] == "readings.csv"

    assert (
        run(["--db", db, "energy", "monitor", "--entity", "PLANT", "--period", "2025-03", "--json"])
        == 0
    )
    view = json.loads(capsys.readouterr().out)
    # 2,976 × 2 kWh = 5,952 kWh × 0.1229 kgce/kWh = 731.5008 kgce
    assert abs(view["total_tce"] - 0.7315008) < 1e-9
    assert run(["--db", db, "energy", "monitor", "--entity", "PLANT", "--period", "2025-03"]) == 0
    assert "tce" in capsys.readouterr().out

    target = tmp_path / "items.csv"
    assert run(["--db", db, "energy", "export", "--period", "2025-03", "--out", str(target)]) == 0
    text = target.read_text(encoding="utf-8")
    assert text.startswith("entity,period,frequency,item") and "综合能源消费量" in text
    capsys.readouterr()
    assert (
        run(
            [
                "--db",
                db,
                "energy",
                "export",
                "--period",
                "2025-03",
                "--format",
                "json",
                "--frequency",
                "daily",
            ]
        )
        == 0
    )
    assert len(json.loads(capsys.readouterr().out)) > 31

    assert run(["--db", db, "energy", "to-ledger", "--entity", "PLANT", "--period", "2025-03"]) == 0
    capsys.readouterr()
    with Ledger.open(db) as ledger:
        [o] = ledger.observations(entity="PLANT", period="2025-03", indicator=ELEC)
    assert abs(o.value - 5.952) < 1e-9 and o.source == "meters"

    assert (
        run(
            ["--db", db, "alerts", "evaluate", "--entity", "PLANT", "--period", "2025-03", "--json"]
        )
        == 0
    )
    capsys.readouterr()
    assert run(["--db", db, "alerts", "list", "--json"]) == 0
    capsys.readouterr()


def test_bad_input_exits_2_with_a_message(tmp_path, capsys):
    db = _ledger(tmp_path)
    assert run(["--db", db, "energy", "monitor", "--entity", "PLANT", "--period", "March"]) == 2
    assert "YYYY-MM" in capsys.readouterr().err
    assert (
        run(
            [
                "--db",
                db,
                "meters",
                "add",
                "X",
                "--entity",
                "NOPE",
                "--carrier",
                ELEC,
                "--unit",
                "kWh",
            ]
        )
        == 2
    )
    assert "entity" in capsys.readouterr().err
    assert run(["--db", db, "alerts", "ack", "7", "--reason", "x"]) == NotFoundError.exit_code
    assert "no alert #7" in capsys.readouterr().err
    assert run(["--db", db, "meters", "listen", "--broker", "http://x", "--topic", "t"]) == 2
    assert "mqtt://" in capsys.readouterr().err
