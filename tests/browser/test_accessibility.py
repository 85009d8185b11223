"""axe-core on every page the guide shows: no serious or critical violation anywhere."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from .helpers import PERMALINK, choose

pytestmark = pytest.mark.browser

BLOCKING = {"serious", "critical"}

_axe = Axe()


def assert_no_serious_violations(page: Page, what: str) -> None:
    """Run axe-core on the page as it is now; list every blocking violation if any."""
    results = _axe.run(page)
    blocking = [v for v in results.response["violations"] if v.get("impact") in BLOCKING]
    if not blocking:
        return
    lines = [
        f"axe-core found {len(blocking)} serious/critical violation(s) on {what} ({page.url}):"
    ]
    for violation in blocking:
        lines.append(
            f"- {violation['id']} [{violation['impact']}]: {violation['help']}"
            f" ({violation.get('helpUrl', '')})"
        )
        for node in violation["nodes"]:
            target = " ".join(str(t) for t in node["target"])
            lines.append(f"    target: {target}")
            lines.append(f"      html: {node.get('html', '').strip()[:200]}")
            summary = node.get("failureSummary")
            if summary:
                lines.append("      " + summary.replace("\n", "\n      "))
    message = "\n".join(lines)
    print(message)
    pytest.fail(message, pytrace=False)


def test_the_questionnaire_has_no_serious_accessibility_violations(questionnaire: Page):
    assert_no_serious_violations(questionnaire, "the empty questionnaire")


def test_the_answered_questionnaire_has_no_serious_accessibility_violations(questionnaire: Page):
    page = questionnaire
    choose(page, "auth", "full")
    choose(page, "database", "nosql")
    choose(page, "api", "simple")
    expect(page.locator("#q-nosql_store")).to_be_visible()
    expect(page.locator("#q-rate_limiting")).to_be_visible()
    expect(page.locator("#live")).to_contain_text("3 of")
    expect(page.locator("#live .leaning strong")).to_be_visible()
    assert_no_serious_violations(page, "the questionnaire with answers and follow-ups shown")


@pytest.mark.parametrize(
    "answers",
    [
        pytest.param({"auth": "full", "admin": "yes", "forms": "many"}, id="django"),
        pytest.param(
            {"project_size": "prototype", "ml_model": "yes", "database": "none"}, id="flask"
        ),
    ],
)
def test_the_results_page_has_no_serious_accessibility_violations(questionnaire: Page, answers):
    page = questionnaire
    for question, choice in answers.items():
        choose(page, question, choice)
    page.get_by_role("button", name="Get my recommendation").click()
    expect(page).to_have_url(re.compile(PERMALINK))
    expect(page.locator("h1")).to_be_visible()
    # The table behind the chart and the other framework's links are part of the page too.
    for summary in page.locator("details > summary").all():
        summary.click()
    assert_no_serious_violations(page, "the results page")


def test_the_not_found_page_has_no_serious_accessibility_violations(page: Page, live_server):
    response = page.goto("/r/AAAAAAAAAAAAAAAA/")
    assert response is not None and response.status == 404
    expect(page.locator("h1")).to_have_text("We can't find that page")
    assert_no_serious_violations(page, "the 404 page")


PAGES = {
    "the interview's first step": "/",
    "an interview question with assumptions": "/?start=intranet",
    "an interview step that is settled": (
        "/?start=intranet&existing_code=none&team_knows=django&architecture=monolith"
    ),
    "the 'what else' screen": ("/?start=intranet&team_knows=neither&project_size=medium&needs=1"),
    "a question's rules page": "/rules/q/admin/",
    "the one-page questionnaire": "/all/",
    "the questionnaire with follow-ups": "/all/?auth=full&database=nosql&api=simple",
    "the rules": "/rules/",
}


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_every_page_is_clean_in_both_schemes_with_and_without_javascript(
    new_context, live_server, scheme, javascript
):
    context = new_context(color_scheme=scheme)
    if not javascript:
        # axe itself runs as JavaScript, so the page is shown as it is without ours: the
        # site's scripts (htmx, guide.js) are not loaded.
        context.route("**/*.js", lambda route: route.abort())
    page = context.new_page()
    for what, url in PAGES.items():
        page.goto(url)
        assert_no_serious_violations(page, f"{what} ({scheme}, js={javascript})")
    page.goto("/all/?auth=full&admin=yes")
    page.get_by_role("button", name="Get my recommendation").click()
    expect(page).to_have_url(re.compile(PERMALINK))
    assert_no_serious_violations(page, f"the results page ({scheme}, js={javascript})")
    page.goto("/r/AAAAAAAAAAAAAAAA/")
    assert_no_serious_violations(page, f"the 404 page ({scheme}, js={javascript})")


@pytest.mark.parametrize("language", ["es", "pt-br", "zh-hans"])
@pytest.mark.parametrize(
    ("scheme", "width"), [("light", 1280), ("dark", 390)], ids=["light-desktop", "dark-phone"]
)
def test_every_page_is_clean_in_each_language(new_context, live_server, language, scheme, width):
    """The same pages in each language: axe clean, the page's language named, and nothing
    wider than a phone's screen, however long the language's words."""
    page = new_context(color_scheme=scheme).new_page()
    page.set_viewport_size({"width": width, "height": 800})
    for what, url in [*PAGES.items(), ("a team room", "/t/new"), ("versions", "/starters/changes")]:
        page.goto(f"/{language}{url}")
        assert page.locator("html").get_attribute("lang").lower() == language, what
        assert_no_serious_violations(page, f"{what} in {language} ({scheme}, {width} px)")
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{what} in {language} is {overflow} px wider than the screen"
    page.goto(f"/{language}/all/?auth=full&admin=yes")
    page.locator(".live-submit").click()
    expect(page).to_have_url(re.compile(f"/{language}{PERMALINK}"))
    for summary in page.locator("details > summary").all():
        summary.click()
    assert_no_serious_violations(page, f"the results page in {language} ({scheme}, {width} px)")
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"the results page in {language} is {overflow} px too wide"
