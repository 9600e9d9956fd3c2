"""``explain`` reads a stored run's lineage and says when the ledger changed since the run.

The hand-computed data set of ``calc_helpers`` (tests/calc_helpers.py, figures
by hand there) is imported; ``compute`` stores a run; ``explain`` must then
give the very same answer as the engine without recomputing the ledger, and
flag an import made after the run.
"""

from __future__ import annotations

import json
import math

import pytest

import calc_helpers as H
from esgledger.cli import run
from esgledger.errors import NotFoundError
from esgledger.services import calc as calc_service
from esgledger.services.context import Context, Principal
from esgledger.services.explain import explain, neutral
from esgledger.store import Ledger
from esgledger.store.runs import list_runs


@pytest.fixture
def db(any_db_url, monkeypatch, tmp_path, capsys):
    monkeypatch.setenv("ESGLEDGER_DATABASE_URL", any_db_url)
    assert run(["import", *map(str, H.write_files(tmp_path)), "--json"]) == 0
    capsys.readouterr()
    return any_db_url


def _explain_cli(capsys, *extra: str) -> dict:
    code = run(["explain", "ghg.scope2.location", "-e", "GRP", "-p", "2024", "--json", *extra])
    out = capsys.readouterr()
    assert code == 0, out.err
    data: dict = json.loads(out.out)
    return data


def test_without_a_stored_run_the_year_is_computed_now(db, capsys):
    data = _explain_cli(capsys)
    assert data["run"]["stored"] is False and data["run"]["id"] is None
    assert math.isclose(
        data["value"], H.expected("operational")["ghg.scope2.location"], rel_tol=1e-9
    )


def test_explain_reads_the_stored_run_without_recomputing(db, capsys, monkeypatch, tmp_path):
    computed_now = _explain_cli(capsys)
    assert run(["compute", "--json"]) == 0
    run_id = json.loads(capsys.readouterr().out)["run_id"]

    def no_compute(*_a, **_k):
        raise AssertionError("explain recomputed the ledger")

    patch = monkeypatch.context()
    patch.__enter__().setattr(calc_service, "compute_ledger", no_compute)
    stored = _explain_cli(capsys)
    assert stored["run"]["id"] == run_id and stored["run"]["stored"] is True
    assert stored["run"]["ledger_changed"] is False and stored["run"]["note"] == ""
    # the same value and lineage as computing on the spot
    assert stored["value"] == computed_now["value"]
    assert stored["lineage"] == computed_now["lineage"]

    # a change to the ledger after the run: still the run's figures, and it says so
    more = tmp_path / "more.csv"
    more.write_text(
        "entity,period,indicator,value,unit,source,comment\n"
        "SUBA,2024,energy.electricity.purchased,60000,MWh,corrected bill,\n",
        encoding="utf-8",
    )
    assert run(["import", str(more)]) == 0
    capsys.readouterr()
    stale = _explain_cli(capsys)
    assert stale["value"] == stored["value"]
    assert stale["run"]["ledger_changed"] is True
    assert {c["action"] for c in stale["run"]["changes_since"]} >= {"import"}
    assert f"changed since run {run_id}" in stale["run"]["note"]
    code = run(["explain", "ghg.scope2.location", "-e", "GRP", "-p", "2024"])
    err = capsys.readouterr().err
    assert code == 0 and "the ledger has changed since run" in err
    patch.__exit__(None, None, None)

    # computing again gives a current run with the new value
    assert run(["compute"]) == 0
    capsys.readouterr()
    fresh = _explain_cli(capsys)
    assert fresh["run"]["id"] == run_id + 1 and not fresh["run"]["ledger_changed"]
    # SUBA is 100 % in GRP (operational) at the Inner Mongolia factor 0.6849 tCO2/MWh
    assert math.isclose(fresh["value"] - stored["value"], 10_000 * 0.6849, rel_tol=1e-9)
    # an explicit --run reads the old run
    old = _explain_cli(capsys, "--run", str(run_id))
    assert old["value"] == stored["value"] and old["run"]["ledger_changed"] is True


def test_service_options_and_errors(db, capsys):
    assert run(["compute", "--boundary", "equity"]) == 0
    capsys.readouterr()
    with Ledger.open(db) as ledger:
        ctx = Context(ledger, Principal.local_admin())
        (info,) = list_runs(ledger)
        eq = explain(ctx, "energy.total_tce", entity="GRP", period=2024, boundary="equity")
        assert eq["run"]["id"] == info.id
        assert math.isclose(eq["value"], H.expected("equity")["energy.total_tce"], rel_tol=1e-9)
        # another boundary has no stored run: computed now
        op = explain(ctx, "energy.total_tce", entity="GRP", period=2024)
        assert op["run"]["stored"] is False
        with pytest.raises(NotFoundError, match="no calculation run 99"):
            explain(ctx, "energy.total_tce", entity="GRP", period=2024, run_id=99)
        with pytest.raises(NotFoundError, match="unknown entity"):
            explain(ctx, "energy.total_tce", entity="NOPE", period=2024, boundary="equity")


def test_neutral_actions():
    assert neutral("calc.run") and neutral("quality.ack") and neutral("materiality.run")
    assert not neutral("import") and not neutral("observation.update")
    assert not neutral("status.approved") and not neutral("factors.import")
    assert not neutral("calc.runs.something-new")
