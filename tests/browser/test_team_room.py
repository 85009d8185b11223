"""A team decides together in one room, in three browsers: each joins and answers in the
interview, the organizer's page follows without a reload, settles the disagreement that
decides (by keyboard) and records the decision; the same works without JavaScript, and the
room is clean for axe in both colour schemes."""

import re
from urllib.parse import urlencode

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from .helpers import PERMALINK
from .test_accessibility import assert_no_serious_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

#: Answers the three share; they disagree on the data store only, which decides until it is
#: settled on "relational" (then Django holds, however the rest is answered).
SHARED = {
    "team_size": "large",
    "project_size": "prototype",
    "team_knows": "flask",
    "admin": "yes",
    "performance": "normal",
    "realtime": "streaming",
    "architecture": "microservice",
    "deadline": "tight",
    "frontend": "spa",
    "content": "multilingual",
    "auth": "simple",
    "ml_model": "no",
    "maintenance": "short",
    "legacy_integration": "no",
    "api": "full",
}
RELATIONAL = "A relational database (PostgreSQL, MySQL, SQLite)"
NOSQL = "A NoSQL store (MongoDB, DynamoDB, ...)"
ROOM = re.compile(r"/t/[A-Za-z0-9_-]{16}/$")


def make_room(page: Page, title: str = "Backend for the booking app") -> str:
    page.goto("/t/new")
    page.get_by_label("What is the room deciding?").fill(title)
    page.get_by_role("button", name="Make the room").click()
    expect(page).to_have_url(ROOM)
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    return page.url


def join_and_answer(page: Page, room: str, name: str, store: str | None) -> None:
    """Join ``room`` as ``name``, then answer in the interview: the shared answers (as a link
    would carry them), and the data store question by picking ``store``."""
    page.goto(room)
    page.get_by_label("Your name, as your team knows you").fill(name)
    page.get_by_role("button", name="Join and answer").click()
    expect(page).to_have_url(re.compile(r"/answer/$"))
    query = urlencode({"start": "", **SHARED} | ({"ask": "database"} if store else {}))
    page.goto(f"{room}answer/?{query}")
    if store:
        expect(page.get_by_role("heading", name="What is the main data store?")).to_be_visible()
        page.get_by_label(store).focus()  # by keyboard: a pointer's pick would send at once
        page.keyboard.press("Space")
        page.keyboard.press("Enter")
        expect(page.get_by_role("heading", name="What is the main data store?")).to_have_count(0)
    page.get_by_role("button", name=re.compile("save my answers", re.I)).first.click()
    expect(page).to_have_url(ROOM)
    expect(page.get_by_text(f"You are in the room as {name}")).to_be_visible()


def tab_to(page: Page, name: str, most: int = 80) -> None:
    """Move the focus with Tab alone until it is on the button called ``name``."""
    for _ in range(most):
        page.keyboard.press("Tab")
        focused = page.evaluate("() => document.activeElement && document.activeElement.innerText")
        if focused and focused.strip() == name:
            return
    raise AssertionError(f"Tab never reached “{name}”")


def test_three_browsers_decide_together_and_the_organizer_follows_without_a_reload(
    new_context, live_server
):
    organizer_context: BrowserContext = new_context()
    organizer = organizer_context.new_page()
    room = make_room(organizer)
    secret = organizer.locator("#organizer-secret")
    expect(secret).to_have_value(re.compile(r".{20,}"))
    join_and_answer(organizer, room, "Cy", store=None)
    # The organizer's page stays open from here: no reload, no navigation.
    organizer.evaluate("() => { window.sameDocument = true; }")
    expect(organizer.get_by_role("heading", name="Each member's own verdict")).to_be_visible()

    for name, store in (("Ana", RELATIONAL), ("Bo", NOSQL)):
        teammate = new_context().new_page()
        join_and_answer(teammate, room, name, store)
        expect(organizer.locator("#room-live .members")).to_contain_text(name, timeout=10_000)

    expect(organizer.locator("#verdict-title")).to_have_text("It hinges on 1 question")
    agenda = organizer.locator(".room-agenda")
    expect(agenda).to_contain_text("What is the main data store?")
    expect(agenda).to_contain_text("Ana")
    expect(agenda).to_contain_text("Bo")
    assert organizer.evaluate("() => window.sameDocument") is True

    # Settling, with the keyboard alone.
    tab_to(organizer, f"We agreed: {RELATIONAL}")
    organizer.keyboard.press("Enter")
    expect(organizer.locator("#verdict-title")).to_have_text(
        "Django, however you settle your differences"
    )
    expect(organizer.locator(".room-settled")).to_contain_text(f"We agreed: {RELATIONAL}")

    organizer.get_by_role("button", name="Record the decision").click()
    expect(organizer).to_have_url(re.compile(PERMALINK))
    decided = organizer.locator(".team-decision")
    expect(decided).to_contain_text("Decided together: Backend for the booking app")
    expect(decided).to_contain_text("Decision-makers: Cy, Ana, Bo.")


def test_a_room_works_without_javascript(new_context, live_server):
    context = new_context(java_script_enabled=False)
    page = context.new_page()
    room = make_room(page, "Without scripts")
    join_and_answer(page, room, "Ana", store=RELATIONAL)
    other = new_context(java_script_enabled=False).new_page()
    join_and_answer(other, room, "Bo", store=NOSQL)
    page.get_by_role("link", name="Refresh the room").click()
    expect(page.locator("#verdict-title")).to_have_text("It hinges on 1 question")
    page.get_by_role("button", name=f"We agreed: {RELATIONAL}").click()
    expect(page.locator("#verdict-title")).to_have_text(
        "Django, however you settle your differences"
    )
    page.get_by_role("button", name="Record the decision").click()
    expect(page).to_have_url(re.compile(PERMALINK))
    expect(page.locator(".team-decision")).to_contain_text("Decision-makers: Ana, Bo.")


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_room_pages_are_clean_for_axe(new_context, live_server, scheme):
    context = new_context(color_scheme=scheme)
    page = context.new_page()
    page.goto("/t/new")
    assert_no_serious_violations(page, f"the new room form ({scheme})")
    room = make_room(page)
    assert_no_serious_violations(page, f"a new room, its secret shown ({scheme})")
    join_and_answer(page, room, "Ana", store=RELATIONAL)
    join_and_answer(new_context().new_page(), room, "Bo", store=NOSQL)
    page.reload()
    expect(page.locator(".room-agenda")).to_be_visible()
    assert_no_serious_violations(page, f"the organizer's room with an agenda ({scheme})")
    page.goto(f"{room}answer/")
    assert_no_serious_violations(page, f"a member's interview ({scheme})")
