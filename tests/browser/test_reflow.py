"""WCAG 1.4.10 (reflow): at 320 CSS pixels wide every page reads without
scrolling sideways; a wide table scrolls inside its own box, and the menu bar
of a desktop screen wraps rather than run off it.

The test follows the links of the demo site (as ``make run`` serves it)
from the home page, for each role, one page per kind of address
(``/listings/12`` stands for every listing), and measures the page's width
in Chromium.
"""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

import pytest
from playwright.sync_api import Browser, Page

PASSWORD = "symbiose-demo"  # the demo accounts' documented password
FACILITATOR = "facilitateur@symbiose.example.lu"
ROLES = {
    "anonymous": None,
    "member": "membre@boulangerie-sud.example.lu",
    "zone manager": "gestionnaire.sud@symbiose.example.lu",
    "facilitator": FACILITATOR,
}
# Not pages to read on a phone: downloads, the API, print layouts, sign-out.
NOT_PAGES = re.compile(r"/api/|/static/|/export|/print|\.(csv|xlsx|json|zip)\b|/logout")
# The page's own width, and what sticks out of it (for the failure message).
MEASURE = """() => {
  const width = document.documentElement.clientWidth;
  const wide = [...document.querySelectorAll("body *")]
    .filter(e => e.getBoundingClientRect().right > width + 1
              && e.parentElement.getBoundingClientRect().right <= width + 1)
    .map(e => e.outerHTML.slice(0, 100));
  return {width, scrolled: document.documentElement.scrollWidth, wide: wide.slice(0, 3)};
}"""

pytestmark = pytest.mark.browser


def signed_in(browser: Browser, base: str, email: str | None, lang: str) -> Page:
    page = browser.new_context(
        base_url=base, locale="fr-FR", viewport={"width": 320, "height": 640}
    ).new_page()
    page.goto("/login")
    if email:
        page.get_by_label("E-mail").fill(email)
        page.get_by_label("Mot de passe").fill(PASSWORD)
        page.get_by_role("button", name="Se connecter").click()
        page.wait_for_load_state()
    if lang != "fr":
        page.locator(f"button[name=lang][value={lang}]").click()
        page.wait_for_load_state()
    return page


def too_wide(page: Page, base: str) -> tuple[list[str], dict[str, object]]:
    """The pages reached from home, one per kind of address, and those wider
    than the screen with what sticks out."""
    host = urlsplit(base).netloc
    queue, kinds, seen, wide = ["/"], set(), [], {}
    while queue:
        path = queue.pop(0)
        kind = re.sub(r"\d+", "N", urlsplit(path).path)
        if kind in kinds:
            continue
        kinds.add(kind)
        answer = page.goto(path)
        if answer is None or answer.status != 200:
            continue
        seen.append(path)
        measured = page.evaluate(MEASURE)
        if measured["scrolled"] > measured["width"]:
            wide[path] = measured
        for href in page.eval_on_selector_all(
            "a[href]", "links => links.map(a => a.getAttribute('href'))"
        ):
            link = urlsplit(urljoin(base + path, href))
            if link.netloc == host and not NOT_PAGES.search(link.path):
                queue.append(link.path + (f"?{link.query}" if link.query else ""))
    return seen, wide


@pytest.mark.parametrize(
    ("lang", "roles"),
    [("fr", list(ROLES)), ("de", ["facilitator"])],
    ids=["fr-every-role", "de-facilitator"],
)
def test_every_page_reflows_at_320_pixels(
    demo_site: None, browser: Browser, live_server: str, lang: str, roles: list[str]
) -> None:
    for role in roles:
        page = signed_in(browser, live_server, ROLES[role], lang)
        seen, wide = too_wide(page, live_server)
        page.context.close()
        # The walk reached the site, not only the home page.
        assert len(seen) >= (8 if ROLES[role] is None else 25), (role, seen)
        assert not wide, f"{role} ({lang}): wider than 320 px: {wide}"


def test_the_desktop_menu_wraps_rather_than_overflow(
    demo_site: None, browser: Browser, live_server: str
) -> None:
    """In German the facilitator's menu and name do not fit on one line of a
    1200 px screen: the name goes to a second line, inside the screen."""
    page = signed_in(browser, live_server, FACILITATOR, "de")
    for width in (1200, 1280, 1366, 1920):
        page.set_viewport_size({"width": width, "height": 600})
        menu = page.get_by_role("button", name="Sophie Kremer")
        box = menu.bounding_box()
        assert box is not None
        assert box["x"] + box["width"] <= width, width
        assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.context.close()
