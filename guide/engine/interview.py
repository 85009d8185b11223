"""The interview: which question to ask next, and when asking more cannot change the framework.

The guide asks one question at a time and stops as soon as no answer to the questions not
asked yet can change which framework it names. A question answered "Not sure" counts as asked:
it is never asked again, and its points stay out.

*Settled* is exact: the questions not asked yet are searched for the answers that push the net
furthest each way (:meth:`~guide.engine.tally.Tally.extreme_state`), and if both ends name the
same framework, nothing left to ask can change it.

*Which question next* is a choice under uncertainty. Each side has a *deficit*: how far the
answers not given yet could still push the net past zero against it. Settling means closing one
of the two. For each question that can be asked now, the engine weighs what each of its answers
would close of each deficit (each choice equally likely, and "Not sure" one time in ten), and
weights the two sides by how likely each is to win on the answers so far (a normal
approximation of the net once every question is answered). It asks the question that closes
the most of the likely winner's deficit, as a share of it. This settles a verdict in fewer
questions than asking the question whose answer alone moves the net most, because once one
side leads, the questions that matter are the ones that could still overturn it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from .tally import EPSILON, HIDDEN, UNANSWERED, Tally

#: How often the engine expects "Not sure" to a question, when it weighs what an answer may be.
UNSURE_SHARE = 0.1
#: How strongly the likelier winner's deficit counts over the other's (1: in proportion to
#: the chances; higher: more on the likely winner).
FOCUS = 2.0


@dataclass(frozen=True, slots=True)
class Plan:
    """Where the interview stands after the answers given so far."""

    settled: bool  # no answer to the questions not asked yet can change the framework
    next_question: int | None  # the question to ask next; None once settled
    next_swing: float  # how far that question's answer alone can move the net, in points
    questions_left_max: int  # the most questions the interview could still ask
    sharpening: tuple[int, ...]  # once settled: questions that could still change how sure


def plan(tally: Tally, raw: list[int], eff: list[int], asked: set[int]) -> Plan:
    """The interview's next step for the answers in ``raw`` (choice indices, UNANSWERED for
    "Not sure" and for questions not asked), ``eff`` (the same with hidden follow-ups marked)
    and ``asked`` (the questions answered, "Not sure" included)."""
    c = tally.c
    free = [i for i in tally.open_questions(raw, eff) if i not in asked]
    low_raw, low_eff, low = tally.extreme_state(raw, free, 1, -1)
    high_raw, high_eff, high = tally.extreme_state(raw, free, 1, 1)
    moving = [i for i in free if c.moves[i]]
    if tally.names(low, 1) == tally.names(high, 1):
        ends = ((low_raw, low_eff), (high_raw, high_eff))
        return Plan(True, None, 0.0, 0, _sharpening(tally, raw, eff, moving, ends))
    candidates = [i for i in moving if eff[i] != HIDDEN]
    net = tally.net(eff)
    # How far each side is from settled: the net could still fall to ``low`` (Flask's hope)
    # or climb to ``high`` (Django's).
    django_short, flask_short = max(EPSILON, -low), max(EPSILON, high)
    p_django = _chance_django(tally, net, eff, candidates)
    weight_django, weight_flask = p_django**FOCUS, (1 - p_django) ** FOCUS
    best, best_value = candidates[0], -1.0
    for question in candidates:
        closes_django = closes_flask = 0.0
        for choice, chance in _answers(tally, question):
            new_low = tally.trial(low_raw, low_eff, low, question, choice)
            new_high = tally.trial(high_raw, high_eff, high, question, choice)
            closes_django += chance * min(max(0.0, new_low - low), django_short)
            closes_flask += chance * min(max(0.0, high - new_high), flask_short)
        value = (
            weight_django * closes_django / django_short + weight_flask * closes_flask / flask_short
        ) / (weight_django + weight_flask)
        if value > best_value + EPSILON:
            best, best_value = question, value
    return Plan(False, best, _swing(tally, raw, eff, net, best), len(moving), ())


def _answers(tally: Tally, question: int) -> list[tuple[int, float]]:
    """Each answer to ``question`` with how likely the engine takes it to be."""
    count = len(tally.c.choice_nets[question])
    share = (1 - UNSURE_SHARE) / count
    return [*((choice, share) for choice in range(count)), (UNANSWERED, UNSURE_SHARE)]


def _chance_django(tally: Tally, net: float, eff: list[int], questions: list[int]) -> float:
    """How likely the second option (Django) is to be named once ``questions`` are answered,
    their answers taken as independent: a normal approximation of the final net."""
    mean, variance = net, 0.0
    for question in questions:
        nets = tally.c.choice_nets[question]
        outcomes = [(nets[c] if c >= 0 else 0.0, p) for c, p in _answers(tally, question)]
        expected = sum(x * p for x, p in outcomes)
        mean += expected
        variance += sum(p * (x - expected) ** 2 for x, p in outcomes)
    if variance <= EPSILON:
        return 1.0 if tally.names(mean, 1) else 0.0
    return 0.5 * (1 + math.erf(mean / math.sqrt(2 * variance)))


def _swing(tally: Tally, raw: list[int], eff: list[int], net: float, question: int) -> float:
    nets = [
        tally.trial(raw, eff, net, question, c) for c in range(len(tally.c.choice_nets[question]))
    ]
    return max(*nets, net) - min(*nets, net)


def _sharpening(
    tally: Tally,
    raw: list[int],
    eff: list[int],
    questions: list[int],
    ends: tuple[tuple[list[int], list[int]], ...],
) -> tuple[int, ...]:
    """Once the framework is settled: the questions not asked yet whose answers, alone or
    together, could change the verdict's state (clear, lean, toss-up...). Empty only when no
    combination of answers to them can: the state is a step of the gap, and ``ends`` (the
    answers that push the net furthest down and up, from :meth:`Tally.extreme_state`) are the
    smallest and largest gaps any combination reaches; if neither end's state differs from
    today's, no combination's does.

    First the questions whose answer alone changes it, the largest move first; then those
    that take part in an end that changes it, the largest single move first."""
    totals = tally.totals(eff)
    state = tally.verdict(totals).state
    net = totals[1] - totals[0]
    alone = _alone(tally, raw, eff, questions, state, net)
    together: list[tuple[float, int]] = []
    for end_raw, end_eff in ends:
        if tally.verdict(tally.totals(end_eff)).state == state:
            continue
        for question in questions:
            if end_raw[question] != raw[question] and question not in alone:
                move = max(
                    abs(tally.trial(raw, eff, net, question, choice) - net)
                    for choice in range(len(tally.c.choice_nets[question]))
                )
                together.append((-move, question))
    return alone + tuple(dict.fromkeys(q for _, q in sorted(together)))


def _alone(
    tally: Tally, raw: list[int], eff: list[int], questions: list[int], state: str, net: float
) -> tuple[int, ...]:
    """The questions shown now whose answer alone changes the verdict's state, the largest
    possible move first."""
    found = []
    for question in questions:
        if eff[question] == HIDDEN:
            continue
        moved = None
        for choice in range(len(tally.c.choice_nets[question])):
            changed = list(raw)
            changed[question] = choice
            after = tally.verdict(tally.totals(tally.effective(changed)))
            if after.state != state:
                new = tally.trial(raw, eff, net, question, choice)
                moved = max(moved or 0.0, abs(new - net))
        if moved is not None:
            found.append((-moved, question))
    return tuple(question for _, question in sorted(found))
