"""The PDF summary of a permalink, rendered by WeasyPrint from our own HTML template.

Safety: the renderer may read only our own static files from disk. Every other URL (http,
https, data, file:// outside the static folders) is refused by :class:`StaticOnlyFetcher`,
so nothing a user controls can make the server read a local file or call the network.

Speed: fonts and stylesheets are prepared once per process (:func:`stylesheets`).
"""

from __future__ import annotations

import logging
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import segno
from django.conf import settings
from django.contrib.staticfiles import finders
from django.core import checks
from weasyprint import CSS, HTML
from weasyprint.text import ffi as weasyprint_ffi
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher

logger = logging.getLogger(__name__)

PAPER_SIZES = {"a4": "A4", "letter": "letter"}
STYLESHEET = "guide/summary.css"


class FetchRefused(ValueError):
    pass


def static_roots() -> tuple[Path, ...]:
    roots = [Path(d).resolve() for d in settings.STATICFILES_DIRS]
    if settings.STATIC_ROOT:
        roots.append(Path(settings.STATIC_ROOT).resolve())
    return tuple(roots)


class StaticOnlyFetcher(URLFetcher):
    """Fetches file:// URLs inside the static folders; refuses everything else.

    WeasyPrint catches the error, logs a warning and leaves the resource out, so a refused
    reference renders as nothing rather than failing the whole PDF.
    """

    def fetch(self, url: str, headers: Any = None) -> Any:
        parts = urlsplit(url)
        if parts.scheme == "file":
            path = Path(unquote(parts.path)).resolve()
            if any(path.is_relative_to(root) for root in static_roots()):
                return super().fetch(url, headers)
        logger.warning("pdf: refused to fetch %s", url[:200])
        raise FetchRefused(f"refused to fetch {url[:200]}")


def has_font_subsetter() -> bool:
    """Whether WeasyPrint can subset fonts with HarfBuzz (libharfbuzz-subset 4.1 or later).
    Without it, it falls back to fontTools and a first render takes about twice as long."""
    return (weasyprint_ffi.harfbuzz_subset is not None
            and bool(weasyprint_ffi.harfbuzz.hb_version_atleast(4, 1, 0)))


@checks.register(deploy=True)
def check_font_subsetter(app_configs, **kwargs) -> list[checks.CheckMessage]:
    if has_font_subsetter():
        return []
    return [checks.Warning(
        "HarfBuzz's font subsetter (libharfbuzz-subset 4.1 or later) is missing: WeasyPrint "
        "falls back to fontTools, which makes every first PDF render about twice as slow.",
        hint="On Debian or Ubuntu: apt-get install libharfbuzz-subset0", id="guide.W001")]


@lru_cache(maxsize=1)
def font_config() -> FontConfiguration:
    return FontConfiguration()


@lru_cache(maxsize=len(PAPER_SIZES))
def stylesheets(paper: str) -> tuple[CSS, ...]:
    """The summary's stylesheet and page size, parsed once per process for each paper."""
    path = finders.find(STYLESHEET)
    fetcher = StaticOnlyFetcher()
    return (
        CSS(filename=path, font_config=font_config(), url_fetcher=fetcher),
        CSS(string=f"@page {{ size: {PAPER_SIZES[paper]}; }}", font_config=font_config()),
    )


def qr_svg(url: str) -> str:
    """The permalink as a QR code, an inline SVG built from the URL alone."""
    return segno.make(url, error="m").svg_inline(scale=3, dark="#000", light="#fff",
                                                 title="QR code of the permalink")


def render_pdf(html: str, *, paper: str) -> bytes:
    """The PDF for ``html``: tagged for accessibility, with title and language from the
    HTML. Raises whatever the renderer raises; the caller turns that into a 503."""
    document = HTML(string=html, base_url=str(static_roots()[0]) + "/",
                    url_fetcher=StaticOnlyFetcher())
    return document.write_pdf(stylesheets=stylesheets(paper), font_config=font_config(),
                              pdf_tags=True)
