"""The back button: every step back shows a whole questionnaire page, never an htmx fragment."""

import re

import pytest
from playwright.sync_api import Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from .helpers import PERMALINK, choose, expect_full_questionnaire, expect_radios_match_url

pytestmark = pytest.mark.browser

QUESTIONS = ["auth", "admin", "forms"]


def go_back_to_a_new_page(page: Page) -> None:
    """Press the back button and wait until another document is on screen.

    htmx's history cache is off (historyCacheSize 0, refreshOnHistoryMiss), so each step back
    shows a freshly loaded page (or one from the back-forward cache), never the old document
    patched in place. The marker lives on the current window: it is gone once another
    document is shown, so the checks that follow never pass on the page we just left."""
    page.evaluate("() => { window.__before_back = true; }")
    page.go_back()
    try:
        page.wait_for_function("() => window.__before_back === undefined", timeout=5_000)
    except PlaywrightTimeoutError:
        raise AssertionError(
            f"going back to {page.url} left the same document on screen instead of loading "
            "the page: is htmx restoring pages from its history cache?"
        ) from None
    page.wait_for_load_state("load")


def answer(page: Page, question: str, choice: str) -> str:
    """Choose an answer and wait for the URL htmx pushes for it; returns that URL."""
    choose(page, question, choice)
    expect(page).to_have_url(re.compile(rf"[?&]{question}={choice}(&|$)"))
    return page.url


def back_to(page: Page, url: str | re.Pattern[str]) -> None:
    """Press back: a whole questionnaire at `url`, its radios as the URL says."""
    go_back_to_a_new_page(page)
    expect(page).to_have_url(url)
    expect_full_questionnaire(page)
    expect_radios_match_url(page, QUESTIONS)


def test_the_back_button_always_shows_the_whole_questionnaire_with_the_answers_of_its_url(
    questionnaire: Page,
):
    page = questionnaire
    first = answer(page, "auth", "full")
    second = answer(page, "admin", "yes")
    assert "admin=yes" not in first

    page.get_by_role("button", name="Get my recommendation").click()
    expect(page).to_have_url(re.compile(PERMALINK))
    expect(page.locator("h1")).to_have_text("Django")

    back_to(page, second)
    expect(page.locator("#id_admin_yes")).to_be_checked()
    expect(page.locator("#live")).to_contain_text("Leaning Django")

    back_to(page, first)
    expect(page.locator("#id_auth_full")).to_be_checked()
    expect(page.locator("#id_admin_unsure")).to_be_checked()
    expect(page.locator("#live")).to_contain_text("1 of")

    back_to(page, re.compile(r"/$"))
    expect(page.locator("#live")).to_contain_text("No leaning yet")

    # And forward again: still whole pages.
    page.go_forward()
    expect(page).to_have_url(first)
    expect_full_questionnaire(page)
    expect(page.locator("#id_auth_full")).to_be_checked()


def test_going_back_between_answers_reloads_the_whole_questionnaire(questionnaire: Page):
    """Back and forward over the URLs htmx pushed, without ever leaving the questionnaire."""
    page = questionnaire
    first = answer(page, "forms", "many")
    answer(page, "auth", "full")
    expect(page.locator("#live")).to_contain_text("2 of")

    back_to(page, first)
    expect(page.locator("#id_auth_unsure")).to_be_checked()
    expect(page.locator("#live")).to_contain_text("1 of")

    back_to(page, re.compile(r"/$"))
    expect(page.locator("#id_forms_unsure")).to_be_checked()
    expect(page.locator("#live")).to_contain_text("0 of")
