"""The energy package is pure like the other engines; its CLI imports services, not the store."""

from __future__ import annotations

from test_layering import SRC, imported_modules, violations


def test_energy_is_pure():
    assert (SRC / "energy" / "__init__.py").is_file()
    assert violations("energy") == []


def test_the_energy_services_use_the_energy_rules():
    names = {
        n
        for f in ("readings.py", "energy.py", "alerts.py")
        for _, n in imported_modules(SRC / "services" / f)
    }
    assert {
        "esgledger.energy.deltas",
        "esgledger.energy.datasets",
        "esgledger.energy.warnings",
    } <= names
