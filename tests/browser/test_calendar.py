"""The calendar address, from the account page to an agenda program."""

from __future__ import annotations

from urllib.parse import urlsplit

import icalendar
import pytest
from playwright.sync_api import Page, expect

from tests.browser.test_agreements import sign_in
from tests.browser.test_site_walk import PASSWORD, axe_violations

pytestmark = pytest.mark.browser

MEMBER = "membre@boulangerie-sud.example.lu"  # Léa, in the demo's Foetz group


def test_a_member_turns_the_calendar_on_by_keyboard_and_off_again(
    demo_site: None, page: Page
) -> None:
    sign_in(page, MEMBER, PASSWORD)
    page.goto("/account/#account-calendar")
    create = page.get_by_role("button", name="Créer l'adresse de mon agenda")
    create.focus()
    page.keyboard.press("Enter")
    page.wait_for_load_state()

    address = page.get_by_label("Adresse de votre agenda")
    expect(address).to_have_attribute("readonly", "")
    # The site's public address (BASE_URL), here served by the test server.
    url = urlsplit(address.input_value()).path
    assert url.startswith("/calendar/")
    assert axe_violations(page) == []

    # What an agenda program fetches, without the session's cookie.
    response = page.context.request.get(url, headers={"Cookie": ""})
    assert response.ok
    found = icalendar.Calendar.from_ical(response.body())
    titles = [str(e["summary"]) for e in found.walk("VEVENT")]
    assert any("Bilan du premier mois" in t for t in titles), titles

    page.get_by_role("button", name="Désactiver l'adresse").click()
    expect(page.get_by_role("status")).to_contain_text("ne fonctionne plus")
    expect(create).to_be_visible()
    assert page.context.request.get(url).status == 404
