"""Engine timings over the real questions.yaml."""

import statistics
import time
from collections.abc import Callable
from pathlib import Path

from guide.engine import load_rulebook, score

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
    print(f"ratio: slowest evaluation / load    {worst / load_ms:8.3f}")
