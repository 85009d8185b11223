"""A result's starter project, as a person meets it: offered on the result page with its
files and code, downloaded as a zip (page, API, terminal), and named in the PDF."""

import io
import re
import zipfile
from html import unescape
from unittest import mock

import pytest
from django.core.cache import cache
from django.core.management import CommandError, call_command

from guide.models import Permalink
from guide.services.rulebook import get_rulebook
from guide.starters import kits
from guide.starters.generator import (
    Link,
    decision_record,
    render_files,
    spec_from_result,
    zip_bytes,
)

ANSWERS = {"auth": "full", "admin": "yes", "database": "relational", "api": "full"}


@pytest.fixture
def link_url(client):
    return client.post("/", ANSWERS)["Location"]


@pytest.fixture
def link(link_url):
    return Permalink.objects.get()


def page_of(client, url: str) -> str:
    return unescape(client.get(url).content.decode())


@pytest.mark.django_db
def test_the_result_offers_the_recommended_frameworks_starter_and_the_other(client, link_url):
    page = page_of(client, link_url)
    start = page[page.index('id="start"') :]
    assert f'href="{link_url}starter.zip">Download the Django starter' in start
    assert f'href="{link_url}starter.zip?framework=flask">or the Flask one' in start
    assert (
        "A runnable Django project with log-in and permissions, relational database and "
        "migrations, admin back office and REST API, and a test for each" in start
    )


@pytest.mark.django_db
def test_the_result_shows_the_starters_files_and_each_features_code_before_the_download(
    client, link_url, link
):
    page = page_of(client, link_url)
    files = render_files(spec_from_result(link.result))
    assert "django-starter/" in page and "├── core/" in page and "manage.py" in page
    for label, path in [("Admin back office", "core/admin.py"), ("REST API", "core/api.py")]:
        assert f"<summary>{label}: <code>{path}</code></summary>" in page
        first_line = files[path].decode().strip().splitlines()[0]
        assert first_line in page


@pytest.mark.django_db
def test_the_download_is_the_starter_for_these_answers_the_same_bytes_each_time(
    client, link_url, link
):
    first, second = client.get(link_url + "starter.zip"), client.get(link_url + "starter.zip")
    assert first.status_code == 200 and first["Content-Type"] == "application/zip"
    assert first["Content-Disposition"] == 'attachment; filename="django-starter.zip"'
    assert first.content == second.content == zip_bytes(kits.starter_spec(link))
    names = zipfile.ZipFile(io.BytesIO(first.content)).namelist()
    assert "django-starter/core/admin.py" in names and "django-starter/README.md" in names


@pytest.mark.django_db
def test_the_download_records_the_decision_with_the_results_address(client, link_url):
    archive = zipfile.ZipFile(io.BytesIO(client.get(link_url + "starter.zip").content))
    record = archive.read("django-starter/docs/decisions/0001-use-django.md").decode()
    assert record.startswith("---\nstatus: accepted\n---\n\n# Use Django\n")
    assert f"<http://testserver{link_url}>" in record
    other = client.get(link_url + "starter.zip?framework=flask").content
    flask = zipfile.ZipFile(io.BytesIO(other)).read(
        "flask-starter/docs/decisions/0001-use-flask.md"
    )
    assert b"# Use Flask" in flask and b"although the guide recommended Django" in flask


@pytest.mark.django_db
def test_the_result_page_offers_the_decision_record_alone_as_markdown(client, link_url, link):
    page = page_of(client, link_url)
    address = re.search(r'href="([^"]+)">the decision record alone', page)
    assert address and "docs/decisions/0001-use-django.md" in page
    response = client.get(address.group(1))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/markdown; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="decision.md"'
    record = response.content.decode()
    assert record == decision_record(kits.starter_spec(link))  # what the project holds
    assert record.startswith("---\nstatus: accepted\n---\n\n# Use Django\n")
    assert f"<http://testserver{link_url}>" in record
    again = client.get(address.group(1), HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304


@pytest.mark.django_db
def test_the_decision_record_lists_only_what_was_answered_or_assumed(client):
    url = client.post("/", {"start": "saas", "deadline": "tight"})["Location"]
    record = client.get(url + "decision.md").content.decode()
    assert "How tight is the deadline?" in record
    assert "(assumed)" in record  # the starting point's assumptions say so
    assert "Will editors publish content" not in record  # never asked


@pytest.mark.django_db
def test_an_unknown_permalink_has_no_decision_record(client):
    response = client.get("/r/" + "A" * 16 + "/decision.md")
    assert response.status_code == 404


@pytest.mark.django_db
def test_the_other_framework_is_one_parameter_away(client, link_url):
    response = client.get(link_url + "starter.zip?framework=flask")
    assert response["Content-Disposition"] == 'attachment; filename="flask-starter.zip"'
    names = zipfile.ZipFile(io.BytesIO(response.content)).namelist()
    assert "flask-starter/starter/admin.py" in names


@pytest.mark.django_db
@pytest.mark.parametrize("framework", ["rails", "../django", "Django", "flask%00"])
def test_a_framework_the_guide_does_not_know_is_refused(client, link_url, framework):
    response = client.get(link_url + "starter.zip", {"framework": framework})
    assert response.status_code == 400
    assert "must be “flask” or “django”" in response.content.decode()


@pytest.mark.django_db
def test_an_unknown_permalink_has_no_starter(client):
    assert client.get("/r/" + "A" * 16 + "/starter.zip").status_code == 404


@pytest.mark.django_db
def test_a_client_that_has_the_bytes_gets_304_and_the_zip_is_made_once(client, link_url):
    first = client.get(link_url + "starter.zip")
    with mock.patch("guide.starters.kits.zip_bytes", side_effect=AssertionError("made again")):
        again = client.get(link_url + "starter.zip", HTTP_IF_NONE_MATCH=first["ETag"])
        fresh = client.get(link_url + "starter.zip")
    assert again.status_code == 304 and fresh.content == first.content
    assert client.head(link_url + "starter.zip").status_code == 200


@pytest.mark.django_db
def test_downloads_are_rate_limited_like_the_pdf_and_the_refusal_leads_back(
    client, link_url, settings
):
    settings.RATELIMIT_STARTER = "2/m"
    asked = ["", "", "?framework=flask", "", "?framework=django"]
    statuses = [client.get(link_url + "starter.zip" + query).status_code for query in asked]
    assert statuses == [200, 200, 200, 200, 429]  # two made, then a third refused
    refused = client.get(link_url + "starter.zip?framework=django").content.decode()
    assert "The download will be ready for you again" in refused
    assert f'href="{link_url}"' in refused and "Back to the recommendation" in refused


@pytest.mark.django_db
def test_the_api_hands_out_the_same_zip_and_lists_it(client, link_url, link):
    api = client.get(f"/api/recommendations/{link.slug}/starter.zip")
    assert api.status_code == 200 and api.content == client.get(link_url + "starter.zip").content
    flask = client.get(f"/api/recommendations/{link.slug}/starter.zip", {"framework": "flask"})
    assert flask["Content-Disposition"] == 'attachment; filename="flask-starter.zip"'
    assert client.get("/api/recommendations/" + "A" * 16 + "/starter.zip").status_code == 404
    refused = client.get(f"/api/recommendations/{link.slug}/starter.zip", {"framework": "x"})
    assert refused.status_code == 400
    assert refused.json()["detail"] == "A query parameter is not valid."
    assert refused.json()["errors"][0]["field"] == "query.framework"
    spec = client.get("/api/openapi.json").json()
    operation = spec["paths"]["/api/recommendations/{slug}/starter.zip"]["get"]
    assert "application/zip" in operation["responses"]["200"]["content"]
    assert "flask" in str(operation["parameters"])


@pytest.mark.django_db
def test_the_pdf_names_the_starters_address(client, link_url):
    from pypdf import PdfReader

    pdf = client.get(link_url + "pdf").content
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    text = re.sub(r"\s+", " ", text)
    assert f"http://testserver{link_url}starter.zip" in text
    assert "Starter project: A runnable Django project" in text


@pytest.mark.django_db
def test_the_pdf_names_the_starter_without_making_its_project(client, link_url, monkeypatch):
    """The summary prints none of the project's files, so it never renders the project (a
    Copier render, the first time a process meets these features)."""

    def not_for_the_pdf(*args, **kwargs):
        raise AssertionError("the PDF's offer rendered the starter project")

    monkeypatch.setattr(kits, "render_files", not_for_the_pdf)
    monkeypatch.setattr(kits, "tree", not_for_the_pdf)
    response = client.get(link_url + "pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"


def test_the_terminal_writes_the_starter_for_answers_to_a_folder(tmp_path, capsys):
    call_command("starter", "ml_model=yes", "api=simple", "--output", str(tmp_path / "p"))
    out = capsys.readouterr().out
    assert "A runnable Flask project with relational database and migrations, REST API and " in out
    assert "model-serving endpoint, and a test for each" in out
    assert (tmp_path / "p" / "starter" / "predict.py").is_file()
    assert (tmp_path / "p" / "README.md").read_text().startswith("# flask-starter")


def test_the_terminal_takes_the_other_framework_and_never_overwrites(tmp_path):
    target = tmp_path / "p"
    call_command("starter", "ml_model=yes", "--framework", "django", "--output", str(target))
    assert (target / "manage.py").is_file()
    with pytest.raises(CommandError, match="choose a new folder"):
        call_command("starter", "ml_model=yes", "--output", str(target))
    with pytest.raises(CommandError, match="not a choice of .ml_model."):
        call_command("starter", "ml_model=perhaps", "--output", str(tmp_path / "q"))


def test_the_terminal_says_why_it_cannot_write_a_starter_and_writes_nothing(tmp_path):
    (tmp_path / "notes.txt").write_text("a file, not a folder")
    with pytest.raises(CommandError, match="could not write .*: Not a directory; nothing was"):
        call_command("starter", "ml_model=yes", "--output", str(tmp_path / "notes.txt" / "p"))
    assert [path.name for path in tmp_path.iterdir()] == ["notes.txt"]


def test_every_link_the_guide_gives_for_a_feature_can_go_into_a_starters_readme():
    """A next step's links come from questions.yaml: each must pass the starter's checks (a
    plain title, an https address), or the result page would have no starter to offer."""
    for feature in get_rulebook().features.values():
        for links in feature.links.values():
            for link in links:
                Link(link.title, link.url)  # raises ValueError otherwise


@pytest.mark.django_db
def test_a_stored_result_that_makes_no_starter_still_shows_its_page(client, link_url, link):
    # A need the starter only points to (several languages), with a link it cannot take.
    link.snapshot["links"]["features"].append(
        {
            "feature": "i18n",
            "label": "Several languages",
            "links": {"django": [{"title": "not https", "url": "http://example.org/"}]},
        }
    )
    link.save()
    cache.clear()
    page = client.get(link_url)
    assert page.status_code == 200 and "Download the" not in page.content.decode()


@pytest.mark.parametrize(
    ("framework", "token", "throttle"),
    [
        ("django", "rest_framework.authentication.TokenAuthentication", "DEFAULT_THROTTLE_RATES"),
        ("flask", "Authorization: Bearer TOKEN", "Limiter("),
    ],
)
def test_an_api_whose_programs_sign_in_with_tokens_gets_token_sign_in_and_a_throttle(
    framework, token, throttle
):
    from guide.engine import score

    said = {"frontend": "spa", "auth": "tokens", "rate_limiting": "yes"}
    result = score(get_rulebook(), said, start="spa_api")
    spec = spec_from_result(result, framework)
    assert {"auth", "rest", "rate_limit"} <= spec.features
    code = "\n".join(body.decode(errors="replace") for body in render_files(spec).values())
    assert token in code and throttle in code


def test_a_model_that_is_one_part_of_the_app_gets_a_model_serving_endpoint():
    from guide.engine import score

    result = score(get_rulebook(), {"ml_model": "part", "auth": "full", "admin": "yes"})
    assert "predict" in spec_from_result(result).features
    without = score(get_rulebook(), {"auth": "full", "admin": "yes"})
    assert [x["points"] for x in result["scores"]] == [x["points"] for x in without["scores"]]
