"""Runs record the workflow statuses they read; a report from data not all approved says so.

On its cover, in all four formats, in English and Chinese (issue 8, workflow).
"""

from __future__ import annotations

import io
import shutil
import subprocess

import pytest
from docx import Document
from openpyxl import load_workbook

from esgledger.report.build import compose_publication
from esgledger.report.compose import draft_note
from esgledger.report.definition import load_definition
from esgledger.report.labels import labels_for
from esgledger.report.render.docx import render_docx_bytes
from esgledger.report.render.html import render_html
from esgledger.report.render.pdf import render_pdf_bytes
from esgledger.report.render.xlsx import render_xlsx_bytes
from esgledger.services import calc, workflow
from esgledger.services.context import Context, Principal
from esgledger.store.runs import list_runs, load_run
from report_helpers import sample_data
from store_helpers import batch, obs

EN = "Draft: built from data not yet approved (3 values draft/submitted)"
ZH = "草稿：所用数据尚未全部审批（3 个数值为草稿、已提交状态）"
STATUSES = {"approved": 10, "submitted": 2, "draft": 1}


def test_the_note_counts_what_is_not_approved() -> None:
    assert draft_note(STATUSES, labels_for("en"), "en") == EN
    assert draft_note(STATUSES, labels_for("zh"), "zh") == ZH
    assert draft_note({"approved": 12}, labels_for("en"), "en") == ""
    assert draft_note({}, labels_for("zh"), "zh") == ""


@pytest.fixture(scope="module")
def publication():
    data = sample_data()
    data.statuses = dict(STATUSES)
    return compose_publication(load_definition(), data, ["en", "zh"])


def test_every_format_carries_the_note_on_its_cover(publication) -> None:
    for lang, want in (("en", EN), ("zh", ZH)):
        assert publication.editions[lang].draft_note == want
        for mode in ("html", "pdf"):  # the page (the PDF is this page in print mode)
            page = render_html(publication, lang, mode=mode)
            cover = page.split('<nav class="toc"')[0]
            assert want in cover, (lang, mode)
        doc = Document(io.BytesIO(render_docx_bytes(publication, lang)))
        first = [p.text for p in doc.paragraphs[:6]]
        assert want in first, lang
        wb = load_workbook(io.BytesIO(render_xlsx_bytes(publication, lang)))
        about = [c.value for row in wb.worksheets[-1].iter_rows() for c in row]
        assert want in about, lang


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
def test_the_pdf_cover_page_says_draft(publication, tmp_path) -> None:
    path = tmp_path / "en.pdf"
    path.write_bytes(render_pdf_bytes(publication, "en"))
    cover = subprocess.run(
        ["pdftotext", "-f", "1", "-l", "1", str(path), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "Draft: built from data not yet approved" in " ".join(cover.split())


def test_an_approved_ledger_has_no_note() -> None:
    data = sample_data()
    data.statuses = {"approved": 4}
    pub = compose_publication(load_definition(), data, ["en"])
    assert pub.editions["en"].draft_note == ""
    assert "draft-note" not in render_html(pub, "en").split('<nav class="toc"')[0]


def test_a_stored_run_records_the_statuses_it_read(ledger) -> None:
    ledger.import_batch(
        batch(
            obs(indicator="water.fresh", raw="5", unit="m3", canonical="m3"),
            obs(raw="7"),
        ),
        actor="alice",
    )
    admin = Context(ledger, Principal.local_admin())
    run_id, result = calc.compute_run(admin, periods=[2024])
    assert result.options["statuses"] == {"draft": 2}
    workflow.set_separation_of_duties(admin, False)
    workflow.submit(admin, "SUB", "2024")
    run2, _ = calc.compute_run(admin, periods=[2024])
    assert load_run(ledger, run_id).result.options["statuses"] == {"draft": 2}
    assert load_run(ledger, run2).result.options["statuses"] == {"submitted": 2}
    events = ledger.audit_events(action="calc.run")
    assert [e.payload["statuses"] for e in events] == [{"draft": 2}, {"submitted": 2}]
    assert len(list_runs(ledger)) == 2
