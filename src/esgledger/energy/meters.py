"""The meter registry's record: what a meter measures, where, and how to read its values.

A meter belongs to an entity and measures one energy carrier, named by the
indicator code its monthly totals feed (``energy.electricity.purchased``,
``fuel.natural_gas`` ...). Its readings are either a cumulative counter
(``counter``: the register's reading; consumption is the difference) or
interval values (``interval``: the consumption of each interval). ``multiplier``
is the CT/PT ratio (or any scale) that turns the register into ``unit``.
A counter may wrap at ``rollover`` (the register's modulus, e.g. 1,000,000).
``parent`` builds the sub-metering tree; only meters without a parent count
towards their entity's totals, children are used for balance checks.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, replace
from datetime import date
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from esgledger.energy import DEFAULT_TIMEZONE
from esgledger.errors import Problem

__all__ = [
    "COLUMNS",
    "KINDS",
    "Meter",
    "MeterKind",
    "check_meter_rows",
    "check_tree",
]

MeterKind = Literal["counter", "interval"]
KINDS: tuple[MeterKind, ...] = ("counter", "interval")
CODE_MAX = 64

#: The interchange columns of a meter file, in order (``code`` ... ``certificate``).
COLUMNS = (
    "code",
    "entity",
    "carrier",
    "unit",
    "kind",
    "multiplier",
    "rollover",
    "parent",
    "line",
    "key_unit",
    "interval_minutes",
    "timezone",
    "calibrated_on",
    "certificate",
    "name",
)
_REQUIRED = ("code", "entity", "carrier", "unit")
_TRUE = frozenset({"1", "true", "yes", "y", "是", "x"})
_FALSE = frozenset({"", "0", "false", "no", "n", "否"})


@dataclass(frozen=True)
class Meter:
    """One meter of the registry (see the module doc)."""

    code: str
    entity: str
    carrier: str
    unit: str
    kind: MeterKind = "interval"
    multiplier: float = 1.0
    rollover: float | None = None
    parent: str | None = None
    line: str = ""
    key_unit: bool = False
    interval_minutes: int = 15
    timezone: str = DEFAULT_TIMEZONE
    calibrated_on: date | None = None
    certificate: str = ""
    name: str = ""

    @property
    def expected_per_day(self) -> int:
        """Readings a complete day holds."""
        return (24 * 60) // self.interval_minutes

    def as_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["calibrated_on"] = self.calibrated_on.isoformat() if self.calibrated_on else None
        return d

    def as_row(self) -> dict[str, str]:
        """The meter as interchange-file cells (``COLUMNS``)."""
        d = self.as_dict()
        out: dict[str, str] = {}
        for c in COLUMNS:
            v = d[c]
            if v is None:
                out[c] = ""
            elif isinstance(v, bool):
                out[c] = "yes" if v else "no"
            elif isinstance(v, float):
                out[c] = repr(v) if v != int(v) else str(int(v))
            else:
                out[c] = str(v)
        return out


def _number(
    cell: str, file: str, row: int, column: str, problems: list[Problem], *, positive: bool
) -> float | None:
    try:
        value = float(cell.replace(",", ""))
    except ValueError:
        value = float("nan")
    if value != value or value in (float("inf"), float("-inf")) or (positive and value <= 0):
        problems.append(
            Problem(file, row, column, cell, "a positive number" if positive else "a number")
        )
        return None
    return value


def check_meter_rows(
    rows: Iterable[tuple[int, Mapping[str, str]]],
    *,
    file: str,
    entities: Iterable[str],
    carriers: Iterable[str],
    known: Iterable[str] = (),
) -> tuple[list[Meter], list[Problem]]:
    """Meters from interchange rows ((row number, cells by column)), and every problem found.

    ``entities`` are the ledger's entity codes, ``carriers`` the indicator codes
    a meter may feed, ``known`` the codes of meters already registered (a
    parent may be one of them or a meter of the same file).
    """
    entity_set, carrier_set = set(entities), set(carriers)
    problems: list[Problem] = []
    meters: list[Meter] = []
    seen: dict[str, int] = {}
    for row, cells in rows:
        before = len(problems)
        get = {k: (cells.get(k) or "").strip() for k in COLUMNS}
        for col in _REQUIRED:
            if not get[col]:
                problems.append(Problem(file, row, col, "", f"a {col}"))
        code = get["code"]
        if code and (len(code) > CODE_MAX or any(c.isspace() for c in code)):
            problems.append(Problem(file, row, "code", code, "a code without spaces, ≤ 64 chars"))
        if code in seen:
            problems.append(
                Problem(file, row, "code", code, f"a code not already used on row {seen[code]}")
            )
        if get["entity"] and get["entity"] not in entity_set:
            problems.append(Problem(file, row, "entity", get["entity"], "a known entity code"))
        if get["carrier"] and get["carrier"] not in carrier_set:
            problems.append(
                Problem(file, row, "carrier", get["carrier"], "an energy indicator code")
            )
        kind = (get["kind"] or "interval").lower()
        if kind not in KINDS:
            problems.append(Problem(file, row, "kind", get["kind"], "counter or interval"))
        multiplier = (
            _number(get["multiplier"], file, row, "multiplier", problems, positive=True)
            if get["multiplier"]
            else 1.0
        )
        rollover = (
            _number(get["rollover"], file, row, "rollover", problems, positive=True)
            if get["rollover"]
            else None
        )
        key_text = get["key_unit"].lower()
        if key_text not in _TRUE | _FALSE:
            problems.append(Problem(file, row, "key_unit", get["key_unit"], "yes or no"))
        interval = 15
        if get["interval_minutes"]:
            try:
                interval = int(get["interval_minutes"])
            except ValueError:
                interval = 0
            if interval <= 0 or (24 * 60) % interval:
                problems.append(
                    Problem(
                        file,
                        row,
                        "interval_minutes",
                        get["interval_minutes"],
                        "minutes that divide a day (1, 5, 15, 30, 60 ...)",
                    )
                )
        tz = get["timezone"] or DEFAULT_TIMEZONE
        try:
            ZoneInfo(tz)
        except (ZoneInfoNotFoundError, ValueError):
            problems.append(Problem(file, row, "timezone", tz, "an IANA time zone (Asia/Shanghai)"))
        calibrated: date | None = None
        if get["calibrated_on"]:
            try:
                calibrated = date.fromisoformat(get["calibrated_on"][:10])
            except ValueError:
                problems.append(
                    Problem(file, row, "calibrated_on", get["calibrated_on"], "a date YYYY-MM-DD")
                )
        if code:
            seen.setdefault(code, row)
        if len(problems) > before:
            continue
        meters.append(
            Meter(
                code=code,
                entity=get["entity"],
                carrier=get["carrier"],
                unit=get["unit"],
                kind=kind,  # type: ignore[arg-type]  # checked against KINDS above
                multiplier=multiplier or 1.0,
                rollover=rollover,
                parent=get["parent"] or None,
                line=get["line"],
                key_unit=key_text in _TRUE,
                interval_minutes=interval,
                timezone=tz,
                calibrated_on=calibrated,
                certificate=get["certificate"],
                name=get["name"],
            )
        )
    return meters, problems


def check_tree(
    meters: Sequence[Meter], known: Mapping[str, Meter], *, file: str, rows: Mapping[str, int]
) -> list[Problem]:
    """Parents exist, measure the same carrier at the same entity, and form no cycle."""
    problems: list[Problem] = []
    everything = dict(known)
    everything.update({m.code: m for m in meters})
    for m in meters:
        if m.parent is None:
            continue
        parent = everything.get(m.parent)
        row = rows.get(m.code)
        if parent is None:
            problems.append(Problem(file, row, "parent", m.parent, "a registered meter code"))
            continue
        if parent.carrier != m.carrier:
            problems.append(
                Problem(file, row, "parent", m.parent, f"a meter of the same carrier {m.carrier}")
            )
        seen = {m.code}
        code: str | None = m.parent
        while code is not None:
            if code in seen:
                problems.append(Problem(file, row, "parent", m.parent, "a parent forming no cycle"))
                break
            seen.add(code)
            nxt = everything.get(code)
            code = nxt.parent if nxt else None
    return problems


def with_defaults(meter: Meter, **changes: Any) -> Meter:
    """A copy of ``meter`` with ``changes`` (for the CLI's ``meters add``)."""
    return replace(meter, **changes)
