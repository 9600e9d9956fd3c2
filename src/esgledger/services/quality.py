"""Quality service: run the data-quality checks over a ledger; acknowledge findings.

The checks are pure (:func:`esgledger.quality.run_checks`); this module feeds
them a :class:`~esgledger.store.Ledger`'s current observations, entities and
the acknowledgements recorded in its audit trail. An acknowledgement is an
audit event (action :data:`ACK_ACTION`, ``ref`` = finding id), so it is part of
the hash-chained trail; a later one for the same finding wins. It carries the
finding's fingerprint (a hash of the values it is about): when those values
change, the finding is open again.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from esgledger.errors import EsgError, NotFoundError, Problem
from esgledger.errors import ValidationError as InputError
from esgledger.services.authz import authorize

if TYPE_CHECKING:
    from esgledger.quality import Finding
    from esgledger.services.context import Context
    from esgledger.store.ledger import Ledger

__all__ = [
    "ACK_ACTION",
    "acknowledge",
    "acknowledge_finding",
    "acknowledged_fingerprints",
    "acknowledgements",
    "check_reason",
    "findings",
    "ledger_findings",
    "select_findings",
]

#: The audit action that records an acknowledged finding.
ACK_ACTION = "quality.ack"


def acknowledgements(ledger: Ledger) -> dict[str, str]:
    """Finding id → reason, from the audit trail (a later acknowledgement wins)."""
    out: dict[str, str] = {}
    for event in ledger.audit_events(action=ACK_ACTION):
        payload = event.payload if isinstance(event.payload, dict) else {}
        out[event.ref] = str(payload.get("reason", ""))
    return out


def acknowledged_fingerprints(ledger: Ledger) -> dict[str, str]:
    """Finding id → the finding's fingerprint when it was acknowledged (later wins).

    Acknowledgements recorded before fingerprints existed have none (``""``) and
    keep applying; the others stop applying when the finding's values change.
    """
    out: dict[str, str] = {}
    for event in ledger.audit_events(action=ACK_ACTION):
        payload = event.payload if isinstance(event.payload, dict) else {}
        out[event.ref] = str(payload.get("fingerprint", ""))
    return out


def ledger_findings(
    ledger: Ledger, *, threshold: float = 0.3, required: Sequence[str] = ()
) -> list[Finding]:
    """Every finding over the ledger's current data, acknowledgements applied.

    ``threshold`` is the year-on-year change flagged (0.3 = ±30 %); ``required``
    lists indicator codes every reporting entity must have (unknown codes raise
    NotFoundError).
    """
    from esgledger.catalog.indicators import load_indicators
    from esgledger.quality import CheckConfig, run_checks

    if not 0 < threshold < 100:
        raise EsgError(f"bad threshold {threshold!r}: expected a fraction such as 0.3 (= ±30 %)")
    indicators = load_indicators()
    unknown = [c for c in required if c not in indicators]
    if unknown:
        raise NotFoundError(
            f"unknown indicator {', '.join(map(repr, unknown))} in --require",
            hint="list them with: esgledger indicators",
        )
    config = CheckConfig(threshold=threshold, required=tuple(required))
    from esgledger.services.calc import ledger_factors

    factors = ledger_factors(ledger)
    return run_checks(
        ledger.observations(),
        ledger.entities(),
        indicators,
        config=config,
        acknowledged=acknowledgements(ledger),
        fingerprints=acknowledged_fingerprints(ledger),
        computed=_computed_totals(ledger),
        factors=factors,
        computed_basis="operational control",
    )


def _computed_totals(ledger: Ledger) -> dict[tuple[str, str, int], tuple[float, str]] | None:
    """(entity, metric, year) → (value, unit) of the metrics published totals are checked
    against, on the operational-control boundary; None when the run cannot be computed
    (the calculation reports why)."""
    from esgledger.quality.methodology import RECONCILED
    from esgledger.services.calc import compute_ledger

    try:
        run = compute_ledger(ledger)
    except EsgError:
        return None
    wanted = set(RECONCILED.values())
    out: dict[tuple[str, str, int], tuple[float, str]] = {}
    for mv in run.values:
        if mv.metric in wanted and mv.value is not None and mv.period.isdigit():
            out[(mv.entity, mv.metric, int(mv.period))] = (mv.value, mv.unit)
    return out


def select_findings(
    findings: Sequence[Finding], *, period: str | None = None, open_only: bool = False
) -> list[Finding]:
    """The findings of ``period`` (a year, or a month: that month's and its year's), pure.

    ``open_only`` drops explained and acknowledged findings.
    """
    from esgledger.model import Period

    selected = list(findings)
    if period is not None:
        year = Period.parse(period).year
        if period.strip() == str(year):
            selected = [f for f in selected if f.year == year]
        else:  # a month: that month's findings and the year's
            selected = [f for f in selected if f.period in (period.strip(), str(year))]
    if open_only:
        selected = [f for f in selected if f.status == "open"]
    return selected


def check_reason(reason: str, *, source: str = "--reason") -> str:
    """The stripped reason; a ValidationError (naming ``source``) when it is empty."""
    why = reason.strip()
    if not why:
        raise InputError(
            [Problem(source, None, "reason", reason, "a non-empty explanation")],
            what="acknowledgement",
        )
    return why


def acknowledge(
    ledger: Ledger,
    finding_id: str,
    reason: str,
    *,
    actor: str,
    threshold: float = 0.3,
    required: Sequence[str] = (),
) -> Finding:
    """Record that a current finding is acceptable, with ``reason``; return the finding.

    The finding is looked up among :func:`ledger_findings` with the same
    ``threshold`` and ``required``; an unknown id raises NotFoundError and
    nothing is written.
    """
    fid = finding_id.strip().lower()
    why = check_reason(reason)
    findings = {f.id: f for f in ledger_findings(ledger, threshold=threshold, required=required)}
    found = findings.get(fid)
    if found is None:
        raise NotFoundError(
            f"no current finding with id {finding_id!r}",
            hint="list them with: esgledger check (use the same --threshold/--require)",
        )
    with ledger.transaction() as conn:
        ledger.append_audit(
            conn,
            actor=actor,
            action=ACK_ACTION,
            ref=fid,
            payload={
                "reason": why,
                "check": found.check,
                "entity": found.entity,
                "indicator": found.indicator,
                "period": found.period,
                "message": found.message,
                "fingerprint": found.fingerprint,
            },
        )
    return found


def findings(
    ctx: Context, *, threshold: float = 0.3, required: Sequence[str] = ()
) -> list[Finding]:
    """The ``check`` use case: every current finding of the group (``quality.read``)."""
    authorize(ctx, "quality.read")
    return ledger_findings(ctx.ledger, threshold=threshold, required=required)


def acknowledge_finding(
    ctx: Context,
    finding_id: str,
    reason: str,
    *,
    threshold: float = 0.3,
    required: Sequence[str] = (),
) -> Finding:
    """The ``check ack`` use case: acknowledge a finding as ``ctx``'s user (``quality.ack``)."""
    authorize(ctx, "quality.ack")
    return acknowledge(
        ctx.ledger, finding_id, reason, actor=ctx.actor, threshold=threshold, required=required
    )
