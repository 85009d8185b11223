"""Score a person's answers against a :class:`~guide.engine.model.Rulebook`.

Every visible, answered question adds its choice's points (criterion weight × points) to each
option, and every rule whose conditions all hold adds its own; the verdict is a step of the
gap between the two (:mod:`guide.engine.verdict`).

"Not sure" is carried through: the unanswered questions are searched for the answers that
would most help and most hurt the recommendation, so the result can say whether it holds
whatever the person answers to the rest, and which question would move it most.

The arithmetic is in :mod:`guide.engine.tally`; this module turns it into a
:class:`~guide.engine.result.Recommendation`.
"""

from __future__ import annotations

from collections.abc import Mapping

from .answers import AnswerError, check_answers
from .model import UNSURE, UNSURE_LABEL, Rule, Rulebook, Source
from .result import (
    Answer,
    FeatureLinks,
    Flip,
    Note,
    OptionScore,
    Outlook,
    Reason,
    Recommendation,
    make_snapshot,
)
from .snapshot import Snapshot
from .tally import EPSILON, HIDDEN, UNANSWERED, Tally, compile_rulebook
from .verdict import CONFIDENCE_OF, state_of


def score(rulebook: Rulebook, answers: Mapping[str, str]) -> Recommendation:
    """Score ``answers`` (question id -> choice id; missing questions count as "unsure").

    Returns a :class:`Recommendation` with the verdict, its confidence, the reasons, the
    single-answer changes that would flip it, the "not sure" outlook and the links the answers
    call for. Raises :class:`AnswerError` for an unknown question or choice.
    """
    checked = check_answers(rulebook, answers, strict=True)
    if checked.problems:
        raise AnswerError(checked.problems)
    state = [
        q.choice_ids.index(checked.answers[q.id]) if q.id in checked.answers else UNANSWERED
        for q in rulebook.questions
    ]
    return _Scoring(rulebook, state).recommendation()


def evaluate(rulebook: Rulebook, answers: Mapping[str, str]) -> Snapshot:
    """:func:`score`, as the snapshot every surface shows; the same errors."""
    return make_snapshot(score(rulebook, answers), rulebook)


class _Scoring:
    """One set of answers under one rulebook, scored once and then described."""

    def __init__(self, rulebook: Rulebook, state: list[int]):
        self.rulebook = rulebook
        self.tally = tally = Tally(rulebook, compile_rulebook(rulebook))
        self.state = state
        self.eff = tally.effective(state)
        self.totals = tally.totals(self.eff)
        self.net = self.totals[1] - self.totals[0]
        self.verdict = tally.verdict(self.totals)
        self.rec = self.verdict.recommendation
        conditions = tally.c.rule_conditions
        self.fired: list[Rule] = [
            rule
            for rule, conds in zip(rulebook.rules, conditions, strict=True)
            if all(self.eff[q] in allowed for q, allowed in conds)
        ]

    def recommendation(self) -> Recommendation:
        rb, verdict, options = self.rulebook, self.verdict, self.rulebook.options
        by_criterion = self.by_criterion()
        return Recommendation(
            ruleset_version=rb.version,
            recommendation=options[self.rec].id,
            leaning=options[verdict.leaning].id,
            confidence=verdict.confidence,
            state=verdict.state,
            gap=verdict.gap,
            margin=verdict.margin,
            evidence=verdict.evidence,
            scores=tuple(
                OptionScore(
                    option=o.id,
                    name=o.name,
                    points=self.totals[k],
                    share=verdict.shares[k],
                    by_criterion=tuple((cr.id, by_criterion[k][cr.id]) for cr in rb.criteria),
                )
                for k, o in enumerate(options)
            ),
            answers=tuple(
                Answer(
                    question=q.id,
                    prompt=q.prompt,
                    choice=q.choices[s].id if s >= 0 else UNSURE,
                    label=q.choices[s].label if s >= 0 else UNSURE_LABEL,
                )
                for q, s in zip(rb.questions, self.eff, strict=True)
                if s != HIDDEN
            ),
            reasons=self.reasons(),
            flips=self.flips(),
            outlook=self.outlook(),
            notes=tuple(
                Note(rule=r.id, text=r.note, sources=self.sources(r.sources))
                for r in self.fired
                if r.note
            ),
            alternatives=tuple(a for r in self.fired for a in r.alternatives),
            links=options[self.rec].links,
            features=self.features(),
        )

    # -- "not sure" -----------------------------------------------------------------------

    def outlook(self) -> Outlook:
        tally, eff, rec, options = self.tally, self.eff, self.rec, self.rulebook.options
        # Questions still open: unanswered and visible, or unanswered and hidden behind an
        # open parent (an answer given to a hidden follow-up counts again if it is shown).
        free = [
            i
            for i, s in enumerate(eff)
            if s == UNANSWERED
            or (
                s == HIDDEN
                and self.state[i] == UNANSWERED
                and any(eff[p] in (UNANSWERED, HIDDEN) for p, _ in tally.c.show_if[i])
            )
        ]
        low = tally.totals(tally.extreme(self.state, free, rec, -1))
        high = tally.totals(tally.extreme(self.state, free, rec, 1))
        worst, best = tally.verdict(low), tally.verdict(high)
        next_question, next_swing = self.next_question()
        return Outlook(
            unanswered=tuple(
                self.rulebook.questions[i].id for i, s in enumerate(eff) if s == UNANSWERED
            ),
            share_now=self.verdict.shares[rec],
            share_low=worst.shares[rec],
            share_high=best.shares[rec],
            lead_now=tally.lead(self.net, rec),
            lead_low=tally.lead(low[1] - low[0], rec),
            lead_high=tally.lead(high[1] - high[0], rec),
            holds=worst.recommendation == rec and best.recommendation == rec,
            worst_case=options[worst.recommendation].id,
            next_question=next_question,
            next_swing=next_swing,
        )

    def next_question(self) -> tuple[str | None, float]:
        """The unanswered question whose answer alone moves the net most, and by how many
        points."""
        tally = self.tally
        best: str | None = None
        best_swing = 0.0
        for i, s in enumerate(self.eff):
            if s != UNANSWERED:
                continue
            nets = [
                tally.trial(self.state, self.eff, self.net, i, choice)
                for choice in range(len(tally.c.choice_nets[i]))
            ]
            swing = max(*nets, self.net) - min(*nets, self.net)
            if swing > best_swing + EPSILON:
                best, best_swing = self.rulebook.questions[i].id, swing
        return best, best_swing

    def flips(self) -> tuple[Flip, ...]:
        """Every single change of a shown answer that changes the recommendation."""
        flips = []
        for i, s in enumerate(self.eff):
            if s == HIDDEN:
                continue
            question = self.rulebook.questions[i]
            for choice in range(len(question.choices)):
                if choice == s:
                    continue
                net = self.tally.trial(self.state, self.eff, self.net, i, choice)
                if not self.tally.names(net, self.rec):
                    flips.append(self.flip(i, s, choice, self.state_after(i, choice, net)))
        return tuple(flips)

    def state_after(self, question: int, choice: int, net: float) -> str:
        """The verdict's state once one answer changes to ``choice``, leaving the net at
        ``net``; the points in all are counted only when an undecided state needs them."""
        tally = self.tally
        gap = abs(round(net, 6))
        if gap >= tally.lean - EPSILON:
            return state_of(gap, tally.min_evidence, lean=tally.lean, clear=tally.clear, least=0)
        changed = [*self.state[:question], choice, *self.state[question + 1 :]]
        return tally.verdict(tally.totals(tally.effective(changed))).state

    def flip(self, question_index: int, was: int, choice: int, state: str) -> Flip:
        question = self.rulebook.questions[question_index]
        return Flip(
            question=question.id,
            prompt=question.prompt,
            from_choice=question.choices[was].id if was >= 0 else UNSURE,
            from_label=question.choices[was].label if was >= 0 else UNSURE_LABEL,
            to_choice=question.choices[choice].id,
            to_label=question.choices[choice].label,
            recommendation=self.rulebook.options[1 - self.rec].id,
            confidence=CONFIDENCE_OF[state],
            state=state,
        )

    # -- why ------------------------------------------------------------------------------

    def sources(self, ids: tuple[str, ...]) -> tuple[Source, ...]:
        return tuple(self.rulebook.sources[i] for i in ids)

    def signed(self, points: Mapping[str, float]) -> tuple[str, float]:
        """The option ``points`` favour most, and their net points towards the
        recommendation (negative: against it)."""
        options, rec = self.rulebook.option_ids, self.rec
        others = [o for k, o in enumerate(options) if k != rec]
        net = points[options[rec]] - max(points[o] for o in others)
        favours = options[rec] if net >= 0 else max(others, key=lambda o: points[o])
        return favours, net

    def reasons(self) -> tuple[Reason, ...]:
        reasons = []
        for question, s in zip(self.rulebook.questions, self.eff, strict=True):
            if s < 0:
                continue
            choice = question.choices[s]
            favours, net = self.signed(choice.totals)
            if abs(net) > EPSILON:
                reasons.append(
                    Reason(
                        kind="answer",
                        id=question.id,
                        choice=choice.id,
                        label=f"{question.prompt} {choice.label}",
                        text=choice.reason,
                        favours=favours,
                        contribution=net,
                        sources=self.sources(choice.sources),
                        because=choice.because,
                    )
                )
        for rule in self.fired:
            favours, net = self.signed(rule.totals)
            if abs(net) > EPSILON:
                reasons.append(
                    Reason(
                        kind="rule",
                        id=rule.id,
                        choice="",
                        label="Combination of answers",
                        text=rule.reason,
                        favours=favours,
                        contribution=net,
                        sources=self.sources(rule.sources),
                        because=rule.because,
                    )
                )
        reasons.sort(key=lambda r: -abs(r.contribution))
        return tuple(reasons)

    def by_criterion(self) -> list[dict[str, float]]:
        rb = self.rulebook
        out = [dict.fromkeys((cr.id for cr in rb.criteria), 0.0) for _ in rb.options]
        position = {o: k for k, o in enumerate(rb.option_ids)}
        effects = [
            e
            for q, s in zip(rb.questions, self.eff, strict=True)
            if s >= 0
            for e in q.choices[s].effects
        ]
        effects += [e for rule in self.fired for e in rule.effects]
        for effect in effects:
            weight = rb.criterion(effect.criterion).weight
            out[position[effect.option]][effect.criterion] += weight * effect.points
        return out

    def features(self) -> tuple[FeatureLinks, ...]:
        """Links for each feature the answers call for, in the file's order."""
        rb = self.rulebook
        wanted = {
            f for i, s in enumerate(self.eff) if s >= 0 for f in rb.questions[i].choices[s].features
        }
        return tuple(
            FeatureLinks(feature=f.id, label=f.label, links=f.links)
            for f in rb.features.values()
            if f.id in wanted
        )
