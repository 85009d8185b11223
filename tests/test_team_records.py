"""A team's recorded decision names its decision-makers everywhere it is kept (its page, its
PDF, its decision record), and idle rooms are deleted by the cleanup command while their
decisions stay."""

import io
import re
from datetime import timedelta
from html import unescape

import pytest
from django.core.management import call_command
from django.utils import timezone
from markdown_it import MarkdownIt
from pypdf import PdfReader

from guide.models import Permalink, Team

pytestmark = pytest.mark.django_db

AGREED = {
    "auth": "full",
    "admin": "yes",
    "forms": "many",
    "database": "relational",
    "project_size": "large",
    "team_knows": "django",
}


def api(client, method, path, body=None, token=None):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    call = getattr(client, method)
    return call(path, body, content_type="application/json", **headers)


def recorded_room(client, names=("Ana", "Bo")):
    room = api(client, "post", "/api/teams", {"title": "Backend for the booking app"}).json()
    for name in names:
        answers = AGREED | ({"api": "full"} if name == "Bo" else {"api": "simple"})
        api(
            client, "post", f"/api/teams/{room['slug']}/members", {"name": name, "answers": answers}
        )
    made = api(client, "post", f"/api/teams/{room['slug']}/decision", token=room["organizer_token"])
    assert made.status_code == 201, made.content
    return room, made.json()["slug"]


def text_of(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


def test_a_recorded_decisions_page_and_pdf_name_the_decision_makers_and_the_disagreement(client):
    _, slug = recorded_room(client)
    page = client.get(f"/r/{slug}/").content.decode()
    assert "Decided together: Backend for the booking app" in page
    assert "Decision-makers:</strong> Ana, Bo." in page
    assert "Will it offer an API?" in page  # the disagreement, with who said what
    pdf = text_of(client.get(f"/r/{slug}/pdf").content)
    assert "Decision-makers: Ana, Bo." in pdf
    assert "Decided together: Backend for the booking app" in pdf


def test_a_recorded_decisions_record_lists_the_members_as_decision_makers(client):
    _, slug = recorded_room(client, names=("Ana", "Bo", 'Zoë "Z" <b>'))
    record = client.get(f"/r/{slug}/decision.md").content.decode()
    front = record.split("---")[1]
    assert 'decision-makers: ["Ana", "Bo", "Zo\\u00eb \\"Z\\" \\u003cb\\u003e"]' in front
    assert "by a team together" in record


def test_a_recorded_decisions_record_shows_names_and_title_as_written_not_as_markdown(client):
    """Anyone may write a room's title and their name; in the record they stay text: no
    image, link, emphasis or HTML of theirs comes out of its Markdown."""
    names = ("<img src=x onerror=alert(1)>", "[me](javascript:alert(1))", "*Bo* `x` & Co|")
    room = api(client, "post", "/api/teams", {"title": "<b>Booking</b> _backend_"}).json()
    for name in names:
        answers = AGREED | {"api": "full" if name == names[0] else "simple"}
        body = {"name": name, "answers": answers}
        assert api(client, "post", f"/api/teams/{room['slug']}/members", body).status_code == 201
    made = api(client, "post", f"/api/teams/{room['slug']}/decision", token=room["organizer_token"])
    record = client.get(f"/r/{made.json()['slug']}/decision.md").content.decode()
    body = record.split("---", 2)[2]
    html = MarkdownIt("commonmark", {"html": True}).render(body)
    links = re.findall(r'href="([^"]*)"', html)
    assert "<img" not in html and "<b>" not in html
    assert not any(link.startswith("javascript:") for link in links)
    context = unescape(re.sub(r"<[^>]+>", "", html.split("</h2>")[1].split("<table>")[0]))
    assert "<b>Booking</b> _backend_" in context
    assert ", ".join(names) in context


def test_a_single_persons_record_names_no_decision_makers(client):
    made = api(client, "post", "/api/recommendations", {"answers": AGREED}).json()
    record = client.get(f"/r/{made['slug']}/decision.md").content.decode()
    assert "decision-makers" not in record


def test_rooms_idle_for_90_days_are_deleted_and_their_decisions_stay(client):
    old, slug = recorded_room(client)
    recent = api(client, "post", "/api/teams", {"title": "Still talking"}).json()
    Team.objects.filter(slug=old["slug"]).update(active=timezone.now() - timedelta(days=91))
    Team.objects.filter(slug=recent["slug"]).update(active=timezone.now() - timedelta(days=89))
    out = io.StringIO()
    call_command("delete_idle_rooms", stdout=out)
    assert "Deleted 1 room idle for 90 days." in out.getvalue()
    assert client.get(f"/api/teams/{old['slug']}").status_code == 404
    assert client.get(f"/api/teams/{recent['slug']}").status_code == 200
    assert Permalink.objects.filter(slug=slug).exists()
    assert client.get(f"/r/{slug}/").status_code == 200
