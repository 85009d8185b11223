"""Engine timings over the real questions.yaml, and how they grow on synthetic rulebooks."""

import random
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from guide.engine import Rulebook, RulebookError, load_rulebook, parse_rulebook, score
from guide.engine.team import team_verdict

QUESTIONS = Path(__file__).resolve().parents[1] / "questions.yaml"

CASES = {
    "nothing answered": {},
    "half answered": {
        "project_size": "medium",
        "auth": "simple",
        "database": "relational",
        "api": "simple",
        "architecture": "microservice",
    },
    "all answered": {
        "team_knows": "both",
        "existing_code": "none",
        "team_size": "small",
        "maintenance": "long",
        "frontend": "server",
        "content": "no",
        "realtime": "no",
        "project_size": "large",
        "python_experience": "expert",
        "ml_model": "no",
        "deadline": "tight",
        "auth": "full",
        "forms": "many",
        "database": "relational",
        "admin": "yes",
        "api": "full",
        "rate_limiting": "yes",
        "performance": "normal",
        "legacy_integration": "no",
        "architecture": "monolith",
    },
}


def median_ms(fn: Callable[[], object], *, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def run() -> None:
    print(
        "== engine (one full evaluation: verdict, reasons, 'not sure' range, flips, next question)"
    )
    load_ms = median_ms(lambda: load_rulebook(QUESTIONS), repeat=50)
    print(f"load and validate questions.yaml   median {load_ms:8.3f} ms")
    rulebook = load_rulebook(QUESTIONS)
    score(rulebook, {})  # compile once, as a server process would
    figures = {}
    for name, answers in CASES.items():
        figures[name] = median_ms(lambda a=answers: score(rulebook, a), repeat=2000)
        verdict = "ok" if figures[name] < 1 else "ABOVE TARGET"
        print(f"score, {name:<24} median {figures[name]:8.3f} ms  (target < 1 ms) {verdict}")
    worst = max(figures.values())
    verdict = "ok" if worst <= 1 else "ABOVE TARGET"
    print(f"slowest full evaluation            median {worst:8.3f} ms  (target <= 1 ms) {verdict}")
    print(f"ratio: slowest evaluation / load    {worst / load_ms:8.3f}")
    team = median_ms(lambda: team_verdict(rulebook, team_of_50(rulebook)), repeat=30)
    verdict = "ok" if team <= 5 else "ABOVE TARGET"
    print(f"team of 50, 10 disagreements      median {team:8.3f} ms  (target <= 5 ms) {verdict}")
    apart = median_ms(lambda: team_verdict(rulebook, team_apart(rulebook)), repeat=30)
    verdict = "ok" if apart <= 5 * team else "ABOVE TARGET"
    print(
        f"team of 4 apart on every question median {apart:8.3f} ms  "
        f"(target <= 5x the team of 50) {verdict}"
    )
    growth(rulebook)


def team_of_50(rulebook: Rulebook) -> dict[str, dict[str, str]]:
    """50 members who agree on all but ten questions, each split between two answers."""
    rng = random.Random(50)
    plain = [q for q in rulebook.questions if not q.show_if]
    contested, common = plain[:10], plain[10:]
    shared = {q.id: q.choice_ids[0] for q in common}
    return {
        f"member {n}": shared | {q.id: rng.choice(q.choice_ids[:2]) for q in contested}
        for n in range(50)
    }


def team_apart(rulebook: Rulebook) -> dict[str, dict[str, str]]:
    """Four members who each give a different answer wherever they can: some 10^11
    settlements, too many to try, so the engine's extreme search gives each choice's reach."""
    return {
        f"member {n}": {q.id: q.choice_ids[n % len(q.choice_ids)] for q in rulebook.questions}
        for n in range(4)
    }


def synthetic(real: Rulebook, size: int) -> Rulebook:
    """A rulebook of ``size`` questions shaped like the real one: three or four choices each,
    one follow-up in eight, a point-giving rule for every four questions. Drawn again (from
    the next seed) until it passes the loader's checks, as a real file must."""
    for seed in range(100):
        try:
            return _draw(real, size, random.Random(seed))
        except RulebookError:
            continue
    raise RuntimeError(f"no synthetic rulebook of {size} questions passed the checks")


def _draw(real: Rulebook, size: int, rng: random.Random) -> Rulebook:
    criteria = [c.id for c in real.criteria]
    data: dict[str, Any] = yaml.safe_load(QUESTIONS.read_text())
    data["rules"], questions = [], []
    data["starting_points"] = []  # they name the real questions
    for source in data["sources"]:
        source.pop("quotes", None)  # so do the quotes, claim by claim
    for i in range(size):
        choices = []
        for j in range(rng.choice((3, 4))):
            option = rng.choice(("flask", "django"))
            effects = {rng.choice(criteria): {option: rng.choice((0.5, 1, 1.5, 2, 3))}}
            choices.append(
                {
                    "id": f"c{j}",
                    "label": f"Choice {j}",
                    "effects": effects,
                    "reason": "Synthetic.",
                    "source": "django_docs",
                }
            )
        question = {
            "id": f"q{i}",
            "section": "project",
            "prompt": f"Question {i}?",
            "help": "Synthetic.",
            "choices": choices,
        }
        if i % 8 == 7:
            question["show_if"] = {f"q{i - 1}": ["c0", "c1"]}
            for choice in choices:  # a follow-up stays smaller than what shows it
                choice["effects"] = {criteria[0]: {"django": 0.25}}
        questions.append(question)
    for i in range(0, size - 1, 4):
        data["rules"].append(
            {
                "id": f"r{i}",
                "when": {f"q{i}": "c0", f"q{i + 1}": "c1"},
                "effects": {criteria[1]: {"django": 0.25}},
                "reason": "Synthetic.",
                "source": "django_docs",
            }
        )
    data["questions"] = questions
    return parse_rulebook(yaml.safe_dump(data, sort_keys=False), file=f"synthetic-{size}.yaml")


def growth(real: Rulebook) -> None:
    """How one full evaluation grows with the number of questions."""
    print("-- growth on synthetic rulebooks (nothing answered / half answered)")
    base = None
    for size in (12, 24, 48):
        rulebook = synthetic(real, size)
        half = {q.id: q.choice_ids[0] for q in rulebook.questions[::2] if not q.show_if}
        score(rulebook, {})
        empty_ms = median_ms(lambda rb=rulebook: score(rb, {}), repeat=400)
        half_ms = median_ms(lambda rb=rulebook, a=half: score(rb, a), repeat=400)
        base = base or empty_ms
        print(
            f"{size:3d} questions    median {empty_ms:7.3f} ms / {half_ms:7.3f} ms"
            f"   ratio to 12 questions {empty_ms / base:5.2f}"
        )
