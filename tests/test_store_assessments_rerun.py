"""Loading the same assessment input again writes nothing, not even an audit event (both engines).

``esgledger demo`` promises that running it again changes nothing in the ledger;
the materiality and climate-register steps used to append five audit events
per run (two imports, two runs, one register import) although no data changed.
"""

from __future__ import annotations

from esgledger.store.assessments import (
    demo_files,
    import_materiality,
    import_register,
    load_demo,
    materiality_result,
    run_materiality,
)


def test_loading_the_demo_again_writes_no_event(ledger):
    first = load_demo(ledger)
    events = ledger.audit_events()
    again = load_demo(ledger)
    assert ledger.audit_events() == events
    assert again == first
    ledger.verify_audit()


def test_a_changed_input_is_still_written_and_audited(ledger):
    load_demo(ledger)
    f = demo_files()
    n = len(ledger.audit_events())
    # the 2023 survey into 2024 (replace): different responses, so an import and a new run
    import_materiality(ledger, [f["demo_survey_2023.csv"]], year=2024, actor="t", replace=True)
    run_materiality(ledger, 2024, method="survey", actor="t", synthetic=True)
    actions = [e.action for e in ledger.audit_events()[n:]]
    assert actions == ["materiality.import", "materiality.run"]
    assert materiality_result(ledger, 2024).topics == materiality_result(ledger, 2023).topics
    # the register without the horizons file keeps the stored horizons: unchanged, no event
    import_register(ledger, [f["demo_risks.csv"]], actor="t")
    assert len(ledger.audit_events()) == n + 2
