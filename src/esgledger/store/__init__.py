"""Storage: the only package that speaks SQL.

:class:`Ledger` is the repository; :mod:`~esgledger.store.schema` holds the
tables, :mod:`~esgledger.store.migrate` the packaged Alembic migrations,
:mod:`~esgledger.store.audit` the hash-chained trail and
:mod:`~esgledger.store.workflow` the status workflow and period locks.
"""

from __future__ import annotations

from esgledger.store.audit import AuditEvent, AuditReport
from esgledger.store.ledger import Ledger
from esgledger.store.workflow import PeriodLock, StatusChange, approve, locks, review, submit

__all__ = [
    "AuditEvent",
    "AuditReport",
    "Ledger",
    "PeriodLock",
    "StatusChange",
    "approve",
    "locks",
    "review",
    "submit",
]
