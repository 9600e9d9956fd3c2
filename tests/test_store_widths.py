"""Text longer than a column is refused the same way on both engines, naming the column.

PostgreSQL enforces ``String(n)`` widths and SQLite does not: before this check a
250-character risk owner was stored on SQLite and refused on PostgreSQL with a
driver message ("value too long for type character varying(200)").
"""

from __future__ import annotations

import csv
import io

import pytest

from esgledger.errors import ValidationError
from esgledger.store.assessments import (
    demo_files,
    import_materiality,
    import_register,
    load_register,
)


def _rewrite(path, out, **changes):
    """A copy of the CSV at ``path`` with the first data row's ``changes``."""
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))
    rows[0].update(changes)
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    out.write_text(buf.getvalue(), encoding="utf-8")
    return out, rows[0]


def test_a_risk_owner_longer_than_its_column(ledger, tmp_path):
    f = demo_files()
    risks, first = _rewrite(f["demo_risks.csv"], tmp_path / "risks.csv", owner="O" * 250)
    with pytest.raises(ValidationError) as info:
        import_register(ledger, [risks, f["demo_horizons.csv"]], actor="t")
    (problem,) = info.value.problems
    assert (problem.file, problem.column) == ("risks.csv, demo_horizons.csv", "owner")
    assert problem.value == "O" * 30 + "… (250 characters)"
    # 200: the width of climate_items.owner in store/schema_assess.py
    assert problem.expected == (
        f"at most 200 characters (the database's limit) (code {first['code']!r})"
    )
    assert load_register(ledger).items == ()
    assert ledger.audit_events() == []


def test_a_topic_name_longer_than_its_column(ledger, tmp_path):
    topics, _ = _rewrite(demo_files()["topics.csv"], tmp_path / "topics.csv", name_en="N" * 301)
    with pytest.raises(ValidationError, match=r"column name_en: got 'N{30}… \(301 characters\)'"):
        import_materiality(ledger, [topics], year=None, actor="t")
    assert ledger.audit_events() == []
