"""`python manage.py starter auth=full admin=yes ... [--framework flask|django] --output DIR`"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from guide.services.rulebook import get_rulebook
from guide.starters.generator import FEATURES, FRAMEWORKS, spec_from_result, write_tree
from guide.starters.kits import published_source, starter_summary

from .recommend import add_answers_argument, result_of


class Command(BaseCommand):
    help = (
        "Write the starter project for answers (question=choice ...): the recommended "
        "framework's, or --framework's."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        add_answers_argument(parser)
        parser.add_argument("--framework", choices=FRAMEWORKS, help="default: the recommended one")
        parser.add_argument(
            "--output", required=True, type=Path, help="a folder that is missing or empty"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        spec = spec_from_result(result_of(options["answers"]), options["framework"])
        spec = replace(spec, source=published_source())
        output: Path = options["output"]
        try:
            write_tree(spec, output)
        except FileExistsError as exc:
            raise CommandError(f"{exc}: choose a new folder") from exc
        except OSError as exc:
            reason = exc.strerror or exc.__class__.__name__
            raise CommandError(f"could not write {output}: {reason}; nothing was written") from exc
        name = get_rulebook().option(spec.framework).name
        features = [label for feature, label in FEATURES.items() if feature in spec.features]
        self.stdout.write(starter_summary(name, features))
        self.stdout.write(
            f"Written to {output}; its README.md says how to install, test and run it."
        )
        for step in spec.next_steps:
            self.stdout.write(f"Next step, not in the code yet: {step.label}")
