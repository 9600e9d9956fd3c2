"""The demo company's report, end to end from a ledger: published figures, indexes, CLI."""

import io
import json
import re
from pathlib import Path

import pytest
from openpyxl import load_workbook

from esgledger.catalog.frameworks import load_framework
from esgledger.cli import run
from esgledger.demo.build import build_demo, data_path, narrative_dir
from esgledger.report.build import build_report
from esgledger.report.definition import load_definition
from esgledger.report.sources import collect
from esgledger.store import Ledger
from report_helpers import annex_rows, html_figures_check


@pytest.fixture(scope="module")
def demo_url(tmp_path_factory):
    folder = tmp_path_factory.mktemp("demo")
    url = f"sqlite:///{folder / 'ledger.db'}"
    with Ledger.open(url) as ledger:
        build_demo(ledger, folder / "out")
        from esgledger.store.assessments import load_demo

        load_demo(ledger)
    return url


@pytest.fixture(scope="module")
def demo_report(demo_url, tmp_path_factory):
    out = tmp_path_factory.mktemp("report")
    with Ledger.open(demo_url) as ledger:
        paths = build_report(
            ledger,
            2024,
            ["en", "zh"],
            ["html", "xlsx"],
            out,
            targets=data_path("targets.yaml"),
            narrative=narrative_dir(),
        )
    return {p.name: p for p in paths}


def test_published_figures_are_printed(demo_report):
    en = demo_report["esg-report-2024-en.html"].read_text(encoding="utf-8")
    zh = demo_report["esg-report-2024-zh.html"].read_text(encoding="utf-8")
    # the demo approves 2022 and 2023 only: the 2024 report is a draft, and says so
    assert "Draft: built from data not yet approved" in en.split('<nav class="toc"')[0]
    assert "草稿：所用数据尚未全部审批" in zh.split('<nav class="toc"')[0]
    # seed 2024 ESG report: purchased electricity 819,687 MWh; 919 kgce/tREO; 9,867 employees
    assert ">819,687 MWh<" in en
    assert ">919 kgce/tREO<" in en
    assert ">9,867 people<" in en
    assert ">819,687兆瓦时<" in zh
    assert ">919千克标准煤/吨REO<" in zh
    assert "中国北方稀土（集团）高科技股份有限公司" in zh


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_printed_number_is_in_the_annex(demo_report, lang):
    rows = annex_rows(demo_report[f"esg-report-2024-{lang}.xlsx"].read_bytes())
    page = demo_report[f"esg-report-2024-{lang}.html"].read_text(encoding="utf-8")
    spans = html_figures_check(page, rows)
    assert len(spans) > 200


def test_group_totals_are_consolidated_over_operational_entities(demo_url):
    with Ledger.open(demo_url) as ledger:
        data = collect(ledger, 2024, definition=load_definition())
    # the demo splits the published totals over entities; their sum is the published figure
    assert data.get("energy.electricity.purchased", 2024).value == pytest.approx(819687)
    assert data.get("energy.electricity.purchased", 2023).value == pytest.approx(739771)
    assert data.get("energy.steam.purchased", 2024).value == pytest.approx(41225)
    assert data.get("fuel.natural_gas", 2024).value == pytest.approx(69759526)
    assert data.get("ghg.scope1", 2024).run.startswith("calc-")
    assert data.topics and data.risks


def test_a_broken_assessment_is_reported_not_silently_left_out(demo_url, monkeypatch):
    from esgledger.errors import StorageError
    from esgledger.store import assessments

    def broken(ledger, year):
        raise StorageError("the assessment tables cannot be read")

    monkeypatch.setattr(assessments, "materiality_result", broken)
    with Ledger.open(demo_url) as ledger, pytest.raises(StorageError, match="cannot be read"):
        collect(ledger, 2024, definition=load_definition())


def test_every_disclosure_has_a_location_or_an_omission(demo_report):
    wb = load_workbook(io.BytesIO(demo_report["esg-report-2024-en.xlsx"].read_bytes()))
    ws = wb.worksheets[1]
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    by_framework: dict[str, list[tuple]] = {}
    for row in rows:
        by_framework.setdefault(row[0], []).append(row)
    assert len(by_framework) == 4
    counts = sorted(len(v) for v in by_framework.values())
    expected = sorted(len(load_framework(k).disclosures) for k in ("gri", "sse", "sasac", "issb"))
    assert counts == expected
    for row in rows:
        assert row[3] or row[4], row  # a section, or an omission reason


def test_report_is_deterministic(demo_url, demo_report, tmp_path):
    with Ledger.open(demo_url) as ledger:
        paths = build_report(
            ledger,
            2024,
            ["zh"],
            ["html", "xlsx"],
            tmp_path,
            targets=data_path("targets.yaml"),
            narrative=narrative_dir(),
        )
    for p in paths:
        assert p.read_bytes() == demo_report[p.name].read_bytes()


def test_cli_report_writes_files_and_json(demo_url, tmp_path, capsys):
    code = run(
        ["--db", demo_url, "report", "--period", "2024", "--lang", "en", "--format", "xlsx",
         "--out", str(tmp_path), "--json"]
    )  # fmt: skip
    assert code == 0
    out = json.loads(capsys.readouterr().out)
    assert out["files"] == [str(tmp_path / "esg-report-2024-en.xlsx")]


def test_cli_errors_exit_2(demo_url, tmp_path, capsys):
    assert run(["--db", demo_url, "report", "--period", "2024", "--format", "odt"]) == 2
    assert "unknown format 'odt'" in capsys.readouterr().err
    assert run(["--db", demo_url, "report", "--period", "1999", "--out", str(tmp_path)]) == 2
    assert "no observations for 1999" in capsys.readouterr().err
    assert run(["--db", demo_url, "report", "--lang", "en"]) == 2
    assert "--period" in capsys.readouterr().err


def test_init_template_copies_an_editable_template(tmp_path, capsys):
    dest = tmp_path / "tpl"
    assert run(["report", "init-template", str(dest)]) == 0
    assert (dest / "report.yaml").is_file()
    assert (dest / "sections" / "zh" / "about.md").is_file()
    assert load_definition(dest).sections[0].id == "about"
    assert run(["report", "init-template", str(dest)]) == 2
    assert "not empty" in capsys.readouterr().err


def test_paths_are_printed_as_they_are(demo_url, tmp_path, capsys):
    # "[/]" in a folder name is not rich markup: the command must not crash after its work
    dest = tmp_path / "tpl[/]a"
    assert run(["report", "init-template", str(dest)]) == 0
    assert f"template copied to {dest}" in capsys.readouterr().out
    out = tmp_path / "out[/]b"
    args = ["--db", demo_url, "report", "--period", "2024", "--lang", "en", "--format", "html"]
    assert run([*args, "--out", str(out)]) == 0
    assert f"wrote {out / 'esg-report-2024-en.html'}" in capsys.readouterr().out


def test_an_edited_template_changes_the_report(demo_url, tmp_path):
    dest = tmp_path / "tpl"
    run(["report", "init-template", str(dest)])
    about = dest / "sections" / "en" / "about.md"
    about.write_text('Our own words: {{ fig("fuel.diesel") }}.', encoding="utf-8")
    with Ledger.open(demo_url) as ledger:
        (path,) = build_report(ledger, 2024, ["en"], ["html"], tmp_path / "out", template=dest)
    text = Path(path).read_text(encoding="utf-8")
    assert re.search(r"Our own words: <span[^>]*>931 t</span>", text)  # seed: diesel 931 t


@pytest.mark.slow
def test_report_data_is_the_same_on_both_engines(any_db_url, demo_url, tmp_path):
    """The report reads through the Ledger only, so SQLite and PostgreSQL give the same data."""
    with Ledger.open(any_db_url) as ledger:
        build_demo(ledger, tmp_path / "out")
        data = collect(ledger, 2024)
    with Ledger.open(demo_url) as ledger:
        reference = collect(ledger, 2024)
    assert data.get("energy.electricity.purchased", 2024).value == pytest.approx(819687)
    assert {k: round(v.value, 6) for k, v in data.data.items()} == {
        k: round(v.value, 6) for k, v in reference.data.items()
    }


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_one_label_one_number(demo_url, lang):
    # two printed figures with the same label, year and unit must print the same number
    from datetime import date

    from esgledger.demo.build import narrative_dir
    from esgledger.report.compose import compose_report

    definition = load_definition(narrative=narrative_dir())
    with Ledger.open(demo_url) as ledger:
        data = collect(ledger, 2024, definition=definition, targets=data_path("targets.yaml"))
    report = compose_report(definition, data, lang, date(2025, 3, 31))
    seen: dict[tuple[str, str, str], tuple[str, float]] = {}

    def number(text: str) -> str:  # "91.7%" and "91.7" (a table cell) are the same number
        m = re.search(r"-?\d[\d,]*(\.\d+)?", text)
        return m.group(0) if m else text

    for f in report.figure_list():
        key = (f.label, f.ref.period, f.unit)
        if key in seen:
            # what the reader compares is the printed number (one precision per figure too)
            assert seen[key][0] == number(f.printed), (key, seen[key], f.printed, f.ref)
        else:
            seen[key] = (number(f.printed), f.value)


def test_the_demo_says_it_is_a_demonstration(demo_report):
    en = demo_report["esg-report-2024-en.html"].read_text(encoding="utf-8")
    zh = demo_report["esg-report-2024-zh.html"].read_text(encoding="utf-8")
    head = en.split('<nav class="toc"')[0]
    assert "Demonstration only" in head and "This is not that company&#39;s report" in head
    assert "仅供演示" in zh.split('<nav class="toc"')[0]
    assert "[Placeholder" in en and "【占位文本" in zh  # the leadership message
    wb = load_workbook(io.BytesIO(demo_report["esg-report-2024-zh.xlsx"].read_bytes()))
    cells = [c for ws in wb.worksheets for row in ws.iter_rows(values_only=True) for c in row]
    assert any(isinstance(c, str) and c.startswith("仅供演示") for c in cells)
