"""Django glue for the engine: the rulebook, loaded once per process and language, and its
system checks."""

from collections.abc import Sequence
from dataclasses import replace
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.apps import AppConfig
from django.conf import settings
from django.core import checks
from django.utils import translation
from django.utils.translation import gettext

from guide.engine import STATE_LABELS, Rulebook, RulebookError, load_rulebook
from guide.engine.translations import (
    TranslationError,
    read_translation,
    status,
    translated,
)


def active_language() -> str:
    """The language the request is answered in, if the guide speaks it; else English."""
    language = translation.get_language() or settings.LANGUAGE_CODE
    return language if language in settings.GUIDE_LANGUAGES else settings.LANGUAGE_CODE


def translation_file(language: str) -> Path:
    """Where a language's translation of the knowledge lives: questions.<language>.yaml."""
    path = Path(settings.GUIDE_QUESTIONS_FILE)
    return path.with_name(f"{path.stem}.{language}{path.suffix}")


@lru_cache(maxsize=8)
def rulebook_in(language: str) -> Rulebook:
    """The rulebook from settings.GUIDE_QUESTIONS_FILE in ``language`` (its translation file's
    fresh entries in place of the English), read and validated once per process.

    Raises RulebookError if the file is broken; the system check below reports that at
    deploy time, so a broken file never reaches a user. A translation file that cannot be
    read leaves the English (its own check says why).
    """
    if language == settings.LANGUAGE_CODE:
        return load_rulebook(settings.GUIDE_QUESTIONS_FILE)
    english = rulebook_in(settings.LANGUAGE_CODE)
    with translation.override(language):
        unsure, unasked = gettext("Not sure"), gettext("Not asked")
        states = {state: gettext(label) for state, label in STATE_LABELS.items()}
    try:
        rulebook = translated(english, read_translation(translation_file(language)))
    except TranslationError:
        rulebook = english
    return replace(rulebook, unsure_label=unsure, unasked_label=unasked, state_labels=states)


def get_rulebook() -> Rulebook:
    """The rulebook in the request's language (:func:`active_language`)."""
    return rulebook_in(active_language())


get_rulebook.cache_clear = rulebook_in.cache_clear  # type: ignore[attr-defined]


@checks.register()
def check_rulebook(
    app_configs: Sequence[AppConfig] | None, **kwargs: Any
) -> list[checks.CheckMessage]:
    """`manage.py check` (and runserver, migrate, gunicorn via wsgi) fail on a bad rulebook."""
    try:
        load_rulebook(settings.GUIDE_QUESTIONS_FILE)
    except RulebookError as exc:
        return [
            checks.Error(
                str(exc),
                hint="Fix questions.yaml; its header documents the schema.",
                id="guide.E001",
            )
        ]
    return []


#: At most this many warnings per language: the rest are counted in one more.
LISTED = 20


@checks.register()
def check_translations(
    app_configs: Sequence[AppConfig] | None, **kwargs: Any
) -> list[checks.CheckMessage]:
    """Each language's translation of the knowledge: a warning for each entry missing, or
    translated from an English that has changed since (guide.W005, naming the entry and the
    language); a file that cannot be read is an error (guide.E002)."""
    try:
        english = load_rulebook(settings.GUIDE_QUESTIONS_FILE)
    except RulebookError:
        return []  # check_rulebook says why
    found: list[checks.CheckMessage] = []
    for language in settings.GUIDE_LANGUAGES:
        if language == settings.LANGUAGE_CODE:
            continue
        path = translation_file(language)
        try:
            entries = read_translation(path)
        except TranslationError as exc:
            found.append(checks.Error(str(exc), id="guide.E002"))
            continue
        state = status(english, entries, language)
        problems = [(key, "is missing") for key in state.missing] + [
            (key, "was translated from an English that has changed since") for key in state.stale
        ]
        for key, what in problems[:LISTED]:
            found.append(
                checks.Warning(
                    f"{path.name}: {key} {what} ({language}): the page shows it in English.",
                    hint="`manage.py translations` lists them all and writes a file to work "
                    "through.",
                    id="guide.W005",
                )
            )
        if len(problems) > LISTED:
            found.append(
                checks.Warning(
                    f"{path.name}: {len(problems) - LISTED} more entries to translate "
                    f"({language}).",
                    id="guide.W005",
                )
            )
    return found
