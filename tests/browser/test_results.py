"""The results page: a permalink that survives a reload, and the "Copy link" button."""

import re

import pytest
from playwright.sync_api import Page, expect

from .helpers import PERMALINK, choose

pytestmark = pytest.mark.browser


def submit(page: Page) -> None:
    page.get_by_role("button", name="Get my recommendation").click()
    expect(page).to_have_url(re.compile(PERMALINK))


def test_submitting_gives_a_permalink_that_shows_the_same_result_after_a_reload(
    questionnaire: Page,
):
    page = questionnaire
    choose(page, "project_size", "prototype")
    choose(page, "ml_model", "yes")
    choose(page, "database", "none")
    submit(page)

    permalink = page.url
    assert re.search(r"/r/[A-Za-z0-9_-]{16}/$", permalink), permalink
    heading = page.locator("h1")
    expect(heading).to_have_text(re.compile(r"^(Flask|Django)$"))
    expect(heading).to_have_text("Flask")
    recommendation = heading.inner_text()
    share_url = page.locator("#share-url")
    expect(share_url).to_have_value(permalink)
    expect(share_url).to_have_attribute("readonly", "")
    for section in ("#why", "#scores", "#flips", "#unsure", "#start", "#answers"):
        expect(page.locator(section)).to_be_visible()  # each opens on demand
    expect(page.locator("#scores table.diverging")).to_be_hidden()
    page.locator("#scores summary").click()
    expect(page.locator("#scores table.diverging")).to_be_visible()
    expect(page.locator("#answers")).to_contain_text("Yes, the app mainly wraps a model")

    page.reload()

    expect(page).to_have_url(permalink)
    expect(heading).to_have_text(recommendation)
    expect(share_url).to_have_value(permalink)
    expect(page.locator("#answers")).to_contain_text("Yes, the app mainly wraps a model")


def test_edit_my_answers_reopens_the_questionnaire_with_the_answers_checked(questionnaire: Page):
    page = questionnaire
    choose(page, "auth", "simple")
    choose(page, "api", "simple")
    choose(page, "rate_limiting", "yes")
    submit(page)

    page.get_by_role("link", name="Edit my answers").first.click()  # near the top
    expect(page).to_have_url(re.compile(r"/review/\?(.+&)?auth=simple(&|$)"))
    expect(page.locator("h1")).to_have_text("Your answers")  # every answer, each changeable
    expect(page.locator("#review-auth")).to_have_value("simple")
    page.go_back()
    page.locator("#answers-title").click()  # the result's own list of answers, opened
    page.get_by_role("link", name="See all questions at once").click()
    expect(page).to_have_url(re.compile(r"/all/\?(.+&)?auth=simple(&|$)"))
    expect(page.locator("form#questionnaire")).to_be_visible()
    expect(page.locator("#id_auth_simple")).to_be_checked()
    expect(page.locator("#id_api_simple")).to_be_checked()
    expect(page.locator("#q-rate_limiting")).to_be_visible()
    expect(page.locator("#id_rate_limiting_yes")).to_be_checked()
    expect(page.locator("#q-project_size input:checked")).to_have_count(0)  # left open


def test_copy_link_is_offered_and_copies_the_permalink(new_context, live_server):
    context = new_context(permissions=["clipboard-read", "clipboard-write"])
    page = context.new_page()
    page.goto("/all/")
    choose(page, "admin", "yes")
    submit(page)

    copy = page.get_by_role("button", name="Copy link")
    expect(copy).to_have_js_property("hidden", False)
    expect(copy).to_be_visible()
    copy.click()
    expect(page.locator("#copy-status")).to_have_text("Link copied.")
    assert page.evaluate("navigator.clipboard.readText()") == page.url


def test_the_pdf_link_downloads_a_pdf_summary(questionnaire: Page):
    page = questionnaire
    choose(page, "auth", "full")
    choose(page, "admin", "yes")
    submit(page)
    slug = page.url.rstrip("/").rsplit("/", 1)[1]
    with page.expect_download() as download_info:
        page.get_by_role("link", name="PDF summary").click()
    download = download_info.value
    assert download.suggested_filename == f"flask-or-django-{slug}.pdf"
    with open(download.path(), "rb") as file:
        assert file.read(5) == b"%PDF-"
    response = page.request.get(page.url + "pdf")
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
