"""Issue 9 leftovers: one entity read per request, and what a subsidiary's manager may do."""

from __future__ import annotations

import pytest

from esgledger.errors import PermissionDenied
from esgledger.services import observations
from esgledger.services.authz import authorize, visible_entities
from esgledger.services.calc import compute_run, compute_subtree
from esgledger.services.reports import build_report
from portal_helpers import ctx_of, seed


@pytest.fixture
def seeded(sqlite_url, tmp_path):
    from esgledger.store import Ledger

    led = Ledger.open(sqlite_url)
    seed(led, tmp_path)
    yield led
    led.close()


def test_one_context_reads_the_entity_tree_once(seeded, monkeypatch) -> None:
    reads = []
    real = type(seeded).entities

    def counting(self):
        reads.append(1)
        return real(self)

    monkeypatch.setattr(type(seeded), "entities", counting)
    ctx = ctx_of(seeded, "sa", ("A", "submitter"))
    for _ in range(5):
        authorize(ctx, "data.enter", "A")
    assert visible_entities(ctx, "data.read", ["A", "B", "G"]) == ["A"]
    observations.list_observations(ctx, entity="A")
    assert len(reads) == 1
    # a new context (the next request) reads again
    authorize(ctx_of(seeded, "sa", ("A", "submitter")), "data.enter", "A")
    assert len(reads) == 2


def test_an_entity_import_refreshes_the_cached_tree(seeded, tmp_path) -> None:
    admin = ctx_of(seeded, "adm", ("*", "admin"))
    assert "C" not in {e.code for e in admin.entities()}
    f = tmp_path / "more.csv"
    f.write_text(
        "code,name_en,name_zh,parent,type,ownership_pct,control,region,included_from,included_to\n"
        "C,Plant C,丙厂,G,subsidiary,100,operational,CN-NM,,\n",
        encoding="utf-8",
    )
    observations.import_files(admin, [f])
    assert "C" in {e.code for e in admin.entities()}


def test_a_subsidiary_manager_computes_their_subtree_without_storing(seeded) -> None:
    mgr_a = ctx_of(seeded, "ma", ("A", "manager"))
    with pytest.raises(PermissionDenied) as err:
        compute_run(mgr_a, periods=[2024])
    assert err.value.hint is not None and "--entity A" in err.value.hint.text
    result = compute_subtree(mgr_a, "A", periods=[2024])
    assert set(result.tree.entities) == {"A"}
    assert result.options["subtree"] == "A"
    # A's purchased electricity 1000 MWh (portal_helpers) = 1,000,000 kWh x 0.1229 kgce/kWh
    # (electricity, equivalent value, GB/T 2589-2020 appendix A) = 122.9 tce
    totals = {(v.metric, v.entity): v for v in result.values}
    assert totals[("energy.total_tce", "A")].value == pytest.approx(122.9)
    with seeded.read() as conn:
        from sqlalchemy import text

        assert conn.execute(text("select count(*) from calc_runs")).scalar() == 0
    # B is out of scope: not found, as for any entity the user cannot see
    from esgledger.errors import NotFoundError

    with pytest.raises(NotFoundError):
        compute_subtree(mgr_a, "B", periods=[2024])


def test_a_subsidiary_manager_may_not_build_the_group_report(seeded, tmp_path) -> None:
    with pytest.raises(PermissionDenied):
        build_report(ctx_of(seeded, "ma", ("A", "manager")), 2024, out_dir=tmp_path / "r")
