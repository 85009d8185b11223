"""What a point of the rules does to real results: how stored permalinks would fare under
other rules (``replay``: the changelog's impact, `manage.py rules_impact`), and which stored
verdicts a question or a rule most often decides (``decides``: the rules pages). Aggregates
only: nothing of one person's answers leaves here.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from itertools import takewhile
from typing import Any

from django.db.models import F
from django.utils import timezone

from guide.engine import Rulebook, Snapshot, check_answers, score
from guide.models import DecisionCount, Permalink

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
#
# Counted off the request path: `count_decisions()` adds the permalinks stored since the last
# count into one row per version of the rules (DecisionCount), reading at most ``batch`` of
# them; a rules page reads that row and nothing else, so a visit costs one small query however
# many results are stored, and the counts stay readable while a count runs or the cache is
# down. Only permalinks older than SETTLE_SECONDS are counted: one still being written (its id
# taken, not yet committed) is never skipped.

#: Seconds a permalink is left alone before it is counted.
SETTLE_SECONDS = 10
#: Permalinks one call of count_decisions reads at most.
BATCH = 5000


@dataclass(frozen=True, slots=True)
class Decides:
    """Of the results stored under today's rules: how many a question or rule moved, how often
    it was the strongest reason, how often changing that one answer would flip the verdict,
    and for which framework it counted."""

    results: int  # stored results under today's rules, as counted
    moved: int
    strongest: int
    would_flip: int
    by_framework: tuple[tuple[str, int], ...]
    by_choice: tuple[tuple[str, int], ...]  # choice id -> results it moved (questions only)
    counted: datetime | None = None  # when; None: not counted yet


def decides(kind: str, ident: str) -> Decides:
    """What the question (``kind`` "answer") or rule (``kind`` "rule") ``ident`` did to the
    results stored under today's rules, as last counted (``count_decisions``)."""
    rulebook = get_rulebook()
    row = DecisionCount.objects.filter(ruleset_version=rulebook.version).first()
    if row is None:
        return Decides(0, 0, 0, 0, (), ())
    mine: dict[str, Any] = row.counts.get(f"{kind}:{ident}", {})
    names: dict[str, str] = {o.id: o.name for o in rulebook.options}
    frameworks: Counter[str] = Counter(mine.get("frameworks", {}))
    return Decides(
        row.results,
        mine.get("moved", 0),
        mine.get("strongest", 0),
        mine.get("would_flip", 0),
        tuple((names.get(o, o), n) for o, n in frameworks.most_common()),
        tuple((str(c), n) for c, n in Counter(mine.get("choices", {})).most_common()),
        row.updated,
    )


def count_decisions(*, batch: int = BATCH, settle: float = SETTLE_SECONDS) -> int:
    """Add the permalinks stored under today's rules since the last count to what each
    question and rule decided, in the order of their ids and up to the first that is not yet
    ``settle`` seconds old (at most ``batch``); returns how many were added (0 when another
    count got there first).

    A count never passes over a stored result it has not read: ids are handed out as rows
    are inserted, after each was stamped ``created``, so saves at the same moment can take
    ids in another order than their stamps, and counting a later id whose stamp is old
    enough while an earlier one's is not would leave the earlier one behind
    ``counted_up_to`` for good. What ``settle`` guards against is a save not yet committed:
    one whose transaction lasted longer than that (past the database's statement timeout)
    would be passed over."""
    version = get_rulebook().version
    row, _ = DecisionCount.objects.get_or_create(ruleset_version=version)
    since = Permalink.objects.filter(ruleset_version=version, id__gt=row.counted_up_to)
    cutoff = timezone.now() - timedelta(seconds=settle)
    stamps = since.order_by("id").values_list("id", "created")[:batch]
    settled = [ident for ident, _ in takewhile(lambda stamp: stamp[1] < cutoff, stamps)]
    if not settled:
        return 0
    snapshots = list(
        since.filter(id__lte=settled[-1]).order_by("id").values_list("snapshot", flat=True)
    )
    counts: dict[str, dict[str, Any]] = row.counts
    for snapshot in snapshots:
        _add(counts, snapshot)
    # Written only if no other count moved the row on meanwhile (it counted these already).
    written = DecisionCount.objects.filter(pk=row.pk, counted_up_to=row.counted_up_to).update(
        counts=counts,
        counted_up_to=settled[-1],
        results=F("results") + len(snapshots),
        updated=timezone.now(),
    )
    return len(snapshots) if written else 0


def _add(counts: dict[str, dict[str, Any]], snapshot: Mapping[str, Any]) -> None:
    """Count one stored result: each reason it gives, the strongest, and each answer whose
    change alone would flip it."""
    reasons = snapshot["reasons"]
    seen: set[str] = set()
    for n, reason in enumerate(reasons):
        key = f"{reason['kind']}:{reason['id']}"
        if key in seen:
            continue
        seen.add(key)
        entry = counts.setdefault(key, {})
        entry["moved"] = entry.get("moved", 0) + 1
        frameworks = entry.setdefault("frameworks", {})
        frameworks[reason["favours"]] = frameworks.get(reason["favours"], 0) + 1
        if reason.get("choice"):
            choices = entry.setdefault("choices", {})
            choices[reason["choice"]] = choices.get(reason["choice"], 0) + 1
        if n == 0:
            entry["strongest"] = entry.get("strongest", 0) + 1
    for question in {f["question"] for f in snapshot["flips"]}:
        entry = counts.setdefault(f"answer:{question}", {})
        entry["would_flip"] = entry.get("would_flip", 0) + 1
