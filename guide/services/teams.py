"""Team rooms: several people answer the same questions, and the engine's team verdict
(guide.engine.team) says which of their differences decide the framework. This module makes
and changes rooms; what a room shows, and the decision recorded from it, are
guide.services.room_view's.

    team, organizer_token = create(request, "Backend for the booking app")
    member, member_token = join(request, team, "Ana", {"auth": "full"})
    settle(request, team, "auth", "full")   # the organizer's

No accounts: a room's slug is its address, and the organizer and each member hold a secret
(only its hash is stored). Every change bumps the room's ``version`` in the transaction that
makes it, which serializes the changes of one room (on SQLite the write lock, on PostgreSQL
the room's row lock): two people joining at once are both stored, and the 51st is refused.
"""

from __future__ import annotations

import hmac
import unicodedata
from collections.abc import Mapping
from datetime import timedelta
from typing import cast

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext, gettext_noop

from guide.engine import CheckedAnswers, shown_answers
from guide.models import MAX_MEMBERS, Member, Team, new_slug, new_token, token_key
from guide.wording.lazy import gettext_lazy

from . import limits, permalinks
from .rulebook import active_language, get_rulebook

MAX_NAME = 40
MAX_TITLE = 120
IDLE_DAYS = 90


class Refused(Exception):
    """A room's change that cannot be made; ``status`` is the HTTP status that says why."""

    status = 400

    def __init__(self, message: str, field: str = "body"):
        self.message, self.field = message, field
        super().__init__(message)


class BadName(Refused):
    pass


class NameTaken(Refused):
    status = 409


class RoomFull(Refused):
    status = 409


class NotSettled(Refused):
    status = 409


class Gone(Refused):
    """The room, or the member, was deleted while the request was on its way."""

    status = 404


NAME_RULE = cast(
    str,
    format_lazy(
        gettext_lazy("A name is 1 to {most} characters of text: no control characters."),
        most=MAX_NAME,
    ),
)
ROOM_FULL = cast(
    str,
    format_lazy(
        gettext_lazy("This room already has {most} members, the most a room can have."),
        most=MAX_MEMBERS,
    ),
)
NAME_TAKEN = gettext_lazy(
    "Someone in this room already has that name: add an initial, or pick another."
)
NO_ROOM = gettext_lazy("There is no team room at this address (it may have been deleted).")
NO_MEMBER = gettext_lazy("There is no such member in this room.")
NOT_ORGANIZER = gettext_lazy(
    "Only the room's organizer can do that: their secret is missing or wrong."
)
NOT_MEMBER = gettext_lazy(
    "Only this member can change their answers: their secret is missing or wrong."
)
NOT_HOLDING = gettext_lazy(
    "The team's framework still depends on how its disagreements are settled: settle the "
    "ones that decide first."
)
OPEN_DECIDES = gettext_lazy(
    "Questions nobody has answered could still change the team's framework: answer those "
    "under “Ask everyone” first (an answer of “Not sure” leaves a question open)."
)
NOTHING_YET = gettext_lazy("Nobody in the room has answered anything yet.")


#: The format characters a name may hold, each between two other characters: the zero-width
#: joiner, which joins emoji into one (👩‍💻), and the non-joiner, which Persian and the
#: scripts of India write within words.
JOINERS = "\u200c\u200d"


def clean_text(raw: object, *, most: int, what: str) -> str:
    """``raw`` as stored: NFC, spaces at the ends stripped and runs of spaces made one; text
    with control or format characters (including direction overrides; a joiner only between
    two other characters, :data:`JOINERS`), or empty, or longer than ``most`` characters, is
    refused."""
    if not isinstance(raw, str):
        raise BadName(gettext("The %(what)s must be text.") % {"what": gettext(what)}, what)
    text = " ".join(unicodedata.normalize("NFC", raw).split())
    if not all(_may_stand(text, i) for i in range(len(text))):
        raise BadName(
            gettext("The %(what)s may not contain control characters.") % {"what": gettext(what)},
            what,
        )
    if not 1 <= len(text) <= most:
        raise BadName(
            gettext("The %(what)s must be 1 to %(most)s characters long.")
            % {"what": gettext(what), "most": most},
            what,
        )
    return text


def _may_stand(text: str, i: int) -> bool:
    """Whether ``text[i]`` may be in a name: any but a control or format character, a joiner
    only between two characters that are neither space nor joiner."""
    c = text[i]
    if c in JOINERS:
        around = text[i - 1 : i] + text[i + 1 : i + 2]
        return i > 0 and len(around) == 2 and not any(x.isspace() or x in JOINERS for x in around)
    return unicodedata.category(c)[0] != "C"


def name_key(name: str) -> str:
    """What two names must not share in one room: the name casefolded, without joiners (so
    that "Ana" and "Ana" with a joiner hidden in it are one name)."""
    return "".join(c for c in name.casefold() if c not in JOINERS)


def clean_name(raw: object) -> str:
    return clean_text(raw, most=MAX_NAME, what=gettext_noop("name"))


def clean_title(raw: object) -> str:
    return clean_text(raw, most=MAX_TITLE, what=gettext_noop("title"))


# -- finding ------------------------------------------------------------------------------


def find(slug: str) -> Team | None:
    return Team.objects.filter(slug=slug).first()


def is_organizer(team: Team, token: str | None) -> bool:
    return bool(token) and hmac.compare_digest(team.organizer_key, token_key(token or ""))


def member_number(text: str) -> int | None:
    """A member's id as a browser sends it back (a form field, a cookie), or None when it is
    none: ASCII digits only ("²" is a digit to Python, not a number), and few enough to be a
    row's id (int() refuses a string of 4,300 digits, the database a number past 64 bits)."""
    if text.isascii() and text.isdigit() and len(text) <= 18:
        return int(text)
    return None


def member_with(team: Team, member_id: int, token: str | None) -> Member | None:
    """The member ``member_id`` of ``team`` if ``token`` is their secret."""
    member = team.members.filter(pk=member_id).first()
    return member if member and holds_secret(member, token) else None


def holds_secret(member: Member, token: str | None) -> bool:
    """Whether ``token`` is ``member``'s secret."""
    return bool(token) and hmac.compare_digest(member.key, token_key(token or ""))


def etag(team: Team) -> str:
    """What a room's page and JSON are made of: the room's version, under these rules."""
    return _tag(team.slug, team.version)


def current_etag(slug: str) -> str | None:
    """The ETag of the room ``slug`` as it is now, read with one query of one column (a
    poll that finds nothing changed costs no more); None if there is no such room."""
    # One column by its unique index, in plain SQL: building the ORM's query would cost
    # more than running it, on the one answer a room's pollers ask for every few seconds.
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT version FROM {Team._meta.db_table} WHERE slug = %s", [slug])
        row = cursor.fetchone()
    return None if row is None else _tag(slug, row[0])


def _tag(slug: str, version: int) -> str:
    return f"{slug}-{version}-{get_rulebook().version}-{active_language()}-{settings.RELEASE}"


def room_url(team: Team) -> str:
    return reverse("team_room", kwargs={"slug": team.slug})


# -- changes ------------------------------------------------------------------------------


def _touch(team: Team) -> None:
    """Bump the room's version: called first in each change's transaction, so that it takes
    the lock the rest of the change runs under."""
    if not Team.objects.filter(pk=team.pk).update(version=F("version") + 1, active=timezone.now()):
        raise Gone(str(NO_ROOM))  # deleted since the request read it
    team.refresh_from_db(fields=["version", "active"])


def create(request: HttpRequest, title: object) -> tuple[Team, str]:
    """A new room and its organizer's secret (shown once, stored as a hash). Counts towards
    the client's RATELIMIT_TEAMS."""
    title = clean_title(title)
    limits.spend(request, "teams")
    token = new_token()
    for _ in range(3):
        try:
            with transaction.atomic():
                team = Team.objects.create(
                    slug=new_slug(), title=title, organizer_key=token_key(token)
                )
            return team, token
        except IntegrityError:
            continue  # the random slug collided: draw another
    raise IntegrityError("could not store the room")


def found(
    request: HttpRequest, title: object, name: object, answers: Mapping[str, str]
) -> tuple[Team, str, Member, str]:
    """A new room whose first member, ``name``, answered ``answers`` (a result the room
    starts from): the room and the member, with their secrets, or neither. A client past
    either limit (RATELIMIT_TEAMS, RATELIMIT_TEAM_ANSWERS) is refused before anything is
    stored."""
    clean_title(title), clean_name(name)
    limits.check(request, "teams")
    may_answer(request)
    with transaction.atomic():
        team, token = create(request, title)
        member, secret = join(request, team, name, answers)
    return team, token, member, secret


def may_answer(request: HttpRequest) -> None:
    """``Ratelimited`` if the client has used up its RATELIMIT_TEAM_ANSWERS already: called
    before a member's answers are scored, so a client past its limit costs no scoring."""
    limits.check(request, "team_answers")


def member_answers(checked: CheckedAnswers) -> dict[str, str]:
    """What a member's checked answers store: those the result shows, with what a starting
    point assumed written out (a member's verdict then needs no starting point)."""
    result = permalinks.result_for(checked.answers, checked.start)
    given = {a["question"]: a["choice"] for a in result["answers"] if a["asked"]}
    return shown_answers(given | checked.answers, result["answers"])


def join(
    request: HttpRequest, team: Team, name: object, answers: Mapping[str, str]
) -> tuple[Member, str]:
    """A new member of ``team`` with checked ``answers`` and their secret. Refused past
    MAX_MEMBERS or with a name taken in the room (:func:`name_key`). Counts towards the
    client's RATELIMIT_TEAM_ANSWERS."""
    name = clean_name(name)
    limits.spend(request, "team_answers")
    token = new_token()
    try:
        with transaction.atomic():
            _touch(team)
            if team.members.count() >= MAX_MEMBERS:
                raise RoomFull(str(ROOM_FULL))
            if team.members.filter(name_key=name_key(name)).exists():
                raise NameTaken(str(NAME_TAKEN))
            member = Member.objects.create(
                team=team,
                name=name,
                name_key=name_key(name),
                key=token_key(token),
                answers=dict(answers),
            )
    except IntegrityError:
        raise NameTaken(str(NAME_TAKEN)) from None
    return member, token


def update(request: HttpRequest, member: Member, answers: Mapping[str, str]) -> None:
    """The member's answers replaced by ``answers``; Gone if the member or the room was
    deleted since the request read them."""
    limits.spend(request, "team_answers")
    with transaction.atomic():
        _touch(member.team)
        if not Member.objects.filter(pk=member.pk).update(answers=dict(answers)):
            raise Gone(str(NO_MEMBER))
    member.answers = dict(answers)


def remove(member: Member) -> None:
    with transaction.atomic():
        _touch(member.team)
        member.delete()


def delete(team: Team) -> None:
    """The room and its members, at once; decisions it recorded are permalinks and stay.
    Changes under way are let finish first, and those that come after are refused as Gone
    (on PostgreSQL, a member joining between the two deletions would otherwise be left
    pointing at no room, and the deletion fail). Gone if it was deleted already."""
    with transaction.atomic():
        _touch(team)
        team.delete()


def settle(request: HttpRequest, team: Team, question: str, choice: str | None) -> None:
    """The organizer settles a disagreement on ``choice`` (None: unsettle it). Refused unless
    it is one of the question's choices ("not sure" is none) and some member gave it. Counts
    towards the client's RATELIMIT_TEAM_ANSWERS: each settlement makes the room be worked
    out again for everyone in it."""
    limits.spend(request, "team_answers")
    rulebook = get_rulebook()
    if not rulebook.has_question(question):
        raise Refused(gettext("There is no question “%(id)s”.") % {"id": question[:40]})
    with transaction.atomic():
        _touch(team)
        given = team.members.values_list("answers", flat=True)
        if choice is not None and (
            choice not in rulebook.question(question).choice_ids  # "not sure" settles nothing
            or not any(m.get(question) == choice for m in given)
        ):
            raise Refused(gettext("Settle a disagreement on one of the choices its members gave."))
        team.refresh_from_db(fields=["settled"])
        settled = {q: c for q, c in team.settled.items() if q != question}
        if choice is not None:
            settled[question] = choice
        Team.objects.filter(pk=team.pk).update(settled=settled)
    team.settled = settled


def delete_idle(days: int = IDLE_DAYS) -> int:
    """Delete the rooms with no change for ``days`` days (their members with them); returns
    how many rooms."""
    idle = Team.objects.filter(active__lt=timezone.now() - timedelta(days=days))
    if not connection.features.has_select_for_update:
        # SQLite: every write takes the whole database, so a change and the deletion cannot
        # interleave; a read then a write in one transaction could only fail ("database is
        # locked") when a change commits between them.
        _, deleted = idle.delete()
        return deleted.get(Team._meta.label, 0)
    with transaction.atomic():
        # Locked as changes lock them (_touch): one under way keeps its room, which it makes
        # active again; one that comes after finds the room gone.
        locked = idle.select_for_update(skip_locked=True).values_list("pk", flat=True)
        _, deleted = Team.objects.filter(pk__in=list(locked)).delete()
    return deleted.get(Team._meta.label, 0)
