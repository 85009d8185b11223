"""The questionnaire in a real browser: keyboard use, the live panel, follow-up questions."""

import re

import pytest
from playwright.sync_api import Page, expect

from .helpers import PERMALINK, choose, query

pytestmark = pytest.mark.browser


def focused(page: Page) -> dict:
    """What has the keyboard focus: its id, name, tag and whether it is checked."""
    return page.evaluate(
        "() => { const e = document.activeElement;"
        " return {id: e.id, name: e.name || '', tag: e.tagName, checked: !!e.checked,"
        " text: (e.textContent || '').trim()}; }"
    )


def tab_until(page: Page, wanted, what: str, limit: int = 40) -> dict:
    """Press Tab until the focused element satisfies `wanted`; fail after `limit` presses."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        now = focused(page)
        if wanted(now):
            return now
    raise AssertionError(f"{limit} presses of Tab never reached {what}; focus is on {now}")


def tab_into_group(page: Page, question: str) -> dict:
    """Tab into a radio group: the focus lands on its checked radio, or on its first one when
    nothing is chosen yet (nothing is pre-selected)."""
    return tab_until(
        page,
        lambda f: f["tag"] == "INPUT" and f["name"] == question,
        f"the {question!r} radio group",
    )


def arrow_to(page: Page, key: str, question: str, choice: str) -> None:
    """Press an arrow key in a radio group and check it selected the expected choice."""
    page.keyboard.press(key)
    expect(page.locator(f"#id_{question}_{choice}")).to_be_focused()
    expect(page.locator(f"#id_{question}_{choice}")).to_be_checked()


def test_a_keyboard_user_can_answer_and_submit_without_a_mouse(questionnaire: Page):
    page = questionnaire
    # Nothing is chosen at first: Tab lands on the first choice, unchecked; Space picks it and
    # the arrow keys move along the group, wrapping from the first to "Not sure", the last.
    landed = tab_into_group(page, "project_size")
    assert landed["id"] == "id_project_size_prototype" and not landed["checked"], landed
    page.keyboard.press("ArrowUp")
    expect(page.locator("#id_project_size_unsure")).to_be_checked()
    arrow_to(page, "ArrowUp", "project_size", "large")

    tab_into_group(page, "auth")
    page.keyboard.press("ArrowUp")
    expect(page.locator("#id_auth_unsure")).to_be_checked()
    arrow_to(page, "ArrowUp", "auth", "tokens")
    arrow_to(page, "ArrowUp", "auth", "full")

    tab_into_group(page, "forms")
    arrow_to(page, "ArrowLeft", "forms", "unsure")
    arrow_to(page, "ArrowLeft", "forms", "many")

    tab_into_group(page, "admin")
    arrow_to(page, "ArrowUp", "admin", "unsure")
    arrow_to(page, "ArrowUp", "admin", "yes")
    # Arrow keys wrap around the group: down from the last real answer comes back to "Not sure",
    # then up again to "Yes".
    arrow_to(page, "ArrowDown", "admin", "unsure")
    arrow_to(page, "ArrowUp", "admin", "yes")

    # The leaning follows the keyboard answers, and the focus stays where the user left it.
    expect(page.locator("#live .leaning")).to_contain_text("Django")
    expect(page.locator("#live")).to_contain_text("4 of")
    expect(page.locator("#id_admin_yes")).to_be_focused()

    tab_until(
        page,
        lambda f: f["tag"] == "BUTTON" and f["text"] == "Get my recommendation",
        "the “Get my recommendation” button",
    )
    page.keyboard.press("Enter")

    expect(page).to_have_url(re.compile(PERMALINK))
    expect(page.locator("h1")).to_have_text("Django")
    answers = page.locator("#answers")
    expect(answers).to_contain_text("Accounts with roles, groups and permissions")
    expect(answers).to_contain_text("A large product with many parts")
    expect(answers).to_contain_text("Many, mostly editing data")


def test_the_live_panel_leans_django_as_django_answers_are_clicked(questionnaire: Page):
    page = questionnaire
    live = page.locator("#live")
    expect(live).to_contain_text("0 of")
    expect(live.locator(".leaning")).to_have_text("Too early to say")

    choose(page, "auth", "full")
    choose(page, "admin", "yes")
    choose(page, "forms", "many")

    expect(live.locator(".leaning")).to_contain_text("Django")
    expect(live.locator(".leaning strong")).to_have_text("Django")
    expect(live).to_contain_text(re.compile(r"\b3 of \d+ questions answered"))
    expect(live.locator(".shares")).to_have_text(
        re.compile(r"^Flask [\d.]+ · Django [\d.]+ points$")
    )
    shares = live.locator(".shares").inner_text()
    flask, django = (float(n) for n in re.findall(r"([\d.]+)(?: |$)", shares)[:2])
    assert django > flask, shares
    expect(live.locator(".leaning .badge")).to_have_text(re.compile(r"^(Clear choice|Likely)$"))
    expect(live.locator(".next a")).to_have_attribute("href", re.compile(r"^#q-\w+$"))

    # Each answer pushed a shareable URL holding the answers (and not the CSRF token).
    expect(page).to_have_url(re.compile(r"[?&]auth=full(&|$)"))
    expect(page).to_have_url(re.compile(r"[?&]forms=many(&|$)"))
    answers = query(page.url)
    assert answers["admin"] == "yes", page.url
    assert "csrfmiddlewaretoken" not in answers, page.url


def test_a_follow_up_question_appears_only_while_its_condition_holds(questionnaire: Page):
    page = questionnaire
    follow_up = page.locator("#q-nosql_store")
    expect(follow_up).to_be_hidden()

    choose(page, "database", "nosql")
    expect(follow_up).to_be_visible()
    expect(follow_up).to_contain_text("Which NoSQL store?")
    choose(page, "nosql_store", "mongodb")
    expect(page).to_have_url(re.compile(r"[?&]nosql_store=mongodb(&|$)"))
    expect(page.locator("#id_nosql_store_mongodb")).to_be_checked()

    choose(page, "database", "relational")
    expect(follow_up).to_be_hidden()
    expect(page).to_have_url(re.compile(r"[?&]database=relational(&|$)"))

    # The other follow-up behaves the same way.
    rate_limiting = page.locator("#q-rate_limiting")
    expect(rate_limiting).to_be_hidden()
    choose(page, "api", "full")
    expect(rate_limiting).to_be_visible()
    choose(page, "api", "none")
    expect(rate_limiting).to_be_hidden()
