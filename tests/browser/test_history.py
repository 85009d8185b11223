"""The address and the back button: the questionnaire is one history entry whose short address
holds only the answered questions; Back leaves it, and a page shown again is always whole."""

import re

import pytest
from playwright.sync_api import Page, expect

from .helpers import PERMALINK, choose, expect_full_questionnaire, query

pytestmark = pytest.mark.browser


def answer(page: Page, question: str, choice: str) -> str:
    """Choose an answer and wait for the address to carry it; returns that address."""
    choose(page, question, choice)
    expect(page).to_have_url(re.compile(rf"[?&]{question}={choice}(&|$)"))
    return page.url


def test_answering_several_questions_adds_one_history_entry_and_back_leaves(questionnaire: Page):
    page = questionnaire
    start = page.url
    page.goto("/healthz")  # somewhere to go back to
    page.goto(start)
    expect_full_questionnaire(page)
    before = page.evaluate("history.length")
    for question, choice in (("auth", "full"), ("admin", "yes"), ("forms", "many")):
        answer(page, question, choice)
    assert page.evaluate("history.length") == before
    page.go_back()
    expect(page).to_have_url(re.compile(r"/healthz$"))


def test_the_address_holds_only_the_answered_questions(questionnaire: Page):
    page = questionnaire
    answer(page, "auth", "full")
    choose(page, "forms", "unsure")  # "Not sure" is an answer too: the address keeps it
    answer(page, "admin", "yes")
    assert query(page.url) == {"auth": "full", "forms": "unsure", "admin": "yes"}, page.url
    assert len(page.url.split("?", 1)[1]) < 50


def test_a_copied_address_reopens_the_questionnaire_as_it_was(questionnaire: Page):
    page = questionnaire
    answer(page, "auth", "full")
    url = answer(page, "admin", "yes")
    page.goto(url)
    expect_full_questionnaire(page)
    expect(page.locator("#id_auth_full")).to_be_checked()
    expect(page.locator("#id_admin_yes")).to_be_checked()
    expect(page.locator("#live .leaning")).to_contain_text("Django")


def test_back_from_a_result_shows_the_whole_questionnaire_with_its_answers(questionnaire: Page):
    page = questionnaire
    answer(page, "auth", "full")
    answer(page, "admin", "yes")
    page.get_by_role("button", name="Get my recommendation").click()
    expect(page).to_have_url(re.compile(PERMALINK))
    page.go_back()
    expect_full_questionnaire(page)
    expect(page.locator("#id_admin_yes")).to_be_checked()
    expect(page.locator("#live .leaning")).to_contain_text("Django")
