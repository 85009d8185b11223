def test_the_home_page_names_the_project(client):
    response = client.get("/")
    assert response.status_code == 200
    assert b"flask-starter" in response.data


def test_the_health_check_answers_ok(client):
    response = client.get("/healthz")
    assert response.json == {"status": "ok"}


def test_an_unknown_address_is_a_404(client):
    assert client.get("/no-such-page").status_code == 404
