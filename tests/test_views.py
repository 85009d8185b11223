def test_healthz_answers_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok"


def test_the_home_page_lists_the_questions_and_choices(client):
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "How big will the project get?" in html
    assert "Accounts with roles, groups and permissions" in html
    assert "Not sure" in html
