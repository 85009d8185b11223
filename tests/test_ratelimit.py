import pytest
from django.core.cache import cache

from guide.models import Permalink


@pytest.fixture
def limits(settings):
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
