"""The snapshot: a result as it is stored, served and shown, defined once.

A :class:`Snapshot` is the JSON-ready form of a :class:`~guide.engine.result.Recommendation`
(:func:`~guide.engine.result.make_snapshot` makes one).
It carries every label, name and source it shows, so a permalink renders the same after
questions.yaml has changed. Every surface reads this one type: the results page, the live
panel, the PDF summary, the JSON API (its response schema *is* this type) and the terminal.

Format history (a stored snapshot keeps the format it was made in):

1. the first format;
2. ``min_evidence`` added, and ``confidence_label`` may say "Too little to go on".
   :func:`complete_snapshot` brings a format-1 snapshot up to date where that can be done
   exactly.

Field docstrings become the descriptions in the API's OpenAPI document
(``use_attribute_docstrings``: a plain dict, so the engine imports no pydantic).
"""

from typing import NotRequired, TypeVar

# typing_extensions rather than typing: pydantic reads TypedDicts from typing only on 3.12+.
from typing_extensions import TypedDict

from .model import Rulebook
from .verdict import confidence_label

#: The snapshot format new results are made in; see the module's docstring.
FORMAT = 2

TD = TypeVar("TD")


def described(cls: TD) -> TD:
    """Let pydantic take the field docstrings below as the API's field descriptions."""
    setattr(cls, "__pydantic_config__", {"use_attribute_docstrings": True})  # noqa: B010
    return cls


@described
class SnapshotSource(TypedDict):
    id: str
    title: str
    kind: str
    """"article" or "docs"."""
    url: str
    author: str
    year: int | None


@described
class SnapshotLink(TypedDict):
    title: str
    url: str


@described
class SnapshotCriterion(TypedDict):
    id: str
    label: str
    weight: float


@described
class SnapshotScore(TypedDict):
    option: str
    name: str
    points: float
    share: float
    """The option's points over all points, 0 to 1."""
    by_criterion: dict[str, float]
    """Criterion id to weighted points."""


@described
class SnapshotAnswer(TypedDict):
    question: str
    prompt: str
    choice: str
    """A choice id, or "unsure"."""
    label: str


@described
class SnapshotReason(TypedDict):
    kind: str
    """"answer" or "rule"."""
    id: str
    """The question id, or the rule id."""
    choice: str
    """The choice id for an answer; empty for a rule."""
    label: str
    text: str
    favours: str
    """The option this reason pushes towards."""
    contribution: float
    """Points towards the recommendation; negative when the reason favours another option."""
    source: SnapshotSource | None


@described
class SnapshotFlip(TypedDict):
    question: str
    prompt: str
    from_choice: str
    from_label: str
    to_choice: str
    to_label: str
    recommendation: str
    """What the guide would recommend after this one change."""
    confidence: str
    recommendation_name: str


@described
class SnapshotOutlook(TypedDict):
    """The "not sure" range: what the unanswered questions could still do."""

    unanswered: list[str]
    share_now: float
    """The recommendation's share today."""
    share_low: float
    """Its share if the rest were answered against it."""
    share_high: float
    """Its share if the rest were answered in its favour."""
    holds: bool
    """True when no way of answering the rest changes the recommendation."""
    worst_case: str
    next_question: str | None
    """The unanswered question that would move the result most."""
    next_swing: float
    next_prompt: str
    worst_case_name: str


@described
class SnapshotNote(TypedDict):
    rule: str
    text: str
    source: SnapshotSource | None


@described
class SnapshotAlternative(TypedDict):
    name: str
    url: str
    why: str


@described
class SnapshotFeatureLinks(TypedDict):
    feature: str
    label: str
    links: dict[str, list[SnapshotLink]]
    """Option id to links."""


@described
class SnapshotLinks(TypedDict):
    framework: list[SnapshotLink]
    """Starter links for the recommended option."""
    features: list[SnapshotFeatureLinks]


@described
class Snapshot(TypedDict):
    """A result: the verdict, why, how sure, what would change it and where to start."""

    ruleset_version: str
    """The rules it was scored under: a short hash of questions.yaml."""
    recommendation: str
    recommendation_name: str
    recommendation_summary: str
    leaning: str
    """The option ahead on points; on a close call it can differ from the recommendation."""
    leaning_name: str
    confidence: str
    """"clear", "lean" or "close"."""
    confidence_label: str
    """"Clear", "Lean", "Close call", or "Too little to go on" when a close call is one because
    evidence is below min_evidence."""
    margin: float
    evidence: float
    """Weighted points given by the answers, all options together."""
    min_evidence: NotRequired[float]
    """The evidence needed before the guide picks a side on the points; absent from results
    stored before it was recorded."""
    criteria: list[SnapshotCriterion]
    scores: list[SnapshotScore]
    answers: list[SnapshotAnswer]
    reasons: list[SnapshotReason]
    flips: list[SnapshotFlip]
    outlook: SnapshotOutlook
    notes: list[SnapshotNote]
    alternatives: list[SnapshotAlternative]
    links: SnapshotLinks


def complete_snapshot(snapshot: Snapshot, rulebook: Rulebook) -> Snapshot:
    """A stored snapshot with the fields added since it was made, where they can be known
    exactly: only under the very ruleset it was made with (the version is a digest of the
    file). Anything else is returned as it is; the verdict itself is never touched."""
    if "min_evidence" in snapshot or snapshot.get("ruleset_version") != rulebook.version:
        return snapshot
    minimum = rulebook.settings.min_evidence
    label = confidence_label(snapshot["confidence"], snapshot["evidence"], minimum)
    return {**snapshot, "min_evidence": minimum, "confidence_label": label}
