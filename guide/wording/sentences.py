"""The words a result is told in: one home for every sentence and number that the results page,
the live panel, the PDF summary and the terminal show, so no two of them can tell a different
story or disagree by a rounding.

Everything here reads a :class:`~guide.engine.Snapshot` (what a permalink keeps) and returns
plain text; templates add only markup. :func:`tell` gathers it all for one result.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from guide.engine import CLEAR, CLOSE, LEAN, TOO_LITTLE, TOSS_UP, UNSURE, Snapshot
from guide.engine.snapshot import SnapshotFlip, SnapshotNote, SnapshotReason, SnapshotSource

from .numbers import amount, count_of, lead, points

#: Lead-ins shared by every surface (lazy: each is worded in the language active where it
#: is shown).
NEXT_QUESTION = gettext_lazy("The most telling one to answer next:")
PANEL_NEXT_QUESTION = gettext_lazy("Most telling next:")
NO_REASONS = gettext_lazy(
    "No answer favoured either framework, so the guide falls back to the simpler start."
)
NO_FLIPS = gettext_lazy("No single change of answer would change the recommendation.")
ALL_ANSWERED = gettext_lazy("Every question was answered.")


# -- sentences ----------------------------------------------------------------------------


def decided(result: Snapshot) -> bool:
    return result["state"] in (LEAN, CLEAR)


def named_the_tie_break(result: Snapshot) -> bool:
    """A result made before format 3 that named the simpler start on a close call although the
    other framework was ahead (today the guide always names the one ahead)."""
    return result["recommendation"] != result["leaning"]


def headline(result: Snapshot) -> str:
    """The verdict in a few words, as a page's title says it."""
    state, name = result["state"], result["recommendation_name"]
    if decided(result) or named_the_tie_break(result):
        return name
    if not result["gap"]:
        return _("A toss-up") if state == TOSS_UP else _("Too little to go on")
    if state == TOSS_UP:
        return _("A toss-up, leaning %(name)s") % {"name": name}
    return _("Too little to go on, leaning %(name)s") % {"name": name}


def title(result: Snapshot) -> str:
    """The verdict as a sentence, for titles: "The guide recommends Django", or the headline
    of an undecided result ("A toss-up, leaning Django")."""
    if decided(result):
        return _("The guide recommends %(name)s") % {"name": result["recommendation_name"]}
    return headline(result)


def standing(result: Snapshot) -> str:
    """Each option's points: "Flask 3 · Django 9 points"."""
    scores = " · ".join(f"{s['name']} {amount(s['points'])}" for s in result["scores"])
    return _("%(scores)s points") % {"scores": scores}


def state_note(result: Snapshot) -> str:
    """Why an undecided result names what it names; empty for a lean or a clear one."""
    if decided(result):
        return ""
    name, leader = result["recommendation_name"], result["leaning_name"]
    if named_the_tie_break(result):
        if result["state"] == TOO_LITTLE:
            return _(
                "There was too little to go on: the guide then named the simpler start, "
                "%(name)s, although what there was pointed to %(leader)s."
            ) % {"name": name, "leader": leader}
        return _(
            "It was a close call: when nothing clearly favoured either, the guide then advised "
            "the simpler start, %(name)s, although %(leader)s was slightly ahead on points."
        ) % {"name": name, "leader": leader}
    gap, given = result["gap"], result["evidence"]
    if not given:
        return _(
            "No answer gives points to either framework yet. With nothing to go on, the guide "
            "names %(name)s, the simpler start the articles advise when in doubt."
        ) % {"name": name}
    if not gap:
        return _(
            "It is a toss-up: the answers give both frameworks the same points, so the guide "
            "names %(name)s, the simpler start the articles advise when in doubt."
        ) % {"name": name}
    if result["state"] == TOO_LITTLE:
        needed = result["min_evidence"]
        first = ngettext(
            "There is too little to go on yet: the answers give %(given)s point in all, and "
            "the guide needs %(needed)s before it calls it.",
            "There is too little to go on yet: the answers give %(given)s points in all, and "
            "the guide needs %(needed)s before it calls it.",
            count_of(given),
        ) % {"given": amount(given), "needed": amount(needed)}
        second = ngettext(
            "%(name)s is ahead by %(gap)s point, so far.",
            "%(name)s is ahead by %(gap)s points, so far.",
            count_of(gap),
        ) % {"name": name, "gap": amount(gap)}
        return _("%(first)s %(second)s") % {"first": first, "second": second}
    lean = result["lean_points"]
    return ngettext(
        "It is a toss-up: %(name)s is ahead by %(gap)s point, short of the %(lean)s that make "
        "a lean. Either framework will serve this project; the reasons below say what tips it.",
        "It is a toss-up: %(name)s is ahead by %(gap)s points, short of the %(lean)s that make "
        "a lean. Either framework will serve this project; the reasons below say what tips it.",
        count_of(gap),
    ) % {"name": name, "gap": amount(gap), "lean": amount(lean)}


def because(result: Snapshot) -> str:
    """The verdict in one line: the strongest reasons for it, in a few words each. Empty for an
    undecided result (its state note says why) and where no reason has the words."""
    if not decided(result):
        return ""
    phrases = [
        r["because"]
        for r in result["reasons"]
        if r["favours"] == result["recommendation"] and r["because"]
    ][:3]
    if not phrases:
        return ""
    return _("Because %(reasons)s.") % {"reasons": listed(phrases)}


def listed(items: list[str]) -> str:
    """Items as a sentence lists them: "a", "a and b", "a, b and c"."""
    if len(items) <= 1:
        return "".join(items)
    return _("%(items)s and %(last)s") % {"items": _(", ").join(items[:-1]), "last": items[-1]}


def either(items: list[str]) -> str:
    """Alternatives as a sentence offers them: "a", "a or b", "a, b or c"."""
    if len(items) <= 1:
        return "".join(items)
    return _("%(items)s or %(last)s") % {"items": _(", ").join(items[:-1]), "last": items[-1]}


def rules_date(result: Snapshot) -> str:
    """When the rules behind a result were last reviewed, as a person writes a date."""
    updated = result["rules_updated"]
    try:
        day = datetime.date.fromisoformat(updated)
    except ValueError:
        return ""
    return date_format(day, "DATE_FORMAT")


def outlook_status(result: Snapshot) -> str:
    """Whether the questions left open could still change the recommendation."""
    return _open_questions(
        result,
        answered=str(ALL_ANSWERED),
        holds=_("It holds whatever you answer to the rest."),
        could_change=lambda count: ngettext(
            "The %(count)s open question could still change it.",
            "The %(count)s open questions could still change it.",
            count,
        ),
    )


def outlook_range(result: Snapshot) -> str:
    """Where the recommendation would stand once the open questions are answered."""
    outlook = result["outlook"]
    if not outlook["unanswered"]:
        return ""
    name = result["recommendation_name"]
    low, high = lead(outlook["lead_low"]), lead(outlook["lead_high"])
    words = {"name": name, "low": low, "high": high, "worst": outlook["worst_case_name"]}
    # No single open answer changes it (``flips`` holds every single change that does): then
    # the worst case takes several of them together, and the sentence says so.
    together = not any(f["question"] in outlook["unanswered"] for f in result["flips"])
    if low == high:
        if outlook["holds"]:
            return _("Answered, %(name)s would stay %(low)s.") % words
        if together:
            return (
                _(
                    "Answered, %(name)s would stay %(low)s; at worst, with several of them "
                    "answered together, the guide would say %(worst)s."
                )
                % words
            )
        return (
            _("Answered, %(name)s would stay %(low)s; at worst the guide would say %(worst)s.")
            % words
        )
    if outlook["holds"]:
        return _("Answered, %(name)s would end between %(low)s and %(high)s.") % words
    if together:
        return (
            _(
                "Answered, %(name)s would end between %(low)s and %(high)s; at worst, with "
                "several of them answered together, the guide would say %(worst)s."
            )
            % words
        )
    return (
        _(
            "Answered, %(name)s would end between %(low)s and %(high)s; at worst the guide would "
            "say %(worst)s."
        )
        % words
    )


def panel_outlook(result: Snapshot) -> str:
    """The live panel's one line on the open questions."""
    return _open_questions(
        result,
        answered=_("All questions answered."),
        holds=_("Holds whatever you answer to the rest."),
        could_change=lambda count: ngettext(
            "Could still change: %(count)s question open.",
            "Could still change: %(count)s questions open.",
            count,
        ),
    )


def _open_questions(
    result: Snapshot, *, answered: str, holds: str, could_change: Callable[[int], str]
) -> str:
    """The one of three wordings that fits the questions left open: ``answered`` when there
    are none, ``holds`` when no answer to them can change the recommendation, else
    ``could_change(count)``, in which ``%(count)s`` says how many."""
    count = len(result["outlook"]["unanswered"])
    if not count:
        return answered
    if result["outlook"]["holds"]:
        return holds
    return could_change(count) % {"count": count}


def panel_status(result: Snapshot) -> str:
    """The live panel's one line on how sure the guide is, for each state, so far."""
    state = result["state"]
    if not result["evidence"]:
        return _("Answer a few questions: with nothing to go on, the guide leans neither way.")
    if state == TOO_LITTLE:
        return _("Too little to go on yet: a few more answers will let the guide call it.")
    if state == TOSS_UP:
        return _("A toss-up so far: either framework would serve.")
    # The badge beside the headline says how sure; this line says how far it may still move.
    if result["outlook"]["unanswered"] and not result["outlook"]["holds"]:
        return _("On the answers so far: the rest could still change it.")
    return _("No answer left can change the framework.")


def panel_announcement(result: Snapshot) -> str:
    """What a screen reader hears after each answer: a few words, and no side before there is
    evidence to name one."""
    if result["evidence"] < result["min_evidence"]:
        return _("Too early to say.")
    return _("Leaning %(name)s; %(confidence)s.") % {
        "name": result["leaning_name"],
        "confidence": result["confidence_label"].lower(),
    }


def flip_sentence(flip: SnapshotFlip) -> str:
    words = {
        "prompt": flip["prompt"],
        "to": flip["to_label"],
        "was": flip["from_label"],
        "name": flip["recommendation_name"],
    }
    close = flip["confidence"] == CLOSE
    if flip["from_choice"] == UNSURE:
        if close:
            return (
                _("If “%(prompt)s” were %(to)s, the guide would say %(name)s, as a toss-up.")
                % words
            )
        return _("If “%(prompt)s” were %(to)s, the guide would say %(name)s.") % words
    if close:
        return (
            _(
                "If “%(prompt)s” were %(to)s instead of %(was)s, the guide would say "
                "%(name)s, as a toss-up."
            )
            % words
        )
    return (
        _("If “%(prompt)s” were %(to)s instead of %(was)s, the guide would say %(name)s.") % words
    )


def credit(reason: SnapshotReason, names: Mapping[str, str]) -> str:
    """Whom a reason's points go to: "for Django"."""
    return _("for %(name)s") % {"name": names.get(reason["favours"], reason["favours"])}


def citation(source: SnapshotSource) -> str:
    """A source as it is cited: "Title, Author (2019)"."""
    return source["title"] + byline(source)


def citations(item: SnapshotReason | SnapshotNote) -> str:
    """Every source of a reason or a note, cited: "Title (2019); Other title"."""
    sources = item["sources"]
    if not sources:
        return ""
    cited = "; ".join(citation(s) for s in sources)
    return ngettext("Source: %(cited)s", "Sources: %(cited)s", len(sources)) % {"cited": cited}


def byline(source: SnapshotSource) -> str:
    """What follows a source's title: ", Author (2019)"."""
    author = f", {source['author']}" if source["author"] else ""
    year = f" ({source['year']})" if source["year"] else ""
    return f"{author}{year}"


# -- all of it at once --------------------------------------------------------------------


#: What "points" are, in one line, where a result first shows them.
POINTS_LINE = gettext_lazy(
    "Points: each answer, and some combinations of answers, count for the framework their "
    "sources favour, weighted by how much that matters; the gap between the totals sets how "
    "sure the guide is."
)


@dataclass(frozen=True, slots=True)
class Told:
    """How one result is told: every sentence a surface shows, worded once."""

    standing: str
    headline: str
    title: str
    decided: bool
    because: str
    rules_date: str  # "23 November 2026", or "" when the rules carry no date
    close_note: str
    outlook_status: str
    outlook_range: str
    panel_outlook: str
    panel_status: str
    panel_announcement: str
    state: str
    reasons: tuple[tuple[SnapshotReason, str, str], ...]  # (reason, "+3.0", "for Django")
    flips: tuple[str, ...]
    other_names: str  # the options not recommended: "Django"
    points_line: str
    no_reasons: str
    no_flips: str
    next_question: str
    panel_next_question: str
    assumptions_note: str = ""  # said when the result rests mostly on assumptions


def assumptions_note(result: Snapshot) -> str:
    """When most of the points for the recommendation come from a starting point's
    assumptions rather than from answers the person gave: a sentence that says so."""
    start = result.get("starting_point")
    mine = [r for r in result["reasons"] if r["favours"] == result["recommendation"]]
    total = sum(abs(r["contribution"]) for r in mine)
    assumed = sum(abs(r["contribution"]) for r in mine if r.get("assumed"))
    if not start or not total or assumed * 2 <= total:
        return ""
    return _(
        "Most of this rests on what “%(start)s” assumed, not on answers you gave: check those "
        "assumptions."
    ) % {"start": start["label"]}


#: Each of Told's sentences that reads the result alone, and the function that words it.
SENTENCES: dict[str, Callable[[Snapshot], Any]] = {
    "assumptions_note": assumptions_note,
    "standing": standing,
    "headline": headline,
    "title": title,
    "decided": decided,
    "because": because,
    "rules_date": rules_date,
    "close_note": state_note,
    "outlook_status": outlook_status,
    "outlook_range": outlook_range,
    "panel_outlook": panel_outlook,
    "panel_status": panel_status,
    "panel_announcement": panel_announcement,
}


def tell(result: Snapshot) -> Told:
    """Every sentence a surface shows of ``result``, worded once."""
    names = {s["option"]: s["name"] for s in result["scores"]}
    return Told(
        **{field: word(result) for field, word in SENTENCES.items()},
        state=result["state"],
        reasons=tuple(
            (r, "+" + points(r["contribution"]), credit(r, names)) for r in result["reasons"]
        ),
        flips=tuple(flip_sentence(f) for f in result["flips"]),
        other_names=listed(
            [s["name"] for s in result["scores"] if s["option"] != result["recommendation"]]
        ),
        points_line=str(POINTS_LINE),
        no_reasons=str(NO_REASONS),
        no_flips=str(NO_FLIPS),
        next_question=str(NEXT_QUESTION),
        panel_next_question=str(PANEL_NEXT_QUESTION),
    )
