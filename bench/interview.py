"""How many questions the interview asks, played as a program using the API would: follow
``outlook.next_question`` until ``outlook.holds`` or no question is named, answering from a
profile. Printed for uniform random profiles and for realistic projects, beside the fewest
questions that could have settled each one (an oracle that knows every answer beforehand).

    python -m bench interview
"""

from __future__ import annotations

import random
import statistics
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import yaml

from guide.engine import UNSURE, Rulebook, load_rulebook, score
from guide.engine.tally import HIDDEN, UNANSWERED, Tally, compile_rulebook

QUESTIONS = Path(__file__).resolve().parents[1] / "questions.yaml"

#: Real kinds of project (bench/projects.yaml), every question answered as such a project
#: would. Each realistic profile is one of these with a fifth of its answers "Not sure" or
#: changed at random.
PROJECTS: dict[str, dict[str, str]] = yaml.safe_load(
    (Path(__file__).with_name("projects.yaml")).read_text()
)


def uniform_profile(rulebook: Rulebook, rng: random.Random) -> dict[str, str]:
    """Every question answered at random, one answer in ten "Not sure"."""
    return {
        q.id: UNSURE if rng.random() < 0.1 else rng.choice(q.choice_ids) for q in rulebook.questions
    }


def realistic_profile(rulebook: Rulebook, rng: random.Random) -> dict[str, str]:
    """One of PROJECTS, with a fifth of its answers "Not sure" or changed at random."""
    project = PROJECTS[rng.choice(sorted(PROJECTS))]
    profile = {}
    for q in rulebook.questions:
        given = project.get(q.id) or rng.choice(q.choice_ids)
        if rng.random() < 0.2:
            given = UNSURE if rng.random() < 0.5 else rng.choice(q.choice_ids)
        profile[q.id] = given
    return profile


Ask = Callable[[Mapping[str, str]], dict[str, Any]]


def play(ask: Ask, profile: Mapping[str, str]) -> tuple[list[str], dict[str, Any]]:
    """Follow ``outlook.next_question`` through ``ask`` (answers -> result) until the result
    holds or no question is named. Returns the questions asked and the last result."""
    given: dict[str, str] = {}
    asked: list[str] = []
    while True:
        result = ask(given)
        outlook = result["outlook"]
        if outlook["holds"] or outlook["next_question"] is None:
            return asked, result
        question = outlook["next_question"]
        if question in given:
            raise AssertionError(f"{question} was asked twice")
        asked.append(question)
        given[question] = profile[question]


def fewest(rulebook: Rulebook, profile: Mapping[str, str], *, seconds: float) -> tuple[int, bool]:
    """The fewest questions that settle ``profile`` when every answer is known beforehand (a
    branch-and-bound search), and whether the search finished within ``seconds`` (if not,
    the best found)."""
    tally = Tally(rulebook, compile_rulebook(rulebook))
    truth = [
        q.choice_ids.index(profile[q.id]) if profile[q.id] != UNSURE else UNANSWERED
        for q in rulebook.questions
    ]
    deadline = time.monotonic() + seconds
    best = [len(truth)]
    seen: dict[frozenset[int], int] = {}

    def span(raw: list[int], asked: frozenset[int]) -> tuple[float, float, list[int], list[int]]:
        eff = tally.effective(raw)
        free = [i for i in tally.open_questions(raw, eff) if i not in asked]
        return (
            tally.net(tally.extreme(raw, free, 1, -1)),
            tally.net(tally.extreme(raw, free, 1, 1)),
            free,
            eff,
        )

    def search(raw: list[int], asked: frozenset[int], depth: int) -> None:
        if time.monotonic() > deadline or seen.get(asked, 99) <= depth:
            return
        seen[asked] = depth
        low, high, free, eff = span(raw, asked)
        if tally.names(low, 1) == tally.names(high, 1):
            best[0] = min(best[0], depth)
            return
        gains = []
        for i in free:
            if eff[i] == HIDDEN or not tally.c.moves[i]:
                continue
            changed = list(raw)
            changed[i] = truth[i]
            new_low, new_high, _, _ = span(changed, asked | {i})
            gains.append((max(new_low - low, high - new_high), i, changed))
        gains.sort(key=lambda g: -g[0])
        # At least this many more: the largest gains toward either side, added up.
        need = min(_count(-low, [g for g, _, _ in gains]), _count(high, [g for g, _, _ in gains]))
        if depth + max(1, need) >= best[0]:
            return
        for _, question, changed in gains:
            search(changed, asked | {question}, depth + 1)

    search([UNANSWERED] * len(truth), frozenset(), 0)
    return best[0], time.monotonic() <= deadline


def _count(deficit: float, gains: list[float]) -> int:
    total = 0.0
    for count, gain in enumerate(sorted(gains, reverse=True), 1):
        total += gain
        if total > deficit:
            return count
    return len(gains) + 1


def quantiles(counts: list[int]) -> tuple[float, int]:
    """The median and the 90th percentile (the value 90% of counts do not exceed)."""
    ordered = sorted(counts)
    return statistics.median(ordered), ordered[int(0.9 * (len(ordered) - 1))]


def run(profiles: int = 400, oracle_sample: int = 20) -> None:
    rulebook = load_rulebook(QUESTIONS)

    def ask(answers: Mapping[str, str]) -> dict[str, Any]:
        return dict(score(rulebook, answers))

    print("== interview (questions asked until the framework cannot change; every profile)")
    for name, make in (("uniform", uniform_profile), ("realistic", realistic_profile)):
        rng = random.Random(20261204)
        sample = [make(rulebook, rng) for _ in range(profiles)]
        counts, wrong, started = [], 0, time.perf_counter()
        for profile in sample:
            asked, result = play(ask, profile)
            counts.append(len(asked))
            wrong += result["recommendation"] != score(rulebook, profile)["recommendation"]
        per_eval = (time.perf_counter() - started) / (sum(counts) + len(counts)) * 1000
        median, p90 = quantiles(counts)
        print(
            f"{name:10s} {profiles} profiles: median {median:g}, p90 {p90}, "
            f"wrong stops {wrong}, {per_eval:.2f} ms an evaluation"
        )
        if not oracle_sample:
            continue
        oracle, unfinished = [], 0
        for profile in sample[:oracle_sample]:
            count, finished = fewest(rulebook, profile, seconds=5)
            oracle.append(count)
            unfinished += not finished
        o_median, o_p90 = quantiles(oracle)
        mine = quantiles(counts[:oracle_sample])
        print(
            f"{'':10s} fewest possible on the first {oracle_sample} (knowing every answer): "
            f"median {o_median:g}, p90 {o_p90} (the interview on the same: median "
            f"{mine[0]:g}, p90 {mine[1]}; {unfinished} searches cut at 5 s, best found)"
        )
