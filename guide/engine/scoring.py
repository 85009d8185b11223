"""Score a person's answers against a :class:`~guide.engine.model.Rulebook`.

How a verdict is reached:

* every visible, answered question adds its choice's points (criterion weight × points) to
  each option; every rule whose conditions all hold adds its own;
* an option's share is its points over everyone's points; the *margin* is the leader's share
  minus the runner-up's;
* below ``settings.close_margin``, or with fewer points than ``settings.min_evidence`` in all,
  the result is a close call and the guide recommends ``settings.tie_break``; at or above
  ``settings.clear_margin`` it is clear; in between it is a lean.

"Not sure" is carried through: the unanswered questions are searched for the answers that
would most help and most hurt the recommendation, so the result can say whether it holds
whatever the person answers to the rest, and which question would move it most.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from .model import UNSURE, Alternative, Feature, Link, Rulebook, Source

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


_UNSURE = -1  # the question was answered "not sure", or not at all
_HIDDEN = -2  # a follow-up whose show_if does not hold: it does not count
_EPSILON = 1e-9


class AnswerError(ValueError):
    """An answer names an unknown question or a choice the question does not offer."""

    def __init__(self, question: str, choice: str | None, allowed: Iterable[str] = ()):
        self.question, self.choice, self.allowed = question, choice, tuple(allowed)
        if not self.allowed:
            message = f"unknown question '{question}'"
        else:
            message = (
                f"'{choice}' is not a choice of '{question}' "
                f"(choose one of: {', '.join(self.allowed)})"
            )
        super().__init__(message)


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

    def to_dict(self, rulebook: Rulebook) -> dict[str, Any]:
        """A self-contained, JSON-ready snapshot: it carries every label and source it shows,
        so it renders the same after questions.yaml has changed."""
        names = {o.id: o.name for o in rulebook.options}
        criteria = [{"id": c.id, "label": c.label, "weight": c.weight} for c in rulebook.criteria]
        return {
            "ruleset_version": self.ruleset_version,
            "recommendation": self.recommendation,
            "recommendation_name": names[self.recommendation],
            "recommendation_summary": rulebook.option(self.recommendation).summary,
            "leaning": self.leaning,
            "leaning_name": names[self.leaning],
            "confidence": self.confidence,
            "confidence_label": confidence_label(
                self.confidence, self.evidence, rulebook.settings.min_evidence
            ),
            "margin": round(self.margin, 4),
            "evidence": round(self.evidence, 4),
            "min_evidence": rulebook.settings.min_evidence,
            "criteria": criteria,
            "scores": [
                {
                    "option": s.option,
                    "name": s.name,
                    "points": round(s.points, 4),
                    "share": round(s.share, 4),
                    "by_criterion": {c: round(p, 4) for c, p in s.by_criterion},
                }
                for s in self.scores
            ],
            "answers": [_plain(a) for a in self.answers],
            "reasons": [
                {
                    **_plain(r, exclude=("source",)),
                    "contribution": round(r.contribution, 4),
                    "source": _source_dict(r.source),
                }
                for r in self.reasons
            ],
            "flips": [
                {**_plain(f), "recommendation_name": names[f.recommendation]} for f in self.flips
            ],
            "outlook": {
                **_plain(self.outlook),
                "unanswered": list(self.outlook.unanswered),
                "share_now": round(self.outlook.share_now, 4),
                "share_low": round(self.outlook.share_low, 4),
                "share_high": round(self.outlook.share_high, 4),
                "next_swing": round(self.outlook.next_swing, 4),
                "next_prompt": (
                    rulebook.question(self.outlook.next_question).prompt
                    if self.outlook.next_question
                    else ""
                ),
                "worst_case_name": names[self.outlook.worst_case],
            },
            "notes": [
                {"rule": n.rule, "text": n.text, "source": _source_dict(n.source)}
                for n in self.notes
            ],
            "alternatives": [_plain(a) for a in self.alternatives],
            "links": {
                "framework": [_plain(link) for link in self.links],
                "features": [
                    {
                        "feature": f.feature,
                        "label": f.label,
                        "links": {
                            opt: [_plain(link) for link in links] for opt, links in f.links.items()
                        },
                    }
                    for f in self.features
                ],
            },
        }


def complete_snapshot(snapshot: dict[str, Any], rulebook: Rulebook) -> dict[str, Any]:
    """A stored snapshot with the fields added since it was made, where they can be known
    exactly: only under the very ruleset it was made with (the version is a digest of the
    file). Anything else is returned as it is; the verdict itself is never touched."""
    if "min_evidence" in snapshot or snapshot.get("ruleset_version") != rulebook.version:
        return snapshot
    minimum = rulebook.settings.min_evidence
    return {
        **snapshot,
        "min_evidence": minimum,
        "confidence_label": confidence_label(snapshot["confidence"], snapshot["evidence"], minimum),
    }


def _plain(obj: Any, exclude: tuple[str, ...] = ()) -> dict[str, Any]:
    return {name: getattr(obj, name) for name in obj.__slots__ if name not in exclude}


def _source_dict(source: Source | None) -> dict[str, Any] | None:
    return None if source is None else _plain(source)


# -- scoring ------------------------------------------------------------------------------


def normalise_answers(rulebook: Rulebook, answers: Mapping[str, str]) -> dict[str, str]:
    """Check ``answers`` (question id -> choice id) and fill the gaps with "unsure".

    Returns every question of the rulebook, in its order. Raises :class:`AnswerError` for an
    unknown question or a choice the question does not offer.
    """
    for question_id, choice_id in answers.items():
        if not rulebook.has_question(question_id):
            raise AnswerError(question_id, None)
        question = rulebook.question(question_id)
        if choice_id != UNSURE and choice_id not in question.choice_ids:
            raise AnswerError(question_id, choice_id, (*question.choice_ids, UNSURE))
    return {q.id: answers.get(q.id, UNSURE) for q in rulebook.questions}


def score(rulebook: Rulebook, answers: Mapping[str, str]) -> Recommendation:
    """Score ``answers`` (question id -> choice id; missing questions count as "unsure").

    Returns a :class:`Recommendation` with the verdict, its confidence, the reasons, the
    single-answer changes that would flip it, the "not sure" outlook and the links the answers
    call for. Raises :class:`AnswerError` for an unknown question or choice.
    """
    answers = normalise_answers(rulebook, answers)
    compiled = _compile(rulebook)
    state = [
        _UNSURE if answers[q.id] == UNSURE else q.choice_ids.index(answers[q.id])
        for q in rulebook.questions
    ]
    return _Scorer(rulebook, compiled).recommend(state)


@dataclass(frozen=True, slots=True)
class _Compiled:
    """The rulebook as index tuples, built once per rulebook, so searching only adds numbers."""

    option_count: int
    tie_break: int
    choice_totals: tuple[tuple[tuple[float, ...], ...], ...]  # [question][choice][option]
    show_if: tuple[tuple[tuple[int, frozenset[int]], ...], ...]  # [question] -> conditions
    #: Every rule's conditions, in the file's order.
    rule_conditions: tuple[tuple[tuple[int, frozenset[int]], ...], ...]
    #: Only the rules that give points: (conditions, points per option).
    rules: tuple[tuple[tuple[tuple[int, frozenset[int]], ...], tuple[float, ...]], ...]
    #: [question] -> indices of the point-giving rules whose conditions name it.
    rules_of: tuple[tuple[int, ...], ...]
    #: [question] -> True when it decides whether a follow-up that gives points is shown,
    #: so a change to it needs a full recount rather than a swap of its own points.
    reshapes: tuple[bool, ...]


@lru_cache(maxsize=8)
def _compile(rulebook: Rulebook) -> _Compiled:
    options = rulebook.option_ids
    index = {q.id: i for i, q in enumerate(rulebook.questions)}

    def conditions(conds: Iterable[Any]) -> tuple[tuple[int, frozenset[int]], ...]:
        out = []
        for cond in conds:
            question = rulebook.questions[index[cond.question]]
            out.append(
                (
                    index[cond.question],
                    frozenset(question.choice_ids.index(c) for c in cond.choices),
                )
            )
        return tuple(out)

    rules = tuple(
        (conditions(rule.when), tuple(rule.totals[o] for o in options))
        for rule in rulebook.rules
        if any(rule.totals.values())
    )
    show_if = tuple(conditions(q.show_if) for q in rulebook.questions)
    gives_points = [any(any(c.totals.values()) for c in q.choices) for q in rulebook.questions]
    reshapes = [False] * len(rulebook.questions)
    for child, conds in enumerate(show_if):
        if gives_points[child] or reshapes[child]:
            for parent, _ in conds:
                reshapes[parent] = True
    return _Compiled(
        option_count=len(options),
        tie_break=options.index(rulebook.settings.tie_break),
        choice_totals=tuple(
            tuple(tuple(c.totals[o] for o in options) for c in q.choices)
            for q in rulebook.questions
        ),
        show_if=show_if,
        rules=rules,
        rule_conditions=tuple(conditions(rule.when) for rule in rulebook.rules),
        rules_of=tuple(
            tuple(r for r, (conds, _) in enumerate(rules) if any(q == i for q, _ in conds))
            for i in range(len(rulebook.questions))
        ),
        reshapes=tuple(reshapes),
    )


@dataclass(frozen=True, slots=True)
class _Verdict:
    recommendation: int
    leaning: int
    confidence: str
    margin: float
    shares: tuple[float, ...]
    evidence: float


class _Scorer:
    def __init__(self, rulebook: Rulebook, compiled: _Compiled):
        self.rulebook, self.c = rulebook, compiled
        settings = rulebook.settings
        self.close, self.clear, self.min_evidence = (
            settings.close_margin,
            settings.clear_margin,
            settings.min_evidence,
        )

    # -- the arithmetic -------------------------------------------------------------------

    def effective(self, state: list[int]) -> list[int]:
        """``state`` with follow-ups whose show_if does not hold marked hidden."""
        eff = list(state)
        for i, conds in enumerate(self.c.show_if):
            for parent, allowed in conds:
                if eff[parent] not in allowed:
                    eff[i] = _HIDDEN
                    break
        return eff

    def totals(self, eff: list[int]) -> list[float]:
        totals = [0.0] * self.c.option_count
        for i, choice in enumerate(eff):
            if choice >= 0:
                for k, points in enumerate(self.c.choice_totals[i][choice]):
                    totals[k] += points
        for conds, points_per_option in self.c.rules:
            if all(eff[q] in allowed for q, allowed in conds):
                for k, points in enumerate(points_per_option):
                    totals[k] += points
        return totals

    def trial(
        self, raw: list[int], eff: list[int], totals: list[float], question: int, choice: int
    ) -> list[float]:
        """The totals if one answer changed; nothing passed in is modified."""
        c = self.c
        if c.reshapes[question]:
            new_raw = list(raw)
            new_raw[question] = choice
            return self.totals(self.effective(new_raw))
        old = eff[question]
        if old == _HIDDEN:  # a hidden follow-up counts for nothing, whatever its answer
            return totals
        new = list(totals)
        if old >= 0:
            for k, points in enumerate(c.choice_totals[question][old]):
                new[k] -= points
        if choice >= 0:
            for k, points in enumerate(c.choice_totals[question][choice]):
                new[k] += points
        rules = c.rules_of[question]
        if rules:
            before = [all(eff[q] in allowed for q, allowed in c.rules[r][0]) for r in rules]
            eff[question] = choice  # restored below: callers see eff unchanged
            after = [all(eff[q] in allowed for q, allowed in c.rules[r][0]) for r in rules]
            eff[question] = old
            for r, was, now in zip(rules, before, after, strict=True):
                if was != now:
                    sign = 1 if now else -1
                    for k, points in enumerate(c.rules[r][1]):
                        new[k] += sign * points
        return new

    def apply(
        self, raw: list[int], eff: list[int], totals: list[float], question: int, choice: int
    ) -> tuple[list[int], list[int], list[float]]:
        """New raw answers, effective answers and totals after one answer changes."""
        new_raw = list(raw)
        new_raw[question] = choice
        if self.c.reshapes[question]:
            new_eff = self.effective(new_raw)
            return new_raw, new_eff, self.totals(new_eff)
        new_totals = self.trial(raw, eff, totals, question, choice)
        new_eff = list(eff)
        if new_eff[question] != _HIDDEN:
            new_eff[question] = choice
        return new_raw, new_eff, new_totals

    def share(self, totals: list[float], option: int) -> float:
        evidence = sum(totals)
        return totals[option] / evidence if evidence > 0 else 1 / self.c.option_count

    def verdict(self, totals: list[float]) -> _Verdict:
        evidence = sum(totals)
        n = self.c.option_count
        shares = tuple(t / evidence for t in totals) if evidence > 0 else (1 / n,) * n
        order = sorted(range(n), key=lambda k: (-shares[k], k != self.c.tie_break, k))
        leaning = order[0]
        margin = shares[order[0]] - shares[order[1]]
        if evidence < self.min_evidence or margin < self.close - _EPSILON:
            return _Verdict(self.c.tie_break, leaning, CLOSE, margin, shares, evidence)
        confidence = CLEAR if margin >= self.clear - _EPSILON else LEAN
        return _Verdict(leaning, leaning, confidence, margin, shares, evidence)

    # -- the search over "not sure" -------------------------------------------------------

    def extreme(
        self,
        raw: list[int],
        eff: list[int],
        totals: list[float],
        free: list[int],
        option: int,
        sign: int,
    ) -> list[float]:
        """The totals once the ``free`` questions are answered so as to push ``option``'s
        share as far as it goes (up for sign=1, down for sign=-1): a greedy start on the
        points, then single-answer improvements until none is left."""
        for question in free:
            best, best_value = _UNSURE, 0.0
            for choice, points in enumerate(self.c.choice_totals[question]):
                value = sign * (2 * points[option] - sum(points))
                if value > best_value + _EPSILON:
                    best, best_value = choice, value
            if best != raw[question]:
                raw, eff, totals = self.apply(raw, eff, totals, question, best)
        value = sign * self.share(totals, option)
        for _ in range(len(free) + 1):  # each pass improves, so this bound is never reached
            improved = False
            for question in free:
                for choice in (_UNSURE, *range(len(self.c.choice_totals[question]))):
                    if choice == raw[question]:
                        continue
                    new_value = sign * self.share(
                        self.trial(raw, eff, totals, question, choice), option
                    )
                    if new_value > value + _EPSILON:
                        raw, eff, totals = self.apply(raw, eff, totals, question, choice)
                        value, improved = new_value, True
            if not improved:
                break
        return totals

    # -- the result -----------------------------------------------------------------------

    def recommend(self, state: list[int]) -> Recommendation:
        rb, c = self.rulebook, self.c
        eff = self.effective(state)
        totals = self.totals(eff)
        verdict = self.verdict(totals)
        rec = verdict.recommendation
        options = rb.options

        # Questions still open: unanswered and visible, or hidden behind an unanswered parent.
        free = [
            i
            for i, s in enumerate(eff)
            if s == _UNSURE
            or (s == _HIDDEN and any(eff[p] in (_UNSURE, _HIDDEN) for p, _ in c.show_if[i]))
        ]
        low_totals = self.extreme(state, eff, totals, free, rec, -1)
        high_totals = self.extreme(state, eff, totals, free, rec, 1)
        worst = self.verdict(low_totals)
        best = self.verdict(high_totals)
        holds = worst.recommendation == rec and best.recommendation == rec

        next_question, next_swing = None, 0.0
        for i, s in enumerate(eff):
            if s != _UNSURE:
                continue
            shares = [
                self.share(self.trial(state, eff, totals, i, choice), rec)
                for choice in range(len(c.choice_totals[i]))
            ]
            swing = max(*shares, verdict.shares[rec]) - min(*shares, verdict.shares[rec])
            if swing > next_swing + _EPSILON:
                next_question, next_swing = rb.questions[i].id, swing

        flips = []
        for i, s in enumerate(eff):
            if s == _HIDDEN:
                continue
            question = rb.questions[i]
            for choice in range(len(question.choices)):
                if choice == s:
                    continue
                new = self.verdict(self.trial(state, eff, totals, i, choice))
                if new.recommendation != rec:
                    flips.append(
                        Flip(
                            question=question.id,
                            prompt=question.prompt,
                            from_choice=question.choices[s].id if s >= 0 else UNSURE,
                            from_label=question.choices[s].label if s >= 0 else "Not sure",
                            to_choice=question.choices[choice].id,
                            to_label=question.choices[choice].label,
                            recommendation=options[new.recommendation].id,
                            confidence=new.confidence,
                        )
                    )

        fired = [
            rule
            for rule, conds in zip(rb.rules, c.rule_conditions, strict=True)
            if all(eff[q] in allowed for q, allowed in conds)
        ]
        reasons = self.reasons(eff, fired, rec)
        by_criterion = self.by_criterion(eff, fired)
        wanted = {
            f for i, s in enumerate(eff) if s >= 0 for f in rb.questions[i].choices[s].features
        }
        features: list[Feature] = [f for f in rb.features.values() if f.id in wanted]

        return Recommendation(
            ruleset_version=rb.version,
            recommendation=options[rec].id,
            leaning=options[verdict.leaning].id,
            confidence=verdict.confidence,
            margin=verdict.margin,
            evidence=verdict.evidence,
            scores=tuple(
                OptionScore(
                    option=o.id,
                    name=o.name,
                    points=totals[k],
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
                    label=q.choices[s].label if s >= 0 else "Not sure",
                )
                for q, s in zip(rb.questions, eff, strict=True)
                if s != _HIDDEN
            ),
            reasons=reasons,
            flips=tuple(flips),
            outlook=Outlook(
                unanswered=tuple(rb.questions[i].id for i, s in enumerate(eff) if s == _UNSURE),
                share_now=verdict.shares[rec],
                share_low=worst.shares[rec],
                share_high=best.shares[rec],
                holds=holds,
                worst_case=options[worst.recommendation].id,
                next_question=next_question,
                next_swing=next_swing,
            ),
            notes=tuple(
                Note(rule=r.id, text=r.note, source=self.source(r.source)) for r in fired if r.note
            ),
            alternatives=tuple(a for r in fired for a in r.alternatives),
            links=options[rec].links,
            features=tuple(
                FeatureLinks(feature=f.id, label=f.label, links=f.links) for f in features
            ),
        )

    def source(self, source_id: str | None) -> Source | None:
        return self.rulebook.sources[source_id] if source_id else None

    def reasons(self, eff: list[int], fired: list[Any], rec: int) -> tuple[Reason, ...]:
        rb = self.rulebook
        options = rb.option_ids
        reasons = []

        def signed(points: Mapping[str, float]) -> tuple[str, float]:
            others = max(points[o] for k, o in enumerate(options) if k != rec)
            net = points[options[rec]] - others
            favours = (
                options[rec]
                if net >= 0
                else max((o for k, o in enumerate(options) if k != rec), key=lambda o: points[o])
            )
            return favours, net

        for question, s in zip(rb.questions, eff, strict=True):
            if s < 0:
                continue
            choice = question.choices[s]
            favours, net = signed(choice.totals)
            if abs(net) > _EPSILON:
                reasons.append(
                    Reason(
                        kind="answer",
                        id=question.id,
                        choice=choice.id,
                        label=f"{question.prompt} {choice.label}",
                        text=choice.reason,
                        favours=favours,
                        contribution=net,
                        source=self.source(choice.source),
                    )
                )
        for rule in fired:
            favours, net = signed(rule.totals)
            if abs(net) > _EPSILON:
                reasons.append(
                    Reason(
                        kind="rule",
                        id=rule.id,
                        choice="",
                        label="Combination of answers",
                        text=rule.reason,
                        favours=favours,
                        contribution=net,
                        source=self.source(rule.source),
                    )
                )
        reasons.sort(key=lambda r: -abs(r.contribution))
        return tuple(reasons)

    def by_criterion(self, eff: list[int], fired: list[Any]) -> list[dict[str, float]]:
        rb = self.rulebook
        out = [dict.fromkeys((cr.id for cr in rb.criteria), 0.0) for _ in rb.options]
        position = {o: k for k, o in enumerate(rb.option_ids)}
        effects = [
            e
            for q, s in zip(rb.questions, eff, strict=True)
            if s >= 0
            for e in q.choices[s].effects
        ]
        effects += [e for rule in fired for e in rule.effects]
        for effect in effects:
            weight = rb.criterion(effect.criterion).weight
            out[position[effect.option]][effect.criterion] += weight * effect.points
        return out
