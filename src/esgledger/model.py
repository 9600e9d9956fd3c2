"""Plain data shared by every layer: entities, periods, observations.

These are frozen dataclasses with no behaviour that touches a database or a
file, so the engine (calc, assess, quality) can take them as they are.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from datetime import date, datetime
from typing import Any, Literal, Protocol

from esgledger.errors import InputError, Problem

__all__ = [
    "CODE_MAX",
    "CONTROLS",
    "FINANCIAL_CONTROLS",
    "NAME_MAX",
    "PROVENANCES",
    "STATUSES",
    "Control",
    "Entity",
    "FinancialControl",
    "ImportBatch",
    "ImportResult",
    "LedgerLike",
    "LedgerReader",
    "Observation",
    "Period",
    "PeriodLock",
    "Provenance",
    "Rejection",
    "Status",
    "StatusChange",
    "TokenInfo",
    "UserInfo",
    "provenance_of",
]

Control = Literal["operational", "financial", "none"]
CONTROLS: tuple[Control, ...] = ("operational", "financial", "none")
#: Financial control over an entity, stated apart from ``control`` (optional column
#: ``financial_control``): ``full`` (a subsidiary), ``joint`` (jointly controlled with
#: other partners: taken in at the ownership share), ``none``; "" = derived from
#: ``control`` as before (operational or financial -> full; a JV -> joint).
FinancialControl = Literal["", "full", "joint", "none"]
FINANCIAL_CONTROLS: tuple[str, ...] = ("full", "joint", "none")
Status = Literal["draft", "submitted", "reviewed", "approved"]
#: How an observation's value was obtained (its data-quality tier), or "" when not stated:
#: measured (metered, weighed, invoiced), calculated (from measured inputs), estimated
#: (a proxy, an extrapolation, an engineering estimate), illustrative (demo or example data
#: that must not be read as a company figure).
Provenance = Literal["", "measured", "calculated", "estimated", "illustrative"]
PROVENANCES: tuple[str, ...] = ("measured", "calculated", "estimated", "illustrative")
_PROVENANCE_TEXTS: dict[str, str] = {p: p for p in PROVENANCES} | {
    "": "",
    "实测": "measured",
    "计量": "measured",
    "计算": "calculated",
    "估算": "estimated",
    "估计": "estimated",
    "示意": "illustrative",
    "示例": "illustrative",
}


def provenance_of(text: str) -> Provenance | None:
    """The provenance a cell names (English or Chinese, any case), or None if it names none."""
    got = _PROVENANCE_TEXTS.get(text.strip().lower())
    return got  # type: ignore[return-value]


STATUSES: tuple[Status, ...] = ("draft", "submitted", "reviewed", "approved")

#: Widths of the store's text columns (``store/schema.py``). PostgreSQL enforces
#: them and SQLite does not, so intake checks them: both engines take the same input.
CODE_MAX = 64  # entity codes, entity types, units, user names
NAME_MAX = 300  # entity names

#: The reporting years esgledger accepts (periods, year filters).
YEAR_MIN, YEAR_MAX = 1900, 2200

_PERIOD = re.compile(r"^(\d{4})(?:-(\d{2}))?$")


@dataclass(frozen=True, order=True)
class Period:
    """A reporting year (``2024``) or month (``2024-03``)."""

    year: int
    month: int | None = None

    @classmethod
    def parse(cls, text: str) -> Period:
        m = _PERIOD.match(text.strip())
        if not m:
            raise InputError(f"bad period {text!r}: expected YYYY or YYYY-MM")
        year = int(m.group(1))
        month = int(m.group(2)) if m.group(2) else None
        if not YEAR_MIN <= year <= YEAR_MAX or (month is not None and not 1 <= month <= 12):
            raise InputError(f"bad period {text!r}: expected YYYY or YYYY-MM")
        return cls(year, month)

    @staticmethod
    def check_year(year: int) -> int:
        """``year`` when it is a reporting year (1900–2200); InputError otherwise."""
        if not YEAR_MIN <= year <= YEAR_MAX:
            raise InputError(
                f"bad year {year}: expected a year from {YEAR_MIN} to {YEAR_MAX}, such as 2024"
            )
        return year

    @property
    def is_annual(self) -> bool:
        return self.month is None

    @property
    def start(self) -> date:
        return date(self.year, self.month or 1, 1)

    @property
    def end(self) -> date:
        """The last day of the period (inclusive)."""
        if self.month is None or self.month == 12:
            return date(self.year, 12, 31)
        return date.fromordinal(date(self.year, self.month + 1, 1).toordinal() - 1)

    @property
    def days(self) -> int:
        return self.end.toordinal() - self.start.toordinal() + 1

    def __str__(self) -> str:
        return f"{self.year}" if self.month is None else f"{self.year}-{self.month:02d}"


@dataclass(frozen=True)
class Entity:
    """One node of the group tree (the group itself, a branch, a subsidiary, a JV)."""

    code: str
    name_en: str
    name_zh: str
    parent: str | None
    type: str
    ownership_pct: float | None
    control: Control
    region: str
    included_from: date | None = None
    included_to: date | None = None
    financial_control: FinancialControl = ""

    def included_on(self, day: date) -> bool:
        if self.included_from and day < self.included_from:
            return False
        return not (self.included_to and day > self.included_to)

    def as_dict(self) -> dict[str, Any]:
        """JSON-able fields (dates as ISO text, ``None`` when open-ended): the object of
        ``esgledger entities --json`` and of the ``entity.*`` audit events."""
        d = asdict(self)
        for key in ("included_from", "included_to"):
            d[key] = d[key].isoformat() if d[key] is not None else None
        return d


@dataclass(frozen=True, slots=True)
class Observation:
    """One reported value of one indicator for one entity and period.

    ``value``/``unit`` are canonical (the indicator's unit); ``raw_value`` and
    ``raw_unit`` are exactly what was submitted, so an export gives it back.
    """

    entity: str
    period: str
    indicator: str
    value: float
    unit: str
    raw_value: str
    raw_unit: str
    source: str = ""
    comment: str = ""
    status: Status = "draft"
    version: int = 1
    id: int | None = None
    provenance: Provenance = ""


@dataclass(frozen=True)
class ImportBatch:
    """A validated import: what ``intake`` read and ``store`` writes in one transaction."""

    entities: tuple[Entity, ...]
    observations: tuple[Observation, ...]
    warnings: tuple[Problem, ...] = ()
    files: tuple[str, ...] = ()


@dataclass(frozen=True)
class ImportResult:
    """What an import changed (all zero but ``*_unchanged`` for a repeated import)."""

    entities_added: int = 0
    entities_updated: int = 0
    entities_unchanged: int = 0
    observations_added: int = 0
    observations_updated: int = 0
    observations_unchanged: int = 0
    warnings: tuple[Problem, ...] = ()
    dry_run: bool = False


class LedgerReader(Protocol):
    """The read side of :class:`esgledger.store.Ledger` that intake and the demo use.

    Declared here, next to the data it returns, so that packages which must not
    import ``store`` can still type what they are given.
    """

    def entities(self) -> list[Entity]: ...

    def observations(
        self,
        entity: str | None = None,
        period: str | None = None,
        indicator: str | None = None,
        year: int | None = None,
    ) -> list[Observation]: ...


class LedgerLike(LedgerReader, Protocol):
    """A :class:`LedgerReader` that can also write an import batch (all or nothing).

    With ``dry_run`` the batch goes through every check of a real write, then
    nothing is written.
    """

    def import_batch(
        self,
        batch: ImportBatch,
        *,
        actor: str,
        reason: str | None = None,
        dry_run: bool = False,
    ) -> ImportResult: ...


@dataclass(frozen=True)
class UserInfo:
    """A user as the user list shows it (never the password hash)."""

    username: str
    display_name: str
    disabled: bool
    has_password: bool
    created_at: datetime
    #: (entity code or ``*``, role) pairs
    memberships: tuple[tuple[str, str], ...] = ()

    def as_dict(self) -> dict[str, Any]:
        return {
            "username": self.username,
            "display_name": self.display_name,
            "disabled": self.disabled,
            "has_password": self.has_password,
            "created_at": self.created_at.isoformat(),
            "memberships": [{"entity": e, "role": r} for e, r in self.memberships],
        }


@dataclass(frozen=True)
class TokenInfo:
    """An API token's public facts (the token itself is shown once, never stored)."""

    id: str
    username: str
    name: str
    created_at: datetime
    expires_at: datetime | None
    last_used_at: datetime | None
    revoked_at: datetime | None

    def as_dict(self) -> dict[str, Any]:
        def iso(d: datetime | None) -> str | None:
            return None if d is None else d.isoformat()

        return {
            "id": self.id,
            "username": self.username,
            "name": self.name,
            "created_at": iso(self.created_at),
            "expires_at": iso(self.expires_at),
            "last_used_at": iso(self.last_used_at),
            "revoked_at": iso(self.revoked_at),
        }


@dataclass(frozen=True)
class Rejection:
    """A value sent back to draft by a reviewer, with the reason its submitter sees."""

    entity: str
    period: str
    indicator: str
    version: int
    reason: str
    rejected_by: str
    rejected_at: datetime
    submitted_by: str | None = None

    def as_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["rejected_at"] = self.rejected_at.isoformat()
        return d


@dataclass(frozen=True)
class PeriodLock:
    """An approved, locked scope (``entity`` is an entity code or ``*`` for all)."""

    entity: str
    period: str
    locked_at: datetime
    locked_by: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "entity": self.entity,
            "period": self.period,
            "locked_at": self.locked_at.isoformat(),
            "locked_by": self.locked_by,
        }


@dataclass(frozen=True)
class StatusChange:
    """What a workflow step did (``changed`` values; whether it locked the scope)."""

    action: str
    period: str
    entity: str | None
    changed: int
    locked: bool = False

    def as_dict(self) -> dict[str, Any]:
        return {
            "action": self.action,
            "period": self.period,
            "entity": self.entity,
            "changed": self.changed,
            "locked": self.locked,
        }
