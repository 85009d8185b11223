"""The rules pages: everything the guide knows, read-only (questions.yaml), its history, and
each question and rule explained: its points per criterion, its sources in their own words,
and what it decides in the results people have stored."""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache, wraps
from pathlib import Path
from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext
from django.views.decorators.http import require_safe

from guide.engine import Rulebook
from guide.engine.model import Effect
from guide.services.downloads import canonical
from guide.services.impact import decides
from guide.services.rulebook import get_rulebook
from guide.wording.decided import what_it_decided
from guide.wording.sentences import either


@require_safe
def rules(request: HttpRequest) -> HttpResponse:
    """questions.yaml, read-only: everything the guide knows, as the footer promises."""
    rulebook = get_rulebook()
    return render(
        request,
        "guide/rules.html",
        {"rulebook": rulebook, "text": rules_text(), "sources": rulebook.sources.values()},
    )


@require_safe
def rules_file(request: HttpRequest) -> HttpResponse:
    """questions.yaml itself, as plain text."""
    response = HttpResponse(rules_text(), content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="questions.yaml"'
    return response


@require_safe
def changes(request: HttpRequest) -> HttpResponse:
    """Each version of the rules, newest first: when, what changed, why, on what sources."""
    rulebook = get_rulebook()
    entries = [
        {
            "change": change,
            "version": change.version or rulebook.version,
            "current": not change.version,
            "sources": [rulebook.sources[s] for s in change.sources],
        }
        for change in reversed(rulebook.changes)
    ]
    return render(request, "guide/rules_changes.html", {"rulebook": rulebook, "entries": entries})


#: Seconds a question's or a rule's page may be kept, by a browser or a shared cache (nginx in
#: `make serve`): about as long as the counts it shows go between two counts.
KEPT = 300


def same_for_a_while(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A page that is the same for everyone until the next count: kept for KEPT seconds, at
    one address (any query string is sent there: nothing on the page reads one, and a shared
    cache keyed by the address holds one copy)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        moved = canonical(request, {})
        if moved is not None:
            return moved
        response = view(request, *args, **kwargs)
        if response.status_code == 200:
            patch_cache_control(response, public=True, max_age=KEPT, s_maxage=KEPT)
        return response

    return wrapper


@require_safe
@same_for_a_while
def question(request: HttpRequest, ident: str) -> HttpResponse:
    """One question explained: each answer's points per criterion, with its sources."""
    rulebook = get_rulebook()
    if not rulebook.has_question(ident):
        raise Http404(gettext("The guide asks no such question."))
    asked = rulebook.question(ident)
    choices = [
        {
            "choice": choice,
            "effects": _effects(rulebook, choice.effects),
            "net": _net(rulebook, choice.totals),
            "sources": _cited(rulebook, choice.sources, f"{ident}.{choice.id}"),
        }
        for choice in asked.choices
    ]
    context = {
        "rulebook": rulebook,
        "question": asked,
        "choices": choices,
        "rules": [r for r in rulebook.rules if any(c.question == ident for c in r.when)],
        **_decided("answer", ident),
    }
    return render(request, "guide/rules_question.html", context)


@require_safe
@same_for_a_while
def rule(request: HttpRequest, ident: str) -> HttpResponse:
    """One rule explained: when it fires, its points and note, with its sources."""
    rulebook = get_rulebook()
    found = next((r for r in rulebook.rules if r.id == ident), None)
    if found is None:
        raise Http404(gettext("The guide has no such rule."))
    when = [
        {
            "question": rulebook.question(c.question),
            "choices": either(
                [
                    rulebook.question(c.question).choice(x).label
                    for x in rulebook.question(c.question).choice_ids
                    if x in c.choices
                ]
            ),
        }
        for c in found.when
    ]
    context = {
        "rulebook": rulebook,
        "rule": found,
        "when": when,
        "effects": _effects(rulebook, found.effects),
        "net": _net(rulebook, found.totals),
        "sources": _cited(rulebook, found.sources, ident),
        **_decided("rule", ident),
    }
    return render(request, "guide/rules_rule.html", context)


@lru_cache(maxsize=1)
def rules_text() -> str:
    return Path(settings.GUIDE_QUESTIONS_FILE).read_text(encoding="utf-8")


def _effects(rulebook: Rulebook, effects: tuple[Effect, ...]) -> list[dict[str, Any]]:
    names = {o.id: o.name for o in rulebook.options}
    return [
        {
            "criterion": rulebook.criterion(e.criterion),
            "option": names[e.option],
            "points": e.points,
            "weighted": rulebook.criterion(e.criterion).weight * e.points,
        }
        for e in effects
    ]


def _net(rulebook: Rulebook, totals: Any) -> dict[str, Any] | None:
    """Which framework the points go to, and how many, weighted; None for none."""
    first, second = rulebook.options
    net = totals.get(second.id, 0) - totals.get(first.id, 0)
    if not net:
        return None
    return {"option": (second if net > 0 else first).name, "points": abs(net)}


def _cited(rulebook: Rulebook, ids: tuple[str, ...], claim: str) -> list[dict[str, Any]]:
    return [
        {"source": rulebook.sources[i], "quote": rulebook.sources[i].quotes.get(claim, "")}
        for i in ids
    ]


def _decided(kind: str, ident: str) -> dict[str, Any]:
    """What the question or rule decided in stored results, counted and worded."""
    counted = decides(kind, ident)
    return {"decides": counted, "decided": what_it_decided(counted)}
