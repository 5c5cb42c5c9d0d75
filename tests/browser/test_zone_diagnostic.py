"""In a real browser: a zone manager opens the diagnostic of a demo zone.

The Sankey chart is drawn by the vendored ECharts with its SVG renderer, so the
test can count the drawn paths; the screenshot is kept in the artifacts.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask
from playwright.sync_api import Page, expect

from symbiosis.extensions import db
from symbiosis.models import Zone
from symbiosis.services import seeding
from tests.browser.conftest import ARTIFACTS

pytestmark = pytest.mark.browser

SEEDS = Path(__file__).resolve().parents[2] / "seeds"
MANAGER = "gestionnaire.sud@symbiose.example.lu"  # manages Eurohub Sud
DEMO_PASSWORD = "symbiose-demo"


@pytest.fixture
def zone_id(app: Flask) -> int:
    """The demo data set (listings, matches, agreements) and Eurohub Sud's id."""
    with app.app_context():
        seeding.load_reference(SEEDS / "reference")
        seeding.load_demo(SEEDS / "demo")
        seeding.load_demo_listings(SEEDS / "demo")
        zone = db.session.scalar(
            sa.select(Zone).where(Zone.slug == "eurohub-sud-multimodal-terminal")
        )
        assert zone is not None
        return zone.id


def _drawn_paths(page: Page) -> int:
    return int(page.eval_on_selector_all("#zone-sankey svg path", "els => els.length"))


def test_manager_sees_the_sankey_of_the_zone(zone_id: int, page: Page) -> None:
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on(
        "console",
        lambda m: errors.append(m.text) if m.type == "error" else None,
    )
    page.goto("/login")
    page.get_by_label("E-mail").fill(MANAGER)
    page.get_by_label("Mot de passe").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url("**/")

    page.goto(f"/zones/{zone_id}")
    page.locator(f"main a[href='/zones/{zone_id}/diagnostic']").click()
    page.wait_for_url(f"**/zones/{zone_id}/diagnostic")
    chart = page.locator("#zone-sankey")
    expect(chart).to_have_attribute("data-rendered", "true", timeout=10_000)
    # The busiest agreed chart comes first (the demo evening's partnerships
    # are counted in pieces); the tonnes are one choice away.
    assert (chart.get_attribute("data-chart") or "").startswith("agreed-")
    page.locator("#zone-sankey-select").select_option("agreed-t")
    expect(chart).to_have_attribute("data-chart", "agreed-t")
    expect(chart).to_have_attribute("data-rendered", "true")
    assert int(chart.get_attribute("data-links") or 0) >= 1
    expect(chart.locator("svg")).to_have_count(1)
    # Two nodes and a link at least: the SVG renderer draws each as a path.
    assert _drawn_paths(page) >= 3
    expect(chart).to_contain_text("Recyclage Inerte Bettembourg")  # a node label

    # Another kind of flow and unit, by keyboard-usable select.
    page.select_option("#zone-sankey-select", "potential-t")
    expect(chart).to_have_attribute("data-chart", "potential-t")
    expect(chart).to_have_attribute("data-rendered", "true")
    links = int(chart.get_attribute("data-links") or 0)
    assert links >= 3
    assert _drawn_paths(page) >= links

    # The text alternative: the same flows in tables.
    expect(page.locator("table.diagnostic-agreed tbody tr")).not_to_have_count(0)
    expect(page.locator("table.diagnostic-materials tbody tr")).not_to_have_count(0)

    # The screenshot shows the busiest chart.
    charts = json.loads(page.locator("#zone-sankey-data").text_content() or "[]")
    busiest = max(charts, key=lambda c: len(c["links"]))["key"]
    page.select_option("#zone-sankey-select", busiest)
    expect(chart).to_have_attribute("data-chart", busiest)
    expect(chart).to_have_attribute("data-rendered", "true")
    chart.scroll_into_view_if_needed()
    ARTIFACTS.mkdir(exist_ok=True)
    page.set_viewport_size({"width": 1440, "height": 1150})
    page.screenshot(path=str(ARTIFACTS / "zone-diagnostic.png"))
    assert errors == []  # no script error, no refused inline script or style
