"""What :func:`~guide.engine.scoring.score` returns: the verdict and everything said about it,
as frozen dataclasses, and the confidence states with their words.

:func:`make_snapshot` turns one into its stored, JSON-ready form, a
:class:`~guide.engine.snapshot.Snapshot`. The confidence states are in
:mod:`guide.engine.verdict`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from .model import Alternative, Link, Rulebook, Source
from .snapshot import Snapshot, SnapshotLink, SnapshotSource
from .verdict import confidence_label

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
    sources: tuple[Source, ...]  # most direct first
    because: str = ""  # the reason in a few words


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
    state: str


@dataclass(frozen=True, slots=True)
class Outlook:
    """The "not sure" range: what the unanswered questions could still do."""

    unanswered: tuple[str, ...]
    share_now: float  # the recommendation's share today
    share_low: float  # its share if the rest were answered against it
    share_high: float  # ... and in its favour
    lead_now: float  # the recommendation's lead in points today (negative: behind)
    lead_low: float  # its lead if the rest were answered against it
    lead_high: float  # ... and in its favour
    holds: bool  # True when no way of answering the rest changes the recommendation
    worst_case: str  # the recommendation in the least favourable case
    next_question: str | None  # the unanswered question that would move the result most
    next_swing: float  # how far (in points) that question alone can move the lead


@dataclass(frozen=True, slots=True)
class Note:
    rule: str
    text: str
    sources: tuple[Source, ...]  # most direct first


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
    leaning: str  # the option ahead on points: always the recommendation, since format 3
    confidence: str  # CLEAR, LEAN or CLOSE (both undecided states)
    state: str  # CLEAR, LEAN, TOSS_UP or TOO_LITTLE; see guide.engine.verdict
    gap: float  # the recommendation's lead in weighted points
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


def make_snapshot(result: Recommendation, rulebook: Rulebook) -> Snapshot:
    """``result`` (scored under ``rulebook``) as a self-contained, JSON-ready snapshot in the
    current :data:`FORMAT`. Numbers are rounded to four places."""
    names = {o.id: o.name for o in rulebook.options}
    outlook = result.outlook
    return {
        "ruleset_version": result.ruleset_version,
        "rules_updated": rulebook.updated,
        "recommendation": result.recommendation,
        "recommendation_name": names[result.recommendation],
        "recommendation_summary": rulebook.option(result.recommendation).summary,
        "leaning": result.leaning,
        "leaning_name": names[result.leaning],
        "confidence": result.confidence,
        "confidence_label": confidence_label(result.state),
        "state": result.state,
        "gap": _round(result.gap),
        "margin": _round(result.margin),
        "evidence": _round(result.evidence),
        "min_evidence": rulebook.settings.min_evidence,
        "lean_points": rulebook.settings.lean_points,
        "clear_points": rulebook.settings.clear_points,
        "criteria": [{"id": c.id, "label": c.label, "weight": c.weight} for c in rulebook.criteria],
        "scores": [
            {
                "option": s.option,
                "name": s.name,
                "points": _round(s.points),
                "share": _round(s.share),
                "by_criterion": {c: _round(p) for c, p in s.by_criterion},
            }
            for s in result.scores
        ],
        "answers": [
            {"question": a.question, "prompt": a.prompt, "choice": a.choice, "label": a.label}
            for a in result.answers
        ],
        "reasons": [
            {
                "kind": r.kind,
                "id": r.id,
                "choice": r.choice,
                "label": r.label,
                "text": r.text,
                "favours": r.favours,
                "contribution": _round(r.contribution),
                "source": _source(r.sources[0] if r.sources else None),
                "sources": [_source_of(x) for x in r.sources],
                "because": r.because,
            }
            for r in result.reasons
        ],
        "flips": [
            {
                "question": f.question,
                "prompt": f.prompt,
                "from_choice": f.from_choice,
                "from_label": f.from_label,
                "to_choice": f.to_choice,
                "to_label": f.to_label,
                "recommendation": f.recommendation,
                "confidence": f.confidence,
                "recommendation_name": names[f.recommendation],
                "state": f.state,
            }
            for f in result.flips
        ],
        "outlook": {
            "unanswered": list(outlook.unanswered),
            "share_now": _round(outlook.share_now),
            "share_low": _round(outlook.share_low),
            "share_high": _round(outlook.share_high),
            "lead_low": _round(outlook.lead_low),
            "lead_high": _round(outlook.lead_high),
            "holds": outlook.holds,
            "worst_case": outlook.worst_case,
            "next_question": outlook.next_question,
            "next_swing": _round(outlook.next_swing),
            "next_prompt": (
                rulebook.question(outlook.next_question).prompt if outlook.next_question else ""
            ),
            "worst_case_name": names[outlook.worst_case],
        },
        "notes": [
            {
                "rule": n.rule,
                "text": n.text,
                "source": _source(n.sources[0] if n.sources else None),
                "sources": [_source_of(x) for x in n.sources],
            }
            for n in result.notes
        ],
        "alternatives": [{"name": a.name, "url": a.url, "why": a.why} for a in result.alternatives],
        "links": {
            "framework": [_link(link) for link in result.links],
            "features": [
                {
                    "feature": f.feature,
                    "label": f.label,
                    "links": {
                        option: [_link(x) for x in links] for option, links in f.links.items()
                    },
                }
                for f in result.features
            ],
        },
    }


def _link(link: Link) -> SnapshotLink:
    return {"title": link.title, "url": link.url}


def _round(value: float) -> float:
    return round(value, 4)


def _source(source: Source | None) -> SnapshotSource | None:
    return None if source is None else _source_of(source)


def _source_of(source: Source) -> SnapshotSource:
    return {
        "id": source.id,
        "title": source.title,
        "kind": source.kind,
        "url": source.url,
        "author": source.author,
        "year": source.year,
    }
