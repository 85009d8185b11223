"""`python manage.py recommend project_size=prototype auth=none ... [--json]`"""

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from guide.engine import AnswerError, Recommendation, Rulebook, RulebookError, score
from guide.rules import get_rulebook


class Command(BaseCommand):
    help = "Score answers (question=choice ...) and print the recommendation."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("answers", nargs="*", metavar="question=choice",
                            help="answers; a question left out counts as 'unsure'")
        parser.add_argument("--json", action="store_true", help="print one JSON object")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            rulebook = get_rulebook()
        except RulebookError as exc:
            raise CommandError(str(exc)) from exc
        answers: dict[str, str] = {}
        for item in options["answers"]:
            question, sep, choice = item.partition("=")
            if not sep or not question or not choice:
                raise CommandError(f"'{item}' is not of the form question=choice")
            answers[question.strip()] = choice.strip()
        try:
            result = score(rulebook, answers)
        except AnswerError as exc:
            if not exc.allowed:
                known = ", ".join(q.id for q in rulebook.questions)
                raise CommandError(f"{exc} (questions: {known})") from exc
            raise CommandError(str(exc)) from exc
        if options["json"]:
            self.stdout.write(json.dumps(result.to_dict(rulebook), indent=2))
        else:
            self.stdout.write(describe(rulebook, result))


def describe(rulebook: Rulebook, result: Recommendation) -> str:
    """The result as plain text for a terminal."""
    name = rulebook.option(result.recommendation).name
    lines = [f"Recommendation: {name} ({result.confidence}, margin {result.margin:.0%})"]
    lines.append("Shares: " + ", ".join(f"{s.name} {s.share:.0%}" for s in result.scores))
    if result.reasons:
        lines.append("Why:")
        for reason in result.reasons:
            source = f" [{reason.source.title}]" if reason.source else ""
            lines.append(f"  {reason.contribution:+5.1f}  {reason.text}{source}")
    outlook = result.outlook
    if outlook.unanswered:
        state = ("holds whatever you answer to the rest" if outlook.holds
                 else "could still flip")
        lines.append(f"Not sure about {len(outlook.unanswered)} question(s): {state} "
                     f"({name} between {outlook.share_low:.0%} and {outlook.share_high:.0%}).")
        if outlook.next_question:
            lines.append(f"Ask next: {rulebook.question(outlook.next_question).prompt}")
    if result.flips:
        lines.append("What would change it:")
        for flip in result.flips:
            other = rulebook.option(flip.recommendation).name
            lines.append(f"  {flip.prompt} {flip.to_label} -> {other}")
    for note in result.notes:
        lines.append(f"Note: {note.text}")
    for alternative in result.alternatives:
        lines.append(f"Also consider {alternative.name}: {alternative.why} {alternative.url}")
    lines.append("Start here:")
    lines.extend(f"  {link.title}: {link.url}" for link in result.links)
    for feature in result.features:
        for link in feature.links.get(result.recommendation, ()):
            lines.append(f"  {feature.label}: {link.title}: {link.url}")
    lines.append(f"Ruleset {result.ruleset_version}")
    return "\n".join(lines)
