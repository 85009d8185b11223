"""What :func:`~guide.engine.scoring.score` returns: the verdict and everything said about it,
as frozen dataclasses, and the confidence states with their words.

The stored, JSON-ready form of a result is :mod:`guide.engine.snapshot`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from .model import Alternative, Link, Source

CLEAR, LEAN, CLOSE = "clear", "lean", "close"
CONFIDENCE_LABELS = {CLEAR: "Clear", LEAN: "Lean", CLOSE: "Close call"}
#: The label of a close call made because the answers give too few points in all.
TOO_LITTLE_LABEL = "Too little to go on"


def confidence_label(confidence: str, evidence: float, min_evidence: float) -> str:
    """How a confidence is shown: a close call on fewer points than ``min_evidence`` is
    "too little to go on", the rest by their own labels."""
    if confidence == CLOSE and evidence < min_evidence:
        return TOO_LITTLE_LABEL
    return CONFIDENCE_LABELS[confidence]


# -- results ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class OptionScore:
    option: str
    name: str
    points: float
    share: float
    by_criterion: tuple[tuple[str, float], ...]  # (criterion id, points), in the file's order


@dataclass(frozen=True, slots=True)
class Answer:
    question: str
    prompt: str
    choice: str  # a choice id, or "unsure"
    label: str


@dataclass(frozen=True, slots=True)
class Reason:
    """Why the result moved: one answer, or one rule that fired."""

    kind: str  # "answer" or "rule"
    id: str  # the question id or the rule id
    choice: str  # the choice id for an answer, "" for a rule
    label: str  # "Project size: Prototype", or the rule's reason for a rule
    text: str
    favours: str  # the option id this reason pushes towards
    contribution: float  # signed points towards the recommendation (negative: against it)
    source: Source | None


@dataclass(frozen=True, slots=True)
class Flip:
    """A single change of answer that would change the recommendation."""

    question: str
    prompt: str
    from_choice: str
    from_label: str
    to_choice: str
    to_label: str
    recommendation: str
    confidence: str


@dataclass(frozen=True, slots=True)
class Outlook:
    """The "not sure" range: what the unanswered questions could still do."""

    unanswered: tuple[str, ...]
    share_now: float  # the recommendation's share today
    share_low: float  # its share if the rest were answered against it
    share_high: float  # ... and in its favour
    holds: bool  # True when no way of answering the rest changes the recommendation
    worst_case: str  # the recommendation in the least favourable case
    next_question: str | None  # the unanswered question that would move the result most
    next_swing: float  # how far (in share) that question alone can move it


@dataclass(frozen=True, slots=True)
class Note:
    rule: str
    text: str
    source: Source | None


@dataclass(frozen=True, slots=True)
class FeatureLinks:
    feature: str
    label: str
    links: Mapping[str, tuple[Link, ...]]  # option id -> links


@dataclass(frozen=True, slots=True)
class Recommendation:
    """The guide's answer for one set of answers; see :func:`score`."""

    ruleset_version: str
    recommendation: str
    leaning: str  # the option ahead on points (differs from the recommendation on a close call)
    confidence: str  # CLEAR, LEAN or CLOSE
    margin: float
    evidence: float  # all points given, to every option
    scores: tuple[OptionScore, ...]
    answers: tuple[Answer, ...]
    reasons: tuple[Reason, ...]
    flips: tuple[Flip, ...]
    outlook: Outlook
    notes: tuple[Note, ...]
    alternatives: tuple[Alternative, ...]
    links: tuple[Link, ...]  # starter links for the recommended option
    features: tuple[FeatureLinks, ...]  # links for each feature the answers call for

    def score_of(self, option: str) -> OptionScore:
        return next(s for s in self.scores if s.option == option)
