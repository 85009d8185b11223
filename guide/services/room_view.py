"""What a team room shows: each member's own verdict, the team's (guide.engine.team), the
questions worth asking, and the decision the organizer records from it.

    room = state(team)                  # each member's verdict and the team's
    offered(request, room, member_id)   # what this member could still change it with
    ask_everyone(room)                  # what nobody answered that could change it
    link = record(request, team)        # a permalink of the team's answers, with its section

The changes that make a room what it is are guide.services.teams's; what is worked out here
for a room is kept in the cache under its version (``teams.etag``), so a room is worked out
again only when it changes.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, NamedTuple

from django.core.cache import caches
from django.http import HttpRequest
from django_ratelimit.exceptions import Ratelimited

from guide.engine import UNSURE, shown_answers
from guide.engine.team import TeamVerdict, team_verdict
from guide.models import Permalink, Team

from . import limits, permalinks
from .rulebook import get_rulebook
from .teams import IDLE_DAYS, NOT_HOLDING, NOTHING_YET, OPEN_DECIDES, NotSettled, etag


@dataclass(frozen=True, slots=True)
class Seat:
    """A member as the room shows them: their own verdict stays theirs."""

    id: int
    name: str
    answers: dict[str, str]
    recommendation: str | None  # None while they have answered nothing
    confidence: str  # its label, as the result words it: "Clear choice", "Likely", ...
    settled: bool  # whether their own framework holds whatever they answer next


@dataclass(frozen=True, slots=True)
class Room:
    team: Team
    seats: tuple[Seat, ...]
    verdict: TeamVerdict
    split: dict[str, dict[str, list[str]]]  # every question members answered differently

    def seat(self, member_id: int | None) -> Seat | None:
        return next((s for s in self.seats if s.id == member_id), None)


def state(team: Team) -> Room:
    """The room as it is now: each member's verdict, and the team's."""
    members = list(team.members.all())
    seats = []
    for member in members:
        result = permalinks.result_for(member.answers)
        answered = any(c != UNSURE for c in member.answers.values())
        seats.append(
            Seat(
                member.pk,
                member.name,
                dict(member.answers),
                result["recommendation"] if answered else None,
                result["confidence_label"],
                bool(result["outlook"]["settled"]),
            )
        )
    named = {m.name: m.answers for m in members}
    verdict = team_verdict(get_rulebook(), named, settled=team.settled)
    return Room(team, tuple(seats), verdict, _split(named))


def _split(members: Mapping[str, Mapping[str, str]]) -> dict[str, dict[str, list[str]]]:
    """Each question the members gave two or more choices to: choice -> names, in the
    rulebook's order of questions and choices (settled or not)."""
    rulebook = get_rulebook()
    split = {}
    for question in rulebook.questions:
        given: dict[str, list[str]] = {}
        for name, answers in members.items():
            choice = answers.get(question.id)
            if choice in question.choice_ids:
                given.setdefault(choice, []).append(name)
        if len(given) > 1:
            split[question.id] = {c: given[c] for c in question.choice_ids if c in given}
    return split


def _changed(before: TeamVerdict, after: TeamVerdict) -> bool:
    """Whether the team's verdict changed: its framework, whether it holds, or which
    disagreements decide. Which decide is compared only where both verdicts tried every
    settlement (``exact``): past that, the engine counts more of them as deciding, and a room
    that crossed the line would seem to change where nothing did."""

    def deciding(verdict: TeamVerdict) -> frozenset[str]:
        return frozenset(d.question for d in verdict.disagreements if d.decides)

    if (before.holds, before.recommendation) != (after.holds, after.recommendation):
        return True
    return before.exact and after.exact and deciding(before) != deciding(after)


class Offered(NamedTuple):
    questions: list[str]
    #: False when the list is the one last worked out, not this version's (see offered).
    current: bool


def offered(request: HttpRequest, room: Room, member_id: int) -> Offered:
    """The questions a member has not answered that teammates have, where the member's answer
    could change the team's verdict (its framework, whether it holds, or which disagreements
    decide), the most decisive first (the most of its choices that change it), once the
    member's own verdict is settled. Worked out once for each change of the room, and then
    counted towards the client's RATELIMIT_PAGES like a page made afresh, so that a client
    that changes a room and views it as each member in turn costs little. A client past
    that limit (a team polling its busy room from one office's address) is not refused: it
    is shown the list as last worked out for the member under today's rules, less what
    they have answered since, and told it is not current (``current`` False), so that it
    asks again once its limit comes back."""
    cache = caches["default"]
    last = f"room-offered-last:{room.team.slug}:{member_id}:{get_rulebook().version}"

    def made() -> list[str]:
        limits.spend(request, "pages")  # only when it is worked out, not when it is kept
        found = _offered(room, member_id)
        cache.set(last, found, timeout=IDLE_DAYS * 86400)
        return found

    try:
        return Offered(_kept(f"room-offered:{etag(room.team)}:{member_id}", made), True)
    except Ratelimited:
        seat = room.seat(member_id)
        if seat is None or not seat.settled:
            return Offered([], False)  # offered once the member's own verdict is settled
        kept = cache.get(last) or []
        return Offered([question for question in kept if question not in seat.answers], False)


def _offered(room: Room, member_id: int) -> list[str]:
    seat = room.seat(member_id)
    if seat is None or not seat.settled:
        return []
    rulebook = get_rulebook()
    named = {s.name: s.answers for s in room.seats}
    answered = set(room.verdict.agreed) | {d.question for d in room.verdict.disagreements}
    ranked = []
    for question in rulebook.questions:
        if question.id not in answered or question.id in seat.answers:
            continue
        changes = sum(
            _changed(
                room.verdict,
                team_verdict(
                    rulebook,
                    {**named, seat.name: {**seat.answers, question.id: choice}},
                    settled=room.team.settled,
                ),
            )
            for choice in question.choice_ids
        )
        if changes:
            ranked.append((-changes, question.id))
    return [question for _, question in sorted(ranked, key=lambda r: r[0])]


def _kept(key: str, make: Callable[[], list[str]]) -> list[str]:
    """``make()``, kept in the cache under ``key`` (which names the room's version): a room
    is worked out again only when it changes, not at every visit."""
    found = caches["default"].get_or_set(key, make, timeout=IDLE_DAYS * 86400)
    return list(found) if found is not None else make()


def open_that_matter(room: Room) -> list[str]:
    """The questions nobody answered whose answer, given by anyone, could still change the
    team's verdict (its framework, whether it holds, or which disagreements decide): none
    once the framework holds, which no answer to them can change."""
    return _kept(f"room-open:{etag(room.team)}", lambda: _open_that_matter(room))


def _open_that_matter(room: Room) -> list[str]:
    verdict = room.verdict
    if verdict.holds or not any(s.recommendation for s in room.seats):
        return []
    rulebook = get_rulebook()
    named = {s.name: s.answers for s in room.seats}
    return [
        question
        for question in verdict.open
        if any(
            _changed(
                verdict,
                team_verdict(
                    rulebook, {**named, "\0asked": {question: c}}, settled=room.team.settled
                ),
            )
            for c in rulebook.question(question).choice_ids
        )
    ]


def ask_everyone(room: Room) -> tuple[list[str], bool]:
    """What the room asks everyone: the open questions an answer to could still change the
    team's verdict (:func:`open_that_matter`), and False; else, where only the open questions
    together keep the framework from holding, those (the engine's ``together``), and True."""
    single = open_that_matter(room)
    if single or not any(s.recommendation for s in room.seats):
        return single, False
    return list(room.verdict.together), bool(room.verdict.together)


# -- recording the decision ---------------------------------------------------------------


def not_holding(verdict: TeamVerdict) -> str:
    """Why a framework that does not hold does not: a disagreement that decides, else (none
    deciding) the questions nobody has answered."""
    if any(d.decides for d in verdict.disagreements):
        return str(NOT_HOLDING)
    return str(OPEN_DECIDES)


def record(request: HttpRequest, team: Team) -> Permalink:
    """A permalink of the team's answers, with a team section: its members (the
    decision-makers) and each disagreement, who said what and how it was settled (by the
    organizer, or, for one that does not decide, on its most given choice). Refused while
    the framework does not hold. Counts towards the client's RATELIMIT_PERMALINKS; a client
    past it is refused before the room is worked out."""
    limits.check(request, "permalinks")
    room = state(team)
    if not room.seats or not any(s.recommendation for s in room.seats):
        raise NotSettled(str(NOTHING_YET))
    if not room.verdict.holds:
        raise NotSettled(str(not_holding(room.verdict)))
    answers = dict(room.verdict.agreed)
    disagreements = []
    for question, given in room.split.items():
        settled = room.team.settled.get(question)
        counted = settled if settled in given else None
        if counted is None:
            counted = max(given, key=lambda c: len(given[c]))  # the first of the most given
        answers[question] = counted
        asked = get_rulebook().question(question)
        disagreements.append(
            {
                "question": question,
                "prompt": asked.prompt,
                "answers": given,
                "labels": {c: asked.choice(c).label for c in given},
                "settled": counted,
                "by": "organizer" if counted == settled else "most",
            }
        )
    checked = permalinks.check(answers, strict=True)
    result = permalinks.result_for(checked.answers)
    if result["recommendation"] != room.verdict.recommendation:
        raise NotSettled(str(NOT_HOLDING))
    section: dict[str, Any] = {
        "title": team.title,
        "members": [s.name for s in room.seats],
        "disagreements": disagreements,
    }
    limits.spend(request, "permalinks")
    stored = shown_answers(checked.answers, result["answers"])
    link, _ = Permalink.objects.for_answers(stored, result, team=section)
    return link
