from pathlib import Path

import pytest
from hypothesis import settings as hypothesis_settings

from config import outages
from guide.services.rulebook import get_rulebook

#: Every question answered but rate limiting, which cannot move the result: Flask, clearly,
#: with a note and alternatives.
ALL_BUT_ONE_ANSWERED = {
    "project_size": "prototype",
    "python_experience": "beginner",
    "ml_model": "no",
    "deadline": "relaxed",
    "auth": "full",
    "forms": "few",
    "database": "none",
    "admin": "no",
    "api": "full",
    "performance": "critical",
    "legacy_integration": "yes",
    "architecture": "microservice",
    "team_knows": "both",
    "existing_code": "none",
    "team_size": "small",
    "maintenance": "short",
    "frontend": "spa",
    "content": "no",
    "realtime": "no",
}
QUESTIONS = Path(__file__).resolve().parents[1] / "questions.yaml"

# No per-example deadline: on a shared two-core machine a slow example is the machine, not the
# engine (speed is measured by `make bench`, never by a test).
hypothesis_settings.register_profile("guide", deadline=None)
hypothesis_settings.load_profile("guide")


def pytest_collection_modifyitems(config, items):
    """The generated starter projects' suites install packages into venvs of their own: they
    run only when asked for by name (`make test-starters`, `-m starter_projects`), whatever
    other -m expression is given."""
    if "starter_projects" in (config.getoption("markexpr") or ""):
        return
    chosen = [item for item in items if "starter_projects" not in item.keywords]
    if len(chosen) < len(items):
        config.hook.pytest_deselected(items=[i for i in items if i not in chosen])
        items[:] = chosen


@pytest.fixture(autouse=True)
def fresh_counts_and_steps():
    """Each test starts with no rate-limit counts and no kept interview steps (in memory: a
    test that clears the Redis cache clears the counts with it)."""
    from django.core.cache import caches

    for alias in ("counters", "steps"):
        if caches[alias].__class__.__name__ == "LocMemCache":
            caches[alias].clear()


@pytest.fixture(autouse=True)
def english_after_each_test():
    """A request in another language leaves it active in the thread that made it (Django's
    LocaleMiddleware activates a language per request and leaves it): each test starts in
    English, as every request outside a language's prefix does."""
    from django.utils import translation

    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def no_outage_yet(monkeypatch):
    """Each test starts with the database and the cache up, as far as the outage reports know
    (config.outages keeps the state of the process)."""
    monkeypatch.setattr(outages, "DATABASE", outages.Outage("database"))
    monkeypatch.setattr(outages, "CACHE", outages.Outage("shared cache"))


@pytest.fixture
def broken_questions(tmp_path, settings):
    """Point the guide at a questions.yaml with an unknown criterion in it."""
    text = QUESTIONS.read_text().replace(
        "effects: {raw_speed: {flask: 1}}", "effects: {warp_speed: {flask: 1}}"
    )
    assert "warp_speed" in text
    path = tmp_path / "questions.yaml"
    path.write_text(text)
    settings.GUIDE_QUESTIONS_FILE = path
    get_rulebook.cache_clear()
    yield path
    get_rulebook.cache_clear()
