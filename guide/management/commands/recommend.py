"""`python manage.py recommend project_size=prototype auth=none ... [--json]`"""

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.template.defaultfilters import floatformat

from guide.engine import AnswerError, RulebookError, score
from guide.rules import get_rulebook
from guide.wording import percent, points, shares, too_little_to_go_on


class Command(BaseCommand):
    help = "Score answers (question=choice ...) and print the recommendation."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "answers",
            nargs="*",
            metavar="question=choice",
            help="answers; a question left out counts as 'unsure'",
        )
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
        snapshot = result.to_dict(rulebook)
        if options["json"]:
            self.stdout.write(json.dumps(snapshot, indent=2))
        else:
            self.stdout.write(describe(snapshot))


def describe(result: dict[str, Any]) -> str:
    """A stored result (``Recommendation.to_dict``) as plain text for a terminal, with the
    numbers written as the results page writes them."""
    name = result["recommendation_name"]
    lines = [f"Recommendation: {name} ({result['confidence_label']}; {shares(result['scores'])})"]
    if result["confidence"] == "close" and result["leaning"] != result["recommendation"]:
        ahead = result["leaning_name"]
        lines.append(
            f"  The simpler start: {floatformat(result['evidence'], -1)} of the "
            f"{floatformat(result['min_evidence'], -1)} points needed to pick a side, "
            f"all or most for {ahead}."
            if too_little_to_go_on(result)
            else f"  The simpler start on a close call; {ahead} is slightly ahead."
        )
    names = {s["option"]: s["name"] for s in result["scores"]}
    if result["reasons"]:
        lines.append("Why:")
        for reason in result["reasons"]:
            source = f" [{reason['source']['title']}]" if reason["source"] else ""
            lines.append(
                f"  +{points(reason['contribution'])} for {names[reason['favours']]}: "
                f"{reason['label']}."
                f" {reason['text']}{source}"
            )
    outlook = result["outlook"]
    if unanswered := len(outlook["unanswered"]):
        state = "holds whatever the answers" if outlook["holds"] else "could still flip"
        low, high = percent(outlook["share_low"]), percent(outlook["share_high"])
        share = f"{low}%" if low == high else f"between {low}% and {high}%"
        worst = "" if outlook["holds"] else f"; at worst {outlook['worst_case_name']}"
        lines.append(
            f"Not sure about {unanswered} question{'s' if unanswered != 1 else ''}: "
            f"{state} ({name} {share}{worst})."
        )
        if outlook["next_prompt"]:
            lines.append(f"Ask next: {outlook['next_prompt']}")
    if result["flips"]:
        lines.append("What would change it:")
        for flip in result["flips"]:
            close = ", as a close call" if flip["confidence"] == "close" else ""
            lines.append(
                f"  {flip['prompt']} {flip['to_label']} -> {flip['recommendation_name']}{close}"
            )
    for note in result["notes"]:
        source = f" [{note['source']['title']}]" if note["source"] else ""
        lines.append(f"Note: {note['text']}{source}")
    for alternative in result["alternatives"]:
        lines.append(
            f"Also consider {alternative['name']}: {alternative['why']} {alternative['url']}"
        )
    lines.append("Start here:")
    lines.extend(f"  {link['title']}: {link['url']}" for link in result["links"]["framework"])
    for feature in result["links"]["features"]:
        for link in feature["links"].get(result["recommendation"], ()):
            lines.append(f"  {feature['label']}: {link['title']}: {link['url']}")
    lines.append(f"Ruleset {result['ruleset_version']}")
    return "\n".join(lines)
