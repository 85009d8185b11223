"""With JavaScript off the guide still works: plain forms, every question shown."""

import re

import pytest
from playwright.sync_api import expect

from .helpers import PERMALINK, choose, query

pytestmark = pytest.mark.browser


def test_the_whole_flow_works_with_javascript_disabled(new_context, live_server):
    context = new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto("/all/")

    # No guide.js: no "js" class, so follow-up questions stay visible with their condition.
    expect(page.locator("html")).not_to_have_class(re.compile(r"\bjs\b"))
    expect(page.locator("#q-nosql_store")).to_be_visible()
    expect(page.locator("#q-nosql_store .condition")).to_contain_text("Only counts when")
    expect(page.locator("#q-rate_limiting")).to_be_visible()
    expect(page.locator("#live .leaning")).to_have_text("Too early to say")

    choose(page, "auth", "full")
    choose(page, "admin", "yes")
    choose(page, "forms", "many")
    update = page.get_by_role("button", name="Update my leaning")
    expect(update).to_be_visible()
    update.click()

    expect(page).to_have_url(re.compile(r"/all/\?.*auth=full"))
    assert query(page.url)["admin"] == "yes"
    live = page.locator("#live")
    expect(live.locator(".leaning")).to_contain_text("Django")
    expect(live).to_contain_text(re.compile(r"\b3 of \d+ questions answered"))
    expect(page.locator("#id_auth_full")).to_be_checked()
    expect(page.locator("#id_forms_many")).to_be_checked()

    page.get_by_role("button", name="Get my recommendation").click()
    expect(page).to_have_url(re.compile(PERMALINK))
    expect(page.locator("h1")).to_have_text("Django")
    expect(page.locator("#answers")).to_contain_text("Accounts with roles, groups and permissions")
    expect(page.locator("#share-url")).to_have_value(page.url)


def test_without_javascript_the_leaning_url_carries_the_answers_but_not_the_csrf_token(
    new_context, live_server
):
    """The URL "Update my leaning" leads to is one a user bookmarks or shares (the htmx
    version leaves the token out on purpose: hx-params="not csrfmiddlewaretoken")."""
    page = new_context(java_script_enabled=False).new_page()
    page.goto("/all/")
    choose(page, "auth", "full")
    choose(page, "admin", "yes")
    page.get_by_role("button", name="Update my leaning").click()

    expect(page).to_have_url(re.compile(r"/all/\?.*auth=full"))
    expect(page.locator("#live .leaning")).to_contain_text("Django")
    assert "csrfmiddlewaretoken" not in query(page.url), (
        f"the CSRF token leaks into the address bar, history and shared links: {page.url}"
    )


def test_without_javascript_no_copy_link_button_is_shown(new_context, live_server):
    """Copying needs guide.js and the clipboard API: without them the button would do nothing,
    so it must stay hidden."""
    page = new_context(java_script_enabled=False).new_page()
    page.goto("/all/")
    choose(page, "admin", "yes")
    page.get_by_role("button", name="Get my recommendation").click()
    expect(page).to_have_url(re.compile(PERMALINK))
    expect(page.locator("#share-url")).to_be_visible()
    expect(page.get_by_role("button", name="Copy link")).to_be_hidden()
