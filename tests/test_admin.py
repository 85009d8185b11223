import re
from importlib import reload
from unittest import mock

import pytest
from django.urls import clear_url_caches, reverse

from config import urls
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


def log_in(client, password: str, address: str = "198.51.100.7", user: str = "admin"):
    return client.post(
        "/admin/login/?next=/admin/",
        {"username": user, "password": password},
        REMOTE_ADDR=address,
    )


@pytest.fixture
def admin_user(django_user_model):
    return django_user_model.objects.create_superuser("admin", "admin@example.org", "right-pw-1")


@pytest.mark.django_db
def test_after_five_wrong_passwords_even_the_right_one_is_refused_for_a_while(
    client, admin_user, caplog
):
    for _ in range(4):
        assert log_in(client, "wrong").status_code == 200  # the form again, with its error
    locked = log_in(client, "wrong")
    assert locked.status_code == 429
    assert "Too many wrong passwords" in locked.content.decode()
    assert "15 minutes" in locked.content.decode()
    assert log_in(client, "right-pw-1").status_code == 429
    assert any("locking out" in r.getMessage().lower() for r in caplog.records)  # logged


@pytest.mark.django_db
def test_a_locked_out_user_name_stays_locked_from_another_address(client, admin_user):
    for n in range(5):
        log_in(client, "wrong", address=f"198.51.100.{n}")
    assert log_in(client, "right-pw-1", address="192.0.2.200").status_code == 429


@pytest.mark.django_db
def test_a_locked_out_address_cannot_try_other_user_names(client, admin_user):
    for n in range(5):
        log_in(client, "wrong", user=f"guess{n}")
    assert log_in(client, "right-pw-1").status_code == 429


@pytest.mark.django_db
def test_a_few_mistakes_then_the_right_password_signs_in(client, admin_user):
    for _ in range(3):
        log_in(client, "wrong")
    assert log_in(client, "right-pw-1").status_code == 302


@pytest.mark.django_db
def test_a_locked_out_try_costs_no_password_hash(client, admin_user):
    for _ in range(5):
        log_in(client, "wrong")
    with mock.patch("django.contrib.auth.hashers.PBKDF2PasswordHasher.verify") as verify:
        log_in(client, "right-pw-1")
    verify.assert_not_called()


def test_the_admin_can_live_at_a_path_of_your_own(settings):
    settings.ADMIN_PATH = "back-office-7f3a/"
    try:
        reload(urls)
        clear_url_caches()
        assert reverse("admin:index") == "/back-office-7f3a/"
    finally:
        settings.ADMIN_PATH = "admin/"
        reload(urls)
        clear_url_caches()
    assert reverse("admin:index") == "/admin/"
