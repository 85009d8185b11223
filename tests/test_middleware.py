"""What every request goes through: HEAD, over-large bodies, security headers, database
errors (guide/middleware.py)."""

from unittest import mock

import pytest
from django.db import DataError, ProgrammingError, connection

from config.middleware import MAX_BODY_BYTES
from guide.models import Permalink


@pytest.fixture
def link_url(client):
    return client.post("/", {"auth": "full", "admin": "yes"})["Location"]


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/healthz", "/", "/?auth=full", "/rules/", "/api/guide"])
def test_head_is_answered_wherever_get_is_with_no_body(client, path):
    get, head = client.get(path), client.head(path)
    assert head.status_code == get.status_code == 200
    assert head.content == b""
    assert int(head["Content-Length"]) == len(get.content)
    assert head["Content-Type"] == get["Content-Type"]


@pytest.mark.django_db
def test_head_works_on_a_permalink_and_its_pdf(client, link_url):
    assert client.head(link_url).status_code == 200
    pdf = client.head(link_url + "pdf")
    assert (
        pdf.status_code == 200 and pdf.content == b"" and pdf["Content-Type"] == "application/pdf"
    )


@pytest.mark.django_db
def test_a_body_larger_than_any_form_is_refused_before_it_is_read(client):
    body = b"auth=full&pad=" + b"x" * MAX_BODY_BYTES
    with mock.patch("django.core.handlers.wsgi.LimitedStream.read") as read:
        response = client.generic(
            "POST", "/", body, content_type="application/x-www-form-urlencoded"
        )
    assert response.status_code == 413
    assert "larger than any form" in response.content.decode()
    read.assert_not_called()
    assert Permalink.objects.count() == 0


def test_the_api_refuses_an_over_large_body_in_json(client):
    response = client.generic(
        "POST",
        "/api/recommend",
        b"{" + b" " * MAX_BODY_BYTES + b"}",
        content_type="application/json",
    )
    assert response.status_code == 413 and "detail" in response.json()


@pytest.mark.django_db
def test_a_file_sent_with_a_form_is_never_stored(client, tmp_path, settings):
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path)
    upload = tmp_path.parent / "upload.bin"
    upload.write_bytes(b"\0" * 30_000)
    with (
        mock.patch("django.core.files.uploadedfile.TemporaryUploadedFile.__init__") as on_disk,
        mock.patch("django.core.files.uploadedfile.InMemoryUploadedFile.__init__") as in_memory,
        upload.open("rb") as handle,
    ):
        response = client.post("/", {"auth": "full", "file": handle})
    assert response.status_code == 303  # the form's answers are read; the file is dropped
    on_disk.assert_not_called()
    in_memory.assert_not_called()
    assert list(tmp_path.iterdir()) == []


@pytest.mark.django_db
def test_pages_say_what_other_sites_and_device_apis_may_do(client, link_url):
    page = client.get("/")
    assert page["Cross-Origin-Resource-Policy"] == "same-origin"
    assert (
        "camera=()" in page["Permissions-Policy"] and "geolocation=()" in page["Permissions-Policy"]
    )
    # The preview image is meant to be shown elsewhere.
    assert client.get(link_url + "card.png")["Cross-Origin-Resource-Policy"] == "cross-origin"


@pytest.mark.django_db
def test_data_the_database_refuses_is_a_400_not_an_outage(client):
    with mock.patch(
        "guide.models.PermalinkQuerySet.for_answers",
        side_effect=DataError("PostgreSQL text fields cannot contain NUL (0x00) bytes"),
    ):
        response = client.post("/", {"auth": "full"})
    assert response.status_code == 400
    assert "could not reach" not in response.content.decode()


@pytest.mark.django_db
def test_a_nul_byte_in_an_admin_filter_is_not_an_outage(admin_client):
    response = admin_client.get(
        "/admin/guide/permalink/", {"q": "a\x00b", "recommendation": "\x00"}
    )
    # SQLite finds nothing; PostgreSQL refuses a NUL byte in text, and that is the request's fault.
    assert response.status_code == (400 if connection.vendor == "postgresql" else 200)


@pytest.mark.django_db
def test_a_bug_in_a_query_is_not_passed_off_as_an_outage(client):
    with (
        mock.patch("guide.models.PermalinkQuerySet.for_answers", side_effect=ProgrammingError("x")),
        pytest.raises(ProgrammingError),
    ):
        client.post("/", {"auth": "full"})


@pytest.mark.django_db
@pytest.mark.parametrize(
    "method, path, body",
    [
        ("post", "/", {"auth": "full"}),
        ("post", "/api/recommendations", {"answers": {"auth": "full"}}),
    ],
)
def test_an_unknown_error_logs_its_traceback_once_and_shows_none(
    client, caplog, method, path, body
):
    client.raise_request_exception = False
    with mock.patch(
        "guide.models.PermalinkQuerySet.for_answers", side_effect=RuntimeError("a bug")
    ):
        if path.startswith("/api/"):
            response = client.post(path, body, content_type="application/json")
        else:
            response = client.post(path, body)
    assert response.status_code == 500
    assert "Traceback" not in response.content.decode() and "a bug" not in response.content.decode()
    logged = [r for r in caplog.records if r.exc_info and r.exc_info[0] is RuntimeError]
    assert len(logged) == 1, [r.getMessage() for r in caplog.records]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("method", "path", "extra", "status"),
    [
        ("get", "/api/recommend", {}, 405),
        ("delete", "/api/guide", {}, 405),
        ("post", "/api/guide", {"data": "{}", "content_type": "application/json"}, 405),
        ("get", "/api/guide", {"HTTP_HOST": "evil.example"}, 400),
        ("get", "/api/nowhere", {}, 404),
        ("put", "/api/guide", {}, 405),
    ],
)
def test_every_refusal_under_the_api_is_json(client, method, path, extra, status):
    answer = getattr(client, method)(path, **extra)
    assert answer.status_code == status
    assert answer["Content-Type"].startswith("application/json")
    assert answer.json()["detail"]
    # The length said is the JSON's, not that of the answer it replaced (a client reading
    # that many bytes would wait for more, or stop partway).
    assert answer.get("Content-Length", str(len(answer.content))) == str(len(answer.content))
    if status == 405:
        assert answer["Allow"]


@pytest.mark.django_db
def test_a_csrf_refusal_under_the_api_is_json(settings):
    from django.test import Client

    settings.ROOT_URLCONF = "tests.urls_csrf"
    answer = Client(enforce_csrf_checks=True).post("/api/form", {"a": "b"})
    assert answer.status_code in {403, 415}
    assert answer["Content-Type"].startswith("application/json")


@pytest.mark.django_db
@pytest.mark.parametrize(
    "content_type", ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data"]
)
def test_api_writes_take_json_only_and_store_nothing_else(client, content_type):
    body = '{"answers": {"auth": "full", "admin": "yes"}}'
    if content_type == "multipart/form-data":
        answer = client.post("/api/recommendations", {"answers": body})
    else:
        answer = client.post("/api/recommendations", body, content_type=content_type)
    assert answer.status_code == 415 and "application/json" in answer.json()["detail"]
    assert not Permalink.objects.exists()
    taken = client.post("/api/recommendations", body, content_type="application/json")
    assert taken.status_code == 201


def test_an_error_of_the_site_under_the_api_is_json_too(client):
    with mock.patch("guide.api.routes.outline", side_effect=RuntimeError("boom")):
        client.raise_request_exception = False
        answer = client.get("/api/guide")
    assert answer.status_code == 500 and answer.json()["detail"].startswith("Something went")


#: Cookies a client may send: the language the switcher chose, and anything else.
JUNK = {"django_language": "es", "junk": "1"}


@pytest.mark.django_db
def test_what_nginx_keeps_is_the_same_whatever_language_or_cookie_a_client_sends(client, link_url):
    """A permalink's page and downloads, the API's starter and a rules page: the language is
    the address's, so the answer is the same for any ``Accept-Language`` or cookie and says
    it varies on neither (a shared cache keeps one copy, not one a header value)."""
    slug = link_url.strip("/").split("/")[-1]
    addresses = [
        *(link_url + thing for thing in ("", "pdf", "card.png", "decision.md", "starter.zip")),
        "/es" + link_url,
        "/es" + link_url + "pdf",
        f"/api/recommendations/{slug}/starter.zip",
        "/rules/q/auth/",
        "/pt-br/rules/q/auth/",
    ]
    for address in addresses:
        plain = client.get(address)
        assert plain.status_code == 200, address
        assert plain["Cache-Control"].startswith("public"), address
        for language, cookies in [("es", {}), ("zh-CN,en;q=0.5", {}), ("x-made-up-1", JUNK)]:
            client.cookies.clear()
            client.cookies.load(cookies)
            other = client.get(address, HTTP_ACCEPT_LANGUAGE=language)
            assert other.content == plain.content, (address, language)
            assert "Vary" not in other, (address, other["Vary"])
        client.cookies.clear()


@pytest.mark.django_db
def test_an_api_address_spelled_another_way_is_sent_on_in_json(client, link_url):
    slug = link_url.strip("/").split("/")[-1]
    moved = client.get(f"/api/recommendations/{slug}/starter.zip?utm_source=x")
    assert moved.status_code == 301
    assert moved["Content-Type"] == "application/json"
    assert moved.json()["location"] == moved["Location"]
    assert moved.get("Content-Length", str(len(moved.content))) == str(len(moved.content))
    assert moved["Location"].endswith(f"/api/recommendations/{slug}/starter.zip")


@pytest.mark.django_db
def test_an_api_refusal_of_too_many_parameters_says_its_own_length(client, link_url):
    slug = link_url.strip("/").split("/")[-1]
    many = "&".join(f"a{n}=1" for n in range(1100))
    answer = client.get(f"/api/recommendations/{slug}/starter.zip?framework=flask&{many}")
    assert (answer.status_code, answer["Content-Type"]) == (400, "application/json")
    assert answer.json()["detail"]
    assert answer.get("Content-Length", str(len(answer.content))) == str(len(answer.content))


@pytest.mark.django_db
def test_an_api_refusal_in_json_keeps_the_security_headers(client):
    refused = client.delete("/api/guide")
    assert refused.status_code == 405 and refused["Content-Type"] == "application/json"
    assert refused["X-Content-Type-Options"] == "nosniff"
    assert "Allow" in refused
    # (The test client drops a HEAD's body itself: tests/test_stack.py checks gunicorn gets none.)
    assert client.head("/api/nowhere")["Content-Type"].startswith("application/json")


@pytest.mark.django_db
@pytest.mark.parametrize("method", ["PUT", "DELETE", "PATCH", "PROPFIND"])
@pytest.mark.parametrize(("path", "says"), [("/", "not allowed"), ("/es/rules/", "no está")])
def test_a_method_no_page_takes_is_a_405_not_an_expired_form(client, method, path, says):
    answer = client.generic(method, path)
    assert answer.status_code == 405
    assert answer["Allow"] == "GET, HEAD, POST"
    page = answer.content.decode()
    assert says in page and "security token" not in page
