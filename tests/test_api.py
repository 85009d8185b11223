import json
import re
from datetime import datetime
from unittest import mock

import pytest
from django.core.cache import cache
from django.db import OperationalError

from guide.models import Permalink, Team
from guide.services.rulebook import get_rulebook

DJANGO_ANSWERS = {"auth": "full", "admin": "yes", "forms": "many", "database": "relational"}
SLUG_URL = re.compile(r"/r/[A-Za-z0-9_-]{16}/$")


def post(client, url, body):
    """POST ``body`` as JSON (a str is sent as it is)."""
    data = body if isinstance(body, str | bytes) else json.dumps(body)
    return client.post(url, data, content_type="application/json")


def assert_refused(response, detail):
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert detail in body["detail"]
    assert body["errors"]
    return body["errors"]


# -- the guide ----------------------------------------------------------------------------


def test_the_guide_lists_every_question_with_its_choices_and_not_sure(client):
    response = client.get("/api/guide")
    assert response.status_code == 200
    guide = response.json()
    rulebook = get_rulebook()
    assert [q["id"] for q in guide["questions"]] == [q.id for q in rulebook.questions]
    for listed, question in zip(guide["questions"], rulebook.questions, strict=True):
        assert listed["prompt"] == question.prompt
        assert listed["help"] == question.help
        assert listed["section"] == question.section
        assert [c["id"] for c in listed["choices"]] == [*question.choice_ids, "unsure"]
        assert listed["choices"][-1] == {"id": "unsure", "label": "Not sure"}


def test_the_guide_says_when_a_follow_up_is_asked(client):
    questions = {q["id"]: q for q in client.get("/api/guide").json()["questions"]}
    assert questions["nosql_store"]["show_if"] == [{"question": "database", "choices": ["nosql"]}]
    assert questions["auth"]["show_if"] == []


def test_the_guide_lists_the_options_and_criteria_and_the_ruleset_version(client):
    guide = client.get("/api/guide").json()
    rulebook = get_rulebook()
    assert guide["ruleset_version"] == rulebook.version
    assert [o["id"] for o in guide["options"]] == ["flask", "django"]
    assert all(o["name"] and o["summary"] for o in guide["options"])
    assert [c["id"] for c in guide["criteria"]] == [c.id for c in rulebook.criteria]
    assert all(c["label"] and c["description"] and c["weight"] > 0 for c in guide["criteria"])


# -- recommend ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_recommend_gives_django_for_full_auth_admin_many_forms_and_relational_data(client):
    response = post(client, "/api/recommend", {"answers": DJANGO_ANSWERS})
    assert response.status_code == 200
    result = response.json()
    assert result["recommendation"] == "django"
    assert result["confidence"] == "clear"
    assert result["ruleset_version"] == get_rulebook().version
    for field in ("margin", "scores", "reasons", "flips", "outlook", "links"):
        assert field in result
    assert {s["option"] for s in result["scores"]} == {"flask", "django"}


@pytest.mark.django_db
def test_recommend_stores_nothing(client):
    post(client, "/api/recommend", {"answers": DJANGO_ANSWERS})
    assert Permalink.objects.count() == 0


def test_recommend_takes_unsure_and_no_answers_at_all(client):
    unsure = post(client, "/api/recommend", {"answers": {"auth": "unsure"}})
    empty = post(client, "/api/recommend", {"answers": {}})
    assert unsure.status_code == empty.status_code == 200
    # The same verdict and points: "Not sure" gives none...
    for key in ("recommendation", "state", "scores", "reasons"):
        assert unsure.json()[key] == empty.json()[key]
    assert empty.json()["confidence"] == "close"
    # ...but it is an answer: the interview never asks that question again.
    assert empty.json()["outlook"]["next_question"] == "existing_code"
    auth = next(a for a in unsure.json()["answers"] if a["question"] == "auth")
    assert (auth["asked"], auth["label"]) == (True, "Not sure")


def test_recommend_ignores_a_follow_up_whose_condition_does_not_hold(client):
    plain = post(client, "/api/recommend", {"answers": {"database": "relational"}})
    extra = post(
        client, "/api/recommend", {"answers": {"database": "relational", "nosql_store": "mongodb"}}
    )
    assert extra.status_code == 200
    assert extra.json() == plain.json()


# -- recommendations (permalinks) ---------------------------------------------------------


@pytest.mark.django_db
def test_recommendations_stores_a_permalink_and_answers_201_with_its_urls(client):
    response = post(client, "/api/recommendations", {"answers": DJANGO_ANSWERS})
    assert response.status_code == 201
    body = response.json()
    assert body["url"].startswith("http://testserver/r/")
    assert SLUG_URL.search(body["url"])
    assert body["url"] == f"http://testserver/r/{body['slug']}/"
    assert body["pdf_url"] == body["url"] + "pdf"
    assert body["created"] is True
    assert body["result"]["recommendation"] == "django"
    link = Permalink.objects.get()
    assert link.slug == body["slug"]
    assert link.answers == DJANGO_ANSWERS


@pytest.mark.django_db
def test_the_same_answers_twice_reuse_the_same_permalink(client):
    first = post(client, "/api/recommendations", {"answers": DJANGO_ANSWERS}).json()
    reordered = dict(reversed(DJANGO_ANSWERS.items()))
    second = post(client, "/api/recommendations", {"answers": reordered})
    assert second.status_code == 201
    assert second.json()["slug"] == first["slug"]
    assert second.json()["created"] is False
    assert Permalink.objects.count() == 1


@pytest.mark.django_db
def test_the_api_and_the_form_share_permalinks(client):
    form = client.post("/", DJANGO_ANSWERS)["Location"]
    api = post(client, "/api/recommendations", {"answers": DJANGO_ANSWERS}).json()
    assert api["url"] == "http://testserver" + form
    assert api["created"] is False


@pytest.mark.django_db
def test_a_stored_permalink_reads_back_with_the_same_result(client):
    made = post(client, "/api/recommendations", {"answers": DJANGO_ANSWERS}).json()
    response = client.get(f"/api/recommendations/{made['slug']}")
    assert response.status_code == 200
    stored = response.json()
    assert stored["slug"] == made["slug"]
    assert stored["url"] == made["url"]
    assert stored["answers"] == DJANGO_ANSWERS
    assert stored["ruleset_version"] == get_rulebook().version
    assert stored["result"] == made["result"]
    assert datetime.fromisoformat(stored["created"]).tzinfo is not None


@pytest.mark.django_db
def test_the_permalink_page_shows_the_verdict_the_api_gave(client):
    made = post(client, "/api/recommendations", {"answers": DJANGO_ANSWERS}).json()
    page = client.get(made["url"].removeprefix("http://testserver"))
    assert page.status_code == 200
    assert f"<h1>{made['result']['recommendation_name']}</h1>" in page.content.decode()
    assert made["result"]["recommendation_name"] == "Django"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "slug", ["AAAAAAAAAAAAAAAA", "short", "AAAAAAAAAAAAAAA%3C", "AAAAAAAAAAAAAAAAA"]
)
def test_an_unknown_or_malformed_slug_is_a_json_404(client, slug):
    response = client.get(f"/api/recommendations/{slug}")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert response.json() == {"detail": "There is no permalink with this slug."}


@pytest.mark.parametrize(
    "url", ["/api/", "/api/nothing", "/api/recommendations/a/b", "/api/guide/"]
)
def test_any_other_address_under_the_api_is_a_json_404(client, url):
    response = client.get(url)
    assert response.status_code == 404
    assert "/api/openapi.json" in response.json()["detail"]


@pytest.mark.django_db
def test_permalinks_made_through_the_api_count_against_the_clients_limit(client, settings):
    cache.clear()
    settings.RATELIMIT_PERMALINKS = "2/m"
    try:
        for size in ("prototype", "small"):
            answers = {"project_size": size}
            assert post(client, "/api/recommendations", {"answers": answers}).status_code == 201
        response = post(client, "/api/recommendations", {"answers": DJANGO_ANSWERS})
        assert response.status_code == 429
        assert response["Retry-After"] == "60"
        assert "Too many requests" in response.json()["detail"]
        # The form shares the limit: the API is no way around it, nor the form around the API.
        assert client.post("/", {"project_size": "large"}).status_code == 429
        assert Permalink.objects.count() == 2
    finally:
        cache.clear()


@pytest.mark.django_db
def test_an_unreachable_database_is_a_json_503(client):
    with mock.patch(
        "guide.models.PermalinkQuerySet.for_answers",
        side_effect=OperationalError("connection refused"),
    ):
        response = post(client, "/api/recommendations", {"answers": DJANGO_ANSWERS})
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "database" in response.json()["detail"]


# -- bad input ----------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/api/recommend", "/api/recommendations"])
def test_an_unknown_choice_is_refused_naming_the_field_and_its_choices(client, url):
    response = post(client, url, {"answers": {"auth": "root", "admin": "yes", "forms": "lots"}})
    errors = assert_refused(response, "Some answers are not valid.")
    assert [(e["question"], e["value"], e["allowed"]) for e in errors] == [
        ("auth", "root", ["none", "simple", "full", "tokens", "unsure"]),
        ("forms", "lots", ["none", "few", "many", "unsure"]),
    ]
    assert errors[0]["field"] == "answers.auth"
    assert "'root' is not a choice of 'auth'" in errors[0]["message"]
    assert Permalink.objects.count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/api/recommend", "/api/recommendations"])
def test_an_unknown_question_is_refused(client, url):
    response = post(client, url, {"answers": {"auth": "full", "colour": "blue"}})
    errors = assert_refused(response, "Some answers are not valid.")
    assert len(errors) == 1
    assert errors[0]["question"] == "colour"
    assert errors[0]["message"] == "unknown question 'colour'"
    assert errors[0]["allowed"] == [q.id for q in get_rulebook().questions]
    assert Permalink.objects.count() == 0


def test_an_empty_choice_is_refused_rather_than_read_as_not_sure(client):
    errors = assert_refused(
        post(client, "/api/recommend", {"answers": {"auth": ""}}), "Some answers are not valid."
    )
    assert errors[0]["question"] == "auth"
    assert "unsure" in errors[0]["allowed"]


ANSWERS_SHAPE = 'The answers must be {"answers": {"<question id>": "<choice id>"}}.'
BODY_SHAPE = "The body does not have the fields this operation takes"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "body, detail",
    [
        ({"answers": ["auth", "full"]}, ANSWERS_SHAPE),
        ({"answers": "auth=full"}, ANSWERS_SHAPE),
        ({"answers": {"auth": None}}, ANSWERS_SHAPE),
        ({"answers": {"auth": 3}}, ANSWERS_SHAPE),
        ({"answers": {"auth": ["full"]}}, ANSWERS_SHAPE),
        ({"auth": "full"}, ANSWERS_SHAPE),  # no answers, and a field it does not take
        ({"answers": {}, "extra": 1}, BODY_SHAPE),
        ([DJANGO_ANSWERS], BODY_SHAPE),
        (42, BODY_SHAPE),
    ],
)
def test_a_body_of_the_wrong_shape_is_refused_saying_what_is_wrong(client, body, detail):
    for url in ("/api/recommend", "/api/recommendations"):
        errors = assert_refused(post(client, url, body), detail)
        assert all(e["message"] for e in errors)
    assert Permalink.objects.count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize("body", [{"title": None}, {"title": ["a"]}, {}, {"title": "a", "x": 1}])
def test_a_team_body_of_the_wrong_shape_is_refused_without_speaking_of_answers(client, body):
    errors = assert_refused(post(client, "/api/teams", body), BODY_SHAPE)
    assert "answers" not in json.dumps(errors)
    assert not Team.objects.exists()


def test_a_wrong_answer_type_names_its_question(client):
    errors = assert_refused(
        post(client, "/api/recommend", {"answers": {"auth": None}}), ANSWERS_SHAPE
    )
    assert errors == [
        {
            "field": "answers.auth",
            "question": "auth",
            "value": None,
            "message": "Input should be a valid string",
            "allowed": [],
        }
    ]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "body", ["auth=full&admin=yes", "{'answers': {}}", '{"answers": {', b"\xff\xfe\x00", ""]
)
def test_a_body_that_is_not_json_is_refused(client, body):
    for url in ("/api/recommend", "/api/recommendations"):
        response = post(client, url, body)
        assert response.status_code == 400
        assert response["Content-Type"].startswith("application/json")
        assert response.json()["errors"]
    assert Permalink.objects.count() == 0


def test_a_question_given_twice_is_refused(client):
    body = '{"answers": {"auth": "full", "auth": "none"}}'
    errors = assert_refused(post(client, "/api/recommend", body), "not valid JSON")
    assert errors[0]["message"] == "the key 'auth' is given more than once"


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/api/recommend", "/api/recommendations"])
def test_an_over_large_body_is_refused_in_json(client, url):
    body = {"answers": DJANGO_ANSWERS, "padding": "x" * 40_000}
    errors = assert_refused(post(client, url, body), "too large")
    assert errors[0]["field"] == "body"
    assert Permalink.objects.count() == 0


@pytest.mark.django_db
def test_the_api_needs_no_csrf_token(client):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    response = post(strict, "/api/recommendations", {"answers": DJANGO_ANSWERS})
    assert response.status_code == 201


def test_other_methods_are_refused(client):
    assert client.get("/api/recommend").status_code == 405
    assert client.put("/api/recommendations").status_code == 405
    assert post(client, "/api/guide", {}).status_code == 405


# -- the OpenAPI document -----------------------------------------------------------------


def test_the_openapi_document_lists_the_guides_and_the_team_rooms_paths(client):
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    document = json.loads(response.content)
    assert document["openapi"].startswith("3.")
    assert document["info"]["title"] == "Flask or Django? API"
    assert document["info"]["version"]
    assert document["info"]["description"]
    assert set(document["paths"]) == {
        "/api/guide",
        "/api/recommend",
        "/api/recommendations",
        "/api/recommendations/{slug}",
        "/api/recommendations/{slug}/starter.zip",
        "/api/teams",
        "/api/teams/{slug}",
        "/api/teams/{slug}/members",
        "/api/teams/{slug}/members/{member_id}",
        "/api/teams/{slug}/settle",
        "/api/teams/{slug}/decision",
    }
    result = document["components"]["schemas"]["Snapshot"]
    for field in (
        "recommendation",
        "confidence",
        "margin",
        "scores",
        "reasons",
        "flips",
        "outlook",
        "links",
        "ruleset_version",
    ):
        assert field in result["required"]


def test_the_openapi_document_lists_each_questions_choices(client):
    schemas = client.get("/api/openapi.json").json()["components"]["schemas"]
    answers = schemas["AnswersIn"]["properties"]["answers"]
    assert answers["additionalProperties"] is False
    assert answers["properties"]["auth"]["enum"] == ["none", "simple", "full", "tokens", "unsure"]
    assert set(answers["properties"]) == {q.id for q in get_rulebook().questions}


def test_there_is_no_interactive_docs_page(client):
    assert client.get("/api/docs").status_code == 404


# -- one contract: the engine's snapshot --------------------------------------------------


def typed_dicts(hint, found=None):
    """Every TypedDict reachable from ``hint``, by name, with its declared fields."""
    import typing

    found = {} if found is None else found
    if isinstance(hint, type) and typing.is_typeddict(hint):
        hints = typing.get_type_hints(hint)
        found[hint.__name__] = set(hints)
        for sub in hints.values():
            typed_dicts(sub, found)
    for arg in typing.get_args(hint):
        typed_dicts(arg, found)
    return found


def test_the_openapi_document_declares_every_field_of_the_snapshot(client):
    from guide.engine import Snapshot

    schemas = client.get("/api/openapi.json").json()["components"]["schemas"]
    for name, fields in typed_dicts(Snapshot).items():
        assert set(schemas[name]["properties"]) == fields, name
    assert set(schemas["Snapshot"]["required"]) == Snapshot.__required_keys__


def test_the_api_returns_the_engines_snapshot_whole(client):
    import random

    from guide.services import permalinks

    rulebook = get_rulebook()
    rng = random.Random(11)
    for _ in range(60):
        answers = {q.id: rng.choice(q.choice_ids) for q in rulebook.questions if rng.random() < 0.5}
        body = post(client, "/api/recommend", {"answers": answers}).json()
        assert body == permalinks.result_for(answers)


def test_the_terminal_and_the_api_give_the_same_json_for_the_same_answers(client):
    import random
    from io import StringIO

    from django.core.management import call_command

    rulebook = get_rulebook()
    rng = random.Random(12)
    for _ in range(40):
        answers = {q.id: rng.choice(q.choice_ids) for q in rulebook.questions if rng.random() < 0.5}
        out = StringIO()
        call_command("recommend", *(f"{q}={c}" for q, c in answers.items()), "--json", stdout=out)
        api = post(client, "/api/recommend", {"answers": answers})
        assert json.loads(out.getvalue()) == api.json()


# -- the interview through the API --------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("answers", [{}, {"auth": "unsure", "admin": "unsure"}])
def test_recommendations_with_nothing_answered_stores_nothing_and_says_what_is_needed(
    client, answers
):
    response = post(client, "/api/recommendations", {"answers": answers})
    assert response.status_code == 400
    assert "Answer at least one question" in response.json()["detail"]
    assert Permalink.objects.count() == 0


def test_the_next_question_is_never_one_already_answered_not_sure_included(client):
    given = {}
    for _ in range(30):
        outlook = post(client, "/api/recommend", {"answers": given}).json()["outlook"]
        if outlook["next_question"] is None:
            break
        assert outlook["next_question"] not in given
        assert outlook["questions_left_max"] >= 1
        given[outlook["next_question"]] = "unsure"
    assert outlook["next_question"] is None and outlook["questions_left_max"] == 0


def test_a_starting_point_is_a_field_of_its_own_and_an_unknown_one_is_refused(client):
    result = post(client, "/api/recommend", {"answers": {}, "start": "shop"}).json()
    assert result["starting_point"]["id"] == "shop"
    assert any(a["assumed"] for a in result["answers"])
    refused = post(client, "/api/recommend", {"answers": {}, "start": "castle"})
    assert refused.status_code == 400
    assert refused.json()["errors"][0]["field"] == "start"


def test_the_guide_lists_the_starting_points(client):
    starts = client.get("/api/guide").json()["starting_points"]
    assert [s["id"] for s in starts] == [s.id for s in get_rulebook().starting_points]
    assert all(s["answers"] for s in starts)
