"""How the interview moves: one pick per question with a pointer, never a step sent by an
arrow key, Next without JavaScript; Back and the review page bring earlier answers back; the
first step fits a phone's first screen, and everything in a step is big enough for a thumb."""

import re

import pytest
from playwright.sync_api import Page, expect

from .helpers import query
from .test_accessibility import assert_no_serious_violations

pytestmark = pytest.mark.browser

INTRANET = "/?start=intranet&team_knows=neither"
PHONE = {"width": 390, "height": 844}


def page_of_size(new_context, viewport: dict[str, int], **options) -> Page:
    """A new page ``viewport`` wide and tall (the contexts' own size is the desktop's)."""
    page = new_context(**options).new_page()
    page.set_viewport_size(viewport)
    return page


def wait_for_htmx(page: Page) -> None:
    page.wait_for_function("() => window.htmx !== undefined")


def pick(page: Page, label: str) -> None:
    """Click a choice by its label, as a mouse user would, and wait for the next step."""
    title = page.locator("#step-title").inner_text()
    page.locator("#interview label.choice", has_text=label).first.click()
    expect(page.locator("#step-title")).not_to_have_text(title)


def test_one_click_per_question_reaches_the_settled_step(page: Page, live_server):
    page.goto("/")
    wait_for_htmx(page)
    requests = []
    page.on("request", lambda r: requests.append(r.url) if "/?" in r.url else None)
    pick(page, "An internal tool or intranet")
    expect(page).to_have_url(re.compile(r"/\?start=intranet$"))
    clicks = 1
    while page.locator("#interview fieldset.question").count() and clicks < 25:
        pick(page, page.locator("#interview label.choice").first.inner_text())
        expect(page.locator("#step-title")).to_be_focused()
        clicks += 1
    expect(page.locator("#step-title")).to_contain_text("Django")  # settled
    expect(page.get_by_role("link", name="Next: what else it needs")).to_be_visible()
    assert len(requests) == clicks, "one request per pick, none twice"


def test_a_new_step_starts_at_its_top(new_context, live_server):
    page = page_of_size(new_context, PHONE)
    page.goto(INTRANET)
    wait_for_htmx(page)
    page.evaluate("window.scrollTo(0, 200)")  # the step's top is off the screen
    assert page.locator("#interview .step").evaluate("e => e.getBoundingClientRect().top") < 0
    pick(page, "Not sure")
    top = page.locator("#interview .step").evaluate("e => e.getBoundingClientRect().top")
    assert 0 <= top <= 20, f"the new step starts {top}px from the top of the screen"
    expect(page.locator("#step-title")).to_be_focused()
    expect(page.locator("#step-title")).to_be_in_viewport()


def test_arrow_keys_move_the_choice_without_sending_the_step(page: Page, live_server):
    page.goto(INTRANET)
    wait_for_htmx(page)
    title = page.locator("#step-title").inner_text()
    for _ in range(30):  # to the first choice, by keyboard alone
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.type") == "radio":
            break
    page.keyboard.press("Space")
    for key in ("ArrowDown", "ArrowDown", "ArrowUp"):
        page.keyboard.press(key)
    page.wait_for_timeout(400)  # time enough for a request, had one been sent
    expect(page).to_have_url(re.compile(re.escape(INTRANET) + "$"))
    expect(page.locator("#step-title")).to_have_text(title)
    name, picked = page.evaluate("[document.activeElement.name, document.activeElement.value]")
    expect(page.locator(f"#id_{name}_{picked}")).to_be_checked()
    page.keyboard.press("Enter")  # sends the step
    expect(page.locator("#step-title")).not_to_have_text(title)
    assert query(page.url)[name] == picked


def test_without_javascript_next_sends_each_step(new_context, live_server):
    page = new_context(java_script_enabled=False).new_page()
    page.goto("/")
    page.locator("label.choice", has_text="An online shop").click()
    expect(page).to_have_url(re.compile(r"/$"))  # a pick alone sends nothing
    page.get_by_role("button", name="Next").click()
    expect(page).to_have_url(re.compile(r"/\?start=shop$"))
    title = page.locator("#step-title").inner_text()
    page.locator("#interview label.choice").first.click()
    page.get_by_role("button", name="Next").click()
    expect(page.locator("#step-title")).not_to_have_text(title)


def test_back_shows_the_answer_given_selected(page: Page, live_server):
    page.goto("/")
    wait_for_htmx(page)
    pick(page, "Something else")
    question = page.locator("#step-title").inner_text()
    choice = page.locator("#interview label.choice").nth(1)
    name = choice.locator("input").get_attribute("name")
    picked = choice.locator("input").get_attribute("value")
    choice.click()
    expect(page.locator("#step-title")).not_to_have_text(question)
    page.get_by_role("link", name="Back", exact=True).click()
    expect(page.locator("#step-title")).to_have_text(question)
    expect(page.locator(f"#interview input[value='{picked}']")).to_be_checked()
    expect(page.locator("#step-progress")).to_contain_text("Question 1 ·")
    wait_for_htmx(page)
    page.locator(f"#interview label.choice:has(input[value='{picked}'])").click()  # as it was
    expect(page.locator("#step-title")).not_to_have_text(question)
    expect(page).to_have_url(re.compile(rf"/\?start=&{name}={picked}$"))
    page.go_back()
    expect(page.locator("#step-title")).to_have_text(question)
    page.get_by_role("link", name="Back", exact=True).click()
    expect(page.locator("#step-title")).to_have_text("What are you building?")
    expect(page.locator("#start_none")).to_be_checked()


def test_the_review_page_changes_an_answer_without_javascript(new_context, live_server):
    page = new_context(java_script_enabled=False).new_page()
    page.goto(INTRANET + "&project_size=small")
    page.get_by_role("link", name="Edit my answers").click()
    expect(page).to_have_url(re.compile(r"/review/\?start=intranet&team_knows=neither"))
    expect(page.locator("h1")).to_have_text("Your answers")
    auth = page.get_by_label("Do users need to sign in?")
    expect(auth).to_have_value("")  # assumed, and left to the starting point
    expect(page.locator("li.assumed", has_text="Do users need to sign in?")).to_have_count(1)
    page.get_by_label("Which of the two does the team already know?").select_option("django")
    page.get_by_role("button", name="Go on with these answers").click()
    expect(page).to_have_url(re.compile(r"/\?start=intranet&"))
    answers = query(page.url)
    assert answers["team_knows"] == "django" and answers["project_size"] == "small"
    assert "auth" not in answers  # still assumed
    expect(page.locator(".said")).to_contain_text("Which of the two does the team already know?")
    expect(page.locator(".said li", has_text="the team already know")).to_contain_text("Django")


def test_the_first_step_fits_the_first_screen(new_context, live_server):
    for viewport in ({"width": 375, "height": 667}, {"width": 1280, "height": 800}):
        page = page_of_size(new_context, viewport)
        page.goto("/")
        boxes = [
            *(c.bounding_box() for c in page.locator(".start-choice").all()),
            page.get_by_role("button", name="Next").bounding_box(),
        ]
        assert len(boxes) == 9 and all(boxes)
        bottom = max(b["y"] + b["height"] for b in boxes if b)
        assert bottom <= viewport["height"], f"{viewport}: the first step ends at {bottom}px"
        for box in boxes:
            assert box and box["height"] >= 44, f"{viewport}: a choice {box} under 44px"


TAP_TARGETS = (
    "#interview .choice",
    "#interview .step-back",
    "#interview .help summary",
    "#interview .said-change",
    "#interview .said-edit a",
    "#interview .all-link a",
    "#interview .step-actions a",
    "#interview .step-actions button",
)


@pytest.mark.parametrize(
    "address",
    [
        pytest.param(INTRANET, id="question"),
        pytest.param("/?start=intranet&existing_code=none&team_knows=django", id="settled"),
    ],
)
def test_what_a_thumb_taps_in_a_step_is_at_least_44px(new_context, live_server, address):
    page = page_of_size(new_context, PHONE)
    page.goto(address)
    small = []
    for selector in TAP_TARGETS:
        for target in page.locator(selector).all():
            box = target.bounding_box()
            if box and (box["height"] < 44 or box["width"] < 44):
                small.append(f"{selector} “{target.inner_text()[:30]}”: {box}")
    assert not small, "\n".join(small)
    assert page.locator("#interview .said-change").count() >= 3


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_review_page_is_clean_in_both_schemes(new_context, live_server, scheme):
    page = new_context(color_scheme=scheme).new_page()
    page.goto("/review/" + INTRANET[1:] + "&project_size=unsure")
    expect(page.locator("li.assumed").first).to_be_visible()
    assert_no_serious_violations(page, f"the review page ({scheme})")
