"""What a rendered page may load: the template's own assets and the report fonts, nothing else.

A template folder may come from elsewhere, so its page may ask the PDF renderer
for anything: ``file:///etc/passwd`` as an attachment, the ledger's database
next to it, ``http://`` images, CSS ``@import`` and ``url()``. WeasyPrint
fetches through :class:`TemplateAssets`, which serves

- files inside the template folder (after resolving ``..`` and symlinks) whose
  suffix is an image, font or style sheet (:data:`ASSET_SUFFIXES`);
- font files in the folder of the CJK font the report uses;
- ``data:`` URLs (their bytes are already in the template);

and refuses every other URL (another scheme, a path outside those folders,
another file type) by stopping the render with a
:class:`~esgledger.errors.ReportError` naming the URL. Relative URLs resolve
against the template folder.

The HTML edition loads nothing while it is rendered; the page gets a
Content-Security-Policy that lets a browser load only inline styles and
``data:`` images and fonts (:func:`lock_html`), so a template cannot make a
reader's browser fetch anything either.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from esgledger.errors import ReportError

__all__ = ["ASSET_SUFFIXES", "CSP", "FONT_SUFFIXES", "TemplateAssets", "lock_html", "refused"]

FONT_SUFFIXES = frozenset({".ttf", ".otf", ".ttc", ".woff", ".woff2"})
ASSET_SUFFIXES = frozenset({".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp", ".css"}) | (
    FONT_SUFFIXES
)
CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; font-src data:; "
    "base-uri 'none'; form-action 'none'"
)
_HEAD = re.compile(r"<head(?:\s[^>]*)?>", re.IGNORECASE)
_BEFORE_HEAD = re.compile(r"<!doctype[^>]*>|<html(?:\s[^>]*)?>|<!--.*?-->|\s+", re.I | re.S)


def refused(url: str, why: str) -> ReportError:
    """The error of a URL the template may not load."""
    shown = url if len(url) <= 120 else url[:117] + "..."
    return ReportError(
        f"the report template asks to load {shown!r}, which is refused: {why}",
        hint="a template may load only images, fonts and style sheets inside its own folder",
    )


def _inside(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


class TemplateAssets:
    """A WeasyPrint URL fetcher confined to one template folder (see the module doc).

    Built lazily so that importing this module does not import WeasyPrint.
    """

    def __init__(self, template_dir: Path | None, font_dir: Path | None = None) -> None:
        self.root = template_dir.resolve() if template_dir is not None else None
        self.font_dir = font_dir.resolve() if font_dir is not None else None
        self.error: ReportError | None = None

    @property
    def base_url(self) -> str | None:
        """Where relative URLs resolve: the template folder (None: relative URLs are refused)."""
        return self.root.as_uri() + "/" if self.root is not None else None

    def check(self, url: str) -> Path | None:
        """The local file ``url`` may read (None for ``data:``); ReportError when refused."""
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        if scheme == "data":
            return None
        if scheme != "file":
            raise refused(url, "only files of the template folder are loaded, not the network")
        if parts.netloc not in ("", "localhost"):
            raise refused(url, "a file on another host")
        path = Path(unquote(parts.path))
        try:
            real = path.resolve(strict=True)
        except (OSError, RuntimeError):
            raise refused(url, "no such file in the template folder") from None
        suffix = real.suffix.lower()
        if self.root is not None and _inside(real, self.root) and suffix in ASSET_SUFFIXES:
            return real
        if self.font_dir is not None and _inside(real, self.font_dir) and suffix in FONT_SUFFIXES:
            return real
        if self.root is not None and _inside(real, self.root):
            raise refused(url, "not an image, font or style sheet")
        raise refused(url, "outside the template folder")

    def fetcher(self) -> Any:
        """A ``weasyprint.URLFetcher`` applying :meth:`check` to every URL."""
        from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

        assets = self

        class _Fetcher(URLFetcher):  # type: ignore[misc]
            def fetch(self, url: str, headers: Any = None) -> Any:
                try:
                    path = assets.check(url)
                except ReportError as exc:
                    assets.error = assets.error or exc
                    raise FatalURLFetchingError(exc.message) from None
                if path is None:  # data: URL
                    return super().fetch(url, headers)
                return URLFetcherResponse(path.as_uri(), path.read_bytes())

        return _Fetcher(allowed_protocols=("file", "data"), allow_redirects=False)


def lock_html(page: str) -> str:
    """``page`` with a Content-Security-Policy first in its head: a browser loads nothing."""
    meta = f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
    m = _HEAD.search(page)
    if m is None or _BEFORE_HEAD.sub("", page[: m.start()]):
        raise ReportError(
            "the report page template must open its <head> before anything else "
            "(only a doctype, the <html> tag and comments may come first)",
            hint="start report.html.j2 with <!DOCTYPE html><html><head>",
        )
    return page[: m.end()] + meta + page[m.end() :]
