"""`python manage.py interview [question=choice ...] [--start ID] [--json]`: the interview in a
terminal, one question at a time, the same questions in the same order as on the site."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation
from django.utils.translation import gettext

from guide.engine import UNSURE, Snapshot
from guide.services import permalinks
from guide.services.rulebook import get_rulebook
from guide.wording import interview as words

from .recommend import add_answers_argument, describe, parse_answers


class Command(BaseCommand):
    help = (
        "Answer the guide's questions one at a time until asking more cannot change its "
        "answer, then print the recommendation."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        add_answers_argument(parser)
        parser.add_argument("--start", help="a starting point's id (default: ask)")
        parser.add_argument("--json", action="store_true", help="print the result as JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        with translation.override(options["language"]):
            self.interview(**options)

    def interview(self, **options: Any) -> None:
        rulebook = get_rulebook()
        answers = parse_answers(options["answers"])
        start = options["start"]
        if start is None and not answers:
            start = self.choose_start()
        result = self.result(answers, start)
        while result["outlook"]["next_question"]:
            question = rulebook.question(result["outlook"]["next_question"])
            asked = sum(1 for a in result["answers"] if a["asked"] and not a["assumed"])
            number = gettext("Question %(number)s") % {"number": asked + 1}
            self.say(f"\n{number} · {words.questions_left(result)}")
            labels = [c.label for c in question.choices] + [rulebook.unsure_label]
            picked = self.pick(question.prompt, labels)
            if picked is None:
                break
            answers[question.id] = (
                question.choices[picked].id if picked < len(question.choices) else UNSURE
            )
            result = self.result(answers, start)
        if result["outlook"]["settled"]:
            self.say("\n" + words.settled_line(result))
            for line in words.deciding(result):
                self.say(f"  {line}")
            result = self.ask_needs(answers, start, result)
        if options["json"]:
            self.stdout.write(json.dumps(result, indent=2))
        else:
            self.say("\n" + describe(result))

    def ask_needs(self, answers: dict[str, str], start: str | None, result: Snapshot) -> Snapshot:
        """The "what else" questions, as on the site's screen: each may be skipped, and none
        can change the framework (the engine's settled outlook)."""
        needs = result["outlook"].get("starter_questions", [])
        if not needs or not result["outlook"]["holds"]:
            return result
        rulebook = get_rulebook()
        # A gettext call of its own: xgettext does not look inside f-strings.
        heading = gettext("What else does your project need?")
        self.say(f"\n{heading} {words.needs_offer(result)}")
        for ident in needs:
            question = rulebook.question(ident)
            shown = {a["question"] for a in self.result(answers, start)["answers"]}
            if ident not in shown:
                continue  # a follow-up whose condition the answers so far do not meet
            labels = [c.label for c in question.choices] + [rulebook.unsure_label, gettext("Skip")]
            picked = self.pick(question.prompt, labels)
            if picked is None:
                break
            if picked < len(question.choices):
                answers[ident] = question.choices[picked].id
        return self.result(answers, start)

    def choose_start(self) -> str | None:
        starts = get_rulebook().starting_points
        labels = [f"{s.label}: {s.description}" for s in starts] + [gettext("Something else")]
        picked = self.pick(gettext("What are you building?"), labels)
        return starts[picked].id if picked is not None and picked < len(starts) else None

    def pick(self, prompt: str, labels: list[str]) -> int | None:
        """Ask until the answer is one of the numbers shown; None at the end of the input."""
        self.say(prompt)
        for number, label in enumerate(labels, 1):
            self.say(f"  {number}) {label}")
        while True:
            try:
                given = input("> ").strip()
            except EOFError:
                return None
            if given.isdigit() and 1 <= int(given) <= len(labels):
                return int(given) - 1
            self.say(gettext("Type a number from 1 to %(last)s.") % {"last": len(labels)})

    def result(self, answers: dict[str, str], start: str | None) -> Snapshot:
        checked = permalinks.check(answers, strict=True, start=start)
        if checked.problems:
            raise CommandError("; ".join(p.message for p in checked.problems))
        return permalinks.result_for(checked.answers, checked.start)

    def say(self, text: str) -> None:
        # With --json, the conversation goes to stderr so stdout stays one JSON object.
        stream = self.stderr if self._json else self.stdout
        stream.write(text)

    def execute(self, *args: Any, **options: Any) -> Any:
        self._json = bool(options.get("json"))
        return super().execute(*args, **options)
