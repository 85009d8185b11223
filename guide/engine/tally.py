"""The arithmetic of scoring, on index tuples: the rulebook compiled once
(:func:`compile_rulebook`), then totals, single-answer trials, verdicts and the search over
"not sure" (:class:`Tally`).

An answer state is a list with one int per question: the choice's index, :data:`UNANSWERED`,
or :data:`HIDDEN` for a follow-up whose condition does not hold. Everything here only adds
numbers; :mod:`guide.engine.scoring` turns the outcome into a
:class:`~guide.engine.result.Recommendation`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from .model import Rulebook
from .verdict import CLEAR, CLOSE, LEAN

UNANSWERED = -1  # the question was answered "not sure", or not at all
HIDDEN = -2  # a follow-up whose show_if does not hold: it does not count
EPSILON = 1e-9


@dataclass(frozen=True, slots=True)
class Compiled:
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
def compile_rulebook(rulebook: Rulebook) -> Compiled:
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
    return Compiled(
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
class Verdict:
    recommendation: int
    leaning: int
    confidence: str
    margin: float
    shares: tuple[float, ...]
    evidence: float


class Tally:
    """Totals, trials, verdicts and the \"not sure\" search for one compiled rulebook."""

    def __init__(self, rulebook: Rulebook, compiled: Compiled):
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
                    eff[i] = HIDDEN
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
        if old == HIDDEN:  # a hidden follow-up counts for nothing, whatever its answer
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
        if new_eff[question] != HIDDEN:
            new_eff[question] = choice
        return new_raw, new_eff, new_totals

    def share(self, totals: list[float], option: int) -> float:
        evidence = sum(totals)
        return totals[option] / evidence if evidence > 0 else 1 / self.c.option_count

    def verdict(self, totals: list[float]) -> Verdict:
        evidence = sum(totals)
        n = self.c.option_count
        shares = tuple(t / evidence for t in totals) if evidence > 0 else (1 / n,) * n
        order = sorted(range(n), key=lambda k: (-shares[k], k != self.c.tie_break, k))
        leaning = order[0]
        margin = shares[order[0]] - shares[order[1]]
        if evidence < self.min_evidence or margin < self.close - EPSILON:
            return Verdict(self.c.tie_break, leaning, CLOSE, margin, shares, evidence)
        confidence = CLEAR if margin >= self.clear - EPSILON else LEAN
        return Verdict(leaning, leaning, confidence, margin, shares, evidence)

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
            best, best_value = UNANSWERED, 0.0
            for choice, points in enumerate(self.c.choice_totals[question]):
                value = sign * (2 * points[option] - sum(points))
                if value > best_value + EPSILON:
                    best, best_value = choice, value
            if best != raw[question]:
                raw, eff, totals = self.apply(raw, eff, totals, question, best)
        value = sign * self.share(totals, option)
        for _ in range(len(free) + 1):  # each pass improves, so this bound is never reached
            improved = False
            for question in free:
                for choice in (UNANSWERED, *range(len(self.c.choice_totals[question]))):
                    if choice == raw[question]:
                        continue
                    new_value = sign * self.share(
                        self.trial(raw, eff, totals, question, choice), option
                    )
                    if new_value > value + EPSILON:
                        raw, eff, totals = self.apply(raw, eff, totals, question, choice)
                        value, improved = new_value, True
            if not improved:
                break
        return totals
