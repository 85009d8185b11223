"""The one-page questionnaire's sections and questions ("See all questions at once"): what is
checked, what is shown, and when a follow-up counts. The result it shows is scored once per
process (guide.services.permalinks)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext
from django.utils.translation import gettext as _

from guide.engine import UNSURE, Rulebook
from guide.engine.model import Question
from guide.services.permalinks import questionnaire_url, result_for
from guide.services.rulebook import get_rulebook
from guide.wording.charts import share_bar
from guide.wording.interview import panel_words
from guide.wording.sentences import either, listed, tell


def questionnaire_context(answers: dict[str, str], start: str | None = None) -> dict[str, Any]:
    """The template context for the questionnaire with checked ``answers`` (from the starting
    point ``start``): its sections and the live result."""
    rulebook = get_rulebook()
    result = result_for(answers, start)
    chosen = {a["question"]: a["choice"] for a in result["answers"] if a["asked"]}
    assumed = {a["question"] for a in result["answers"] if a["assumed"]}
    visible = {a["question"] for a in result["answers"]}
    sections: list[dict[str, Any]] = [
        {
            "id": section.id,
            "title": section.title,
            "questions": [
                _question(rulebook, q, chosen.get(q.id, ""), q.id in visible, q.id in assumed)
                for q in rulebook.questions
                if q.section == section.id
            ],
        }
        for section in rulebook.sections
    ]
    return {
        "sections": sections,
        "result": result,
        "told": tell(result),
        "words": panel_words(result),
        "start": start,
        "interview_url": questionnaire_url(answers, start),
        "bar": share_bar(result),
        "answered": sum(1 for a in result["answers"] if a["choice"] != UNSURE),
        "total": len(result["answers"]),
        "follow_ups": [q for s in sections for q in s["questions"] if q["follow_up"]],
        # One count everywhere: the questions shown for these answers (the panel counts the
        # same), and the follow-ups that certain answers would add.
        "total_questions": len(result["answers"]),
        "hidden_follow_ups": len(rulebook.questions) - len(result["answers"]),
        # About ten seconds a question, rounded up to whole minutes.
        "minutes": max(1, -(-len(rulebook.questions) * 10 // 60)),
    }


def _question(
    rulebook: Rulebook, q: Question, chosen: str, visible: bool, assumed: bool
) -> dict[str, Any]:
    choices = [{"id": c.id, "label": c.label, "checked": c.id == chosen} for c in q.choices]
    # "Not sure" is a plain choice like the others, selected only when it was chosen.
    choices.append({"id": UNSURE, "label": gettext("Not sure"), "checked": chosen == UNSURE})
    return {
        "assumed": assumed,
        "id": q.id,
        "prompt": q.prompt,
        "help": q.help,
        "follow_up": bool(q.show_if),
        "visible": visible,
        "condition": _condition_text(rulebook, q),
        "choices": choices,
    }


def _condition_text(rulebook: Rulebook, question: Question) -> str:
    parts = []
    for cond in question.show_if:
        parent = rulebook.question(cond.question)
        labels = [parent.choice(c).label for c in parent.choice_ids if c in cond.choices]
        parts.append(
            _("“%(prompt)s” is %(choices)s") % {"prompt": parent.prompt, "choices": either(labels)}
        )
    return listed(parts)
