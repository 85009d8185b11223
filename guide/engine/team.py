"""A team's verdict: several people answer the same questions; which of their differences
decide the framework?

For each question, the team's answers are the choices its members gave ("Not sure" and not
asked give none). A question with one such choice is *agreed*; with two or more it is a
*disagreement*; with none it is *open*. The organizer may *settle* a disagreement on one of
its choices, which then counts as agreed.

* The team's framework **holds** when every way of settling each disagreement on one of its
  choices, and any answers to the open questions, names the same framework. It is decided by
  the engine's extreme search (:meth:`~guide.engine.tally.Tally.extreme_state`) with each
  disagreement held to its members' choices.
* A disagreement **decides** when settling it on one of its choices rather than another,
  with the other disagreements settled some way and the open questions left unanswered,
  names a different framework. The settlements of the others are tried one by one while
  there are at most :data:`SETTLEMENTS_TRIED` of them (a team rarely disagrees on more than
  a handful of questions, each between two or three answers). Past that, their number grows
  as a power of the disagreements (four members apart on twelve questions: 16 million), so
  each choice's reach is found instead by the extreme search, the other disagreements held
  to their members' choices: a disagreement decides when its choices reach different
  frameworks, and is counted as deciding when each of its choices can reach either one (it
  can still swing the framework, with the others). What a room costs is then bounded by
  its number of questions, whoever joins it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from math import prod
from typing import NamedTuple

from .model import UNSURE, Rulebook
from .tally import UNANSWERED, Tally, compile_rulebook

#: The most settlements of the disagreements tried one by one (about 4 µs each); past this
#: many, each choice's reach comes from the extreme search (see the module's docstring).
SETTLEMENTS_TRIED = 1024


@dataclass(frozen=True, slots=True)
class Disagreement:
    question: str
    answers: Mapping[str, tuple[str, ...]]  # choice id -> the members who gave it
    decides: bool
    #: choice id -> the frameworks it can lead to, the other disagreements settled any way
    #: and the open questions unanswered.
    leads_to: Mapping[str, tuple[str, ...]]


@dataclass(frozen=True, slots=True)
class TeamVerdict:
    holds: bool
    recommendation: str | None  # the framework, when it holds
    agreed: Mapping[str, str]  # question id -> the one choice given (or settled on)
    disagreements: tuple[Disagreement, ...]  # those that decide first
    open: tuple[str, ...]  # questions nobody answered
    #: When no disagreement decides and the framework still does not hold: the open
    #: questions that, answered together one way and the differences settled one way (the
    #: engine's extreme search), name the other framework, the largest single move towards
    #: it first. Empty otherwise.
    together: tuple[str, ...] = ()
    #: Whether every settlement was tried (at most SETTLEMENTS_TRIED): then ``decides`` is
    #: exact; past that it may count a disagreement that cannot change the framework alone.
    exact: bool = True


def team_verdict(
    rulebook: Rulebook,
    members: Mapping[str, Mapping[str, str]],
    *,
    settled: Mapping[str, str] | None = None,
) -> TeamVerdict:
    """The verdict of a team whose ``members`` (name -> answers: question id -> choice id or
    "unsure") answered, with the disagreements ``settled`` (question id -> choice id) on one
    choice. Answers are taken as checked (known questions and choices); a member's answer to
    a follow-up counts only where the settled answers show it."""
    settled = dict(settled or {})
    index = {q.id: i for i, q in enumerate(rulebook.questions)}
    given: dict[str, dict[str, list[str]]] = {}
    for name, answers in members.items():
        for question, choice in answers.items():
            if question in index and choice != UNSURE:
                given.setdefault(question, {}).setdefault(choice, []).append(name)
    agreed: dict[str, str] = {}
    split: dict[str, dict[str, list[str]]] = {}
    for question, by_choice in given.items():
        if question in settled and settled[question] in by_choice:
            agreed[question] = settled[question]
        elif len(by_choice) == 1:
            agreed[question] = next(iter(by_choice))
        else:
            split[question] = by_choice
    tally = Tally(rulebook, compile_rulebook(rulebook))
    base = [UNANSWERED] * len(rulebook.questions)
    for question, choice in agreed.items():
        base[index[question]] = rulebook.question(question).choice_ids.index(choice)
    order = [q.id for q in rulebook.questions if q.id in split]
    allowed = {
        index[q]: tuple(
            rulebook.question(q).choice_ids.index(c)
            for c in rulebook.question(q).choice_ids
            if c in split[q]
        )
        for q in order
    }
    open_ = tuple(q.id for q in rulebook.questions if q.id not in given)
    free = [index[q] for q in order] + [index[q] for q in open_]
    low_raw, _, low = tally.extreme_state(base, free, 1, -1, allowed)
    high_raw, _, high = tally.extreme_state(base, free, 1, 1, allowed)
    holds = tally.names(low, 1) == tally.names(high, 1)
    recommendation = rulebook.option_ids[1 if tally.names(high, 1) else 0] if holds else None
    questions = [index[q] for q in order]
    search = _Search(tally, base, questions, allowed)
    exact = prod(len(allowed[q]) for q in questions) <= SETTLEMENTS_TRIED
    reach = _reach_by_settlements(search) if exact else _reach_by_extremes(search)
    disagreements = []
    for position, question in enumerate(order):
        leads, decides = reach[position]
        choices = allowed[questions[position]]
        ids = rulebook.question(question).choice_ids
        disagreements.append(
            Disagreement(
                question,
                {c: tuple(split[question][c]) for c in ids if c in split[question]},
                decides,
                {
                    ids[choices[k]]: tuple(
                        o for i, o in enumerate(rulebook.option_ids) if i in leads[k]
                    )
                    for k in range(len(choices))
                },
            )
        )
    disagreements.sort(key=lambda d: (not d.decides, order.index(d.question)))
    together: tuple[str, ...] = ()
    if not holds and not any(d.decides for d in disagreements):
        # Every settlement names the same framework while the open questions stay open, so
        # the end that names the other one gets there through the open questions' answers.
        eff = tally.effective(base)
        net = tally.net(eff)
        first = list(base)  # a settlement: each disagreement on its first choice
        for asked in questions:
            first[asked] = allowed[asked][0]
        now = tally.names(tally.net(tally.effective(first)), 1)
        end, want = (low_raw, -1) if now else (high_raw, 1)
        moves = {
            i: max(
                want * (tally.trial(base, eff, net, i, c) - net)
                for c in range(len(tally.c.choice_nets[i]))
            )
            for i in (index[q] for q in open_)
            if end[i] != UNANSWERED
        }
        ranked = sorted(moves, key=lambda i: (-moves[i], i))
        together = tuple(rulebook.questions[i].id for i in ranked)
    return TeamVerdict(holds, recommendation, agreed, tuple(disagreements), open_, together, exact)


#: For each disagreement: the options (0, 1) each of its choices can lead to, and whether it
#: decides.
Reach = list[tuple[list[set[int]], bool]]


class _Search(NamedTuple):
    """The disagreements as the searches below walk them: the answers agreed on (``base``,
    by question index, the rest unanswered), the questions the team is split on (indices)
    and the choices its members gave to each (``allowed``, choice indices)."""

    tally: Tally
    base: list[int]
    questions: list[int]
    allowed: Mapping[int, tuple[int, ...]]


def _reach_by_settlements(search: _Search) -> Reach:
    """Each disagreement's reach, every settlement tried: exact."""
    questions, allowed = search.questions, search.allowed
    named = _named(search)
    strides, stride = [], 1
    for asked in reversed(questions):  # settlement codes: the last question varies fastest
        strides.append(stride)
        stride *= len(allowed[asked])
    strides.reverse()
    reach: Reach = []
    for position, question in enumerate(questions):
        step, count = strides[position], len(allowed[question])
        # The settlements come in blocks of step * count codes: in each, the ``count`` runs
        # of ``step`` codes differ only in this question's choice.
        runs = [
            [named[start + k * step : start + (k + 1) * step] for k in range(count)]
            for start in range(0, len(named), step * count)
        ]
        decides = any(run != block[0] for block in runs for run in block[1:])
        leads = [{o for o in (0, 1) if any(o in block[k] for block in runs)} for k in range(count)]
        reach.append((leads, decides))
    return reach


def _reach_by_extremes(search: _Search) -> Reach:
    """Each disagreement's reach from the extreme search: what each of its choices can lead
    to, the others settled as far each way as they go (exact); it decides when its choices'
    reaches differ, and is counted as deciding when each can reach either option."""
    tally, base, questions, allowed = search
    reach: Reach = []
    for question in questions:
        others = [q for q in questions if q != question]
        leads = []
        for choice in allowed[question]:
            fixed = list(base)
            fixed[question] = choice
            ends = (tally.extreme_state(fixed, others, 1, sign, allowed)[2] for sign in (-1, 1))
            leads.append({int(tally.names(net, 1)) for net in ends})
        reach.append((leads, any(lead != leads[0] or len(lead) > 1 for lead in leads)))
    return reach


def _named(search: _Search) -> list[int]:
    """The option (0 or 1) each settlement of the disagreements names, the open questions
    unanswered, in the order of the settlements' codes (the last question varies fastest): a
    walk down the settlements, one answer changed a step, so each costs a trial of one answer
    rather than a recount."""
    tally, base, questions, allowed = search
    named: list[int] = []

    def walk(depth: int, raw: list[int], eff: list[int], net: float) -> None:
        question = questions[depth]
        if depth == len(questions) - 1:
            for choice in allowed[question]:
                named.append(int(tally.names(tally.trial(raw, eff, net, question, choice), 1)))
            return
        for choice in allowed[question]:
            walk(depth + 1, *tally.apply(raw, eff, net, question, choice))

    eff = tally.effective(base)
    if questions:
        walk(0, base, eff, tally.net(eff))
    return named
