"""Thin views: parse the request, ask the service (guide.services), render one template (or one
of its partials for htmx)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.core.cache import caches
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponsePermanentRedirect,
    HttpResponseRedirect,
)
from django.shortcuts import render
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_http_methods, require_safe
from django_htmx.http import replace_url
from django_htmx.middleware import HtmxDetails

from guide.services import messages, permalinks
from guide.services.downloads import DAY, Made, serve
from guide.services.rulebook import active_language, get_rulebook
from guide.starters import kits
from guide.starters.generator import framework_named
from guide.wording.charts import score_chart, share_bar
from guide.wording.sentences import tell

from .interview import interview_context, review_context
from .questionnaire import questionnaire_context


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


@require_http_methods(["GET", "HEAD", "POST"])
def questionnaire(request: HtmxHttpRequest) -> HttpResponse:
    """GET: the interview, one question at a time, at the step its address describes (htmx
    asks for the step alone). POST (from the interview's last step or the one-page form):
    store the result as a permalink and go there (303)."""
    if request.method == "POST":
        return save(request)
    checked = permalinks.check(request.GET, strict=False)
    if not checked.ok:
        # A tampered or outdated address: the one-page form shows what can be kept, and why.
        return all_questions(request)
    rulebook = get_rulebook()
    if any(rulebook.has_question(key) and not value for key, value in request.GET.items()):
        # The review page sends an assumption left as it is empty: the same step, at the
        # address without those fields.
        kept = [(k, v) for k, v in request.GET.items() if v or not rulebook.has_question(k)]
        return HttpResponseRedirect(f"{reverse('questionnaire')}?{urlencode(kept)}")
    step_only = bool(request.htmx and not request.htmx.history_restore_request)
    order = [key for key in request.GET if key in checked.answers]
    ask, begun, needs = request.GET.get("ask"), "start" in request.GET, "needs" in request.GET
    was = request.GET.get("was")

    def page() -> HttpResponse:
        context = interview_context(checked, order, ask=ask, begun=begun, needs=needs, was=was)
        template = "guide/interview.html#htmx-step" if step_only else "guide/interview.html"
        return render(request, template, context)

    # What the step is made of, not its address: extra or reordered parameters name no new one.
    answers = [(q, checked.answers[q]) for q in order]
    state = [step_only, checked.start, ask, begun, needs, answers, was]
    response = same_for_everyone(request, state, page)
    patch_vary_headers(response, ("HX-Request",))  # a page or its step alone, at one address
    return response


@require_safe
def review(request: HtmxHttpRequest) -> HttpResponse:
    """Every answer given or assumed so far (the interview's address), each to change in
    one form that goes back to the interview (GET)."""
    checked = permalinks.check(request.GET, strict=False)
    if not checked.ok:
        return all_questions(request)
    order = [key for key in request.GET if key in checked.answers]

    def page() -> HttpResponse:
        return render(request, "guide/review.html", review_context(checked, order))

    state = ["review", checked.start, [(q, checked.answers[q]) for q in order]]
    return same_for_everyone(request, state, page)


def same_for_everyone(
    request: HttpRequest, state: object, page: Callable[[], HttpResponse]
) -> HttpResponse:
    """``page()``, kept (in each process's "steps" cache, config/stores.py) for the next
    visitor whose request has the same ``state`` under the same rules and release: an
    interview step, or the one-page form's live panel, is the same bytes for everyone, unless
    it carries a form's CSRF token (then it is made for each visitor)."""
    digest = hashlib.sha256(json.dumps(state).encode()).hexdigest()[:32]
    key = f"step:{get_rulebook().version}:{active_language()}:{digest}"
    steps = caches["steps"]
    kept = steps.get(key)
    if kept is not None:
        return HttpResponse(kept, content_type="text/html; charset=utf-8")
    response = page()
    if response.status_code == 200 and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):
        steps.set(key, response.content, timeout=DAY)
    return response


def save(request: HtmxHttpRequest) -> HttpResponse:
    checked = permalinks.check(request.POST, strict=False)
    if checked.ok:
        try:
            link, _ = permalinks.save(request, checked)
        except permalinks.NothingAnswered:
            back, label = permalinks.way_back(request)
            context = {"message": messages.NOTHING_ANSWERED, "back": back, "back_label": label}
            return render(request, "400.html", context, status=400)
        return HttpResponseRedirect(permalinks.link_url(link), status=303)
    context = questionnaire_context(checked.answers, checked.start)
    return render(
        request, "guide/questionnaire.html", {**context, "errors": checked.problems}, status=400
    )


@require_safe
def all_questions(request: HtmxHttpRequest) -> HttpResponse:
    """Every question on one page, pre-filled from the query string, with a live panel (htmx
    asks for the panel only)."""
    checked = permalinks.check(request.GET, strict=False)
    if "csrfmiddlewaretoken" in request.GET and checked.ok:
        # The no-JavaScript "Update my leaning" button submits the whole form by GET: send
        # the browser to the clean, shareable address, without the token in it.
        url = permalinks.questionnaire_url(checked.answers, checked.start, page="all_questions")
        return HttpResponseRedirect(url)
    fragment = request.htmx and not request.htmx.history_restore_request and checked.ok
    if fragment:
        response = live_panel(request, checked.answers, checked.start)
        # One history entry for the whole page, at a short address that holds only the
        # answered questions (in the order they were given, so it is made for each request).
        url = permalinks.questionnaire_url(checked.answers, checked.start, page="all_questions")
        replace_url(response, url)
    else:
        # A refused form shows its valid answers, with a panel that agrees, and why.
        context = questionnaire_context(checked.answers, checked.start)
        response = render(
            request,
            "guide/questionnaire.html",
            {**context, "errors": checked.problems},
            status=200 if checked.ok else 400,
        )
    # The same URL answers a full page or a fragment: caches must keep them apart.
    patch_vary_headers(response, ("HX-Request",))
    return response


def live_panel(request: HttpRequest, answers: dict[str, str], start: str | None) -> HttpResponse:
    """The one-page form's live panel and follow-ups for checked ``answers``: made of the
    answers and the starting point only (no token, nothing of the visitor's), so it is made
    once per process and kept like an interview step. Its key names the answers in the
    rulebook's order: the panel reads them in that order whatever order the address gave."""

    def page() -> HttpResponse:
        context = questionnaire_context(answers, start)
        return render(request, "guide/questionnaire.html#live-update", context)

    order = [q.id for q in get_rulebook().questions if q.id in answers]
    # "live panel" first: no interview step's state (a list that starts with a flag) is this.
    state = ["live panel", start, [(q, answers[q]) for q in order]]
    return same_for_everyone(request, state, page)


@require_safe
def permalink(request: HttpRequest, slug: str) -> HttpResponse:
    """What was recommended when the link was made, from its stored snapshot.

    A permalink under the current rules never changes, so its page is made once for every
    visitor: it holds nothing of one visitor's (no CSRF token; its links are built from
    SITE_URL), and a repeat needs no database. A link made under older rules also shows
    today's verdict, with a form (and so a CSRF token): that page is made for each visit.
    """
    rulebook = get_rulebook()

    def make() -> Made:
        link = permalinks.find_or_404(slug)
        result = permalinks.said(link)
        told = tell(result)
        context: dict[str, Any] = {
            "link": link,
            "result": result,
            "told": told,
            "top_reasons": [r for r in told.reasons if r[0]["favours"] == result["recommendation"]][
                :3
            ]
            or told.reasons[:3],
            "chart": score_chart(result),
            "bar": share_bar(result),
            "edit_url": permalinks.edit_url(link),
            "review_url": permalinks.edit_url(link, page="review"),
            "all_url": permalinks.edit_url(link, page="all_questions"),
            "share_url": permalinks.absolute(permalinks.link_url(link)),
            "card_url": permalinks.absolute(permalinks.card_url(link)),
            "starter": kits.starter_offer(link),
        }
        current = link.ruleset_version == rulebook.version
        if not current:
            context["current"] = permalinks.reevaluate(link)
        page = render_to_string("guide/result.html", context, request=request)
        return Made(page.encode(), "text/html; charset=utf-8", shared=current, max_age=0)

    return serve(request, f"permalink-page:{rulebook.version}:{slug}", make, limit="pages")


@require_safe
def permalink_starter(request: HttpRequest, slug: str) -> HttpResponse:
    """The permalink's starter project as a zip: the recommended framework's, or the one
    ``?framework=`` names; with an ETag, and rate-limited like the PDF."""
    try:
        framework = framework_named(request.GET.get("framework") or None)
    except ValueError:
        return render(request, "400.html", {"message": messages.BAD_FRAMEWORK}, status=400)
    return kits.starter_download(request, slug, framework)


@require_safe
def permalink_decision(request: HttpRequest, slug: str) -> HttpResponse:
    """The permalink's decision record alone (Markdown), as its starter project holds it."""
    return kits.decision_download(request, slug)


@require_safe
def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers that ask for /favicon.ico get the site's icon (its hashed, long-cached name is
    known only at run time)."""
    return HttpResponsePermanentRedirect(static("guide/favicon.svg"))


@require_safe
def healthz(request: HttpRequest) -> HttpResponse:
    """For load balancers: the process is up. It touches neither the database nor the cache."""
    return HttpResponse("ok", content_type="text/plain")


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "400.html", status=400)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return render(request, "403_csrf.html", status=403)


def ratelimited(request: HttpRequest, exception: Exception) -> HttpResponse:
    """Too many permalinks or downloads from one client: 429, when to come back, and a way
    back to what they were doing."""
    back, label = permalinks.way_back(request)
    context = {
        "retry_after": messages.RATELIMIT_RETRY_AFTER,
        "back": back,
        "back_label": label,
        "download": request.method != "POST",  # a PDF, an image or a starter
    }
    response = render(request, "429.html", context, status=429)
    response["Retry-After"] = str(messages.RATELIMIT_RETRY_AFTER)
    return response
