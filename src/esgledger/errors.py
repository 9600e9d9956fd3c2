"""The one error root of esgledger.

Every error the library raises on purpose is an :class:`EsgError`. The CLI and
the web app translate them at the edge (exit code 2, HTTP 4xx); nothing else
should reach a user.

    EsgError
    ├── ConfigError          settings, database URL, missing system fonts
    ├── NotFoundError        an entity, indicator, metric, factor or run that does not exist
    ├── UnitError            unknown unit or a unit of the wrong dimension
    ├── ValidationError      bad input; carries every Problem (file, row, column, value, expected)
    ├── StorageError         the database refused or is in the wrong state
    │   └── LockedError      a change to an approved (locked) period without a restatement
    ├── AuditError           the hash chain of the audit trail is broken
    ├── CalcError            the engine cannot compute (missing factor, bad boundary)
    │   └── FormulaError     a derived-metric formula that does not parse, refers to
    │                        unknown metrics or forms a cycle
    └── ReportError          a report template or renderer failed
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

__all__ = [
    "AuditError",
    "CalcError",
    "ConfigError",
    "EsgError",
    "FormulaError",
    "LockedError",
    "NotFoundError",
    "Problem",
    "ReportError",
    "StorageError",
    "UnitError",
    "ValidationError",
]


class EsgError(Exception):
    """Root of every error esgledger raises on purpose.

    ``message`` is a complete sentence a user can act on; ``hint`` is an
    optional next step.
    """

    exit_code = 2

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        if self.hint:
            return f"{self.message}\nhint: {self.hint}"
        return self.message


class ConfigError(EsgError):
    """Settings or environment are not usable."""


class NotFoundError(EsgError):
    """A named thing does not exist."""


class UnitError(EsgError):
    """A unit is unknown or has the wrong dimension."""


class StorageError(EsgError):
    """The database refused an operation or is in the wrong state."""


class LockedError(StorageError):
    """A change touches an approved, locked period."""


class AuditError(EsgError):
    """The audit trail's hash chain does not verify."""


class CalcError(EsgError):
    """The calculation engine cannot compute a result."""


class FormulaError(CalcError):
    """A derived-metric formula is invalid."""


class ReportError(EsgError):
    """A report could not be built or rendered."""


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one cell (or row, or file) of an input."""

    file: str
    row: int | None
    column: str | None
    value: str | None
    expected: str

    def __str__(self) -> str:
        where = self.file
        if self.row is not None:
            where += f", row {self.row}"
        if self.column:
            where += f", column {self.column}"
        got = "" if self.value is None else f": got {self.value!r}"
        return f"{where}{got}; expected {self.expected}"


class ValidationError(EsgError):
    """Input was rejected; every problem found is listed and nothing was written."""

    MAX_LISTED = 20

    def __init__(self, problems: Iterable[Problem], *, what: str = "input") -> None:
        self.problems: Sequence[Problem] = tuple(problems)
        n = len(self.problems)
        lines = [f"{what} rejected: {n} problem{'s' if n != 1 else ''}; nothing was written"]
        lines += [f"  - {p}" for p in self.problems[: self.MAX_LISTED]]
        if n > self.MAX_LISTED:
            lines.append(f"  ... and {n - self.MAX_LISTED} more")
        super().__init__("\n".join(lines))
