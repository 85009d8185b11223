"""The PDF summary's address, /r/<slug>/pdf: a permalink's summary, rendered once and then
served like every made thing (guide.services.downloads)."""

from __future__ import annotations

import logging

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from guide.services import messages, permalinks
from guide.services.downloads import Made, serve
from guide.services.rulebook import get_rulebook
from guide.starters import kits

from .render import PAPER_SIZES, render_pdf, summary_html

logger = logging.getLogger("guide.pdf")


class RenderFailed(Exception):
    """WeasyPrint could not make the PDF (logged where it happened)."""


@require_safe
def permalink_pdf(request: HttpRequest, slug: str) -> HttpResponse:
    """The permalink's PDF summary, on A4 or ``?paper=letter``. Counts towards the client's
    limit (RATELIMIT_PDF) when it has to be made."""
    paper = request.GET.get("paper", "a4").lower()
    if paper not in PAPER_SIZES:
        return render(request, "400.html", {"message": messages.BAD_PAPER}, status=400)
    rulebook = get_rulebook()

    def make() -> Made:
        link = permalinks.find_or_404(slug)
        share_url = permalinks.absolute(permalinks.link_url(link))
        stale = link.ruleset_version != rulebook.version
        offer = kits.pdf_offer(link)
        html = summary_html(
            link, share_url, stale=stale, starter=offer, result=permalinks.said(link)
        )
        try:
            pdf = render_pdf(html, paper=paper)
        except Exception as exc:
            logger.exception("pdf: rendering the summary of %s failed", slug)
            raise RenderFailed from exc
        return Made(pdf, "application/pdf", filename=f"flask-or-django-{slug}.pdf")

    try:
        key = f"pdf:{rulebook.version}:{slug}:{paper}"
        query = {"paper": paper} if "paper" in request.GET else {}
        return serve(request, key, make, limit="pdf", query=query)
    except RenderFailed:
        return permalinks.unavailable(request, messages.PDF_FAILED, messages.RENDER_RETRY_AFTER)
