"""`python manage.py rules_impact OLD.yaml NEW.yaml [--fixture FILE] [--examples N]`: replay
stored permalinks (or a fixture of them) under two versions of questions.yaml and report how
many verdicts change framework or confidence, with examples."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from guide.engine import RulebookError, load_rulebook
from guide.services.impact import Moved, Stored, replay, stored_links


class Command(BaseCommand):
    help = (
        "Replay stored permalinks under two versions of questions.yaml and report how many "
        "verdicts change."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("old", type=Path, help="the questions.yaml before the change")
        parser.add_argument("new", type=Path, help="the questions.yaml after it")
        parser.add_argument(
            "--fixture",
            type=Path,
            help="a JSON list of {answers, start} to replay instead of the stored permalinks",
        )
        parser.add_argument("--examples", type=int, default=5, help="examples of each change")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            old, new = load_rulebook(options["old"]), load_rulebook(options["new"])
        except RulebookError as exc:
            raise CommandError(str(exc)) from exc
        if options["fixture"]:
            entries = json.loads(Path(options["fixture"]).read_text())
            links = [Stored(e["answers"], e.get("start")) for e in entries]
            where = f"{len(links)} permalinks from {options['fixture']}"
        else:
            links = list(stored_links())
            where = f"{len(links)} stored permalinks"
        report = replay(old, new, links)
        total = max(report.total, 1)
        self.stdout.write(f"Rules {old.version} -> {new.version}, replayed on {where}:")
        for label, moved in (
            ("framework changed", report.framework_changed),
            ("same framework, confidence changed", report.state_changed),
        ):
            share = 100 * len(moved) / total
            self.stdout.write(f"  {label}: {len(moved)} ({share:.1f}%)")
            for example in moved[: options["examples"]]:
                self.stdout.write(f"    {describe(example)}")
        unchanged = report.total - len(report.framework_changed) - len(report.state_changed)
        self.stdout.write(f"  unchanged: {unchanged}")


def describe(moved: Moved) -> str:
    answers = " ".join(f"{q}={c}" for q, c in moved.answers.items()) or "(no answers)"
    start = f"start={moved.start} " if moved.start else ""
    return f"{start}{answers}: {moved.before} -> {moved.after}"
