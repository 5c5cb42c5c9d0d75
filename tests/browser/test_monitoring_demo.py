"""In a real browser, on the demo data: the dashboard shows real figures.

Loads the full reference and demo (as ``make run`` does), signs in as the
demo facilitator and checks that every chart, the Sankey and the map are drawn
from non-empty data; the screenshots are kept in the artifacts.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import FloatRect, Page, expect

from tests.browser.conftest import ARTIFACTS

pytestmark = pytest.mark.browser
FACILITATOR = "facilitateur@symbiose.example.lu"
DEMO_PASSWORD = "symbiose-demo"


def test_demo_dashboard_and_report(demo_site: None, page: Page) -> None:
    page.goto("/login")
    page.get_by_label("E-mail").fill(FACILITATOR)
    page.get_by_label("Mot de passe").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url("**/")
    page.goto("/monitoring/")
    for box in ("#chart-monthly", "#chart-funnel", "#chart-zones",
                "#chart-materials", "#chart-sankey"):  # fmt: skip
        expect(page.locator(box)).to_have_attribute("data-rendered", "true")
    # Real flows: Sankey links and map lines between the demo's zones.
    expect(page.locator("#chart-sankey svg path").first).to_be_visible()
    # Each name and figure of the funnel and the Sankey stays inside its chart,
    # and the funnel names each step in full.
    for box in ("#chart-funnel", "#chart-sankey"):
        frame = page.locator(box).bounding_box()
        assert frame is not None
        texts = page.locator(f"{box} svg text").all()
        assert texts
        for text in texts:
            found = text.bounding_box()
            assert found is not None
            assert found["x"] >= frame["x"] - 1, text.text_content()
            assert found["x"] + found["width"] <= frame["x"] + frame["width"] + 1
    # months by their French names ("nov. 2025"), not their keys ("2025-11")
    shown = [
        t.text_content() or "" for t in page.locator("#chart-monthly svg text").all()
    ]
    assert any(re.fullmatch(r"nov\. \d{4}", text) for text in shown), shown
    assert not [text for text in shown if re.fullmatch(r"\d{4}-\d{2}", text)]
    steps = [t.text_content() for t in page.locator("#chart-funnel svg text").all()]
    assert {"Annonces", "Mises en relation", "Terminés"} <= set(steps)
    pairs = int(page.locator("#monitoring-map").get_attribute("data-pairs") or 0)
    assert pairs >= 3
    delivered = (
        page.locator("#table-impact").get_by_role("row").filter(has_text="Livré")
    )
    expect(delivered.first).to_be_visible()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "monitoring-demo.png"), full_page=True)
    _sankey_on_a_phone(page)
    page.set_viewport_size({"width": 1440, "height": 900})
    page.goto("/monitoring/")
    page.get_by_role("link", name="Rapport imprimable").click()
    expect(page.locator(".headline li").first).not_to_contain_text("0 tonnes")
    page.screenshot(path=str(ARTIFACTS / "monitoring-demo-report.png"), full_page=True)


def _overlap(a: FloatRect, b: FloatRect) -> bool:
    return (
        a["x"] < b["x"] + b["width"]
        and b["x"] < a["x"] + a["width"]
        and a["y"] < b["y"] + b["height"]
        and b["y"] < a["y"] + a["height"]
    )


def _sankey_on_a_phone(page: Page) -> None:
    """At 390 px the Sankey scrolls sideways in its own box, reachable by
    keyboard and named by its heading, and none of its names overlap."""
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/monitoring/")
    expect(page.locator("#chart-sankey")).to_have_attribute("data-rendered", "true")
    box = page.locator(".chart-scroll").filter(has=page.locator("#chart-sankey"))
    expect(box).to_have_attribute("tabindex", "0")
    expect(box).to_have_attribute("role", "region")
    expect(box).to_have_attribute("aria-labelledby", "flows-title")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    names = [
        found
        for text in page.locator("#chart-sankey svg text").all()
        if (found := text.bounding_box()) is not None and found["width"] > 0
    ]
    assert len(names) >= 4
    for index, one in enumerate(names):
        for other in names[index + 1 :]:
            assert not _overlap(one, other), (one, other)
    box.focus()
    page.keyboard.press("ArrowRight")
    for _ in range(20):  # the keys scroll smoothly
        if box.evaluate("b => b.scrollLeft") > 0:
            break
        page.wait_for_timeout(100)
    assert box.evaluate("b => b.scrollLeft") > 0
