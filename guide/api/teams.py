"""The team rooms' operations (guide.services.teams does the work):

    POST   /api/teams                          a room → its slug, address and organizer's secret
    GET    /api/teams/{slug}                   its members and the team's verdict (ETag, 304)
    DELETE /api/teams/{slug}                   (organizer) delete it
    POST   /api/teams/{slug}/members           join → the member's id and secret
    PATCH  /api/teams/{slug}/members/{id}      (that member) change their answers
    DELETE /api/teams/{slug}/members/{id}      (that member, or the organizer) leave
    POST   /api/teams/{slug}/settle            (organizer) settle a disagreement
    POST   /api/teams/{slug}/decision          (organizer) record it as a permalink

Secrets travel as ``Authorization: Bearer <token>``: none gives 401, a wrong one 403.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control
from django.utils.http import quote_etag
from django.utils.translation import gettext
from ninja import Status
from ninja.errors import HttpError
from ninja.security import HttpBearer

from guide.models import MAX_MEMBERS, Member, Team
from guide.services import permalinks, room_view, teams

from .errors import AnswersRefused
from .routes import api, limited, read
from .schemas import (
    AnswersIn,
    AnswersOnly,
    DecisionOut,
    MemberCreated,
    MemberIn,
    Message,
    Problem,
    SettleIn,
    TeamCreated,
    TeamIn,
    TeamOut,
)


class Secret(HttpBearer):
    """The bearer token, whoever's it is: each operation checks whose it must be (403)."""

    def authenticate(self, request: HttpRequest, token: str) -> str | None:
        return token or None


SECRET = Secret()
UNAUTHORIZED = {401: Message, 403: Message, 404: Message}


def room(slug: str) -> Team:
    team = teams.find(slug)
    if team is None:
        raise HttpError(404, str(teams.NO_ROOM))
    return team


def organizer(request: HttpRequest, slug: str) -> Team:
    team = room(slug)
    if not teams.is_organizer(team, request.auth):  # type: ignore[attr-defined]
        raise HttpError(403, str(teams.NOT_ORGANIZER))
    return team


def checked_answers(payload: AnswersIn) -> dict[str, str]:
    result = permalinks.check(payload.answers, strict=True, start=payload.start)
    if result.problems:
        raise AnswersRefused(result.problems)
    return teams.member_answers(result)


@api.post(
    "/teams",
    summary="Create a team room",
    **limited(
        "creates too many rooms",
        response={201: TeamCreated, 400: Problem},
        description="A room for one decision. Its `url` is to share: anyone with it may join. "
        "`organizer_token` is shown once: it settles disagreements, records the decision and "
        "deletes the room.",
    ),
)
def create_team(request: HttpRequest, payload: TeamIn) -> Status[dict[str, Any]]:
    team, token = teams.create(request, payload.title)
    return Status(201, {**team_urls(team), "organizer_token": token})


def team_urls(team: Team) -> dict[str, str]:
    return {"slug": team.slug, "url": permalinks.absolute(teams.room_url(team))}


@read(
    "/teams/{slug}",
    response={200: TeamOut, 304: None, 404: Message},
    summary="A team room: its members and the team's verdict",
    description="Poll it with `If-None-Match` set to the last `ETag`: 304 while nothing changed.",
)
def get_team(request: HttpRequest, slug: str) -> Any:
    tag = teams.current_etag(slug)
    if tag is None:
        raise HttpError(404, str(teams.NO_ROOM))
    etag = quote_etag(tag)
    if etag in request.headers.get("If-None-Match", ""):
        response = HttpResponse(status=304)
    else:
        team = room(slug)
        response = api.create_response(request, team_json(room_view.state(team)), status=200)
        etag = quote_etag(teams.etag(team))  # as read with the room
    response["ETag"] = etag
    patch_cache_control(response, no_cache=True, private=True)
    return response


def team_json(state: room_view.Room) -> dict[str, Any]:
    verdict = state.verdict
    return {
        **team_urls(state.team),
        "title": state.team.title,
        "members": [
            {"id": s.id, "name": s.name, "answers": s.answers, "recommendation": s.recommendation}
            for s in state.seats
        ],
        "team": {
            "recommendation": verdict.recommendation,
            "holds": verdict.holds,
            "agreed": dict(verdict.agreed),
            "disagreements": [
                {
                    "question": d.question,
                    "answers": {c: list(n) for c, n in d.answers.items()},
                    "decides": d.decides,
                    "leads_to": {c: list(f) for c, f in d.leads_to.items()},
                }
                for d in verdict.disagreements
            ],
            "settled": dict(state.team.settled),
            "open": list(verdict.open),
            "together": list(verdict.together),
        },
    }


@api.delete(
    "/teams/{slug}",
    response={204: None, **UNAUTHORIZED},
    auth=SECRET,
    summary="Delete a team room (organizer)",
    description="The room and its members are gone at once; decisions it recorded stay.",
)
def delete_team(request: HttpRequest, slug: str) -> Status[None]:
    teams.delete(organizer(request, slug))
    return Status(204, None)


@api.post(
    "/teams/{slug}/members",
    summary="Join a team room",
    **limited(
        "saves too many answers",
        response={201: MemberCreated, 400: Problem, 404: Message, 409: Message},
        description="A member: a name (1–40 characters, unique in the room) and answers, as "
        "for `/api/recommend`. `member_token` is the member's secret: it changes their "
        f"answers. A room holds at most {MAX_MEMBERS} members (409 after).",
    ),
)
def join_team(request: HttpRequest, slug: str, payload: MemberIn) -> Status[dict[str, Any]]:
    team = room(slug)
    teams.may_answer(request)
    member, token = teams.join(request, team, payload.name, checked_answers(payload))
    return Status(201, {"id": member.pk, "member_token": token})


def member_of(request: HttpRequest, slug: str, member_id: int) -> tuple[Team, Member]:
    team = room(slug)
    member = team.members.filter(pk=member_id).first()
    if member is None:
        raise HttpError(404, str(teams.NO_MEMBER))
    return team, member


@api.patch(
    "/teams/{slug}/members/{int:member_id}",
    auth=SECRET,
    summary="Change a member's answers (that member)",
    **limited(
        "saves too many answers",
        response={204: None, 400: Problem, **UNAUTHORIZED},
        description="The answers replace the member's, with that member's token.",
    ),
)
def change_member(
    request: HttpRequest, slug: str, member_id: int, payload: AnswersOnly
) -> Status[None]:
    _, member = member_of(request, slug, member_id)
    if not teams.holds_secret(member, request.auth):  # type: ignore[attr-defined]
        raise HttpError(403, str(teams.NOT_MEMBER))
    teams.may_answer(request)
    teams.update(request, member, checked_answers(payload))
    return Status(204, None)


@api.delete(
    "/teams/{slug}/members/{int:member_id}",
    response={204: None, **UNAUTHORIZED},
    auth=SECRET,
    summary="Remove a member (that member, or the organizer)",
)
def remove_member(request: HttpRequest, slug: str, member_id: int) -> Status[None]:
    team, member = member_of(request, slug, member_id)
    token = request.auth  # type: ignore[attr-defined]
    if not (teams.is_organizer(team, token) or teams.holds_secret(member, token)):
        raise HttpError(403, gettext("Only this member or the room's organizer can remove them."))
    teams.remove(member)
    return Status(204, None)


@api.post(
    "/teams/{slug}/settle",
    auth=SECRET,
    summary="Settle a disagreement on one choice (organizer)",
    **limited(
        "settles too often",
        response={200: TeamOut, 400: Problem, **UNAUTHORIZED},
        description="The team counts `choice` as its answer to `question`, keeping who said "
        "what; `choice` null unsettles it. The choice must be one a member gave.",
    ),
)
def settle(request: HttpRequest, slug: str, payload: SettleIn) -> dict[str, Any]:
    team = organizer(request, slug)
    teams.settle(request, team, payload.question, payload.choice)
    return team_json(room_view.state(team))


@api.post(
    "/teams/{slug}/decision",
    auth=SECRET,
    summary="Record the team's decision as a permalink (organizer)",
    **limited(
        "makes too many links",
        response={201: DecisionOut, **UNAUTHORIZED, 409: Message},
        description="A permalink of the team's answers with a team section: its members as "
        "decision-makers, each disagreement and how it was settled. 409 while the framework "
        "still depends on how the disagreements are settled, or on questions nobody answered "
        "(its message says which).",
    ),
)
def record(request: HttpRequest, slug: str) -> Status[dict[str, Any]]:
    team = organizer(request, slug)
    link = room_view.record(request, team)
    return Status(201, {"url": permalinks.absolute(permalinks.link_url(link)), "slug": link.slug})
