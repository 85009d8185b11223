from django.test import Client


def test_the_home_page_names_the_project(client):
    response = client.get("/")
    assert response.status_code == 200
    assert b"django-starter" in response.content


def test_the_health_check_answers_ok(client):
    assert client.get("/healthz").json() == {"status": "ok"}


def test_the_health_check_answers_load_balancers_over_plain_http(settings):
    # By the server's own address, which ALLOWED_HOSTS does not list, and without TLS.
    settings.SECURE_SSL_REDIRECT = True
    response = Client(HTTP_HOST="10.0.0.5:8000").get("/healthz")
    assert response.status_code == 200


def test_an_unknown_address_is_a_404(client):
    assert client.get("/no-such-page").status_code == 404
