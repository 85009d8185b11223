"""The link preview of a permalink: the tags a chat app reads, and the image they point to."""

import io
import re

import pytest
from PIL import Image

DJANGO_ANSWERS = {"auth": "full", "admin": "yes", "forms": "many", "database": "relational"}


@pytest.fixture
def link_url(client):
    return client.post("/", DJANGO_ANSWERS)["Location"]


def meta(page: str, key: str) -> str:
    found = re.search(rf'<meta (?:property|name)="{re.escape(key)}" content="([^"]*)"', page)
    assert found, f"no {key} tag"
    return found.group(1)


@pytest.mark.django_db
def test_a_permalink_page_carries_open_graph_and_twitter_previews(client, link_url):
    page = client.get(link_url).content.decode()
    assert meta(page, "og:title") == "The guide recommends Django (clear choice)"
    assert meta(page, "og:description").startswith("Because staff need an admin back office")
    assert meta(page, "og:url") == f"http://testserver{link_url}"
    assert meta(page, "og:image") == f"http://testserver{link_url}card.png"
    assert meta(page, "twitter:card") == "summary_large_image"
    assert meta(page, "twitter:image") == meta(page, "og:image")


@pytest.mark.django_db
def test_the_preview_image_is_a_1200_by_630_png_drawn_once_and_cached(client, link_url):
    from unittest import mock

    first = client.get(link_url + "card.png")
    assert first.status_code == 200 and first["Content-Type"] == "image/png"
    image = Image.open(io.BytesIO(first.content))
    assert image.size == (1200, 630)
    # The verdict's colour runs along the top: Django's green.
    assert image.getpixel((600, 5))[:3] == (0x3A, 0xA5, 0x7A)
    with mock.patch("guide.web.card.draw_card", side_effect=AssertionError("drawn again")):
        again = client.get(link_url + "card.png")
        assert again.content == first.content
        cached = client.get(link_url + "card.png", HTTP_IF_NONE_MATCH=first["ETag"])
        assert cached.status_code == 304


@pytest.mark.django_db
def test_an_unknown_permalink_has_no_preview_image(client):
    assert client.get("/r/AAAAAAAAAAAAAAAA/card.png").status_code == 404
