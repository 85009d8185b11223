import re

import pytest

from guide.admin import PermalinkAdmin
from guide.models import Permalink

EDITABLE = re.compile(r'<(?:input|textarea|select)[^>]*name="(\w+)"')


@pytest.fixture
def link(client):
    client.post("/", {"auth": "full", "admin": "yes"})
    return Permalink.objects.get()


@pytest.mark.django_db
def test_the_admin_lists_permalinks_with_their_verdict_and_ruleset(admin_client, link):
    page = admin_client.get("/admin/guide/permalink/").content.decode()
    assert link.slug in page
    assert link.ruleset_version in page
    assert "By recommendation" in page and "By ruleset version" in page


@pytest.mark.django_db
def test_the_admin_shows_every_field_of_a_permalink_and_no_control_to_edit_one(admin_client, link):
    response = admin_client.get(f"/admin/guide/permalink/{link.pk}/change/")
    assert response.status_code == 200
    page = response.content.decode()
    assert link.slug in page and link.ruleset_version in page
    fields = {f.name for f in Permalink._meta.concrete_fields}
    assert not fields & set(EDITABLE.findall(page))
    assert 'name="_save"' not in page


@pytest.mark.django_db
def test_a_posted_change_to_a_permalink_is_refused_and_nothing_changes(admin_client, link):
    response = admin_client.post(
        f"/admin/guide/permalink/{link.pk}/change/",
        {"recommendation": "flask", "confidence": "close", "_save": "Save"},
    )
    assert response.status_code == 403
    link.refresh_from_db()
    assert link.recommendation == "django"


@pytest.mark.django_db
def test_permalinks_cannot_be_added_or_deleted_in_the_admin(admin_client, link):
    assert admin_client.post(f"/admin/guide/permalink/{link.pk}/delete/").status_code == 403
    assert admin_client.get("/admin/guide/permalink/add/").status_code == 403
    assert Permalink.objects.count() == 1


def test_every_field_stays_read_only_even_if_editing_were_allowed():
    # Change permission is one line; the read-only list is the second guard behind it.
    fields = {f.name for f in Permalink._meta.concrete_fields if f.name != "id"}
    assert fields <= set(PermalinkAdmin.readonly_fields)
