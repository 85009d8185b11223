"""The rulebook as a program reads it (the API's ``GET /api/guide``): its questions with their
choices and conditions, its options and criteria. Like the snapshot, the type is defined once
here and the API's schema is taken from it."""

from __future__ import annotations

from typing_extensions import TypedDict

from .model import UNSURE, Rulebook
from .snapshot import described


@described
class OutlineChoice(TypedDict):
    id: str
    label: str


@described
class OutlineCondition(TypedDict):
    question: str
    """The question this one depends on."""
    choices: list[str]
    """Shown when that question's answer is one of these."""


@described
class OutlineQuestion(TypedDict):
    id: str
    section: str
    prompt: str
    help: str
    choices: list[OutlineChoice]
    """The choices, "unsure" last."""
    show_if: list[OutlineCondition]
    """Ask only when every condition holds; empty for a question always asked."""


@described
class OutlineSection(TypedDict):
    id: str
    title: str


@described
class OutlineOption(TypedDict):
    id: str
    name: str
    summary: str


@described
class OutlineCriterion(TypedDict):
    id: str
    label: str
    description: str
    weight: float


@described
class OutlineStart(TypedDict):
    id: str
    label: str
    description: str
    answers: dict[str, str]
    """The answers this kind of project implies: question id to choice id."""


@described
class Outline(TypedDict):
    """The questions, options and criteria."""

    title: str
    ruleset_version: str
    """A short hash of the rules; it changes with them."""
    sections: list[OutlineSection]
    questions: list[OutlineQuestion]
    options: list[OutlineOption]
    criteria: list[OutlineCriterion]
    starting_points: list[OutlineStart]
    """Common kinds of project; send one's id as ``start`` to begin from its answers."""


def outline(rulebook: Rulebook) -> Outline:
    questions: list[OutlineQuestion] = []
    for q in rulebook.questions:
        conditions: list[OutlineCondition] = []
        for cond in q.show_if:
            parent = rulebook.question(cond.question)
            in_order = [c for c in parent.choice_ids if c in cond.choices]
            conditions.append({"question": cond.question, "choices": in_order})
        choices: list[OutlineChoice] = [{"id": c.id, "label": c.label} for c in q.choices]
        choices.append({"id": UNSURE, "label": rulebook.unsure_label})
        questions.append(
            {
                "id": q.id,
                "section": q.section,
                "prompt": q.prompt,
                "help": q.help,
                "choices": choices,
                "show_if": conditions,
            }
        )
    return {
        "title": rulebook.title,
        "ruleset_version": rulebook.version,
        "sections": [{"id": s.id, "title": s.title} for s in rulebook.sections],
        "questions": questions,
        "options": [{"id": o.id, "name": o.name, "summary": o.summary} for o in rulebook.options],
        "criteria": [
            {"id": c.id, "label": c.label, "description": c.description, "weight": c.weight}
            for c in rulebook.criteria
        ],
        "starting_points": [
            {"id": s.id, "label": s.label, "description": s.description, "answers": dict(s.answers)}
            for s in rulebook.starting_points
        ],
    }
