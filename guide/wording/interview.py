"""The words of the interview and of the live panel: how far along it is, when it can stop,
and how sure the guide is so far. Like :mod:`guide.wording.sentences`, they read a
:class:`~guide.engine.Snapshot` and return plain text; every surface that shows a step (page,
terminal) uses these."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from guide.engine import TOO_LITTLE, UNSURE, Snapshot
from guide.engine.snapshot import SnapshotFlip

TOO_EARLY = gettext_lazy("Too early to say")


def too_early(result: Snapshot) -> bool:
    """Whether the answers so far give too little to name a side at all: fewer points in all
    than the guide needs before it calls anything (its ``min_evidence``)."""
    return result["evidence"] < result["min_evidence"]


def questions_left(result: Snapshot) -> str:
    """How many more questions the interview could still ask: "At most 7 more questions"."""
    left = result["outlook"]["questions_left_max"]
    if not left:
        return _("No more questions needed.")
    return ngettext(
        "At most %(count)s more question.", "At most %(count)s more questions.", left
    ) % {"count": left}


def not_asked(result: Snapshot) -> int:
    return sum(1 for a in result["answers"] if not a["asked"])


def settled_line(result: Snapshot) -> str:
    """Once asking more cannot change the framework, the verdict in one line."""
    name = result["recommendation_name"]
    rest = not_asked(result)
    if result["outlook"]["holds"]:
        if not rest:
            return _("%(name)s: every question is answered.") % {"name": name}
        return ngettext(
            "%(name)s, whatever you answer to the other %(count)s question.",
            "%(name)s, whatever you answer to the other %(count)s questions.",
            rest,
        ) % {"name": name, "count": rest}
    # Settled but not holding: no answer to the questions not asked can change it while the
    # "Not sure" answers stay open, and some answers to all of them together can. So a change
    # needs a "Not sure" answer given, which may take more questions with it.
    return _(
        "%(name)s, unless you answer a question you were not sure of: then it could change."
    ) % {"name": name}


def deciding(result: Snapshot) -> tuple[str, ...]:
    """The "Not sure" answers that could still change the framework, each as what it would take:
    "Flask if “Is it one application or one service among many?” is One micro-service"."""
    return tuple(
        _deciding_sentence(flip)
        for flip in result["flips"]
        if flip["from_choice"] == UNSURE
        and any(a["question"] == flip["question"] and a["asked"] for a in result["answers"])
    )


def _deciding_sentence(flip: SnapshotFlip) -> str:
    return _("%(name)s if “%(prompt)s” is %(to)s.") % {
        "name": flip["recommendation_name"],
        "prompt": flip["prompt"],
        "to": flip["to_label"],
    }


def sharpening_line(result: Snapshot) -> str:
    """Once settled: which questions could still change how sure the guide is."""
    count = len(result["outlook"]["sharpening"])
    if not count:
        return _("No answer left could change how sure it is, either.")
    return ngettext(
        "How sure it is (%(confidence)s) could still change with %(count)s more question.",
        "How sure it is (%(confidence)s) could still change with %(count)s more questions.",
        count,
    ) % {"confidence": result["confidence_label"].lower(), "count": count}


def needs_offer(result: Snapshot) -> str:
    """At the settled step: what the "what else" screen is for, and how many it asks."""
    count = len(result["outlook"].get("starter_questions", []))
    if not count:
        return ""
    return ngettext(
        "%(count)s more question shapes your starter project and the advice, on one screen; "
        "it cannot change the framework.",
        "%(count)s more questions shape your starter project and the advice, on one screen; "
        "none of them can change the framework.",
        count,
    ) % {"count": count}


def needs_line(result: Snapshot) -> str:
    """The "what else" screen's promise: these answers shape the starter and the advice, and
    (the engine's settled outlook) cannot change the framework."""
    name = result["recommendation_name"]
    return _(
        "%(name)s it is: nothing you answer here can change that. These answers shape the "
        "starter project you can download and the advice that comes with your result. "
        "Answer what you know and leave the rest."
    ) % {"name": name}


def panel_leaning(result: Snapshot) -> str:
    """The live panel's headline: the framework named so far, or none until there is evidence
    to name one. How sure it is goes in the badge beside it, said once."""
    if too_early(result) or result["state"] == TOO_LITTLE:
        return str(TOO_EARLY)
    return result["recommendation_name"]


def panel_badge(result: Snapshot) -> str:
    """The badge beside the headline: empty while too early to say."""
    return "" if too_early(result) else result["confidence_label"]


def panel_words(result: Snapshot) -> dict[str, Any]:
    """Everything a step and the live panel say, worded once."""
    return {
        "questions_left": questions_left(result),
        "settled_line": settled_line(result),
        "deciding": deciding(result),
        "sharpening_line": sharpening_line(result),
        "needs_offer": needs_offer(result),
        "needs_line": needs_line(result),
        "panel_leaning": panel_leaning(result),
        "panel_badge": panel_badge(result),
        "too_early": too_early(result),
    }
