import time

import pytest
from django.core.cache import cache

from guide.models import Permalink


@pytest.fixture
def limits(settings, monkeypatch):
    # One counting window for the whole test: django-ratelimit's windows are fixed periods,
    # and a test that crossed into the next minute would find its counts gone.
    from django_ratelimit import core

    window = int(time.time()) + 3600
    monkeypatch.setattr(core, "_get_window", lambda value, period: window)
    cache.clear()
    settings.RATELIMIT_PERMALINKS = "3/m"
    settings.RATELIMIT_PDF = "2/m"
    yield
    cache.clear()


@pytest.mark.django_db
def test_a_client_that_creates_too_many_permalinks_gets_a_clear_429(client, limits):
    for size in ("prototype", "small", "medium"):
        assert client.post("/", {"project_size": size}).status_code == 303
    response = client.post("/", {"project_size": "large"})
    assert response.status_code == 429
    assert response["Retry-After"] == "60"
    assert "Too many requests" in response.content.decode()
    assert Permalink.objects.count() == 3


@pytest.mark.django_db
def test_the_limit_is_per_client(client, limits):
    for size in ("prototype", "small", "medium"):
        client.post("/", {"project_size": size})
    other = client.post("/", {"project_size": "large"}, REMOTE_ADDR="10.9.9.9")
    assert other.status_code == 303


@pytest.mark.django_db
def test_an_ipv6_client_is_counted_by_its_64_not_by_each_address_of_it(client, limits, settings):
    settings.TRUSTED_PROXIES = 0
    for n, size in enumerate(("prototype", "small", "medium"), start=1):
        assert (
            client.post("/", {"project_size": size}, REMOTE_ADDR=f"2001:db8::{n}").status_code
            == 303
        )
    same_network = client.post("/", {"project_size": "large"}, REMOTE_ADDR="2001:db8::ffff:4")
    other_network = client.post("/", {"project_size": "large"}, REMOTE_ADDR="2001:db8:0:1::1")
    assert (same_network.status_code, other_network.status_code) == (429, 303)


@pytest.mark.django_db
def test_reading_is_not_limited(client, limits):
    url = client.post("/", {"auth": "full"})["Location"]
    for _ in range(10):
        assert client.get(url).status_code == 200
        assert client.get("/?auth=full", HTTP_HX_REQUEST="true").status_code == 200


@pytest.mark.django_db
def test_pdf_renders_are_limited_and_a_pdf_already_made_is_not_counted(client, limits):
    url = client.post("/", {"auth": "full"})["Location"]
    assert client.get(url + "pdf").status_code == 200
    for _ in range(5):  # the same bytes again, from the cache: nothing to make, nothing counted
        assert client.get(url + "pdf").status_code == 200
    assert client.get(url + "pdf?paper=letter").status_code == 200
    other = client.post("/", {"auth": "simple"})["Location"]
    assert client.get(other + "pdf").status_code == 429  # a third render in the minute


@pytest.mark.django_db
def test_permalink_pages_cards_and_records_made_afresh_are_limited_too(client, limits, settings):
    settings.RATELIMIT_PAGES = "3/m"
    links = [client.post("/", {"project_size": size})["Location"] for size in ("small", "large")]
    assert client.get(links[0]).status_code == 200
    assert client.get(links[0] + "card.png").status_code == 200
    assert client.get(links[1] + "decision.md").status_code == 200
    assert client.get(links[1]).status_code == 429
    assert client.get(links[1] + "card.png").status_code == 429
    for _ in range(5):  # what was made stays free to see
        assert client.get(links[0]).status_code == 200
        assert client.get(links[0] + "card.png").status_code == 200


def test_behind_a_proxy_the_client_is_the_address_the_proxy_appended(rf, settings):
    from config.clients import client_ip

    settings.TRUSTED_PROXIES = 1
    request = rf.get("/", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.7", REMOTE_ADDR="10.0.0.1")
    assert client_ip(request) == "203.0.113.7"  # not the spoofable first entry
    assert client_ip(rf.get("/", REMOTE_ADDR="10.0.0.1")) == "10.0.0.1"  # no header: the peer
    settings.TRUSTED_PROXIES = 0
    assert client_ip(request) == "10.0.0.1"


@pytest.mark.parametrize(
    ("proxies", "forwarded", "peer", "client"),
    [
        (1, "203.0.113.7:5120", "", "203.0.113.7"),  # a proxy that writes ip:port
        (1, "[2001:db8::7]:443", "", "2001:db8::7"),
        (1, "2001:db8::7", "", "2001:db8::7"),
        (1, "::ffff:203.0.113.7", "", "203.0.113.7"),  # an IPv4 client on a dual-stack socket
        (0, "", "::ffff:203.0.113.7", "203.0.113.7"),
        (2, "203.0.113.7", "", "203.0.113.7"),  # too few hops: the nearest address
        (3, "garbage, 203.0.113.7", "10.0.0.1", "203.0.113.7"),  # nearest before the garbage
        (2, "unknown", "10.0.0.1", "10.0.0.1"),
        (1, "not an address", "", "0.0.0.0"),  # none at all: one shared address, no error
        (0, "203.0.113.7", "", "0.0.0.0"),  # a Unix socket's peer has no address
        (-1, "", "10.0.0.1", "10.0.0.1"),
    ],
)
def test_an_odd_forwarded_address_never_breaks_a_request(
    rf, settings, proxies, forwarded, peer, client
):
    from config.clients import client_ip

    settings.TRUSTED_PROXIES = proxies
    request = rf.get("/", HTTP_X_FORWARDED_FOR=forwarded, REMOTE_ADDR=peer)
    assert client_ip(request) == client


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("proxies", "forwarded"),
    [(2, "203.0.113.7"), (0, "203.0.113.7"), (1, "203.0.113.7:5120"), (1, "x"), (5, "")],
)
def test_saves_and_renders_work_whatever_the_proxy_setting(client, settings, proxies, forwarded):
    settings.TRUSTED_PROXIES = proxies
    headers = {"HTTP_X_FORWARDED_FOR": forwarded, "REMOTE_ADDR": ""}
    saved = client.post("/", {"auth": "full", "admin": "yes"}, **headers)
    assert saved.status_code == 303
    assert client.get(saved["Location"] + "pdf", **headers).status_code == 200
    api = client.post(
        "/api/recommendations",
        {"answers": {"auth": "none"}},
        content_type="application/json",
        **headers,
    )
    assert api.status_code == 201


def test_a_mismatch_is_logged_once_and_said_by_the_deploy_check(rf, settings, caplog):
    from django.core.cache import caches

    from config import checks, clients

    caches["counters"].delete(clients.MISMATCH_KEY)
    clients._warned.clear()
    settings.TRUSTED_PROXIES = 2
    for _ in range(5):
        clients.client_ip(rf.get("/", HTTP_X_FORWARDED_FOR="203.0.113.7", REMOTE_ADDR=""))
    said = [r for r in caplog.records if r.name == "guide.clients"]
    assert len(said) == 1 and "TRUSTED_PROXIES=2" in said[0].getMessage()
    warnings = checks.check_forwarded_addresses(None)
    assert [w.id for w in warnings] == ["guide.W004"]
    assert "1 forwarded address" in warnings[0].msg


def test_forwarded_headers_a_client_varies_write_one_line_a_kind(rf, settings, caplog):
    """However many hops or odd values clients write, each kind of mismatch is logged once."""
    from config import clients

    clients._warned.clear()
    settings.TRUSTED_PROXIES = 3
    for n in range(50):
        hops = (
            ", ".join(["203.0.113.7"] * (1 + n % 2))
            if n % 3
            else f"x{n}, 198.51.100.1, 203.0.113.7"
        )
        clients.client_ip(rf.get("/", HTTP_X_FORWARDED_FOR=hops, REMOTE_ADDR="10.0.0.1"))
    said = [r.getMessage() for r in caplog.records if r.name == "guide.clients"]
    assert len(said) == 2, said  # too few hops; not an address


def test_a_local_proxy_unknown_to_the_guide_is_noticed(rf, settings):
    from django.core.cache import caches

    from config import checks, clients

    caches["counters"].delete(clients.MISMATCH_KEY)
    settings.TRUSTED_PROXIES = 0
    request = rf.get("/", HTTP_X_FORWARDED_FOR="203.0.113.7", REMOTE_ADDR="127.0.0.1")
    assert clients.client_ip(request) == "127.0.0.1"
    assert "through a proxy on this machine" in checks.check_forwarded_addresses(None)[0].msg


@pytest.mark.django_db
def test_a_refused_save_leads_back_to_the_answers_just_sent(client, limits):
    answers = {"auth": "full", "admin": "yes"}
    for _ in range(3):
        client.post("/", answers)
    refused = client.post("/", answers)
    assert refused.status_code == 429
    page = refused.content.decode()
    assert 'href="/?auth=full&amp;admin=yes"' in page and "Back to your answers" in page
    assert "in 60 seconds" in page


@pytest.mark.django_db
def test_a_refused_pdf_is_a_page_that_says_when_and_leads_back_to_the_result(client, limits):
    made = client.post("/", {"auth": "full"})["Location"]
    statuses = [client.get(made + "pdf" + paper).status_code for paper in ("", "?paper=letter")]
    assert statuses == [200, 200]
    url = client.post("/", {"auth": "simple"})["Location"]
    refused = client.get(url + "pdf")
    assert refused["Content-Type"].startswith("text/html")
    assert "Content-Disposition" not in refused  # shown, not saved as "pdf.html"
    page = refused.content.decode()
    assert f'href="{url}"' in page and "Back to the recommendation" in page
    assert "ready for you again in 60 seconds" in page
