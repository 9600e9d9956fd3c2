"""Cross-check rules between indicators, and the default peer intensities.

Each rule names catalogue codes; a rule whose codes are absent from the data
simply never fires.
"""

from __future__ import annotations

from esgledger.calc.formula import Definition

__all__ = ["DEFAULT_PEER_METRICS", "PART_OF", "SUM_OF"]

#: (part, whole): the part can never exceed the whole for one entity and period.
PART_OF: tuple[tuple[str, str], ...] = (
    ("energy.electricity.green", "energy.electricity.purchased"),
    ("water.withdrawal.surface", "water.withdrawal.total"),
    ("water.withdrawal.ground", "water.withdrawal.total"),
    ("water.withdrawal.municipal", "water.withdrawal.total"),
    ("employees.female", "employees.total"),
    ("employees.male", "employees.total"),
    ("employees.ethnic_minority", "employees.total"),
    ("employees.disabled", "employees.total"),
    ("employees.new_hires.doctorate", "employees.new_hires"),
    ("employees.new_hires.master", "employees.new_hires"),
    ("employees.new_hires.bachelor", "employees.new_hires"),
    ("safety.hazards_major", "safety.hazards_identified"),
    ("suppliers.domestic", "suppliers.total"),
)

#: (whole, parts): when the whole and every part are reported, the parts add up to it.
SUM_OF: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("employees.total", ("employees.female", "employees.male")),
    (
        "employees.total",
        ("employees.age.under30", "employees.age.30to50", "employees.age.over50"),
    ),
    (
        "employees.total",
        (
            "employees.edu.postgraduate",
            "employees.edu.bachelor",
            "employees.edu.college_or_below",
        ),
    ),
)

#: Intensities compared across peer entities (robust z-score); formulas over indicators.
DEFAULT_PEER_METRICS: dict[str, Definition] = {
    "intensity.electricity_per_treo": Definition(
        "energy.electricity.purchased / production.reo", "MWh/t"
    ),
    "intensity.fresh_water_per_treo": Definition("water.fresh / production.reo", "m**3/t"),
    "intensity.natural_gas_per_treo": Definition("fuel.natural_gas / production.reo", "m**3/t"),
}
