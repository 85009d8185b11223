"""Django glue for the engine: the rulebook, loaded once per process, and its system check."""

from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from django.apps import AppConfig
from django.conf import settings
from django.core import checks

from guide.engine import Rulebook, RulebookError, load_rulebook


@lru_cache(maxsize=1)
def get_rulebook() -> Rulebook:
    """The rulebook from settings.GUIDE_QUESTIONS_FILE, read and validated once per process.

    Raises RulebookError if the file is broken; the system check below reports that at
    deploy time, so a broken file never reaches a user.
    """
    return load_rulebook(settings.GUIDE_QUESTIONS_FILE)


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
