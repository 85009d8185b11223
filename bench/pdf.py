"""PDF summary: the time of a first render in a warm process (fonts and stylesheets ready,
nothing cached). The cached download is measured by the http section."""

import statistics
import time
from datetime import UTC, datetime

from django.template.loader import render_to_string

from guide import pdf
from guide.charts import score_chart
from guide.engine import score
from guide.rules import get_rulebook

from .engine import CASES as ENGINE_CASES

CASES = {name: answers for name, answers in ENGINE_CASES.items() if answers}


class _Link:
    """Stands in for a stored permalink: the summary reads only these two fields."""

    slug = "AAAAAAAAAAAAAAAA"
    created = datetime(2026, 1, 1, tzinfo=UTC)


def render_once(snapshot: dict) -> bytes:
    url = "https://guide.example/r/AAAAAAAAAAAAAAAA/"
    html = render_to_string("guide/summary.html", {
        "link": _Link(), "result": snapshot, "chart": score_chart(snapshot), "share_url": url,
        "qr_svg": pdf.qr_svg(url), "stale": False})
    return pdf.render_pdf(html, paper="a4")


def run() -> None:
    print("== pdf (first render in a warm process: template, QR code, layout, tagged PDF)")
    rulebook = get_rulebook()
    start = time.perf_counter()
    render_once(score(rulebook, {}).to_dict(rulebook))
    print(f"{'cold start (fonts, stylesheets)':<32} {1000 * (time.perf_counter() - start):8.0f} ms")
    for name, answers in CASES.items():
        snapshot = score(rulebook, answers).to_dict(rulebook)
        times = []
        for _ in range(9):
            start = time.perf_counter()
            render_once(snapshot)
            times.append(time.perf_counter() - start)
        print(f"{'first render, ' + name:<32} median {1000 * statistics.median(times):6.0f} ms"
              "  (target <= 150 ms)")
