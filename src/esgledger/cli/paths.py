"""Checks of the files and folders a command is given, made before any work is done.

A command that will write ``--out report.xlsx`` checks first that the path can be
a workbook (right suffix, not a folder, its folder can be made); a command that
reads a file checks that it exists, is a file and is UTF-8 text. Each problem is
a :class:`~esgledger.errors.InputError` naming the option, the value and what
was expected, so the user gets one clear message (exit code 2) instead of an ``OSError`` halfway
through, after the ledger was already read or written.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from esgledger.errors import InputError

__all__ = ["choice", "input_text", "output_file", "output_folder"]


def _reject(option: str, value: object, expected: str) -> InputError:
    return InputError(f"{option} {str(value)!r}: expected {expected}")


def _nearest_existing(path: Path) -> Path:
    p = path.absolute()
    while not p.exists() and p != p.parent:
        p = p.parent
    return p


def _check_creatable(option: str, path: Path, folder: Path) -> None:
    """``folder`` exists as a writable folder, or can be created."""
    base = _nearest_existing(folder)
    if not base.is_dir():
        raise _reject(option, path, f"a path inside a folder ({str(base)!r} is a file)")
    if not os.access(base, os.W_OK | os.X_OK):
        raise _reject(option, path, f"a location you can write to ({str(base)!r} is read-only)")


def output_file(option: str, path: Path, suffixes: Sequence[str], what: str) -> Path:
    """Check that ``path`` can be written as ``what`` (a file ending in one of ``suffixes``)."""
    wanted = suffixes[0] if len(suffixes) == 1 else f"{', '.join(suffixes[:-1])} or {suffixes[-1]}"
    if path.suffix.lower() not in suffixes:
        raise _reject(option, path, f"a {what} file name ending in {wanted}")
    if path.is_dir():
        raise _reject(option, path, f"a {what} file name ending in {wanted}, not a folder")
    if path.exists() and not os.access(path, os.W_OK):
        raise _reject(option, path, "a file you can write to (this one is read-only)")
    _check_creatable(option, path, path.parent)
    return path


def output_folder(option: str, path: Path) -> Path:
    """Check that ``path`` is a folder, or can be created as one."""
    if path.exists() and not path.is_dir():
        raise _reject(option, path, "a folder (this is a file)")
    if path.is_dir() and not os.access(path, os.W_OK | os.X_OK):
        raise _reject(option, path, "a folder you can write to (this one is read-only)")
    _check_creatable(option, path, path)
    return path


def input_text(option: str, path: Path, what: str) -> str:
    """The UTF-8 text (BOM allowed) of the file ``path``, or a clear error.

    ``what`` names the file with its article, e.g. ``"a factor file (CSV, UTF-8)"``.
    """
    if not path.exists():
        raise InputError(f"cannot read {option} '{path}': no such file (expected {what})")
    if path.is_dir():
        raise InputError(f"cannot read {option} '{path}': it is a folder (expected {what})")
    try:
        return path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise InputError(f"cannot read {option} '{path}': {exc.strerror}") from None
    except UnicodeDecodeError as exc:
        line = path.read_bytes()[: exc.start].count(b"\n") + 1
        raise InputError(
            f"cannot read {option} '{path}': row {line} is not UTF-8 text (expected {what})",
            hint="save it as UTF-8 (in Excel: 'CSV UTF-8')",
        ) from None


def choice(option: str, value: str, allowed: Sequence[str]) -> str:
    """``value`` if it is one of ``allowed``, else a clear error listing them."""
    if value not in allowed:
        raise _reject(option, value, "one of " + ", ".join(allowed))
    return value
