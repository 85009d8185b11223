"""Thin views: parse the request, call the engine, render one template (or one of its
partials for htmx)."""

import hashlib
import logging
from functools import lru_cache
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.utils.cache import get_conditional_response, patch_vary_headers
from django.utils.http import http_date
from django.views.decorators.http import require_GET, require_http_methods
from django_htmx.middleware import HtmxDetails
from django_ratelimit.decorators import ratelimit

from .answers import BadAnswers, effective_answers, parse_answers
from .charts import score_chart
from .engine import UNSURE, Rulebook, score
from .models import Permalink
from .pdf import PAPER_SIZES, render_pdf, summary_html
from .ratelimits import RETRY_AFTER_SECONDS as RATELIMIT_RETRY_AFTER
from .ratelimits import pdf_rate, permalink_rate
from .rules import get_rulebook

logger = logging.getLogger(__name__)


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


@require_http_methods(["GET", "POST"])
@ratelimit(group="permalinks", key="ip", rate=permalink_rate, method="POST", block=True)
def questionnaire(request: HtmxHttpRequest) -> HttpResponse:
    """GET: the questionnaire, pre-filled from the query string (htmx asks for the live panel
    only). POST: store the result as a permalink and go there (303)."""
    rulebook = get_rulebook()
    data = request.POST if request.method == "POST" else request.GET
    try:
        answers = parse_answers(rulebook, data)
        errors = None
    except BadAnswers as exc:  # show the valid part of the rejected form, and why
        answers, errors = _raw_answers(rulebook, data), exc.problems
    if request.method == "GET" and "csrfmiddlewaretoken" in request.GET and not errors:
        # The no-JavaScript "Update my leaning" button submits the whole form by GET: send
        # the browser to the clean, shareable address, without the token in it.
        return HttpResponseRedirect(questionnaire_url(answers))
    snapshot, context = scored(rulebook, tuple(answers.items()))
    if request.method == "POST" and not errors:
        link, _ = Permalink.objects.for_answers(effective_answers(snapshot["answers"]), snapshot)
        return HttpResponseRedirect(link_url(link), status=303)
    fragment = request.htmx and not request.htmx.history_restore_request and not errors
    template = "guide/questionnaire.html#live-update" if fragment else "guide/questionnaire.html"
    response = render(
        request, template, {**context, "errors": errors}, status=400 if errors else 200
    )
    # The same URL answers a full page or a fragment: caches must keep them apart.
    patch_vary_headers(response, ("HX-Request",))
    return response


@require_GET
def permalink(request: HttpRequest, slug: str) -> HttpResponse:
    """What was recommended when the link was made, from its stored snapshot.

    A permalink under the current rules never changes, so its page is cached whole: a cache
    hit needs no database. A link made under older rules also shows today's verdict, with a
    form (and so a CSRF token): that page is rendered each time.
    """
    rulebook = get_rulebook()
    page_key = f"permalink-page:{rulebook.version}:{request.get_host()}:{slug}"
    page = cache.get(page_key)
    if page is not None:
        return HttpResponse(page)
    link = get_object_or_404(Permalink, slug=slug)
    context: dict[str, Any] = {
        "link": link,
        "result": link.result,
        "chart": score_chart(link.snapshot),
        "edit_url": questionnaire_url(in_question_order(rulebook, link.answers)),
        "share_url": request.build_absolute_uri(link_url(link)),
    }
    if link.ruleset_version != rulebook.version:
        context["current"] = reevaluate(rulebook, link)
    response = render(request, "guide/result.html", context)
    if "current" not in context:
        cache.set(page_key, response.content.decode(), timeout=24 * 3600)
    return response


@require_GET
@ratelimit(group="pdf", key="ip", rate=pdf_rate, block=True)
def permalink_pdf(request: HttpRequest, slug: str) -> HttpResponse:
    """The permalink's PDF summary. Rendered once, then served from the cache (no database
    needed on a hit), with an ETag that every server computes alike."""
    paper = request.GET.get("paper", "a4").lower()
    if paper not in PAPER_SIZES:
        return render(
            request, "400.html", {"message": "The paper size must be “a4” or “letter”."}, status=400
        )
    rulebook = get_rulebook()
    key = f"pdf:{rulebook.version}:{request.get_host()}:{slug}:{paper}"
    entry = cache.get(key)
    if entry is None:
        link = get_object_or_404(Permalink, slug=slug)
        share_url = request.build_absolute_uri(link_url(link))
        html = summary_html(link, share_url, stale=link.ruleset_version != rulebook.version)
        try:
            pdf = render_pdf(html, paper=paper)
        except Exception:
            logger.exception("pdf: rendering the summary of %s failed", slug)
            return render(
                request,
                "503.html",
                {
                    "message": "The PDF summary could not be made "
                    "just now. Please try again in a minute."
                },
                status=503,
            )
        # The release's cache prefix is part of the tag: a release that changes the summary's
        # look changes its bytes, and so its ETag.
        release = settings.CACHES["default"].get("KEY_PREFIX", "")
        tag = hashlib.sha256(f"{release}:{key}".encode()).hexdigest()[:24]
        entry = {"pdf": pdf, "etag": f'"{tag}"', "last_modified": int(link.created.timestamp())}
        cache.set(key, entry, timeout=24 * 3600)
    response = HttpResponse(entry["pdf"], content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="flask-or-django-{slug}.pdf"'
    response["ETag"] = entry["etag"]
    response["Last-Modified"] = http_date(entry["last_modified"])
    return (
        get_conditional_response(
            request, etag=entry["etag"], last_modified=entry["last_modified"], response=response
        )
        or response
    )


@require_GET
def healthz(request: HttpRequest) -> HttpResponse:
    """For load balancers: the process is up. It touches neither the database nor the cache."""
    return HttpResponse("ok", content_type="text/plain")


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "400.html", status=400)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return render(request, "403_csrf.html", status=403)


def ratelimited(request: HttpRequest, exception: Exception) -> HttpResponse:
    """Too many permalinks or PDFs from one client: 429, and when to come back."""
    response = render(request, "429.html", status=429)
    response["Retry-After"] = str(RATELIMIT_RETRY_AFTER)
    return response


# -- helpers ------------------------------------------------------------------------------


@lru_cache(maxsize=4096)
def scored(
    rulebook: Rulebook, answers: tuple[tuple[str, str], ...]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The snapshot and questionnaire context for these answers, computed once per process:
    both depend only on the rulebook and the answers. Callers must not modify them."""
    snapshot = score(rulebook, dict(answers)).to_dict(rulebook)
    context = questionnaire_context(rulebook, snapshot, dict(answers))
    context["cache_key"] = f"{rulebook.version}:{urlencode(sorted(answers))}"
    return snapshot, context


def link_url(link: Permalink) -> str:
    return f"/r/{link.slug}/"


def in_question_order(rulebook: Rulebook, answers: dict[str, str]) -> dict[str, str]:
    """Stored answers in the questionnaire's order (PostgreSQL's jsonb keeps no key order);
    answers to questions the rules no longer have come last."""
    ordered = {q.id: answers[q.id] for q in rulebook.questions if q.id in answers}
    return ordered | answers


def questionnaire_url(answers: dict[str, str]) -> str:
    return "/?" + urlencode(answers) if answers else "/"


def questionnaire_context(
    rulebook: Rulebook, snapshot: dict[str, Any], answers: dict[str, str]
) -> dict[str, Any]:
    """The questionnaire's sections and questions with what is checked and what is shown."""
    visible = {a["question"] for a in snapshot["answers"]}
    sections = []
    for section in rulebook.sections:
        questions = []
        for q in rulebook.questions:
            if q.section != section.id:
                continue
            chosen = answers.get(q.id, UNSURE)
            choices = [{"id": c.id, "label": c.label, "checked": c.id == chosen} for c in q.choices]
            choices.append(
                {
                    "id": UNSURE,
                    "label": "Not sure",
                    "checked": chosen == UNSURE or chosen not in q.choice_ids,
                }
            )
            questions.append(
                {
                    "id": q.id,
                    "prompt": q.prompt,
                    "help": q.help,
                    "follow_up": bool(q.show_if),
                    "visible": q.id in visible,
                    "condition": _condition_text(rulebook, q),
                    "choices": choices,
                }
            )
        sections.append({"id": section.id, "title": section.title, "questions": questions})
    answered = sum(1 for a in snapshot["answers"] if a["choice"] != UNSURE)
    return {
        "sections": sections,
        "result": snapshot,
        "answered": answered,
        "total": len(snapshot["answers"]),
        "follow_ups": [q for s in sections for q in s["questions"] if q["follow_up"]],
    }


def _condition_text(rulebook: Rulebook, question: Any) -> str:
    parts = []
    for cond in question.show_if:
        parent = rulebook.question(cond.question)
        labels = [parent.choice(c).label for c in parent.choice_ids if c in cond.choices]
        parts.append(f"“{parent.prompt}” is {' or '.join(labels)}")
    return " and ".join(parts)


def _raw_answers(rulebook: Rulebook, data: Any) -> dict[str, str]:
    """The valid part of a rejected form, so the page shows what was chosen."""
    out = {}
    for q in rulebook.questions:
        value = data.get(q.id)
        if value in q.choice_ids:
            out[q.id] = value
    return out


def reevaluate(rulebook: Rulebook, link: Permalink) -> dict[str, Any]:
    """The stored answers under today's rules, and what changed."""
    kept, dropped = {}, []
    for question_id, choice_id in link.answers.items():
        if (
            rulebook.has_question(question_id)
            and choice_id in rulebook.question(question_id).choice_ids
        ):
            kept[question_id] = choice_id
        else:
            dropped.append(question_id)
    now = score(rulebook, kept).to_dict(rulebook)
    then = link.snapshot
    prompts = {a["question"]: a["prompt"] for a in then["answers"]}
    share = {s["option"]: s["share"] for s in then["scores"]}
    share_now = {s["option"]: s["share"] for s in now["scores"]}
    reasons_then = {(r["kind"], r["id"]) for r in then["reasons"]}
    reasons_now = {(r["kind"], r["id"]) for r in now["reasons"]}
    return {
        "result": now,
        "answers": kept,
        "dropped": [prompts.get(question, question) for question in dropped],
        "verdict_changed": now["recommendation"] != then["recommendation"],
        "confidence_changed": now["confidence"] != then["confidence"],
        "share_then": share.get(now["recommendation"], 0),
        "share_now": share_now[now["recommendation"]],
        "new_reasons": [r for r in now["reasons"] if (r["kind"], r["id"]) not in reasons_then],
        "gone_reasons": [r for r in then["reasons"] if (r["kind"], r["id"]) not in reasons_now],
    }
