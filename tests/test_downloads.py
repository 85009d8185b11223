"""What is made once and then kept (guide/services/downloads.py): renders are bounded per
process, and what is the same for everyone says so to shared caches."""

import threading

import pytest
from django.core.cache import cache

from guide.models import Permalink
from guide.services import downloads
from guide.services.rulebook import get_rulebook


@pytest.fixture
def every_slot_taken(settings):
    """Another request holds this process's only render slot for the length of the test."""
    cache.clear()
    settings.RENDER_WAIT = 0.05
    slots = downloads._slots()
    taken = 0
    while slots.acquire(queue=0, wait=0):
        taken += 1
    yield slots
    for _ in range(taken):
        slots.release()
    cache.clear()


@pytest.fixture
def link_url(client):
    cache.clear()
    return client.post("/", {"auth": "full", "admin": "yes"})["Location"]


@pytest.mark.django_db
def test_a_render_that_finds_every_slot_taken_is_a_503_that_says_when_to_try_again(
    client, link_url, every_slot_taken
):
    for suffix in ("pdf", "card.png", "starter.zip", ""):
        refused = client.get(link_url + suffix)
        assert refused.status_code == 503, suffix
        assert refused["Retry-After"] == "5"
        assert "no-store" in refused["Cache-Control"]
        assert refused["Content-Type"].startswith("text/html")
        page = refused.content.decode()
        assert "busy making other pages and downloads" in page and "Try again in 5 seconds" in page
        assert f'href="{link_url + suffix}"' in page and ">Try again<" in page


@pytest.mark.django_db
def test_a_render_waits_briefly_for_a_slot_that_comes_free(
    client, link_url, every_slot_taken, settings
):
    settings.RENDER_WAIT = 10
    threading.Timer(0.3, every_slot_taken.release).start()  # the other render ends
    assert client.get(link_url + "pdf").status_code == 200
    every_slot_taken.acquire(queue=0, wait=0)  # as the fixture left it


@pytest.mark.django_db
def test_beyond_the_queue_a_render_is_refused_without_waiting(
    client, link_url, every_slot_taken, settings
):
    settings.RENDER_WAIT, settings.RENDER_QUEUE = 10, 0
    waited = threading.Event()
    timer = threading.Timer(5, waited.set)
    timer.start()
    assert client.get(link_url + "pdf").status_code == 503
    assert not waited.is_set()  # answered long before the wait it would have had
    timer.cancel()


@pytest.mark.django_db
def test_what_is_already_made_is_served_while_every_slot_is_taken(client, link_url, settings):
    made = {suffix: client.get(link_url + suffix).content for suffix in ("", "pdf", "card.png")}
    settings.RENDER_WAIT = 0.05
    slots = downloads._slots()
    assert slots.acquire(queue=0, wait=0)
    try:
        for suffix, content in made.items():
            again = client.get(link_url + suffix)
            assert again.status_code == 200 and again.content == content
    finally:
        slots.release()


@pytest.mark.django_db
def test_a_failed_render_gives_its_slot_back(client, link_url, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("the renderer broke")

    monkeypatch.setattr("guide.pdf.views.render_pdf", broken)
    assert client.get(link_url + "pdf").status_code == 503  # the render failed
    monkeypatch.undo()
    assert client.get(link_url + "pdf").status_code == 200  # and the next one has a slot


@pytest.mark.django_db
def test_shared_caches_may_keep_what_is_the_same_for_everyone_for_a_day(client, link_url):
    for suffix in ("", "pdf", "card.png", "starter.zip", "decision.md"):
        response = client.get(link_url + suffix)
        directives = {d.strip() for d in response["Cache-Control"].split(",")}
        assert {"public", "s-maxage=86400"} <= directives, suffix
        assert "Set-Cookie" not in response and response.cookies == {}, suffix
    page = client.get(link_url)
    assert "max-age=0" in page["Cache-Control"]  # a browser asks again, and gets 304


@pytest.mark.django_db
def test_a_page_made_for_one_visitor_is_kept_by_no_shared_cache(client, link_url):
    slug = link_url.strip("/").split("/")[-1]
    Permalink.objects.filter(slug=slug).update(ruleset_version="000000000000")
    page = client.get(link_url)  # under older rules: today's verdict, with a form to keep it
    assert page.status_code == 200 and "csrfmiddlewaretoken" in page.content.decode()
    assert "private" in page["Cache-Control"] and "public" not in page["Cache-Control"]
    assert "ETag" not in page


@pytest.mark.django_db(transaction=True)
def test_many_asking_at_once_for_what_is_not_made_yet_get_it_made_once(
    client, link_url, settings, monkeypatch
):
    """A new link shared widely: eight requests for its PDF arrive together, while the only
    slot and the only place in the queue are this process's. Each gets the PDF, made once."""
    from django.test import Client

    from guide.pdf import views

    settings.RENDER_QUEUE = 0
    renders = []
    started = threading.Event()
    real = views.render_pdf
    slug = link_url.strip("/").split("/")[-1]
    key = f"en:pdf:{get_rulebook().version}:{slug}:a4"  # English: the language comes first

    def slow_render(html, *, paper):
        renders.append(paper)
        started.set()
        for _ in range(200):  # until the seven others wait for it (10 s at most)
            if downloads._making.waiting(key) == 7:
                break
            threading.Event().wait(0.05)
        return real(html, paper=paper)

    monkeypatch.setattr(views, "render_pdf", slow_render)
    statuses = []

    def ask() -> None:
        statuses.append(Client().get(link_url + "pdf").status_code)

    first = threading.Thread(target=ask)
    first.start()
    started.wait(10)
    others = [threading.Thread(target=ask) for _ in range(7)]
    for thread in others:
        thread.start()
    for thread in [first, *others]:
        thread.join(30)
    assert statuses == [200] * 8 and renders == ["a4"]


@pytest.mark.django_db
def test_the_api_is_told_in_json_when_every_slot_is_taken(client, link_url, every_slot_taken):
    slug = link_url.strip("/").split("/")[-1]
    refused = client.get(f"/api/recommendations/{slug}/starter.zip")
    assert refused.status_code == 503 and refused["Retry-After"] == "5"
    assert refused.json() == {
        "detail": "The guide is busy making other pages and downloads just now."
    }


@pytest.mark.django_db
def test_a_render_refused_for_want_of_a_slot_does_not_count_against_the_limit(
    client, link_url, every_slot_taken, settings
):
    settings.RATELIMIT_PDF = "1/m"
    for _ in range(3):
        assert client.get(link_url + "pdf").status_code == 503
    every_slot_taken.release()
    try:
        assert client.get(link_url + "pdf").status_code == 200  # the first one it made
    finally:
        every_slot_taken.acquire(queue=0, wait=0)


@pytest.mark.django_db
def test_a_client_past_its_limit_is_refused_before_it_waits_for_a_slot(
    client, link_url, every_slot_taken, settings
):
    """Every slot is taken: a client with its limit used up gets its 429 at once, not a place
    in the queue nor a 503."""
    settings.RATELIMIT_PDF = "1/m"
    every_slot_taken.release()
    try:
        assert client.get(link_url + "pdf").status_code == 200  # its one render
    finally:
        every_slot_taken.acquire(queue=0, wait=0)
    settings.RENDER_WAIT = 5  # a request that queued would wait this long
    waited = []
    real_acquire = downloads.Slots.acquire

    def acquire(self, queue, wait):
        waited.append(wait)
        return real_acquire(self, queue, wait)

    downloads.Slots.acquire = acquire
    try:
        refused = client.get(link_url + "pdf?paper=letter")
    finally:
        downloads.Slots.acquire = real_acquire
    assert refused.status_code == 429 and waited == []


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("asked", "kept"),
    [
        ("?utm_source=x", ""),
        ("pdf?paper=a4&x=1", "pdf?paper=a4"),
        ("pdf?paper=LETTER", "pdf?paper=letter"),
        ("pdf?paper=a4&paper=letter", "pdf?paper=letter"),
        ("starter.zip?framework=flask&framework=django", "starter.zip?framework=django"),
        ("card.png?v=2", "card.png"),
        ("decision.md?", None),  # an empty query string is the address itself
    ],
)
def test_a_made_thing_has_one_address_and_any_other_is_sent_there(client, link_url, asked, kept):
    answer = client.get(link_url + asked)
    if kept is None:
        assert answer.status_code == 200
    else:
        assert (answer.status_code, answer["Location"]) == (301, link_url + kept)
        assert client.get(answer["Location"]).status_code == 200
