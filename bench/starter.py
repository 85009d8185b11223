"""Starter kits: the time to generate the full-feature starter in a warm process (Copier
imported, the templates read once; nothing of this project cached), and to zip it. The
cached download is measured by the http section ("starter, cached")."""

import statistics
import time

from guide.starters.generator import FEATURES, StarterSpec, generate, zip_bytes

TARGET_MS = 150
RUNS = 7


def timed(work, spec: StarterSpec) -> float:
    start = time.perf_counter()
    work(spec)
    return (time.perf_counter() - start) * 1000


def run() -> None:
    print(f"== starter kits (median of {RUNS} runs in a warm process; target <= {TARGET_MS} ms)")
    generate(StarterSpec("flask", frozenset({"predict"})))  # warm: Copier imported, Jinja ready
    for framework in ("flask", "django"):
        spec = StarterSpec(framework, frozenset(FEATURES))
        generation = statistics.median(timed(generate, spec) for _ in range(RUNS))
        zipping = statistics.median(timed(zip_bytes, spec) for _ in range(RUNS))
        verdict = "ok" if generation <= TARGET_MS else "ABOVE TARGET"
        print(
            f"{framework:<8} all features: generate {generation:6.1f} ms {verdict}; "
            f"zip {zipping:5.1f} ms ({len(zip_bytes(spec)) / 1024:.0f} KiB)"
        )
