"""How far each language's translation of the knowledge is, and a file to work through.

    manage.py translations             per language: entries translated, missing and stale
    manage.py translations --write es  questions.es.yaml with every missing or stale entry
                                       set to its English and marked "# TODO: translate"

An entry is stale when the English it was translated from has changed since (its `from`
fingerprint no longer matches): guide/engine/translations.py.
"""

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from guide.engine import load_rulebook
from guide.engine.translations import TranslationError, read_translation, status, template
from guide.services.rulebook import translation_file


class Command(BaseCommand):
    help = "Print how far each language's translation of questions.yaml is; --write LANG."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--write",
            metavar="LANG",
            help="rewrite that language's file with what is left to translate marked",
        )

    def handle(self, *args: Any, write: str | None, **options: Any) -> None:
        english = load_rulebook(settings.GUIDE_QUESTIONS_FILE)
        languages = [code for code in settings.GUIDE_LANGUAGES if code != settings.LANGUAGE_CODE]
        if write is not None and write not in languages:
            raise CommandError(f"--write: one of {', '.join(languages)}")
        for language in languages:
            path = translation_file(language)
            try:
                entries = read_translation(path)
            except TranslationError as exc:
                raise CommandError(str(exc)) from exc
            state = status(english, entries, language)
            self.stdout.write(
                f"{language:<8} {len(state.fresh):4} translated  {len(state.missing):4} missing  "
                f"{len(state.stale):4} stale  ({path.name})"
            )
            for key in state.missing:
                self.stdout.write(f"  missing  {key}")
            for key in state.stale:
                self.stdout.write(f"  stale    {key}")
            if state.unknown:
                self.stdout.write(f"  {len(state.unknown)} entries name nothing the rules have")
            if language == write:
                path.write_text(template(english, entries), encoding="utf-8")
                self.stdout.write(f"  wrote {path.name}")
