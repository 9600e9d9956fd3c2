"""The permission matrix: every role × every service use case × in scope / out of scope.

Generated from the tables below: a service use case (a public ``fn(ctx, ...)`` of a
services module) without an entry fails :func:`test_every_use_case_is_in_the_matrix`.
Expectations come from the policy table :data:`esgledger.services.authz.ROLE_ACTIONS`
and the scope rules: out of every membership's scope an entity is "unknown"
(:class:`NotFoundError`, the same message as for a code that does not exist); in
scope but beyond the role it is :class:`PermissionDenied`. Runs on SQLite and PostgreSQL.
"""

from __future__ import annotations

import importlib
import inspect
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from esgledger.errors import EsgError, NotFoundError, PermissionDenied
from esgledger.model import Entity
from esgledger.services import (
    audit,
    calc,
    coverage,
    entities,
    explain,
    findings,
    identity,
    observations,
    quality,
    report_jobs,
    reports,
    results,
    surveys,
    targets,
    workflow,
)
from esgledger.services.authz import GLOBAL_READERS, ROLE_ACTIONS
from esgledger.services.context import GROUP, ROLES, Context, Membership, Principal
from store_helpers import batch, obs

GRP = Entity("GRP", "Group", "集团", None, "group", None, "operational", "CN-NM")
SUB = Entity("SUB", "Subsidiary", "子公司", "GRP", "subsidiary", 100.0, "operational", "CN-NM")
OTH = Entity("OTH", "Other", "其他", "GRP", "subsidiary", 100.0, "operational", "CN-NM")

Call = Callable[[Context, str, Path], object]

#: Use cases on one entity: (name, action, call(ctx, entity, tmp)).
ENTITY_CASES: list[tuple[str, str, Call]] = [
    (
        "calc.compute_subtree",
        "calc.compute",
        lambda c, e, t: calc.compute_subtree(c, e),
    ),
    (
        "observations.list_observations",
        "data.read",
        lambda c, e, t: observations.list_observations(c, entity=e),
    ),
    (
        "observations.check_filters",
        "data.read",
        lambda c, e, t: observations.check_filters(c, entity=e),
    ),
    (
        "observations.write_template",
        "data.read",
        lambda c, e, t: observations.write_template(c, e, "2024", t / f"{e}.xlsx"),
    ),
    (
        "observations.enter_values",
        "data.enter",
        lambda c, e, t: observations.enter_values(
            c,
            [{"entity": e, "period": "2024", "indicator": "water.fresh", "value": 5, "unit": "m3"}],
            dry_run=True,
        ),
    ),
    (
        "observations.import_files",
        "data.enter",
        lambda c, e, t: observations.import_files(c, [_file(t, e)], dry_run=True),
    ),
    (
        "observations.import_batch",
        "data.enter",
        lambda c, e, t: observations.import_batch(
            c, batch(obs(entity=e, raw="7"), entities=()), dry_run=True
        ),
    ),
    ("entities.get_entity", "data.read", lambda c, e, t: entities.get_entity(c, e)),
    ("workflow.submit", "data.submit", lambda c, e, t: workflow.submit(c, e, "2024")),
    ("workflow.review", "data.review", lambda c, e, t: workflow.review(c, e, "2024")),
    ("workflow.approve", "data.approve", lambda c, e, t: workflow.approve(c, e, "2024")),
    ("workflow.reject", "data.reject", lambda c, e, t: workflow.reject(c, e, "2024", "why")),
    ("workflow.lock", "period.lock", lambda c, e, t: workflow.lock(c, e, "2024")),
    ("workflow.unlock", "period.unlock", lambda c, e, t: workflow.unlock(c, e, "2024", "why")),
    ("workflow.rejections", "data.read", lambda c, e, t: workflow.rejections(c, e)),
    ("workflow.restatements", "data.read", lambda c, e, t: workflow.restatements(c, e)),
    (
        "identity.add_membership",
        "users.manage",
        lambda c, e, t: identity.add_membership(c, "target", e, "viewer"),
    ),
    (
        "identity.remove_membership",
        "users.manage",
        lambda c, e, t: identity.remove_membership(c, "target", e),
    ),
    (
        "explain.explain",
        "results.read",
        lambda c, e, t: explain.explain(c, "energy.total_tce", entity=e, period=2024),
    ),
    (
        "results.dashboard",
        "results.read",
        lambda c, e, t: results.dashboard(c, entity=e),
    ),
    (
        "results.drilldown",
        "results.read",
        lambda c, e, t: results.drilldown(c, "energy.total_tce", entity=e, year=2024),
    ),
    (
        "identity.add_user",
        "users.manage",
        lambda c, e, t: identity.add_user(c, f"new-{e}-{id(c)}", role="viewer", entities=[e]),
    ),
]

#: Use cases on the whole group: (name, actions (any one suffices), call(ctx, tmp)).
GROUP_CASES: list[tuple[str, frozenset[str], Callable[[Context, Path], object]]] = [
    ("audit.audit_events", frozenset({"audit.read"}), lambda c, t: audit.audit_events(c)),
    ("audit.verify_audit", frozenset({"audit.read"}), lambda c, t: audit.verify_audit(c)),
    (
        "identity.list_users",
        frozenset({"users.manage", "audit.read"}),
        lambda c, t: identity.list_users(c),
    ),
    (
        "identity.disable_user",
        frozenset({"users.manage"}),
        lambda c, t: identity.disable_user(c, "target"),
    ),
    (
        "identity.enable_user",
        frozenset({"users.manage"}),
        lambda c, t: identity.enable_user(c, "target"),
    ),
    (
        "identity.set_password",
        frozenset({"users.manage"}),
        lambda c, t: identity.set_password(c, "target", "a long password"),
    ),
    (
        "identity.create_token",
        frozenset({"users.manage"}),
        lambda c, t: identity.create_token(c, "target"),
    ),
    ("identity.list_tokens", frozenset({"users.manage"}), lambda c, t: identity.list_tokens(c)),
    (
        "workflow.set_separation_of_duties",
        frozenset({"settings.manage"}),
        lambda c, t: workflow.set_separation_of_duties(c, True),
    ),
    (
        "workflow.approve (group)",
        frozenset({"data.approve"}),
        lambda c, t: workflow.approve(c, None, "2024"),
    ),
    (
        "workflow.lock (group)",
        frozenset({"period.lock"}),
        lambda c, t: workflow.lock(c, None, "2024"),
    ),
    ("calc.compute_run", frozenset({"calc.compute"}), lambda c, t: calc.compute_run(c)),
    ("quality.findings", frozenset({"quality.read"}), lambda c, t: quality.findings(c)),
    (
        "quality.acknowledge_finding",
        frozenset({"quality.ack"}),
        lambda c, t: quality.acknowledge_finding(c, "no-such-finding", "why"),
    ),
    (
        "targets.targets_progress",
        frozenset({"results.read"}),
        lambda c, t: targets.targets_progress(
            c, targets.load_targets_file(None, data_dir=t), data_dir=t
        ),
    ),
    (
        "coverage.framework_coverage",
        frozenset({"results.read"}),
        lambda c, t: coverage.framework_coverage(c, "gri", period="1999"),
    ),
    (
        "reports.build_report",
        frozenset({"report.build"}),
        # an unknown format: refused after the permission check, before any work
        lambda c, t: reports.build_report(c, 2024, ["en"], ["no-such-format"], t / "out"),
    ),
    (
        "report_jobs.queue_build",
        frozenset({"report.build"}),
        lambda c, t: report_jobs.queue_build(c, "not-a-year", ["en"], ["pdf"]),
    ),
    ("report_jobs.list_jobs", frozenset({"results.read"}), lambda c, t: report_jobs.list_jobs(c)),
    ("report_jobs.get_job", frozenset({"results.read"}), lambda c, t: report_jobs.get_job(c, 999)),
    (
        "report_jobs.job_file",
        frozenset({"results.read"}),
        lambda c, t: report_jobs.job_file(c, 999, "x.pdf", t),
    ),
    (
        "surveys.create_survey",
        frozenset({"assess.manage"}),
        lambda c, t: surveys.create_survey(c, 1999, "", date(2000, 1, 1), {}),
    ),
    ("surveys.list_surveys", frozenset({"assess.manage"}), lambda c, t: surveys.list_surveys(c)),
    (
        "surveys.survey_rates",
        frozenset({"assess.manage"}),
        lambda c, t: surveys.survey_rates(c, 999),
    ),
    (
        "workflow.unlock (group)",
        frozenset({"period.unlock"}),
        lambda c, t: workflow.unlock(c, None, "2024", "why"),
    ),
]

#: Use cases that filter instead of refusing: they never show another scope's data.
FILTER_CASES: dict[str, Callable[[Context, Path], list[str]]] = {
    "entities.list_entities": lambda c, t: [e.code for e in entities.list_entities(c)],
    "entities.entity_codes": lambda c, t: entities.entity_codes(c),
    "workflow.locks": lambda c, t: [lk.entity for lk in workflow.locks(c)],
    "observations.export_files": lambda c, t: _exported(c, t),
    "workflow.separation_of_duties": lambda c, t: [],
    "results.result_entities": lambda c, t: results.result_entities(c),
    "findings.findings_in_scope": lambda c, t: [f.entity for f in findings.findings_in_scope(c)],
}

#: Use cases any signed-in user may call, and the reason.
OPEN = {
    "session.ledger_info": "the database and counts, shown by init",
    "identity.change_password": "the user's own password (checked against the old one)",
    "identity.revoke_token": "one's own tokens; others' need users.manage (tested below)",
    "demo.run_demo": "administrators only: tested in test_demo_build",
    "findings.acknowledge_in_scope": "quality.ack on the finding's entity: test_results_portal",
    "findings.targets_in_scope": "filters targets by results.read: test_results_portal",
    "surveys.survey_topics": "the questionnaire's own topic codes, shown to every respondent",
    "surveys.open_link": "no login: the unguessable link token authorises (test_surveys)",
    "surveys.save_answers": "no login: the respondent link token authorises (test_surveys)",
    "surveys.submit_answers": "no login: the respondent link token authorises (test_surveys)",
}
_MODULES = (
    "audit",
    "entities",
    "identity",
    "observations",
    "session",
    "workflow",
    "demo",
    "calc",
    "quality",
    "targets",
    "explain",
    "reports",
    "coverage",
    "results",
    "findings",
    "report_jobs",
    "surveys",
)
#: Actions an auditor may do everywhere (they read every entity).
_GLOBAL_READS = frozenset({"data.read", "audit.read", "results.read", "quality.read"})


def _file(tmp: Path, entity: str) -> Path:
    path = tmp / f"observations-{entity}.csv"
    path.write_text(
        "entity,period,indicator,value,unit,source,comment\n"
        f"{entity},2024,water.fresh,3,m3,meter,\n",
        encoding="utf-8",
    )
    return path


def _exported(ctx: Context, tmp: Path) -> list[str]:
    folder = tmp / f"export-{id(ctx)}"
    folder.mkdir()
    observations.export_files(ctx, "csv", folder)
    text = (folder / "observations.csv").read_text(encoding="utf-8-sig")
    return sorted({line.split(",")[0] for line in text.splitlines()[1:] if line})


def _ctx(ledger: Any, role: str, entity: str) -> Context:
    return Context(ledger, Principal(f"{role}-user", (Membership(f"{role}-user", entity, role),)))  # type: ignore[arg-type]


def _authz_outcome(call: Callable[[], object]) -> str:
    """``allowed`` (authorization passed, whatever happened next), ``denied`` or ``hidden``."""
    try:
        call()
    except PermissionDenied as exc:
        if exc.message.startswith("separation of duties:"):
            return "allowed"
        return "denied"
    except NotFoundError as exc:
        if exc.message.startswith("unknown entity"):
            return "hidden"
        return "allowed"
    except EsgError:
        return "allowed"
    return "allowed"


@pytest.fixture
def world(ledger):
    ledger.import_batch(
        batch(obs(entity="SUB"), obs(entity="OTH"), entities=(GRP, SUB, OTH)), actor="alice"
    )
    admin = Context(ledger, Principal.local_admin())
    identity.add_user(admin, "target", role="viewer", entities=["SUB", "OTH"])
    return ledger


def test_every_use_case_is_in_the_matrix() -> None:
    listed = {n for n, _, _ in ENTITY_CASES} | {n.split(" ")[0] for n, _, _ in GROUP_CASES}
    listed |= set(FILTER_CASES) | set(OPEN)
    found = set()
    for name in _MODULES:
        module = importlib.import_module(f"esgledger.services.{name}")
        for fn_name in getattr(module, "__all__", []):
            fn = getattr(module, fn_name)
            if not inspect.isfunction(fn):
                continue
            params = list(inspect.signature(fn).parameters)
            if params and params[0] == "ctx":
                found.add(f"{name}.{fn_name}")
    assert found - listed == set(), "use cases without a row in the permission matrix"


@pytest.mark.parametrize("role", ROLES)
def test_entity_use_cases(world, role, tmp_path) -> None:
    inside = _ctx(world, role, "SUB")
    for name, action, call in ENTITY_CASES:
        may = action in ROLE_ACTIONS[role]
        got_in = _authz_outcome(lambda: call(inside, "SUB", tmp_path))
        assert got_in == ("allowed" if may else "denied"), (role, name, "in scope")
        got_out = _authz_outcome(lambda: call(inside, "OTH", tmp_path))
        if role in GLOBAL_READERS:  # sees every entity: may read it, may not do more
            want = "allowed" if action in _GLOBAL_READS else "denied"
        else:
            want = "hidden"
        assert got_out == want, (role, name, "out of scope")


@pytest.mark.parametrize("role", ROLES)
def test_group_use_cases(world, role, tmp_path) -> None:
    group, sub = _ctx(world, role, GROUP), _ctx(world, role, "SUB")
    for name, actions, call in GROUP_CASES:
        may = bool(actions & ROLE_ACTIONS[role])
        assert _authz_outcome(lambda: call(group, tmp_path)) == ("allowed" if may else "denied"), (
            role,
            name,
            "group membership",
        )
        reads_all = role in GLOBAL_READERS and bool(actions & _GLOBAL_READS)
        assert _authz_outcome(lambda: call(sub, tmp_path)) == (
            "allowed" if reads_all else "denied"
        ), (role, name, "membership on one entity only")


@pytest.mark.parametrize("role", ROLES)
def test_filtering_use_cases_never_show_another_scope(world, role, tmp_path) -> None:
    sub = _ctx(world, role, "SUB")
    for name, call in FILTER_CASES.items():
        seen = call(sub, tmp_path)
        if role not in GLOBAL_READERS:
            assert "OTH" not in seen and "GRP" not in seen, (role, name)
    codes = {o.entity for o in observations.list_observations(sub)}
    assert codes == ({"SUB", "OTH"} if role in GLOBAL_READERS else {"SUB"})


def test_unknown_and_hidden_entities_look_the_same(world) -> None:
    viewer = _ctx(world, "viewer", "SUB")
    with pytest.raises(NotFoundError) as hidden:
        observations.list_observations(viewer, entity="OTH")
    with pytest.raises(NotFoundError) as unknown:
        observations.list_observations(viewer, entity="NOPE")
    assert hidden.value.message.replace("OTH", "X") == unknown.value.message.replace("NOPE", "X")
    assert hidden.value.hint == unknown.value.hint


def test_tokens_of_others_need_users_manage(world) -> None:
    admin = Context(world, Principal.local_admin())
    _, info = identity.create_token(admin, "target")
    viewer = _ctx(world, "viewer", GROUP)
    with pytest.raises(PermissionDenied):
        identity.revoke_token(viewer, info.id)
    assert identity.revoke_token(admin, info.id).revoked_at is not None
