"""In a real browser: a zone manager turns a pooling suggestion into a service."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from playwright.sync_api import Page, expect

from symbiosis.extensions import db
from tests.browser.test_agreements import sign_in
from tests.builders import make_listing, make_org, make_reference, make_user, make_zone

pytestmark = pytest.mark.browser


@pytest.fixture
def zone(app: Flask) -> dict[str, object]:
    with app.app_context():
        make_reference()
        zone = make_zone(name="ZIC Foetz (Mondercange)", lat=49.52, lon=6.01)
        emails = []
        for name in ("Cartonnages de Foetz", "Boulangerie du Sud", "Autohaus Foetz"):
            firm = make_org(name=name, zone=zone)
            firm.lat, firm.lon = 49.52, 6.01
            user = make_user(org=firm)
            make_listing(org=firm, by=user, title="Cartons d'emballage",
                         ewc_code="150101", quantity="1", unit="t")  # fmt: skip
            emails.append(user.email)
        network = make_org(name="Réseau RSE", kind="association")
        manager = make_user(org=network, manages=[zone])
        db.session.commit()
        return {"zone": zone.id, "manager": manager.email, "firms": emails}


def test_from_suggestion_to_active_service(zone: dict[str, object], page: Page) -> None:
    sign_in(page, str(zone["manager"]))
    page.goto(f"/zones/{zone['zone']}")
    page.locator("a[href*='/pooled/new'][href*='key=']").first.click()
    page.wait_for_url(re.compile(r".*/pooled/new.*"))
    expect(page.locator("#target_participants")).to_have_value("3")
    page.get_by_role("button", name="Envoyer la proposition").click()
    page.wait_for_url(re.compile(r".*/pooled/\d+$"))
    service_url = page.url
    page.locator("form[action$='/step/approve'] button").click()
    expect(page.locator(".pool-state").first).to_have_class(re.compile("state-open"))

    for email in list(zone["firms"])[:2]:  # type: ignore[call-overload]
        sign_in(page, email)
        page.goto(service_url)
        page.locator("#commitment-1").check()  # committed
        page.locator("form[action$='/enrol'] button").click()
        expect(page.locator("form[action$='/leave']")).to_be_visible()
        page.locator("#ewc_code").fill("15 01 01")
        page.locator("#quantity").fill("1")
        page.locator("#frequency").select_option("monthly")
        page.locator("form[action*='/census'] button[type=submit]").last.click()

    sign_in(page, str(zone["manager"]))
    page.goto(service_url)
    expect(page.locator("#census")).to_contain_text("24")  # 2 firms × 12 t a year
    page.locator("form[action$='/step/start'] button").click()
    expect(page.locator(".pool-state").first).to_have_class(re.compile("state-active"))
    page.goto(f"/zones/{zone['zone']}")
    section = page.locator("#pooled")
    expect(section).to_contain_text("carton")
    expect(section.locator(".pool-state")).to_have_class(re.compile("state-active"))
    page.screenshot(path="tests/browser/artifacts/pooled-zone.png", full_page=True)
