import pytest

from guide.models import Permalink


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
def test_the_admin_shows_a_permalink_read_only(admin_client, link):
    response = admin_client.get(f"/admin/guide/permalink/{link.pk}/change/")
    assert response.status_code == 200
    page = response.content.decode()
    assert 'name="recommendation"' not in page  # no editable field
    assert "Save" not in page or 'name="_save"' not in page
    assert admin_client.post(f"/admin/guide/permalink/{link.pk}/delete/").status_code == 403
    assert admin_client.get("/admin/guide/permalink/add/").status_code == 403
