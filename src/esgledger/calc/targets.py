"""Targets: what a group promised (a cap, a reduction) and how far it has come.

A target names a metric (or an indicator), the entities it covers, a baseline
(year, and a value or "from data") and a target (year, and a value or a
percentage change from the baseline). Progress for a year compares the actual
value with the target and with the straight line from baseline to target.
Everything here is pure: :func:`load_targets` takes the file's text, and
:func:`assess_targets` takes metric values as plain data.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import yaml

from esgledger.calc.formula import Value
from esgledger.calc.yearvalue import year_values
from esgledger.errors import Problem, UnitError, ValidationError
from esgledger.model import Entity, Observation
from esgledger.units import convert, parse_unit

__all__ = [
    "STATUSES",
    "Direction",
    "Progress",
    "Status",
    "Target",
    "assess_targets",
    "load_targets",
    "observed_values",
    "target_value_of",
]

Kind = Literal["absolute", "intensity"]
Direction = Literal["decrease", "increase"]
Status = Literal["achieved", "on track", "off track", "no data"]
STATUSES: tuple[Status, ...] = ("achieved", "on track", "off track", "no data")

#: values[(metric, entity, year)] -> Value
Values = Mapping[tuple[str, str, int], Value]


@dataclass(frozen=True)
class Target:
    """One target as written in a targets file."""

    id: str
    metric: str
    kind: Kind
    entities: tuple[str, ...]
    baseline_year: int
    target_year: int
    baseline_value: float | None = None
    target_value: float | None = None
    change_pct: float | None = None
    unit: str | None = None
    direction: Direction | None = None
    numerator: str | None = None
    denominator: str | None = None
    name_en: str = ""
    name_zh: str = ""
    source: str = ""


@dataclass(frozen=True)
class Progress:
    """Where one target stands in one year (values in ``unit``)."""

    target_id: str
    name_en: str
    name_zh: str
    metric: str
    year: int
    unit: str
    baseline_year: int
    baseline: float | None
    target_year: int
    target: float | None
    actual: float | None
    expected: float | None
    progress_pct: float | None
    direction: Direction | None
    status: Status
    note: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "target": self.target_id,
            "name_en": self.name_en,
            "name_zh": self.name_zh,
            "metric": self.metric,
            "year": self.year,
            "unit": self.unit,
            "baseline_year": self.baseline_year,
            "baseline": self.baseline,
            "target_year": self.target_year,
            "target_value": self.target,
            "actual": self.actual,
            "expected": self.expected,
            "progress_pct": self.progress_pct,
            "direction": self.direction,
            "status": self.status,
            "note": self.note,
        }


# --- reading a targets file ----------------------------------------------------------

_KEYS = {
    "id",
    "metric",
    "kind",
    "entities",
    "baseline",
    "target",
    "unit",
    "direction",
    "numerator",
    "denominator",
    "name_en",
    "name_zh",
    "source",
}


class _Reader:
    def __init__(self, file: str) -> None:
        self.file = file
        self.problems: list[Problem] = []

    def problem(self, column: str, value: Any, expected: str) -> None:
        shown = None if value is None else str(value)
        self.problems.append(Problem(self.file, None, column, shown, expected))

    def text(self, raw: Mapping[str, Any], key: str, where: str, *, required: bool) -> str | None:
        value = raw.get(key)
        if value is None:
            if required:
                self.problem(f"{where}.{key}", None, "a value (it is required)")
            return None
        if not isinstance(value, str | int | float) or isinstance(value, bool) or value == "":
            self.problem(f"{where}.{key}", value, "a non-empty text")
            return None
        return str(value)

    def number(self, raw: Mapping[str, Any], key: str, where: str) -> float | None:
        value = raw.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.problem(f"{where}.{key}", value, "a number")
            return None
        if not math.isfinite(float(value)):
            self.problem(f"{where}.{key}", value, "a finite number")
            return None
        return float(value)

    def year(self, raw: Mapping[str, Any], where: str) -> int | None:
        value = raw.get("year")
        if isinstance(value, bool) or not isinstance(value, int) or not 1900 <= value <= 2200:
            self.problem(f"{where}.year", value, "a year such as 2025")
            return None
        return value

    def section(self, raw: Mapping[str, Any], key: str, where: str) -> Mapping[str, Any]:
        value = raw.get(key)
        if not isinstance(value, Mapping):
            self.problem(f"{where}.{key}", value, f"a mapping with year and value ({key})")
            return {}
        return value

    def target(self, raw: Any, where: str) -> Target | None:
        if not isinstance(raw, Mapping):
            self.problem(where, raw, "a mapping describing one target")
            return None
        before = len(self.problems)
        for key in sorted(set(raw) - _KEYS):
            self.problem(f"{where}.{key}", key, "one of " + ", ".join(sorted(_KEYS)))
        tid = self.text(raw, "id", where, required=True)
        metric = self.text(raw, "metric", where, required=True)
        kind = raw.get("kind", "absolute")
        if kind not in ("absolute", "intensity"):
            self.problem(f"{where}.kind", kind, "absolute or intensity")
        entities_raw = raw.get("entities")
        entities: tuple[str, ...] = ()
        if isinstance(entities_raw, str) and entities_raw:
            entities = (entities_raw,)
        elif (
            isinstance(entities_raw, list)
            and entities_raw
            and all(isinstance(e, str) and e for e in entities_raw)
        ):
            entities = tuple(entities_raw)
            if len(set(entities)) != len(entities):
                self.problem(f"{where}.entities", entities_raw, "each entity listed once")
        else:
            self.problem(f"{where}.entities", entities_raw, "a non-empty list of entity codes")
        base = self.section(raw, "baseline", where)
        goal = self.section(raw, "target", where)
        base_year = self.year(base, f"{where}.baseline") if base else None
        goal_year = self.year(goal, f"{where}.target") if goal else None
        for key in sorted(set(base) - {"year", "value"}):
            self.problem(f"{where}.baseline.{key}", key, "year or value")
        for key in sorted(set(goal) - {"year", "value", "change_pct"}):
            self.problem(f"{where}.target.{key}", key, "year, value or change_pct")
        base_value = self.number(base, "value", f"{where}.baseline")
        goal_value = self.number(goal, "value", f"{where}.target")
        change = self.number(goal, "change_pct", f"{where}.target")
        if goal and (goal.get("value") is None) == (goal.get("change_pct") is None):
            self.problem(f"{where}.target", None, "exactly one of value or change_pct")
        if change is not None and change <= -100:
            self.problem(f"{where}.target.change_pct", change, "a change above -100 (%)")
        if base_year is not None and goal_year is not None and goal_year <= base_year:
            self.problem(f"{where}.target.year", goal_year, f"a year after {base_year}")
        direction = raw.get("direction")
        if direction is not None and direction not in ("decrease", "increase"):
            self.problem(f"{where}.direction", direction, "decrease or increase")
        unit = self.text(raw, "unit", where, required=False)
        if unit is not None:
            try:
                parse_unit(unit)
            except UnitError:
                self.problem(f"{where}.unit", unit, "a unit esgledger knows (e.g. tce, tCO2e/tREO)")
        numerator = self.text(raw, "numerator", where, required=False)
        denominator = self.text(raw, "denominator", where, required=False)
        if (numerator is None) != (denominator is None):
            self.problem(f"{where}.numerator", numerator, "numerator and denominator together")
        if numerator is not None and kind != "intensity":
            self.problem(f"{where}.numerator", numerator, "numerator only on an intensity target")
        if kind == "intensity" and len(entities) > 1 and numerator is None:
            self.problem(
                f"{where}.numerator",
                None,
                "numerator and denominator for an intensity over several entities",
            )
        if len(self.problems) > before:
            return None
        assert tid and metric and base_year and goal_year
        return Target(
            id=tid,
            metric=metric,
            kind=kind,
            entities=entities,
            baseline_year=base_year,
            target_year=goal_year,
            baseline_value=base_value,
            target_value=goal_value,
            change_pct=change,
            unit=unit,
            direction=direction,
            numerator=numerator,
            denominator=denominator,
            name_en=self.text(raw, "name_en", where, required=False) or "",
            name_zh=self.text(raw, "name_zh", where, required=False) or "",
            source=self.text(raw, "source", where, required=False) or "",
        )


def load_targets(text: str, *, file: str = "targets.yaml") -> list[Target]:
    """Targets from the text of a targets file; one ValidationError lists every problem."""
    try:
        doc = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        row = mark.line + 1 if mark is not None else None
        reason = getattr(exc, "problem", None) or "valid YAML"
        raise ValidationError(
            [Problem(file, row, None, None, f"valid YAML ({reason})")], what=file
        ) from None
    reader = _Reader(file)
    if not isinstance(doc, Mapping) or not isinstance(doc.get("targets"), list):
        reader.problem("targets", None, "a top-level mapping with a list under 'targets'")
        raise ValidationError(reader.problems, what=file)
    if doc.get("version", 1) != 1:
        reader.problem("version", doc.get("version"), "1")
    out: list[Target] = []
    seen: set[str] = set()
    for i, raw in enumerate(doc["targets"]):
        target = reader.target(raw, f"targets[{i}]")
        if target is None:
            continue
        if target.id in seen:
            reader.problem(f"targets[{i}].id", target.id, "an id not used by another target")
        seen.add(target.id)
        out.append(target)
    if reader.problems:
        raise ValidationError(reader.problems, what=file)
    return out


# --- progress ----------------------------------------------------------------------


def _sum(
    values: Values, metric: str, entities: Sequence[str], year: int
) -> tuple[float | None, str | None, list[str]]:
    """The sum over ``entities`` in the unit of the first value, and who is missing."""
    missing = [e for e in entities if (metric, e, year) not in values]
    if missing:
        return None, None, missing
    unit = values[(metric, entities[0], year)].unit
    total = math.fsum(
        convert(values[(metric, e, year)].value, values[(metric, e, year)].unit, unit)
        for e in entities
    )
    return total, unit, []


def target_value_of(
    target: Target, values: Values, year: int
) -> tuple[float | None, str | None, str]:
    """The target's metric for ``year`` as (value, unit, note); value None when missing.

    Absolute: the sum over the entities. Intensity: the metric itself for one
    entity, or sum(numerator) / sum(denominator) over several. The value is in
    ``target.unit`` when given, else in the metric's unit.
    """
    if target.kind == "intensity" and target.numerator and target.denominator:
        num, nu, miss_n = _sum(values, target.numerator, target.entities, year)
        den, du, miss_d = _sum(values, target.denominator, target.entities, year)
        if num is None or den is None or nu is None or du is None:
            parts = [f"{target.numerator} for {', '.join(miss_n)}"] if miss_n else []
            parts += [f"{target.denominator} for {', '.join(miss_d)}"] if miss_d else []
            return None, target.unit, f"{year}: no value of {'; '.join(parts)}"
        if den == 0:
            return None, target.unit, f"{year}: {target.denominator} is 0"
        ratio_unit = f"{nu} / {du}"
        if target.unit is None:
            return num / den, ratio_unit, ""
        q = parse_unit(nu) / parse_unit(du)
        dst = parse_unit(target.unit)
        if q.dimensionality != dst.dimensionality:
            raise UnitError(f"unit {ratio_unit!r} cannot be converted to {target.unit!r}")
        return num / den * float((q / dst).to("dimensionless").magnitude), target.unit, ""
    total, unit, missing = _sum(values, target.metric, target.entities, year)
    if total is None or unit is None:
        return None, target.unit, f"{year}: no value of {target.metric} for {', '.join(missing)}"
    if target.unit is None:
        return total, unit, ""
    return convert(total, unit, target.unit), target.unit, ""


def _meets(actual: float, goal: float, direction: Direction) -> bool:
    return actual <= goal if direction == "decrease" else actual >= goal


def _progress(target: Target, values: Values, year: int) -> Progress:
    actual, unit, note = target_value_of(target, values, year)
    notes = [note] if note else []
    if target.baseline_value is not None:
        baseline: float | None = target.baseline_value
    else:
        baseline, base_unit, base_note = target_value_of(target, values, target.baseline_year)
        if base_note:
            notes.append(f"baseline {base_note}")
        if unit is None:
            unit = base_unit
        elif baseline is not None and base_unit is not None and base_unit != unit:
            baseline = convert(baseline, base_unit, unit)
    goal: float | None = target.target_value
    if goal is None and target.change_pct is not None and baseline is not None:
        goal = baseline * (1 + target.change_pct / 100)
    # a target value without a direction is a cap ("at most T"), even above the baseline;
    # a rise says direction: increase, or is a positive change_pct
    direction = target.direction
    if direction is None and target.change_pct is not None:
        direction = "increase" if target.change_pct > 0 else "decrease"
    if direction is None:
        direction = "decrease"
    expected: float | None = None
    pct: float | None = None
    if baseline is not None and goal is not None:
        if _meets(baseline, goal, direction):
            # the baseline already meets the target (a cap set above current use): the
            # path is the target itself, and progress is all or nothing
            expected = goal
            if actual is not None:
                pct = 100.0 if _meets(actual, goal, direction) else 0.0
        else:
            span = target.target_year - target.baseline_year
            share = min(max((year - target.baseline_year) / span, 0.0), 1.0)
            expected = baseline + (goal - baseline) * share
            if actual is not None:
                pct = (actual - baseline) / (goal - baseline) * 100 + 0.0  # no "-0"
    status: Status
    if actual is None or goal is None:
        status = "no data"
        if goal is None:
            notes.append("the target value needs the baseline")
    elif _meets(actual, goal, direction):
        status = "achieved"
    elif year >= target.target_year:
        status = "off track"
        notes.append(f"target year {target.target_year} reached without meeting the target")
    elif expected is None:
        status = "off track"
        notes.append("no baseline, so no path to compare with")
    else:
        status = "on track" if _meets(actual, expected, direction) else "off track"
    return Progress(
        target_id=target.id,
        name_en=target.name_en,
        name_zh=target.name_zh,
        metric=target.metric,
        year=year,
        unit=unit or target.unit or "",
        baseline_year=target.baseline_year,
        baseline=baseline,
        target_year=target.target_year,
        target=goal,
        actual=actual,
        expected=expected,
        progress_pct=pct,
        direction=direction,
        status=status,
        note="; ".join(notes),
    )


def _latest_year(target: Target, values: Values) -> int:
    metric = target.numerator if target.numerator else target.metric
    years = [y for (m, e, y) in values if m == metric and e in target.entities]
    return max(years) if years else target.baseline_year


def assess_targets(
    targets: Iterable[Target], values: Values, *, year: int | None = None
) -> list[Progress]:
    """Progress of every target in ``year`` (default: the latest year with data for it).

    Status: ``achieved`` when the actual value meets the target value (at or
    below it for a decrease, at or above it for an increase); ``off track``
    when it does not and the target year has come; otherwise ``on track`` when
    the actual value is at or better than the straight line from baseline to
    target, ``off track`` when it is worse; ``no data`` when there is no
    actual value (or no baseline to derive the target value from).
    """
    out = []
    for t in targets:
        try:
            out.append(_progress(t, values, year if year is not None else _latest_year(t, values)))
        except UnitError as exc:  # say which target: the file is the user's to fix
            raise UnitError(
                f"target {t.id!r} ({t.metric}): {exc.message}",
                hint="give the target a 'unit' of the same kind as its metric's values",
            ) from None
    return out


def observed_values(
    observations: Iterable[Observation],
    summable: Collection[str],
    *,
    entities: Iterable[Entity],
    codes: Collection[str] | None = None,
) -> dict[tuple[str, str, int], Value]:
    """Each entity's own annual value of each indicator, by the one year-value rule.

    :func:`esgledger.calc.yearvalue.year_values`: rows prorated by the entity's
    inclusion window, the annual row over monthly rows, months summed for
    codes in ``summable`` (indicators whose aggregation is ``sum``). ``codes``
    limits the indicators read.
    """
    found = year_values(observations, entities, summable, codes=codes)
    return {key: Value(v.value, v.unit) for key, v in found.items()}
