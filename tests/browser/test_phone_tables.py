"""On a phone, lists shown as tables become one card per row, each value
under its column's name, instead of hiding their right-hand columns."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa
from flask import Flask
from playwright.sync_api import Locator, Page, expect

from symbiosis.extensions import db
from symbiosis.models import Event, User
from symbiosis.services import event_plans, events
from tests.browser.test_agreements import sign_in
from tests.browser.test_site_walk import PASSWORD, axe_violations

pytestmark = pytest.mark.browser

ADMIN = "admin@boulangerie-sud.example.lu"
FACILITATOR = "facilitateur@symbiose.example.lu"
# A member of the food bank, registered for the demo's evening to come.
FOOD_BANK = "carlos.duarte@banque-alimentaire-sud.example.lu"


def _overflow(page: Page) -> int:
    """How far the page reaches past the screen's width, in pixels."""
    return int(
        page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    )


def _on_screen_and_labelled(page: Page, row: Locator, header: list[str]) -> None:
    """Every cell of ``row`` is within a 390 px screen, labelled by its column,
    and the page does not scroll sideways."""
    cells = row.locator("td, th")
    assert [c.get_attribute("data-label") for c in cells.all()] == header
    for cell in cells.all():
        box = cell.bounding_box()
        assert box is not None
        assert box["x"] >= 0
        assert box["x"] + box["width"] <= 390
    assert _overflow(page) <= 0


@pytest.mark.parametrize("path", ["/listings/mine", "/agreements/"])
def test_a_phone_shows_every_column_of_a_row(
    demo_site: None, page: Page, path: str
) -> None:
    sign_in(page, ADMIN, PASSWORD)
    page.set_viewport_size({"width": 390, "height": 800})
    page.goto(path)
    table = page.locator("table.table-stack")
    expect(table).to_have_class("table table-stack align-middle is-stacked")
    header = table.locator("thead th").all_inner_texts()
    first = table.locator("tbody tr").first
    # every cell of the row is on the screen, labelled by its column
    _on_screen_and_labelled(page, first, header)
    # still a table, with its rows and cells, for screen readers
    expect(page.get_by_role("table")).to_have_count(1)
    expect(first.get_by_role("cell").first).to_be_visible()
    assert axe_violations(page) == []


def test_a_wide_screen_keeps_the_table(demo_site: None, page: Page) -> None:
    sign_in(page, ADMIN, PASSWORD)
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto("/listings/mine")
    header = page.locator("table.table-stack thead")
    expect(header.locator("th").first).to_be_visible()
    first = page.locator("table.table-stack tbody tr").first
    cells = [c.bounding_box() for c in first.locator("td, th").all()]
    # the cells of a row sit side by side, on one line
    assert len({round(box["y"]) for box in cells if box}) == 1


def _publish_the_evening_to_come(app: Flask) -> int:
    """The demo's evening still open: planned and published, as the facilitator
    would, so that each registered organisation has its schedule."""
    with app.app_context():
        boss = db.session.scalar(sa.select(User).where(User.email == FACILITATOR))
        assert boss is not None
        event = db.session.scalar(
            sa.select(Event).where(Event.state == "open").order_by(Event.id)
        )
        assert event is not None
        event_plans.plan(boss, event.id)
        events.step(boss, event.id, "publish")
        return event.id


def test_a_phone_shows_every_column_of_ones_schedule(
    demo_site: None, app: Flask, page: Page
) -> None:
    event_id = _publish_the_evening_to_come(app)
    sign_in(page, FOOD_BANK, PASSWORD)
    page.set_viewport_size({"width": 390, "height": 800})
    page.goto(f"/events/{event_id}/schedule")
    table = page.locator("table.event-schedule")
    expect(table).to_have_class(re.compile(r"\btable-stack\b.*\bis-stacked\b"))
    header = table.locator("thead th").all_inner_texts()
    assert len(header) == 5  # round, when, table, whom, why
    # a round with a meeting: every column, "why" included, on the screen
    rows = table.locator("tbody tr").all()
    met = [r for r in rows if r.locator("td, th").count() == len(header)]
    assert met, "no meeting in the schedule"
    _on_screen_and_labelled(page, met[0], header)
    expect(met[0].get_by_role("cell").last).to_be_visible()
    assert axe_violations(page) == []
