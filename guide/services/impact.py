"""What a point of the rules does to real results: how stored permalinks would fare under
other rules (``replay``: the changelog's impact, `manage.py rules_impact`), and which stored
verdicts a question or a rule most often decides (``decides``: the rules pages). Aggregates
only: nothing of one person's answers leaves here.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from django.core.cache import cache

from guide.engine import Rulebook, Snapshot, check_answers, score
from guide.models import Permalink

from .rulebook import get_rulebook


@dataclass(frozen=True, slots=True)
class Stored:
    """A permalink's answers, as replayed: no slug, no date."""

    answers: Mapping[str, str]
    start: str | None = None


@dataclass(frozen=True, slots=True)
class Moved:
    answers: Mapping[str, str]
    start: str | None
    before: str  # "Django, lean"
    after: str


@dataclass
class Replay:
    """How many results change, replayed under old and new rules."""

    total: int = 0
    framework_changed: list[Moved] = field(default_factory=list)
    state_changed: list[Moved] = field(default_factory=list)


def replay(old: Rulebook, new: Rulebook, links: Iterable[Stored]) -> Replay:
    """Score each of ``links`` under ``old`` and ``new``; answers a rulebook no longer accepts
    count as not given under it."""
    report = Replay()
    for link in links:
        before, after = _score(old, link), _score(new, link)
        report.total += 1
        moved = Moved(link.answers, link.start, _verdict(before), _verdict(after))
        if before["recommendation"] != after["recommendation"]:
            report.framework_changed.append(moved)
        elif before["state"] != after["state"]:
            report.state_changed.append(moved)
    return report


def _score(rulebook: Rulebook, link: Stored) -> Snapshot:
    known = {s.id for s in rulebook.starting_points}
    start = link.start if link.start in known else None
    checked = check_answers(rulebook, dict(link.answers), strict=False, start=start)
    return score(rulebook, checked.answers, start=checked.start)


def _verdict(result: Snapshot) -> str:
    return f"{result['recommendation_name']}, {result['confidence_label'].lower()}"


def stored_links() -> Iterable[Stored]:
    """Every stored permalink's answers."""
    for answers, start in Permalink.objects.values_list("answers", "start").iterator(
        chunk_size=1000
    ):
        yield Stored(answers, start or None)


# -- what a question or a rule decides --------------------------------------------------


@dataclass(frozen=True, slots=True)
class Decides:
    """Of the results stored under today's rules: how many a question or rule moved, how often
    it was the strongest reason, how often changing that one answer would flip the verdict,
    and for which framework it counted."""

    results: int  # stored results under today's rules
    moved: int
    strongest: int
    would_flip: int
    by_framework: tuple[tuple[str, int], ...]
    by_choice: tuple[tuple[str, int], ...]  # choice id -> results it moved (questions only)


def decides(kind: str, ident: str) -> Decides:
    """What the question (``kind`` "answer") or rule (``kind`` "rule") ``ident`` did to the
    results stored under today's rules; counted at most every ten minutes."""
    rulebook = get_rulebook()
    key = f"decides:{rulebook.version}:{kind}:{ident}"
    found: Decides | None = cache.get(key)
    if found is None:
        found = _count(rulebook, kind, ident)
        cache.set(key, found, timeout=600)
    return found


def _count(rulebook: Rulebook, kind: str, ident: str) -> Decides:
    results = moved = strongest = would_flip = 0
    frameworks: Counter[str] = Counter()
    choices: Counter[str] = Counter()
    snapshots = Permalink.objects.filter(ruleset_version=rulebook.version).values_list(
        "snapshot", flat=True
    )
    for snapshot in snapshots.iterator(chunk_size=500):
        results += 1
        reasons = snapshot["reasons"]
        mine = [r for r in reasons if r["kind"] == kind and r["id"] == ident]
        if mine:
            moved += 1
            frameworks[mine[0]["favours"]] += 1
            if mine[0]["choice"]:
                choices[mine[0]["choice"]] += 1
            if (reasons[0]["kind"], reasons[0]["id"]) == (kind, ident):
                strongest += 1
        if kind == "answer" and any(f["question"] == ident for f in snapshot["flips"]):
            would_flip += 1
    names = {o.id: o.name for o in rulebook.options}
    return Decides(
        results,
        moved,
        strongest,
        would_flip,
        tuple((names.get(o, o), n) for o, n in frameworks.most_common()),
        tuple(choices.most_common()),
    )
