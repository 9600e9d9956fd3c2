"""The indicator catalogue: what can be reported, in which unit, with which bounds.

Data lives in ``data/indicators.csv`` (UTF-8). Codes are a stable interface.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Literal

from esgledger.errors import NotFoundError

__all__ = ["Indicator", "find_indicators", "get_indicator", "load_indicators"]

Pillar = Literal["E", "S", "G"]
Kind = Literal["quantity", "ratio", "count", "currency", "text"]
Aggregation = Literal["sum", "weighted", "none"]


@dataclass(frozen=True)
class Indicator:
    code: str
    name_en: str
    name_zh: str
    unit: str
    pillar: Pillar
    kind: Kind
    aggregation: Aggregation
    min: float | None
    max: float | None
    group: str

    def allows(self, value: float) -> bool:
        if self.min is not None and value < self.min:
            return False
        return not (self.max is not None and value > self.max)

    def range_text(self) -> str:
        lo = "-inf" if self.min is None else f"{self.min:g}"
        hi = "+inf" if self.max is None else f"{self.max:g}"
        return f"a value between {lo} and {hi} {self.unit}"


def _opt_float(text: str) -> float | None:
    text = text.strip()
    return float(text) if text else None


@lru_cache(maxsize=1)
def load_indicators() -> dict[str, Indicator]:
    """Every indicator in the catalogue, by code (in file order)."""
    raw = resources.files("esgledger.catalog").joinpath("data/indicators.csv")
    text = raw.read_text(encoding="utf-8-sig")
    out: dict[str, Indicator] = {}
    for row in csv.DictReader(io.StringIO(text)):
        ind = Indicator(
            code=row["code"].strip(),
            name_en=row["name_en"].strip(),
            name_zh=row["name_zh"].strip(),
            unit=row["unit"].strip(),
            pillar=row["pillar"].strip(),  # type: ignore[arg-type]
            kind=row["kind"].strip(),  # type: ignore[arg-type]
            aggregation=row["aggregation"].strip(),  # type: ignore[arg-type]
            min=_opt_float(row["min"]),
            max=_opt_float(row["max"]),
            group=row["group"].strip(),
        )
        out[ind.code] = ind
    return out


def get_indicator(code: str) -> Indicator:
    try:
        return load_indicators()[code]
    except KeyError:
        raise NotFoundError(
            f"unknown indicator {code!r}", hint="list them with: esgledger indicators"
        ) from None


def find_indicators(query: str = "") -> list[Indicator]:
    """Indicators whose code or name (en or zh) contains ``query`` (case-insensitive)."""
    q = query.strip().lower()
    return [
        i
        for i in load_indicators().values()
        if not q or q in i.code.lower() or q in i.name_en.lower() or q in i.name_zh
    ]
