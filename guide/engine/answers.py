"""The one answer check: every surface (form, API, terminal, an old permalink) sends what it
was given through :func:`check_answers` and decides what to do with the problems.

    checked = check_answers(rulebook, {"auth": "full", "admin": "maybe"}, strict=True)
    checked.answers   # {"auth": "full"}
    checked.problems  # (AnswerProblem(question="admin", value="maybe", ...),)

"unsure" is an answer ("Not sure"): it is kept, so the interview never asks that question
again, though it gives no points. A question left out has not been asked.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from .model import UNSURE, Rulebook
from .snapshot import SnapshotAnswer

#: How long a value given in an answer may be when it is repeated back in a message.
SHOWN = 40


@dataclass(frozen=True, slots=True)
class AnswerProblem:
    """One answer that cannot be used, and what would be allowed in its place."""

    question: str  # the question id, or the unknown key (cut to SHOWN characters)
    value: str  # the value given (cut likewise)
    message: str
    allowed: tuple[str, ...]  # the choices, or the question ids for an unknown key


@dataclass(frozen=True, slots=True)
class CheckedAnswers:
    answers: dict[str, str]  # question id -> choice id or "unsure", in the rulebook's order
    problems: tuple[AnswerProblem, ...]
    start: str | None = None  # the starting point, when one was chosen

    @property
    def ok(self) -> bool:
        return not self.problems


class AnswerError(ValueError):
    """Answers that name an unknown question or a choice the question does not offer."""

    def __init__(self, problems: Iterable[AnswerProblem]):
        self.problems = tuple(problems)
        super().__init__("; ".join(p.message for p in self.problems))


def check_answers(
    rulebook: Rulebook,
    data: Mapping[str, str | Sequence[str]],
    *,
    strict: bool,
    start: str | None = None,
) -> CheckedAnswers:
    """Split ``data`` (question id -> choice id, or a list of the values a form sent) into the
    answers that can be used and the problems with the rest.

    A value may be a choice id or "unsure". A question given more than one value, or a value
    that is not one of its choices, is a problem. With ``strict`` (programs: the API, the
    terminal, the engine itself) a key that is not a question and an empty value are problems
    too; without it (an HTML form, which also sends its token and buttons) other keys are
    ignored and an empty value means the question was not answered. ``start``, a starting
    point's id, must be one of the rulebook's (an unknown one is a problem under the key
    "start").
    """
    answers: dict[str, str] = {}
    problems: list[AnswerProblem] = []
    for question in rulebook.questions:
        given = data.get(question.id)
        if given is None:
            continue
        values = [given] if isinstance(given, str) else list(given)
        allowed = (*question.choice_ids, UNSURE)
        if len(values) > 1:
            shown = ", ".join(str(v)[:SHOWN] for v in values)
            message = f"'{question.id}' was answered more than once"
            problems.append(AnswerProblem(question.id, shown, message, allowed))
            continue
        value = values[0] if values and isinstance(values[0], str) else ""
        if value == "" and not strict:
            continue
        if value not in allowed:
            message = (
                f"'{value[:SHOWN]}' is not a choice of '{question.id}' "
                f"(choose one of: {', '.join(allowed)})"
            )
            problems.append(AnswerProblem(question.id, value[:SHOWN], message, allowed))
            continue
        answers[question.id] = value
    if strict:
        question_ids = tuple(q.id for q in rulebook.questions)
        for key, given in data.items():
            if not rulebook.has_question(key):
                shown = given if isinstance(given, str) else ", ".join(map(str, given))
                problems.append(
                    AnswerProblem(
                        key[:SHOWN],
                        shown[:SHOWN],
                        f"unknown question '{key[:SHOWN]}'",
                        question_ids,
                    )
                )
    known_starts = tuple(s.id for s in rulebook.starting_points)
    if start is not None and start not in known_starts:
        choose = ", ".join(known_starts)
        message = f"'{start[:SHOWN]}' is not a starting point (choose one of: {choose})"
        problems.append(AnswerProblem("start", start[:SHOWN], message, known_starts))
        start = None
    return CheckedAnswers(answers, tuple(problems), start)


def shown_answers(answers: Mapping[str, str], shown: Iterable[SnapshotAnswer]) -> dict[str, str]:
    """``answers`` to the questions a result showed (a follow-up hidden by another answer
    counts for nothing, so it is not kept): what a permalink stores."""
    visible = {a["question"] for a in shown}
    return {question: choice for question, choice in answers.items() if question in visible}
