"""The interview in a real browser: with and without JavaScript, by keyboard alone, to a
permalink; Back goes back a step."""

import re

import pytest
from playwright.sync_api import Page, expect

from .helpers import PERMALINK

pytestmark = pytest.mark.browser


def answer_step(page: Page, label: str, *, javascript: bool = True) -> None:
    """Pick a choice by its label, as a mouse user would: with JavaScript the pick is the
    answer and the next step comes; without it, Next sends the step."""
    title = page.locator("#step-title").inner_text()
    page.locator("#interview label.choice", has_text=label).first.click()
    if not javascript:
        page.get_by_role("button", name="Next").click()
    expect(page.locator("#step-title")).not_to_have_text(title)


def walk_to_the_end(page: Page, *, javascript: bool = True) -> int:
    """Answer each question with its first choice until the step says it is settled."""
    steps = 0
    while page.locator("#interview fieldset.question").count() and steps < 25:
        first = page.locator("#interview label.choice").first.inner_text()
        answer_step(page, first, javascript=javascript)
        steps += 1
    return steps


def take_the_default_path(page: Page) -> None:
    """At the settled step, the first action: the "what else" screen, then its button."""
    page.locator(".step-actions a.button.primary").click()
    expect(page.locator("#step-title")).to_have_text("What else does your project need?")
    page.get_by_role("button", name="See my recommendation and starter").click()


def test_the_what_else_screen_asks_the_needs_together_and_they_reach_the_starter(
    new_context, live_server
):
    """Without JavaScript, by the first button at each step: an API for a single-page app
    that says, when asked, that it needs rate limits gets a starter with a throttle."""
    page = new_context(java_script_enabled=False).new_page()
    page.goto("/?start=spa_api&team_knows=neither")
    while page.locator("#interview fieldset.question").count():
        page.locator("#interview input[type=radio]").first.check()
        page.get_by_role("button", name="Next").click()
    page.locator(".step-actions a.button.primary").click()
    expect(page.locator("#step-title")).to_have_text("What else does your project need?")
    expect(page.locator(".lede")).to_contain_text("nothing you answer here can change that")
    assert page.locator("fieldset.need input:checked").count() == 0
    limits = page.locator("fieldset.need", has_text="limit how often each client calls it")
    limits.locator("label.choice", has_text="Yes").click()
    page.get_by_role("button", name="See my recommendation and starter").click()
    expect(page).to_have_url(re.compile(PERMALINK))
    expect(page.locator("main")).to_contain_text("Rate limiting")


def test_with_javascript_each_step_is_swapped_in_and_the_address_follows(page: Page, live_server):
    page.goto("/")
    page.wait_for_function("() => window.htmx !== undefined")
    answer_step(page, "An internal tool or intranet")
    expect(page).to_have_url(re.compile(r"/\?start=intranet$"))
    expect(page.locator("#step-progress")).to_contain_text("Question 1 · At most")
    expect(page.locator("#step-title")).to_be_focused()  # the new question takes the focus
    steps = walk_to_the_end(page)
    assert 1 <= steps <= 8
    expect(page.locator("#step-title")).to_contain_text("whatever you answer to the other")
    page.go_back()
    expect(page.locator("#interview fieldset.question")).to_be_visible()
    page.go_forward()
    take_the_default_path(page)
    expect(page).to_have_url(re.compile(PERMALINK))
    expect(page.locator("h1")).to_have_text("Django")
    expect(page.locator(".verdict")).to_contain_text("started from “An internal tool or intranet”")


def test_without_javascript_each_step_is_a_plain_form_and_back_works(new_context, live_server):
    page = new_context(java_script_enabled=False).new_page()
    page.goto("/")
    answer_step(page, "Something else", javascript=False)
    expect(page).to_have_url(re.compile(r"/\?start=$"))
    first = page.locator("#step-title").inner_text()
    answer_step(page, "Not sure", javascript=False)
    expect(page.locator("#step-title")).not_to_have_text(first)
    page.go_back()
    expect(page.locator("#step-title")).to_have_text(first)
    page.go_forward()
    walk_to_the_end(page, javascript=False)
    take_the_default_path(page)
    expect(page).to_have_url(re.compile(PERMALINK))


def test_a_keyboard_user_walks_the_interview_to_a_permalink(page: Page, live_server):
    page.goto("/")
    page.wait_for_function("() => window.htmx !== undefined")
    page.keyboard.press("Tab")  # the skip link
    page.keyboard.press("Tab")  # the brand
    for _ in range(12):  # to the first starting point
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.name") == "start":
            break
    page.keyboard.press("ArrowDown")  # the second starting point
    page.keyboard.press("Space")
    assert page.evaluate("document.activeElement.value") == "spa_api"
    page.keyboard.press("Enter")  # submits the step
    expect(page).to_have_url(re.compile(r"/\?start=spa_api$"))
    for _ in range(20):
        if not page.locator("#interview fieldset.question").count():
            break
        expect(page.locator("#step-title")).to_be_focused()
        title = page.locator("#step-title").inner_text()
        page.keyboard.press("Tab")  # "Why we ask"
        page.keyboard.press("Tab")  # the first choice
        page.keyboard.press("Space")
        page.keyboard.press("Enter")
        expect(page.locator("#step-title")).not_to_have_text(title)
    button = page.get_by_role("button", name="Skip: see my recommendation", exact=True)
    button.focus()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(PERMALINK))


def test_the_first_screen_of_a_result_on_a_phone_has_the_starter_download(new_context, live_server):
    page = new_context().new_page()
    page.set_viewport_size({"width": 375, "height": 667})
    page.goto("/?start=intranet&existing_code=none&team_knows=django&architecture=monolith")
    page.get_by_role("button", name="Skip: see my recommendation", exact=True).click()
    expect(page).to_have_url(re.compile(PERMALINK))
    download = page.get_by_role("link", name=re.compile("Download the Django starter")).first
    expect(download).to_be_visible()
    top = download.evaluate("e => e.getBoundingClientRect().bottom + window.scrollY")
    assert top <= 2 * 667, f"the starter download ends at {top}px, past two screens"
    expect(page.locator(".top-reasons li")).to_have_count(3)


def test_switching_language_part_way_keeps_the_answers_given_since_the_page_loaded(
    page: Page, live_server
):
    page.goto("/")
    page.wait_for_function("() => window.htmx !== undefined")
    answer_step(page, "A SaaS product")
    question = page.locator("#step-title").inner_text()
    answer_step(page, page.locator("#interview label.choice").first.inner_text())
    address = page.url.split("?", 1)[1]
    page.locator("nav.languages a[hreflang=es]").click()
    expect(page).to_have_url(re.compile(r"/es/\?" + re.escape(address) + "$"))
    expect(page.locator("html")).to_have_attribute("lang", "es")
    expect(page.locator("#step-title")).not_to_have_text(question)  # not back at the start
    expect(page.locator("#step-progress")).to_contain_text("Pregunta 2")  # one answered
