"""The languages a page is offered in: the switcher's links, ``<link rel="alternate"
hreflang>`` and the ``lang`` attribute (a context processor), and the switcher's own address,
``/language/<code>/?next=<page>``, which remembers the choice in a cookie and goes to that
page in that language.

English lives at the root, the other languages under their prefix (``/es/``, ``/pt-br/``,
``/zh-hans/``): config.urls. A first visit to ``/`` is sent to the language the browser
prefers, unless a choice made here says otherwise (config.middleware.LanguageMiddleware).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote, urlencode

from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import translate_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language, gettext, override
from django.views.decorators.http import require_safe

from guide.services.rulebook import get_rulebook

#: BCP 47 tags, for ``lang`` and ``hreflang`` (Django's codes are lower case).
TAGS = {"en": "en", "es": "es", "pt-br": "pt-BR", "zh-hans": "zh-Hans"}
#: What a narrow screen shows of each language's name in the switcher.
SHORT = {"en": "EN", "es": "ES", "pt-br": "PT", "zh-hans": "中文"}
#: A year: a choice made with the switcher is remembered that long.
REMEMBERED = 365 * 86400


def tag(code: str) -> str:
    return TAGS.get(code, code)


def languages(request: HttpRequest) -> dict[str, Any]:
    """Template context: ``html_lang``; ``languages``, each with its name in its own
    language, its page at this address and whether it is the current one; ``alternates``,
    each language's absolute address of this page."""
    current = get_language() or settings.LANGUAGE_CODE
    path = request.path + _state(request)
    offered: list[dict[str, Any]] = []
    for code, name in settings.LANGUAGES:
        page = translate_url(path, code)
        offered.append(
            {
                "code": code,
                "tag": tag(code),
                "name": name,
                "short": SHORT.get(code, code.upper()),
                "page": page,
                "switch": f"/language/{code}/?next={_quoted(page)}",
                "current": code == current,
            }
        )
    return {
        "html_lang": tag(current),
        "languages": offered,
        "alternates": [(o["tag"], str(settings.SITE_URL) + o["page"]) for o in offered],
        "english_page": str(settings.SITE_URL) + str(offered[0]["page"]),
    }


def _state(request: HttpRequest) -> str:
    """The part of the query string a page is made of (the answers, in the order given, the
    starting point and the "what else" screen), so a page kept for everyone with the same
    answers links to the same addresses; "?" and it, or ""."""
    rulebook = get_rulebook()
    try:
        given = list(request.GET.items())
    except SuspiciousOperation:
        return ""  # a query string the site refuses (too many fields): its error page
    kept = [
        (key, value)
        for key, value in given
        if key in ("start", "needs") or rulebook.has_question(key)
    ]
    return f"?{urlencode(kept)}" if kept else ""


def _quoted(page: str) -> str:
    return quote(page, safe="/")


def in_language(page: str, code: str) -> str:
    """``page`` (an address of this site, in any language) in the language ``code``."""
    for other in settings.GUIDE_LANGUAGES:
        if other != settings.LANGUAGE_CODE and (page + "?").startswith(
            (f"/{other}/", f"/{other}?")
        ):
            page = page[len(other) + 1 :] or "/"
            break
    with override(settings.LANGUAGE_CODE):
        return translate_url(page, code)


@require_safe
def choose(request: HttpRequest, code: str) -> HttpResponse:
    """Remember ``code`` as this browser's language and go to ``next`` (a page of this site)
    in it."""
    if code not in settings.GUIDE_LANGUAGES:
        raise Http404(gettext("The guide does not speak that language."))
    target = request.GET.get("next", "/")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts=None) or not target.startswith(
        "/"
    ):
        target = "/"
    response = HttpResponseRedirect(in_language(target, code))
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        code,
        max_age=REMEMBERED,
        samesite="Lax",
        secure=settings.CSRF_COOKIE_SECURE,
    )
    return response
