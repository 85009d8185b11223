"""The service layer: what the surfaces (pages, PDF, JSON API, terminal) ask of the guide, in one
place below them all. Surfaces never import one another; they import this.

    checked = check(request.POST, strict=False)       # the one answer check
    result = result_for(checked.answers, checked.start)   # scored once per process
    link, created = save(request, checked)            # a permalink, rate-limited
    reevaluate(link)                                  # an old link under today's rules
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from urllib.parse import urlencode

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.shortcuts import render
from django.urls import Resolver404, resolve, reverse
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext

from guide.engine import (
    UNSURE,
    CheckedAnswers,
    Rulebook,
    Snapshot,
    check_answers,
    score,
    shown_answers,
)
from guide.engine.snapshot import SnapshotReason
from guide.models import SLUG_PATTERN, Permalink

from . import limits, messages
from .rulebook import active_language, get_rulebook

Submitted = QueryDict | Mapping[str, str | Sequence[str]]


class SlugConverter:
    """A permalink's slug in a URL: every address that names a permalink (its page, PDF,
    preview image and starter, on the site and in the API) is built with this converter, so
    the slug's format is checked in one place (registered as ``<permalink:slug>``)."""

    regex = SLUG_PATTERN

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


class NothingAnswered(ValueError):
    """Nothing to recommend on: no question was answered (or only with "Not sure")."""


def check(data: Submitted, *, strict: bool, start: str | None = None) -> CheckedAnswers:
    """The answers in ``data`` checked against today's rules; see
    :func:`guide.engine.check_answers` for ``strict``. A form's fields may carry several
    values: each is seen, so a question answered twice is refused rather than half-read. A
    form names its starting point in the field "start"; a program passes ``start``."""
    if isinstance(data, QueryDict):
        data = {key: data.getlist(key) for key in data}
    if not strict:
        given = data.get("start") or ""
        start = start or (given if isinstance(given, str) else (list(given) or [""])[0]) or None
    return check_answers(get_rulebook(), data, strict=strict, start=start)


def result_for(answers: Mapping[str, str], start: str | None = None) -> Snapshot:
    """The result for checked ``answers`` (from the starting point ``start``) under today's
    rules, scored once per process (it depends only on the rules and the answers). Not to be
    modified."""
    rulebook = get_rulebook()
    ordered = tuple((q.id, answers[q.id]) for q in rulebook.questions if q.id in answers)
    return _scores()(rulebook, ordered, start)


@cache
def _scores() -> Callable[[Rulebook, tuple[tuple[str, str], ...], str | None], Snapshot]:
    """The process's scores, the most recently used SCORE_CACHE_ENTRIES of them (about 32 KiB
    each): a miss costs a millisecond, so the bound is on memory, not on speed."""

    def scored(
        rulebook: Rulebook, answers: tuple[tuple[str, str], ...], start: str | None
    ) -> Snapshot:
        return score(rulebook, dict(answers), start=start)

    kept: Callable[[Rulebook, tuple[tuple[str, str], ...], str | None], Snapshot]
    kept = lru_cache(maxsize=settings.SCORE_CACHE_ENTRIES)(scored)
    return kept


def save(request: HttpRequest, checked: CheckedAnswers) -> tuple[Permalink, bool]:
    """The permalink for ``checked`` answers under today's rules, and True if it is new.

    New links and reused ones alike count towards the client's limit (RATELIMIT_PERMALINKS),
    shared by the form and the API. Raises ``Ratelimited`` past it, and ``NothingAnswered``
    when there is nothing to recommend on (storing nothing). A client past its limit is
    refused before its answers are scored."""
    limits.check(request, "permalinks")
    result = result_for(checked.answers, checked.start)
    if all(a["choice"] == UNSURE for a in result["answers"]):
        raise NothingAnswered(str(messages.NOTHING_ANSWERED))
    limits.spend(request, "permalinks")
    stored = shown_answers(checked.answers, result["answers"])
    return Permalink.objects.for_answers(stored, result, start=checked.start or "")


def said(link: Permalink) -> Snapshot:
    """What a link recommended, in the request's language: its stored result in English; in
    another language, under the rules it was made with, its answers scored again (the same
    result, each text in that language). A link made under older rules keeps its stored
    words, in English."""
    rulebook = get_rulebook()
    if active_language() == settings.LANGUAGE_CODE or link.ruleset_version != rulebook.version:
        return link.result
    return result_for(link.answers, link.start or None)


def find(slug: str) -> Permalink | None:
    return Permalink.objects.filter(slug=slug).first()


def find_or_404(slug: str) -> Permalink:
    """The permalink with this slug; Http404 (the site's 404 page) if there is none."""
    link = find(slug)
    if link is None:
        raise Http404(str(messages.NO_PERMALINK))
    return link


# -- addresses ----------------------------------------------------------------------------


def link_url(link: Permalink) -> str:
    return reverse("permalink", kwargs={"slug": link.slug})


def pdf_url(link: Permalink) -> str:
    return reverse("permalink_pdf", kwargs={"slug": link.slug})


def card_url(link: Permalink) -> str:
    return reverse("permalink_card", kwargs={"slug": link.slug})


def starter_url(link: Permalink, framework: str | None = None) -> str:
    url = reverse("permalink_starter", kwargs={"slug": link.slug})
    return f"{url}?{urlencode({'framework': framework})}" if framework else url


def decision_url(link: Permalink) -> str:
    return reverse("permalink_decision", kwargs={"slug": link.slug})


def absolute(url: str) -> str:
    """``url`` at the site's public origin (SITE_URL), whatever Host the request named: share
    links and cached pages never depend on what a client sent."""
    return str(settings.SITE_URL) + url


def questionnaire_url(
    answers: Mapping[str, str],
    start: str | None = None,
    *,
    page: str = "questionnaire",
    base: str | None = None,
) -> str:
    """The interview (or with ``page="all_questions"``, every question on one page; or the
    interview at the path ``base``) where ``answers`` left it, from the starting point
    ``start``."""
    base = base or reverse(page)
    query = ({"start": start} if start else {}) | dict(answers)
    return f"{base}?{urlencode(query)}" if query else base


def edit_url(link: Permalink, *, page: str = "questionnaire") -> str:
    """The interview (or ``page``) with a link's answers, in the questionnaire's order
    (PostgreSQL's jsonb keeps no key order); answers the rules no longer ask come last."""
    rulebook = get_rulebook()
    ordered = {q.id: link.answers[q.id] for q in rulebook.questions if q.id in link.answers}
    return questionnaire_url(ordered | link.answers, link.start or None, page=page)


def way_back(request: HttpRequest) -> tuple[str, str]:
    """Where a refused or failed request should lead the person back to, so no work is lost:
    the permalink a PDF, image or starter was asked for, or the questionnaire with the
    answers just sent."""
    try:
        match = resolve(request.path)
    except Resolver404:
        match = None
    if match is not None and match.url_name != "permalink" and "slug" in match.kwargs:
        page = reverse("permalink", kwargs={"slug": match.kwargs["slug"]})
        return page, gettext("Back to the recommendation")
    data = request.POST if request.method == "POST" else request.GET
    try:
        checked = check(data, strict=False)
    except Exception:  # a body that cannot be read: start from an empty questionnaire
        return questionnaire_url({}), gettext("Back to the questionnaire")
    return questionnaire_url(checked.answers, checked.start), (
        gettext("Back to your answers")
        if checked.answers or checked.start
        else gettext("Back to the questionnaire")
    )


def unavailable(
    request: HttpRequest, message: str, retry_after: int, *, back: tuple[str, str] | None = None
) -> HttpResponse:
    """503: ``message``, try again in ``retry_after`` seconds (Retry-After), in JSON for the
    API, else a page with a way back (``back``: address and label; by default way_back's).
    Kept by no cache, and not logged again: whoever answers 503 has said why, once (an outage,
    a failed render) or is shedding load."""
    response: HttpResponse
    if request.path.startswith("/api/"):
        response = JsonResponse({"detail": message}, status=503)
    else:
        address, label = back or way_back(request)
        context = {
            "message": message,
            "back": address,
            "back_label": label,
            "retry_after": retry_after,
        }
        response = render(request, "503.html", context, status=503)
    response["Retry-After"] = str(retry_after)
    patch_cache_control(response, no_store=True)
    response._has_been_logged = True  # type: ignore[attr-defined]
    return response


# -- an old link under today's rules ------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Reevaluation:
    """A link made under older rules, scored again under today's, and what changed."""

    result: Snapshot
    answers: dict[str, str]  # the stored answers today's rules still accept
    dropped: tuple[str, ...]  # the prompts of those they no longer accept
    verdict_changed: bool
    confidence_changed: bool
    new_reasons: tuple[SnapshotReason, ...]
    gone_reasons: tuple[SnapshotReason, ...]


def reevaluate(link: Permalink) -> Reevaluation:
    checked = check(link.answers, strict=True, start=link.start or None)
    then, now = link.result, result_for(checked.answers, checked.start)
    prompts = {a["question"]: a["prompt"] for a in then["answers"]}
    reasons_then = {(r["kind"], r["id"]) for r in then["reasons"]}
    reasons_now = {(r["kind"], r["id"]) for r in now["reasons"]}
    return Reevaluation(
        result=now,
        answers=checked.answers,
        dropped=tuple(prompts.get(p.question, p.question) for p in checked.problems),
        verdict_changed=now["recommendation"] != then["recommendation"],
        confidence_changed=now["confidence"] != then["confidence"],
        new_reasons=tuple(r for r in now["reasons"] if (r["kind"], r["id"]) not in reasons_then),
        gone_reasons=tuple(r for r in then["reasons"] if (r["kind"], r["id"]) not in reasons_now),
    )
