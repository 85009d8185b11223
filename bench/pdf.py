"""PDF summary: the time of a first render in a warm process (fonts and stylesheets ready,
nothing cached), and the first PDF a fresh gunicorn worker serves against the ones after it.
The cached download is measured by the http section."""

import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from guide import pdf
from guide.engine import score
from guide.services.rulebook import get_rulebook

from .engine import CASES as ENGINE_CASES
from .http import ROOT, free_port, gunicorn, make_permalink, server_env

CASES = {name: answers for name, answers in ENGINE_CASES.items() if answers}


@dataclass
class _Link:
    """Stands in for a stored permalink: the summary reads only these fields."""

    snapshot: dict
    slug: str = "AAAAAAAAAAAAAAAA"
    created: datetime = datetime(2026, 1, 1, tzinfo=UTC)
    team: dict | None = None

    @property
    def result(self) -> dict:
        return self.snapshot


#: A first render of a summary may take this long, in a warm process.
TARGET = 0.150


def render_once(snapshot: dict) -> bytes:
    """What the PDF's view makes on a miss: the starter's offer, the summary, the PDF."""
    # Imported here: it imports the models, which only a set-up Django can (bench/__main__.py
    # imports every section first).
    from guide.starters.kits import pdf_offer

    link = _Link(snapshot)
    html = pdf.summary_html(
        link, "https://guide.example/r/AAAAAAAAAAAAAAAA/", stale=False, starter=pdf_offer(link)
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
    print(
        "== pdf (first render in a warm process: the starter's offer, template, QR code, "
        "layout, tagged PDF)"
    )
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
        verdict = "ok" if median <= TARGET else "ABOVE TARGET"
        print(
            f"{'first render, ' + name:<32} median {1000 * median:6.0f} ms"
            f"  best {1000 * min(samples):4.0f} ms  = {median / ref:4.1f}x reference"
            f"  (target <= {1000 * TARGET:.0f} ms) {verdict}"
        )
    run_fresh()


FRESH_ANSWERS = [f"auth={a}&forms={f}" for a in ("none", "simple", "full") for f in ("few", "many")]


def fresh_worker(warm: bool) -> tuple[float, float]:
    """Seconds of the first PDF a new gunicorn worker serves, and the median of the next
    ones (each a permalink not rendered before)."""
    with tempfile.TemporaryDirectory() as tmp:
        env = server_env(Path(tmp) / "pdf.sqlite3") | {"GUNICORN_WARM_PDF": "1" if warm else "0"}
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True
        )
        with gunicorn(env, free_port(), workers=1) as base:
            links = [make_permalink(base, answers) for answers in FRESH_ANSWERS]
            times = []
            for link in links:
                start = time.perf_counter()
                urllib.request.urlopen(f"{base}{link}pdf").read()
                times.append(time.perf_counter() - start)
    return times[0], statistics.median(times[1:])


def run_fresh() -> None:
    print("-- the first PDF of a fresh gunicorn worker (1 worker), against the next five")
    for warm in (False, True):
        first, later = fresh_worker(warm)
        label = "warmed at start" if warm else "not warmed (GUNICORN_WARM_PDF=0)"
        target = f"(target <= 2x) {'ok' if first <= 2 * later else 'ABOVE TARGET'}" if warm else ""
        print(
            f"{label:<34} first {1000 * first:5.0f} ms, then median {1000 * later:5.0f} ms"
            f" = {first / later:4.1f}x {target}"
        )
