"""The default template speaks only of what the ledger shows; the demo company's own words live
with the demo, as a narrative overlay (issue 15, item 8)."""

from __future__ import annotations

import re

import pytest

from esgledger.demo.build import narrative_dir
from esgledger.errors import ReportError, ValidationError
from esgledger.report.build import compose_publication
from esgledger.report.definition import LANGS, default_template_dir, load_definition
from esgledger.report.render.html import render_html
from report_helpers import sample_data

# sentences of the demo company the default template used to print for everyone
DEMO_VOICE = [
    "grassland",
    "草原",
    "ISO 50001",
    "ISO 14001 at its main",
    "ISO 9001",
    "rare-earth",
    "稀土",
    "We cut",
    "matrix below",
    "下方矩阵",
    "locked once approved",
    "批准后锁定",
    "dry regions",
    "Dear shareholders",
]
PLACEHOLDER = {"en": "[To be written by the company:", "zh": "【待公司撰写："}


def _texts(folder):
    return {(p.parent.name, p.stem): p.read_text("utf-8") for p in folder.glob("sections/*/*.md")}


def test_default_texts_hold_no_demo_company_sentences():
    texts = _texts(default_template_dir())
    assert len(texts) == 64
    for (lang, name), text in texts.items():
        for phrase in DEMO_VOICE:
            assert phrase not in text, (lang, name, phrase)


def test_narrative_is_marked_as_a_placeholder_in_both_languages():
    texts = _texts(default_template_dir())
    for lang in LANGS:
        marked = [n for (lg, n), t in texts.items() if lg == lang and PLACEHOLDER[lang] in t]
        assert len(marked) >= 25, lang
        # the placeholders of a language are the same sections as in the other
    en = {n for (lg, n), t in texts.items() if lg == "en" and PLACEHOLDER["en"] in t}
    zh = {n for (lg, n), t in texts.items() if lg == "zh" and PLACEHOLDER["zh"] in t}
    assert en == zh


def test_the_page_shows_placeholders_and_ledger_figures():
    pub = compose_publication(load_definition(), sample_data(), ["en", "zh"])
    page = render_html(pub, "en")
    assert page.count("To be written by the company") >= 25
    assert not any(p in page for p in ("grassland", "ISO 50001"))
    assert "【待公司撰写" in render_html(pub, "zh")


def test_the_demo_overlay_brings_the_demo_companys_words():
    overlay = narrative_dir()
    own = _texts(overlay)
    assert set(own) == set(_texts(default_template_dir()))  # every section, both languages
    definition = load_definition(narrative=overlay)
    assert "grassland" in definition.text("en", "environment_biodiversity")
    assert "草原" in definition.text("zh", "environment_biodiversity")
    assert not any(PLACEHOLDER["en"] in t for (lg, _), t in definition.texts.items() if lg == "en")


def test_an_overlay_replaces_only_the_texts_it_has(tmp_path):
    (tmp_path / "sections" / "en").mkdir(parents=True)
    (tmp_path / "sections" / "en" / "outlook.md").write_text("Our own outlook.", "utf-8")
    d = load_definition(narrative=tmp_path)
    assert d.text("en", "outlook") == "Our own outlook."
    assert PLACEHOLDER["zh"] in d.text("zh", "outlook")
    assert PLACEHOLDER["en"] in d.text("en", "stakeholders")


def test_an_overlay_cannot_read_outside_itself(tmp_path):
    (tmp_path / "secret.md").write_text("secret", "utf-8")
    folder = tmp_path / "n"
    (folder / "sections" / "en").mkdir(parents=True)
    (folder / "sections" / "en" / "outlook.md").symlink_to(tmp_path / "secret.md")
    with pytest.raises(ValidationError, match="no symlink out"):
        load_definition(narrative=folder)
    with pytest.raises(ReportError, match="no sections folder"):
        load_definition(narrative=tmp_path / "missing")


def test_placeholders_are_bold_and_bracketed_so_they_stand_out():
    for (lang, name), text in _texts(default_template_dir()).items():
        for m in re.finditer(r"\*\*(\[To be written|【待公司撰写)", text):
            assert text[m.start() :].split("\n", 1)[0].rstrip().endswith(("]**", "】**")), name
