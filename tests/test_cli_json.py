"""``--json`` on every command that lists something: valid JSON on stdout only, stable keys.

The keys are the ones docs/cli.md promises; a renamed or dropped key is a
breaking change for scripts that read the output, so the sets are compared exactly.
Progress, spinners and warnings go to stderr and never into the JSON.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from esgledger.cli import run

ENTITIES = """\
code,name_en,name_zh,parent,type,ownership_pct,control,region,included_from,included_to
NRE,Test Group,测试集团,,group,,operational,CN-NM,,
HUAMEI,Huamei Co,华美公司,NRE,subsidiary,100,operational,CN-NM,,
"""
OBSERVATIONS = """\
entity,period,indicator,value,unit,source,comment
HUAMEI,2023,energy.electricity.purchased,10000,MWh,meter,
HUAMEI,2024,energy.electricity.purchased,1.2,万千瓦时,meter,
HUAMEI,2024,production.reo,1200,吨,prod,
HUAMEI,2024,fuel.diesel,30,t,invoice,
"""
GROUPS = (
    "code,name_en,name_zh,weight\nemployees,Employees,员工,0.6\ninvestors,Investors,投资者,0.4\n"
)
RESPONSES = """\
respondent,group,topic,impact,financial
R1,employees,climate,5,4
R1,employees,innovation,3,3
R2,investors,climate,4,5
R2,investors,innovation,2,3
"""
RISK_HEADER = (
    "code,category,title_en,title_zh,description_en,description_zh,horizons,likelihood,"
    "magnitude,current_effect_min_cny,current_effect_max_cny,anticipated_effect_min_cny,"
    "anticipated_effect_max_cny,entities,value_chain,response_en,response_zh,metrics,targets,"
    "owner,notes"
)
RISKS = (
    RISK_HEADER + "\nPHY-C1,physical_chronic,Drought,干旱,Less water,缺水,medium,3,4,,,"
    "1000000,5000000,HUAMEI,operations,Recycle water,循环用水,water.fresh,,Production,\n"
)
HORIZONS = "horizon,from_year,to_year\nshort,2025,2027\nmedium,2028,2035\nlong,2036,2060\n"
TARGETS = """\
version: 1
targets:
  - id: power-cap
    metric: energy.electricity.purchased
    entities: [HUAMEI]
    unit: MWh
    baseline: {year: 2023}
    target: {year: 2025, value: 9000}
    direction: decrease
"""

ENTITY_KEYS = {
    "code", "name_en", "name_zh", "parent", "type", "ownership_pct", "control", "region",
    "included_from", "included_to", "financial_control",
}  # fmt: skip
OBSERVATION_KEYS = {
    "entity", "period", "indicator", "value", "unit", "raw_value", "raw_unit", "source",
    "comment", "status", "version", "id", "provenance",
}  # fmt: skip
IMPORT_KEYS = {
    "entities_added", "entities_updated", "entities_unchanged", "observations_added",
    "observations_updated", "observations_unchanged", "dry_run", "warnings",
}  # fmt: skip


@pytest.fixture
def ledger_dir(any_db_url: str, tmp_path: Path) -> tuple[str, Path]:
    files = {
        "entities.csv": ENTITIES,
        "observations.csv": OBSERVATIONS,
        "groups.csv": GROUPS,
        "responses.csv": RESPONSES,
        "risks.csv": RISKS,
        "horizons.csv": HORIZONS,
        "targets.yaml": TARGETS,
    }
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    db = any_db_url
    d = str(tmp_path)
    assert run(["--db", db, "import", f"{d}/entities.csv", f"{d}/observations.csv"]) == 0
    assert (
        run(
            ["--db", db, "materiality", "import", f"{d}/groups.csv", f"{d}/responses.csv"]
            + ["--year", "2024"]
        )
        == 0
    )
    assert run(["--db", db, "risks", "import", f"{d}/risks.csv", f"{d}/horizons.csv"]) == 0
    return db, tmp_path


def _json(capsys: pytest.CaptureFixture[str], db: str, *args: str) -> Any:
    capsys.readouterr()
    code = run(["--db", db, *args])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert not err.lstrip().startswith(("{", "[")), err  # nothing of the JSON on stderr
    return json.loads(out)  # the whole of stdout is one JSON document


def _item_keys(data: list[dict[str, Any]]) -> set[str]:
    assert data, "expected at least one item"
    keys = set(data[0])
    assert all(set(item) == keys for item in data)
    return keys


def test_listing_commands_print_stable_json(
    ledger_dir: tuple[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    db, d = ledger_dir
    j = lambda *args: _json(capsys, db, *args)  # noqa: E731

    assert set(j("init", "--json")) == {"database", "revision", "entities", "audit_events"}
    entities = j("entities", "--json")
    assert _item_keys(entities) == ENTITY_KEYS
    assert {e["code"]: e["parent"] for e in entities} == {"HUAMEI": "NRE", "NRE": None}

    indicators = j("indicators", "water", "--json")
    assert _item_keys(indicators) == {
        "code", "name_en", "name_zh", "unit", "pillar", "kind", "aggregation", "min", "max",
        "group",
    }  # fmt: skip
    assert j("indicators", "no-such-word-anywhere", "--json") == []

    shown = j("show", "--year", "2024", "--json")
    assert _item_keys(shown) == OBSERVATION_KEYS
    power = next(o for o in shown if o["indicator"] == "energy.electricity.purchased")
    # 1.2 万千瓦时 = 1.2 × 10^4 kWh = 12 MWh; the submitted value and unit are kept
    assert (power["value"], power["unit"], power["raw_value"], power["raw_unit"]) == (
        pytest.approx(12.0),
        "MWh",
        "1.2",
        "万千瓦时",
    )

    assert set(j("audit", "verify", "--json")) == {"ok", "events", "head_seq", "head_hash"}
    assert _item_keys(j("audit", "log", "--limit", "2", "--json")) == {
        "seq", "at", "actor", "action", "ref", "payload", "hash", "prev_hash",
    }  # fmt: skip
    assert set(j("submit", "--period", "2024", "--json")) == {
        "action", "changed", "entity", "period", "locked",
    }  # fmt: skip
    assert j("locks", "--json") == []

    dry = j("import", str(d / "observations.csv"), "--dry-run", "--json")
    assert set(dry) == IMPORT_KEYS
    assert dry["observations_unchanged"] == 4 and dry["dry_run"] is True

    check = j("check", "--json")
    assert set(check) == {"summary", "findings"}
    assert _item_keys(check["findings"]) == {
        "id", "check", "severity", "entity", "indicator", "period", "message", "status", "note",
    }  # fmt: skip

    targets = j("targets", "--file", str(d / "targets.yaml"), "--period", "2024", "--json")
    assert set(targets) == {"file", "boundary", "targets"}
    assert _item_keys(targets["targets"]) == {
        "target", "name_en", "name_zh", "metric", "year", "unit", "baseline_year", "baseline",
        "target_year", "target_value", "actual", "expected", "progress_pct", "direction",
        "status", "note",
    }  # fmt: skip

    computed = j("compute", "--period", "2024", "--json")
    assert set(computed) == {
        "run_id", "boundary", "gwp", "inputs_hash", "factor_version", "code_version", "values",
    }  # fmt: skip
    assert _item_keys(computed["values"]) == {
        "metric", "entity", "period", "boundary", "value", "unit",
    }  # fmt: skip

    explained = j("explain", "energy.total_tce", "--entity", "NRE", "--period", "2024", "--json")
    assert {"metric", "entity", "period", "boundary", "value", "unit", "lineage"} <= set(explained)
    assert set(explained) == {
        "metric", "description", "entity", "entity_name", "period", "boundary", "value", "unit",
        "gwp", "run", "uncertainty_pct", "lineage",
    }  # fmt: skip

    assert _item_keys(j("factors", "diesel", "--json")) == {
        "id", "kind", "subject", "value", "unit", "region", "entity", "year_from", "year_to",
        "source", "edition", "table", "confidence", "note", "origin",
    }  # fmt: skip

    coverage = j("coverage", "--framework", "gri", "--period", "2024", "--json")
    assert set(coverage) == {
        "framework", "name_en", "name_zh", "period", "total", "answered", "omitted", "gap",
        "coverage_pct", "omitted_by_reason", "gaps", "partial",
    }  # fmt: skip

    imported = j(
        "materiality", "import", str(d / "responses.csv"), "--year", "2024", "--dry-run", "--json"
    )
    assert imported == {
        "year": 2024, "topics": 0, "groups": 0, "responses": 4, "expert": 0, "dry_run": True,
    }  # fmt: skip
    ran = j("materiality", "run", "--year", "2024", "--json")
    shown_m = j("materiality", "show", "--json")
    assert ran == shown_m
    assert set(shown_m) == {
        "year", "method", "thresholds", "synthetic", "respondents", "groups", "tiers", "topics",
        "sensitivity", "previous_year", "changes",
    }  # fmt: skip
    assert {"code", "name_en", "name_zh", "impact", "financial", "tier"} <= _item_keys(
        shown_m["topics"]
    )

    risks_in = j("risks", "import", str(d / "risks.csv"), "--dry-run", "--json")
    # a risks file alone keeps the stored horizons
    assert risks_in == {"risks": 1, "opportunities": 0, "horizons": 3, "dry_run": True}
    risks = j("risks", "show", "--json")
    assert set(risks) == {"horizons", "items", "ifrs_s2"}
    assert _item_keys(risks["horizons"]) == {"horizon", "from_year", "to_year"}
    assert risks["items"][0]["code"] == "PHY-C1"
