"""The snapshot: a result as it is stored, served and shown, defined once.

A :class:`Snapshot` is the JSON-ready form of a :class:`~guide.engine.result.Recommendation`
(:func:`~guide.engine.result.make_snapshot` makes one).
It carries every label, name and source it shows, so a permalink renders the same after
questions.yaml has changed. Every surface reads this one type: the results page, the live
panel, the PDF summary, the JSON API (its response schema *is* this type) and the terminal.

Format history (a stored snapshot keeps the format it was made in):

1. the first format;
2. ``min_evidence`` added, and ``confidence_label`` may say "Too little to go on";
3. the verdict's ``state`` and ``gap`` (the recommendation always the leader), the thresholds
   ``lean_points`` and ``clear_points``, and each flip's ``state``.

:func:`complete_snapshot` brings an older snapshot up to date where that can be done exactly:
it never changes what was recommended.

Field docstrings become the descriptions in the API's OpenAPI document
(``use_attribute_docstrings``: a plain dict, so the engine imports no pydantic).
"""

from typing import Any, NotRequired, TypeVar

# typing_extensions rather than typing: pydantic reads TypedDicts from typing only on 3.12+.
from typing_extensions import TypedDict

from .model import Rulebook
from .verdict import CLOSE, OLD_LABELS, TOO_LITTLE, TOSS_UP, confidence_label

#: The snapshot format new results are made in; see the module's docstring.
FORMAT = 3

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
    """The most direct source: ``sources[0]``."""
    sources: NotRequired[list[SnapshotSource]]
    """Every source that says it, most direct first (format 3 on)."""
    because: NotRequired[str]
    """The reason in a few words, to follow "because" (format 3 on; may be empty)."""


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
    """The verdict's state after the change (format 3 on)."""


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
    (negative: behind); format 3 on."""
    lead_high: NotRequired[float]
    """... and if they were answered in its favour."""
    holds: bool
    """True when no way of answering the rest changes the recommendation."""
    worst_case: str
    next_question: str | None
    """The unanswered question that would move the result most."""
    next_swing: float
    """How far that question alone can move the lead (points; a share before format 3)."""
    next_prompt: str
    worst_case_name: str


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
class SnapshotLinks(TypedDict):
    framework: list[SnapshotLink]
    """Starter links for the recommended option."""
    features: list[SnapshotFeatureLinks]


@described
class Snapshot(TypedDict):
    """A result: the verdict, why, how sure, what would change it and where to start."""

    ruleset_version: str
    """The rules it was scored under: a short hash of questions.yaml."""
    rules_updated: NotRequired[str]
    """When those rules were last reviewed, YYYY-MM-DD (format 3 on; may be empty)."""
    recommendation: str
    recommendation_name: str
    recommendation_summary: str
    leaning: str
    """The option ahead on points; on a close call it can differ from the recommendation."""
    leaning_name: str
    confidence: str
    """"clear", "lean" or "close" (both undecided states); see ``state``."""
    confidence_label: str
    """How the state is shown: "Clear", "Lean", "Toss-up" or "Too little to go on" ("Close
    call" in results stored before format 3)."""
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
    """Below this many points in all, an undecided result is "too little to go on"; absent
    from results stored before it was recorded."""
    lean_points: NotRequired[float]
    """The lead, in points, that makes a lean (format 3 on)."""
    clear_points: NotRequired[float]
    """The lead, in points, that makes a clear result (format 3 on)."""
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
    exactly; the verdict itself is never touched.

    ``state`` and ``gap`` follow from what the snapshot says (its label and points), so any
    older result gets them. ``min_evidence`` and a "too little to go on" label can be known
    only under the very ruleset it was made with (the version is a digest of the file)."""
    done: dict[str, Any] = dict(snapshot)
    if "min_evidence" not in done and done.get("ruleset_version") == rulebook.version:
        done["min_evidence"] = rulebook.settings.min_evidence
        if done["confidence"] == CLOSE and done["evidence"] < done["min_evidence"]:
            done["confidence_label"] = confidence_label(TOO_LITTLE)
    if "state" not in done:
        done["state"] = OLD_LABELS.get(done.get("confidence_label", ""), TOSS_UP)
        points = {s["option"]: s["points"] for s in done.get("scores", [])}
        others = [p for o, p in points.items() if o != done["recommendation"]]
        done["gap"] = round(points.get(done["recommendation"], 0) - max(others, default=0), 4)
    if done == snapshot:
        return snapshot
    return done  # type: ignore[return-value]  # the keys above are the Snapshot's own
