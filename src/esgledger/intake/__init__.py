"""Intake: read, validate, import and export the interchange format; collection templates.

- :func:`read_files` — CSV/XLSX files → a validated :class:`~esgledger.model.ImportBatch`
  (one :class:`~esgledger.errors.ValidationError` listing every problem).
- :func:`import_files` — validate and write all or nothing (``dry_run`` to validate only).
- :func:`export_ledger` — a CSV folder or one workbook that imports back unchanged.
- :func:`template` — a per-entity collection workbook that imports once filled.
"""

from esgledger.intake.collection import template
from esgledger.intake.export import export_ledger, write_csv, write_xlsx
from esgledger.intake.importer import import_files
from esgledger.intake.reader import read_files
from esgledger.intake.tables import ENTITY_COLUMNS, OBSERVATION_COLUMNS

__all__ = [
    "ENTITY_COLUMNS",
    "OBSERVATION_COLUMNS",
    "export_ledger",
    "import_files",
    "read_files",
    "template",
    "write_csv",
    "write_xlsx",
]
