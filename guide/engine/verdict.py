"""The verdict's states and their words, defined once: every surface shows these labels.

A verdict rests on one number, the *gap*: the leader's points minus the runner-up's. Its state
is a step of the gap alone, so an answer that gives a framework more points can only move the
verdict towards it (see docs/advice.md, "How the guide decides"):

=============  =====================================================================
state          when
=============  =====================================================================
``clear``      gap >= ``settings.clear_points``
``lean``       gap >= ``settings.lean_points``
``toss_up``    a smaller gap, on at least ``settings.min_evidence`` points in all
``too_little`` a smaller gap, on fewer points than that
=============  =====================================================================

The recommendation is always the leader; only an exact tie is settled by
``settings.tie_break`` (the articles' "if in doubt, the simpler start"), and the result then
says it is a toss-up.
"""

from __future__ import annotations


def gettext_noop(message: str) -> str:
    """Marks a label for the interface's translations (makemessages finds it by this name)
    and returns it as it is: the engine stays free of Django."""
    return message


CLEAR, LEAN, TOSS_UP, TOO_LITTLE = "clear", "lean", "toss_up", "too_little"
STATES = (TOO_LITTLE, TOSS_UP, LEAN, CLEAR)
#: How sure the guide is, in words no reader takes for a framework's weight ("lean" reads as
#: "lightweight" in a Flask-or-Django guide): the API's ``state`` ids stay as they are. In
#: English; a rulebook in another language carries its own (``Rulebook.state_labels``).
STATE_LABELS = {
    TOO_LITTLE: gettext_noop("Too little to go on"),
    TOSS_UP: gettext_noop("Toss-up"),
    LEAN: gettext_noop("Likely"),
    CLEAR: gettext_noop("Clear choice"),
}
#: How sure each state is, for comparing two verdicts: the two undecided states are level.
STRENGTH = {TOO_LITTLE: 0, TOSS_UP: 0, LEAN: 1, CLEAR: 2}

#: ``confidence``, the coarser word the API has always given: the two undecided states are
#: both a "close" call.
CLOSE = "close"
CONFIDENCE_OF = {TOO_LITTLE: CLOSE, TOSS_UP: CLOSE, LEAN: LEAN, CLEAR: CLEAR}


def state_for(gap: float, evidence: float, *, lean: float, clear: float, least: float) -> str:
    """The state of a verdict whose leader is ``gap`` points ahead, on ``evidence`` points in
    all, under the thresholds ``lean``, ``clear`` and ``least`` (min_evidence)."""
    if gap >= clear - 1e-9:
        return CLEAR
    if gap >= lean - 1e-9:
        return LEAN
    return TOSS_UP if evidence >= least - 1e-9 else TOO_LITTLE
