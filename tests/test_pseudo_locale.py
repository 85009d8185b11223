"""No English left in the interface: every page rendered in a pseudo-language, in which every
message of the interface (gettext) and every text of the knowledge (the translation files) is
its English wrapped in ⟦ ⟧. Whatever a visitor can read outside the markers was not sent
through a translation, except names (Flask, Django, the sources' titles and authors, people's
and rooms' names, the languages' own names), code and quotes."""

import re
from html import unescape
from html.parser import HTMLParser

import pytest
from django.test import Client
from django.utils.translation import trans_real

from guide.engine.translations import Entry, english, fingerprint
from guide.services import rulebook as rulebook_service
from guide.services.impact import count_decisions
from guide.services.rulebook import rulebook_in

pytestmark = pytest.mark.django_db

#: The pseudo-language borrows Spanish's address (/es/) and plural rules.
PSEUDO = "es"
OPEN, CLOSE = "⟦", "⟧"
CONTEXT = "\x04"


def mark(message: str) -> str:
    if not message:
        return message  # the catalog's header
    return f"{OPEN}{message.split(CONTEXT)[-1]}{CLOSE}"


@pytest.fixture
def pseudo(monkeypatch):
    """/es/ speaks the pseudo-language: the interface's messages and the knowledge marked."""
    catalog = trans_real.DjangoTranslation(PSEUDO)
    catalog.gettext = mark  # pgettext, blocktranslate and gettext_lazy all come here
    catalog.ngettext = lambda singular, plural, n: mark(singular if n == 1 else plural)
    monkeypatch.setitem(trans_real._translations, PSEUDO, catalog)
    base = rulebook_in("en")
    entries = {key: Entry(fingerprint(text), mark(text)) for key, text in english(base).items()}
    monkeypatch.setattr(rulebook_service, "read_translation", lambda path: entries)
    rulebook_in.cache_clear()
    yield base
    rulebook_in.cache_clear()


class VisibleText(HTMLParser):
    """The text a visitor can read or hear: text nodes and the attributes shown or spoken,
    without code, quotes, scripts and styles."""

    SKIPPED = {"script", "style", "code", "pre", "q", "blockquote"}
    SPOKEN = ("title", "aria-label", "alt", "placeholder")

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        skipped = tag in self.SKIPPED or attrs.get("translate") == "no"
        if skipped and tag not in {"meta", "link", "br", "input", "img"}:
            self.skipping.append(tag)
        if self.skipping:
            return
        self.parts += [attrs[a] for a in self.SPOKEN if attrs.get(a)]
        if tag == "input" and attrs.get("type") in {"submit", "button"} and attrs.get("value"):
            self.parts.append(attrs["value"])

    def handle_endtag(self, tag):
        if self.skipping and self.skipping[-1] == tag:
            self.skipping.pop()

    def handle_data(self, data):
        if not self.skipping:
            self.parts.append(data)


def unmarked(page: str, names: set[str]) -> list[str]:
    """The words of ``page`` a visitor reads outside the markers and outside ``names``."""
    reader = VisibleText()
    reader.feed(page)
    # One text, so that a marked sentence with a link or a name inside it stays one sentence.
    text = "\n".join(unescape(part) for part in reader.parts)
    while True:  # innermost first: a marked sentence may hold marked words
        inner = re.sub(rf"{OPEN}[^{OPEN}{CLOSE}]*{CLOSE}", " ", text)
        if inner == text:
            break
        text = inner
    for name in sorted(names, key=len, reverse=True):
        text = text.replace(name, " ")
    text = re.sub(r"https?://\S+|/\S*", " ", text)  # addresses
    return re.findall(r"[^\W\d_]{2,}", text)


def names_of(rulebook) -> set[str]:
    names = {"Flask", "Django", "English", "Español", "Português (Brasil)", "简体中文"}
    names |= {"EN", "ES", "PT", "中文"}  # the switcher's short names of the same languages
    names.add("questions.yaml")  # the knowledge's file, by its name
    for source in rulebook.sources.values():
        names |= {source.title, source.author} - {""}
    for option in rulebook.options:
        names |= {link.title for link in option.links}
    for feature in rulebook.features.values():
        names |= {link.title for links in feature.links.values() for link in links}
    return names


def pages(client: Client) -> dict[str, str]:
    """Every kind of page a visitor meets, at /es/."""
    slug = client.post(
        "/api/recommendations",
        {"answers": {"auth": "full", "admin": "yes", "forms": "many", "database": "relational"}},
        "application/json",
    ).json()["slug"]
    count_decisions(settle=0)  # so the rules pages say what each question decided
    room = client.post("/es/t/", {"title": "Backend"})["Location"].split("/")[3]
    client.post(f"/es/t/{room}/join", {"name": "Ana"})
    other = Client()
    other.post(f"/es/t/{room}/join", {"name": "Bo"})
    client.post(f"/es/t/{room}/answer/", {"auth": "full", "project_size": "large", "save": "1"})
    other.post(f"/es/t/{room}/answer/", {"auth": "none", "project_size": "small", "save": "1"})
    found = {
        "first step": "/es/",
        "a step": "/es/?start=&auth=full",
        "a settled step": "/es/?start=intranet&team_knows=neither&project_size=medium",
        "the one-page form": "/es/all/",
        "the live panel": "/es/all/?auth=full&admin=yes",
        "the review": "/es/review/?start=&auth=full&admin=yes",
        "a result": f"/es/r/{slug}/",
        "the rules": "/es/rules/",
        "the rules' changes": "/es/rules/changes",
        "a question's rules": "/es/rules/q/auth/",
        "a new room": "/es/t/new",
        "a team room": f"/es/t/{room}/",
        "a team room's interview": f"/es/t/{room}/answer/",
        "a missing permalink": "/es/r/AAAAAAAAAAAAAAAA/",
        "the starters' versions": "/es/starters/changes",
    }
    step = client.get(found["a settled step"]).content.decode()
    needs = re.search(r'<a class="button primary" href="([^"]+)"', step)
    found["the needs screen"] = unescape(needs[1]) if needs else ""
    return found


def test_every_page_speaks_only_through_its_translations(client, pseudo):
    names = names_of(pseudo) | {"Backend", "Ana", "Bo"}
    rule = next(iter(pseudo.rules)).id
    addresses = pages(client) | {"a rule's rules": f"/es/rules/r/{rule}/"}
    assert addresses["the needs screen"], "the settled step offers the needs screen"
    english_left = {}
    for what, address in addresses.items():
        response = client.get(address)
        assert response.status_code in (200, 404), (what, address, response.status_code)
        assert response.headers["Content-Language"] == PSEUDO
        left = unmarked(response.content.decode(), names)
        if left:
            english_left[what] = sorted(set(left))
    assert not english_left
    # The rules pages said what each question decided in stored results, worded too.
    assert "⟦Of the" in client.get("/es/rules/q/auth/").content.decode()


def test_the_decision_record_speaks_only_through_its_translations(client, pseudo):
    slug = client.post(
        "/api/recommendations", {"answers": {"auth": "full", "admin": "yes"}}, "application/json"
    ).json()["slug"]
    record = client.get(f"/es/r/{slug}/decision.md").content.decode()
    body = record.split("---", 2)[2]  # MADR's front matter is read by tools: it stays English
    assert not unmarked(body.replace("|", " "), names_of(pseudo))


def test_the_pseudo_language_finds_english_that_was_not_sent_through_gettext(pseudo):
    """The check itself: English outside a marker is found, a marked sentence is not."""
    page = "<p>⟦Why we ask⟧ Flask</p><p>Points by criterion</p><code>pip install</code>"
    assert unmarked(page, {"Flask"}) == ["Points", "by", "criterion"]
