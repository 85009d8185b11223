"""What a new visitor notices: a clean first screen, a panel that says where they stand and
when it is stale, actions where they look for them, text legible on a phone, a dark scheme."""

import re

import pytest
from playwright.sync_api import Page, expect

from .helpers import PERMALINK, choose

pytestmark = pytest.mark.browser


def test_a_first_visit_has_nothing_selected_and_says_how_long_it_takes(questionnaire: Page):
    page = questionnaire
    assert page.locator("input[type=radio]:checked").count() == 0
    expect(page.locator(".lede")).to_contain_text(re.compile(r"\d+ questions .* about \d+ minutes"))
    expect(page.locator("#live .confidence")).to_contain_text("Answer a few questions")


def test_the_panel_has_one_status_line_for_each_state(questionnaire: Page):
    page = questionnaire
    status = page.locator("#live .confidence")
    choose(page, "legacy_integration", "no")  # 1 point
    expect(status).to_have_text(re.compile(r"^Too little to go on yet"))
    # No side is named before there is evidence to name one.
    expect(page.locator("#live-status")).to_have_text("Too early to say.")
    expect(page.locator("#live .leaning")).to_have_text("Too early to say")
    choose(page, "database", "relational")
    choose(page, "project_size", "small")  # Django 4, Flask 3, 7 points in all
    expect(status).to_have_text("A toss-up so far: either framework would serve.")
    choose(page, "admin", "yes")
    badge = page.locator("#live .leaning .badge")
    expect(badge).to_have_text(re.compile(r"^(Likely|Clear choice)$"))
    expect(status).to_have_text("On the answers so far: the rest could still change it.")
    choose(page, "forms", "many")
    expect(badge).to_have_text("Clear choice")


def test_a_failed_update_says_so_and_keeps_the_answers(questionnaire: Page):
    page = questionnaire
    page.route(re.compile(r".*/\?.*"), lambda route: route.abort())
    choose(page, "auth", "full")
    expect(page.locator("#live-error")).to_be_visible()
    expect(page.locator("#live-error")).to_contain_text("your answers are kept")
    expect(page.locator("#id_auth_full")).to_be_checked()
    page.unroute(re.compile(r".*/\?.*"))
    choose(page, "admin", "yes")
    expect(page.locator("#live-error")).to_be_hidden()


def test_a_slow_update_shows_the_panel_is_busy(questionnaire: Page):
    page = questionnaire

    def slow(route):
        page.wait_for_timeout(800)
        route.continue_()

    page.route(re.compile(r".*/\?.*"), slow)
    choose(page, "auth", "full")
    expect(page.locator(".live-busy")).to_be_visible()
    expect(page.locator(".live-busy")).to_be_hidden()


def result_page(page: Page) -> None:
    page.goto("/all/?auth=full&admin=yes&forms=many")
    page.get_by_role("button", name="Get my recommendation").click()
    expect(page).to_have_url(re.compile(PERMALINK))


def test_the_actions_are_within_the_first_screen_and_a_half_on_a_desktop(
    questionnaire: Page,
):
    page = questionnaire
    result_page(page)
    limit = 1.5 * page.viewport_size["height"]
    for locator in (
        page.get_by_role("button", name="Copy link"),
        page.get_by_role("link", name="PDF summary"),
        page.get_by_role("link", name="Edit my answers").first,
    ):
        box = locator.bounding_box()
        assert box and box["y"] + box["height"] < limit, box


SMALLEST_TEXT = """() => {
  const sizes = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode;
    const el = node.parentElement;
    if (!node.textContent.trim() || !el || el.closest('.visually-hidden')) continue;
    const rect = el.getBoundingClientRect();
    if (!rect.width || !rect.height) continue;
    sizes.push([parseFloat(getComputedStyle(el).fontSize), node.textContent.trim().slice(0, 30)]);
  }
  sizes.sort((a, b) => a[0] - b[0]);
  return sizes[0];
}"""


def test_the_smallest_text_on_a_phones_result_page_is_at_least_11px(new_context, live_server):
    page = new_context().new_page()
    page.set_viewport_size({"width": 390, "height": 844})
    result_page(page)
    size, text = page.evaluate(SMALLEST_TEXT)
    assert size >= 11, (size, text)


def luminance(rgb: str) -> float:
    r, g, b = (int(v) / 255 for v in re.findall(r"\d+", rgb)[:3])
    lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in (r, g, b)]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def contrast(a: str, b: str) -> float:
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_each_scheme_has_its_colours_and_a_focus_ring_of_at_least_3_to_1(
    new_context, live_server, scheme
):
    page = new_context(color_scheme=scheme).new_page()
    page.goto("/all/")
    background = page.evaluate("getComputedStyle(document.documentElement).backgroundColor")
    if scheme == "dark":
        assert luminance(background) < 0.05, background
    else:
        assert luminance(background) > 0.8, background
    page.keyboard.press("Tab")  # the skip link
    page.keyboard.press("Tab")  # the brand link
    ring = page.evaluate("getComputedStyle(document.activeElement).outlineColor")
    assert contrast(ring, background) >= 3, (ring, background)


def test_on_a_phone_the_panel_never_covers_the_focused_control(new_context, live_server):
    page = new_context().new_page()
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/all/?auth=full")
    covered = []
    for _ in range(40):
        page.keyboard.press("Tab")
        page.wait_for_timeout(30)  # let the scroll that follows focus settle
        found = page.evaluate(
            """() => {
              const e = document.activeElement, panel = document.getElementById('live-wrap');
              if (!e || panel.contains(e)) return null;
              const box = (e.closest('label') || e).getBoundingClientRect();
              return [e.id || e.tagName, box.bottom, panel.getBoundingClientRect().top];
            }"""
        )
        if found and found[1] > found[2] + 1:
            covered.append(found)
    assert covered == [], covered
