"""In a real browser: post a listing, then find it on the offline map."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from playwright.sync_api import Page, expect

from symbiosis.extensions import db
from tests.builders import PASSWORD, make_org, make_reference, make_user, make_zone

pytestmark = pytest.mark.browser


@pytest.fixture
def member(app: Flask) -> str:
    with app.app_context():
        make_reference()
        zone = make_zone(name="Contern (Weiergewan/Rolach)", lat=49.586, lon=6.215)
        org = make_org(name="Boulangerie du Sud", zone=zone)
        org.lat, org.lon = 49.59, 6.22
        user = make_user(email="membre@boulangerie.example.lu", org=org)
        db.session.commit()
        return user.email


def test_post_a_listing_and_see_it_on_the_map(member: str, page: Page) -> None:
    page.goto("/login")
    page.get_by_label("E-mail").fill(member)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url("**/")

    page.goto("/listings/new")
    page.get_by_label("Titre", exact=True).fill("Palettes en bois")
    page.get_by_label("Code déchet européen").fill("15 01 03")
    page.get_by_label("Quantité", exact=True).fill("2,5")
    page.get_by_label("Unité", exact=True).select_option("t")
    page.get_by_label("Fréquence", exact=True).select_option("monthly")
    page.get_by_label("Localité", exact=True).fill("Contern")
    page.get_by_role("button", name="Publier").click()
    page.wait_for_url(re.compile(r".*/listings/\d+$"))
    expect(page.get_by_role("heading", name="Palettes en bois")).to_be_visible()
    expect(page.locator("main")).to_contain_text("15 01 03")

    page.goto("/listings/map")
    map_box = page.locator("#listings-map")
    page.wait_for_selector("#listings-map[data-loaded='true']", timeout=10_000)
    assert map_box.get_attribute("data-count") == "1"
    assert page.locator(".leaflet-listingsOutline-pane path").count() == 100  # communes
    marker = page.locator("path.listing-marker--offer")
    expect(marker).to_have_count(1)
    marker.click()
    popup = page.locator(".leaflet-popup-content")
    expect(popup).to_contain_text("Palettes en bois", timeout=10_000)
    expect(popup).to_contain_text("Boulangerie du Sud")


def test_the_waste_code_picker_offers_codes_named_in_another_language(
    member: str, page: Page
) -> None:
    """ "Karton" finds 15 01 01 (labelled "papier/carton"): the option says
    the word it was found by, or the browser would hide it."""
    page.goto("/login")
    page.get_by_label("E-mail").fill(member)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url("**/")
    page.goto("/listings/new")
    page.get_by_label("Code déchet européen").press_sequentially("Karton", delay=30)
    offered = page.locator("#ewc-options option[value='15 01 01']")
    expect(offered).to_contain_text("(Karton)", timeout=5_000)
