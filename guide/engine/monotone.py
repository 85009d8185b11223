"""A check, made when questions.yaml is loaded, that no answer can work against itself.

The verdict is a step of one number, the second option's points minus the first's (see
:mod:`guide.engine.verdict`). An answer *favours* an option when its own points give that
option the larger share of the net: changing one answer to another that favours, say, Django
more must never move that number towards Flask. The answer's own points always move it the
right way; what could undo them are its side effects: a rule that starts or stops firing, and a
follow-up question that appears or disappears with its own answer and rules. This module bounds
those side effects and refuses a rulebook in which they could outweigh the answer itself.

The bound is conservative (every side effect at its worst at once), so a rulebook it passes is
monotone for every profile; the property test in tests/engine/test_monotone.py searches real
profiles as well.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass

from .model import Condition, Question, Rule, Rulebook

EPSILON = 1e-9


@dataclass(frozen=True, slots=True)
class DirectionProblem:
    question: str
    index: int  # the question's position in the file
    message: str


def direction_problems(rulebook: Rulebook) -> list[DirectionProblem]:
    """Every change of one answer whose side effects could outweigh its own points. Checked
    for two options only: with more, "towards an option" has no single direction."""
    if len(rulebook.options) != 2:
        return []
    return _Check(rulebook).problems()


class _Check:
    def __init__(self, rulebook: Rulebook):
        self.rb = rulebook
        self.first, self.second = rulebook.option_ids
        self.rules_on: dict[str, list[Rule]] = {q.id: [] for q in rulebook.questions}
        for rule in rulebook.rules:
            for cond in rule.when:
                self.rules_on[cond.question].append(rule)
        self.children: dict[str, list[Question]] = {q.id: [] for q in rulebook.questions}
        for q in rulebook.questions:
            for cond in q.show_if:
                self.children[cond.question].append(q)

    def net(self, totals: Mapping[str, float]) -> float:
        return totals[self.second] - totals[self.first]

    def reach(self, question: Question) -> tuple[float, float]:
        """The least and the most a shown question can add to the net, with its rules and the
        follow-ups it can show, each at its extreme ("not sure" adds nothing)."""
        nets = [self.net(c.totals) for c in question.choices]
        low, high = min(0.0, *nets), max(0.0, *nets)
        for rule in self.rules_on[question.id]:
            low += min(0.0, self.net(rule.totals))
            high += max(0.0, self.net(rule.totals))
        for child in self.children[question.id]:
            child_low, child_high = self.reach(child)
            low, high = low + child_low, high + child_high
        return low, high

    def against(self, question: Question, was: str | None, now: str | None, sign: int) -> float:
        """How far the side effects of moving ``question`` from ``was`` to ``now`` (None:
        "not sure") could move the net against ``sign`` at worst."""
        worst = 0.0
        for rule in self.rules_on[question.id]:
            for after in _switched(rule.when, question.id, was, now):
                delta = self.net(rule.totals) * (1 if after else -1)
                worst += max(0.0, -sign * delta)
        for child in self.children[question.id]:
            for after in _switched(child.show_if, question.id, was, now):
                low, high = self.reach(child)
                # Appearing adds somewhere in [low, high]; disappearing takes it away.
                delta_low, delta_high = (low, high) if after else (-high, -low)
                worst += max(0.0, -sign * (delta_low if sign > 0 else delta_high))
        return worst

    def problems(self) -> list[DirectionProblem]:
        found = []
        names = {o.id: o.name for o in self.rb.options}
        for index, question in enumerate(self.rb.questions):
            values: list[tuple[str | None, float]] = [(None, 0.0)]
            values += [(c.id, self.net(c.totals)) for c in question.choices]
            for was, was_net in values:
                for now, now_net in values:
                    moved = now_net - was_net
                    if abs(moved) <= EPSILON:
                        continue
                    sign = 1 if moved > 0 else -1
                    worst = self.against(question, was, now, sign)
                    if worst > abs(moved) + EPSILON:
                        towards = names[self.second if sign > 0 else self.first]
                        message = (
                            f"answering '{now or 'unsure'}' instead of '{was or 'unsure'}' gives "
                            f"{towards} {abs(moved):g} more points, but the rules and follow-ups "
                            f"it starts or stops can take back up to {worst:g}: an answer for "
                            f"{towards} could move the verdict away from it"
                        )
                        found.append(DirectionProblem(question.id, index, message))
        return found


def _switched(
    conditions: Iterable[Condition], question: str, was: str | None, now: str | None
) -> Iterator[bool]:
    """For each of ``conditions`` on ``question`` that moving its answer from ``was`` to
    ``now`` (None: "not sure") switches, whether it now holds: the same test for a rule's
    ``when`` and a follow-up's ``show_if``."""
    for cond in conditions:
        if cond.question == question and (was in cond.choices) != (now in cond.choices):
            yield now in cond.choices
