"""The typer application and the helpers every command module shares.

Commands live in small modules beside this one (``ledger.py``, ``calc.py``,
``assess.py``, ``report.py``); each registers its commands on :data:`app`.
Commands parse input, call one library function and print; they hold no
business logic.
"""

from __future__ import annotations

import json
import math
import sys
from contextlib import AbstractContextManager
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from esgledger.services.context import Context
from esgledger.settings import Settings, load_settings

__all__ = [
    "State",
    "add_row",
    "app",
    "console",
    "emit_json",
    "err_console",
    "open_context",
    "state",
]

app = typer.Typer(
    name="esgledger",
    help="ESG data ledger, carbon accounting and sustainability reports for company groups.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
console = Console(highlight=False)
# soft_wrap: messages name files and paths; never break them with inserted newlines
err_console = Console(stderr=True, highlight=False, soft_wrap=True)


class State:
    """Options given before the command name (``esgledger --db URL ...``)."""

    def __init__(self) -> None:
        self.db: str | None = None
        self.user: str | None = None  # --as / ESGLEDGER_USER; None: the local administrator
        self.argv: list[str] = []  # the whole command line, set by esgledger.cli.run

    @property
    def settings(self) -> Settings:
        return load_settings(self.db)


state = State()


#: Commands that are expected to create a new ledger file; any other command run
#: on a SQLite path that does not exist yet gets a note (a typo in the path
#: would otherwise look like an empty ledger).
CREATING_COMMANDS = frozenset({"init", "import", "demo", "indicators", "factors", "restore"})


def _note_new_sqlite_file(url: str, command: str | None) -> None:
    from esgledger.services.session import missing_sqlite_file

    if command is None or command in CREATING_COMMANDS:
        return
    database = missing_sqlite_file(url)
    if database is not None:
        err_console.print(
            f"note: no ledger at {database!r} yet; a new, empty one is created "
            "(check --db or ESGLEDGER_DATABASE_URL if you expected data)",
            markup=False,
        )


@app.callback()
def _root(
    ctx: typer.Context,
    db: Annotated[
        str | None,
        typer.Option(
            "--db",
            help="Database URL (default: ESGLEDGER_DATABASE_URL or sqlite:///esgledger.db).",
            envvar="ESGLEDGER_DATABASE_URL",
        ),
    ] = None,
    user: Annotated[
        str | None,
        typer.Option(
            "--as",
            metavar="USERNAME",
            help="Act as this user of the ledger (default: ESGLEDGER_USER, else the built-in "
            "local administrator).",
            envvar="ESGLEDGER_USER",
        ),
    ] = None,
) -> None:
    """ESG data ledger, carbon accounting and sustainability reports for company groups."""
    state.db = db
    state.user = user or None
    if "--help" not in state.argv:
        _note_new_sqlite_file(state.settings.database_url, ctx.invoked_subcommand)


def _finite(data: Any) -> Any:
    """``data`` with every infinite or NaN float as null: JSON has no such numbers."""
    if isinstance(data, float):
        return data if math.isfinite(data) else None
    if isinstance(data, dict):
        return {k: _finite(v) for k, v in data.items()}
    if isinstance(data, list | tuple):
        return [_finite(v) for v in data]
    return data


def emit_json(data: Any) -> None:
    """Print ``data`` as JSON on stdout (UTF-8, not ASCII-escaped, stable key order).

    Always valid JSON: a non-finite float (which no result should hold) prints as null.
    """
    text = json.dumps(_finite(data), ensure_ascii=False, indent=2, default=str, allow_nan=False)
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


def add_row(table: Table, *cells: str, style: str | None = None) -> None:
    """Add a row of data cells shown as they are: never read as rich markup.

    Names, sources, comments and actors are user data; ``[/]`` or ``[bot]`` in
    them would otherwise be taken for a style tag (and could crash the command).
    """
    table.add_row(*(Text(c) for c in cells), style=style)


def open_context() -> AbstractContextManager[Context]:
    """The ledger of ``--db`` and the user of ``--as`` (or the local administrator)."""
    from esgledger.services.session import open_context as _open

    return _open(state.db, state.user)
