"""The one error root of esgledger.

Every error the library raises on purpose is an :class:`EsgError`. Its class
says the remedy, and carries the HTTP status the web app answers with and the
exit code the CLI ends with; nothing else should reach a user.

    EsgError
    ├── InputError           bad input; carries every Problem (422, exit 2; CLI usage too)
    │   ├── ValidationError  (the same; the name intake has always used)
    │   ├── UnitError        unknown unit or a unit of the wrong dimension
    │   └── CalcError        the engine cannot compute from this input (missing factor, boundary)
    │       └── FormulaError a derived-metric formula that does not parse or forms a cycle
    ├── NotFoundError        a thing that does not exist, or lies outside the user's scope
    │                        (404, exit 3)
    ├── ConflictError        the ledger's state forbids the change now (409, exit 4)
    │   ├── LockedError      a change to an approved (locked) period without a restatement
    │   └── StaleVersionError an update based on a version that is no longer current
    ├── PermissionDenied     the user may see this but not do that (403, exit 5)
    ├── AuthError            not signed in, bad credentials, disabled, expired (401, exit 6)
    ├── AuditError           the hash chain of the audit trail is broken (500, exit 7)
    ├── StorageError         infrastructure only: the database is down or refused (503, exit 8)
    ├── ConfigError          settings, database URL, missing system fonts (500, exit 9)
    └── ReportError          a report template or renderer failed (422, exit 2)

Exit code 1 is a bug (an exception that is not an EsgError); 0 success.

Messages speak of the domain, never of one adapter: a next step is a
:class:`Hint` (structured data) that the CLI renders as a flag and the web as
a form field.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

__all__ = [
    "AuditError",
    "AuthError",
    "CalcError",
    "ConfigError",
    "ConflictError",
    "EsgError",
    "FormulaError",
    "Hint",
    "InputError",
    "LockedError",
    "NotFoundError",
    "PermissionDenied",
    "Problem",
    "RateLimited",
    "ReportError",
    "StaleVersionError",
    "StorageError",
    "UnitError",
    "ValidationError",
]

HintKind = Literal["text", "option", "command"]


@dataclass(frozen=True)
class Hint:
    """A next step, as data each adapter renders its own way.

    ``kind``: ``text`` (say ``text`` as it is), ``option`` (supply the input
    named ``name``: the CLI shows ``--name``, a form its field), ``command``
    (run the use case named ``name``, such as ``entities.list``).
    """

    text: str
    kind: HintKind = "text"
    name: str | None = None

    def __str__(self) -> str:
        return self.text


class EsgError(Exception):
    """Root of every error esgledger raises on purpose.

    ``message`` is a complete sentence a user can act on; ``hint`` an optional
    next step (a :class:`Hint`, or plain text).
    """

    http_status = 400
    exit_code = 2
    title = "Request failed"

    def __init__(self, message: str, *, hint: Hint | str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint: Hint | None = Hint(hint) if isinstance(hint, str) else hint

    @property
    def problems(self) -> Sequence[Problem]:
        return ()

    def __str__(self) -> str:
        if self.hint:
            return f"{self.message}\nhint: {self.hint}"
        return self.message


class ConfigError(EsgError):
    """Settings or environment are not usable."""

    http_status = 500
    exit_code = 9
    title = "Server not configured"


class NotFoundError(EsgError):
    """A named thing does not exist (or lies outside the user's scope, which is not revealed)."""

    http_status = 404
    exit_code = 3
    title = "Not found"


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one input: a file cell (file, row, column) or a form field.

    For a form or an API body, ``file`` names the body (``"request"``),
    ``row`` the item index (0-based, as in the JSON list) and ``column`` the
    field; ``field`` is the dotted path (``observations[3].value``) when known.
    """

    file: str
    row: int | None
    column: str | None
    value: str | None
    expected: str
    field: str | None = None

    def __str__(self) -> str:
        if self.field:
            where = self.field
        else:
            where = self.file
            if self.row is not None:
                where += f", row {self.row}"
            if self.column:
                where += f", column {self.column}"
        got = "" if self.value is None else f": got {self.value!r}"
        return f"{where}{got}; expected {self.expected}"

    def as_dict(self) -> dict[str, object]:
        return {
            "file": self.file,
            "row": self.row,
            "column": self.column,
            "field": self.field,
            "value": self.value,
            "expected": self.expected,
        }


class InputError(EsgError):
    """Input was rejected; every problem found is listed and nothing was written."""

    http_status = 422
    title = "Invalid input"
    MAX_LISTED = 20

    def __init__(
        self,
        problems: Iterable[Problem] | str,
        *,
        what: str = "input",
        hint: Hint | str | None = None,
    ) -> None:
        if isinstance(problems, str):  # a single message with no cell to point at
            self._problems: Sequence[Problem] = ()
            super().__init__(problems, hint=hint)
            return
        self._problems = tuple(problems)
        n = len(self._problems)
        lines = [f"{what} rejected: {n} problem{'s' if n != 1 else ''}; nothing was written"]
        lines += [f"  - {p}" for p in self._problems[: self.MAX_LISTED]]
        if n > self.MAX_LISTED:
            lines.append(f"  ... and {n - self.MAX_LISTED} more")
        super().__init__("\n".join(lines), hint=hint)

    @property
    def problems(self) -> Sequence[Problem]:
        return self._problems


class ValidationError(InputError):
    """Input was rejected (the name intake uses); see :class:`InputError`."""


class UnitError(InputError):
    """A unit is unknown or has the wrong dimension."""


class CalcError(InputError):
    """The calculation engine cannot compute a result from the ledger's data."""

    title = "Cannot compute"


class FormulaError(CalcError):
    """A derived-metric formula is invalid."""


class ConflictError(EsgError):
    """The ledger's current state forbids this change (a workflow step out of order, a lock)."""

    http_status = 409
    exit_code = 4
    title = "Conflict"


class LockedError(ConflictError):
    """A change touches an approved, locked period."""

    title = "Period locked"


class StaleVersionError(ConflictError):
    """An update was based on a version that is no longer the current one."""

    title = "Stale version"

    def __init__(
        self, message: str, *, current: str | None = None, hint: Hint | str | None = None
    ) -> None:
        super().__init__(message, hint=hint)
        self.current = current


class RateLimited(ConflictError):
    """Too many requests on one key in a short time (429); try again later."""

    http_status = 429
    title = "Too many requests"


class PermissionDenied(EsgError):
    """The user's roles do not allow this action here."""

    http_status = 403
    exit_code = 5
    title = "Permission denied"


class AuthError(EsgError):
    """Not authenticated: unknown or disabled user, wrong password, bad or expired token."""

    http_status = 401
    exit_code = 6
    title = "Authentication required"


class StorageError(EsgError):
    """Infrastructure: the database is unreachable or refused the operation."""

    http_status = 503
    exit_code = 8
    title = "Storage unavailable"


class AuditError(EsgError):
    """The audit trail's hash chain does not verify."""

    http_status = 500
    exit_code = 7
    title = "Audit trail broken"


class ReportError(EsgError):
    """A report could not be built or rendered."""

    http_status = 422
    title = "Report failed"
