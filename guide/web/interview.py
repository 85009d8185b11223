"""The interview page's context: one question at a time, the one the engine picks (or the one
the person asked to change), and what has been said so far.

The interview's state is its address: ``/?start=blog&auth=full&admin=unsure``. Answers keep
the order they were given in, so "Back" drops the last one; ``ask=<question>`` puts a given
question (one to change) before the engine's pick; ``was=<choice>`` pre-selects the answer
"Back" dropped on the question it asks again, without counting it (on the first step, the
starting point); ``needs`` (once the framework is settled) shows the screen that asks,
together, what else shapes the starter and the advice. The review page (``/review/``, same
address) lists every answer given or assumed, each to change in one form.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.utils.translation import gettext

from guide.engine import UNSURE, CheckedAnswers
from guide.services import permalinks
from guide.services.rulebook import get_rulebook
from guide.wording import interview as words
from guide.wording import sentences
from guide.wording.charts import share_bar
from guide.wording.sentences import tell


@dataclass(frozen=True, slots=True)
class Need:
    """A question of the "what else" screen: its choices (none picked), and when it counts,
    for a follow-up."""

    id: str
    prompt: str
    help: str
    choices: list[dict[str, Any]]
    only_if: str  # "Only if “…” is …", or ""


@dataclass(frozen=True, slots=True)
class Said:
    """One answer so far, as the page lists it."""

    question: str
    prompt: str
    label: str
    assumed: bool
    change_url: str


def interview_context(
    checked: CheckedAnswers,
    order: list[str],
    *,
    ask: str | None,
    begun: bool,
    needs: bool = False,
    was: str | None = None,
    base: str | None = None,
) -> dict[str, Any]:
    """The template context for the interview at ``checked`` answers, given in ``order``;
    ``ask``: a question to put first; ``begun``: whether the first step (what are you
    building?) has been answered; ``needs``: the "what else" screen, once settled; ``was``:
    the answer to pre-select on the question ``ask`` names (or, on the first step, the
    starting point), one "Back" took out of the answers; ``base``: the interview's path when
    it is not the guide's own (a team member's, whose last step saves to their room: it has
    no one-page form or review page)."""
    rulebook = get_rulebook()
    answers = _in_order(checked, order)
    start = checked.start
    result = permalinks.result_for(answers, start)
    outlook = result["outlook"]
    shown = {a["question"]: a for a in result["answers"]}
    if ask not in shown:
        ask = None
    current = ask or (outlook["next_question"] if begun or answers or start else None)
    # The question on screen is the form's own field: the side lists the others.
    given = [a for a in result["answers"] if a["asked"] and a["question"] != current]
    question = rulebook.question(current) if current else None
    picked = _picked(question, shown, answers, was if ask else None) if question else None
    context: dict[str, Any] = {
        "result": result,
        "told": tell(result),
        "bar": share_bar(result),
        "words": words.panel_words(result),
        "choosing_start": not (begun or answers or start) and ask is None,
        "starting_points": rulebook.starting_points,
        "was": was,
        "start": start,
        "start_label": result["starting_point"]["label"] if result["starting_point"] else "",
        "question": question,
        "choices": _choices(question, picked) if question else [],
        # Asked again to be changed: the answer is still one of the answers so far.
        "changing": current in answers and ask is not None,
        # The answers a step carries on, in the order they were given; the one being
        # (re)asked is the form's own field.
        "carried": [(q, a) for q, a in answers.items() if q != current],
        "said": [
            Said(
                a["question"],
                a["prompt"],
                a["label"],
                a["assumed"],
                _url(answers, start, ask=a["question"], base=base),
            )
            for a in sorted(given, key=lambda a: (not a["assumed"], _position(order, a)))
        ],
        "asked_count": sum(1 for a in given if not a["assumed"]),
        "step_url": base or permalinks.questionnaire_url({}),
        "back_url": _back_url(answers, start, order, begun=begun, base=base),
        "review_url": "" if base else permalinks.questionnaire_url(answers, start, page="review"),
        "all_url": (
            "" if base else permalinks.questionnaire_url(answers, start, page="all_questions")
        ),
        "sharpen_url": (
            _url(answers, start, ask=outlook["sharpening"][0], base=base)
            if outlook["sharpening"]
            else ""
        ),
        "saved_answers": list(answers.items()),
        "needs": _needs(result) if needs and outlook["settled"] and not ask else [],
        "needs_url": _url(answers, start, base=base)
        + ("&" if answers or start else "?")
        + "needs=1",
        "needs_count": len(outlook.get("starter_questions", [])),
    }
    return context


@dataclass(frozen=True, slots=True)
class Reviewed:
    """One answer on the review page: its question, and each choice as an option of its
    select. An assumed answer's own option sends nothing (value ""), so that it stays an
    assumption, following the starting point, unless it is changed."""

    question: str
    prompt: str
    options: list[tuple[str, str, bool]]  # value, label, selected
    assumed: bool


def review_context(checked: CheckedAnswers, order: list[str]) -> dict[str, Any]:
    """The template context for the review page: every answer given (in ``order``) or
    assumed from the starting point, each with its choices, in one form that goes back to
    the interview."""
    rulebook = get_rulebook()
    answers = _in_order(checked, order)
    start = checked.start
    result = permalinks.result_for(answers, start)
    listed = sorted(
        (a for a in result["answers"] if a["asked"]),
        key=lambda a: (not a["assumed"], _position(order, a)),
    )
    reviewed = []
    for answer in listed:
        question = rulebook.question(answer["question"])
        options = [
            ("" if answer["assumed"] and c["checked"] else c["id"], c["label"], c["checked"])
            for c in _choices(question, answer["choice"])
        ]
        reviewed.append(Reviewed(question.id, question.prompt, options, answer["assumed"]))
    return {
        "result": result,
        "told": tell(result),
        "bar": share_bar(result),
        "words": words.panel_words(result),
        "reviewed": reviewed,
        "start": start,
        "start_label": result["starting_point"]["label"] if result["starting_point"] else "",
        "starting_points": rulebook.starting_points,
        "interview_url": _url(answers, start),
        "all_url": permalinks.questionnaire_url(answers, start, page="all_questions"),
    }


def _needs(result: Any) -> list[Need]:
    """The "what else" screen's questions: every one not answered yet that shapes the starter
    or the advice (the engine's ``starter_questions``)."""
    rulebook = get_rulebook()
    found = []
    for ident in result["outlook"].get("starter_questions", []):
        question = rulebook.question(ident)
        conditions = [
            gettext("“%(prompt)s” is %(choices)s")
            % {
                "prompt": rulebook.question(c.question).prompt,
                "choices": sentences.either(
                    [
                        f"“{rulebook.question(c.question).choice(x).label}”"
                        for x in rulebook.question(c.question).choice_ids
                        if x in c.choices
                    ]
                ),
            }
            for c in question.show_if
        ]
        found.append(
            Need(
                ident,
                question.prompt,
                question.help,
                _choices(question, None),
                (gettext("Only if %(conditions)s.") % {"conditions": sentences.listed(conditions)})
                if conditions
                else "",
            )
        )
    return found


def _choices(question: Any, chosen: str | None) -> list[dict[str, Any]]:
    choices = [{"id": c.id, "label": c.label, "checked": c.id == chosen} for c in question.choices]
    choices.append({"id": UNSURE, "label": gettext("Not sure"), "checked": chosen == UNSURE})
    return choices


def _in_order(checked: CheckedAnswers, order: list[str]) -> dict[str, str]:
    """The checked answers in the order they were given (``order``); any it missed come
    after, in the rulebook's order."""
    answers = {q: checked.answers[q] for q in order if q in checked.answers}
    return answers | checked.answers


def _picked(
    question: Any, shown: Mapping[str, Any], answers: Mapping[str, str], was: str | None
) -> str | None:
    """The choice a step shows selected: the one "Back" took out (``was``), else the answer
    given or assumed; none for a question not answered yet."""
    if was in (*question.choice_ids, UNSURE):
        return was
    if question.id in answers:
        return answers[question.id]
    answer = shown.get(question.id)
    return answer["choice"] if answer and answer["assumed"] else None


def _position(order: list[str], answer: Any) -> int:
    return order.index(answer["question"]) if answer["question"] in order else len(order)


def _url(
    answers: Mapping[str, str],
    start: str | None,
    *,
    ask: str | None = None,
    base: str | None = None,
) -> str:
    url = permalinks.questionnaire_url(answers, start, base=base)
    if ask:
        url += ("&" if "?" in url else "?") + f"ask={ask}"
    return url


def _back_url(
    answers: dict[str, str],
    start: str | None,
    order: list[str],
    *,
    begun: bool,
    base: str | None = None,
) -> str:
    """The step before this one: without the answer given last, which that step shows
    selected; before the first answer, the first step with the starting point selected."""
    given = [q for q in order if q in answers]
    query = [("start", start or "")] if begun or start else []
    if given:
        last = given[-1]
        query += [(q, a) for q, a in answers.items() if q != last]
        query += [("ask", last), ("was", answers[last])]
    elif query:
        query = [("was", start or "")]
    return permalinks.questionnaire_url({}, base=base) + (f"?{urlencode(query)}" if query else "")
