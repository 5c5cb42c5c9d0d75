"""Every page of the demo site, in Chromium, against WCAG 2.1 AA.

The walk follows the links of the demo site (as ``make run`` serves it) from
the home page, for each role, one page per kind of address (``/listings/12``
stands for every listing), on a screen 320 CSS pixels wide. On each page:

- reflow (1.4.10): the page reads without scrolling sideways; a wide table
  scrolls inside its own box;
- axe-core's checks of the WCAG 2.0 and 2.1 A and AA rules (labels, names,
  contrast, landmarks, ARIA, ``lang``...) find nothing.

The menu bar of a desktop screen wraps rather than run off it.
"""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page

PASSWORD = "symbiose-demo"  # the demo accounts' documented password
FACILITATOR = "facilitateur@symbiose.example.lu"
ROLES = {
    "anonymous": None,
    "member": "membre@boulangerie-sud.example.lu",
    "zone manager": "gestionnaire.sud@symbiose.example.lu",
    "facilitator": FACILITATOR,
}
# Not pages of the site: downloads (calendar files too), the API, print layouts
# (for paper), sign-out.
NOT_PAGES = re.compile(
    r"/api/|/static/|/export|/print|\.(csv|xlsx|json|zip|ics)\b|/logout"
)
# The page's own width, and what sticks out of it (for the failure message).
MEASURE = """() => {
  const width = document.documentElement.clientWidth;
  const wide = [...document.querySelectorAll("body *")]
    .filter(e => e.getBoundingClientRect().right > width + 1
              && e.parentElement.getBoundingClientRect().right <= width + 1)
    .map(e => e.outerHTML.slice(0, 100));
  return {width, scrolled: document.documentElement.scrollWidth, wide: wide.slice(0, 3)};
}"""

# axe-core's rules tagged with WCAG 2.0 and 2.1, levels A and AA.
WCAG_AA = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
    "resultTypes": ["violations"],
}
AXE = Axe()

pytestmark = pytest.mark.browser


def axe_violations(page: Page) -> list[str]:
    """Each WCAG A/AA rule that axe finds broken, with up to three places."""
    found = AXE.run(page, options=WCAG_AA).response["violations"]
    return [
        f"{rule['id']}: {[node['target'] for node in rule['nodes'][:3]]}"
        for rule in found
    ]


def signed_in(
    browser: Browser, base: str, email: str | None, lang: str, width: int = 320
) -> Page:
    """A new page of a screen ``width`` pixels wide, signed in as ``email``
    (or nobody), in ``lang``."""
    page = browser.new_context(
        base_url=base, locale="fr-FR", viewport={"width": width, "height": 640}
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


def walk(page: Page, base: str) -> tuple[list[str], dict[str, list[object]]]:
    """The pages reached from home, one per kind of address, and what is
    wrong with each: wider than the screen (and what sticks out), axe's
    violations."""
    host = urlsplit(base).netloc
    queue, kinds, seen = ["/"], set(), []
    wrong: dict[str, list[object]] = {}
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
        problems: list[object] = [*axe_violations(page)]
        if measured["scrolled"] > measured["width"]:
            problems.append(measured)
        if problems:
            wrong[path] = problems
        for href in page.eval_on_selector_all(
            "a[href]", "links => links.map(a => a.getAttribute('href'))"
        ):
            link = urlsplit(urljoin(base + path, href))
            if link.netloc == host and not NOT_PAGES.search(link.path):
                queue.append(link.path + (f"?{link.query}" if link.query else ""))
    return seen, wrong


@pytest.mark.parametrize(
    ("lang", "roles"),
    [("fr", list(ROLES)), ("de", ["facilitator"])],
    ids=["fr-every-role", "de-facilitator"],
)
def test_every_page_reflows_and_passes_axe(
    demo_site: None, browser: Browser, live_server: str, lang: str, roles: list[str]
) -> None:
    for role in roles:
        page = signed_in(browser, live_server, ROLES[role], lang)
        seen, wrong = walk(page, live_server)
        page.context.close()
        # The walk reached the site, not only the home page.
        assert len(seen) >= (8 if ROLES[role] is None else 25), (role, seen)
        assert not wrong, f"{role} ({lang}): {wrong}"


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
    # The expanded menu is on screen at the last width: axe checks it too.
    assert not axe_violations(page)
    page.context.close()
