"""Score a person's answers against a :class:`~guide.engine.model.Rulebook`.

Every visible, answered question adds its choice's points (criterion weight × points) to each
option, and every rule whose conditions all hold adds its own; the verdict is a step of the
gap between the two (:mod:`guide.engine.verdict`).

"Not sure" is carried through: the unanswered questions are searched for the answers that
would most help and most hurt the recommendation, so the result can say whether it holds
whatever the person answers to the rest; and the interview (:mod:`guide.engine.interview`)
says whether asking more can change the framework, and which question to ask next.

The arithmetic is in :mod:`guide.engine.tally`; this module describes its outcome as the one
result type every surface reads, a :class:`~guide.engine.snapshot.Snapshot`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from .answers import AnswerError, check_answers
from .interview import plan
from .model import UNSURE, Link, Rule, Rulebook, Source
from .needs import starter_questions
from .snapshot import (
    Snapshot,
    SnapshotAnswer,
    SnapshotFeatureLinks,
    SnapshotFlip,
    SnapshotLink,
    SnapshotNote,
    SnapshotOutlook,
    SnapshotReason,
    SnapshotScore,
    SnapshotSource,
)
from .tally import EPSILON, HIDDEN, UNANSWERED, Tally, compile_rulebook
from .verdict import CONFIDENCE_OF, state_for


def score(rulebook: Rulebook, answers: Mapping[str, str], *, start: str | None = None) -> Snapshot:
    """Score ``answers`` (question id -> choice id, or "unsure" for "Not sure"; a question
    left out has not been asked, and like "Not sure" gives no points).

    ``start`` names a starting point: the answers it implies count as given (and are marked
    as assumptions) unless ``answers`` says otherwise.

    Returns the :class:`Snapshot`: the verdict and how sure it is, the points, the reasons
    with their sources, the single-answer changes that would flip it, the "not sure" outlook,
    the interview's next question and the links the answers call for. Numbers are rounded to
    four places. Raises :class:`AnswerError` for an unknown question, choice or starting point.
    """
    checked = check_answers(rulebook, answers, strict=True, start=start)
    if checked.problems:
        raise AnswerError(checked.problems)
    implied = rulebook.starting_point(start).answers if start else {}
    given = {**implied, **checked.answers}
    state = [
        q.choice_ids.index(given[q.id]) if given.get(q.id, UNSURE) != UNSURE else UNANSWERED
        for q in rulebook.questions
    ]
    asked = {i for i, q in enumerate(rulebook.questions) if q.id in given}
    assumed = {q for q in implied if q not in checked.answers}
    return _Scoring(rulebook, state, asked, assumed, start).snapshot()


class _Scoring:
    """One set of answers under one rulebook, scored once and then described."""

    def __init__(
        self,
        rulebook: Rulebook,
        state: list[int],
        asked: set[int],
        assumed: set[str],
        start: str | None,
    ):
        self.rulebook = rulebook
        self.tally = tally = Tally(rulebook, compile_rulebook(rulebook))
        self.state, self.asked, self.assumed, self.start = state, asked, assumed, start
        self.eff = tally.effective(state)
        self.totals = tally.totals(self.eff)
        self.net = self.totals[1] - self.totals[0]
        self.verdict = tally.verdict(self.totals)
        self.rec = self.verdict.recommendation
        self.names = {o.id: o.name for o in rulebook.options}
        conditions = tally.c.rule_conditions
        self.fired: list[Rule] = [
            rule
            for rule, conds in zip(rulebook.rules, conditions, strict=True)
            if all(self.eff[q] in allowed for q, allowed in conds)
        ]

    def snapshot(self) -> Snapshot:
        rb, verdict = self.rulebook, self.verdict
        recommended = rb.options[self.rec]
        settings = rb.settings
        return {
            "ruleset_version": rb.version,
            "rules_updated": rb.updated,
            "recommendation": recommended.id,
            "recommendation_name": recommended.name,
            "recommendation_summary": recommended.summary,
            "leaning": recommended.id,
            "leaning_name": recommended.name,
            "confidence": verdict.confidence,
            "confidence_label": rb.state_labels[verdict.state],
            "state": verdict.state,
            "gap": _round(verdict.gap),
            "margin": _round(verdict.margin),
            "evidence": _round(verdict.evidence),
            "min_evidence": settings.min_evidence,
            "lean_points": settings.lean_points,
            "clear_points": settings.clear_points,
            "criteria": [{"id": c.id, "label": c.label, "weight": c.weight} for c in rb.criteria],
            "scores": self.scores(),
            "answers": self.answers(),
            "reasons": self.reasons(),
            "flips": self.flips(),
            "outlook": self.outlook(),
            "notes": self.notes(),
            "alternatives": [
                {"name": a.name, "url": a.url, "why": a.why}
                for rule in self.fired
                for a in rule.alternatives
            ],
            "links": {
                "framework": _links(recommended.links),
                "features": self.features(),
            },
            "starting_point": (
                {"id": self.start, "label": rb.starting_point(self.start).label}
                if self.start
                else None
            ),
        }

    def scores(self) -> list[SnapshotScore]:
        rb = self.rulebook
        by_criterion = [dict.fromkeys((c.id for c in rb.criteria), 0.0) for _ in rb.options]
        position = {o: k for k, o in enumerate(rb.option_ids)}
        weights = {c.id: c.weight for c in rb.criteria}
        effects = [
            e
            for q, s in zip(rb.questions, self.eff, strict=True)
            if s >= 0
            for e in q.choices[s].effects
        ]
        effects += [e for rule in self.fired for e in rule.effects]
        for effect in effects:
            by_criterion[position[effect.option]][effect.criterion] += (
                weights[effect.criterion] * effect.points
            )
        return [
            {
                "option": o.id,
                "name": o.name,
                "points": _round(self.totals[k]),
                "share": _round(self.verdict.shares[k]),
                "by_criterion": {c: _round(p) for c, p in by_criterion[k].items()},
            }
            for k, o in enumerate(rb.options)
        ]

    def answers(self) -> list[SnapshotAnswer]:
        """Every question shown, with its answer ("unsure" for "Not sure" and for a question
        not asked)."""
        return [
            {
                "question": q.id,
                "prompt": q.prompt,
                "choice": q.choices[s].id if s >= 0 else UNSURE,
                "label": (
                    q.choices[s].label
                    if s >= 0
                    else self.rulebook.unsure_label
                    if i in self.asked
                    else self.rulebook.unasked_label
                ),
                "asked": i in self.asked,
                "assumed": q.id in self.assumed,
            }
            for i, (q, s) in enumerate(zip(self.rulebook.questions, self.eff, strict=True))
            if s != HIDDEN
        ]

    # -- "not sure" -----------------------------------------------------------------------

    def outlook(self) -> SnapshotOutlook:
        tally, eff, rec, rb = self.tally, self.eff, self.rec, self.rulebook
        free = tally.open_questions(self.state, eff)
        low = tally.totals(tally.extreme(self.state, free, rec, -1))
        high = tally.totals(tally.extreme(self.state, free, rec, 1))
        worst, best = tally.verdict(low), tally.verdict(high)
        step = plan(tally, self.state, eff, self.asked)
        next_question = (
            rb.questions[step.next_question].id if step.next_question is not None else None
        )
        worst_case = rb.options[worst.recommendation]
        return {
            "unanswered": [rb.questions[i].id for i, s in enumerate(eff) if s == UNANSWERED],
            "share_now": _round(self.verdict.shares[rec]),
            "share_low": _round(worst.shares[rec]),
            "share_high": _round(best.shares[rec]),
            "lead_low": _round(tally.lead(low[1] - low[0], rec)),
            "lead_high": _round(tally.lead(high[1] - high[0], rec)),
            "holds": worst.recommendation == rec and best.recommendation == rec,
            "worst_case": worst_case.id,
            "next_question": next_question,
            "next_swing": _round(step.next_swing),
            "next_prompt": rb.question(next_question).prompt if next_question else "",
            "worst_case_name": worst_case.name,
            "settled": step.settled,
            "questions_left_max": step.questions_left_max,
            "sharpening": [rb.questions[i].id for i in step.sharpening],
            "starter_questions": starter_questions(
                rb,
                {rb.questions[i].id for i in self.asked},
                {q.id for q, s in zip(rb.questions, eff, strict=True) if s != HIDDEN},
            ),
        }

    def flips(self) -> list[SnapshotFlip]:
        """Every single change of a shown answer that changes the recommendation."""
        flips: list[SnapshotFlip] = []
        other = self.rulebook.options[1 - self.rec]
        for i, s in enumerate(self.eff):
            if s == HIDDEN:
                continue
            question = self.rulebook.questions[i]
            for choice in range(len(question.choices)):
                if choice == s:
                    continue
                net = self.tally.trial(self.state, self.eff, self.net, i, choice)
                if self.tally.names(net, self.rec):
                    continue
                state = self.state_after(i, choice, net)
                flips.append(
                    {
                        "question": question.id,
                        "prompt": question.prompt,
                        "from_choice": question.choices[s].id if s >= 0 else UNSURE,
                        "from_label": (
                            question.choices[s].label if s >= 0 else self.rulebook.unsure_label
                        ),
                        "to_choice": question.choices[choice].id,
                        "to_label": question.choices[choice].label,
                        "recommendation": other.id,
                        "confidence": CONFIDENCE_OF[state],
                        "recommendation_name": other.name,
                        "state": state,
                    }
                )
        return flips

    def state_after(self, question: int, choice: int, net: float) -> str:
        """The verdict's state once one answer changes to ``choice``, leaving the net at
        ``net``; the points in all are counted only when an undecided state needs them."""
        tally = self.tally
        gap = abs(round(net, 6))
        if gap >= tally.lean - EPSILON:
            return state_for(gap, tally.min_evidence, lean=tally.lean, clear=tally.clear, least=0)
        changed = [*self.state[:question], choice, *self.state[question + 1 :]]
        return tally.verdict(tally.totals(tally.effective(changed))).state

    # -- why ------------------------------------------------------------------------------

    def signed(self, points: Mapping[str, float]) -> tuple[str, float]:
        """The option ``points`` favour, and their net points towards the recommendation
        (negative: against it)."""
        options, rec = self.rulebook.option_ids, self.rec
        other = options[1 - rec]
        net = points[options[rec]] - points[other]
        return (options[rec] if net >= 0 else other), net

    def reasons(self) -> list[SnapshotReason]:
        """Each answer and fired rule that gave points, the largest first."""
        found: list[SnapshotReason] = []
        for question, s in zip(self.rulebook.questions, self.eff, strict=True):
            if s < 0:
                continue
            choice = question.choices[s]
            found += self.reason(
                "answer",
                question.id,
                choice.id,
                f"{question.prompt} {choice.label}",
                choice.reason,
                choice.totals,
                self.sources(choice.sources, f"{question.id}.{choice.id}"),
                choice.because,
                assumed=question.id in self.assumed,
            )
        for rule in self.fired:
            found += self.reason(
                "rule",
                rule.id,
                "",
                "Combination of answers",
                rule.reason,
                rule.totals,
                self.sources(rule.sources, rule.id),
                rule.because,
                assumed=any(c.question in self.assumed for c in rule.when),
            )
        found.sort(key=lambda r: -abs(r["contribution"]))
        return found

    def reason(
        self,
        kind: str,
        ident: str,
        choice: str,
        label: str,
        text: str,
        totals: Mapping[str, float],
        cited: list[SnapshotSource],
        because: str,
        *,
        assumed: bool,
    ) -> list[SnapshotReason]:
        favours, net = self.signed(totals)
        if abs(net) <= EPSILON:
            return []
        return [
            {
                "kind": kind,
                "id": ident,
                "choice": choice,
                "label": label,
                "text": text,
                "favours": favours,
                "contribution": _round(net),
                "source": cited[0] if cited else None,
                "sources": cited,
                "because": because,
                "assumed": assumed,
            }
        ]

    def notes(self) -> list[SnapshotNote]:
        notes: list[SnapshotNote] = []
        for rule in self.fired:
            if rule.note:
                cited = self.sources(rule.sources, rule.id)
                notes.append(
                    {
                        "rule": rule.id,
                        "text": rule.note,
                        "source": cited[0] if cited else None,
                        "sources": cited,
                    }
                )
        return notes

    def sources(self, ids: Iterable[str], claim: str) -> list[SnapshotSource]:
        """The sources of ``claim`` ("question.choice" or a rule's id), with their quotes."""
        return [_source(self.rulebook.sources[i], claim) for i in ids]

    def features(self) -> list[SnapshotFeatureLinks]:
        """Links for each feature the answers call for, in the file's order."""
        rb = self.rulebook
        wanted = {
            f for i, s in enumerate(self.eff) if s >= 0 for f in rb.questions[i].choices[s].features
        }
        return [
            {
                "feature": f.id,
                "label": f.label,
                "links": {option: _links(links) for option, links in f.links.items()},
            }
            for f in rb.features.values()
            if f.id in wanted
        ]


def _links(links: Iterable[Link]) -> list[SnapshotLink]:
    return [{"title": link.title, "url": link.url} for link in links]


def _round(value: float) -> float:
    return round(value, 4)


def _source(source: Source, claim: str) -> SnapshotSource:
    return {
        "id": source.id,
        "title": source.title,
        "kind": source.kind,
        "url": source.url,
        "author": source.author,
        "year": source.year,
        "quote": source.quotes.get(claim, ""),
    }
