"""The arithmetic of scoring, on index tuples: the rulebook compiled once
(:func:`compile_rulebook`), then totals, single-answer trials, verdicts and the search over
"not sure" (:class:`Tally`).

The guide weighs two options, so one number decides a verdict: the *net*, the second option's
points minus the first's (Django's minus Flask's in questions.yaml). Trials and the search
work on the net alone; totals per option are counted once for what the result shows.

An answer state is a list with one int per question: the choice's index, :data:`UNANSWERED`,
or :data:`HIDDEN` for a follow-up whose condition does not hold. Everything here only adds
numbers; :mod:`guide.engine.scoring` turns the outcome into a
:class:`~guide.engine.snapshot.Snapshot`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from .model import Rulebook
from .verdict import CONFIDENCE_OF, state_for

UNANSWERED = -1  # the question was answered "not sure", or not at all
HIDDEN = -2  # a follow-up whose show_if does not hold: it does not count
EPSILON = 1e-9

Conditions = tuple[tuple[int, frozenset[int]], ...]


@dataclass(frozen=True, slots=True)
class Compiled:
    """The rulebook as index tuples, built once per rulebook, so searching only adds numbers."""

    tie_break: int  # 0 or 1
    choice_totals: tuple[tuple[tuple[float, float], ...], ...]  # [question][choice][option]
    choice_nets: tuple[tuple[float, ...], ...]  # [question][choice]: second minus first
    show_if: tuple[Conditions, ...]  # [question] -> conditions
    #: Every rule's conditions, in the file's order.
    rule_conditions: tuple[Conditions, ...]
    #: Only the rules that give points: (conditions, points per option, net).
    rules: tuple[tuple[Conditions, tuple[float, float], float], ...]
    #: [question] -> indices of the point-giving rules whose conditions name it.
    rules_of: tuple[tuple[int, ...], ...]
    #: [question] -> True when it decides whether a follow-up that gives points is shown,
    #: so a change to it needs a full recount rather than a swap of its own points.
    reshapes: tuple[bool, ...]
    #: [question] -> True when its points are not simply its own: it is named by a rule that
    #: gives points, decides whether a follow-up is shown, or is a follow-up. Only these need
    #: the search's single-answer improvements; the rest are best answered on their own.
    entangled: tuple[bool, ...]
    #: [question] -> True when some answer to it can move the net: a choice that gives points,
    #: a rule that gives points, or a follow-up it shows that does. The interview asks no other.
    moves: tuple[bool, ...]


@lru_cache(maxsize=8)
def compile_rulebook(rulebook: Rulebook) -> Compiled:
    first, second = rulebook.option_ids
    index = {q.id: i for i, q in enumerate(rulebook.questions)}

    def conditions(conds: Iterable[Any]) -> Conditions:
        return tuple(
            (
                index[cond.question],
                frozenset(
                    rulebook.question(cond.question).choice_ids.index(c) for c in cond.choices
                ),
            )
            for cond in conds
        )

    rules = tuple(
        (
            conditions(rule.when),
            (rule.totals[first], rule.totals[second]),
            rule.totals[second] - rule.totals[first],
        )
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
    parents = {p for conds in show_if for p, _ in conds}
    in_rules = {q for conds, _, _ in rules for q, _ in conds}
    return Compiled(
        tie_break=rulebook.option_ids.index(rulebook.settings.tie_break),
        choice_totals=tuple(
            tuple((c.totals[first], c.totals[second]) for c in q.choices)
            for q in rulebook.questions
        ),
        choice_nets=tuple(
            tuple(c.totals[second] - c.totals[first] for c in q.choices) for q in rulebook.questions
        ),
        show_if=show_if,
        rules=rules,
        rule_conditions=tuple(conditions(rule.when) for rule in rulebook.rules),
        rules_of=tuple(
            tuple(r for r, (conds, _, _) in enumerate(rules) if any(q == i for q, _ in conds))
            for i in range(len(rulebook.questions))
        ),
        reshapes=tuple(reshapes),
        entangled=tuple(
            bool(show_if[i]) or i in parents or i in in_rules
            for i in range(len(rulebook.questions))
        ),
        moves=tuple(
            any(abs(c.totals[second] - c.totals[first]) > EPSILON for c in q.choices)
            or reshapes[i]
            or i in in_rules
            for i, q in enumerate(rulebook.questions)
        ),
    )


@dataclass(frozen=True, slots=True)
class Verdict:
    recommendation: int
    leaning: int
    confidence: str
    margin: float
    shares: tuple[float, float]
    evidence: float
    state: str
    gap: float  # the leader's points minus the runner-up's


class Tally:
    """Totals, trials, verdicts and the "not sure" search for one compiled rulebook."""

    def __init__(self, rulebook: Rulebook, compiled: Compiled):
        self.rulebook, self.c = rulebook, compiled
        settings = rulebook.settings
        self.lean, self.clear, self.min_evidence = (
            settings.lean_points,
            settings.clear_points,
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
        """Each option's points."""
        totals = [0.0, 0.0]
        for i, choice in enumerate(eff):
            if choice >= 0:
                first, second = self.c.choice_totals[i][choice]
                totals[0] += first
                totals[1] += second
        for conds, (first, second), _ in self.c.rules:
            if all(eff[q] in allowed for q, allowed in conds):
                totals[0] += first
                totals[1] += second
        return totals

    def net(self, eff: list[int]) -> float:
        """The second option's points minus the first's."""
        nets = self.c.choice_nets
        net = sum(nets[i][choice] for i, choice in enumerate(eff) if choice >= 0)
        for conds, _, rule_net in self.c.rules:
            if all(eff[q] in allowed for q, allowed in conds):
                net += rule_net
        return net

    def trial(
        self, raw: list[int], eff: list[int], net: float, question: int, choice: int
    ) -> float:
        """The net if one answer changed; nothing passed in is modified."""
        c = self.c
        if c.reshapes[question]:
            new_raw = list(raw)
            new_raw[question] = choice
            return self.net(self.effective(new_raw))
        old = eff[question]
        if old == HIDDEN:  # a hidden follow-up counts for nothing, whatever its answer
            return net
        nets = c.choice_nets[question]
        new = net - (nets[old] if old >= 0 else 0.0) + (nets[choice] if choice >= 0 else 0.0)
        for r in c.rules_of[question]:
            conds, _, rule_net = c.rules[r]
            others = all(eff[q] in allowed for q, allowed in conds if q != question)
            if others:
                mine = next(allowed for q, allowed in conds if q == question)
                was, now = old in mine, choice in mine
                if was != now:
                    new += rule_net if now else -rule_net
        return new

    def apply(
        self, raw: list[int], eff: list[int], net: float, question: int, choice: int
    ) -> tuple[list[int], list[int], float]:
        """New raw answers, effective answers and net after one answer changes."""
        new_raw = list(raw)
        new_raw[question] = choice
        if self.c.reshapes[question]:
            new_eff = self.effective(new_raw)
            return new_raw, new_eff, self.net(new_eff)
        new_net = self.trial(raw, eff, net, question, choice)
        new_eff = list(eff)
        if new_eff[question] != HIDDEN:
            new_eff[question] = choice
        return new_raw, new_eff, new_net

    # -- verdicts -------------------------------------------------------------------------

    def verdict(self, totals: list[float]) -> Verdict:
        """The leader, how far ahead it is in points and the state that gap makes; see
        :mod:`guide.engine.verdict`."""
        evidence = totals[0] + totals[1]
        shares = (totals[0] / evidence, totals[1] / evidence) if evidence > 0 else (0.5, 0.5)
        net = round(totals[1] - totals[0], 6)
        leader = 1 if net > 0 else 0 if net < 0 else self.c.tie_break
        gap = abs(net)
        state = state_for(gap, evidence, lean=self.lean, clear=self.clear, least=self.min_evidence)
        margin = abs(shares[1] - shares[0])
        return Verdict(leader, leader, CONFIDENCE_OF[state], margin, shares, evidence, state, gap)

    @staticmethod
    def lead(net: float, option: int) -> float:
        """How far ``option`` is ahead of the other, in points, for this net."""
        return net if option == 1 else -net

    def names(self, net: float, option: int) -> bool:
        """Whether ``option`` would still be the one named: ahead, or level and the
        tie-break."""
        lead = round(self.lead(net, option), 6)
        return lead > 0 or (lead == 0 and option == self.c.tie_break)

    # -- the search over "not sure" -------------------------------------------------------

    def open_questions(self, raw: list[int], eff: list[int]) -> list[int]:
        """The questions still open: unanswered and shown, or unanswered and hidden behind an
        open parent (an answer given to a hidden follow-up counts again if it is shown)."""
        show_if = self.c.show_if
        return [
            i
            for i, s in enumerate(eff)
            if s == UNANSWERED
            or (
                s == HIDDEN
                and raw[i] == UNANSWERED
                and any(eff[p] in (UNANSWERED, HIDDEN) for p, _ in show_if[i])
            )
        ]

    def extreme(self, raw: list[int], free: list[int], option: int, sign: int) -> list[int]:
        """The effective answers once the ``free`` questions are answered so as to push
        ``option``'s lead as far as it goes (up for sign=1, down for sign=-1); see
        :meth:`extreme_state`."""
        return self.extreme_state(raw, free, option, sign)[1]

    def extreme_state(
        self,
        raw: list[int],
        free: list[int],
        option: int,
        sign: int,
        allowed: Mapping[int, tuple[int, ...]] | None = None,
    ) -> tuple[list[int], list[int], float]:
        """The raw answers, effective answers and net once the ``free`` questions are answered
        so as to push ``option``'s lead as far as it goes (up for sign=1, down for sign=-1):
        the best answer to each on its own points, then single-answer improvements to the
        entangled ones until none is left. A question in ``allowed`` takes one of the choices
        listed there and no other ("Not sure" included): a team's disagreement, settled on
        one of the answers its members gave."""
        allowed = allowed or {}
        want = sign * (1 if option == 1 else -1)  # +1: push the net up; -1: down

        def options(question: int) -> tuple[int, ...]:
            if question in allowed:
                return allowed[question]
            return (UNANSWERED, *range(len(self.c.choice_nets[question])))

        raw = list(raw)
        for question in free:
            nets = self.c.choice_nets[question]
            raw[question] = max(
                options(question),
                key=lambda c: want * nets[c] if c >= 0 else 0.0,
            )
        eff = self.effective(raw)
        net = self.net(eff)
        tangled = [q for q in free if self.c.entangled[q]]
        for _ in range(len(tangled) + 1):  # each pass improves, so this bound is never reached
            improved = False
            for question in tangled:
                for choice in options(question):
                    if choice == raw[question]:
                        continue
                    new_net = self.trial(raw, eff, net, question, choice)
                    if want * new_net > want * net + EPSILON:
                        raw, eff, net = self.apply(raw, eff, net, question, choice)
                        improved = True
            if not improved:
                break
        return raw, eff, net
