"""Storage: the only package that speaks SQL.

:class:`Ledger` is the repository; :mod:`~esgledger.store.schema` holds the
tables, :mod:`~esgledger.store.migrate` the packaged Alembic migrations,
:mod:`~esgledger.store.audit` the hash-chained trail and
:mod:`~esgledger.store.workflow` the statuses, period locks and rejections,
:mod:`~esgledger.store.identity` users, memberships and API tokens. Every module
but ``ledger.py`` is a repository of functions taking a Connection.
"""

from __future__ import annotations

from sqlalchemy import Connection

from esgledger.store.audit import AuditEvent, AuditReport
from esgledger.store.ledger import Ledger
from esgledger.store.workflow import PeriodLock, StatusChange

__all__ = ["AuditEvent", "AuditReport", "Connection", "Ledger", "PeriodLock", "StatusChange"]
