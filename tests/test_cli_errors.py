"""Every error path of the command line: one clear message, exit code 2, no traceback.

Each case runs one command against a small ledger (or a bad database URL) and
checks the exit code, that no Python traceback or "internal error" reached the
user, that the message names what it should (file, row, column, value, what was
expected), and that the ledger did not change (same audit trail, same rows).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from esgledger.cli import run
from esgledger.store import Ledger

ENTITIES = """\
code,name_en,name_zh,parent,type,ownership_pct,control,region,included_from,included_to
NRE,Test Group,测试集团,,group,,operational,CN-NM,,
HUAMEI,Huamei Co,华美公司,NRE,subsidiary,100,operational,CN-NM,,
"""
OBSERVATIONS = """entity,period,indicator,value,unit,source,comment
HUAMEI,2023,energy.electricity.purchased,10000,MWh,meter,
HUAMEI,2024,energy.electricity.purchased,1.2,万千瓦时,meter,
HUAMEI,2024,production.reo,1200,吨,prod,
"""
# four bad rows: unknown entity, unknown indicator, kWh for a mass, a bad period
BAD_OBSERVATIONS = """entity,period,indicator,value,unit,source,comment
NOPE,2024,water.fresh,1,m3,,
HUAMEI,2024,nope.indicator,1,m3,,
HUAMEI,2024,production.reo,5,kWh,,
HUAMEI,2024-13,water.fresh,1,m3,,
"""


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("cli_errors")
    (d / "entities.csv").write_text(ENTITIES, encoding="utf-8")
    (d / "observations.csv").write_text(OBSERVATIONS, encoding="utf-8")
    (d / "bad_obs.csv").write_text(BAD_OBSERVATIONS, encoding="utf-8")
    (d / "empty.csv").write_bytes(b"")
    (d / "gbk.csv").write_bytes(ENTITIES.encode("gbk"))  # Chinese names on row 2
    (d / "fake.xlsx").write_text("this is not a workbook\n", encoding="utf-8")
    (d / "wronghdr.csv").write_text("foo,bar\n1,2\n", encoding="utf-8")
    (d / "bad.yaml").write_text("version: 1\ntargets: [\n", encoding="utf-8")
    (d / "afile.txt").write_text("not a folder\n", encoding="utf-8")
    (d / "adir").mkdir()
    (d / "data").mkdir()  # an ESGLEDGER_DATA_DIR without targets.yaml
    return d


@pytest.fixture(scope="module")
def db(files: Path) -> str:
    url = f"sqlite:///{files / 'ledger.db'}"
    assert (
        run(["--db", url, "import", str(files / "entities.csv"), str(files / "observations.csv")])
        == 0
    )
    return url


def _state(url: str) -> tuple[int, int, int]:
    with Ledger.open(url) as ledger:
        return (
            ledger.verify_audit().events,
            len(ledger.observations(history=True)),
            len(ledger.entities()),
        )


PG_DOWN = "postgresql+psycopg://nobody@127.0.0.1:1/x"

# (args, words the message must contain); {d} is the folder of the files above.
CASES: list[tuple[list[str], list[str]]] = [
    # import
    (["import", "{d}/nope.csv"], ["nope.csv", "expected an existing file"]),
    (["import", "{d}/adir"], ["adir", "expected an existing file"]),
    (["import", "{d}/empty.csv"], ["empty.csv", "row 1", "header"]),
    (["import", "{d}/gbk.csv"], ["gbk.csv", "row 2", "UTF-8"]),
    (["import", "{d}/wronghdr.csv"], ["wronghdr.csv", "row 1", "'foo,bar'", "header"]),
    (
        ["import", "{d}/bad_obs.csv"],
        [
            "4 problems",
            "nothing was written",
            "bad_obs.csv, row 2, column entity: got 'NOPE'",
            "row 3, column indicator: got 'nope.indicator'",
            "row 4, column unit: got 'kWh'",
            "row 5, column period: got '2024-13'",
        ],
    ),
    (["import"], ["Missing argument"]),
    # export and template
    (["export", "--format", "json", "--out", "{d}/x"], ["--format 'json'", "csv, xlsx"]),
    (["export", "--format", "csv", "--out", "{d}/afile.txt"], ["--out", "afile.txt", "folder"]),
    (["export", "--format", "xlsx", "--out", "{d}/adir"], ["--out", "adir", ".xlsx"]),
    (["export", "--format", "xlsx", "--out", "{d}/afile.txt/x.xlsx"], ["--out", "is a file"]),
    (["template", "-e", "NOPE", "-p", "2024", "-o", "{d}/t.xlsx"], ["unknown entity 'NOPE'"]),
    (["template", "-e", "HUAMEI", "-p", "24", "-o", "{d}/t.xlsx"], ["bad period '24'", "YYYY"]),
    (["template", "-e", "HUAMEI", "-p", "2024", "-o", "{d}/t.csv"], ["--out", "t.csv", ".xlsx"]),
    (
        ["template", "-e", "HUAMEI", "-p", "2024", "-o", "{d}/t.xlsx", "-i", "nope.x"],
        ["unknown indicator 'nope.x'"],
    ),
    # ledger views and the workflow
    (["show", "--entity", "NOPE"], ["unknown entity 'NOPE'", "esgledger entities"]),
    (["show", "--indicator", "nope.x"], ["unknown indicator 'nope.x'"]),
    (["show", "--period", "20x4"], ["bad period '20x4'", "YYYY or YYYY-MM"]),
    (["show", "--status", "done"], ["--status 'done'", "draft, submitted, reviewed, approved"]),
    (["show", "--limit", "-1"], ["--limit -1", "0 or more"]),
    (["audit", "log", "--limit", "-1"], ["--limit -1", "0 or more"]),
    (["show", "--year", "20x4"], ["--year"]),
    (["show", "--year", "-5"], ["bad year -5", "1900 to 2200"]),
    (["show", "--year", "12024"], ["bad year 12024", "such as 2024"]),
    (["indicators", "--pillar", "X"], ["--pillar 'X'", "E, S, G"]),
    (["submit", "--period", "2024", "--entity", "NOPE"], ["unknown entity 'NOPE'"]),
    (["review", "--period", "2024", "--indicator", "nope.x"], ["unknown indicator 'nope.x'"]),
    (["approve", "--period", "2024-13"], ["bad period '2024-13'"]),
    (["approve", "--period", "2030"], ["nothing to approve", "2030"]),
    # calculation
    (["compute", "--period", "2019"], ["no observations for 2019", "2023, 2024"]),
    (["compute", "--period", "20x4"], ["bad period '20x4'", "year"]),
    (["compute", "--boundary", "nope"], ["unknown boundary 'nope'", "operational"]),
    (["compute", "--gwp", "AR9"], ["unknown GWP set 'AR9'", "AR6"]),
    (["explain", "nope.metric", "-e", "NRE", "-p", "2024"], ["unknown metric 'nope.metric'"]),
    (["explain", "ghg.scope1", "-e", "NOPE", "-p", "2024"], ["unknown entity 'NOPE'"]),
    (["explain", "ghg.scope1", "-e", "NRE", "-p", "2024-03"], ["bad period '2024-03'", "annual"]),
    (["explain", "ghg.scope1", "-e", "NRE", "-p", "2019"], ["no observations for 2019"]),
    (["factors", "--kind", "nope"], ["--kind 'nope'", "grid"]),
    (["factors", "import", "{d}/nope.csv"], ["cannot read", "nope.csv", "no such file"]),
    (["factors", "import", "{d}/adir"], ["cannot read", "adir", "folder"]),
    (["factors", "import", "{d}/gbk.csv"], ["gbk.csv", "row 2", "UTF-8"]),
    (["factors", "import", "{d}/wronghdr.csv"], ["wronghdr.csv", "row 1", "column kind"]),
    # targets and checks
    (["targets", "--file", "{d}/nope.yaml"], ["nope.yaml", "No such file"]),
    (["targets", "--file", "{d}/gbk.csv"], ["gbk.csv", "UTF-8"]),
    (["targets", "--file", "{d}/bad.yaml"], ["bad.yaml", "row 3", "valid YAML"]),
    (["targets"], ["no targets file", "--file", "targets.yaml"]),
    (["targets", "--boundary", "x"], ["unknown boundary 'x'"]),
    (["check", "--period", "20x4"], ["bad period '20x4'"]),
    (["check", "--threshold", "0"], ["bad threshold", "0.3"]),
    (["check", "--limit", "-3"], ["--limit -3", "0 or more"]),
    (["check", "--require", "nope"], ["unknown indicator 'nope'"]),
    (["check", "ack", "deadbeef0000", "--reason", "x"], ["no current finding", "deadbeef0000"]),
    # materiality and risks
    (["materiality", "import", "{d}/nope.csv", "--year", "2024"], ["nope.csv", "existing file"]),
    (["materiality", "import", "{d}/gbk.csv", "--year", "2024"], ["gbk.csv, row 2", "UTF-8"]),
    (["materiality", "import", "{d}/fake.xlsx", "--year", "2024"], ["fake.xlsx", "readable XLSX"]),
    (
        ["materiality", "import", "{d}/wronghdr.csv", "--year", "2024"],
        ["wronghdr.csv", "row 1", "topics, groups, responses or expert"],
    ),
    (["materiality", "run", "--year", "2031"], ["no survey responses or expert scores for 2031"]),
    (["materiality", "run", "--year", "2024", "--method", "x"], ["--method", "'x'", "survey"]),
    (["materiality", "show", "--year", "2031"], ["no materiality assessment for 2031"]),
    (["materiality", "show", "--lang", "fr"], ["--lang 'fr'", "en, zh"]),
    (["materiality", "show", "--chart", "{d}/m.txt"], ["--chart", "m.txt", ".png, .svg or .pdf"]),
    (["materiality", "questionnaire", "-o", "{d}/adir", "--year", "2024"], ["--out", ".xlsx"]),
    (
        ["materiality", "questionnaire", "-o", "{d}/afile.txt/q.xlsx", "--year", "2024"],
        ["--out", "is a file"],
    ),
    (["risks", "import", "{d}/empty.csv"], ["empty.csv", "row 1", "climate register"]),
    (["risks", "import", "{d}/gbk.csv"], ["gbk.csv, row 2", "UTF-8"]),
    (["risks", "import", "{d}/adir"], ["adir", "a file, not a folder"]),
    (["import", "{d}/fake.xlsx"], ["fake.xlsx", "readable .xlsx workbook"]),
    (["risks", "show", "--lang", "fr"], ["--lang 'fr'"]),
    (["risks", "show", "--heatmap", "{d}/afile.txt/h.png"], ["--heatmap", "is a file"]),
    (["risks", "export", "--format", "xlsx", "--out", "{d}/r.csv"], ["--out", "r.csv", ".xlsx"]),
    (["risks", "export", "--out", "{d}/afile.txt/r"], ["--out", "is a file"]),
    # coverage, demo, report
    (["coverage", "--framework", "nope"], ["unknown framework 'nope'", "gri"]),
    (["coverage", "-f", "gri", "--period", "2031"], ["no observations for 2031", "2024"]),
    (["coverage", "-f", "gri", "--omissions", "{d}/gbk.csv"], ["--omissions", "gbk.csv", "UTF-8"]),
    (["coverage", "-f", "gri", "--lang", "fr"], ["unknown language 'fr'"]),
    (["demo", "--out", "{d}/afile.txt", "--format", "none"], ["--out", "afile.txt", "folder"]),
    (["demo", "--format", "foo"], ["unknown format 'foo'", "html"]),
    (["demo", "--format", "none"], ["already holds entities of its own", "HUAMEI, NRE"]),
    (["report", "--period", "2031", "--format", "html"], ["no observations for 2031"]),
    (["report", "--period", "2024", "--lang", "fr"], ["unknown language 'fr'"]),
    (["report", "init-template", "{d}/afile.txt"], ["DIRECTORY", "afile.txt", "a folder"]),
    (["report", "--period", "2024", "--out", "{d}/afile.txt"], ["--out", "afile.txt", "a folder"]),
    (
        ["report", "--period", "2024", "--targets", "{d}/gbk.csv"],
        ["--targets", "gbk.csv", "row 2", "UTF-8"],
    ),
    (["report", "--period", "2024", "--template", "{d}/afile.txt"], ["--template", "folder"]),
    # the database URL
    (["--db", PG_DOWN, "entities"], ["cannot connect", "127.0.0.1:1", "server is running"]),
    (["--db", "nonsense", "entities"], ["bad database URL 'nonsense'"]),
    (["--db", "mysql://x@y/z", "entities"], ["unsupported database 'mysql'"]),
    (["--db", "sqlite:///{d}/nodir/x.db", "init"], ["nodir", "does not exist"]),
    (["--db", "sqlite:///{d}/gbk.csv", "entities"], ["file is not a database", "SQLite file"]),
]


def _id(case: tuple[list[str], list[str]]) -> str:
    return " ".join(a.replace("{d}/", "") for a in case[0])[:60]


@pytest.fixture
def cli_env(files: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("ESGLEDGER_DATA_DIR", str(files / "data"))
    monkeypatch.delenv("ESGLEDGER_DEBUG", raising=False)
    monkeypatch.chdir(files / "data")
    yield


@pytest.mark.usefixtures("cli_env")
@pytest.mark.parametrize("case", CASES, ids=[_id(c) for c in CASES])
def test_error_is_one_clear_message_and_exit_2(
    case: tuple[list[str], list[str]], files: Path, db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    args, words = case
    argv = [a.replace("{d}", str(files)) for a in args]
    if argv[0] != "--db":
        argv = ["--db", db, *argv]
    before = _state(db)
    capsys.readouterr()
    code = run(argv)
    out, err = capsys.readouterr()
    text = " ".join(err.split())  # rich wraps long lines at spaces
    assert code == 2, (out, err)
    assert "Traceback" not in out + err
    assert "internal error" not in err
    for word in words:
        assert word in text, f"{word!r} not in {text!r}"
    assert out.strip() == ""  # the message goes to stderr only
    assert _state(db) == before  # nothing written


def test_a_rejected_export_leaves_no_partial_file(files: Path, db: str) -> None:
    # the workbook is built in memory and moved into place: a failed write leaves nothing
    target = files / "adir" / "sub"
    target.mkdir()
    os.chmod(target, 0o500)
    try:
        code = run(["--db", db, "export", "--format", "xlsx", "--out", str(target / "x.xlsx")])
        if os.geteuid() == 0:  # root writes anyway; then the export must be whole
            assert code == 0
            assert (target / "x.xlsx").stat().st_size > 0
        else:
            assert code == 2
        assert [p.name for p in target.iterdir() if p.name.endswith(".tmp")] == []
    finally:
        os.chmod(target, 0o700)


def test_an_unexpected_exception_is_one_line_and_exit_1(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], db: str
) -> None:
    import esgledger.cli.ledger as ledger_cli

    def boom(*_args: object, **_kwargs: object) -> None:
        raise KeyError("surprise")

    monkeypatch.delenv("ESGLEDGER_DEBUG", raising=False)
    monkeypatch.setattr(ledger_cli, "find_indicators", boom)
    capsys.readouterr()
    assert run(["--db", db, "indicators"]) == 1
    err = capsys.readouterr().err
    assert "internal error: KeyError" in err and "ESGLEDGER_DEBUG=1" in err
    assert "Traceback" not in err
    monkeypatch.setenv("ESGLEDGER_DEBUG", "1")
    with pytest.raises(KeyError):
        run(["--db", db, "indicators"])


def test_a_mistyped_sqlite_path_is_noted(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'typo.db'}"
    capsys.readouterr()
    assert run(["--db", url, "entities", "--help"]) == 0
    assert "note:" not in capsys.readouterr().err
    assert run(["--db", url, "entities", "--json"]) == 0
    out, err = capsys.readouterr()
    assert out.strip() == "[]"
    assert "no ledger at" in err and "typo.db" in err  # paths are never wrapped
    assert run(["--db", url, "entities", "--json"]) == 0  # now it exists: no note
    assert "note:" not in capsys.readouterr().err
