"""The PDF summary of a permalink, rendered by WeasyPrint from our own HTML template.

Safety: the renderer may read only our own static files from disk, and PNG images carried
in data: URLs. Every other URL (http, https, other data, file:// outside the static folders)
is refused by :class:`StaticOnlyFetcher`, so nothing a user controls can make the server read
a local file or call the network.

Speed: fonts and stylesheets are prepared once per process (:func:`stylesheets`), the
browser defaults leave out the pseudo-elements the summary never draws (:class:`SummaryHTML`),
and a render's garbage is freed without walking the whole heap (:func:`young_garbage_only`).
"""

from __future__ import annotations

import base64
import gc
import json
import logging
import re
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import segno
from django.apps import AppConfig
from django.conf import settings
from django.contrib.staticfiles import finders
from django.core import checks
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext
from weasyprint import CSS, HTML
from weasyprint.text import ffi as weasyprint_ffi
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher

from guide.engine import Snapshot
from guide.wording.charts import SPAN, score_chart
from guide.wording.sentences import tell

logger = logging.getLogger(__name__)

PAPER_SIZES = {"a4": "A4", "letter": "letter"}
STYLESHEET = "guide/summary.css"
OPTIONS_STYLESHEET = "guide/options.css"


#: The one kind of data: URL the renderer takes, the QR code's: a PNG, which reads no file and
#: calls no network.
IMAGE_DATA_URL = "data:image/png;base64,"


class FetchRefused(ValueError):
    pass


def is_png(data: str) -> bool:
    """Whether base64 ``data`` decodes to a PNG (WeasyPrint would open any image it can, and
    an SVG, with its own references, when it cannot)."""
    try:
        return base64.b64decode(data[:12], validate=True).startswith(b"\x89PNG\r\n\x1a\n")
    except ValueError:
        return False


def static_roots() -> tuple[Path, ...]:
    roots = [Path(d).resolve() for d in settings.STATICFILES_DIRS]
    if settings.STATIC_ROOT:
        roots.append(Path(settings.STATIC_ROOT).resolve())
    return tuple(roots)


class StaticOnlyFetcher(URLFetcher):  # type: ignore[misc]  # WeasyPrint ships no types
    """Fetches file:// URLs inside the static folders; refuses everything else.

    WeasyPrint catches the error, logs a warning and leaves the resource out, so a refused
    reference renders as nothing rather than failing the whole PDF.
    """

    def fetch(self, url: str, headers: Any = None) -> Any:
        if url.startswith(IMAGE_DATA_URL) and is_png(url.removeprefix(IMAGE_DATA_URL)):
            return super().fetch(url, headers)  # its bytes are in the URL: nothing is read
        parts = urlsplit(url)
        if parts.scheme == "file":
            path = Path(unquote(parts.path)).resolve()
            if any(path.is_relative_to(root) for root in static_roots()):
                return super().fetch(url, headers)
        logger.warning("pdf: refused to fetch %s", url[:200])
        raise FetchRefused(f"refused to fetch {url[:200]}")


def has_font_subsetter() -> bool:
    """Whether WeasyPrint can subset fonts with HarfBuzz (libharfbuzz-subset 4.1 or later).
    Without it, it falls back to fontTools and a first render takes about twice as long."""
    return getattr(weasyprint_ffi, "harfbuzz_subset", None) is not None and bool(
        weasyprint_ffi.harfbuzz.hb_version_atleast(4, 1, 0)
    )


@checks.register(deploy=True)
def check_font_subsetter(
    app_configs: Sequence[AppConfig] | None, **kwargs: Any
) -> list[checks.CheckMessage]:
    if has_font_subsetter():
        return []
    return [
        checks.Warning(
            "HarfBuzz's font subsetter (libharfbuzz-subset 4.1 or later) is missing: WeasyPrint "
            "falls back to fontTools, which makes every first PDF render about twice as slow.",
            hint="On Debian 12, Ubuntu 22.04 or later: apt-get install libharfbuzz-subset0",
            id="guide.W001",
        )
    ]


@lru_cache(maxsize=1)
def font_config() -> FontConfiguration:
    return FontConfiguration()


#: WeasyPrint's browser defaults give every element six pseudo-elements: a list marker, and
#: the calls and markers of footnotes and notes. Each gets its own computed style on every
#: render, some 1,000 for an all-answered summary, which uses no footnote or note and has
#: markers only on list items. The summary's defaults are WeasyPrint's own, read from the
#: installed package, with those rules narrowed to ``li::marker`` and the others left out:
#: the pages come out the same for about 2 % less work (docs/benchmarks.md).
UNUSED_DEFAULTS = re.compile(r"^::(?:footnote|note)-[a-z]+ \{[^}]*\}\n", re.MULTILINE)


def lean_defaults() -> str:
    stock = resources.files("weasyprint").joinpath("css/html5_ua.css").read_text("utf-8")
    return UNUSED_DEFAULTS.sub("", stock.replace("\n::marker {", "\nli::marker {"))


@lru_cache(maxsize=1)
def summary_defaults() -> CSS:
    return CSS(string=lean_defaults(), font_config=font_config())


class SummaryHTML(HTML):  # type: ignore[misc]  # weasyprint ships no type hints
    """A document laid out with :func:`summary_defaults` as its browser defaults. WeasyPrint
    reads them from ``_ua_stylesheets``, the hook its own test suite overrides for a lighter
    stylesheet; tests/test_pdf.py checks that the pages match the stock defaults' pixel for
    pixel."""

    def _ua_stylesheets(self, forms: bool = False) -> list[CSS]:
        stock: list[CSS] = super()._ua_stylesheets(forms)  # the defaults, then forms' if asked
        return [summary_defaults(), *stock[1:]]


@lru_cache(maxsize=len(PAPER_SIZES))
def stylesheets(paper: str) -> tuple[CSS, ...]:
    """The summary's stylesheet and page size, parsed once per process for each paper."""
    path = finders.find(STYLESHEET)
    fetcher = StaticOnlyFetcher()
    return (
        CSS(string=option_colours().document, font_config=font_config()),  # --flask, --django
        CSS(filename=path, font_config=font_config(), url_fetcher=fetcher),
        CSS(string=f"@page {{ size: {PAPER_SIZES[paper]}; }}", font_config=font_config()),
    )


@lru_cache(maxsize=8)
def page_numbers(language: str) -> CSS:
    """The pages' footer, "Page 1 of 2", in ``language``: CSS counters between the words of
    the sentence (the summary's stylesheet gives its place and look)."""
    with translation.override(language):
        sentence = gettext("Page %(page)s of %(pages)s")
    parts = re.split(r"(%\((?:page|pages)\)s)", sentence)
    counters = {"%(page)s": "counter(page)", "%(pages)s": "counter(pages)"}
    # A CSS string escapes quotes and backslashes as JSON does; other letters stay as they are.
    content = " ".join(
        counters.get(part) or json.dumps(part, ensure_ascii=False) for part in parts if part
    )
    rule = f"@page {{ @bottom-right {{ content: {content}; }} }}"
    return CSS(string=rule, font_config=font_config())


@dataclass(frozen=True, slots=True)
class OptionColours:
    """The options' colours for paper, from static/guide/options.css: its light scheme only
    (a printed page has no dark mode), split by who reads each rule."""

    document: str  # custom properties (--flask, ...) for the summary's stylesheet
    fills: dict[str, str]  # option id -> the fill of its .fill-<id> class, for the charts' bars


@lru_cache(maxsize=1)
def option_colours() -> OptionColours:
    path = finders.find(OPTIONS_STYLESHEET)
    if not isinstance(path, str):
        raise FileNotFoundError(OPTIONS_STYLESHEET)
    text = re.sub(r"/\*.*?\*/", "", Path(path).read_text(), flags=re.S)
    light = text.split("@media", 1)[0]  # the dark scheme follows in a media query
    rules = [rule.strip() for rule in re.findall(r"[^{}]+\{[^{}]*\}", light)]
    svg = [rule for rule in rules if re.search(r"\bfill\s*:", rule)]
    document = [rule for rule in rules if rule not in svg]
    fills = dict(re.findall(r"\.fill-([\w-]+)\s*\{\s*fill\s*:\s*([^;}]+?)\s*;?\s*\}", light))
    return OptionColours(document="\n".join(document), fills=fills)


#: On paper each criterion of the chart is one line of text, with its bars painted as that
#: line's background, in its last BAR_AREA (a fraction of the line's width). A table with a
#: drawing in every row read the same but cost a sixth of a whole render; text and one
#: background are the cheapest boxes WeasyPrint lays out.
BAR_AREA = 0.4
#: The bars' height, in points (a line is about 12 points high).
BAR_HEIGHT = 7


def bars_background(row: dict[str, Any], chart: dict[str, Any], left: str, right: str) -> str:
    """One row's bars and the centre line, in the chart's units (0..SPAN), as one CSS
    gradient with hard stops over the line's bar area. (One gradient of a single colour would
    be simpler, but WeasyPrint 70 paints such a gradient over the whole line.)"""
    axis_start, axis_end = chart["axis_x"], chart["axis_x"] + 1
    segments = [  # left to right; the centre line covers the half unit of each bar next to it
        (row["left_x"], axis_start, left),
        (axis_start, axis_end, chart["axis_colour"]),
        (axis_end, chart["half"] + row["right_width"], right),
    ]
    stops, previous_end = [], None
    for start, end, colour in segments:
        if end <= start:  # no bar on that side (or one under the centre line)
            continue
        start, end = (f"{100 * x / SPAN:.2f}%" for x in (start, end))
        if start != previous_end:  # a gap before this segment
            stops += [f"transparent {previous_end or '0%'}", f"transparent {start}"]
        stops += [f"{colour} {start}", f"{colour} {end}"]
        previous_end = end
    stops.append(f"transparent {previous_end}")
    return (
        f"linear-gradient(to right, {', '.join(stops)}) "
        f"100% 50% / {100 * BAR_AREA:g}% {BAR_HEIGHT}pt no-repeat"
    )


def paper_chart(result: Snapshot) -> dict[str, Any]:
    """The result's chart (the page's numbers and bars), with each row's bars as the CSS
    background of its line (``row["bars"]``), in the options' light colours."""
    chart = score_chart(result)
    fills = option_colours().fills
    left, right = (fills.get(chart[side]["option"], "#000") for side in ("left", "right"))
    for row in chart["rows"]:
        row["bars"] = bars_background(row, chart, left, right)
    return chart


def qr_png(url: str) -> str:
    """The permalink as a QR code: a PNG, as a data: URL, built from the URL alone. An image
    is one box for WeasyPrint, where the same code as an SVG path cost some 10 ms a render."""
    return segno.make(url, error="m").png_data_uri(scale=4)


class _CollectorPause:
    """Python's cycle collector, held off while any render in this process is running.

    The collector is one switch for the whole process, so threads (runserver, gthread
    workers) share the pause: the first render in turns it off, the last one out turns it back
    on, if it was on, and frees what the renders left behind."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._running = 0
        self._was_enabled = False

    @contextmanager
    def __call__(self) -> Iterator[None]:
        with self._lock:
            if not self._running:
                self._was_enabled = gc.isenabled()
                gc.disable()
            self._running += 1
        try:
            yield
        finally:
            with self._lock:
                self._running -= 1
                last = not self._running
                if last and self._was_enabled:
                    gc.enable()
            if last:
                gc.collect(0)


#: Holds off the cycle collector for the length of a render, then frees what the render left
#: behind with a collection of the youngest generation only. A render makes some 12,000
#: objects in reference cycles (boxes point at their parents). Left to the collector's
#: schedule they reach the oldest generation, whose collections also walk every object Django
#: and WeasyPrint keep for the life of the process: every few renders, one of them would take
#: tens of milliseconds. A young collection walks only the render's objects.
young_garbage_only = _CollectorPause()


def render_pdf(html: str, *, paper: str) -> bytes:
    """The PDF for ``html``: tagged for accessibility, with title and language from the
    HTML. Raises whatever the renderer raises; the caller turns that into a 503."""
    with young_garbage_only():
        document = SummaryHTML(
            string=html, base_url=str(static_roots()[0]) + "/", url_fetcher=StaticOnlyFetcher()
        )
        pdf: bytes = document.write_pdf(
            stylesheets=(*stylesheets(paper), page_numbers(translation.get_language() or "en")),
            font_config=font_config(),
            pdf_tags=True,
        )
        return pdf


def summary_html(
    link: Any,
    share_url: str,
    *,
    stale: bool,
    starter: Any = None,
    result: Snapshot | None = None,
) -> str:
    """The summary page of a stored permalink (anything with ``slug``, ``created`` and
    ``snapshot``). Each answer is printed once: those that moved the verdict as reasons, the
    rest under "The other answers". ``starter``: its starter project (a StarterOffer), with
    the absolute address of its download in ``starter_url``; ``result``: the link's result
    as the page's language says it (else its stored one)."""
    result = result or link.result
    moved = {reason["id"] for reason in result["reasons"] if reason["kind"] == "answer"}
    return render_to_string(
        "guide/summary.html",
        {
            "link": link,
            "result": result,
            "told": tell(result),
            "chart": paper_chart(result),
            "share_url": share_url,
            "qr_png": qr_png(share_url),
            "stale": stale,
            "other_answers": [
                a for a in result["answers"] if a["question"] not in moved and a["asked"]
            ],
            "not_asked": [a["prompt"] for a in result["answers"] if not a["asked"]],
            "starting_point": result["starting_point"],
            "starter": starter,
        },
    )


def warm_up() -> float:
    """Render one whole summary in memory, as a new worker's first PDF would: fonts found and
    loaded, stylesheets parsed, the summary's template compiled; and the starter project's
    templates, which the summary does not need but the same worker's pages and zips do.
    gunicorn.conf.py calls it as each worker starts, so the first visitor's PDF (or page, or
    zip) costs what the later ones do. Returns its seconds."""
    from django.utils import timezone

    from guide.models import Permalink
    from guide.services.permalinks import result_for
    from guide.services.rulebook import get_rulebook
    from guide.starters.kits import pdf_offer, starter_offer

    started = time.perf_counter()
    answers = {q.id: q.choices[0].id for q in get_rulebook().questions}
    result = result_for(answers)
    link = Permalink(
        slug="W" * 16,
        answers=answers,
        snapshot=result,
        ruleset_version=result["ruleset_version"],
        created=timezone.now(),
    )
    share_url = settings.SITE_URL + "/r/" + link.slug + "/"
    starter_offer(link)  # Copier imported, the project's templates compiled
    html = summary_html(link, share_url, stale=False, starter=pdf_offer(link))
    render_pdf(html, paper="a4")  # the letter size differs only by one line of CSS
    return time.perf_counter() - started
