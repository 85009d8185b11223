"""Team rooms (guide/api/teams.py, guide/web/teams.py, guide/services/teams.py), through the
test client: the API's happy path, who may do what, names as text, the team's verdict checked
against trying every settlement, the pages, and the rate limits."""

import itertools
import random
import re
import time
from html import unescape

import pytest
from django.core.cache import caches
from django.test import Client

from guide.engine import UNSURE
from guide.models import MAX_MEMBERS, Member, Permalink, Team
from guide.services import permalinks, room_view, teams
from guide.services.permalinks import result_for
from guide.services.rulebook import get_rulebook
from tests.conftest import ALL_BUT_ONE_ANSWERED

pytestmark = pytest.mark.django_db

API = "/api/teams"
UNKNOWN_SLUG = "A" * 16  # of a slug's form, naming no room

#: Every question answered: Flask with "microservice", Django with "monolith" (the rest
#: agreed), so a team split on the architecture hinges on it alone.
EVERYTHING = {**ALL_BUT_ONE_ANSWERED, "rate_limiting": "no"}
FLASK_SIDE = {**EVERYTHING, "architecture": "microservice"}
DJANGO_SIDE = {**EVERYTHING, "architecture": "monolith"}


# -- helpers ------------------------------------------------------------------------------


def bearer(token):
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def create_room(client, title="Backend for the booking app", **extra):
    return client.post(API, {"title": title}, content_type="application/json", **extra)


def new_room(client, title="Backend for the booking app"):
    response = create_room(client, title)
    assert response.status_code == 201, response.content
    return response.json()


def join(client, slug, name, answers=None, **extra):
    body = {"name": name, "answers": answers or {}}
    return client.post(f"{API}/{slug}/members", body, content_type="application/json", **extra)


def joined(client, slug, name, answers=None):
    response = join(client, slug, name, answers)
    assert response.status_code == 201, response.content
    return response.json()


def room_json(client, slug):
    response = client.get(f"{API}/{slug}")
    assert response.status_code == 200, response.content
    return response.json()


def room_state(client, slug):
    """All a visitor can see of a room: its ETag (its version) and its JSON."""
    response = client.get(f"{API}/{slug}")
    assert response.status_code == 200, response.content
    return response["ETag"], response.json()


def settle(client, slug, token, question, choice):
    body = {"question": question, "choice": choice}
    return client.post(
        f"{API}/{slug}/settle", body, content_type="application/json", **bearer(token)
    )


def decide(client, slug, **headers):
    """The organizer's "record the decision": a POST with no body (the test client would
    otherwise send an empty multipart form, which the API refuses as not JSON)."""
    return client.post(f"{API}/{slug}/decision", content_type="application/json", **headers)


def path_of(url):
    assert url.startswith("http://testserver/")
    return url.removeprefix("http://testserver")


@pytest.fixture
def split_room(client):
    """Ana and Bo agree on everything but the architecture, which decides the framework."""
    room = new_room(client)
    ana = joined(client, room["slug"], "Ana", FLASK_SIDE)
    bo = joined(client, room["slug"], "Bo", DJANGO_SIDE)
    return {**room, "ana": ana, "bo": bo}


# -- the API's happy path -----------------------------------------------------------------


def test_creating_a_room_gives_its_slug_address_and_the_organizers_secret(client):
    response = create_room(client, "Backend for the booking app")
    assert response.status_code == 201
    body = response.json()
    assert set(body) == {"slug", "url", "organizer_token"}
    assert len(body["slug"]) == 16
    assert body["url"] == f"http://testserver/t/{body['slug']}/"
    assert len(body["organizer_token"]) >= 32
    team = Team.objects.get(slug=body["slug"])
    assert body["organizer_token"] not in team.organizer_key  # only its hash is stored


def test_joining_a_room_gives_the_members_id_and_secret(client):
    room = new_room(client)
    response = join(client, room["slug"], "Ana", {"auth": "full", "admin": "yes"})
    assert response.status_code == 201
    body = response.json()
    assert set(body) == {"id", "member_token"}
    member = Member.objects.get(pk=body["id"])
    assert member.name == "Ana" and member.team.slug == room["slug"]
    assert body["member_token"] not in member.key


def test_a_room_reads_back_with_its_members_and_the_teams_verdict(client, split_room):
    slug = split_room["slug"]
    body = room_json(client, slug)
    assert body["slug"] == slug
    assert body["title"] == "Backend for the booking app"
    assert body["url"] == split_room["url"]
    assert [m["name"] for m in body["members"]] == ["Ana", "Bo"]
    ana, bo = body["members"]
    assert ana["id"] == split_room["ana"]["id"] and bo["id"] == split_room["bo"]["id"]
    assert ana["answers"] == FLASK_SIDE and bo["answers"] == DJANGO_SIDE
    assert ana["recommendation"] == "flask" and bo["recommendation"] == "django"
    team = body["team"]
    assert team["recommendation"] is None and team["holds"] is False
    assert team["disagreements"] == [
        {
            "question": "architecture",
            "answers": {"monolith": ["Bo"], "microservice": ["Ana"]},
            "decides": True,
            "leads_to": {"monolith": ["django"], "microservice": ["flask"]},
        }
    ]
    assert team["agreed"] == {q: c for q, c in EVERYTHING.items() if q != "architecture"}
    assert team["open"] == ["nosql_store"]
    assert team["settled"] == {}


def test_a_member_who_has_answered_nothing_has_no_verdict_yet(client):
    room = new_room(client)
    joined(client, room["slug"], "Ana")
    joined(client, room["slug"], "Bo", {"auth": UNSURE})
    body = room_json(client, room["slug"])
    assert [m["recommendation"] for m in body["members"]] == [None, None]
    assert body["team"]["holds"] is False and body["team"]["recommendation"] is None


def test_an_unchanged_room_answers_304_and_a_changed_one_200_with_a_new_etag(client):
    room = new_room(client)
    url = f"{API}/{room['slug']}"
    first = client.get(url)
    assert first.status_code == 200
    etag = first["ETag"]
    assert etag.startswith('"') and etag.endswith('"')
    assert "no-cache" in first["Cache-Control"] and "private" in first["Cache-Control"]
    again = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == etag
    joined(client, room["slug"], "Ana", {"auth": "full"})
    changed = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200
    assert changed["ETag"] != etag
    assert [m["name"] for m in changed.json()["members"]] == ["Ana"]
    assert client.get(url, HTTP_IF_NONE_MATCH=changed["ETag"]).status_code == 304


def test_a_member_changes_their_own_answers_with_their_secret(client, split_room):
    slug, ana = split_room["slug"], split_room["ana"]
    before = client.get(f"{API}/{slug}")["ETag"]
    response = client.patch(
        f"{API}/{slug}/members/{ana['id']}",
        {"answers": DJANGO_SIDE},
        content_type="application/json",
        **bearer(ana["member_token"]),
    )
    assert response.status_code == 204
    etag, body = room_state(client, slug)
    assert etag != before
    assert body["members"][0]["answers"] == DJANGO_SIDE
    assert body["members"][0]["recommendation"] == "django"
    assert body["team"]["disagreements"] == []
    assert body["team"]["holds"] is True and body["team"]["recommendation"] == "django"


def test_the_organizer_removes_a_member(client, split_room):
    slug, bo = split_room["slug"], split_room["bo"]
    response = client.delete(
        f"{API}/{slug}/members/{bo['id']}", **bearer(split_room["organizer_token"])
    )
    assert response.status_code == 204
    body = room_json(client, slug)
    assert [m["name"] for m in body["members"]] == ["Ana"]
    assert body["team"]["holds"] is True and body["team"]["recommendation"] == "flask"


def test_a_member_leaves_with_their_own_secret(client, split_room):
    slug, ana = split_room["slug"], split_room["ana"]
    response = client.delete(f"{API}/{slug}/members/{ana['id']}", **bearer(ana["member_token"]))
    assert response.status_code == 204
    assert [m["name"] for m in room_json(client, slug)["members"]] == ["Bo"]


def test_settling_the_deciding_disagreement_makes_the_framework_hold(client, split_room):
    slug, token = split_room["slug"], split_room["organizer_token"]
    response = settle(client, slug, token, "architecture", "monolith")
    assert response.status_code == 200
    assert response.json()["team"]["holds"] is True
    team = room_json(client, slug)["team"]
    assert team["holds"] is True and team["recommendation"] == "django"
    assert team["settled"] == {"architecture": "monolith"}
    assert team["agreed"]["architecture"] == "monolith"
    assert team["disagreements"] == []
    # Settled the other way, it names the other framework; unsettled, it hinges again.
    settle(client, slug, token, "architecture", "microservice")
    assert room_json(client, slug)["team"]["recommendation"] == "flask"
    assert settle(client, slug, token, "architecture", None).status_code == 200
    team = room_json(client, slug)["team"]
    assert team["holds"] is False and team["settled"] == {}


def test_a_disagreement_is_settled_only_on_a_choice_a_member_gave(client, split_room):
    slug, token = split_room["slug"], split_room["organizer_token"]
    before = room_state(client, slug)
    assert settle(client, slug, token, "auth", "none").status_code == 400  # nobody said "none"
    assert settle(client, slug, token, "no_such_question", "yes").status_code == 400
    assert room_state(client, slug) == before


def test_recording_the_decision_gives_a_permalink_naming_the_members(client, split_room):
    slug, token = split_room["slug"], split_room["organizer_token"]
    settle(client, slug, token, "architecture", "monolith")
    response = decide(client, slug, **bearer(token))
    assert response.status_code == 201
    body = response.json()
    assert body["url"].endswith(f"/r/{body['slug']}/")
    link = Permalink.objects.get(slug=body["slug"])
    assert link.recommendation == "django"
    assert link.team["members"] == ["Ana", "Bo"]
    assert link.team["title"] == "Backend for the booking app"
    (said,) = link.team["disagreements"]
    assert said["question"] == "architecture"
    assert said["answers"] == {"monolith": ["Bo"], "microservice": ["Ana"]}
    assert said["settled"] == "monolith" and said["by"] == "organizer"
    page = client.get(path_of(body["url"]))
    assert page.status_code == 200
    assert "Ana, Bo" in page.content.decode()  # the decision-makers


def test_the_decision_is_refused_with_409_while_the_framework_does_not_hold(client, split_room):
    slug, token = split_room["slug"], split_room["organizer_token"]
    before = room_state(client, slug)
    response = decide(client, slug, **bearer(token))
    assert response.status_code == 409
    assert "settle" in response.json()["detail"]
    assert Permalink.objects.count() == 0
    assert room_state(client, slug) == before


def test_the_decision_of_a_room_where_nobody_answered_is_refused(client):
    room = new_room(client)
    joined(client, room["slug"], "Ana")
    response = decide(client, room["slug"], **bearer(room["organizer_token"]))
    assert response.status_code == 409
    assert Permalink.objects.count() == 0


def test_deleting_a_room_leaves_its_recorded_decision(client, split_room):
    slug, token = split_room["slug"], split_room["organizer_token"]
    settle(client, slug, token, "architecture", "microservice")
    decision = decide(client, slug, **bearer(token)).json()
    assert client.delete(f"{API}/{slug}", **bearer(token)).status_code == 204
    gone = client.get(f"{API}/{slug}")
    assert gone.status_code == 404
    assert gone.json()["detail"]
    assert client.get(f"/t/{slug}/").status_code == 404
    assert Member.objects.count() == 0  # the members went with it
    assert client.get(path_of(decision["url"])).status_code == 200
    assert client.get(f"/api/recommendations/{decision['slug']}").status_code == 200


# -- who may do what ----------------------------------------------------------------------


def organizer_action(client, room, action, headers):
    slug = room["slug"]
    if action == "settle":
        body = {"question": "architecture", "choice": "monolith"}
        return client.post(f"{API}/{slug}/settle", body, content_type="application/json", **headers)
    if action == "decision":
        return decide(client, slug, **headers)
    return client.delete(f"{API}/{slug}", **headers)


@pytest.mark.parametrize("action", ["settle", "decision", "delete"])
@pytest.mark.parametrize(
    ("credential", "status"),
    [("none", 401), ("a member's", 403), ("a wrong", 403), ("another room's", 403)],
)
def test_only_the_organizer_settles_records_and_deletes(
    client, split_room, action, credential, status
):
    slug = split_room["slug"]
    # Settled, so that the framework holds and a decision could be recorded.
    settle(client, slug, split_room["organizer_token"], "architecture", "microservice")
    before = room_state(client, slug)
    tokens = {
        "none": None,
        "a member's": split_room["ana"]["member_token"],
        "a wrong": split_room["organizer_token"][:-4] + "AAAA",
        "another room's": new_room(client, "Another room")["organizer_token"],
    }
    token = tokens[credential]
    response = organizer_action(client, split_room, action, bearer(token) if token else {})
    assert response.status_code == status
    assert response.json()["detail"]
    assert room_state(client, slug) == before
    assert Permalink.objects.count() == 0


def test_a_member_cannot_change_anothers_answers(client, split_room):
    slug, ana, bo = split_room["slug"], split_room["ana"], split_room["bo"]
    before = room_state(client, slug)
    url = f"{API}/{slug}/members/{bo['id']}"
    body = {"answers": FLASK_SIDE}
    for headers, status in [
        (bearer(ana["member_token"]), 403),
        (bearer(split_room["organizer_token"]), 403),  # not even the organizer
        ({}, 401),
    ]:
        response = client.patch(url, body, content_type="application/json", **headers)
        assert response.status_code == status
        assert room_state(client, slug) == before


def test_a_member_cannot_remove_another(client, split_room):
    slug, ana, bo = split_room["slug"], split_room["ana"], split_room["bo"]
    before = room_state(client, slug)
    url = f"{API}/{slug}/members/{bo['id']}"
    assert client.delete(url, **bearer(ana["member_token"])).status_code == 403
    assert client.delete(url).status_code == 401
    assert room_state(client, slug) == before


def test_a_members_secret_works_only_in_their_own_room(client, split_room):
    other = new_room(client, "Another room")
    carol = joined(client, other["slug"], "Carol", {"auth": "full"})
    before = room_state(client, split_room["slug"])
    url = f"{API}/{split_room['slug']}/members/{carol['id']}"  # Carol is not in this room
    response = client.patch(
        url, {"answers": {}}, content_type="application/json", **bearer(carol["member_token"])
    )
    assert response.status_code == 404
    assert room_state(client, split_room["slug"]) == before
    assert room_json(client, other["slug"])["members"][0]["answers"] == {"auth": "full"}


def test_the_51st_member_is_refused_and_the_room_keeps_50(client):
    room = new_room(client)
    for n in range(MAX_MEMBERS):
        joined(client, room["slug"], f"Member {n}", {"auth": "full"} if n % 2 else {})
    before = room_state(client, room["slug"])
    response = join(client, room["slug"], "One too many", {"auth": "full"})
    assert response.status_code == 409
    assert str(MAX_MEMBERS) in response.json()["detail"]
    assert room_state(client, room["slug"]) == before
    assert len(before[1]["members"]) == MAX_MEMBERS


@pytest.mark.parametrize(
    "name",
    [
        "Ana\x07",  # a bell
        "Ana\x00",
        "Ana\u202eevil",  # a right-to-left override
        "Ana\u200b",  # a zero-width space
        "\u200dAna",  # a joiner that joins nothing
        "Ana\u200d",
        "An\u200d\u200da",
        "Ana \u200c Bo",
        "",
        "   ",
        "x" * 41,
    ],
)
def test_a_name_that_is_not_plain_text_of_1_to_40_characters_is_refused(client, name):
    room = new_room(client)
    joined(client, room["slug"], "Bo", {"auth": "full"})
    before = room_state(client, room["slug"])
    response = join(client, room["slug"], name, {"auth": "full"})
    assert response.status_code == 400
    body = response.json()
    assert body["detail"]
    assert [e["field"] for e in body["errors"]] == ["name"]
    assert room_state(client, room["slug"]) == before


def test_a_name_is_stored_with_its_spaces_tidied(client):
    room = new_room(client)
    joined(client, room["slug"], "  Ana   Maria \n ")
    assert room_json(client, room["slug"])["members"][0]["name"] == "Ana Maria"


def test_a_name_with_markup_is_kept_as_text_and_shown_escaped(client):
    room = new_room(client, "<b>Booking</b> backend")
    markup = "<script>alert(1)</script>"
    joined(client, room["slug"], markup, {"auth": "full"})
    assert room_json(client, room["slug"])["members"][0]["name"] == markup
    for url in (f"/t/{room['slug']}/", f"/t/{room['slug']}/live"):
        page = client.get(url)
        assert page.status_code == 200
        html = page.content.decode()
        assert markup not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    html = client.get(f"/t/{room['slug']}/").content.decode()
    assert "<b>Booking</b>" not in html
    assert "&lt;b&gt;Booking&lt;/b&gt; backend" in html


def test_a_name_with_markup_is_shown_escaped_in_the_recorded_decision(client):
    room = new_room(client, "<i>Booking</i>")
    markup = "<img src=x onerror=alert(1)>"
    joined(client, room["slug"], markup, FLASK_SIDE)
    joined(client, room["slug"], "Bo", DJANGO_SIDE)
    settle(client, room["slug"], room["organizer_token"], "architecture", "monolith")
    decision = decide(client, room["slug"], **bearer(room["organizer_token"]))
    assert decision.status_code == 201
    html = client.get(path_of(decision.json()["url"])).content.decode()
    assert markup not in html and "<i>Booking</i>" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;, Bo" in html


@pytest.mark.parametrize("again", ["ANA", "ana", "  Ana ", "aNA"])
def test_a_name_taken_in_the_room_is_refused_whatever_its_case(client, again):
    room = new_room(client)
    joined(client, room["slug"], "Ana", {"auth": "full"})
    before = room_state(client, room["slug"])
    response = join(client, room["slug"], again, {"auth": "none"})
    assert response.status_code == 409
    assert "name" in response.json()["detail"]
    assert room_state(client, room["slug"]) == before


@pytest.mark.parametrize(
    "name",
    [
        "\U0001f469\u200d\U0001f4bb Ana",  # 👩‍💻: an emoji joined by a zero-width joiner
        "\U0001f468\u200d\U0001f469\u200d\U0001f467\u200d\U0001f466",  # 👨‍👩‍👧‍👦
        "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645",  # Persian, a non-joiner within
    ],
)
def test_a_name_with_joiners_within_it_is_accepted_as_written(client, name):
    room = new_room(client)
    assert join(client, room["slug"], name).status_code == 201
    assert room_json(client, room["slug"])["members"][0]["name"] == name


def test_a_name_that_differs_only_by_a_hidden_joiner_is_taken(client):
    room = new_room(client)
    joined(client, room["slug"], "Ana")
    assert join(client, room["slug"], "A\u200dna").status_code == 409


def test_names_are_compared_casefolded(client):
    room = new_room(client)
    joined(client, room["slug"], "Straße")
    assert join(client, room["slug"], "STRASSE").status_code == 409


def test_two_names_that_differ_only_past_40_casefolded_characters_are_both_accepted(client):
    # "ß" casefolds to "ss": each name is 21 characters, whose casefolded forms differ only in
    # their 41st character. Different names: neither is taken.
    room = new_room(client)
    joined(client, room["slug"], "ß" * 20 + "A")
    response = join(client, room["slug"], "ß" * 20 + "B")
    assert response.status_code == 201, response.content
    assert len(room_json(client, room["slug"])["members"]) == 2


def test_the_same_name_may_be_in_two_rooms(client):
    first, second = new_room(client, "One"), new_room(client, "Two")
    joined(client, first["slug"], "Ana")
    joined(client, second["slug"], "Ana")


def test_a_name_is_stored_composed(client):
    room = new_room(client)
    joined(client, room["slug"], "Jose\u0301")  # e and a combining acute accent
    assert room_json(client, room["slug"])["members"][0]["name"] == "Jos\u00e9"
    assert Member.objects.get().name == "Jos\u00e9"
    # The same name typed composed is the same name.
    assert join(client, room["slug"], "JOS\u00c9").status_code == 409


def test_an_unknown_room_is_a_404_everywhere(client):
    for response in (
        client.get(f"{API}/{UNKNOWN_SLUG}"),
        join(client, UNKNOWN_SLUG, "Ana", {"auth": "full"}),
        client.get(f"/t/{UNKNOWN_SLUG}/"),
        client.get(f"/t/{UNKNOWN_SLUG}/live"),
        client.get(f"/t/{UNKNOWN_SLUG}/answer/"),
        client.post(f"/t/{UNKNOWN_SLUG}/join", {"name": "Ana"}),
    ):
        assert response.status_code == 404
    assert client.get(f"{API}/{UNKNOWN_SLUG}").json()["detail"]
    assert Member.objects.count() == 0


@pytest.mark.parametrize(
    ("answers", "question"),
    [
        ({"auth": "sometimes"}, "auth"),  # no such choice
        ({"colour": "blue"}, "colour"),  # no such question
        ({"auth": "full", "admin": ""}, "admin"),  # empty is not "Not sure"
    ],
)
def test_bad_answers_are_refused_naming_the_question(client, answers, question):
    room = new_room(client)
    bo = joined(client, room["slug"], "Bo", {"auth": "full"})
    before = room_state(client, room["slug"])
    response = join(client, room["slug"], "Ana", answers)
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert any(e["question"] == question for e in errors), errors
    assert room_state(client, room["slug"]) == before
    patched = client.patch(
        f"{API}/{room['slug']}/members/{bo['id']}",
        {"answers": answers},
        content_type="application/json",
        **bearer(bo["member_token"]),
    )
    assert patched.status_code == 400
    assert any(e["question"] == question for e in patched.json()["errors"])
    assert room_state(client, room["slug"]) == before


def test_a_room_needs_a_title_of_plain_text(client):
    for title in ("", "  ", "x" * 121, "Booking\x07"):
        response = create_room(client, title)
        assert response.status_code == 400
        assert [e["field"] for e in response.json()["errors"]] == ["title"]
    assert Team.objects.count() == 0


# -- the team's verdict, against trying every settlement ----------------------------------


def top_level_questions():
    return [q for q in get_rulebook().questions if not q.show_if]


def random_room(rng):
    """2-8 members who differ on two to four questions (each answering a random part of them,
    "Not sure" among the choices) and, half the time, agree on every other question (so that
    the framework can hold); otherwise agree on some and leave the rest open."""
    questions = top_level_questions()
    rng.shuffle(questions)
    contested = questions[: rng.randint(2, 4)]
    rest = questions[len(contested) :]
    shared_count = len(rest) if rng.random() < 0.5 else rng.randint(0, len(rest))
    shared = {q.id: rng.choice(q.choice_ids) for q in rest[:shared_count]}
    members = {}
    for n in range(rng.randint(2, 8)):
        answers = dict(shared)
        for q in contested:
            if rng.random() < 0.8:
                answers[q.id] = rng.choice((*q.choice_ids, UNSURE))
        members[f"Member {n}"] = answers
    return members


def every_settlement(members, settled):
    """What the team agreed, its disagreements, and the framework each settlement of them
    names (open questions unanswered), scored by the engine as for one person."""
    given: dict[str, set[str]] = {}
    for answers in members.values():
        for question, choice in answers.items():
            if choice != UNSURE:
                given.setdefault(question, set()).add(choice)
    agreed = {q: next(iter(cs)) for q, cs in given.items() if len(cs) == 1}
    agreed |= {q: c for q, c in settled.items() if c in given.get(q, ())}
    split = {q: sorted(cs) for q, cs in given.items() if q not in agreed}
    order = list(split)
    named = {
        settlement: result_for({**agreed, **dict(zip(order, settlement, strict=True))})[
            "recommendation"
        ]
        for settlement in itertools.product(*(split[q] for q in order))
    }
    return given, agreed, split, order, named


def check_against_every_settlement(body, members, settled):
    given, agreed, split, order, named = every_settlement(members, settled)
    team = body["team"]
    assert team["agreed"] == agreed
    assert team["settled"] == settled
    assert set(team["open"]) == {q.id for q in get_rulebook().questions if q.id not in given}
    listed = {d["question"]: d for d in team["disagreements"]}
    assert set(listed) == set(split)
    flags = [d["decides"] for d in team["disagreements"]]
    assert flags == sorted(flags, reverse=True)  # those that decide first
    for i, question in enumerate(order):
        shown = listed[question]
        who = {
            c: sorted(name for name, a in members.items() if a.get(question) == c)
            for c in split[question]
        }
        assert {c: sorted(names) for c, names in shown["answers"].items()} == who
        decides = any(
            named[s] != named[(*s[:i], other, *s[i + 1 :])]
            for s in named
            for other in split[question]
            if other != s[i]
        )
        assert shown["decides"] == decides, (question, members, settled)
        for choice in split[question]:
            leads = {f for s, f in named.items() if s[i] == choice}
            assert set(shown["leads_to"][choice]) == leads, (question, choice, members)
    frameworks = set(named.values())
    if team["holds"]:
        assert frameworks == {team["recommendation"]}, (members, settled)
    else:
        assert team["recommendation"] is None
    if len(frameworks) > 1:
        assert not team["holds"]


@pytest.mark.parametrize("seed", range(25))
def test_the_teams_verdict_agrees_with_trying_every_settlement(client, seed):
    rng = random.Random(seed)
    members = random_room(rng)
    room = new_room(client, f"Room {seed}")
    slug, token = room["slug"], room["organizer_token"]
    for name, answers in members.items():
        joined(client, slug, name, answers)
    body = room_json(client, slug)
    assert [m["name"] for m in body["members"]] == list(members)
    for seat in body["members"]:
        answers = members[seat["name"]]
        assert seat["answers"] == answers
        answered = any(c != UNSURE for c in answers.values())
        assert seat["recommendation"] == (
            result_for(answers)["recommendation"] if answered else None
        )
    check_against_every_settlement(body, members, {})
    # The organizer settles a disagreement on one of its choices: checked again.
    if body["team"]["disagreements"]:
        shown = rng.choice(body["team"]["disagreements"])
        choice = rng.choice(sorted(shown["answers"]))
        assert settle(client, slug, token, shown["question"], choice).status_code == 200
        check_against_every_settlement(
            room_json(client, slug), members, {shown["question"]: choice}
        )


def random_room_with_follow_ups(rng):
    """Like random_room, the follow-ups among the questions: the members split on the data
    store and the API (and so on whether the follow-ups are asked), each answering a
    follow-up only when their own answers ask it."""
    questions = list(get_rulebook().questions)
    rng.shuffle(questions)
    parents = {"database", "nosql_store", "api", "rate_limiting"}
    contested = [q for q in questions if q.id in parents]
    contested += [q for q in questions if q.id not in parents][: rng.randint(0, 2)]
    rest = [q for q in questions if q not in contested and not q.show_if]
    shared_count = len(rest) if rng.random() < 0.5 else rng.randint(0, len(rest))
    shared = {q.id: rng.choice(q.choice_ids) for q in rest[:shared_count]}
    members = {}
    for n in range(rng.randint(2, 6)):
        answers = dict(shared)
        for q in contested:
            if rng.random() < 0.8:
                answers[q.id] = rng.choice((*q.choice_ids, UNSURE))
        if answers.get("database") != "nosql":
            answers.pop("nosql_store", None)
        if answers.get("api") not in ("simple", "full"):
            answers.pop("rate_limiting", None)
        members[f"Member {n}"] = answers
    return members


@pytest.mark.parametrize("seed", range(10))
def test_the_teams_verdict_agrees_with_trying_every_settlement_with_follow_ups(client, seed):
    rng = random.Random(500 + seed)
    members = random_room_with_follow_ups(rng)
    room = new_room(client)
    for name, answers in members.items():
        joined(client, room["slug"], name, answers)
    body = room_json(client, room["slug"])
    assert {m["name"]: m["answers"] for m in body["members"]} == members
    check_against_every_settlement(body, members, {})


@pytest.mark.parametrize("seed", range(8))
def test_a_team_that_gives_the_same_answers_gets_the_single_persons_verdict(client, seed):
    rng = random.Random(1000 + seed)
    answers = {
        q.id: rng.choice((*q.choice_ids, UNSURE))
        for q in top_level_questions()
        if rng.random() < (0.95 if seed % 2 else 0.5)
    }
    room = new_room(client)
    for n in range(rng.randint(2, 5)):
        joined(client, room["slug"], f"Member {n}", answers)
    team = room_json(client, room["slug"])["team"]
    alone = result_for(answers)
    assert team["disagreements"] == []
    assert team["holds"] == alone["outlook"]["holds"], answers
    if team["holds"]:
        assert team["recommendation"] == alone["recommendation"]


@pytest.fixture
def deleted_on_the_way(monkeypatch):
    """deleted_on_the_way(slug): the room is deleted just after the next request reads it,
    as when its organizer deletes it while that request is on its way."""

    def arrange(slug):
        find = teams.find

        def read_then_deleted(asked):
            team = find(asked)
            Team.objects.filter(slug=slug).delete()
            monkeypatch.setattr(teams, "find", find)
            return team

        monkeypatch.setattr(teams, "find", read_then_deleted)

    return arrange


def test_a_change_through_the_api_to_a_room_deleted_on_its_way_is_a_json_404(
    client, split_room, deleted_on_the_way
):
    slug = split_room["slug"]
    deleted_on_the_way(slug)
    response = join(client, slug, "Cy", {"auth": "full"})
    assert response.status_code == 404
    assert response.json() == {"detail": str(teams.NO_ROOM)}
    assert not Member.objects.filter(name="Cy").exists()
    room = new_room(client)
    joined(client, room["slug"], "Ana", FLASK_SIDE)
    joined(client, room["slug"], "Bo", DJANGO_SIDE)
    deleted_on_the_way(room["slug"])
    response = settle(client, room["slug"], room["organizer_token"], "architecture", "monolith")
    assert response.status_code == 404 and response.json()["detail"] == str(teams.NO_ROOM)


def test_new_answers_through_the_api_from_a_member_removed_on_their_way_are_a_404(
    client, split_room, monkeypatch
):
    """Removed by the organizer just after the request found them: their secret was right,
    so not a 403, and the member is gone."""
    holds_secret = teams.holds_secret

    def checked_then_removed(member, token):
        Member.objects.filter(pk=member.pk).delete()
        return holds_secret(member, token)

    monkeypatch.setattr(teams, "holds_secret", checked_then_removed)
    ana = split_room["ana"]
    response = client.patch(
        f"{API}/{split_room['slug']}/members/{ana['id']}",
        {"answers": {"auth": "none"}},
        content_type="application/json",
        **bearer(ana["member_token"]),
    )
    assert response.status_code == 404
    assert response.json() == {"detail": str(teams.NO_MEMBER)}


# -- the pages ----------------------------------------------------------------------------


def make_room_page(client, title="Backend for the booking app"):
    response = client.post("/t/", {"title": title})
    assert response.status_code == 303
    slug = response["Location"].split("/")[2]
    return slug, response


def test_the_new_room_page_is_a_form(client):
    response = client.get("/t/new")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'action="/t/"' in html and 'name="title"' in html


def test_making_a_room_leads_to_it_and_keeps_the_organizers_secret(client):
    slug, response = make_room_page(client)
    assert response["Location"] == f"/t/{slug}/"
    cookie = response.cookies[f"room_organizer_{slug}"]
    assert cookie["path"] == "/"  # the room in every language
    assert cookie["httponly"]
    assert cookie["samesite"] == "Lax"
    team = Team.objects.get(slug=slug)
    assert team.title == "Backend for the booking app"


def test_the_room_page_shows_the_organizers_secret_once(client):
    slug, _ = make_room_page(client)
    secret = client.cookies[f"room_organizer_{slug}"].value
    first = client.get(f"/t/{slug}/")
    assert first.status_code == 200
    assert secret in first.content.decode()
    assert "Backend for the booking app" in first.content.decode()
    second = client.get(f"/t/{slug}/")
    assert second.status_code == 200
    assert secret not in second.content.decode()
    assert "Delete the room" in second.content.decode()  # still the organizer


def test_a_room_title_the_page_refuses_says_why(client):
    response = client.post("/t/", {"title": "   "})
    assert response.status_code == 400
    assert "title" in response.content.decode()
    assert Team.objects.count() == 0


def test_joining_on_the_page_leads_to_the_interview(client):
    slug, _ = make_room_page(client)
    response = client.post(f"/t/{slug}/join", {"name": "Ana"})
    assert response.status_code == 303
    assert response["Location"] == f"/t/{slug}/answer/"
    assert response.cookies[f"room_member_{slug}"]["path"] == "/"
    page = client.get(f"/t/{slug}/answer/")
    assert page.status_code == 200
    assert "What are you building?" in page.content.decode()
    assert "Decide with your team" not in page.content.decode()  # they already are
    assert "Decide with your team" in client.get("/").content.decode()
    assert [m["name"] for m in room_json(client, slug)["members"]] == ["Ana"]


def test_a_name_the_page_refuses_says_why(client):
    slug, _ = make_room_page(client)
    response = client.post(f"/t/{slug}/join", {"name": "Ana\x07"})
    assert response.status_code == 400
    assert "control characters" in response.content.decode()
    assert f"room_member_{slug}" not in response.cookies
    assert Member.objects.count() == 0


@pytest.mark.parametrize("number", ["\u00b2", "9" * 30, "9" * 4400])
def test_a_member_cookie_with_an_odd_number_is_ignored(client, number):
    # "²".isdigit() is true, but it is no number int() reads; int() refuses 4,300 digits and
    # more, the database a number past 64 bits.
    slug, _ = make_room_page(client)
    stranger = Client()
    stranger.cookies[f"room_member_{slug}"] = f"{number}.secret"
    assert stranger.get(f"/t/{slug}/").status_code == 200
    assert stranger.get(f"/t/{slug}/live").status_code == 200
    assert stranger.get(f"/t/{slug}/answer/").status_code == 403


def test_removing_a_member_by_an_odd_number_is_a_404(client):
    slug, _ = make_room_page(client)
    joined(client, slug, "Ana")
    before = room_state(client, slug)
    for number in ("\u00b2", "1.0", "-1", "9" * 30, "9" * 4400):
        assert client.post(f"/t/{slug}/remove", {"member": number}).status_code == 404
    assert room_state(client, slug) == before


def test_joining_on_the_page_a_room_deleted_on_the_way_is_the_sites_404(client, deleted_on_the_way):
    slug, _ = make_room_page(client)
    deleted_on_the_way(slug)
    response = Client().post(f"/t/{slug}/join", {"name": "Ana"})
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()  # the site's, not the room's
    assert not Member.objects.exists()


def test_answers_sent_by_a_member_removed_meanwhile_are_refused_on_the_room_page(
    client, monkeypatch
):
    slug, _ = make_room_page(client)
    member = Client()
    member.post(f"/t/{slug}/join", {"name": "Ana"})
    member_with = teams.member_with

    def read_then_removed(team, number, token):
        found = member_with(team, number, token)
        assert found is not None
        Member.objects.filter(pk=found.pk).delete()  # by the organizer, meanwhile
        monkeypatch.setattr(teams, "member_with", member_with)
        return found

    monkeypatch.setattr(teams, "member_with", read_then_removed)
    response = member.post(f"/t/{slug}/answer/", {"auth": "full"})
    assert response.status_code == 404
    assert "There is no such member in this room." in unescape(response.content.decode())
    assert Team.objects.filter(slug=slug).exists()


def test_a_change_the_page_refuses_leaves_nothing_worked_out_for_the_next_change(client):
    """The refused change's version is never stored: what the page works out after the
    refusal is for the room as it still is, not kept as if for the change that comes next."""
    slug, _ = make_room_page(client)
    open_two = ("frontend", "content")
    joined(client, slug, "Ana", {q: c for q, c in FLASK_SIDE.items() if q not in open_two})
    refused = client.post(f"/t/{slug}/settle", {"question": "auth", "choice": "tokens"})
    assert refused.status_code == 400  # nobody answered "tokens"
    assert "Ask everyone" in refused.content.decode()  # the two open questions, with Ana alone
    joined(client, slug, "Bo", {q: c for q, c in DJANGO_SIDE.items() if q not in open_two})

    def shown():
        html = client.get(f"/t/{slug}/live").content.decode()
        return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html)

    before = shown()
    caches["default"].clear()  # worked out afresh
    assert shown() == before


def test_the_answer_page_needs_a_member(client):
    slug, _ = make_room_page(client)
    assert Client().get(f"/t/{slug}/answer/").status_code == 403


def test_answers_sent_from_the_page_are_the_members(client):
    slug, _ = make_room_page(client)
    client.post(f"/t/{slug}/join", {"name": "Ana"})
    response = client.post(f"/t/{slug}/answer/", {"auth": "full", "admin": "yes"})
    assert response.status_code == 303
    assert response["Location"] == f"/t/{slug}/"
    (ana,) = room_json(client, slug)["members"]
    assert ana["answers"] == {"auth": "full", "admin": "yes"}
    assert ana["recommendation"] == result_for({"auth": "full", "admin": "yes"})["recommendation"]
    page = client.get(f"/t/{slug}/").content.decode()
    assert "You are in the room as Ana" in page


def test_bad_answers_from_the_page_are_refused(client):
    slug, _ = make_room_page(client)
    client.post(f"/t/{slug}/join", {"name": "Ana"})
    client.post(f"/t/{slug}/answer/", {"auth": "full"})
    before = room_state(client, slug)
    assert client.post(f"/t/{slug}/answer/", {"auth": "sometimes"}).status_code == 400
    assert room_state(client, slug) == before


def test_the_live_part_answers_304_until_the_room_changes(client):
    slug, _ = make_room_page(client)
    first = client.get(f"/t/{slug}/live")
    assert first.status_code == 200
    assert 'id="room-live"' in first.content.decode()
    etag = first["ETag"]
    assert client.get(f"/t/{slug}/live", HTTP_IF_NONE_MATCH=etag).status_code == 304
    joined(client, slug, "Ana", {"auth": "full"})
    again = client.get(f"/t/{slug}/live", HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 200
    assert "Ana" in again.content.decode()


def test_settling_on_the_page_needs_the_organizers_cookie(client, split_room):
    slug = split_room["slug"]
    before = room_state(client, slug)
    stranger = Client()
    response = stranger.post(
        f"/t/{slug}/settle", {"question": "architecture", "choice": "monolith"}
    )
    assert response.status_code == 403
    assert room_state(client, slug) == before
    # A member's browser is not the organizer's either.
    member = Client()
    member.post(f"/t/{slug}/join", {"name": "Carol"})
    before = room_state(client, slug)
    response = member.post(f"/t/{slug}/settle", {"question": "architecture", "choice": "monolith"})
    assert response.status_code == 403
    assert member.post(f"/t/{slug}/decision").status_code == 403
    assert member.post(f"/t/{slug}/delete").status_code == 403
    assert room_state(client, slug) == before
    assert Permalink.objects.count() == 0


def test_the_organizers_browser_settles_and_records_on_the_page(client):
    slug, _ = make_room_page(client)
    joined(client, slug, "Ana", FLASK_SIDE)
    joined(client, slug, "Bo", DJANGO_SIDE)
    response = client.post(f"/t/{slug}/settle", {"question": "architecture", "choice": "monolith"})
    assert response.status_code == 303
    assert room_json(client, slug)["team"]["recommendation"] == "django"
    recorded = client.post(f"/t/{slug}/decision")
    assert recorded.status_code == 303
    assert recorded["Location"].startswith("/r/")
    assert Permalink.objects.get().team["members"] == ["Ana", "Bo"]


def test_a_room_held_up_by_questions_nobody_answered_says_so_and_lets_members_answer_them(
    client,
):
    slug, _ = make_room_page(client)
    client.post(f"/t/{slug}/join", {"name": "Ana"})
    client.post(f"/t/{slug}/answer/", {"auth": "full"})  # Ana: one answer, the rest open
    joined(client, slug, "Bo", {"auth": "full"})
    refused = client.post(f"/t/{slug}/decision")
    assert refused.status_code == 409
    said = " ".join(refused.content.decode().split())
    assert "Questions nobody has answered could still change the team" in said
    assert "settle the ones that decide" not in said  # there is no disagreement to settle
    page = client.get(f"/t/{slug}/").content.decode()
    ask = page[page.index('id="ask-title"') : page.index("</section>", page.index("ask-title"))]
    # One answer alone changes nothing here: the open questions count together.
    assert "Answered together, with your differences settled one way" in ask
    links = re.findall(r'<a href="([^"]+)">', ask)
    assert links and all(link.startswith(f"/t/{slug}/answer/?auth=full&amp;ask=") for link in links)
    # A link asks that question of Ana, her answers kept.
    question = unescape(links[0]).rsplit("ask=", 1)[1]
    step = client.get(unescape(links[0])).content.decode()
    assert f'name="{question}"' in step and 'name="auth" value="full"' in step
    # A visitor who is not a member sees the questions, with nothing to follow.
    stranger = Client().get(f"/t/{slug}/").content.decode()
    stranger_ask = stranger[stranger.index('id="ask-title"') :]
    assert "<a href" not in stranger_ask[: stranger_ask.index("</section>")]


def test_each_side_of_a_deciding_disagreement_says_where_it_leads(client, split_room):
    page = " ".join(client.get(f"/t/{split_room['slug']}/").content.decode().split())
    assert 'One micro-service among many</strong>: Ana <span class="leads">→ leads to Flask' in (
        page
    )
    assert "→ leads to Django</span>" in page


def test_a_side_that_hangs_on_the_other_disagreements_says_so():
    from guide.web.room import _leads_to

    assert _leads_to(("flask",)) == "leads to Flask"
    assert _leads_to(("flask", "django")) == (
        "leads to Flask or Django, depending on the other disagreements"
    )


def test_the_organizers_secret_pasted_in_another_browser_works_there(client):
    slug, _ = make_room_page(client)
    secret = client.cookies[f"room_organizer_{slug}"].value
    other = Client()
    assert other.post(f"/t/{slug}/organizer", {"secret": "wrong"}).status_code == 403
    assert other.post(f"/t/{slug}/organizer", {"secret": secret}).status_code == 303
    assert other.post(f"/t/{slug}/delete").status_code == 200
    assert not Team.objects.exists()


# -- rate limits --------------------------------------------------------------------------


@pytest.fixture
def one_window(monkeypatch):
    """One counting window for the whole test (django-ratelimit's windows are fixed periods)."""
    from django_ratelimit import core

    window = int(time.time()) + 3600
    monkeypatch.setattr(core, "_get_window", lambda value, period: window)
    caches["counters"].clear()
    yield
    caches["counters"].clear()


def test_a_client_that_makes_too_many_rooms_gets_a_json_429(client, settings, one_window):
    settings.RATELIMIT_TEAMS = "2/m"
    new_room(client, "One")
    new_room(client, "Two")
    refused = create_room(client, "Three")
    assert refused.status_code == 429
    assert refused["Content-Type"].startswith("application/json")
    assert refused.json()["detail"]
    assert refused["Retry-After"]
    assert Team.objects.count() == 2
    assert create_room(client, "Three", REMOTE_ADDR="10.9.9.9").status_code == 201  # per client


def test_a_client_that_saves_too_many_answers_gets_a_json_429(client, settings, one_window):
    settings.RATELIMIT_TEAM_ANSWERS = "2/m"
    room = new_room(client)
    ana = joined(client, room["slug"], "Ana", {"auth": "full"})
    patched = client.patch(
        f"{API}/{room['slug']}/members/{ana['id']}",
        {"answers": {"auth": "none"}},
        content_type="application/json",
        **bearer(ana["member_token"]),
    )
    assert patched.status_code == 204
    before = room_state(client, room["slug"])
    refused = join(client, room["slug"], "Bo", {"auth": "full"})
    assert refused.status_code == 429
    assert refused.json()["detail"]
    assert room_state(client, room["slug"]) == before
    again = client.patch(
        f"{API}/{room['slug']}/members/{ana['id']}",
        {"answers": {"auth": "full"}},
        content_type="application/json",
        **bearer(ana["member_token"]),
    )
    assert again.status_code == 429
    assert room_state(client, room["slug"]) == before
    assert join(client, room["slug"], "Bo", REMOTE_ADDR="10.9.9.9").status_code == 201


def test_a_client_past_its_limit_is_refused_before_anything_is_worked_out(
    client, settings, one_window, monkeypatch
):
    """Past its limit, a client's answers are not scored and its room is not worked out:
    the 429 costs a counter's read."""
    settings.RATELIMIT_TEAM_ANSWERS = "1/m"
    settings.RATELIMIT_PERMALINKS = "1/m"
    room = new_room(client)
    ana = joined(client, room["slug"], "Ana", FLASK_SIDE)
    assert client.post("/", {"auth": "full"}).status_code == 303  # the last permalink it may make
    scored = []
    real = permalinks.result_for
    monkeypatch.setattr(permalinks, "result_for", lambda *a, **k: scored.append(a) or real(*a, **k))
    worked_out = []
    real_state = room_view.state
    monkeypatch.setattr(
        room_view, "state", lambda *a, **k: worked_out.append(a) or real_state(*a, **k)
    )
    assert join(client, room["slug"], "Bo", DJANGO_SIDE).status_code == 429
    changed = client.patch(
        f"{API}/{room['slug']}/members/{ana['id']}",
        {"answers": DJANGO_SIDE},
        content_type="application/json",
        **bearer(ana["member_token"]),
    )
    assert changed.status_code == 429
    assert client.post("/", {"auth": "none", "admin": "yes"}).status_code == 429
    assert (
        client.post(
            "/api/recommendations", {"answers": {"auth": "simple"}}, content_type="application/json"
        ).status_code
        == 429
    )
    assert decide(client, room["slug"], **bearer(room["organizer_token"])).status_code == 429
    assert scored == [] and worked_out == []


def test_an_organizer_who_settles_too_often_gets_a_json_429(client, settings, one_window):
    settings.RATELIMIT_TEAM_ANSWERS = "4/m"
    room = new_room(client)
    joined(client, room["slug"], "Ana", FLASK_SIDE)
    joined(client, room["slug"], "Bo", DJANGO_SIDE)
    token = room["organizer_token"]
    statuses = [
        settle(client, room["slug"], token, "architecture", choice).status_code
        for choice in ("monolith", "microservice", "monolith")
    ]
    assert statuses == [200, 200, 429]


def test_a_room_worked_out_again_for_each_member_counts_like_pages_made_afresh(
    client, settings, one_window, monkeypatch
):
    """Each change of a room has it worked out again for each member who views it, counted
    like a page made afresh; past the client's page limit the room is still shown, without
    that work (a team polling its busy room from one office's address keeps seeing it)."""
    settings.RATELIMIT_PAGES = "3/m"
    room = new_room(client)
    members = [
        joined(client, room["slug"], name, {**FLASK_SIDE, "admin": "unsure"})
        for name in ("Ana", "Bo", "Cy", "Di")
    ]
    worked_out = []
    offered = room_view._offered
    monkeypatch.setattr(room_view, "_offered", lambda *a: worked_out.append(a) or offered(*a))
    statuses, tagged = [], []
    for member in members:
        viewer = Client()
        viewer.cookies.load(
            {f"room_member_{room['slug']}": f"{member['id']}.{member['member_token']}"}
        )
        statuses.append(viewer.get(f"/t/{room['slug']}/").status_code)
        live = viewer.get(f"/t/{room['slug']}/live")
        statuses.append(live.status_code)
        tagged.append(live.has_header("ETag"))
    assert statuses == [200] * 8
    assert len(worked_out) == 3
    # What the last one was shown is not this version's: no ETag, so its next poll asks again.
    assert tagged == [True, True, True, False]


def test_a_room_made_from_a_result_has_its_maker_as_a_member_with_those_answers(client):
    answers = {"auth": "full", "admin": "yes"}
    link, _ = Permalink.objects.for_answers(answers, result_for(answers))
    response = client.post("/t/", {"title": "From a result", "name": "Bo", "from": link.slug})
    assert response.status_code == 303
    slug = response["Location"].split("/")[2]
    assert {f"room_organizer_{slug}", f"room_member_{slug}"} <= set(response.cookies)
    [member] = room_json(client, slug)["members"]
    assert member["name"] == "Bo" and member["answers"].items() >= answers.items()


def test_making_a_room_from_a_result_past_the_answers_limit_stores_nothing(
    client, settings, one_window
):
    """The room and its first member are made together, or neither: a client past its limit
    of answers is refused before the room is stored, not left with a room nobody can run."""
    settings.RATELIMIT_TEAM_ANSWERS = "1/m"
    answers = {"auth": "full", "admin": "yes"}
    link, _ = Permalink.objects.for_answers(answers, result_for(answers))
    joined(client, new_room(client)["slug"], "Ana", {"auth": "full"})  # its one answer
    rooms = Team.objects.count()
    response = client.post("/t/", {"title": "From a result", "name": "Bo", "from": link.slug})
    assert response.status_code == 429
    assert Team.objects.count() == rooms and not response.cookies
