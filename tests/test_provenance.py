"""Issue 11 item 8 (data-quality tier) and issue 12 (provenance marks): one field per
observation, ``provenance`` (measured, calculated, estimated, illustrative, or empty),
read from an optional column of observation files, stored, and shown by ``explain --json``."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from esgledger.cli import run
from esgledger.model import provenance_of

ENTITIES = """code,name_en,name_zh,parent,type,ownership_pct,control,region,\
included_from,included_to
P,Plant,工厂,,group,,operational,CN-JX,,
"""
OBSERVATIONS = """entity,period,indicator,value,unit,source,comment,provenance
P,2024,fuel.diesel,10,t,fuel card,,measured
P,2024,fugitive.gas.hfc134a,0.2,t,refill log,,估算
P,2024,energy.electricity.purchased,100,MWh,bill,,
"""


def test_provenance_texts():
    assert provenance_of(" Measured ") == "measured"
    assert provenance_of("计算") == "calculated"
    assert provenance_of("示意") == "illustrative"
    assert provenance_of("") == ""
    assert provenance_of("guess") is None


@pytest.fixture
def db(any_db_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    monkeypatch.setenv("ESGLEDGER_DATABASE_URL", any_db_url)
    monkeypatch.setenv("ESGLEDGER_DATA_DIR", str(tmp_path))
    (tmp_path / "entities.csv").write_text(ENTITIES, encoding="utf-8")
    (tmp_path / "observations.csv").write_text(OBSERVATIONS, encoding="utf-8")
    assert run(["import", str(tmp_path / "entities.csv"), str(tmp_path / "observations.csv")]) == 0
    return tmp_path


def test_provenance_is_stored_and_explained(db: Path, capsys: pytest.CaptureFixture[str]):
    capsys.readouterr()
    assert run(["explain", "ghg.scope1", "--entity", "P", "--period", "2024", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    obs = {o["indicator"]: o for e in out["lineage"]["entities"] for o in e["observations"]}
    assert obs["fuel.diesel"]["provenance"] == "measured"
    assert obs["fugitive.gas.hfc134a"]["provenance"] == "estimated"
    # AR6 Table 7.SM.7 HFC-134a 1,530: 0.2 t x 1,530 = 306 tCO2e in the total
    assert math.isclose(obs["fugitive.gas.hfc134a"]["contribution"], 0.2 * 1530)


def test_a_bad_provenance_names_file_row_and_column(db: Path, capsys):
    bad = db / "bad.csv"
    bad.write_text(
        "entity,period,indicator,value,unit,source,comment,provenance\n"
        "P,2023,fuel.diesel,5,t,card,,guessed\n",
        encoding="utf-8",
    )
    capsys.readouterr()
    assert run(["import", str(bad)]) != 0
    err = capsys.readouterr().err
    assert "bad.csv" in err and "provenance" in err and "guessed" in err
    assert "measured, calculated, estimated, illustrative" in err


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_provenance_survives_export_and_import(db: Path, fmt: str, capsys, monkeypatch):
    out = db / ("export" if fmt == "csv" else "export.xlsx")
    assert run(["export", "--format", fmt, "--out", str(out)]) == 0
    files = [out / "entities.csv", out / "observations.csv"] if fmt == "csv" else [out]
    if fmt == "csv":
        header = (out / "observations.csv").read_text(encoding="utf-8-sig").splitlines()[0]
        assert header.endswith(",provenance")
    monkeypatch.setenv("ESGLEDGER_DATABASE_URL", f"sqlite:///{db / 'again.db'}")
    assert run(["import", *map(str, files)]) == 0
    capsys.readouterr()
    assert run(["explain", "ghg.scope1", "--entity", "P", "--period", "2024", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    obs = {o["indicator"]: o for e in data["lineage"]["entities"] for o in e["observations"]}
    assert obs["fuel.diesel"]["provenance"] == "measured"
    assert obs["fugitive.gas.hfc134a"]["provenance"] == "estimated"
