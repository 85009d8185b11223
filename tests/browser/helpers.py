"""What the browser tests share: steps a user takes and what they must see."""

from urllib.parse import parse_qsl, urlsplit

from playwright.sync_api import Page, expect

PERMALINK = r"/r/[A-Za-z0-9_-]{16}/$"


def choose(page: Page, question: str, choice: str) -> None:
    """Click the label of a choice, as a mouse user would."""
    page.locator(f"label[for='id_{question}_{choice}']").click()
    expect(page.locator(f"#id_{question}_{choice}")).to_be_checked()


def query(url: str) -> dict[str, str]:
    """The answers a questionnaire URL carries."""
    return dict(parse_qsl(urlsplit(url).query))


def expect_full_questionnaire(page: Page) -> None:
    """The page is a whole questionnaire page, not a bare htmx fragment."""
    expect(page.locator("header.site-header")).to_be_visible()
    expect(page.locator("header.site-header")).to_contain_text("Flask or Django?")
    expect(page.locator("form#questionnaire")).to_be_visible()
    expect(page.locator("form#questionnaire fieldset.question").first).to_be_visible()
    expect(page.get_by_role("button", name="Get my recommendation")).to_be_visible()
    expect(page.locator("#live")).to_be_visible()


def expect_radios_match_url(page: Page, questions: list[str]) -> None:
    """Each question's checked radio is the one the URL names (or "Not sure" if absent)."""
    answers = query(page.url)
    for question in questions:
        chosen = answers.get(question, "unsure")
        expect(
            page.locator(f"#id_{question}_{chosen}"),
            f"{question}={chosen} should be checked for {page.url}",
        ).to_be_checked()
