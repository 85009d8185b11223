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

from guide.engine import CLEAR, CLOSE, LEAN, TOO_LITTLE, TOSS_UP, UNSURE, Snapshot
from guide.engine.snapshot import SnapshotFlip, SnapshotNote, SnapshotReason, SnapshotSource

from .numbers import amount, lead, plural, points

#: Lead-ins shared by every surface.
NEXT_QUESTION = "The most telling one to answer next:"
PANEL_NEXT_QUESTION = "Most telling next:"
NO_REASONS = "No answer favoured either framework, so the guide falls back to the simpler start."
NO_FLIPS = "No single change of answer would change the recommendation."
ALL_ANSWERED = "Every question was answered."


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
        return "A toss-up" if state == TOSS_UP else "Too little to go on"
    return (
        f"A toss-up, leaning {name}" if state == TOSS_UP else f"Too little to go on, leaning {name}"
    )


def title(result: Snapshot) -> str:
    """The verdict as a sentence, for titles: "The guide recommends Django", or the headline
    of an undecided result ("A toss-up, leaning Django")."""
    if decided(result):
        return f"The guide recommends {result['recommendation_name']}"
    return headline(result)


def standing(result: Snapshot) -> str:
    """Each option's points: "Flask 3 · Django 9 points"."""
    return " · ".join(f"{s['name']} {amount(s['points'])}" for s in result["scores"]) + " points"


def state_note(result: Snapshot) -> str:
    """Why an undecided result names what it names; empty for a lean or a clear one."""
    if decided(result):
        return ""
    name, leader = result["recommendation_name"], result["leaning_name"]
    if named_the_tie_break(result):
        if result["state"] == TOO_LITTLE:
            return (
                "There was too little to go on: the guide then named the simpler start, "
                f"{name}, although what there was pointed to {leader}."
            )
        return (
            "It was a close call: when nothing clearly favoured either, the guide then advised "
            f"the simpler start, {name}, although {leader} was slightly ahead on points."
        )
    gap, given = result["gap"], result["evidence"]
    if not given:
        return (
            "No answer gives points to either framework yet. With nothing to go on, the guide "
            f"names {name}, the simpler start the articles advise when in doubt."
        )
    if not gap:
        return (
            "It is a toss-up: the answers give both frameworks the same points, so the guide "
            f"names {name}, the simpler start the articles advise when in doubt."
        )
    lead = f"{name} is ahead by {amount(gap)} {plural(gap, 'point')}"
    if result["state"] == TOO_LITTLE:
        needed = result["min_evidence"]
        return (
            f"There is too little to go on yet: the answers give {amount(given)} "
            f"{plural(given, 'point')} in all, and the guide needs {amount(needed)} before it "
            f"calls it. {lead}, so far."
        )
    lean = result["lean_points"]
    return (
        f"It is a toss-up: {lead}, short of the {amount(lean)} that make a lean. Either "
        "framework will serve this project; the reasons below say what tips it."
    )


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
    listed = phrases[0] if len(phrases) == 1 else ", ".join(phrases[:-1]) + " and " + phrases[-1]
    return f"Because {listed}."


def rules_date(result: Snapshot) -> str:
    """When the rules behind a result were last reviewed, as a person writes a date."""
    updated = result["rules_updated"]
    try:
        day = datetime.date.fromisoformat(updated)
    except ValueError:
        return ""
    return f"{day.day} {day:%B %Y}"


def outlook_status(result: Snapshot) -> str:
    """Whether the questions left open could still change the recommendation."""
    return _open_questions(
        result,
        answered=ALL_ANSWERED,
        holds="It holds whatever you answer to the rest.",
        could_change="The {count} open {questions} could still change it.",
    )


def outlook_range(result: Snapshot) -> str:
    """Where the recommendation would stand once the open questions are answered."""
    outlook = result["outlook"]
    if not outlook["unanswered"]:
        return ""
    name = result["recommendation_name"]
    worst = (
        "" if outlook["holds"] else f"; at worst the guide would say {outlook['worst_case_name']}"
    )
    low, high = lead(outlook["lead_low"]), lead(outlook["lead_high"])
    where = f"stay {low}" if low == high else f"end between {low} and {high}"
    return f"Answered, {name} would {where}{worst}."


def panel_outlook(result: Snapshot) -> str:
    """The live panel's one line on the open questions."""
    return _open_questions(
        result,
        answered="All questions answered.",
        holds="Holds whatever you answer to the rest.",
        could_change="Could still change: {count} {questions} open.",
    )


def _open_questions(result: Snapshot, *, answered: str, holds: str, could_change: str) -> str:
    """The one of three wordings that fits the questions left open: ``answered`` when there
    are none, ``holds`` when no answer to them can change the recommendation, else
    ``could_change``, in which ``{count}`` and ``{questions}`` say how many ("2", "questions")."""
    count = len(result["outlook"]["unanswered"])
    if not count:
        return answered
    if result["outlook"]["holds"]:
        return holds
    return could_change.format(count=count, questions=plural(count, "question"))


def panel_status(result: Snapshot) -> str:
    """The live panel's one line on how sure the guide is, for each state, so far."""
    state = result["state"]
    if not result["evidence"]:
        return "Answer a few questions: with nothing to go on, the guide leans neither way."
    if state == TOO_LITTLE:
        return "Too little to go on yet: a few more answers will let the guide call it."
    if state == TOSS_UP:
        return "A toss-up so far: either framework would serve."
    # The badge beside the headline says how sure; this line says how far it may still move.
    if result["outlook"]["unanswered"] and not result["outlook"]["holds"]:
        return "On the answers so far: the rest could still change it."
    return "No answer left can change the framework."


def panel_announcement(result: Snapshot) -> str:
    """What a screen reader hears after each answer: a few words, and no side before there is
    evidence to name one."""
    if result["evidence"] < result["min_evidence"]:
        return "Too early to say."
    return f"Leaning {result['leaning_name']}; {result['confidence_label'].lower()}."


def flip_sentence(flip: SnapshotFlip) -> str:
    was = f" instead of {flip['from_label']}" if flip["from_choice"] != UNSURE else ""
    close = ", as a toss-up" if flip["confidence"] == CLOSE else ""
    return (
        f"If “{flip['prompt']}” were {flip['to_label']}{was}, the guide would say "
        f"{flip['recommendation_name']}{close}."
    )


def credit(reason: SnapshotReason, names: Mapping[str, str]) -> str:
    """Whom a reason's points go to: "for Django"."""
    return f"for {names.get(reason['favours'], reason['favours'])}"


def citation(source: SnapshotSource) -> str:
    """A source as it is cited: "Title, Author (2019)"."""
    return source["title"] + byline(source)


def citations(item: SnapshotReason | SnapshotNote) -> str:
    """Every source of a reason or a note, cited: "Title (2019); Other title"."""
    sources = item["sources"]
    if not sources:
        return ""
    label = "Source" if len(sources) == 1 else "Sources"
    return f"{label}: " + "; ".join(citation(s) for s in sources)


def byline(source: SnapshotSource) -> str:
    """What follows a source's title: ", Author (2019)"."""
    author = f", {source['author']}" if source["author"] else ""
    year = f" ({source['year']})" if source["year"] else ""
    return f"{author}{year}"


# -- all of it at once --------------------------------------------------------------------


#: What "points" are, in one line, where a result first shows them.
POINTS_LINE = (
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
    assumptions_note: str = ""  # said when the result rests mostly on assumptions
    points_line: str = POINTS_LINE
    no_reasons: str = NO_REASONS
    no_flips: str = NO_FLIPS
    next_question: str = NEXT_QUESTION
    panel_next_question: str = PANEL_NEXT_QUESTION


def assumptions_note(result: Snapshot) -> str:
    """When most of the points for the recommendation come from a starting point's
    assumptions rather than from answers the person gave: a sentence that says so."""
    start = result.get("starting_point")
    mine = [r for r in result["reasons"] if r["favours"] == result["recommendation"]]
    total = sum(abs(r["contribution"]) for r in mine)
    assumed = sum(abs(r["contribution"]) for r in mine if r.get("assumed"))
    if not start or not total or assumed * 2 <= total:
        return ""
    return (
        f"Most of this rests on what “{start['label']}” assumed, not on answers you gave: "
        "check those assumptions."
    )


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
        other_names=" and ".join(
            s["name"] for s in result["scores"] if s["option"] != result["recommendation"]
        ),
    )
