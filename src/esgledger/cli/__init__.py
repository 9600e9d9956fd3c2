"""The esgledger command line: a thin adapter over the library.

Every :class:`~esgledger.errors.EsgError` becomes one clear message on stderr
and exit code 2; so does an ``OSError`` or a file that is not UTF-8 (which the
commands should have caught first). Any other exception is a bug: one line on
stderr and exit code 1 (``ESGLEDGER_DEBUG=1`` shows the traceback). No
traceback reaches a user.
"""

from __future__ import annotations

import importlib
import os
import sys
from collections.abc import Sequence

from rich.markup import escape

from esgledger.cli.app import app, err_console, state
from esgledger.errors import EsgError, Hint

__all__ = ["COMMAND_MODULES", "app", "main", "render_hint", "run"]

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
    "esgledger.cli.workflow",
    "esgledger.cli.users",
    "esgledger.cli.energy",
    "esgledger.cli.outbox",
    "esgledger.cli.jobs",
    "esgledger.cli.serve",
    "esgledger.cli.backup",
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


def render_hint(hint: Hint) -> str:
    """A structured hint as the command line says it: options as flags, use cases as commands."""
    if hint.kind == "option" and hint.name:
        return f"{hint.text} (--{hint.name.replace('_', '-')} ...)"
    if hint.kind == "command" and hint.name:
        return f"{hint.text}: esgledger {hint.name.replace('.', ' ')}"
    return hint.text


def run(argv: Sequence[str] | None = None) -> int:
    """Run the CLI with ``argv`` and return the exit code (used by main and tests).

    Usage errors are reported by typer itself (exit 2); an EsgError becomes one
    message on stderr and its exit code (2), and so does an unforeseen OSError or
    UnicodeDecodeError; any other exception is a bug: one line and exit code 1.
    """
    _register()
    args = list(argv) if argv is not None else sys.argv[1:]
    state.argv = args
    try:
        app(args=args, prog_name="esgledger", standalone_mode=True)
    except SystemExit as exc:
        code = exc.code
        if code is None:
            return 0
        if isinstance(code, int):
            return code
        err_console.print(str(code), markup=False)
        return 1
    except EsgError as exc:
        err_console.print(f"[bold red]error:[/] {escape(exc.message)}")
        if exc.hint:
            err_console.print(f"hint: {render_hint(exc.hint)}", markup=False)
        return exc.exit_code
    except KeyboardInterrupt:
        err_console.print("interrupted")
        return 130
    except OSError as exc:  # a file or folder the checks before the work did not foresee
        where = exc.filename if exc.filename is not None else "a file"
        err_console.print(
            f"[bold red]error:[/] cannot use {escape(str(where))}: "
            f"{escape(exc.strerror or str(exc))}"
        )
        return 2
    except UnicodeDecodeError as exc:
        err_console.print(
            f"[bold red]error:[/] a file is not UTF-8 text (byte {exc.start}: {escape(exc.reason)})"
        )
        err_console.print("hint: save it as UTF-8 (in Excel: 'CSV UTF-8')", markup=False)
        return 2
    except Exception as exc:  # a bug: say so in one line, the traceback on request
        if os.environ.get("ESGLEDGER_DEBUG"):
            raise
        err_console.print(
            f"[bold red]internal error:[/] {escape(type(exc).__name__)}: {escape(str(exc))}"
        )
        err_console.print(
            "hint: this is a bug in esgledger; run again with ESGLEDGER_DEBUG=1 "
            "for the traceback and report it",
            markup=False,
        )
        return 1
    return 0


def main() -> None:
    """Console-script entry point."""
    sys.exit(run())
