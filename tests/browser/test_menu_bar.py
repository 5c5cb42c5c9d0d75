"""In a real browser, on the demo data: the menu bar stays on one line.

From 1200 px the bar no longer folds behind its button; the longest menus
(the facilitator's and the zone manager's, whose demo name is the longest,
in German) must then still fit on one line, and the user's name stays
whole for screen readers and in its tooltip even where it is shortened.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

pytestmark = pytest.mark.browser
DEMO_PASSWORD = "symbiose-demo"
ONE_LINE = 70  # px: the bar's height with one row of links (two rows: ~96)


@pytest.mark.parametrize(
    "email",
    ["facilitateur@symbiose.example.lu", "gestionnaire.sud@symbiose.example.lu"],
)
def test_the_longest_menus_fit_on_one_line_from_1200_px(
    demo_site: None, page: Page, email: str
) -> None:
    page.goto("/login")
    page.get_by_label("E-mail", exact=True).fill(email)
    page.get_by_label("Mot de passe", exact=True).fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url("**/")
    name = page.locator("nav .user-name")
    full = name.text_content()
    assert full
    for lang in ("de", "fr", "en"):
        page.locator(f'button[name="lang"][value="{lang}"]').first.click()
        for width in (1200, 1280, 1400):
            page.set_viewport_size({"width": width, "height": 800})
            bar = page.locator("nav.navbar").first.bounding_box()
            assert bar is not None
            assert bar["height"] < ONE_LINE, (lang, width, bar["height"])
            assert name.get_attribute("title") == full
            assert name.text_content() == full
