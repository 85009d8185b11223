"""PDF summary: the time of a first render in a warm process (fonts and stylesheets ready,
nothing cached). The cached download is measured by the http section."""

import statistics
import time
from dataclasses import dataclass
from datetime import UTC, datetime

from guide import pdf
from guide.engine import score
from guide.services.rulebook import get_rulebook

from .engine import CASES as ENGINE_CASES

CASES = {name: answers for name, answers in ENGINE_CASES.items() if answers}


@dataclass
class _Link:
    """Stands in for a stored permalink: the summary reads only these fields."""

    snapshot: dict
    slug: str = "AAAAAAAAAAAAAAAA"
    created: datetime = datetime(2026, 1, 1, tzinfo=UTC)

    @property
    def result(self) -> dict:
        return self.snapshot


def render_once(snapshot: dict) -> bytes:
    html = pdf.summary_html(
        _Link(snapshot), "https://guide.example/r/AAAAAAAAAAAAAAAA/", stale=False
    )
    return pdf.render_pdf(html, paper="a4")


def reference_work() -> int:
    """A fixed slice of pure-Python work, timed between renders: when the machine is busy it
    slows down with them, so the ratio of the two stays comparable from run to run."""
    return sum(i * i % 7 for i in range(200_000))


def timed(func, *args) -> float:
    start = time.perf_counter()
    func(*args)
    return time.perf_counter() - start


def run(rounds: int = 15) -> None:
    print("== pdf (first render in a warm process: template, QR code, layout, tagged PDF)")
    rulebook = get_rulebook()
    cold = timed(render_once, score(rulebook, {}))
    print(f"{'cold start (fonts, stylesheets)':<32} {1000 * cold:8.0f} ms")
    snapshots = {name: score(rulebook, answers) for name, answers in CASES.items()}
    times: dict[str, list[float]] = {name: [] for name in snapshots}
    reference = []
    for _ in range(rounds):  # interleaved, so a burst of load on the machine hits every case
        for name, snapshot in snapshots.items():
            times[name].append(timed(render_once, snapshot))
        reference.append(timed(reference_work))
    ref = statistics.median(reference)
    print(f"{'reference work':<32} median {1000 * ref:6.1f} ms")
    for name, samples in times.items():
        median = statistics.median(samples)
        print(
            f"{'first render, ' + name:<32} median {1000 * median:6.0f} ms"
            f"  best {1000 * min(samples):4.0f} ms  = {median / ref:4.1f}x reference"
            f"  (target: median <= 150 ms) {'ok' if median <= 0.150 else 'ABOVE TARGET'}"
        )
