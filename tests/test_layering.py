"""DESIGN.md's arrows, checked on the source: the engines never reach storage or adapters.

``calc``, ``quality`` and ``assess`` take plain data and return plain data; only
``store`` speaks SQL, and ``services`` / ``cli`` / ``web`` call the engines, never
the other way round. The check reads every module's syntax tree, so it also
catches imports inside functions and under ``TYPE_CHECKING``.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import esgledger

SRC = Path(esgledger.__file__).parent
ENGINES = ("calc", "quality", "assess")
FORBIDDEN = (
    "esgledger.store",
    "esgledger.services",
    "esgledger.cli",
    "esgledger.web",
    "sqlalchemy",
)


def _module_name(path: Path, root: Path) -> str:
    parts = path.relative_to(root.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported_modules(path: Path, root: Path = SRC) -> list[tuple[int, str]]:
    """(line, absolute module name) of every import in the file (``root``: the package dir)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = _module_name(path, root)
    if path.name != "__init__.py":
        package = package.rpartition(".")[0]
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: resolve against the importing package
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                name = ".".join([*base, node.module] if node.module else base)
            else:
                name = node.module or ""
            found.append((node.lineno, name))
            # `from esgledger import store` imports esgledger.store
            found.extend((node.lineno, f"{name}.{alias.name}") for alias in node.names)
    return found


def _forbidden(name: str) -> bool:
    return any(name == bad or name.startswith(bad + ".") for bad in FORBIDDEN)


def violations(package: str) -> list[str]:
    out = []
    for path in sorted((SRC / package).rglob("*.py")):
        for line, name in imported_modules(path):
            if _forbidden(name):
                out.append(f"{path.relative_to(SRC.parent)}:{line} imports {name}")
    return out


@pytest.mark.parametrize("package", ENGINES)
def test_engine_imports_no_storage_services_or_adapters(package: str) -> None:
    assert (SRC / package / "__init__.py").is_file()
    assert violations(package) == []


def test_the_check_sees_every_kind_of_import(tmp_path: Path) -> None:
    # the checker itself must be able to fail: a module with each forbidden form
    text = (
        "from __future__ import annotations\n"
        "from typing import TYPE_CHECKING\n"
        "import sqlalchemy.engine\n"
        "from esgledger import store\n"
        "if TYPE_CHECKING:\n"
        "    from esgledger.services.calc import compute_ledger\n"
        "def f():\n"
        "    from ..cli import app\n"
        "    import esgledger.units\n"
    )
    root = tmp_path / "esgledger"
    fake = root / "calc" / "probe.py"
    fake.parent.mkdir(parents=True)
    fake.write_text(text, encoding="utf-8")
    tree_names = [n for _, n in imported_modules(fake, root) if _forbidden(n)]
    assert tree_names == [
        "sqlalchemy.engine",
        "esgledger.store",
        "esgledger.services.calc",
        "esgledger.services.calc.compute_ledger",
        "esgledger.cli",
        "esgledger.cli.app",
    ]


def test_the_services_call_the_engines() -> None:
    # the other direction is allowed and used: services read the ledger and call calc/quality
    names = {n for p in (SRC / "services").glob("*.py") for _, n in imported_modules(p)}
    assert {"esgledger.calc.engine", "esgledger.quality", "esgledger.calc.targets"} <= names


ADAPTER_ALLOWED = (
    "esgledger.services",
    "esgledger.model",
    "esgledger.errors",
    "esgledger.settings",
    "esgledger.units",
)


def adapter_violations(package: str) -> list[str]:
    """Imports of esgledger modules an adapter may not use (only services, model, errors...)."""
    own = f"esgledger.{package}"
    allowed = (*ADAPTER_ALLOWED, own)
    out = []
    for path in sorted((SRC / package).rglob("*.py")):
        for line, name in imported_modules(path):
            if name in ("esgledger", "esgledger.__version__") or not name.startswith("esgledger"):
                continue
            if sqlalchemy_like(name) or not any(
                name == ok or name.startswith(ok + ".") for ok in allowed
            ):
                out.append(f"{path.relative_to(SRC.parent)}:{line} imports {name}")
    for path in sorted((SRC / package).rglob("*.py")):
        for line, name in imported_modules(path):
            if sqlalchemy_like(name):
                out.append(f"{path.relative_to(SRC.parent)}:{line} imports {name}")
    return out


def sqlalchemy_like(name: str) -> bool:
    return name == "sqlalchemy" or name.startswith("sqlalchemy.")


def test_the_web_app_imports_only_services_model_and_errors() -> None:
    assert (SRC / "web" / "__init__.py").is_file()
    assert adapter_violations("web") == []
