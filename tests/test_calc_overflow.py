"""A value too large to compute with is a clear error, never an infinite result (issue 15,
item 4): 1e308 t of diesel imports (it is finite), but its emissions overflow; ``compute``
refuses with the metric, entity and period named, stores no run, and ``--json`` stays JSON.
"""

from __future__ import annotations

import json

import pytest

from esgledger.cli import run
from esgledger.errors import CalcError, ValidationError
from esgledger.intake import import_files
from esgledger.services.calc import run_and_store
from esgledger.store import Ledger
from esgledger.store.runs import list_runs
from intake_helpers import BASE, OBS_HEADER, write


@pytest.fixture
def huge(any_db_url, tmp_path):
    path = write(tmp_path / "observations.csv", OBS_HEADER + "SMELT,2024,fuel.diesel,1e308,t,,\n")
    with Ledger.open(any_db_url) as led:
        import_files(led, [BASE / "entities.csv", path], actor="t")
    return any_db_url


def test_an_overflowing_result_is_a_calc_error_and_no_run_is_stored(huge):
    with Ledger.open(huge) as led:
        with pytest.raises(CalcError) as info:
            run_and_store(led, actor="t", periods=[2024])
        assert list_runs(led) == []
    text = str(info.value)
    assert "calculation rejected" in text and "SMELT in 2024" in text
    assert "a finite result" in text and "'inf'" in text


def test_compute_json_prints_an_error_not_infinity(huge, monkeypatch, capsys):
    monkeypatch.setenv("ESGLEDGER_DATABASE_URL", huge)
    code = run(["compute", "--period", "2024", "--json"])
    out, err = capsys.readouterr()
    assert code != 0
    assert "Infinity" not in out and "NaN" not in out
    assert "a finite result" in out + err
    if out.strip():
        json.loads(out)


def test_a_conversion_that_overflows_is_rejected_at_import(ledger, tmp_path):
    # 1e308 万吨 is 1e312 t: beyond the largest float once converted
    path = write(
        tmp_path / "observations.csv", OBS_HEADER + "SMELT,2024,fuel.diesel,1e308,万吨,,\n"
    )
    import_files(ledger, [BASE / "entities.csv"], actor="t")
    with pytest.raises(ValidationError, match="beyond the largest float"):
        import_files(ledger, [path], actor="t")
    assert ledger.observations() == []


def test_json_output_never_holds_a_non_finite_number(capsys):
    from esgledger.cli.app import emit_json

    emit_json({"a": float("inf"), "b": [float("nan"), 1.5], "c": (float("-inf"),)})
    assert json.loads(capsys.readouterr().out) == {"a": None, "b": [None, 1.5], "c": [None]}
