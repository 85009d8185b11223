"""Tests on the real questions.yaml: the verdicts the seed articles state come out as they say."""

from pathlib import Path

import pytest

from guide.engine import CLEAR, CLOSE, LEAN, UNSURE, load_rulebook, score

QUESTIONS = Path(__file__).resolve().parents[2] / "questions.yaml"

CONTRACT = {
    "project_size": ["prototype", "small", "medium", "large"],
    "python_experience": ["beginner", "intermediate", "expert"],
    "auth": ["none", "simple", "full", "tokens"],
    "forms": ["none", "few", "many"],
    "database": ["none", "relational", "nosql"],
    "admin": ["no", "yes"],
    "api": ["none", "simple", "full"],
    "performance": ["normal", "critical"],
    "deadline": ["relaxed", "tight"],
    "legacy_integration": ["no", "yes"],
    "architecture": ["monolith", "microservice"],
    "team_knows": ["flask", "django", "both", "neither"],
    "existing_code": ["none", "flask", "django"],
    "team_size": ["solo", "small", "large"],
    "maintenance": ["short", "long"],
    "frontend": ["server", "spa", "none"],
    "content": ["no", "cms", "multilingual", "both"],
    "realtime": ["no", "websockets", "streaming"],
}


@pytest.fixture(scope="module")
def rulebook():
    return load_rulebook(QUESTIONS)


def test_the_minimum_question_contract_holds(rulebook):
    for question_id, choices in CONTRACT.items():
        assert list(rulebook.question(question_id).choice_ids) == choices


def test_the_criteria_cover_what_the_articles_compare(rulebook):
    ids = {c.id for c in rulebook.criteria}
    assert {
        "batteries",
        "learning_curve",
        "data_freedom",
        "api_tooling",
        "security_defaults",
        "raw_speed",
        "time_to_market",
    } <= ids


def test_both_options_have_starter_links(rulebook):
    assert [o.id for o in rulebook.options] == ["flask", "django"]
    assert all(len(o.links) >= 2 for o in rulebook.options)


@pytest.mark.parametrize(
    "question, choice, feature, flask_link, django_link",
    [
        ("auth", "full", "auth", "Flask-Login", "django.contrib.auth"),
        ("forms", "many", "forms", "Flask-WTF", "ModelForm"),
        ("database", "nosql", "nosql", "Flask-PyMongo", "MongoDB"),
        ("admin", "yes", "admin", "Flask-Admin", "admin"),
        ("api", "full", "rest", "flask-smorest", "Django REST framework"),
        ("rate_limiting", "yes", "rate_limit", "Flask-Limiter", "throttling"),
    ],
)
def test_feature_answers_bring_links_for_both_options(
    rulebook, question, choice, feature, flask_link, django_link
):
    answers = {question: choice}
    if question == "rate_limiting":
        answers["api"] = "full"
    features = {f["feature"]: f for f in score(rulebook, answers)["links"]["features"]}
    assert feature in features
    assert any(flask_link in link["title"] for link in features[feature]["links"]["flask"])
    assert any(django_link in link["title"] for link in features[feature]["links"]["django"])


def test_every_source_is_cited_by_a_choice_or_a_rule(rulebook):
    used = {s for q in rulebook.questions for c in q.choices for s in c.sources}
    used |= {s for r in rulebook.rules for s in r.sources}
    assert used == set(rulebook.sources)


def test_every_source_has_a_web_address(rulebook):
    assert all(s.url.startswith("https://") for s in rulebook.sources.values())


def test_every_claim_and_note_names_a_source(rulebook):
    assert all(c.sources for q in rulebook.questions for c in q.choices if c.effects)
    assert all(r.sources for r in rulebook.rules)


SEED_VERDICTS = {
    # "If your model is small and you just need to answer HTTP requests, go for Flask."
    "a small ML model API for a beginner": (
        {
            "project_size": "prototype",
            "python_experience": "beginner",
            "ml_model": "yes",
            "auth": "none",
            "forms": "none",
            "database": "none",
            "admin": "no",
            "api": "simple",
        },
        "flask",
        {CLEAR},
    ),
    # "If you want to build the next Facebook, Django is the better choice."
    "the next Facebook": (
        {
            "project_size": "large",
            "auth": "full",
            "forms": "many",
            "database": "relational",
            "admin": "yes",
            "api": "full",
            "architecture": "monolith",
        },
        "django",
        {CLEAR},
    ),
    # Flask integrates freely with NoSQL stores; legacy data architectures favour Flask.
    "a NoSQL store": (
        {"project_size": "medium", "database": "nosql", "nosql_store": "other"},
        "flask",
        {CLEAR, LEAN},
    ),
    "legacy data": (
        {
            "project_size": "medium",
            "database": "relational",
            "legacy_integration": "yes",
            "architecture": "microservice",
        },
        "flask",
        {CLEAR, LEAN},
    ),
    # A brand-new CRUD build with no migration burden is where Django is most attractive.
    "a greenfield CRUD app with admin": (
        {
            "project_size": "medium",
            "auth": "simple",
            "forms": "many",
            "database": "relational",
            "admin": "yes",
            "legacy_integration": "no",
        },
        "django",
        {CLEAR},
    ),
    # "For a small system or a micro-service, prefer Flask."
    "a micro-service": (
        {
            "project_size": "small",
            "architecture": "microservice",
            "api": "simple",
            "auth": "none",
            "database": "relational",
        },
        "flask",
        {CLEAR, LEAN},
    ),
    # Django REST framework: versioning, throttling, permissions, browsable API.
    "a versioned REST API with throttling and permissions": (
        {"api": "full", "rate_limiting": "yes", "auth": "full", "database": "relational"},
        "django",
        {CLEAR},
    ),
    # "If you are confused about which to go for, go for Flask."
    "the undecided": ({}, "flask", {CLOSE}),
}


@pytest.mark.parametrize("case", SEED_VERDICTS)
def test_the_seed_articles_verdicts_hold(rulebook, case):
    answers, expected, bands = SEED_VERDICTS[case]
    result = score(rulebook, answers)
    assert result["recommendation"] == expected
    assert result["confidence"] in bands


def test_the_undecided_are_told_it_could_still_flip_and_what_to_ask_first(rulebook):
    result = score(rulebook, {})
    assert not result["outlook"]["holds"]
    assert result["outlook"]["next_question"] is not None


def test_questions_answered_not_sure_are_never_asked_again(rulebook):
    result = score(rulebook, dict.fromkeys(CONTRACT, UNSURE))
    assert result["outlook"]["next_question"] not in CONTRACT
    assert not result["outlook"]["holds"]  # those answers could still change it


def test_a_fast_pure_api_is_pointed_at_fastapi_and_falcon(rulebook):
    result = score(rulebook, {"performance": "critical", "api": "full", "admin": "no"})
    assert {a["name"] for a in result["alternatives"]} == {"FastAPI", "Falcon"}


def test_the_next_facebook_holds_whatever_the_rest_says(rulebook):
    answers, _, _ = SEED_VERDICTS["the next Facebook"]
    assert score(rulebook, answers)["outlook"]["holds"]


def test_docs_advice_names_every_source_and_what_rests_on_it(rulebook):
    advice = (QUESTIONS.parent / "docs" / "advice.md").read_text()
    for source in rulebook.sources.values():
        assert f"]({source.url})" in advice, source.id


def test_every_claim_quotes_a_source_that_was_checked(rulebook):
    """Each choice that gives points and each rule cites at least one source, and every
    source it cites carries the words that back that very claim, and when it was read."""
    claims = [
        (f"{q.id}.{c.id}", c.sources) for q in rulebook.questions for c in q.choices if c.effects
    ]
    claims += [(r.id, r.sources) for r in rulebook.rules]
    for claim, sources in claims:
        assert sources, claim
        for source_id in sources:
            source = rulebook.sources[source_id]
            assert source.quotes.get(claim), f"{source_id} has no quote for {claim}"
            assert source.checked, source_id


def test_answers_the_sources_split_on_give_no_points_and_say_so(rulebook):
    for question, choice in (("python_experience", "beginner"), ("project_size", "prototype")):
        assert not rulebook.question(question).choice(choice).effects
        result = score(rulebook, {question: choice})
        assert result["gap"] == 0 and result["state"] not in (LEAN, CLEAR)
        assert any("sources split" in note["text"] for note in result["notes"])


def test_the_long_term_support_advice_names_todays_releases(rulebook):
    note = next(r.note for r in rulebook.rules if r.id == "long_lived")
    assert "6.2 LTS" in note and "April 2028" in note and "5.2 LTS" in note
