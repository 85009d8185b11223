"""What else a project needs once its framework is settled: the questions whose answers shape
the starter project or the advice, though (by then) not the framework.

A question *shapes the starter or the advice* when one of its choices calls for a feature (the
starter writes code for it, the result links to how each framework does it), or when a rule
that gives a note or suggests an alternative names it. The interview stops asking once the
framework is settled; these are the questions it then puts on one screen.
"""

from __future__ import annotations

from functools import lru_cache

from .model import Rulebook


@lru_cache(maxsize=8)
def shaping_questions(rulebook: Rulebook) -> frozenset[str]:
    """The ids of the questions whose answers shape the starter project or the advice."""
    by_features = {q.id for q in rulebook.questions if any(c.features for c in q.choices)}
    by_advice = {
        condition.question
        for rule in rulebook.rules
        if rule.note or rule.alternatives
        for condition in rule.when
    }
    return frozenset(by_features | by_advice)


def starter_questions(rulebook: Rulebook, given: set[str], shown: set[str]) -> list[str]:
    """The questions that shape the starter or the advice and that have no answer yet
    (``given``: answered, "Not sure" included, or assumed by a starting point), in the
    rulebook's order: those ``shown`` now, and follow-ups shown once one of them is answered a
    certain way. Once the framework is settled, no answers to these can change it: they are
    among the questions the settled search tried (an assumption is an answer to it, so it is
    not asked here; the person changes it where it is shown)."""
    shaping = shaping_questions(rulebook)
    open_ = {q for q in shaping if q not in given}
    found: list[str] = []
    for question in rulebook.questions:
        if question.id not in open_:
            continue
        if question.id in shown or any(c.question in found for c in question.show_if):
            found.append(question.id)
    return found
