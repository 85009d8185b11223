"""The PDF summary of a permalink: ``render`` draws it with WeasyPrint from our own template,
``views`` serves it at /r/<slug>/pdf."""

from .render import (
    PAPER_SIZES,
    FetchRefused,
    StaticOnlyFetcher,
    check_font_subsetter,
    has_font_subsetter,
    render_pdf,
    static_roots,
    summary_html,
    young_garbage_only,
)

__all__ = [
    "PAPER_SIZES",
    "FetchRefused",
    "StaticOnlyFetcher",
    "check_font_subsetter",
    "has_font_subsetter",
    "render_pdf",
    "static_roots",
    "summary_html",
    "young_garbage_only",
]
