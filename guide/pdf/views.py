"""The PDF summary's address, /r/<slug>/pdf: a permalink's summary, rendered once and then
served from the cache."""

from __future__ import annotations

import hashlib
import logging
import threading
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import get_conditional_response
from django.utils.http import http_date
from django.views.decorators.http import require_GET
from django_ratelimit.decorators import ratelimit

from config.clients import pdf_rate
from guide.services import permalinks
from guide.services.rulebook import get_rulebook
from guide.starters import kits as starterkits

from .render import PAPER_SIZES, render_pdf, summary_html

logger = logging.getLogger("guide.pdf")
_rendering = threading.Lock()

DAY = 24 * 3600


@require_GET
@ratelimit(group="pdf", key="ip", rate=pdf_rate, block=True)  # type: ignore[untyped-decorator]
def permalink_pdf(request: HttpRequest, slug: str) -> HttpResponse:
    """The permalink's PDF summary. Rendered once, then served from the cache (no database
    needed on a hit), with an ETag that every server computes alike."""
    paper = request.GET.get("paper", "a4").lower()
    if paper not in PAPER_SIZES:
        message = "The paper size must be “a4” or “letter”."
        return render(request, "400.html", {"message": message}, status=400)
    rulebook = get_rulebook()
    key = f"pdf:{rulebook.version}:{slug}:{paper}"
    entry = cache.get(key)
    if entry is None:
        # One render at a time in a process: threads that miss together wait for the first
        # one's PDF instead of each rendering it again (renders are CPU-bound anyway).
        with _rendering:
            entry = cache.get(key) or made(request, key, slug, paper)
        if isinstance(entry, HttpResponse):
            return entry
    response = HttpResponse(entry["pdf"], content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="flask-or-django-{slug}.pdf"'
    response["ETag"] = entry["etag"]
    response["Last-Modified"] = http_date(entry["last_modified"])
    conditional = get_conditional_response(
        request, etag=entry["etag"], last_modified=entry["last_modified"], response=response
    )
    return conditional or response


def made(request: HttpRequest, key: str, slug: str, paper: str) -> dict[str, Any] | HttpResponse:
    """The PDF for ``key``, rendered and cached; or the 503 page if rendering failed."""
    rulebook = get_rulebook()
    link = permalinks.find_or_404(slug)
    share_url = permalinks.absolute(permalinks.link_url(link))
    stale = link.ruleset_version != rulebook.version
    html = summary_html(link, share_url, stale=stale, starter=starterkits.pdf_offer(link))
    try:
        pdf = render_pdf(html, paper=paper)
    except Exception:
        logger.exception("pdf: rendering the summary of %s failed", slug)
        message = "The PDF summary could not be made just now. Please try again in a minute."
        back, label = permalinks.way_back(request)
        context = {"message": message, "back": back, "back_label": label, "retry_after": 60}
        return render(request, "503.html", context, status=503)
    # The release's cache prefix is part of the tag: a release that changes the summary's
    # look changes its bytes, and so its ETag.
    release = settings.CACHES["default"].get("KEY_PREFIX", "")
    tag = hashlib.sha256(f"{release}:{key}".encode()).hexdigest()[:24]
    entry = {"pdf": pdf, "etag": f'"{tag}"', "last_modified": int(link.created.timestamp())}
    cache.set(key, entry, timeout=DAY)
    return entry
