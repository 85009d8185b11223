"""Small rulebooks built in the test, so engine tests do not depend on the real file."""

import copy
from typing import Any

import pytest
import yaml

from guide.engine import Rulebook, parse_rulebook

BASE: dict[str, Any] = {
    "title": "Test guide",
    "settings": {"tie_break": "flask", "lean_points": 2, "clear_points": 6, "min_evidence": 2},
    "sources": [{"id": "docs", "title": "Docs", "kind": "docs", "url": "https://example.org/"}],
    "options": [
        {
            "id": "flask",
            "name": "Flask",
            "summary": "Small.",
            "links": [{"title": "Flask quickstart", "url": "https://flask.example/"}],
        },
        {
            "id": "django",
            "name": "Django",
            "summary": "Big.",
            "links": [{"title": "Django tutorial", "url": "https://django.example/"}],
        },
    ],
    "criteria": [
        {"id": "batteries", "label": "Batteries", "description": "Built in.", "weight": 2},
        {"id": "lightness", "label": "Lightness", "description": "Small.", "weight": 1},
    ],
    "sections": [{"id": "main", "title": "Main"}],
    "features": [
        {
            "id": "admin",
            "label": "Admin",
            "links": {
                "flask": [{"title": "Flask-Admin", "url": "https://flask-admin.example/"}],
                "django": [{"title": "Django admin", "url": "https://admin.example/"}],
            },
        },
    ],
    "questions": [
        {
            "id": "size",
            "section": "main",
            "prompt": "How big?",
            "help": "Size matters.",
            "choices": [
                {
                    "id": "small",
                    "label": "Small",
                    "effects": {"lightness": {"flask": 2}},
                    "reason": "Small favours Flask.",
                    "source": "docs",
                },
                {
                    "id": "large",
                    "label": "Large",
                    "effects": {"batteries": {"django": 2}},
                    "reason": "Large favours Django.",
                    "source": "docs",
                },
            ],
        },
        {
            "id": "admin",
            "section": "main",
            "prompt": "Admin?",
            "help": "Back office.",
            "choices": [
                {"id": "no", "label": "No"},
                {
                    "id": "yes",
                    "label": "Yes",
                    "effects": {"batteries": {"django": 1}},
                    "reason": "Django has an admin.",
                    "source": "docs",
                    "features": ["admin"],
                },
            ],
        },
        {
            "id": "store",
            "section": "main",
            "prompt": "Store?",
            "help": "Data.",
            "choices": [
                {"id": "sql", "label": "SQL"},
                {
                    "id": "nosql",
                    "label": "NoSQL",
                    "effects": {"lightness": {"flask": 3}},
                    "reason": "Flask takes any store.",
                    "source": "docs",
                },
            ],
        },
        {
            "id": "mongo",
            "section": "main",
            "prompt": "Mongo?",
            "help": "Which store.",
            "show_if": {"store": "nosql"},
            "choices": [
                {
                    "id": "yes",
                    "label": "Yes",
                    "effects": {"batteries": {"django": 1}},
                    "reason": "Mongo has a Django backend.",
                    "source": "docs",
                },
                {"id": "no", "label": "No"},
            ],
        },
    ],
    "rules": [
        {
            "id": "crud",
            "when": {"size": "large", "admin": "yes"},
            "effects": {"batteries": {"django": 1}},
            "reason": "A large CRUD app.",
            "source": "docs",
            "note": "Django was made for this.",
        },
        {
            "id": "fast",
            "when": {"store": "nosql", "size": "small"},
            "reason": "Small and NoSQL.",
            "source": "docs",
            "alternatives": [{"name": "Falcon", "url": "https://falcon.example/", "why": "Fast."}],
        },
    ],
}


def build(data: dict[str, Any]) -> Rulebook:
    return parse_rulebook(yaml.safe_dump(data, sort_keys=False), file="test.yaml")


@pytest.fixture
def data() -> dict[str, Any]:
    """A deep copy of the small rulebook's data, free to change in a test."""
    return copy.deepcopy(BASE)


@pytest.fixture
def rulebook() -> Rulebook:
    return build(BASE)


def score_of(result, option):
    """One option's entry in a result's scores."""
    return next(s for s in result["scores"] if s["option"] == option)
