"""Row validation: text cells in, :class:`Entity` / :class:`Observation` out, problems listed.

Every check appends a :class:`~esgledger.errors.Problem` naming the file, the
1-based spreadsheet row, the column, the value and what was expected; nothing
stops at the first problem. Warnings (data outside an entity's inclusion
window) are collected the same way but do not reject the import.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Collection, Iterable, Mapping
from datetime import date
from typing import TYPE_CHECKING, Final

from esgledger.catalog.indicators import Indicator, load_indicators
from esgledger.errors import EsgError, Problem, UnitError
from esgledger.intake.bridge import UnitBridge
from esgledger.intake.cells import parse_number
from esgledger.intake.tables import Table
from esgledger.model import (
    CODE_MAX,
    CONTROLS,
    FINANCIAL_CONTROLS,
    NAME_MAX,
    Control,
    Entity,
    Observation,
    Period,
    provenance_of,
)
from esgledger.units import convert

if TYPE_CHECKING:
    from esgledger.catalog.factors import FactorSet

__all__ = [
    "CN_REGIONS",
    "ObservationChecker",
    "check_entities",
    "check_tree",
    "region_ok",
]

# ISO 3166-2:CN province-level codes (2017 letter codes).
_CN_CODES = (
    "AH BJ CQ FJ GD GS GX GZ HA HB HE HI HK HL HN JL JS "
    "JX LN MO NM NX QH SC SD SH SN SX TJ TW XJ XZ YN ZJ"
)
CN_REGIONS: Final = frozenset("CN-" + c for c in _CN_CODES.split())
_ISO3166 = re.compile(r"[A-Z]{2}(?:-[A-Z0-9]{1,3})?")
_CODE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.\-]{0,63}")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
Progress = Callable[[str, int, int | None], None]
"""``progress(file, rows_done_since_last_call, expected_total_rows_or_None)``."""
_EVERY = 5000


def region_ok(text: str) -> bool:
    """Empty (unknown), a province code (``CN-NM``) or an ISO 3166 code (``DE``, ``US-CA``)."""
    if not text or text in CN_REGIONS:
        return True
    return not text.startswith("CN-") and bool(_ISO3166.fullmatch(text))


def _too_long(text: str, limit: int) -> tuple[str, str] | None:
    """(value shown, expected) when ``text`` is over ``limit`` characters, else None."""
    if len(text) <= limit:
        return None
    shown = f"{text[:30]}… ({len(text)} characters)"
    return shown, f"at most {limit} characters (the database's limit)"


def _cell(cells: list[str], i: int) -> str:
    return cells[i] if i < len(cells) else ""


def _at(first: tuple[str, int], file: str) -> str:
    """Where a row seen earlier is: ``row 5`` in the same file, else ``other.csv row 5``."""
    return f"row {first[1]}" if first[0] == file else f"{first[0]} row {first[1]}"


def _date(
    file: str, row: int, column: str, text: str, problems: list[Problem]
) -> tuple[bool, date | None]:
    s = text.strip()
    if not s:
        return True, None
    if _ISO_DATE.fullmatch(s):
        try:
            return True, date.fromisoformat(s)
        except ValueError:
            pass
    problems.append(Problem(file, row, column, text, "a date YYYY-MM-DD or empty"))
    return False, None


def check_entities(
    table: Table,
    problems: list[Problem],
    seen: dict[str, tuple[str, int]],
    warnings: list[Problem] | None = None,
) -> list[tuple[str, int, Entity]]:
    """Entities of one table, with (file, row) for later checks; ``seen`` finds duplicates.

    An ownership between 0 and 1 (``0.51``) is taken as the percentage it says
    (0.51 %), with a warning that ownership is a percentage, not a fraction.
    """
    ix = table.index
    out: list[tuple[str, int, Entity]] = []
    file = table.file
    for row, cells in table.rows:
        ok = True

        def bad(column: str, value: str | None, expected: str, row: int = row) -> None:
            nonlocal ok
            ok = False
            problems.append(Problem(file, row, column, value, expected))

        code = _cell(cells, ix["code"]).strip()
        if not _CODE.fullmatch(code):
            bad(
                "code",
                code,
                "an entity code: a letter or digit first, then letters, digits, '_', '.' "
                "or '-'; up to 64 characters",
            )
        elif code in seen:
            bad("code", code, f"each entity once (also on {_at(seen[code], file)})")
        else:
            seen[code] = (file, row)
        name_en = _cell(cells, ix["name_en"])
        name_zh = _cell(cells, ix["name_zh"])
        if not name_en.strip() and not name_zh.strip():
            bad("name_en", name_en, "a name in name_en or name_zh")
        for column, text in (("name_en", name_en), ("name_zh", name_zh)):
            if long := _too_long(text, NAME_MAX):
                bad(column, *long)
        parent = _cell(cells, ix["parent"]).strip()
        if parent and parent == code:
            bad("parent", parent, "a parent other than the entity itself")
        etype = _cell(cells, ix["type"]).strip()
        if not etype:
            bad("type", etype, "an entity type such as group, branch, subsidiary or joint_venture")
        elif long := _too_long(etype, CODE_MAX):
            bad("type", *long)
        own_text = _cell(cells, ix["ownership_pct"])
        ownership: float | None = None
        if own_text.strip():
            ownership = parse_number(own_text.strip().removesuffix("%"))
            if ownership is None or not 0 <= ownership <= 100:
                bad("ownership_pct", own_text, "a percentage from 0 to 100, or empty")
            elif 0 < ownership < 1 and warnings is not None and "%" not in own_text:
                warnings.append(
                    Problem(
                        file,
                        row,
                        "ownership_pct",
                        own_text,
                        f"a percentage (51 for 51 %), not a fraction; {own_text.strip()} is "
                        f"read as {own_text.strip()} %; write {ownership * 100:g} for "
                        f"{ownership * 100:g} %, or {own_text.strip()}% to keep it and "
                        "silence this warning",
                    )
                )
        control = _cell(cells, ix["control"]).strip()
        if control not in CONTROLS:
            bad("control", control, "one of operational, financial, none")
        fin = (
            _cell(cells, ix["financial_control"]).strip().lower()
            if "financial_control" in ix
            else ""
        )
        if fin and fin not in FINANCIAL_CONTROLS:
            bad("financial_control", fin, "one of full, joint, none, or empty")
        region = _cell(cells, ix["region"]).strip()
        if not region_ok(region):
            bad("region", region, "a province code such as CN-NM, an ISO 3166 code, or empty")
        ok_from, included_from = _date(
            file, row, "included_from", _cell(cells, ix["included_from"]), problems
        )
        ok_to, included_to = _date(
            file, row, "included_to", _cell(cells, ix["included_to"]), problems
        )
        ok = ok and ok_from and ok_to
        if included_from and included_to and included_to < included_from:
            bad("included_to", included_to.isoformat(), "a date on or after included_from")
        if ok:
            entity = Entity(
                code=code,
                name_en=name_en,
                name_zh=name_zh,
                parent=parent or None,
                type=etype,
                ownership_pct=ownership,
                control=_as_control(control),
                region=region,
                included_from=included_from,
                included_to=included_to,
                financial_control=fin,  # type: ignore[arg-type]
            )
            out.append((file, row, entity))
    return out


def _as_control(text: str) -> Control:
    for c in CONTROLS:
        if c == text:
            return c
    raise AssertionError(text)  # pragma: no cover - checked before


def check_tree(
    rows: Iterable[tuple[str, int, Entity]],
    known: Mapping[str, Entity],
    problems: list[Problem],
    rejected: Collection[str] = (),
) -> None:
    """Unknown parents and parent cycles among the file's entities and the ledger's.

    ``rejected`` are codes of file rows that had problems of their own: a
    parent among them is not reported again as unknown.
    """
    rows = list(rows)
    tree = {code: e.parent for code, e in known.items()}
    tree.update({e.code: e.parent for _, _, e in rows})
    for file, row, e in rows:
        if e.parent is None:
            continue
        if e.parent not in tree:
            if e.parent in rejected:
                continue
            problems.append(
                Problem(file, row, "parent", e.parent, "an entity code in the file or the ledger")
            )
            continue
        path = [e.code]
        node: str | None = e.parent
        while node is not None and node in tree:
            if node == e.code:
                chain = " -> ".join([*path, node])
                problems.append(
                    Problem(
                        file, row, "parent", e.parent, f"a parent that is not a cycle ({chain})"
                    )
                )
                break
            if node in path:
                break  # a cycle further up; reported on its own rows
            path.append(node)
            node = tree.get(node)


class ObservationChecker:
    """Checks observation rows against the catalogue, the entities and each other.

    One checker is used for every observations table of an import, so that
    duplicate keys are found across files too. Unit conversion factors and
    parsed periods are cached per distinct text.
    """

    def __init__(
        self,
        entities: Mapping[str, Entity],
        problems: list[Problem],
        warnings: list[Problem],
        *,
        indicators: Mapping[str, Indicator] | None = None,
        progress: Progress | None = None,
        rejected: frozenset[str] = frozenset(),
        factors: FactorSet | None = None,
    ) -> None:
        self.entities = entities
        self.bridge = UnitBridge(factors)
        #: (file, row, note) for each value converted through a cited factor (NCV, density)
        self.conversions: list[tuple[str, int, str]] = []
        self.rejected = rejected
        self.problems = problems
        self.warnings = warnings
        self.indicators = indicators if indicators is not None else load_indicators()
        self.progress = progress
        # (entity, period, indicator) -> file number << 32 | row: one int, not a tuple, per row
        self.seen: dict[tuple[str, str, str], int] = {}
        self._files: list[str] = []
        # repeated cell texts (units, sources, comments) share one string object
        self._texts: dict[str, str] = {}
        self._periods: dict[str, tuple[Period, str] | None] = {}
        self._factors: dict[tuple[str, str], float | str] = {}
        self._windows: dict[tuple[str, str], bool] = {}
        self.observations: list[Observation] = []
        self.skipped: dict[str, list[int]] = {}

    def _period(self, text: str) -> tuple[Period, str] | None:
        """The period and its normal text (``2024``, ``2024-03``), or None if it is bad."""
        try:
            return self._periods[text]
        except KeyError:
            pass
        try:
            period = Period.parse(text)
            found: tuple[Period, str] | None = (period, str(period))
        except EsgError:
            found = None
        self._periods[text] = found
        return found

    def _factor(self, raw_unit: str, ind: Indicator) -> float | str:
        """The factor from ``raw_unit`` to the indicator's unit, or what was expected."""
        key = (raw_unit, ind.unit)
        try:
            return self._factors[key]
        except KeyError:
            pass
        result: float | str
        if not raw_unit.strip():
            result = f"a unit convertible to {ind.unit} (e.g. {ind.unit})"
        else:
            try:
                result = convert(1.0, raw_unit, ind.unit)
            except UnitError as exc:
                if exc.message.startswith("unknown unit"):
                    result = f"a known unit convertible to {ind.unit}"
                else:
                    result = f"a unit convertible to {ind.unit} (this one measures something else)"
        self._factors[key] = result
        return result

    def _in_window(self, entity: Entity, period: Period, text: str) -> bool:
        key = (entity.code, text)
        try:
            return self._windows[key]
        except KeyError:
            pass
        inside = not (
            (entity.included_from and period.end < entity.included_from)
            or (entity.included_to and period.start > entity.included_to)
        )
        self._windows[key] = inside
        return inside

    def check(self, table: Table) -> None:
        """Check every row of one observations table."""
        ix = table.index
        i_entity, i_period, i_indicator = ix["entity"], ix["period"], ix["indicator"]
        i_value, i_unit, i_source, i_comment = ix["value"], ix["unit"], ix["source"], ix["comment"]
        i_prov = ix.get("provenance")
        width = max(ix.values()) + 1
        file = table.file
        self._files.append(file)
        file_tag = (len(self._files) - 1) << 32
        files = self._files
        texts = self._texts

        def shared(text: str) -> str:
            got = texts.get(text)
            if got is not None:
                return got
            if len(texts) < 200_000:
                texts[text] = text
            return text

        problems = self.problems
        entities, indicators, seen = self.entities, self.indicators, self.seen
        append = self.observations.append
        count = 0
        for row, cells in table.rows:
            count += 1
            if self.progress is not None and count % _EVERY == 0:
                self.progress(file, _EVERY, table.total)
            if len(cells) < width:
                cells = cells + [""] * (width - len(cells))
            raw_value = cells[i_value]
            if not raw_value.strip():
                self.skipped.setdefault(file, []).append(row)
                continue
            before = len(problems)
            code = cells[i_entity].strip()
            entity = entities.get(code)
            if entity is None and code not in self.rejected:
                problems.append(
                    Problem(
                        file,
                        row,
                        "entity",
                        code,
                        "an entity code defined in entities or in the ledger",
                    )
                )
            period_text = cells[i_period].strip()
            parsed = self._period(period_text)
            period, period_key = (None, "") if parsed is None else parsed
            if period is None:
                expected = "a period YYYY or YYYY-MM"
                if _ISO_DATE.fullmatch(period_text):
                    expected += " (a text cell, not a date)"
                problems.append(Problem(file, row, "period", cells[i_period], expected))
            ind_code = cells[i_indicator].strip()
            ind = indicators.get(ind_code)
            if ind is None:
                problems.append(
                    Problem(
                        file,
                        row,
                        "indicator",
                        ind_code,
                        "an indicator code from the catalogue (see: esgledger indicators)",
                    )
                )
            is_text = ind is not None and ind.kind == "text"
            number = 0.0 if is_text else parse_number(raw_value)
            if number is None:
                problems.append(
                    Problem(file, row, "value", raw_value, "a number such as 1234.5 or 1,234.5")
                )
            provenance = "" if i_prov is None else provenance_of(cells[i_prov])
            if provenance is None:
                problems.append(
                    Problem(
                        file,
                        row,
                        "provenance",
                        cells[i_prov] if i_prov is not None else "",
                        "measured, calculated, estimated, illustrative "
                        "(实测, 计算, 估算, 示意) or empty",
                    )
                )
                provenance = ""
            raw_unit = cells[i_unit]
            factor: float | str | None = None
            if is_text:
                factor = 1.0  # a text indicator: the text is the raw value, canonical 0
                if raw_unit.strip():
                    problems.append(Problem(file, row, "unit", raw_unit, "no unit (a text value)"))
            elif long := _too_long(raw_unit, CODE_MAX):
                problems.append(Problem(file, row, "unit", *long))
            elif ind is not None:
                factor = self._factor(raw_unit, ind)
                if isinstance(factor, str) and entity is not None and period is not None:
                    bridged = self.bridge.factor(raw_unit, ind, entity, period.year)
                    if isinstance(bridged, tuple):
                        factor = bridged[0]
                        self.conversions.append((file, row, bridged[1]))
                    elif bridged is not None:
                        factor = bridged
                if isinstance(factor, str):
                    problems.append(Problem(file, row, "unit", raw_unit, factor))
            if entity is not None and period is not None and ind is not None:
                key = (entity.code, period_key, ind.code)
                first = seen.get(key)
                if first is None:
                    seen[key] = file_tag | row
                else:
                    at = (files[first >> 32], first & 0xFFFFFFFF)
                    problems.append(
                        Problem(
                            file,
                            row,
                            "indicator",
                            ind_code,
                            f"one row per entity, period and indicator (same as {_at(at, file)})",
                        )
                    )
            if len(problems) != before or entity is None:
                continue
            assert ind is not None and number is not None and isinstance(factor, float)
            assert entity is not None and period is not None
            value = number * factor
            if not math.isfinite(value):
                problems.append(
                    Problem(
                        file,
                        row,
                        "value",
                        raw_value,
                        f"a number small enough to express in {ind.unit} "
                        f"({raw_value.strip()} {raw_unit.strip()} is beyond the largest float)",
                    )
                )
                continue
            if (ind.min is not None and value < ind.min) or (
                ind.max is not None and value > ind.max
            ):
                problems.append(
                    Problem(
                        file,
                        row,
                        "value",
                        raw_value,
                        f"{ind.range_text()} (this is {value:g} {ind.unit})",
                    )
                )
                continue
            if not self._in_window(entity, period, period_key):
                self.warnings.append(
                    Problem(
                        file,
                        row,
                        "period",
                        period_key,
                        f"a period within {code}'s inclusion window "
                        f"({entity.included_from or '…'} to {entity.included_to or '…'}); "
                        "imported anyway",
                    )
                )
            append(
                Observation(
                    entity=entity.code,
                    period=period_key,
                    indicator=ind.code,
                    value=value,
                    unit=ind.unit,
                    raw_value=raw_value,
                    raw_unit=shared(raw_unit),
                    source=shared(cells[i_source]),
                    comment=shared(cells[i_comment]),
                    provenance=provenance,
                )
            )
        if self.progress is not None:
            self.progress(file, count % _EVERY, table.total)
