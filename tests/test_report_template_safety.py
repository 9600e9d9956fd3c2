"""A template from elsewhere cannot read local files or the network (issue 15, item 1).

Every payload is written into a fresh template folder by the test: attachments of
``file:///etc/passwd`` and of a ledger database beside the template, images and
style sheets from ``http://``, CSS ``@import`` and ``url()``, section texts that
climb out with ``..`` or through a symlink. Each is refused with a ReportError (or a
report-definition ValidationError) naming what was asked for, and no file is
written; the template's own image still renders.
"""

from __future__ import annotations

import http.server
import threading
from pathlib import Path

import pytest

from esgledger.errors import ReportError, ValidationError
from esgledger.report.build import compose_publication, publish
from esgledger.report.definition import load_definition
from esgledger.report.render.assets import CSP, TemplateAssets
from esgledger.report.render.html import HtmlRenderer
from esgledger.report.render.pdf import render_pdf_bytes
from report_helpers import sample_data

# a 1x1 transparent PNG
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000001e221bc330000000049454e44ae426082"
)
YAML = """version: 1
title: {en: Report, zh: 报告}
sections:
  - id: about
    title: {en: About, zh: 关于}
    blocks:
      - text: TEXT
"""


def make_template(root: Path, body: str = "", css: str = "", text: str = "about") -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "report.yaml").write_text(YAML.replace("TEXT", text), encoding="utf-8")
    for lang in ("en", "zh"):
        (root / "sections" / lang).mkdir(parents=True, exist_ok=True)
        (root / "sections" / lang / "about.md").write_text("About {{ company }}.\n", "utf-8")
    page = (
        "<!DOCTYPE html><html><head><meta charset='utf-8'><style>{{ css }}</style></head>"
        "<body>{% for s in report.sections %}<h1>{{ s.title }}</h1>{% endfor %}"
        f"{body}</body></html>"
    )
    (root / "report.html.j2").write_text(page, encoding="utf-8")
    (root / "style.css").write_text(css, encoding="utf-8")
    return root


def pdf_of(template: Path) -> bytes:
    pub = compose_publication(load_definition(template), sample_data(), ["en"])
    return render_pdf_bytes(pub, "en")


@pytest.fixture
def server():
    """A web server on loopback that records every request it gets."""
    hits: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            hits.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.end_headers()
            self.wfile.write(PNG)

        def log_message(self, *args: object) -> None:
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}", hits
    httpd.shutdown()
    httpd.server_close()


def test_attachment_of_a_local_file_is_refused(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("root:x:0:0", encoding="utf-8")
    t = make_template(tmp_path / "t", f'<link rel="attachment" href="{secret.as_uri()}">')
    with pytest.raises(ReportError, match="secret.txt.*refused: outside the template folder"):
        pdf_of(t)
    t = make_template(tmp_path / "u", '<link rel="attachment" href="file:///etc/passwd">')
    with pytest.raises(ReportError, match="/etc/passwd"):
        pdf_of(t)


def test_attachment_of_the_ledger_beside_or_inside_the_template_is_refused(tmp_path):
    t = make_template(tmp_path / "t", '<link rel="attachment" href="l0.db">')
    (t / "l0.db").write_bytes(b"SQLite format 3\x00" + b"ledger" * 100)
    with pytest.raises(ReportError, match=r"l0\.db.*not an image, font or style sheet"):
        pdf_of(t)
    t2 = make_template(tmp_path / "t2", '<a rel="attachment" href="../l0.db">x</a>')
    (tmp_path / "l0.db").write_bytes(b"SQLite format 3\x00")
    with pytest.raises(ReportError, match=r"l0\.db.*outside the template folder"):
        pdf_of(t2)


@pytest.mark.parametrize(
    ("body", "css"),
    [
        ('<img src="URL/x.png">', ""),
        ("", "@import url('URL/a.css');"),
        ("", "body { background: url(URL/b.png); }"),
        ('<link rel="stylesheet" href="URL/c.css">', ""),
    ],
    ids=["img", "import", "url", "stylesheet"],
)
def test_network_requests_are_refused_and_never_made(tmp_path, server, body, css):
    url, hits = server
    t = make_template(tmp_path / "t", body.replace("URL", url), css.replace("URL", url))
    with pytest.raises(ReportError, match="127.0.0.1.*not the network"):
        pdf_of(t)
    assert hits == []


def test_the_templates_own_image_and_data_urls_render(tmp_path):
    t = make_template(
        tmp_path / "t",
        '<img src="logo.png"><img src="img/sub.png">'
        '<img src="data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADU'
        'lEQVR4nGNgAAIAAAEAAeIhvDMAAAAASUVORK5CYII=">',
    )
    (t / "logo.png").write_bytes(PNG)
    (t / "img").mkdir()
    (t / "img" / "sub.png").write_bytes(PNG)
    assert pdf_of(t).startswith(b"%PDF")


def test_a_symlinked_image_leading_out_is_refused(tmp_path):
    (tmp_path / "outside.png").write_bytes(PNG)
    t = make_template(tmp_path / "t", '<img src="logo.png">')
    (t / "logo.png").symlink_to(tmp_path / "outside.png")
    with pytest.raises(ReportError, match="logo.png.*outside the template folder"):
        pdf_of(t)


def test_a_refused_url_writes_no_file(tmp_path):
    t = make_template(tmp_path / "t", '<link rel="attachment" href="file:///etc/passwd">')
    out = tmp_path / "out"
    with pytest.raises(ReportError, match="/etc/passwd"):
        publish(sample_data(), ["en"], ["html", "pdf"], out, template=t)
    assert not out.exists()


def test_checker_rules():
    assets = TemplateAssets(Path("/nonexistent-template"))
    for url in ("ftp://x/y", "https://example.org/a.png", "file://otherhost/etc/passwd"):
        with pytest.raises(ReportError, match="refused"):
            assets.check(url)
    assert assets.check("data:text/plain,hello") is None


@pytest.mark.parametrize(
    "text", ["../../../../../x/secret", "../../../../x/secret", "/tmp/x/secret"]
)
def test_section_text_outside_the_template_is_refused(tmp_path, text):
    secret = tmp_path / "x" / "secret.md"
    secret.parent.mkdir()
    secret.write_text("the secret", encoding="utf-8")
    t = make_template(tmp_path / "a" / "b" / "t", text=text.replace("/tmp/x", str(tmp_path / "x")))
    with pytest.raises(ValidationError, match="inside the template folder") as info:
        load_definition(t)
    assert "the secret" not in str(info.value)


def test_symlinked_section_and_page_files_leading_out_are_refused(tmp_path):
    secret = tmp_path / "secret.md"
    secret.write_text("the secret", encoding="utf-8")
    t = make_template(tmp_path / "t")
    (t / "sections" / "en" / "about.md").unlink()
    (t / "sections" / "en" / "about.md").symlink_to(secret)
    (t / "style.css").unlink()
    (t / "style.css").symlink_to(secret)
    with pytest.raises(ValidationError) as info:
        load_definition(t)
    text = str(info.value)
    assert "about.md" in text and "style.css" in text and "no symlink out" in text
    # a symlink that stays inside the folder is fine
    t2 = make_template(tmp_path / "t2")
    shared = t2 / "sections" / "shared.md"
    shared.write_text("Shared.", encoding="utf-8")
    (t2 / "sections" / "zh" / "about.md").unlink()
    (t2 / "sections" / "zh" / "about.md").symlink_to(shared)
    assert load_definition(t2).text("zh", "about") == "Shared."


def test_html_edition_tells_browsers_to_load_nothing(tmp_path):
    t = make_template(tmp_path / "t", '<img src="http://127.0.0.1:9/x.png">')
    pub = compose_publication(load_definition(t), sample_data(), ["en"])
    page = HtmlRenderer().render(pub, "en", tmp_path / "r.html").read_text("utf-8")
    head = page.split("<head>", 1)[1]
    assert head.startswith(f'<meta http-equiv="Content-Security-Policy" content="{CSP}">')
    # a page that puts a resource before its <head> cannot slip past the policy
    bad = make_template(tmp_path / "bad")
    (bad / "report.html.j2").write_text(
        '<html><link rel="stylesheet" href="http://x/a.css"><head></head><body></body></html>',
        encoding="utf-8",
    )
    pub = compose_publication(load_definition(bad), sample_data(), ["en"])
    with pytest.raises(ReportError, match="open its <head> before anything else"):
        HtmlRenderer().render(pub, "en", tmp_path / "r2.html")
