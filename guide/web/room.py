"""What a team room page says: the team's verdict, its agenda, what is left to ask and each
member's own verdict, from the service's :class:`~guide.services.room_view.Room` (all computed by
the engine's team verdict: nothing here decides anything)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext, ngettext

from guide.services.rulebook import get_rulebook
from guide.wording.lazy import gettext_lazy

if TYPE_CHECKING:
    from guide.services.room_view import Room

JOIN_FIRST = gettext_lazy("Join the room with your name first: then you can answer.")


@dataclass(frozen=True, slots=True)
class Side:
    choice: str
    label: str
    names: list[str]
    leads_to: str  # "leads to Django", or both, depending on the other disagreements
    settled: bool


@dataclass(frozen=True, slots=True)
class Item:
    question: str
    prompt: str
    sides: list[Side]
    settled: str  # the label of the choice the organizer settled it on, or ""


def _leads_to(ids: Any) -> str:
    """Where one side of a disagreement leads: "leads to Django", or, where that hangs on how
    the other disagreements are settled, which way each can go."""
    rulebook = get_rulebook()
    names = [rulebook.option(o).name for o in ids]
    if len(names) == 2:
        return gettext("leads to %(first)s or %(second)s, depending on the other disagreements") % {
            "first": names[0],
            "second": names[1],
        }
    return gettext("leads to %(outcome)s") % {"outcome": "".join(names)}


def answer_link(room: Room, seat: Any, question: str) -> str:
    """Where the member ``seat`` (or nobody: "") answers ``question``: their answers so far,
    and that question asked next."""
    if seat is None:
        return ""
    query = urlencode({**seat.answers, "ask": question})
    return f"{reverse('team_answer', args=[room.team.slug])}?{query}"


def room_words(
    room: Room,
    member_id: int | None,
    *,
    organizer: bool,
    ask: list[str],
    offered: list[str],
    ask_together: bool = False,
) -> dict[str, Any]:
    """Everything the room page says, for a visitor who is the member ``member_id`` (or
    none) and maybe the organizer; ``ask``: the open questions to ask everyone, which
    ``ask_together`` says count together (:func:`guide.services.room_view.ask_everyone`);
    ``offered``: those the member could still change the team's verdict with."""
    rulebook = get_rulebook()
    verdict = room.verdict
    settled = room.team.settled
    answered = [s for s in room.seats if s.recommendation]
    deciding = [d for d in verdict.disagreements if d.decides]
    if not answered:
        headline = gettext("Nobody has answered yet")
        status = gettext("Share the room's address: each person answers on their own.")
    elif verdict.holds:
        name = rulebook.option(verdict.recommendation or "").name
        headline = gettext("%(framework)s, however you settle your differences") % {
            "framework": name
        }
        status = gettext(
            "Every way of settling the disagreements, and any answers still to come, names "
            "%(framework)s."
        ) % {"framework": name}
    elif deciding:
        count = len(deciding)
        headline = ngettext(
            "It hinges on %(count)d question", "It hinges on %(count)d questions", count
        ) % {"count": count}
        status = gettext(
            "Settle the disagreements below, most decisive first: each can change the framework."
        )
    else:
        headline = gettext("Not settled yet")
        status = gettext(
            "No disagreement decides, but questions nobody has answered could still change the "
            "framework."
        )

    def item(d: Any) -> Item:
        question = rulebook.question(d.question)
        sides = [
            Side(
                c,
                question.choice(c).label,
                list(names),
                _leads_to(d.leads_to.get(c, ())),
                settled.get(d.question) == c,
            )
            for c, names in d.answers.items()
        ]
        return Item(d.question, question.prompt, sides, "")

    agenda = [item(d) for d in deciding]
    folded = [item(d) for d in verdict.disagreements if not d.decides]
    agreed_split = []
    for question, given in room.split.items():
        if question in verdict.agreed and settled.get(question) in given:
            q = rulebook.question(question)
            agreed_split.append(
                Item(
                    question,
                    q.prompt,
                    [
                        Side(c, q.choice(c).label, names, "", c == settled[question])
                        for c, names in given.items()
                    ],
                    q.choice(settled[question]).label,
                )
            )
    seat = room.seat(member_id)
    return {
        "headline": headline,
        "status": status,
        "holds": verdict.holds and bool(answered),
        "agenda": agenda,
        "folded": folded,
        "settled_items": agreed_split,
        # Each question with where the visitor, if a member, answers it (else no link).
        "ask": [(rulebook.question(q).prompt, answer_link(room, seat, q)) for q in ask],
        "ask_together": ask_together,
        "seats": [
            {
                "id": s.id,
                "name": s.name,
                "framework": rulebook.option(s.recommendation).name if s.recommendation else "",
                "label": s.confidence if s.recommendation else "",
                "answered": sum(1 for c in s.answers.values()),
                "you": s.id == member_id,
            }
            for s in room.seats
        ],
        "me": seat,
        "offered": [(rulebook.question(q).prompt, answer_link(room, seat, q)) for q in offered],
        "organizer": organizer,
        "member_id": member_id,
    }
