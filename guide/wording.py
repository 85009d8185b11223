"""The words a result is told in: one home for every sentence and number that the results page,
the live panel, the PDF summary and the terminal show, so no two of them can tell a different
story or disagree by a rounding.

Everything here reads a :class:`~guide.engine.Snapshot` (what a permalink keeps) and returns
plain text; templates add only markup. :func:`tell` gathers it all for one result.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal
from typing import Any

from .engine import CLOSE, TOO_LITTLE_LABEL, UNSURE, Snapshot
from .engine.snapshot import SnapshotFlip, SnapshotReason, SnapshotSource

#: Lead-ins shared by every surface.
NEXT_QUESTION = "The most telling one to answer next:"
PANEL_NEXT_QUESTION = "Most telling next:"
NO_REASONS = "No answer favoured either framework, so the guide falls back to the simpler start."
NO_FLIPS = "No single change of answer would change the recommendation."
ALL_ANSWERED = "Every question was answered."


# -- numbers ------------------------------------------------------------------------------


def percent(share: float) -> int:
    """A share (0..1) as a whole percentage.

    Halves go to the even number, so two shares that add up to 1 (Flask's and Django's) always
    add up to 100 %: 60.5 % and 39.5 % become 60 % and 40 %, never 61 % and 40 %."""
    return int((Decimal(str(share)) * 100).quantize(Decimal(1), ROUND_HALF_EVEN))


def points(value: float) -> str:
    """Points to one decimal without a sign, halves away from zero: 1.25 -> "1.3"."""
    return str(abs(Decimal(str(value))).quantize(Decimal("0.1"), ROUND_HALF_UP))


def amount(value: float) -> str:
    """A number of points as a person writes it: "3", "4.5" (one decimal at most)."""
    rounded = Decimal(str(value)).quantize(Decimal("0.1"), ROUND_HALF_UP)
    return str(rounded.to_integral()) if rounded == rounded.to_integral() else str(rounded)


def shares(scores: Iterable[Mapping[str, Any]]) -> str:
    """Each option's share of the points: "Flask 46% · Django 54%"."""
    return " · ".join(f"{s['name']} {percent(s['share'])}%" for s in scores)


def plural(count: float, noun: str) -> str:
    return noun if count == 1 else noun + "s"


# -- sentences ----------------------------------------------------------------------------


def too_little_to_go_on(result: Mapping[str, Any]) -> bool:
    """Whether a close call is one because the answers give too few points in all, rather
    than because the options are level. The engine decides and labels it so; snapshots made
    before it did count as level."""
    return result.get("confidence_label") == TOO_LITTLE_LABEL


def close_note(result: Snapshot) -> str:
    """Why a close call recommends what it does; empty for a lean or a clear result."""
    if result["confidence"] != CLOSE:
        return ""
    ahead = result["leaning"] != result["recommendation"]
    if not result["evidence"]:
        return (
            "No answer gives points to either framework yet, so the guide suggests the "
            "simpler start."
        )
    if too_little_to_go_on(result):
        given, needed = result["evidence"], result.get("min_evidence", 0)
        return (
            f"There is too little to go on yet: the answers give {amount(given)} "
            f"{plural(given, 'point')} in all, and the guide needs {amount(needed)} before it "
            "picks a side on them, so it suggests the simpler start"
            + (f", although what there is points to {result['leaning_name']}." if ahead else ".")
        )
    return (
        "It is a close call: when nothing clearly favours either, the articles advise the "
        "simpler start"
        + (f", although {result['leaning_name']} is slightly ahead on points." if ahead else ".")
    )


def outlook_status(result: Snapshot) -> str:
    """Whether the questions left open could still change the recommendation."""
    outlook = result["outlook"]
    if not outlook["unanswered"]:
        return ALL_ANSWERED
    if outlook["holds"]:
        return "The recommendation holds whatever you answer to the rest."
    return "The recommendation could still flip."


def outlook_range(result: Snapshot) -> str:
    """Where the recommendation's share would go once the open questions are answered."""
    outlook = result["outlook"]
    count = len(outlook["unanswered"])
    if not count:
        return ""
    low, high = percent(outlook["share_low"]), percent(outlook["share_high"])
    where = f"stay at {low}%" if low == high else f"lie between {low}% and {high}%"
    worst = (
        "" if outlook["holds"] else f"; at worst the guide would say {outlook['worst_case_name']}"
    )
    return (
        f"With the {count} open {plural(count, 'question')} answered, "
        f"{result['recommendation_name']}'s share would {where}{worst}."
    )


def panel_outlook(result: Snapshot) -> str:
    """The live panel's one line on the open questions."""
    count = len(result["outlook"]["unanswered"])
    if not count:
        return "All questions answered."
    if result["outlook"]["holds"]:
        return "Holds whatever you answer to the rest."
    return f"Could still flip: {count} {plural(count, 'question')} still open."


def panel_confidence(result: Snapshot) -> str:
    """The live panel's line on how sure the guide is."""
    if not result["evidence"]:
        name = result["recommendation_name"]
        return f"With nothing to go on, the guide would say {name}: the simpler start."
    if result["confidence"] == CLOSE:
        return f"{result['confidence_label']}: the guide would say {result['recommendation_name']}"
    return result["confidence_label"]


def flip_sentence(flip: SnapshotFlip) -> str:
    was = f" instead of {flip['from_label']}" if flip["from_choice"] != UNSURE else ""
    close = ", as a close call" if flip["confidence"] == CLOSE else ""
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


def byline(source: SnapshotSource) -> str:
    """What follows a source's title: ", Author (2019)"."""
    author = f", {source['author']}" if source["author"] else ""
    year = f" ({source['year']})" if source["year"] else ""
    return f"{author}{year}"


# -- all of it at once --------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Told:
    """How one result is told: every sentence a surface shows, worded once."""

    shares: str
    close_note: str
    outlook_status: str
    outlook_range: str
    panel_outlook: str
    panel_confidence: str
    reasons: tuple[tuple[SnapshotReason, str, str], ...]  # (reason, "+3.0", "for Django")
    flips: tuple[str, ...]
    other_names: str  # the options not recommended: "Django"
    no_reasons: str = NO_REASONS
    no_flips: str = NO_FLIPS
    next_question: str = NEXT_QUESTION
    panel_next_question: str = PANEL_NEXT_QUESTION


def tell(result: Snapshot) -> Told:
    names = {s["option"]: s["name"] for s in result["scores"]}
    return Told(
        shares=shares(result["scores"]),
        close_note=close_note(result),
        outlook_status=outlook_status(result),
        outlook_range=outlook_range(result),
        panel_outlook=panel_outlook(result),
        panel_confidence=panel_confidence(result),
        reasons=tuple(
            (r, "+" + points(r["contribution"]), credit(r, names)) for r in result["reasons"]
        ),
        flips=tuple(flip_sentence(f) for f in result["flips"]),
        other_names=" and ".join(
            s["name"] for s in result["scores"] if s["option"] != result["recommendation"]
        ),
    )
