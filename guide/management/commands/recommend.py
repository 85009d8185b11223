"""`python manage.py recommend project_size=prototype auth=none ... [--json]`"""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation
from django.utils.translation import gettext as _

from guide.engine import RulebookError, Snapshot
from guide.services import permalinks
from guide.services.rulebook import get_rulebook
from guide.wording.sentences import NEXT_QUESTION, citations, tell


class Command(BaseCommand):
    help = "Score answers (question=choice ...) and print the recommendation."

    def add_arguments(self, parser: CommandParser) -> None:
        add_answers_argument(parser)
        parser.add_argument("--json", action="store_true", help="print one JSON object")

    def handle(self, *args: Any, **options: Any) -> None:
        with translation.override(options["language"]):
            result = result_of(options["answers"])
            said = json.dumps(result, indent=2, ensure_ascii=False) if options["json"] else None
            self.stdout.write(said or describe(result))


def add_answers_argument(parser: CommandParser) -> None:
    parser.add_argument(
        "answers",
        nargs="*",
        metavar="question=choice",
        help="answers; a question left out counts as 'unsure'",
    )
    parser.add_argument(
        "--language",
        default=settings.LANGUAGE_CODE,
        choices=settings.GUIDE_LANGUAGES,
        help="the language to answer in (default: en)",
    )


def parse_answers(items: list[str]) -> dict[str, str]:
    """Answers given as question=choice words; CommandError for a word of another form."""
    answers: dict[str, str] = {}
    for item in items:
        question, sep, choice = item.partition("=")
        if not sep or not question or not choice:
            raise CommandError(f"'{item}' is not of the form question=choice")
        answers[question.strip()] = choice.strip()
    return answers


def result_of(items: list[str]) -> Snapshot:
    """The result for answers given as question=choice words; CommandError, saying what is
    wrong, for anything the guide would refuse."""
    try:
        rulebook = get_rulebook()
    except RulebookError as exc:
        raise CommandError(str(exc)) from exc
    answers = parse_answers(items)
    checked = permalinks.check(answers, strict=True)
    if checked.problems:
        message = "; ".join(p.message for p in checked.problems)
        if any(not rulebook.has_question(p.question) for p in checked.problems):
            message += f" (questions: {', '.join(q.id for q in rulebook.questions)})"
        raise CommandError(message)
    return permalinks.result_for(checked.answers)


def describe(result: Snapshot) -> str:
    """A result as plain text for a terminal, in the words every surface uses
    (guide.wording.sentences)."""
    told = tell(result)
    lines = [
        _("Recommendation: %(headline)s (%(confidence)s; %(standing)s)")
        % {
            "headline": told.headline,
            "confidence": result["confidence_label"],
            "standing": told.standing,
        }
    ]
    if told.close_note:
        lines.append(f"  {told.close_note}")
    if told.reasons:
        lines.append(_("Why:"))
        for reason, points, credit in told.reasons:
            source = f" ({citations(reason)})" if reason["source"] else ""
            lines.append(f"  {points} {credit}: {reason['label']}. {reason['text']}{source}")
    # Each label is a gettext call of its own: xgettext does not look inside f-strings.
    open_questions = _("Open questions:")
    lines.append(f"{open_questions} {told.outlook_status} {told.outlook_range}".rstrip())
    if result["outlook"]["next_prompt"] and not result["outlook"]["holds"]:
        lines.append(f"{NEXT_QUESTION} {result['outlook']['next_prompt']}")
    if told.flips:
        lines.append(_("What would change it:"))
        lines.extend(f"  {flip}" for flip in told.flips)
    for note in result["notes"]:
        source = f" ({citations(note)})" if note["source"] else ""
        note_label = _("Note:")
        lines.append(f"{note_label} {note['text']}{source}")
    for alternative in result["alternatives"]:
        lines.append(
            _("Also consider %(name)s:") % {"name": alternative["name"]}
            + f" {alternative['why']} {alternative['url']}"
        )
    lines.append(_("Start here:"))
    lines.extend(f"  {link['title']}: {link['url']}" for link in result["links"]["framework"])
    for feature in result["links"]["features"]:
        for link in feature["links"].get(result["recommendation"], ()):
            lines.append(f"  {feature['label']}: {link['title']}: {link['url']}")
    lines.append(_("Ruleset %(version)s") % {"version": result["ruleset_version"]})
    return "\n".join(lines)
