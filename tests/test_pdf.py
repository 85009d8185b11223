import base64
import copy
import gc
import io
import logging
import os
import re
import shutil
import subprocess
from unittest import mock

import pytest
from pypdf import PdfReader

from guide.models import Permalink
from guide.pdf import render as pdf_module
from guide.pdf.render import render_pdf
from guide.wording.charts import AXIS_COLOUR

from .conftest import ALL_BUT_ONE_ANSWERED

ANSWERS = {
    "project_size": "prototype",
    "python_experience": "beginner",
    "ml_model": "yes",
    "auth": "none",
    "database": "none",
    "api": "simple",
}
#: A toss-up: Flask ahead by 2.5 points, less than a lean.
CLOSE_CALL_ANSWERS = {
    "project_size": "medium",
    "auth": "simple",
    "database": "relational",
    "api": "simple",
    "architecture": "microservice",
}


@pytest.fixture
def link_url(client):
    return client.post("/", ANSWERS)["Location"]


@pytest.fixture
def summary(client, link_url):
    response = client.get(link_url + "pdf")
    assert response.status_code == 200
    return response


def text_of(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


def body_text_of(content: bytes) -> str:
    """The PDF's text without the pages' footers ("Page 1 of 2"), so a paragraph that runs on
    to the next page reads as one."""
    return " ".join(re.sub(r"\bPage \d+ of \d+\b", " ", text_of(content)).split())


def link_targets(content: bytes) -> set[str]:
    reader = PdfReader(io.BytesIO(content))
    uris = set()
    for page in reader.pages:
        for annotation in page.get("/Annots") or []:
            action = annotation.get_object().get("/A")
            if action and "/URI" in action:
                uris.add(str(action["/URI"]))
    return uris


@pytest.mark.django_db
def test_the_pdf_downloads_with_its_file_name(summary, link_url):
    slug = link_url.split("/")[2]
    assert summary["Content-Type"] == "application/pdf"
    assert summary["Content-Disposition"] == f'attachment; filename="flask-or-django-{slug}.pdf"'
    assert summary.content.startswith(b"%PDF-")


@pytest.mark.django_db
def test_the_pdf_holds_the_verdict_answers_reasons_and_permalink(summary, link_url):
    text = text_of(summary.content)
    assert "The guide recommends Flask" in text
    assert "Clear" in text
    assert "Does it serve a machine-learning model? Yes, the app mainly wraps a model" in text
    assert "How tight is the deadline?" in text
    assert "Wrapping a model in a web endpoint needs very little framework" in text
    assert "Which is Better for Machine Learning" in text  # a reason's source
    # The sources' own words stay on the page the permalink opens: two pages, not four.
    assert "In their words" not in text
    assert f"http://testserver{link_url}" in text
    assert Permalink.objects.get().ruleset_version in text


@pytest.mark.django_db
def test_the_text_reads_from_the_verdict_down(summary):
    text = text_of(summary.content)
    assert text.startswith("FLASK OR DJANGO? · DECISION SUMMARY The guide recommends Flask")
    assert text.index("Permalink:") < text.index("Points by criterion")


@pytest.mark.django_db
def test_every_question_is_printed_once_either_as_a_reason_or_among_the_other_answers(summary):
    text = body_text_of(summary.content)
    answers = text.split("Why: the answers that moved it", 1)[1].split("What would change it")[0]
    why, others = answers.split("The other answers", 1)
    assert why.count("Does it serve a machine-learning model?") == 1
    assert "Does it serve a machine-learning model?" not in others
    assert others.count("How tight is the deadline? Not asked") == 0
    assert "Not answered" in others
    assert others.count("How tight is the deadline?") == 1
    assert "How tight is the deadline?" not in why
    for prompt in (a["prompt"] for a in Permalink.objects.get().snapshot["answers"]):
        assert answers.count(prompt) == 1, prompt


@pytest.mark.django_db
def test_a_toss_up_says_so_and_which_framework_is_ahead_on_points(client):
    url = client.post("/", CLOSE_CALL_ANSWERS)["Location"]
    text = text_of(client.get(url + "pdf").content)
    assert "A toss-up, leaning Flask" in text and "The guide recommends" not in text
    assert "Toss-up" in text and "Flask 7.5 · Django 5 points" in text
    assert "Flask is ahead by 2.5 points, short of the 3 that make a lean." in text


@pytest.mark.django_db
def test_the_pdf_says_what_the_open_questions_could_do_at_worst(summary):
    text = text_of(summary.content)
    assert (
        "The 14 open questions could still change it. Answered, Flask would end between 26.5 "
        "points behind and 37.8 points ahead; at worst, with several of them answered "
        "together, the guide would say Django." in text
    )


@pytest.mark.django_db
def test_notes_keep_their_sources_and_alternatives_their_lead_in(client):
    url = client.post("/", ALL_BUT_ONE_ANSWERED)["Location"]
    text = text_of(client.get(url + "pdf").content)
    assert (
        "Sources: FastAPI documentation; Creating a RESTful API: Django REST Framework vs. "
        "Flask, Excella (2016)" in text
    )
    assert "Also worth a look: FastAPI:" in text
    assert "Answered, Flask would stay 6.8 points ahead." in text


@pytest.mark.django_db
def test_starter_links_and_the_permalink_are_clickable(summary, link_url):
    targets = link_targets(summary.content)
    assert "https://flask.palletsprojects.com/en/stable/quickstart/" in targets
    assert f"http://testserver{link_url}" in targets


@pytest.mark.django_db
def test_the_pdf_is_one_to_three_pages_of_a4_or_letter(client, summary, link_url):
    a4 = PdfReader(io.BytesIO(summary.content))
    assert 1 <= len(a4.pages) <= 3
    width, height = (float(v) for v in a4.pages[0].mediabox.upper_right)
    assert (round(width), round(height)) == (595, 842)
    letter = PdfReader(io.BytesIO(client.get(link_url + "pdf?paper=letter").content))
    width, height = (float(v) for v in letter.pages[0].mediabox.upper_right)
    assert (round(width), round(height)) == (612, 792)


@pytest.mark.django_db
def test_the_pdf_is_tagged_with_title_and_language(summary):
    reader = PdfReader(io.BytesIO(summary.content))
    root = reader.trailer["/Root"]
    assert "/StructTreeRoot" in root
    assert str(root.get("/Lang")) == "en"
    assert reader.metadata.title == "Flask or Django? The guide recommends Flask"


def page_image(content: bytes, tmp_path, dpi: int = 50):
    """The PDF's first page as poppler draws it, in RGB."""
    return page_images(content, tmp_path, dpi, last=1)[0]


def page_images(content: bytes, tmp_path, dpi: int = 50, last: int | None = None):
    """The PDF's pages (up to ``last``) as poppler draws them, in RGB."""
    if shutil.which("pdftoppm") is None:
        message = "pdftoppm (Debian's poppler-utils) is needed to render the PDF"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    from PIL import Image

    folder = tmp_path / f"pages-{len(list(tmp_path.iterdir()))}"
    folder.mkdir()
    path = folder / "summary.pdf"
    path.write_bytes(content)
    pages = ["-l", str(last)] if last else []
    subprocess.run(
        ["pdftoppm", "-png", "-r", str(dpi), *pages, str(path), str(folder / "p")], check=True
    )
    return [Image.open(png).convert("RGB") for png in sorted(folder.glob("p*.png"))]


def hex_rgb(colour: str) -> tuple[int, ...]:
    return tuple(int(colour[i : i + 2], 16) for i in (1, 3, 5))


@pytest.mark.django_db
def test_the_qr_code_decodes_to_the_permalink(summary, link_url, tmp_path):
    import zxingcpp

    image = page_image(summary.content, tmp_path, dpi=150)  # on page one
    decoded = [barcode.text for barcode in zxingcpp.read_barcodes(image)]
    assert decoded == [f"http://testserver{link_url}"]


@pytest.mark.django_db
def test_a_second_download_is_served_from_the_cache(client, link_url):
    client.get(link_url + "pdf")
    with (
        mock.patch.object(pdf_module, "SummaryHTML", side_effect=AssertionError("rendered again")),
        mock.patch("guide.pdf.views.render_pdf", side_effect=AssertionError("rendered again")),
    ):
        again = client.get(link_url + "pdf")
    assert again.status_code == 200
    assert again.content.startswith(b"%PDF-")


@pytest.mark.django_db
def test_a_matching_etag_gets_304(client, summary, link_url):
    assert summary["ETag"]
    response = client.get(link_url + "pdf", HTTP_IF_NONE_MATCH=summary["ETag"])
    assert response.status_code == 304
    assert response.content == b""
    other = client.get(link_url + "pdf", HTTP_IF_NONE_MATCH='"something-else"')
    assert other.status_code == 200


@pytest.mark.django_db
def test_a_new_release_renders_afresh_under_a_new_etag(client, summary, link_url, settings):
    caches = copy.deepcopy(settings.CACHES)
    for cache in caches.values():
        cache["KEY_PREFIX"] = "next-release"
    settings.CACHES = caches  # a new prefix, as a new release gets
    settings.RELEASE = "next-release"
    with mock.patch("guide.pdf.views.render_pdf", wraps=pdf_module.render_pdf) as render:
        again = client.get(link_url + "pdf", HTTP_IF_NONE_MATCH=summary["ETag"])
    assert again.status_code == 200 and render.call_count == 1
    assert again["ETag"] != summary["ETag"]


@pytest.mark.django_db
def test_an_unknown_slug_gets_404_and_a_bad_paper_400(client, link_url):
    assert client.get("/r/AAAAAAAAAAAAAAAA/pdf").status_code == 404
    response = client.get(link_url + "pdf?paper=a0")
    assert response.status_code == 400
    assert "“a4” or “letter”" in response.content.decode()


@pytest.mark.django_db
def test_a_renderer_failure_is_a_clear_503_and_logged(client, link_url, caplog):
    with mock.patch("guide.pdf.views.render_pdf", side_effect=RuntimeError("pango exploded")):
        response = client.get(link_url + "pdf")
    assert response.status_code == 503
    assert "could not be made just now" in response.content.decode()
    assert "pango exploded" not in response.content.decode()
    assert any("rendering the summary" in r.getMessage() for r in caplog.records)
    # Nothing half-made was cached: the next request renders properly.
    assert client.get(link_url + "pdf").status_code == 200


def test_the_fetcher_refuses_local_files_and_the_network():
    fetcher = pdf_module.StaticOnlyFetcher()
    for url in (
        "file:///etc/passwd",
        "http://127.0.0.1/",
        "https://example.org/x.png",
        "data:text/plain,hi",
        "data:image/svg+xml,<svg/>",
        # An SVG (which may reference files) under the PNG's prefix.
        "data:image/png;base64,"
        + base64.b64encode(b'<svg><image href="file:///etc/passwd"/></svg>').decode(),
    ):
        with pytest.raises(pdf_module.FetchRefused):
            fetcher.fetch(url)
    css = pdf_module.static_roots()[0] / "guide" / "summary.css"
    assert fetcher.fetch(css.as_uri()).status in (None, 200)
    assert fetcher.fetch(pdf_module.qr_png("https://x.example/")).read().startswith(b"\x89PNG")


def near(pixel: tuple[int, ...], colour: str, tolerance: int = 12) -> bool:
    """Within a few shades of ``colour`` (a thin line's pixels are partly blended; grey text's
    never come this close to a bluish grey)."""
    return sum(abs(a - b) for a, b in zip(pixel, hex_rgb(colour), strict=True)) <= tolerance


@pytest.mark.django_db
def test_each_criterion_prints_its_points_and_bars_in_the_options_light_colours(client, tmp_path):
    # The light scheme of static/guide/options.css: paper has no dark mode.
    fills = pdf_module.option_colours().fills
    assert fills == {"flask": "#1f2a44", "django": "#3aa57a"}
    url = client.post("/", CLOSE_CALL_ANSWERS)["Location"]
    content = client.get(url + "pdf").content
    text = text_of(content)
    assert "Small footprint and free structure — Flask 7.5 · Django 0" in text
    assert "Built-in features — Flask 0 · Django 4" in text
    assert "Total — Flask 7.5 · Django 5" in text
    image = page_image(content, tmp_path, dpi=100)
    width, height = image.size
    pixels = image.load()
    axis = AXIS_COLOUR
    bars = {"flask": 0, "django": 0}
    for y in range(height):
        # The centre line: in the bar area, on the right of the page.
        centre = [x for x in range(width // 2, width) if near(pixels[x, y], axis)]
        if not centre:
            continue  # not a line of the chart
        for option, colour in fills.items():
            xs = [x for x in range(width) if pixels[x, y] == hex_rgb(colour)]
            if not xs:
                continue
            bars[option] += 1
            # Flask's bar grows to the left of the centre line, Django's to the right, each
            # at most half the line's bar area long.
            if option == "flask":
                assert max(xs) <= min(centre), y
            else:
                assert min(xs) >= max(centre), y
            assert len(xs) <= pdf_module.BAR_AREA * width / 2, (option, y)
    assert bars["flask"] and bars["django"]  # both drawn, on lines of the chart


@pytest.mark.parametrize(
    ("left", "right", "colours"),
    [
        (7.5, 0, ["flask", "axis"]),
        (0, 4, ["axis", "django"]),
        (3, 5, ["flask", "axis", "django"]),
        (0.1, 20, ["axis", "django"]),  # a left bar shorter than the centre line's half
    ],
)
def test_a_rows_bars_are_one_gradient_in_order_from_left_to_right(left, right, colours):
    chart = {"axis_x": 99.5, "half": 100, "axis_colour": AXIS_COLOUR}
    largest = max(left, right)
    wl, wr = 98 * left / largest, 98 * right / largest
    row = {"left_x": 100 - wl, "left_width": wl, "right_width": wr}
    background = pdf_module.bars_background(row, chart, "#1f2a44", "#3aa57a")
    stops = re.findall(r"(transparent|#\w+) ([\d.]+)%", background)
    positions = [float(p) for _, p in stops]
    assert positions == sorted(positions)
    assert positions[0] >= 0 and positions[-1] <= 100
    names = {"#1f2a44": "flask", AXIS_COLOUR: "axis", "#3aa57a": "django"}
    drawn = [names[c] for c, _ in stops if c != "transparent"]
    assert [c for i, c in enumerate(drawn) if i == 0 or drawn[i - 1] != c] == colours
    assert background.endswith(f"100% 50% / {100 * pdf_module.BAR_AREA:g}% 7pt no-repeat")


@pytest.mark.django_db
def test_the_lean_browser_defaults_draw_the_same_pages_as_weasyprint_s_own(client, tmp_path):
    from weasyprint import HTML

    link_url = client.post("/", ALL_BUT_ONE_ANSWERED)["Location"]
    link = Permalink.objects.get(slug=link_url.strip("/").rsplit("/", 1)[-1])
    html = pdf_module.summary_html(link, "https://guide.example" + link_url, stale=False)
    assert "<li" in html  # list items, whose markers the lean defaults keep
    lean = page_images(pdf_module.render_pdf(html, paper="a4"), tmp_path)
    with mock.patch.object(pdf_module, "SummaryHTML", HTML):
        stock = page_images(pdf_module.render_pdf(html, paper="a4"), tmp_path)
    assert len(lean) == len(stock) >= 2
    assert [page.tobytes() for page in lean] == [page.tobytes() for page in stock]


def test_the_lean_browser_defaults_drop_the_footnote_and_note_rules_and_keep_list_markers():
    # Fails if a new WeasyPrint writes its defaults so that nothing is left out any more.
    lean = pdf_module.lean_defaults()
    assert not re.search(r"^::(footnote|note)-", lean, re.MULTILINE)
    assert "\nli::marker {" in lean and "\n::marker {" not in lean
    assert "@footnote" in lean  # the page's own rules stay


def test_a_file_reference_in_the_html_is_not_embedded():
    html = (
        '<html lang="en"><body><p>before</p><img src="file:///etc/passwd">'
        '<object data="file:///etc/passwd"></object>'
        '<link rel="attachment" href="file:///etc/passwd"><p>after</p></body></html>'
    )
    content = pdf_module.render_pdf(html, paper="a4")
    reader = PdfReader(io.BytesIO(content))
    names = reader.trailer["/Root"].get("/Names")
    assert names is None or "/EmbeddedFiles" not in names.get_object()
    assert not reader.pages[0].images  # the <img> was left out
    text = text_of(content)
    assert "before" in text and "after" in text and "root:" not in text


def test_a_render_frees_its_own_garbage_and_leaves_the_collector_on():
    html = (
        '<html lang="en"><body>'
        + "<p>A paragraph of text to lay out, with <b>bold</b> words.</p>" * 40
        + "</body></html>"
    )
    pdf_module.render_pdf(html, paper="a4")  # warm: fonts, stylesheets, caches
    gc.collect()
    before = len(gc.get_objects())
    for _ in range(3):
        pdf_module.render_pdf(html, paper="a4")
    # Each render makes thousands of objects in cycles; none of them are left behind.
    assert len(gc.get_objects()) - before < 500
    assert gc.isenabled()
    with (
        mock.patch.object(pdf_module, "SummaryHTML", side_effect=RuntimeError("pango exploded")),
        pytest.raises(RuntimeError),
    ):
        pdf_module.render_pdf(html, paper="a4")
    assert gc.isenabled()


def test_overlapping_renders_keep_the_collector_off_until_the_last_one_ends():
    # Two renders in two threads, the first to start ending first.
    first, second = pdf_module.young_garbage_only(), pdf_module.young_garbage_only()
    first.__enter__()
    second.__enter__()
    assert not gc.isenabled()
    first.__exit__(None, None, None)
    assert not gc.isenabled()  # the second is still rendering
    second.__exit__(None, None, None)
    assert gc.isenabled()


@pytest.mark.django_db
def test_a_pdf_is_rendered_once_whatever_host_a_client_names(client, link_url):
    with mock.patch("guide.pdf.views.render_pdf", wraps=render_pdf) as rendered:
        bodies = {
            client.get(link_url + "pdf", HTTP_HOST=f"localhost:{7000 + n}").content
            for n in range(20)
        }
    assert rendered.call_count == 1 and len(bodies) == 1


@pytest.mark.django_db
@pytest.mark.parametrize("paper", ["a4", "letter"])
def test_a_render_logs_no_warning_from_the_renderer(client, caplog, paper):
    # Parsed afresh, as in a new worker: a stylesheet's warnings come when it is first read.
    pdf_module.stylesheets.cache_clear()
    pdf_module.option_colours.cache_clear()
    url = client.post("/", ALL_BUT_ONE_ANSWERED)["Location"]
    with caplog.at_level("DEBUG", logger="weasyprint"):
        assert client.get(url + f"pdf?paper={paper}").status_code == 200
    warnings = [
        r.getMessage()
        for r in caplog.records
        if r.name.startswith("weasyprint") and r.levelno >= logging.WARNING
    ]
    assert warnings == []
