"""Real-browser tests: Playwright drives Debian's Chromium against pytest-django's live server.

Playwright's own browser download is not used: the suite launches /usr/bin/chromium. When it
is missing the browser tests are skipped with a visible reason, except on CI (CI=true), where
a missing browser is a broken build and every browser test fails.
"""

import os
import re

# Playwright's sync API runs an event loop in the test thread; Django's async-safety check
# would otherwise refuse every database query made from it (the live server, fixtures).
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

from collections.abc import Iterator  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402
from playwright.sync_api import Page, expect  # noqa: E402

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",  # the tests run as root
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    # Without these Chromium keeps calling home, which floods a closed network.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SKIP_REASON = f"Chromium not found at {CHROMIUM}: browser tests skipped"
FAIL_REASON = (
    f"Chromium is missing at {CHROMIUM} and CI=true: the browser tests cannot run. "
    "Install it with `apt-get install chromium`."
)


def _require_chromium() -> None:
    if CHROMIUM.exists():
        return
    if os.environ.get("CI") == "true":
        pytest.fail(FAIL_REASON, pytrace=False)
    pytest.skip(SKIP_REASON)


@pytest.fixture(scope="session", autouse=True)
def chromium_available() -> None:
    """Every test in this folder needs the browser: skip (or, on CI, fail) without it.

    Session-scoped and autouse, so it runs before Playwright tries to launch anything."""
    _require_chromium()


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict, chromium_available: None) -> dict:
    """pytest-playwright's launch options, pointed at Debian's Chromium, always headless."""
    _require_chromium()
    return {
        **browser_type_launch_args,
        "executable_path": str(CHROMIUM),
        "headless": True,
        "args": CHROMIUM_ARGS,
    }


@pytest.fixture(scope="session")
def base_url(live_server) -> str:
    """Every page talks to the live server, so `page.goto("/all/")` is the questionnaire."""
    return live_server.url


@pytest.fixture(autouse=True)
def site_url(live_server, settings) -> str:
    """The live server is the site's public origin here: share links point to it."""
    settings.SITE_URL = live_server.url
    return live_server.url


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict) -> dict:
    """A desktop-sized window: the live panel sits beside the questions."""
    return {**browser_context_args, "viewport": {"width": 1280, "height": 900}}


@pytest.fixture
def questionnaire(page: Page, live_server) -> Iterator[Page]:
    """The questionnaire, loaded, with guide.js and htmx ready."""
    page.goto("/all/")
    expect(page.locator("html")).to_have_class(re.compile(r"\bjs\b"))
    page.wait_for_function("() => window.htmx !== undefined")
    yield page
