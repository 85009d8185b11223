"""The rules pages on a phone: nothing wider than the screen."""

import pytest
from playwright.sync_api import Page

from guide.services.rulebook import get_rulebook

pytestmark = pytest.mark.browser


def test_every_rules_page_fits_a_375_px_phone(page: Page, live_server):
    page.set_viewport_size({"width": 375, "height": 667})
    rulebook = get_rulebook()
    paths = [f"/rules/q/{q.id}/" for q in rulebook.questions]
    paths += [f"/rules/r/{r.id}/" for r in rulebook.rules]
    wide = {}
    for path in paths:
        page.goto(path)
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > 375:
            wide[path] = width
    assert not wide, f"wider than the phone: {wide}"
