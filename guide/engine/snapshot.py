"""The snapshot: a result as it is stored, served and shown, defined once.

A :class:`Snapshot` is what :func:`~guide.engine.scoring.score` returns. It carries every
label, name and source it shows, so a permalink renders the same after questions.yaml has
changed. Every surface reads this one type: the results page, the live panel, the PDF summary,
the JSON API (its response schema *is* this type) and the terminal.

Format history: 1, the first; 2, ``min_evidence``; 3, the verdict's ``state`` and ``gap``
(the recommendation always the leader), the thresholds ``lean_points`` and ``clear_points``,
each reason's ``sources`` and ``because``, each flip's ``state`` and the outlook's leads; 4,
the interview: each answer's ``asked`` and ``assumed``, the ``starting_point``, and the
outlook's ``settled``, ``questions_left_max`` and ``sharpening``; 5, each source's ``quote``
backing the claim it is cited for. Stored results are brought
up to the current format once, by data migrations (guide/migrations/), so every stored result
has every field.

Field docstrings become the descriptions in the API's OpenAPI document
(``use_attribute_docstrings``: a plain dict, so the engine imports no pydantic).
"""

from typing import NotRequired, TypeVar

# typing_extensions rather than typing: pydantic reads TypedDicts from typing only on 3.12+.
from typing_extensions import TypedDict

#: The snapshot format new results are made in; see the module's docstring.
FORMAT = 5

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
    quote: str
    """Its words that back this claim (empty in results made before sources were quoted)."""


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
    """A choice id, or "unsure" (answered "Not sure", or not asked)."""
    label: str
    asked: bool
    """Whether the question was answered, "Not sure" included."""
    assumed: bool
    """Whether the answer is an assumption of the starting point, not given by the person."""


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
    """The most direct source: ``sources[0]``."""
    sources: NotRequired[list[SnapshotSource]]
    """Every source that says it, most direct first."""
    because: NotRequired[str]
    """The reason in a few words, to follow "because" (may be empty)."""
    assumed: NotRequired[bool]
    """True when it rests on an answer a starting point assumed (for a rule: on one of its
    conditions), not on one the person gave."""


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
    state: NotRequired[str]
    """The verdict's state after the change."""


@described
class SnapshotOutlook(TypedDict):
    """The "not sure" range: what the unanswered questions could still do."""

    unanswered: list[str]
    share_now: float
    """The recommendation's share today."""
    share_low: float
    """Its share where the rest, answered against it, leave its lead lowest."""
    share_high: float
    """Its share if the rest were answered in its favour."""
    lead_low: NotRequired[float]
    """Its lead over the other option, in points, if the rest were answered against it
    (negative: behind)."""
    lead_high: NotRequired[float]
    """... and if they were answered in its favour."""
    holds: bool
    """True when no way of answering the rest changes the recommendation."""
    worst_case: str
    next_question: str | None
    """The question the interview asks next: never one already answered ("Not sure"
    included), and none once the framework is settled."""
    next_swing: float
    """How far that question alone can move the lead, in points."""
    next_prompt: str
    worst_case_name: str
    settled: bool
    """True when no answer to the questions not asked yet can change the framework (only
    questions answered "Not sure" might still)."""
    questions_left_max: int
    """The most questions the interview could still ask before it is settled."""
    sharpening: list[str]
    """Once settled: the questions not asked yet whose answers, alone or together, could still
    change how sure the verdict is, the largest possible change first; empty only when no
    combination of answers to them can."""
    starter_questions: NotRequired[list[str]]
    """The questions not answered yet (nor assumed by a starting point) whose answers shape
    the starter project or the advice, in the guide's order; once settled, no answers to them
    can change the framework. Follow-ups are listed after the question that shows them."""


@described
class SnapshotNote(TypedDict):
    rule: str
    text: str
    source: SnapshotSource | None
    sources: NotRequired[list[SnapshotSource]]


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
class SnapshotStart(TypedDict):
    id: str
    label: str


@described
class SnapshotLinks(TypedDict):
    framework: list[SnapshotLink]
    """Starter links for the recommended option."""
    features: list[SnapshotFeatureLinks]


# Fields marked NotRequired were added after the API was first published, and its schema has
# declared them optional since; every result carries them (stored ones since migration 0002).


@described
class Snapshot(TypedDict):
    """A result: the verdict, why, how sure, what would change it and where to start."""

    ruleset_version: str
    """The rules it was scored under: a short hash of questions.yaml."""
    rules_updated: NotRequired[str]
    """When those rules were last reviewed, YYYY-MM-DD (may be empty)."""
    recommendation: str
    recommendation_name: str
    recommendation_summary: str
    leaning: str
    """The option ahead on points: the recommendation, except in results made before format
    3 that named the tie-break on a close call."""
    leaning_name: str
    confidence: str
    """"clear", "lean" or "close" (both undecided states); see ``state``."""
    confidence_label: str
    """How the state is shown: "Clear", "Lean", "Toss-up" or "Too little to go on"."""
    state: NotRequired[str]
    """"clear", "lean", "toss_up" or "too_little": how far the recommendation is ahead, in
    points, against ``lean_points`` and ``clear_points``; an undecided result on fewer than
    ``min_evidence`` points in all is "too_little"."""
    gap: NotRequired[float]
    """The recommendation's lead over the runner-up, in weighted points."""
    margin: float
    evidence: float
    """Weighted points given by the answers, all options together."""
    min_evidence: NotRequired[float]
    """Below this many points in all, an undecided result is "too little to go on"."""
    lean_points: NotRequired[float]
    """The lead, in points, that makes a lean."""
    clear_points: NotRequired[float]
    """The lead, in points, that makes a clear result."""
    criteria: list[SnapshotCriterion]
    scores: list[SnapshotScore]
    answers: list[SnapshotAnswer]
    reasons: list[SnapshotReason]
    flips: list[SnapshotFlip]
    outlook: SnapshotOutlook
    notes: list[SnapshotNote]
    alternatives: list[SnapshotAlternative]
    links: SnapshotLinks
    starting_point: SnapshotStart | None
    """The kind of project the interview started from, whose assumptions the answers marked
    ``assumed`` are; null when it started from scratch."""
