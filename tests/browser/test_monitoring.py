"""In a real browser: the facilitator's dashboard draws its charts and map,
opens the records behind a figure, verifies one and prints the report."""

from __future__ import annotations

from datetime import date

import pytest
from flask import Flask
from playwright.sync_api import Page, expect

from symbiosis.extensions import db
from symbiosis.services import agreement_thread, agreements
from tests.browser.conftest import ARTIFACTS
from tests.browser.test_agreements import sign_in
from tests.builders import (
    agreement_terms,
    make_listing,
    make_org,
    make_reference,
    make_user,
    make_zone,
)

pytestmark = pytest.mark.browser


@pytest.fixture
def network(app: Flask) -> dict[str, str]:
    """Wood moves from a Contern joinery to a Foetz bakery; 2 t delivered."""
    with app.app_context():
        make_reference()
        contern = make_zone(name="Contern (Weiergewan/Rolach)", lat=49.586, lon=6.215)
        foetz = make_zone(name="ZIC Foetz (Mondercange)", lat=49.52, lon=6.01)
        joinery, bakery = (
            make_org(name="Menuiserie", zone=contern),
            make_org(name="Boulangerie", zone=foetz),
        )
        joinery.lat, joinery.lon, bakery.lat, bakery.lon = 49.586, 6.215, 49.52, 6.01
        supplier, receiver = make_user(org=joinery), make_user(org=bakery)
        offer = make_listing(org=joinery, by=supplier, quantity="3", unit="t")
        request = make_listing(
            org=bakery, by=receiver, kind="request", title="Palettes", quantity="20",
            frequency="yearly",
        )  # fmt: skip
        agreement = agreements.propose(
            receiver, offer.id, request.id,
            {**agreement_terms(), "start": date.today().isoformat()},
        )  # fmt: skip
        agreements.act(supplier, agreement.id, "accept", agreement.version)
        agreements.act(receiver, agreement.id, "start", agreement.version)
        agreement_thread.log_delivery(
            supplier, agreement.id,
            {"delivered_on": date.today().isoformat(), "quantity": "2", "unit": "t"},
        )  # fmt: skip
        network = make_org(name="Réseau RSE", kind="association")
        facilitator = make_user(org=network, facilitator=True)
        db.session.commit()
        return {"facilitator": facilitator.email}


def test_dashboard_charts_records_and_report(
    network: dict[str, str], page: Page
) -> None:
    sign_in(page, network["facilitator"])
    page.goto("/monitoring/")
    for box in ("#chart-monthly", "#chart-funnel", "#chart-zones",
                "#chart-materials", "#chart-sankey"):  # fmt: skip
        expect(page.locator(box)).to_have_attribute("data-rendered", "true")
        expect(page.locator(f"{box} svg")).to_have_count(1)
    expect(page.locator("#monitoring-map")).to_have_attribute("data-pairs", "1")
    expect(page.locator("#monitoring-map path.leaflet-interactive")).to_have_count(1)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "monitoring-dashboard.png"), full_page=True)

    # The delivered tonnes open the record behind them; the facilitator verifies it.
    impact = page.locator("#table-impact")
    impact.get_by_role("row").filter(has_text="Livré").get_by_role("link").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Livré")
    page.get_by_role("button", name="Vérifier").click()
    expect(page.get_by_role("status")).to_contain_text("vérifié")
    page.goto("/monitoring/")
    verified = impact.get_by_role("row").filter(has_text="Vérifié")
    expect(verified.get_by_role("link")).to_have_text("1")

    page.get_by_role("link", name="Rapport imprimable").click()
    expect(page.locator("h1")).to_contain_text("Toutes les zones")
    expect(page.locator(".headline")).to_contain_text("2")
    page.screenshot(path=str(ARTIFACTS / "monitoring-report.png"), full_page=True)
