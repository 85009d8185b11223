"""The guide in Spanish, Brazilian Portuguese and Simplified Chinese: each language at its
prefix, a first visit sent to the browser's language (a choice made with the switcher wins),
the knowledge from questions.<language>.yaml (a missing or stale entry in English, and named
by `manage.py check`), one result in every language, the API in the language asked for, and
caches that never serve one language for another."""

import io
import re
import shutil

import pytest
import yaml
from django.core.management import call_command
from django.test import Client

from guide.engine.translations import fingerprint
from guide.services.rulebook import check_translations, get_rulebook
from tests.conftest import QUESTIONS

pytestmark = pytest.mark.django_db

LANGUAGES = ("es", "pt-br", "zh-hans")
ANSWERS = {"auth": "full", "admin": "yes", "forms": "many", "database": "relational"}


def entries(language):
    path = QUESTIONS.with_name(f"questions.{language}.yaml")
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def said(language, key):
    return entries(language)[key]["text"]


def html(response):
    return response.content.decode()


@pytest.mark.parametrize(
    ("accepted", "sent_to"),
    [
        ("es-ES,es;q=0.9,en;q=0.5", "/es/"),
        ("pt-BR,pt;q=0.9", "/pt-br/"),
        ("pt", "/pt-br/"),
        ("zh-CN,zh;q=0.9", "/zh-hans/"),
        ("de-DE,fr;q=0.8,es;q=0.5", "/es/"),
    ],
)
def test_a_first_visit_is_sent_to_the_language_the_browser_prefers(client, accepted, sent_to):
    response = client.get("/?start=blog", HTTP_ACCEPT_LANGUAGE=accepted)
    assert response.status_code == 302
    assert response["Location"] == f"{sent_to}?start=blog"
    assert "Accept-Language" in response["Vary"] and "Cookie" in response["Vary"]


@pytest.mark.parametrize("accepted", ["en-GB,en;q=0.9", "de-DE", "", "*"])
def test_a_browser_that_prefers_english_or_a_language_the_guide_lacks_stays_at_the_root(
    client, accepted
):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE=accepted)
    assert response.status_code == 200
    assert '<html lang="en">' in html(response)


def test_a_language_chosen_with_the_switcher_wins_over_the_browsers(client):
    chosen = client.get("/language/en/?next=/es/rules/")
    assert chosen.status_code == 302 and chosen["Location"] == "/rules/"
    assert client.get("/", HTTP_ACCEPT_LANGUAGE="es").status_code == 200  # English stays
    client.get("/language/zh-hans/?next=/")
    assert client.get("/", HTTP_ACCEPT_LANGUAGE="en")["Location"] == "/zh-hans/"


def test_the_switcher_goes_only_to_pages_of_this_site(client):
    for elsewhere in ("https://evil.example/", "//evil.example/", "javascript:alert(1)"):
        response = client.get(f"/language/es/?next={elsewhere}")
        assert response["Location"] == "/es/"
    assert client.get("/language/xx/").status_code == 404


@pytest.mark.parametrize("language", LANGUAGES)
def test_each_page_names_its_language_and_its_other_languages(client, language):
    page = html(client.get(f"/{language}/rules/"))
    tag = {"es": "es", "pt-br": "pt-BR", "zh-hans": "zh-Hans"}[language]
    assert f'<html lang="{tag}">' in page
    alternates = dict(re.findall(r'<link rel="alternate" hreflang="([^"]+)" href="([^"]+)">', page))
    assert alternates == {
        "en": "http://testserver/rules/",
        "es": "http://testserver/es/rules/",
        "pt-BR": "http://testserver/pt-br/rules/",
        "zh-Hans": "http://testserver/zh-hans/rules/",
        "x-default": "http://testserver/rules/",
    }
    switcher = page[page.index('<nav class="languages"') :]
    assert 'href="/language/en/?next=/rules/"' in switcher
    name = {"es": "Español", "pt-br": "Português (Brasil)", "zh-hans": "简体中文"}[language]
    assert f'aria-current="true"><span class="language-name">{name}</span>' in switcher


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_interview_asks_in_the_language_of_its_address(client, language):
    page = html(client.get(f"/{language}/?start=&auth=full&ask=admin"))
    assert said(language, "question.admin.prompt") in page
    assert "Do staff need an admin back office" not in page
    assert said(language, "question.auth.choice.full.label") in page  # the answers so far
    # Its forms stay in that language.
    assert f'action="/{language}/"' in page


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_permalink_is_one_result_in_every_language(client, language):
    slug = client.post("/api/recommendations", {"answers": ANSWERS}, "application/json").json()[
        "slug"
    ]
    english = client.get(f"/api/recommendations/{slug}").json()["result"]
    other = client.get(f"/api/recommendations/{slug}", HTTP_ACCEPT_LANGUAGE=language).json()
    assert other["result"]["recommendation"] == english["recommendation"]
    assert other["result"]["confidence"] == english["confidence"]
    assert [r["id"] for r in other["result"]["reasons"]] == [r["id"] for r in english["reasons"]]
    page = html(client.get(f"/{language}/r/{slug}/"))
    assert said(language, "question.admin.prompt") in page
    pdf = client.get(f"/{language}/r/{slug}/pdf")
    card = client.get(f"/{language}/r/{slug}/card.png")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF-")
    assert card.status_code == 200 and card.content.startswith(b"\x89PNG")
    assert pdf.content != client.get(f"/r/{slug}/pdf").content


def test_the_spanish_pdf_holds_the_spanish_words_of_the_page(client):
    from tests.test_pdf import text_of

    slug = client.post("/api/recommendations", {"answers": ANSWERS}, "application/json").json()[
        "slug"
    ]
    text = text_of(client.get(f"/es/r/{slug}/pdf").content)
    assert " ".join(said("es", "question.admin.prompt").split()) in text
    assert "Página 1 de" in text and "Page 1 of" not in text  # its footer too
    assert "Page 1 of" in text_of(client.get(f"/r/{slug}/pdf").content)


def test_the_api_answers_in_the_language_asked_for_and_says_so(client):
    english = client.post("/api/recommend", {"answers": ANSWERS}, "application/json")
    assert english["Content-Language"] == "en"
    for language in LANGUAGES:
        response = client.post(
            "/api/recommend",
            {"answers": ANSWERS},
            "application/json",
            HTTP_ACCEPT_LANGUAGE=language,
        )
        assert response["Content-Language"] == language
        assert "Accept-Language" in response["Vary"]
        result, then = response.json(), english.json()
        # Texts change; ids, numbers and states never do.
        assert result["recommendation"] == then["recommendation"]
        assert result["state"] == then["state"]
        assert [(s["option"], s["points"]) for s in result["scores"]] == [
            (s["option"], s["points"]) for s in then["scores"]
        ]
        prompts = {a["question"]: a["prompt"] for a in result["answers"]}
        assert prompts["admin"] == said(language, "question.admin.prompt")


def test_the_apis_starter_is_the_same_project_whatever_the_language(client):
    slug = client.post("/api/recommendations", {"answers": ANSWERS}, "application/json").json()[
        "slug"
    ]
    english = client.get(f"/api/recommendations/{slug}/starter.zip")
    chinese = client.get(f"/api/recommendations/{slug}/starter.zip", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert english.status_code == chinese.status_code == 200
    assert english.content == chinese.content


def test_a_step_kept_for_everyone_is_kept_apart_for_each_language(client):
    english = html(client.get("/?start=&auth=full&ask=admin"))
    spanish = html(client.get("/es/?start=&auth=full&ask=admin"))
    again = html(client.get("/?start=&auth=full&ask=admin"))
    assert english == again
    assert "Do staff need an admin back office" in english
    assert said("es", "question.admin.prompt") in spanish


def test_a_team_room_knows_its_organizer_and_members_in_every_language(client):
    slug = client.post("/t/", {"title": "Backend"})["Location"].split("/")[2]
    client.post(f"/t/{slug}/join", {"name": "Ana"})
    page = html(client.get(f"/es/t/{slug}/"))
    assert "room_organizer" not in page  # the secret stays in its cookie
    assert f'action="/es/t/{slug}/delete"' in page  # still the organizer
    assert f'href="/es/t/{slug}/answer/"' in page  # still Ana
    assert client.get(f"/es/t/{slug}/answer/").status_code == 200
    stranger = Client()
    assert f'action="/es/t/{slug}/join"' in html(stranger.get(f"/es/t/{slug}/"))


def test_the_check_names_each_entry_whose_english_changed_and_each_language(tmp_path, settings):
    text = QUESTIONS.read_text()
    old = get_rulebook().question("admin").prompt
    assert old in text
    copy = tmp_path / "questions.yaml"
    copy.write_text(text.replace(old, "Does anyone need a back office?"))
    for language in LANGUAGES:
        shutil.copy(QUESTIONS.with_name(f"questions.{language}.yaml"), tmp_path)
    settings.GUIDE_QUESTIONS_FILE = copy
    get_rulebook.cache_clear()
    try:
        found = [m.msg for m in check_translations(None) if m.id == "guide.W005"]
    finally:
        get_rulebook.cache_clear()
    assert len(found) == len(LANGUAGES)
    for language in LANGUAGES:
        assert any("question.admin.prompt" in m and f"({language})" in m for m in found)


def test_a_missing_or_stale_entry_shows_the_english_never_nothing(client, tmp_path, settings):
    shutil.copy(QUESTIONS, tmp_path / "questions.yaml")
    spanish = entries("es")
    del spanish["question.admin.prompt"]  # missing
    spanish["question.auth.prompt"]["from"] = fingerprint("what it said before")  # stale
    (tmp_path / "questions.es.yaml").write_text(
        yaml.safe_dump(spanish, allow_unicode=True), encoding="utf-8"
    )
    settings.GUIDE_QUESTIONS_FILE = tmp_path / "questions.yaml"
    get_rulebook.cache_clear()
    try:
        page = html(client.get("/es/?start=&ask=admin"))
        auth = html(client.get("/es/?start=&ask=auth"))
        out = io.StringIO()
        call_command("translations", stdout=out)
    finally:
        get_rulebook.cache_clear()
    assert "Do staff need an admin back office to manage the data?" in page
    assert "Do users need to sign in?" in auth
    report = out.getvalue()
    fresh = len(spanish) - 1  # the entries left in the file, less the stale one
    assert re.search(rf"es\s+{fresh} translated\s+1 missing\s+1 stale", report)
    assert "missing  question.admin.prompt" in report
    assert "stale    question.auth.prompt" in report


def test_every_language_has_every_entry_translated_and_fresh():
    out = io.StringIO()
    call_command("translations", stdout=out)
    lines = out.getvalue().splitlines()
    assert len(lines) == len(LANGUAGES)
    for line in lines:
        assert re.search(r"\s0 missing\s+0 stale", line), line


def test_the_chinese_pdf_holds_the_chinese_words_of_the_page(client):
    from tests.test_pdf import text_of

    slug = client.post("/api/recommendations", {"answers": ANSWERS}, "application/json").json()[
        "slug"
    ]
    text = text_of(client.get(f"/zh-hans/r/{slug}/pdf").content).replace(" ", "")
    assert said("zh-hans", "question.admin.prompt").replace(" ", "") in text


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_interface_speaks_the_language_of_its_address(client, language):
    page = html(client.get(f"/{language}/rules/"))
    skip = {"es": "Saltar al contenido", "pt-br": "Pular para o conteúdo", "zh-hans": "跳到正文"}
    assert f'<a class="skip-link" href="#main">{skip[language]}</a>' in page
    assert "Skip to content" not in page


@pytest.mark.parametrize("po", sorted(QUESTIONS.parent.glob("locale/*/LC_MESSAGES/django.po")))
def test_every_message_of_the_interface_is_translated_in_each_language(po):
    import subprocess

    checked = subprocess.run(
        ["msgfmt", "--check", "--statistics", "-o", "/dev/null", str(po)],
        capture_output=True,
        text=True,
    )
    assert checked.returncode == 0, checked.stderr
    assert "untranslated" not in checked.stderr and "fuzzy" not in checked.stderr, checked.stderr


def test_the_chinese_card_is_drawn_with_a_font_that_has_chinese_letters():
    from guide.web.card import face

    chinese, english = face(36, cjk=True), face(36)
    assert "Noto Sans CJK" in chinese.getname()[0]
    # A glyph for 管 (in the Chinese knowledge), which DejaVu lacks.
    assert chinese.getmask("管").getbbox() is not None
    assert english.getname()[0] == "DejaVu Sans"


def test_the_terminal_answers_in_the_language_asked_for():
    out = io.StringIO()
    call_command("recommend", "auth=full", "admin=yes", "--language", "es", "--json", stdout=out)
    prompts = {
        a["question"]: a["prompt"] for a in __import__("json").loads(out.getvalue())["answers"]
    }
    assert prompts["admin"] == said("es", "question.admin.prompt")


def test_the_terminals_labels_are_in_the_language_asked_for_too():
    out = io.StringIO()
    call_command("recommend", "auth=full", "--language", "es", stdout=out)
    text = out.getvalue()
    assert "Preguntas abiertas:" in text and "Por qué:" in text
    assert not re.search(r"^(Open questions|Not sure|Note|Why):", text, re.MULTILINE)


def test_every_message_the_code_translates_is_one_the_extractor_can_find():
    """xgettext reads no call inside an f-string's braces: such a message is never extracted,
    so it stays English in every language without any check failing."""
    import ast

    names = {"_", "gettext", "ngettext", "gettext_lazy", "pgettext", "npgettext"}
    hidden = []
    for path in sorted((QUESTIONS.parent / "guide").rglob("*.py")):
        tree = ast.parse(path.read_text(), str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.FormattedValue):
                for call in ast.walk(node.value):
                    if isinstance(call, ast.Call) and getattr(call.func, "id", None) in names:
                        hidden.append(f"{path.name}:{call.lineno}")
    assert hidden == []


def test_the_openapi_document_says_how_to_ask_for_a_language(client):
    description = client.get("/api/openapi.json").json()["info"]["description"]
    assert "Accept-Language" in description and "Content-Language" in description


def test_a_rooms_verdict_is_worded_in_the_language_of_its_address(client):
    slug = client.post("/api/teams", {"title": "Backend"}, "application/json").json()["slug"]
    for name, auth, admin in (("Ana", "full", "yes"), ("Bo", "none", "no")):
        body = {"name": name, "answers": {"auth": auth, "admin": admin}}
        client.post(f"/api/teams/{slug}/members", body, "application/json")
    assert "It hinges on" in html(client.get(f"/t/{slug}/"))
    spanish = html(client.get(f"/es/t/{slug}/"))
    assert "Depende de" in spanish and "It hinges on" not in spanish
    assert "Django o Flask" in spanish or "Flask o Django" in spanish


def test_the_decision_record_is_written_in_the_language_of_its_address(client):
    import zipfile

    slug = client.post("/api/recommendations", {"answers": ANSWERS}, "application/json").json()[
        "slug"
    ]
    english = html(client.get(f"/r/{slug}/decision.md"))
    spanish = html(client.get(f"/es/r/{slug}/decision.md"))
    assert "## Context and Problem Statement" in english
    assert "## Contexto y planteamiento del problema" in spanish
    assert "Context and Problem Statement" not in spanish and "Good, because" not in spanish
    assert said("es", "question.admin.prompt") in spanish
    assert "status: accepted" in spanish  # MADR's front matter is read by tools: it stays
    archive = zipfile.ZipFile(io.BytesIO(client.get(f"/zh-hans/r/{slug}/starter.zip").content))
    record = next(name for name in archive.namelist() if "/docs/decisions/" in name)
    assert "## 背景与问题陈述" in archive.read(record).decode()


def test_a_save_that_fails_says_in_each_language_that_the_answers_are_kept(client):
    from unittest import mock

    from django.db.utils import OperationalError
    from django.utils import translation

    with mock.patch(
        "guide.models.PermalinkQuerySet.for_answers",
        side_effect=OperationalError("connection refused"),
    ):
        response = client.post("/es/", {"auth": "full"})
    assert response.status_code == 503
    page = html(response)
    assert 'href="/es/?auth=full"' in page
    with translation.override("es"):
        kept = translation.gettext("Nothing was lost: your answers are kept in the link below.")
    assert kept in page and "Nothing was lost" not in page


def test_numbers_are_written_as_each_language_writes_them(client):
    """Decimal points through Django's l10n: a comma in Spanish and Portuguese, a point in
    English and Chinese; the same number of points in each."""
    address = "?start=intranet"  # its assumptions give Django a half point
    english = html(client.get(f"/{address}"))
    points = re.search(r"Django (\d+)\.(\d) points", english)
    assert points, "the English panel gives Django's points with a decimal"
    whole, tenth = points.groups()
    assert f"Django {whole},{tenth} puntos" in html(client.get(f"/es/{address}"))
    assert f"Django {whole},{tenth} pontos" in html(client.get(f"/pt-br/{address}"))
    assert f"Django {whole}.{tenth}" in html(client.get(f"/zh-hans/{address}"))


@pytest.mark.parametrize("language", ["es", "pt-br"])
def test_the_charts_numbers_stay_numbers_where_decimals_take_a_comma(client, language):
    """SVG reads "39.2", never "39,2": the drawings' geometry is never localized, while the
    chart's table gives the points as the language writes them."""
    slug = client.post("/api/recommendations", {"answers": ANSWERS}, "application/json").json()[
        "slug"
    ]
    page = html(client.get(f"/{language}/r/{slug}/"))
    drawings = re.findall(r"<svg.*?</svg>", page, flags=re.S)
    assert drawings
    geometry = re.findall(r'\b(?:x|width|height|viewBox)="([^"]*)"', "".join(drawings))
    assert geometry and all(re.fullmatch(r"[\d. ]+", value) for value in geometry), geometry
    assert re.search(r'<td class="num">\d+,\d</td>', page)  # the table: a comma
