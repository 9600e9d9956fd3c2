"""Every public module declares __all__, and every name in it exists (httpx-style)."""

import importlib
import pkgutil

import esgledger


def _modules():
    for info in pkgutil.walk_packages(esgledger.__path__, "esgledger."):
        if ".migrations" in info.name or info.name.endswith("__main__"):
            continue
        yield info.name


def test_all_names_exist():
    bad = []
    for name in _modules():
        module = importlib.import_module(name)
        for attr in getattr(module, "__all__", []):
            if not hasattr(module, attr):
                bad.append(f"{name}.{attr}")
    assert bad == []


def test_core_modules_declare_all():
    for name in ["esgledger.errors", "esgledger.units", "esgledger.model", "esgledger.settings"]:
        assert hasattr(importlib.import_module(name), "__all__"), name


def test_root_exports():
    assert esgledger.EsgError.__name__ == "EsgError"
    assert isinstance(esgledger.__version__, str)
