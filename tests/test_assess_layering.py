"""DESIGN.md layering: the assessment engine takes plain data and never opens a file or a
database session. An AST scan of every module under ``esgledger.assess`` keeps it so;
the files are read and written by ``esgledger.intake.assessment_files``."""

from __future__ import annotations

import ast
from importlib import resources
from pathlib import Path

import pytest

#: Modules the engine may not import (SQL, storage, adapters, file-system helpers).
FORBIDDEN_IMPORTS = (
    "sqlalchemy",
    "esgledger.store",
    "esgledger.intake",
    "esgledger.cli",
    "esgledger.web",
    "pathlib",
    "os",
    "shutil",
    "tempfile",
    "importlib.resources",
)
#: Methods that touch the file system whatever they are called on (Path, Traversable, ...).
FILE_METHODS = frozenset(
    {
        "read_text",
        "read_bytes",
        "write_text",
        "write_bytes",
        "open",
        "mkdir",
        "touch",
        "unlink",
        "rmdir",
        "iterdir",
        "glob",
        "rglob",
        "exists",
        "is_file",
        "is_dir",
    }
)
#: Calls allowed only on an in-memory buffer (``io.BytesIO`` / ``io.StringIO``).
BUFFER_ONLY = frozenset(
    {
        "save",
        "savefig",
        "load_workbook",
        "reader",
        "writer",
        "DictReader",
        "DictWriter",
    }
)
_BUFFERS = frozenset({"BytesIO", "StringIO"})


def _name(node: ast.expr) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return ""


def _is_buffer_call(node: ast.expr) -> bool:
    return isinstance(node, ast.Call) and _name(node.func) in _BUFFERS


def violations(source: str, filename: str = "<src>") -> list[str]:
    """Every file read/write, forbidden import or SQL use in ``source``, as ``file:line what``."""
    tree = ast.parse(source, filename)
    buffers = {
        target.id
        for node in ast.walk(tree)
        if isinstance(node, ast.Assign) and _is_buffer_call(node.value)
        for target in node.targets
        if isinstance(target, ast.Name)
    }
    found: list[str] = []

    def flag(node: ast.AST, what: str) -> None:
        found.append(f"{filename}:{getattr(node, 'lineno', 0)} {what}")

    for node in ast.walk(tree):
        if isinstance(node, ast.Import | ast.ImportFrom):
            names = (
                [a.name for a in node.names]
                if isinstance(node, ast.Import)
                else [node.module or ""] + [f"{node.module}.{a.name}" for a in node.names]
            )
            for name in names:
                for bad in FORBIDDEN_IMPORTS:
                    if name == bad or name.startswith(bad + "."):
                        flag(node, f"imports {name}")
        elif isinstance(node, ast.Call):
            func = node.func
            called = _name(func)
            if isinstance(func, ast.Name) and called == "open":
                flag(node, "calls open()")
            elif isinstance(func, ast.Attribute) and called in FILE_METHODS:
                flag(node, f"calls .{called}()")
            elif called in BUFFER_ONLY:
                first = node.args[0] if node.args else None
                in_memory = first is not None and (
                    _is_buffer_call(first) or (isinstance(first, ast.Name) and first.id in buffers)
                )
                if not in_memory:
                    flag(node, f"calls {called}() on something other than an in-memory buffer")
    return found


def _assess_sources() -> list[Path]:
    root = Path(str(resources.files("esgledger.assess")))
    return sorted(root.rglob("*.py"))


def test_the_scan_covers_every_assess_module():
    names = {p.name for p in _assess_sources()}
    assert {"tables.py", "survey.py", "risks.py", "charts.py", "synthetic.py"} <= names


def test_assess_never_opens_a_file_or_a_session():
    found = [
        v for p in _assess_sources() for v in violations(p.read_text("utf-8"), f"assess/{p.name}")
    ]
    assert found == []


@pytest.mark.parametrize(
    ("snippet", "what"),
    [
        ("open('x.csv')", "calls open()"),
        ("from pathlib import Path\nPath('x').read_text()", "imports pathlib"),
        ("p.read_bytes()", "calls .read_bytes()"),
        ("p.write_text('a')", "calls .write_text()"),
        ("resources.files('a').joinpath('b').read_text('utf-8')", "calls .read_text()"),
        ("import openpyxl\nopenpyxl.load_workbook(path)", "calls load_workbook()"),
        ("wb.save(path)", "calls save()"),
        ("fig.savefig('chart.png')", "calls savefig()"),
        ("import csv\ncsv.reader(fh)", "calls reader()"),
        ("from sqlalchemy import select", "imports sqlalchemy"),
        ("import sqlalchemy.orm", "imports sqlalchemy.orm"),
        ("from esgledger.store.assessments import load_register", "imports esgledger.store"),
        ("from esgledger import store", "imports esgledger.store"),
        ("from esgledger.intake.assessment_files import read_tables", "imports esgledger.intake"),
    ],
)
def test_the_scan_catches_each_kind_of_file_or_sql_use(snippet, what):
    found = violations(snippet)
    assert found and any(what in v for v in found), found


def test_the_scan_allows_in_memory_buffers():
    ok = (
        "import csv, io\n"
        "buf = io.StringIO()\n"
        "w = csv.writer(buf)\n"
        "rows = list(csv.reader(io.StringIO(text)))\n"
        "out = io.BytesIO()\n"
        "wb.save(out)\n"
    )
    assert violations(ok) == []
