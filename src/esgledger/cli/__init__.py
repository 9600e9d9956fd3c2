"""The esgledger command line: a thin adapter over the library.

Every :class:`~esgledger.errors.EsgError` becomes one clear message on stderr
and exit code 2; no traceback reaches a user.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Sequence

import click

from esgledger.cli.app import app, err_console
from esgledger.errors import EsgError

__all__ = ["COMMAND_MODULES", "app", "main", "run"]

# Modules that register commands on ``app``; each owns one area.
COMMAND_MODULES = (
    "esgledger.cli.ledger",
    "esgledger.cli.intake",
    "esgledger.cli.demo",
    "esgledger.cli.calc",
    "esgledger.cli.assess",
    "esgledger.cli.report",
    "esgledger.cli.coverage",
    "esgledger.cli.quality",
)
_registered = False


def _register() -> None:
    global _registered
    if _registered:
        return
    for name in COMMAND_MODULES:
        try:
            importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
    _registered = True


def run(argv: Sequence[str] | None = None) -> int:
    """Run the CLI with ``argv`` and return the exit code (used by main and tests)."""
    _register()
    try:
        result = app(args=list(argv) if argv is not None else None, standalone_mode=False)
    except EsgError as exc:
        err_console.print(f"[bold red]error:[/] {exc.message}", markup=True, highlight=False)
        if exc.hint:
            err_console.print(f"hint: {exc.hint}", markup=False)
        return exc.exit_code
    except click.exceptions.Exit as exc:
        return int(exc.exit_code)
    except click.ClickException as exc:
        exc.show()
        return int(exc.exit_code)
    except click.exceptions.Abort:
        err_console.print("aborted")
        return 130
    except KeyboardInterrupt:
        err_console.print("interrupted")
        return 130
    return result if isinstance(result, int) else 0


def main() -> None:
    """Console-script entry point."""
    sys.exit(run())
