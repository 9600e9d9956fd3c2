"""`compute`, `explain`, `factors` through the CLI, on SQLite and PostgreSQL.

The hand-computed data set of ``calc_helpers`` is imported with ``esgledger
import`` (mixed units, monthly and annual rows, an acquisition and a
divestment) and read back through ``esgledger explain --json``.
"""

from __future__ import annotations

import json
import math

import pytest

import calc_helpers as H
from esgledger.cli import run
from esgledger.store import Ledger
from esgledger.store.runs import factor_overrides, list_runs, run_values

FIGURES = ("energy.total_tce", "ghg.scope1.co2", "ghg.scope2.location", "ghg.scope2.market")


@pytest.fixture
def db(any_db_url, monkeypatch, tmp_path, capsys):
    monkeypatch.setenv("ESGLEDGER_DATABASE_URL", any_db_url)
    files = H.write_files(tmp_path)
    assert run(["import", *map(str, files), "--json"]) == 0
    capsys.readouterr()
    return any_db_url


def explain(capsys, metric: str, entity: str, boundary: str) -> dict:
    code = run(
        ["explain", metric, "--entity", entity, "--period", "2024", "-b", boundary, "--json"]
    )
    captured = capsys.readouterr()
    assert code == 0, captured.err
    return json.loads(captured.out)


@pytest.mark.parametrize("boundary", ["operational", "equity", "financial"])
def test_explain_json_reproduces_hand_computed_figures(db, capsys, boundary):
    for node in ("GRP", "SUBA", "SUBB", "JV", "ACQ", "DIV"):
        want = H.expected(boundary, node) if node in H.CHILDREN else H.entity_figures(node)
        for metric in FIGURES:
            data = explain(capsys, metric, node, boundary)
            assert (data["metric"], data["entity"], data["period"], data["boundary"]) == (
                metric,
                node,
                "2024",
                boundary,
            )
            assert math.isclose(data["value"], want[metric], rel_tol=1e-4, abs_tol=1e-9), (
                node,
                metric,
                data["value"],
                want[metric],
            )


def test_explain_scope2_shows_each_entity_grid_row_and_why(db, capsys):
    data = explain(capsys, "ghg.scope2.location", "GRP", "equity")
    assert data["unit"] == "tCO2e"
    ents = {e["entity"]: e for e in data["lineage"]["entities"]}
    assert set(ents) == {"SUBA", "SUBB", "JV", "ASSOC", "ACQ", "DIV"}
    suba = ents["SUBA"]["observations"][0]
    assert (suba["raw_value"], suba["raw_unit"], suba["value"], suba["source"]) == (
        "5000",
        "万千瓦时",
        50_000.0,
        "bill",
    )
    grid = suba["factors"][0]
    assert grid["id"] == "grid:energy.electricity:CN-NM:2022-2022"
    assert grid["value"] == 0.6849
    assert "latest earlier year 2022" in grid["why"]
    assert grid["source"].startswith("MEE")
    jx = ents["JV"]["observations"][0]["factors"][0]
    assert jx["id"] == "grid:energy.electricity:CN-JX:2022-2022"
    js = ents["SUBB"]["observations"]
    assert any(
        f["id"] == "grid:energy.electricity:CN-JS:2022-2022" for o in js for f in o["factors"]
    )
    assert math.isclose(ents["JV"]["share"], 0.415)


def test_explain_text_output(db, capsys):
    assert run(["explain", "ghg.scope2.market", "--entity", "GRP", "--period", "2024"]) == 0
    out = capsys.readouterr().out
    assert "ghg.scope2.market" in out and "SUBA" in out and "residual" in out
    # entity lines carry the metric's unit, never a factor's unit (a regression)
    entity_lines = [line for line in out.splitlines() if " x share " in line]
    assert entity_lines and all("tCO2e x share" in line for line in entity_lines)
    assert "tCO2/MWh x share" not in out


def test_compute_stores_identical_runs(db, capsys):
    assert run(["compute", "--boundary", "equity", "--json"]) == 0
    first = json.loads(capsys.readouterr().out)
    assert run(["compute", "--boundary", "equity", "--json"]) == 0
    second = json.loads(capsys.readouterr().out)
    assert first["values"] == second["values"]
    assert first["inputs_hash"] == second["inputs_hash"]
    with Ledger.open(db) as led:
        runs = list_runs(led)
        assert len(runs) == 2
        assert runs[0].result_hash == runs[1].result_hash
        values = run_values(led)
        stored = {(v.metric, v.entity, v.period): v.value for v in values}
        assert math.isclose(
            stored[("ghg.scope1.co2", "GRP", "2024")] or 0,
            H.expected("equity")["ghg.scope1.co2"],
            rel_tol=1e-4,
        )
        assert [e.action for e in led.audit_events(action="calc.run")] == ["calc.run"] * 2
    assert run(["compute"]) == 0
    assert "run 3" in capsys.readouterr().out


def test_factor_import_changes_results_and_is_audited(db, capsys, tmp_path):
    f = tmp_path / "grid.csv"
    f.write_text(
        "kind,subject,entity,year_from,year_to,value,unit,source,note\n"
        "grid,energy.electricity,SUBA,2024,2024,0.5,tCO2/MWh,supplier contract,direct line\n",
        encoding="utf-8",
    )
    assert run(["factors", "import", str(f), "--dry-run"]) == 0
    assert "nothing written" in capsys.readouterr().out
    assert run(["factors", "import", str(f), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["added"] == 1
    assert run(["factors", "import", str(f), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["unchanged"] == 1
    data = explain(capsys, "ghg.scope2.location", "SUBA", "operational")
    suba = next(e for e in data["lineage"]["entities"] if e["entity"] == "SUBA")
    assert suba["observations"][0]["factors"][0]["source"] == "supplier contract"
    # SUBA 50,000 MWh * 0.5 (its own factor); DIV (60 %, operational) keeps Inner Mongolia's
    want = 50_000 * 0.5 + 3660 * H.DIV_FRACTION * 0.6849
    assert math.isclose(data["value"], want, rel_tol=1e-9)
    with Ledger.open(db) as led:
        assert [o.entity for o in factor_overrides(led)] == ["SUBA"]
        assert len(led.audit_events(action="factors.import")) == 1
    assert run(["factors", "SUBA", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert [x["origin"] for x in listed] == ["user"]


def test_bad_factor_file_exits_2_and_writes_nothing(db, capsys, tmp_path):
    f = tmp_path / "bad.csv"
    f.write_text("kind,subject,entity,value,unit\nncv,fuel.diesel,NOPE,x,GJ/t\n", encoding="utf-8")
    assert run(["factors", "import", str(f)]) == 2
    err = capsys.readouterr().err
    assert "bad.csv, row 2, column value" in err and "column entity" in err
    assert "Traceback" not in err
    with Ledger.open(db) as led:
        assert factor_overrides(led) == []


def test_cli_errors_exit_2(db, capsys):
    assert run(["explain", "ghg.nothing", "--entity", "GRP", "--period", "2024"]) in (2, 3)
    assert "unknown metric" in capsys.readouterr().err
    assert run(["explain", "ghg.scope1", "--entity", "GRP", "--period", "2024-03"]) == 2
    assert "annual" in capsys.readouterr().err
    assert run(["explain", "ghg.scope1", "--entity", "NOPE", "--period", "2024"]) == 3
    assert "unknown entity" in capsys.readouterr().err
    assert run(["compute", "--boundary", "magic"]) == 2
    assert "unknown boundary" in capsys.readouterr().err


def test_factors_list_and_search(monkeypatch, tmp_path, capsys):
    monkeypatch.setenv("ESGLEDGER_DATABASE_URL", f"sqlite:///{tmp_path / 'none.db'}")
    assert run(["factors", "CN-NM", "--kind", "grid", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert {r["value"] for r in rows} == {0.7025, 0.6849}
    assert all(r["source"] and r["edition"] for r in rows)
    assert run(["factors", "diesel"]) == 0
    out = capsys.readouterr().out
    # ncv, carbon content, oxidation, tce, CH4, N2O for fuel.diesel + CH4, N2O of road diesel
    assert "factors (8 of" in out


def test_sqlite_and_postgresql_give_identical_results(sqlite_url, pg_url, tmp_path):
    from esgledger.services.calc import compute_ledger

    files = H.write_files(tmp_path)
    outputs = []
    for url in (sqlite_url, pg_url):
        with Ledger.open(url) as led:
            from esgledger.intake import import_files

            import_files(led, files, actor="test")
            result = compute_ledger(led, boundary="equity")
            outputs.append([(v.metric, v.entity, v.period, v.value) for v in result.values])
    assert outputs[0] == outputs[1]


def test_compute_needs_the_permission_to_compute(db, capsys):
    """A viewer may read results but not compute (PermissionDenied: exit code 5); a manager may."""
    assert run(["users", "add", "demo-viewer", "--role", "viewer"]) == 0
    assert run(["users", "add", "demo-manager", "--role", "manager"]) == 0
    capsys.readouterr()
    assert run(["--as", "demo-viewer", "compute", "--json"]) == 5
    err = capsys.readouterr().err
    assert "may not compute and store calculation runs" in err and "Traceback" not in err
    with Ledger.open(db) as ledger:
        assert list_runs(ledger) == []
    assert run(["--as", "demo-manager", "compute", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["run_id"] >= 1
    with Ledger.open(db) as ledger:
        runs = list_runs(ledger)
    assert len(runs) == 1
    # reading is allowed to the viewer: explain of the stored run
    assert (
        run(["--as", "demo-viewer", "explain", "energy.total_tce", "-e", "GRP", "-p", "2024"]) == 0
    )
