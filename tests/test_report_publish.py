"""A report build is all or nothing: a failing format leaves the output folder as it was."""

from __future__ import annotations

from datetime import date

import pytest

from esgledger.errors import ReportError
from esgledger.report.build import output_name, publish
from esgledger.report.render.docx import DocxRenderer
from report_helpers import sample_data


def _broken_docx(monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(self, publication, lang, out_path):  # writes part of a file, then fails
        out_path.write_bytes(b"PK half a document")
        raise ReportError("docx renderer failed")

    monkeypatch.setattr(DocxRenderer, "render", boom)


def test_failing_format_leaves_no_new_files_and_keeps_older_ones(tmp_path, monkeypatch):
    _broken_docx(monkeypatch)
    older = tmp_path / output_name(2024, "en", ".html")
    older.write_text("last year's build", encoding="utf-8")
    before = sorted(p.name for p in tmp_path.iterdir())
    # html and xlsx of "en" render before the docx fails
    with pytest.raises(ReportError, match="docx renderer failed"):
        publish(sample_data(), ["en", "zh"], ["html", "xlsx", "docx"], tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == before  # no new file, no temp folder
    assert older.read_text(encoding="utf-8") == "last year's build"


def test_failed_build_removes_the_folder_it_created(tmp_path, monkeypatch):
    _broken_docx(monkeypatch)
    out = tmp_path / "new" / "report"
    with pytest.raises(ReportError):
        publish(sample_data(), ["en"], ["html", "docx"], out)
    assert not out.exists()


def test_successful_build_replaces_older_files_and_leaves_no_temp_folder(tmp_path):
    older = tmp_path / output_name(2024, "en", ".html")
    older.write_text("last year's build", encoding="utf-8")
    keep = tmp_path / "notes.txt"
    keep.write_text("mine", encoding="utf-8")
    paths = publish(
        sample_data(), ["en"], ["html", "xlsx"], tmp_path, report_date=date(2025, 4, 30)
    )
    assert paths == [tmp_path / "esg-report-2024-en.html", tmp_path / "esg-report-2024-en.xlsx"]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        [
            "esg-report-2024-en.html",
            "esg-report-2024-en.xlsx",
            "esg-report-2024-build-log.txt",  # the builder's warnings, beside the report
            "notes.txt",
        ]
    )
    assert "2025-04-30" in older.read_text(encoding="utf-8")
    assert keep.read_text(encoding="utf-8") == "mine"
