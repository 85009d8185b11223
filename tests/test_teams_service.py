"""What a team room says about itself (guide/services/teams.py), checked against brute force:
the questions nobody answered that could still change the team's verdict ("Ask everyone"),
and those a member could still change it with ("Your answer could change the team's
verdict"), most decisive first."""

import random

import pytest
from django.test import RequestFactory

from guide.engine import UNSURE
from guide.models import Member, Team, new_slug
from guide.services import room_view, teams
from tests.engine.test_team import RULEBOOK, brute_force, random_room

pytestmark = pytest.mark.django_db


def outcome(members):
    """The team's verdict by brute force: whether it holds, on what, and what decides."""
    holds, named, decides, _ = brute_force(members)
    return (
        holds,
        next(iter(named)) if holds else None,
        frozenset(q for q, d in decides.items() if d),
    )


def stored(members, settled=None):
    team = Team.objects.create(slug=new_slug(), title="t", settled={})
    for name, answers in members.items():
        Member.objects.create(team=team, name=name, name_key=name, key="x", answers=answers)
    return team


def a_change_of(kind, request, team, member):
    return {
        "join": lambda: teams.join(request, team, "Cy", {"auth": "full"}),
        "update": lambda: teams.update(request, member, {"auth": "none"}),
        "remove": lambda: teams.remove(member),
        "settle": lambda: teams.settle(request, team, "auth", None),
        "delete": lambda: teams.delete(team),
    }[kind]


@pytest.mark.parametrize("kind", ["join", "update", "remove", "settle", "delete"])
def test_a_change_to_a_room_deleted_since_it_was_read_is_refused_as_gone(kind, rf):
    team = stored({"ana": {"auth": "full"}, "bo": {"auth": "none"}})
    member = team.members.first()
    Team.objects.filter(pk=team.pk).delete()  # by its organizer, meanwhile
    with pytest.raises(teams.Gone) as gone:
        a_change_of(kind, rf.post("/"), team, member)()
    assert (gone.value.status, gone.value.message) == (404, str(teams.NO_ROOM))
    assert not Member.objects.exists() and not Team.objects.exists()


def test_new_answers_of_a_member_removed_since_they_were_read_are_refused_as_gone(rf):
    team = stored({"ana": {"auth": "full"}, "bo": {"auth": "none"}})
    member = team.members.get(name="ana")
    Member.objects.filter(pk=member.pk).delete()  # removed by the organizer, meanwhile
    with pytest.raises(teams.Gone) as gone:
        teams.update(rf.post("/"), member, {"auth": "none"})
    assert (gone.value.status, gone.value.message) == (404, str(teams.NO_MEMBER))
    assert list(team.members.values_list("name", flat=True)) == ["bo"]


def test_not_sure_is_no_choice_to_settle_a_disagreement_on(rf):
    team = stored({"ana": {"auth": "full"}, "bo": {"auth": UNSURE}, "cy": {"auth": "none"}})
    with pytest.raises(teams.Refused):
        teams.settle(rf.post("/"), team, "auth", UNSURE)
    team.refresh_from_db()
    assert team.settled == {}


def a_room(seed):
    rng = random.Random(seed)
    members, kept_open = random_room(rng)
    for answers in members.values():
        for q in kept_open:
            answers.pop(q, None)
    return rng, members, kept_open


@pytest.mark.parametrize("seed", range(12))
def test_ask_everyone_lists_exactly_the_open_questions_an_answer_to_could_change_it(seed):
    _, members, kept_open = a_room(seed)
    room = room_view.state(stored(members))
    now = outcome(members)
    expected = [
        q
        for q in room.verdict.open
        if any(
            outcome({**members, "asked": {q: c}}) != now for c in RULEBOOK.question(q).choice_ids
        )
    ]
    if now[0]:
        assert expected == []  # nothing can change a framework that holds
    assert room_view.open_that_matter(room) == expected


@pytest.mark.parametrize("seed", range(30))
def test_a_member_is_offered_what_teammates_answered_that_could_change_it_most_decisive_first(
    seed, rf
):
    rng, members, _ = a_room(seed)
    name = next(iter(members))
    mine = members[name]
    for q in rng.sample(sorted(q for q, c in mine.items() if c != UNSURE), 2):
        del mine[q]  # answered by the teammates, not by this member
    room = room_view.state(stored(members))
    seat = next(s for s in room.seats if s.name == name)
    offered, current = room_view.offered(rf.get("/"), room, seat.id)
    assert current
    if not seat.settled:
        assert offered == []  # offered once the member's own verdict is settled
        return
    now = outcome(members)
    answered = {q for other, a in members.items() if other != name for q, c in a.items()}
    changes = {}
    for q in answered - set(mine):
        if q not in room.verdict.agreed and q not in {
            d.question for d in room.verdict.disagreements
        }:
            continue  # only "Not sure" from the teammates: nothing was answered
        count = sum(
            outcome({**members, name: {**mine, q: c}}) != now
            for c in RULEBOOK.question(q).choice_ids
        )
        if count:
            changes[q] = count
    assert set(offered) == set(changes)
    assert [changes[q] for q in offered] == sorted(changes.values(), reverse=True)


def test_past_its_page_limit_a_member_is_shown_the_list_last_worked_out_less_what_they_answered(
    rf, monkeypatch
):
    seat_id, offered = next(
        (seat_id, offered)
        for seed in range(200)
        for seat_id, offered in [offered_in_room(seed)]
        if len(offered) >= 2
    )
    team = Team.objects.get()
    answered, *rest = offered
    member = team.members.get(pk=seat_id)
    member.answers = {**member.answers, answered: RULEBOOK.question(answered).choice_ids[0]}
    member.save()
    Team.objects.filter(pk=team.pk).update(version=team.version + 1)  # the room changed

    def refused(request, group):
        raise room_view.Ratelimited()

    worked_out = []
    monkeypatch.setattr(room_view.limits, "spend", refused)
    monkeypatch.setattr(room_view, "_offered", lambda *a: worked_out.append(a) or [])
    room = room_view.state(Team.objects.get())
    assert room_view.offered(rf.get("/"), room, seat_id) == (rest, False)
    assert worked_out == []


def offered_in_room(seed):
    """A room of seed's members, stored (and the rooms before it deleted): its first member,
    and what they are offered."""
    Team.objects.all().delete()
    rng, members, _ = a_room(seed)
    mine = members[next(iter(members))]
    for q in rng.sample(sorted(q for q, c in mine.items() if c != UNSURE), 2):
        del mine[q]
    room = room_view.state(stored(members))
    seat = next(s for s in room.seats if s.name == next(iter(members)))
    return seat.id, room_view.offered(RequestFactory().get("/"), room, seat.id).questions


def test_a_room_that_grows_past_the_settlements_tried_does_not_seem_to_change(monkeypatch):
    """An answer that only takes a room past what the engine tries one by one changes
    neither its framework nor whether it holds: no question is offered for that alone."""
    from guide.engine import team as engine_team
    from guide.engine.team import team_verdict

    members = {
        "ana": {"maintenance": "long", "deadline": "tight", "api": "none", "frontend": "spa"},
        "bo": {"maintenance": "short", "deadline": "relaxed", "api": "simple", "frontend": "none"},
    }
    before = team_verdict(RULEBOOK, members)
    monkeypatch.setattr(engine_team, "SETTLEMENTS_TRIED", 0)
    after = team_verdict(RULEBOOK, members)
    assert before.exact and not after.exact
    deciding = [{d.question for d in v.disagreements if d.decides} for v in (before, after)]
    assert deciding[0] != deciding[1]  # the search counts one more as deciding
    assert not room_view._changed(before, after)
    assert room_view._changed(before, before.__class__(**{**_fields(before), "holds": True}))


def _fields(verdict):
    return {name: getattr(verdict, name) for name in verdict.__dataclass_fields__}
