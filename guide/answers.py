"""Answers from a request: one field per question id, choice ids as values."""

from collections.abc import Mapping
from dataclasses import dataclass

from django.http import QueryDict

from .engine import UNSURE, AnswerError, Rulebook, normalise_answers


@dataclass(frozen=True)
class BadAnswer:
    question: str
    value: str
    message: str
    allowed: tuple[str, ...]


class BadAnswers(ValueError):
    """One or more fields name an unknown choice, or a question twice."""

    def __init__(self, problems: list[BadAnswer]):
        self.problems = problems
        super().__init__("; ".join(p.message for p in problems))


def parse_answers(rulebook: Rulebook, data: QueryDict | Mapping[str, str]) -> dict[str, str]:
    """The answers in ``data`` (question id -> choice id), "unsure" ones left out.

    Fields that are not question ids (the CSRF token, a submit button) are ignored; an empty
    value means "not sure". Raises BadAnswers naming every field with an unknown choice or
    more than one value.
    """
    answers: dict[str, str] = {}
    problems: list[BadAnswer] = []
    for question in rulebook.questions:
        values = (
            data.getlist(question.id)
            if isinstance(data, QueryDict)
            else ([data[question.id]] if question.id in data else [])
        )
        if not values:
            continue
        allowed = (*question.choice_ids, UNSURE)
        if len(values) > 1:
            problems.append(
                BadAnswer(
                    question.id,
                    ", ".join(map(str, values)),
                    f"'{question.id}' was answered more than once",
                    allowed,
                )
            )
            continue
        value = values[0] if isinstance(values[0], str) else ""
        if value in ("", UNSURE):
            continue
        try:
            normalise_answers(rulebook, {question.id: value})
        except AnswerError as exc:
            problems.append(BadAnswer(question.id, value[:40], str(exc), allowed))
            continue
        answers[question.id] = value
    if problems:
        raise BadAnswers(problems)
    return answers


def effective_answers(result_answers: list[dict[str, str]]) -> dict[str, str]:
    """The answers a result counted: visible questions, "not sure" left out."""
    return {a["question"]: a["choice"] for a in result_answers if a["choice"] != UNSURE}
