"""Every command's --help works, names its arguments in capitals and says what
format the values take (periods, codes, files)."""

from __future__ import annotations

import re

import pytest
import typer.main

from esgledger.cli import _register, app, run


def _commands() -> list[list[str]]:
    _register()
    out: list[list[str]] = []

    def walk(group: object, prefix: list[str]) -> None:
        for name, cmd in sorted(getattr(group, "commands", {}).items()):
            out.append([*prefix, name])
            walk(cmd, [*prefix, name])

    walk(typer.main.get_command(app), [])
    return out


COMMANDS = _commands()


@pytest.mark.parametrize("command", COMMANDS, ids=[" ".join(c) for c in COMMANDS])
def test_help_is_complete(command: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    assert run([*command, "--help"]) == 0
    out, err = capsys.readouterr()
    text = " ".join(out.split())
    assert err == ""  # no notes or progress around a help page
    assert f"Usage: esgledger {' '.join(command)}" in text
    if command[0] == "report":  # cli/report.py has its own owner
        return
    # positional arguments are shown as FILE, METRIC, ID ... not as python names
    assert re.search(r"\{[a-z_]+\}", text) is None, text
    if "--period" in text:
        assert "YYYY" in text  # the period format is shown


def test_help_states_units_and_formats(capsys: pytest.CaptureFixture[str]) -> None:
    def help_of(*command: str) -> str:
        capsys.readouterr()
        assert run([*command, "--help"]) == 0
        return " ".join(capsys.readouterr().out.split())

    assert "万千瓦时" in help_of("import") and "UTF-8" in help_of("import")
    assert "tce" in help_of("compute") and "tCO2e" in help_of("explain")
    assert "0.3 = ±30 %" in help_of("check")
    assert "1-5" in help_of("risks", "import") and "CNY" in help_of("risks", "import")
    assert ".xlsx" in help_of("template") and "csv|xlsx" in help_of("export")
