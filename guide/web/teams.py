"""The team room's pages (guide.services.teams does the work).

    /t/new                 create a room (from a result: its answers become the creator's)
    /t/<slug>/             the room: the team's verdict, its agenda, each member's verdict
    /t/<slug>/live         the same, the part that changes (polled by htmx: ETag, 304)
    /t/<slug>/answer/      a member's interview; its last step saves to the room
    /t/<slug>/join|settle|decision|remove|delete|organizer    the forms' actions (POST)

The organizer's and each member's secrets live in cookies scoped to the room's path; the
page works without JavaScript (every action is a form, and a reload shows what changed).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.http import quote_etag
from django.utils.translation import gettext
from django.views.decorators.http import require_POST, require_safe

from guide.models import Member, Team
from guide.services import permalinks, room_view, teams

from . import room as words
from .interview import interview_context

# The secrets a browser keeps for a room, in cookies named after it (the room's pages are
# at /t/<slug>/ and at /<language>/t/<slug>/: the cookies hold for all of them).
ORGANIZER = "room_organizer"
MEMBER = "room_member"
NEW = "room_new"  # the organizer's secret, shown once after the room is made


def cookie(kind: str, team: Team) -> str:
    """The name of a room's cookie of ``kind`` (ORGANIZER, MEMBER or NEW):
    ``room_organizer_<slug>``."""
    return f"{kind}_{team.slug}"


def _team(slug: str) -> Team:
    team = teams.find(slug)
    if team is None:
        raise Http404(str(teams.NO_ROOM))
    return team


def _member(request: HttpRequest, team: Team) -> Member | None:
    """The member whose secret this browser holds, if it is theirs."""
    ident, _, token = request.COOKIES.get(cookie(MEMBER, team), "").partition(".")
    number = teams.member_number(ident)
    return None if number is None else teams.member_with(team, number, token)


def _member_id(request: HttpRequest, team: Team) -> int | None:
    member = _member(request, team)
    return member.pk if member else None


def _is_organizer(request: HttpRequest, team: Team) -> bool:
    return teams.is_organizer(team, request.COOKIES.get(cookie(ORGANIZER, team)))


def _keep(response: HttpResponse, team: Team, kind: str, value: str, **options: Any) -> None:
    response.set_cookie(
        cookie(kind, team),
        value,
        max_age=options.get("max_age", teams.IDLE_DAYS * 86400),
        httponly=True,
        samesite="Lax",
        secure=settings.CSRF_COOKIE_SECURE,
    )


@require_safe
def new(request: HttpRequest) -> HttpResponse:
    """The form that makes a room; ``from=<permalink slug>`` starts it from that result."""
    source = permalinks.find(request.GET.get("from", "")[:30])
    return render(request, "guide/room_new.html", {"source": source, "errors": {}})


@require_POST
def create(request: HttpRequest) -> HttpResponse:
    source = permalinks.find(request.POST.get("from", "")[:30])
    title, name = request.POST.get("title", ""), request.POST.get("name", "")
    member = None
    try:
        if source is None:
            team, token = teams.create(request, title)
        else:  # the room and its first member, or neither
            team, token, member, secret = teams.found(request, title, name, source.answers)
    except teams.Refused as exc:
        context = {"source": source, "errors": {exc.field: exc.message}, "title": title}
        return render(request, "guide/room_new.html", context | {"name": name}, status=400)
    response = HttpResponseRedirect(teams.room_url(team), status=303)
    _keep(response, team, ORGANIZER, token)
    _keep(response, team, NEW, token, max_age=600)
    if member is not None:
        _keep(response, team, MEMBER, f"{member.pk}.{secret}")
    return response


def _context(request: HttpRequest, team: Team) -> dict[str, Any]:
    room = room_view.state(team)
    member_id = _member_id(request, team)
    ask, together = room_view.ask_everyone(room)
    offered = room_view.offered(request, room, member_id) if member_id else None
    said = words.room_words(
        room,
        member_id,
        organizer=_is_organizer(request, team),
        ask=ask,
        ask_together=together,
        offered=offered.questions if offered else [],
    )
    return {
        "team": team,
        "room": room,
        "said": said,
        "room_url": permalinks.absolute(teams.room_url(team)),
        "current": offered.current if offered else True,
    }


@require_safe
def room(request: HttpRequest, slug: str) -> HttpResponse:
    team = _team(slug)
    context = _context(request, team)
    fresh = request.COOKIES.get(cookie(NEW, team)) if _is_organizer(request, team) else None
    response = render(request, "guide/room.html", context | {"organizer_secret": fresh})
    if fresh:
        response.delete_cookie(cookie(NEW, team))
    patch_cache_control(response, no_store=True, private=True)
    return response


@require_safe
def live(request: HttpRequest, slug: str) -> HttpResponse:
    """The room's changing part, for polling: 304 while neither the room nor who is asking
    (their secrets, as this browser sends them) changed: the browser sends back the ETag,
    and the answer then costs one query. A part shown with what the member was last offered
    (past the client's page limit) has no ETag, so that the next poll asks again."""
    tag = teams.current_etag(slug)
    if tag is None:
        raise Http404(str(teams.NO_ROOM))
    cookies = request.COOKIES
    secrets = f"{cookies.get(f'{ORGANIZER}_{slug}', '')}|{cookies.get(f'{MEMBER}_{slug}', '')}"
    viewer = hashlib.sha256(secrets.encode()).hexdigest()[:16]
    etag = quote_etag(f"{tag}-{viewer}")
    if etag in request.headers.get("If-None-Match", ""):
        response = HttpResponse(status=304)
    else:
        context = _context(request, _team(slug))
        response = render(request, "guide/room.html#live", context)
        if not context["current"]:
            etag = ""
    if etag:
        response["ETag"] = etag
    patch_cache_control(response, no_cache=True, private=True)
    patch_vary_headers(response, ("Cookie",))
    return response


def _back(team: Team) -> HttpResponse:
    return HttpResponseRedirect(teams.room_url(team), status=303)


def _refused(request: HttpRequest, team: Team, message: str, status: int) -> HttpResponse:
    context = _context(request, team) | {"refused": message}
    return render(request, "guide/room.html", context, status=status)


def _refused_by(request: HttpRequest, team: Team, refusal: teams.Refused) -> HttpResponse:
    """The room's page saying why the service refused a change, the room read again as the
    refusal left it (the refused change's version was never stored, and what is worked out
    for the room is kept under its version); the site's 404 page if it was deleted
    meanwhile."""
    fresh = teams.find(team.slug)
    if fresh is None:
        raise Http404(str(teams.NO_ROOM))
    return _refused(request, fresh, refusal.message, refusal.status)


@require_POST
def join(request: HttpRequest, slug: str) -> HttpResponse:
    team = _team(slug)
    if _member_id(request, team) is not None:
        return HttpResponseRedirect(reverse("team_answer", kwargs={"slug": slug}), status=303)
    try:
        member, secret = teams.join(request, team, request.POST.get("name", ""), {})
    except teams.Refused as exc:
        return _refused_by(request, team, exc)
    response = HttpResponseRedirect(reverse("team_answer", kwargs={"slug": slug}), status=303)
    _keep(response, team, MEMBER, f"{member.pk}.{secret}")
    return response


def answer(request: HttpRequest, slug: str) -> HttpResponse:
    """GET: the member's interview, as on the guide's first page; POST (its last step):
    save the answers as the member's and go back to the room."""
    team = _team(slug)
    member = _member(request, team)
    if member is None:
        return _refused(request, team, words.JOIN_FIRST, 403)
    if request.method == "POST":
        teams.may_answer(request)
        checked = permalinks.check(request.POST, strict=False)
        if not checked.ok:
            return _refused(request, team, gettext("Some answers are not valid."), 400)
        try:
            teams.update(request, member, teams.member_answers(checked))
        except teams.Refused as exc:
            return _refused_by(request, team, exc)
        return _back(team)
    if request.method not in ("GET", "HEAD"):
        return HttpResponse(status=405, headers={"Allow": "GET, HEAD, POST"})
    data = request.GET if request.GET else member.answers
    checked = permalinks.check(data, strict=False)
    if not checked.ok:
        checked = permalinks.check(member.answers, strict=False)
    order = [key for key in (request.GET or member.answers) if key in checked.answers]
    base = reverse("team_answer", kwargs={"slug": slug})
    context = interview_context(
        checked,
        order,
        ask=request.GET.get("ask"),
        begun=bool(request.GET) or bool(member.answers),
        needs="needs" in request.GET,
        was=request.GET.get("was"),
        base=base,
    )
    context["room"] = {"url": teams.room_url(team), "title": team.title, "member": member.name}
    step_only = bool(getattr(request, "htmx", None)) and not request.htmx.history_restore_request  # type: ignore[attr-defined]
    template = "guide/interview.html#htmx-step" if step_only else "guide/interview.html"
    response = render(request, template, context)
    patch_vary_headers(response, ("HX-Request",))
    patch_cache_control(response, private=True)
    return response


def organizer_action(
    view: Callable[[HttpRequest, Team], HttpResponse],
) -> Callable[[HttpRequest, str], HttpResponse]:
    """A form only the room's organizer may send: 403 for anyone else, and a change the
    service refuses shown on the room's page with its status."""

    @require_POST
    @wraps(view)
    def checked(request: HttpRequest, slug: str) -> HttpResponse:
        team = _team(slug)
        if not _is_organizer(request, team):
            return _refused(request, team, teams.NOT_ORGANIZER, 403)
        try:
            return view(request, team)
        except teams.Refused as exc:
            return _refused_by(request, team, exc)

    return checked


@organizer_action
def settle(request: HttpRequest, team: Team) -> HttpResponse:
    teams.settle(
        request, team, request.POST.get("question", ""), request.POST.get("choice") or None
    )
    return _back(team)


@organizer_action
def decision(request: HttpRequest, team: Team) -> HttpResponse:
    link = room_view.record(request, team)
    return HttpResponseRedirect(permalinks.link_url(link), status=303)


@require_POST
def remove(request: HttpRequest, slug: str) -> HttpResponse:
    """The organizer removes a member, or a member leaves."""
    team = _team(slug)
    number = teams.member_number(request.POST.get("member", ""))
    member = None if number is None else team.members.filter(pk=number).first()
    if member is None:
        return _refused(request, team, str(teams.NO_MEMBER), 404)
    if not (_is_organizer(request, team) or _member_id(request, team) == member.pk):
        return _refused(
            request, team, gettext("Only this member or the organizer can remove them."), 403
        )
    try:
        teams.remove(member)
    except teams.Refused as exc:
        return _refused_by(request, team, exc)
    return _back(team)


@organizer_action
def delete(request: HttpRequest, team: Team) -> HttpResponse:
    title = team.title
    teams.delete(team)
    return render(request, "guide/room_deleted.html", {"title": title})


@require_POST
def organizer(request: HttpRequest, slug: str) -> HttpResponse:
    """The organizer's secret, pasted in another browser: kept there if it is right."""
    team = _team(slug)
    token = request.POST.get("secret", "").strip()
    if not teams.is_organizer(team, token):
        return _refused(request, team, teams.NOT_ORGANIZER, 403)
    response = _back(team)
    _keep(response, team, ORGANIZER, token)
    return response
