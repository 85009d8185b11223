"""Starter kits: the time to generate the full-feature starter in a warm process (Copier
imported, its Jinja compiled by an earlier render; nothing of this project cached), with
the decision record a result adds, and to zip it. The cached download is measured by the
http section ("starter, cached")."""

import statistics
import time
from dataclasses import replace

from guide.starters.generator import FEATURES, Decision, Reason, StarterSpec, generate, zip_bytes

TARGET_MS = 150
RUNS = 7
#: A decision as long as a real result's: twenty answers, five reasons.
DECISION = Decision(
    "Flask",
    "Django",
    "Django",
    "Clear",
    "Everything in the box; more to learn, less to build.",
    answers=tuple((f"Question {n}?", "Not sure") for n in range(20)),
    reasons=tuple(Reason("Django", f"reason {n}", "Because it says so.") for n in range(5)),
)


def timed(work, spec: StarterSpec) -> float:
    start = time.perf_counter()
    work(spec)
    return (time.perf_counter() - start) * 1000


def run() -> None:
    print(f"== starter kits (median of {RUNS} runs in a warm process; target <= {TARGET_MS} ms)")
    generate(StarterSpec("flask", frozenset({"predict"})))  # warm: Copier imported, Jinja ready
    for framework in ("flask", "django"):
        names = (framework.title(), "Django" if framework == "flask" else "Flask")
        decision = replace(DECISION, framework_name=names[0], other_name=names[1])
        spec = StarterSpec(framework, frozenset(FEATURES), decision=decision)
        generation = statistics.median(timed(generate, spec) for _ in range(RUNS))
        zipping = statistics.median(timed(zip_bytes, spec) for _ in range(RUNS))
        verdict = "ok" if generation <= TARGET_MS else "ABOVE TARGET"
        print(
            f"{framework:<8} all features: generate {generation:6.1f} ms {verdict}; "
            f"zip {zipping:5.1f} ms ({len(zip_bytes(spec)) / 1024:.0f} KiB)"
        )
